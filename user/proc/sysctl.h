/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Kernel settings under /proc/sys that portsnoop reads. */
#ifndef PS_SYSCTL_H
#define PS_SYSCTL_H

#include <stddef.h>

/* "LO HI" (the kernel writes "32768\t60999\n"): 0 and the range, or
 * -EINVAL (not two numbers, LO above HI, HI above 65535, other text after). */
int sysctl__parse_port_range(const char *buf, size_t len, unsigned int *lo,
			     unsigned int *hi);

/* The local port range of the calling thread's network namespace
 * (proc_root/sys/net/ipv4/ip_local_port_range). Returns 0, -errno of the
 * read, -EFBIG (longer than any range) or -EINVAL; lo and hi are set only
 * on 0. */
int sysctl__port_range(const char *proc_root, unsigned int *lo, unsigned int *hi);

#endif
