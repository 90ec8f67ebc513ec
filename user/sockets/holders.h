/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Who holds a port right now, asked when a bind or listen fails with
 * EADDRINUSE: the sockets of that namespace that hold the port the failed
 * call asked for (holds.h: every state, overlapping addresses), joined with
 * their owners. Answers are kept a second, so a service that retries its
 * bind in a loop costs one lookup a second.
 *
 * The live trace remembers what it saw bound: when the holder is gone by
 * the time the failure is read (it exited a few milliseconds after), the
 * answer is the process the trace saw bind, and *from_trace says so.
 */
#ifndef PS_HOLDERS_H
#define PS_HOLDERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>
#include "portsnoop.h"
#include "sockets/holds.h"

#define HOLDERS_MAX 8

struct holders;

struct holders *holders__new(void);
/* An event of the trace: a bind or listen that succeeded is remembered
 * until its socket's close. */
void holders__saw(struct holders *h, const struct ps_event *ev);
/* Fill out[] (at most HOLDERS_MAX, one per process); returns how many. */
size_t holders__find(struct holders *h, uint32_t netns, const struct holds_query *q,
		     struct ps_owner out[HOLDERS_MAX], bool *from_trace);
void holders__free(struct holders *h);

#endif
