/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* This boot's id, as process.entity_id carries it. */
#ifndef PS_BOOTID_H
#define PS_BOOTID_H

#include <stddef.h>

/* The kernel's boot id (proc_root/sys/kernel/random/boot_id) without its
 * dashes and newline, into out; "" when it cannot be read. */
void bootid__read(const char *proc_root, char *out, size_t outsz);

#endif
