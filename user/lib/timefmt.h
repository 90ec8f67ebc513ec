/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Kernel timestamps (CLOCK_MONOTONIC) to wall-clock text. */
#ifndef PS_TIMEFMT_H
#define PS_TIMEFMT_H

#include <stddef.h>
#include <stdint.h>

/* Add to a CLOCK_MONOTONIC ns value to get CLOCK_REALTIME ns, now. */
int64_t timefmt__mono_offset(void);
/* Add to a CLOCK_BOOTTIME ns value to get CLOCK_REALTIME ns, now. */
int64_t timefmt__boot_offset(void);
/* CLOCK_MONOTONIC now, ns: the clock of the kernel's record stamps. */
uint64_t timefmt__mono_ns(void);
/* CLOCK_REALTIME now, ns. */
int64_t timefmt__now(void);
/* "2026-11-21T04:50:26.123456789Z" */
void timefmt__rfc3339(int64_t real_ns, char *buf, size_t bufsz);
/* "04:50:26.123", local time */
void timefmt__clock(int64_t real_ns, char *buf, size_t bufsz);

#endif
