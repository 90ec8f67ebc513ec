/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Do we hold what loading and attaching BPF programs takes? */
#ifndef PS_CAPS_H
#define PS_CAPS_H

#include <stddef.h>
#include <stdint.h>

#define CAPS_NET_ADMIN 12
#define CAPS_SYS_ADMIN 21
#define CAPS_PERFMON 38
#define CAPS_BPF 39

/*
 * Given the effective capability set (bit n = capability n), write the
 * missing ones to buf as "CAP_BPF, CAP_PERFMON" and return how many are
 * missing. CAP_SYS_ADMIN stands in for CAP_BPF and CAP_PERFMON, as it does
 * in the kernel.
 */
int caps__missing(uint64_t effective, char *buf, size_t bufsz);
/* The effective set of this process, or 0 when it cannot be read. */
uint64_t caps__effective(void);

#define CAPS_KERNEL_BTF "/sys/kernel/btf/vmlinux"

/*
 * Is the BTF that CO-RE needs there? custom is a BTF file the user named
 * (--btf), or NULL for the running kernel's. Returns 0, or -errno with a
 * one-line reason in msg.
 */
int caps__btf(const char *custom, char *msg, size_t msgsz);

#endif
