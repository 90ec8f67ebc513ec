/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Checking a ring buffer record before anything trusts it. */
#ifndef PS_EVENT_H
#define PS_EVENT_H

#include <stddef.h>
#include <linux/types.h>
#include "portsnoop.h"

_Static_assert(sizeof(struct ps_event) == PS_EVENT_SIZE,
	       "struct ps_event changed size: update PS_EVENT_SIZE and the BPF side");

struct event_view {
	struct ps_event ev;	/* a checked copy of the fixed part */
	const char *argv;	/* the head of the command line, in the record */
	size_t argv_len;
};

/*
 * Check a ring buffer record and describe it in *v: long enough, a known
 * kind, NUL-terminated comms, an argv_len within the record. v->argv points
 * into data. Returns 0 or -EBADMSG.
 */
int event__decode(const void *data, size_t len, struct event_view *v);

#endif
