/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The real uid of a process, from /proc/PID/status, remembered per pid. */
#ifndef PS_UIDS_H
#define PS_UIDS_H

#include <stdint.h>

/* The real uid of process pid, or fallback when its status is unreadable. */
uint32_t uids__real(uint32_t pid, uint32_t fallback);

#endif
