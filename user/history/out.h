/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * What `portsnoop history` and `who PORT --at T` print of a log's records
 * (docs/history.md): the timeline's rows and the holders at a time, as a
 * table or JSON Lines, every text from the log escaped as live output is.
 */
#ifndef PS_HISTORY_OUT_H
#define PS_HISTORY_OUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "history/logrec.h"
#include "history/replay.h"
#include "output/sbuf.h"

/* Rendering. */
struct history_out {
	bool json;
	const char *local_host;	/* this machine's name: may its pids be checked? */
	const char *boot_id;	/* this boot's id, dashes dropped */
};

void history__header(struct sbuf *b, const struct history_out *o);
/* One record of the timeline; line is the record's JSON (re-escaped for -j). */
void history__record(struct sbuf *b, const struct history_out *o, const struct logrec *r,
		     const char *line, size_t len);
void history__holder_header(struct sbuf *b, const struct history_out *o);
/* One holder of the port at at_ns. */
void history__holder(struct sbuf *b, const struct history_out *o, const struct replay_sock *s,
		     int64_t at_ns);
/* Does the process of s still run ("yes", "no", "unknown": not this host,
 * or its start time is not in the log)? */
const char *history__still_runs(const struct history_out *o, const struct replay_sock *s);

#endif
