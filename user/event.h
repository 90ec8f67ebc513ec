/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Checking a ring buffer record before anything trusts it. */
#ifndef PS_EVENT_H
#define PS_EVENT_H

#include <stddef.h>
#include <linux/types.h>
#include "portsnoop.h"

_Static_assert(sizeof(struct ps_event) == PS_EVENT_SIZE,
	       "struct ps_event changed size: update PS_EVENT_SIZE and the BPF side");

/*
 * Copy a record into *ev if it is one: long enough, a known kind, and a
 * NUL-terminated comm. Returns 0 or -EBADMSG.
 */
int event__decode(const void *data, size_t len, struct ps_event *ev);

#endif
