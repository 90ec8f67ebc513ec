/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * What the user asked to see, said once. The command line fills it; the
 * kernel applies its ps_filter at the hooks (the programs' rodata: what is
 * left out costs a few compares); userspace asks the same questions of what
 * the kernel does not see: an event's process name, and the sockets that
 * already exist (the state records at start, `ls`).
 */
#ifndef PS_FILTER_H
#define PS_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>
#include "portsnoop.h"
#include "sockets/diag.h"

struct filter {
	const struct ps_filter *kernel;	/* the in-kernel part; never NULL */
	const char *comm;		/* process name, userspace only; NULL: any */
};

/* Is port p among the --port ones (or were none given)? */
static inline bool filter__port(const struct ps_filter *k, uint16_t p)
{
	return !k->has_ports || (k->ports[p >> 3] & (1u << (p & 7)));
}

/* Does a process name (a task's comm: at most PS_COMM_LEN bytes) match? */
bool filter__comm(const struct filter *f, const char *comm);

/*
 * Can a socket that already exists match at all? Not under --events or
 * --failed (a state record is no call), nor --cgroup or --children (which
 * cgroup or ancestry its holders have is not known here).
 */
bool filter__existing(const struct filter *f);

/*
 * A socket that exists, held by o[0..n): its uid, netns, port, protocol and
 * family, and (--pid, --comm) one of its holders.
 */
bool filter__socket(const struct filter *f, const struct diag_sock *d,
		    const struct ps_owner *o, size_t n);

#endif
