/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Output lines gathered in one buffer and written to a sink in batches:
 * one write(2) per batch, and no later than the batch's end. What cannot go
 * out is counted, never half-written: lines the sink refused (a full disk),
 * lines cut short when memory ran out.
 */
#ifndef PS_LINES_H
#define PS_LINES_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include "output/sbuf.h"
#include "output/sink.h"

/* A batch goes out once it holds this much (or at once to a datagram sink). */
#define LINES_FLUSH_BYTES (64 * 1024)

struct lines;

/* What did not go out, for the summary and the exit status. */
struct lines_totals {
	uint64_t oom_lost;	/* formatted, but memory ran out before output */
	uint64_t unwritten;	/* lines the sink refused (disk full, ...) */
	int write_err;		/* the first write error (-errno), said once */
};

/* Lines to the sink `out`, which stays the caller's. NULL: out of memory. */
struct lines *lines__new(struct sink *out);
/* The sink the lines go to. */
struct sink *lines__sink(const struct lines *l);
/* Format the next line(s) here, then say lines__added(). */
struct sbuf *lines__buf(struct lines *l);
/*
 * One more record is in the buffer: written out when the batch is full,
 * memory ran short or the sink takes one record at a time. Returns what
 * lines__flush() does.
 */
int lines__added(struct lines *l);
/*
 * Write out what is gathered. A write error is said once on stderr and
 * counted, and 0 returned: tracing goes on (the disk may get space again,
 * logrotate may move the file). Returns -EPIPE when the reader is gone
 * (or, once stopping, does not read), and from then on reader_gone is set.
 */
int lines__flush(struct lines *l);
/*
 * Once *stopping is set (by a signal handler), a write waits at most a
 * second for a reader that does not read (sink__set_stopping), and such a
 * reader counts as gone.
 */
void lines__set_stopping(struct lines *l, const volatile sig_atomic_t *stopping);
/* The reader of the output went away (EPOLLERR on a pipe): write no more. */
void lines__set_reader_gone(struct lines *l);
bool lines__reader_gone(const struct lines *l);
const struct lines_totals *lines__totals(const struct lines *l);
/* Once lines could not be written and writing works again, a mark of the
 * gap goes out first (gapmark.h), in fmt's format; datagram sinks drop
 * records whole and get none. */
struct format_ctx;
void lines__mark_gaps(struct lines *l, const struct format_ctx *fmt);
void lines__free(struct lines *l);

#endif
