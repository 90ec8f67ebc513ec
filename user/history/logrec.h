/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * One line of portsnoop's own JSON Lines log, read back: the fields
 * `history` and `who --at` use, as the log recorded them. A log is
 * untrusted input: the parser is strict JSON (no raw control characters,
 * bounded nesting), takes a byte buffer and does no I/O, so it is fuzzed.
 */
#ifndef PS_LOGREC_H
#define PS_LOGREC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "output/sbuf.h"

/* A string from the line, unescaped (may hold any byte, NUL too). */
struct logstr {
	const char *p;
	size_t n;
};

struct logrec {
	int64_t ts_ns;			/* @timestamp, ns since the epoch */
	bool has_ts;
	int64_t start_ns;		/* process.start, ns since the epoch; 0 */
	struct logstr kind, action, outcome, error;
	struct logstr comm, exe, cmdline, user_name, entity_id;
	struct logstr container_id, container_name, unit, host;
	struct logstr transport, ntype, server_ip, source_ip, dest_ip;
	uint32_t pid, uid;		/* 0: absent (uid: has_uid) */
	bool has_uid;
	uint16_t server_port, source_port, dest_port;	/* 0: absent */
	uint64_t cookie, netns;
	uint32_t abi;			/* start records: portsnoop.abi */
	uint64_t lost;			/* lost records: portsnoop.lost */
	int v6only;			/* -1 unknown, 0, 1 */
};

/*
 * Parse line[0..n) (no newline) into r. Strings are unescaped into
 * scratch, which needs n bytes; r points into it. When rejson is not NULL
 * the object is written there again with every string escaped as live
 * output escapes it (output/escape.h). 0, or -EBADMSG: not one JSON object.
 */
int logrec__parse(const char *line, size_t n, struct logrec *r, char *scratch,
		  struct sbuf *rejson);

/* Is s equal to the C string c? */
bool logstr__is(struct logstr s, const char *c);

/*
 * A time as `history --since/--until` and `who --at` take it: RFC 3339
 * (2026-12-07T03:12:00Z, fractions and offsets too), a local
 * "YYYY-MM-DD HH:MM[:SS]", or relative to now_ns ("2h", "30m", "90s",
 * "1d"). 0 with *ns set, or -EINVAL.
 */
int logrec__time(const char *s, int64_t now_ns, int64_t *ns);

#endif
