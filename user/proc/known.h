/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * What a process that holds a socket is known by across its restarts: its
 * executable and where it runs (container, unit); and its start, which
 * tells it from a later process of the same pid. ls and the state records
 * name a listener by them (and --expect, check match by them), for every
 * socket: read once per pid, remembered.
 */
#ifndef PS_KNOWN_H
#define PS_KNOWN_H

#include <stdint.h>
#include "lib/records.h"

struct proc_known {
	uint32_t pid;
	uint64_t read_ns;	/* CLOCK_MONOTONIC when /proc was read */
	char *exe;		/* NULL: unreadable, or deleted since its exec */
	uint64_t start_ns;	/* CLOCK_BOOTTIME ns, whole clock ticks; 0 unknown */
	struct container container;
};

/* Process pid as /proc (at proc_root) showed it within the last second
 * (a pid reused later is read again); the entry stays valid until the next
 * call for another pid of the same slot. */
const struct proc_known *known__of_pid(const char *proc_root, uint32_t pid);

#endif
