/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The real uid of a process, from /proc/PID/status, remembered per pid for
 * a moment (one listing's pass; pids are reused). */
#ifndef PS_UIDS_H
#define PS_UIDS_H

#include <stdint.h>

/* How long a uid read is trusted for its pid. */
#define UIDS_FRESH_NS (2ull * 1000 * 1000 * 1000)

/* The real uid of process pid, or fallback when its status is unreadable. */
uint32_t uids__real(uint32_t pid, uint32_t fallback);
/* The same under root (a /proc), at now_ns (CLOCK_MONOTONIC): for tests. */
uint32_t uids__real_in(const char *root, uint32_t pid, uint32_t fallback, uint64_t now_ns);

#endif
