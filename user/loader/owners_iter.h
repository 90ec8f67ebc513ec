/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Who holds which socket, from the BPF task_file iterator (it needs
 * libbpf, so it lives in loader/; sockets/snapshot.c is handed it). */
#ifndef PS_OWNERS_ITER_H
#define PS_OWNERS_ITER_H

#include "proc/owners.h"

/* Fill o, from the iterator when the kernel allows, else from /proc. *how
 * says which ("bpf iterator" / "/proc"). */
int owners__collect(struct owners *o, const char **how);

#endif
