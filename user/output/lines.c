// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "output/lines.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "output/gapmark.h"

struct lines {
	struct sink *out;
	struct sbuf buf;
	uint64_t pending;	/* lines in buf not yet written */
	bool reader_gone;	/* the reader left: stop quietly, exit 0 */
	const volatile sig_atomic_t *stopping;
	struct lines_totals totals;
	const struct format_ctx *gapfmt;	/* mark gaps in this format; NULL: not */
	uint64_t gap;		/* lines not written since the last that were */
	int gap_err;
};

struct lines *lines__new(struct sink *out)
{
	struct lines *l = calloc(1, sizeof(*l));

	if (l)
		l->out = out;
	return l;
}

struct sink *lines__sink(const struct lines *l)
{
	return l->out;
}

struct sbuf *lines__buf(struct lines *l)
{
	return &l->buf;
}

void lines__set_stopping(struct lines *l, const volatile sig_atomic_t *stopping)
{
	l->stopping = stopping;
	sink__set_stopping(l->out, stopping);
}

void lines__set_reader_gone(struct lines *l)
{
	l->reader_gone = true;
}

bool lines__reader_gone(const struct lines *l)
{
	return l->reader_gone;
}

const struct lines_totals *lines__totals(const struct lines *l)
{
	return &l->totals;
}

/* The lines of buf[done..] that did not go out. */
static uint64_t lines_left(const struct lines *l, size_t done)
{
	uint64_t n = 0;

	/* A datagram holds one record (a journal entry has a newline per field). */
	if (sink__datagram(l->out))
		return done < l->buf.len;
	for (size_t i = done; i < l->buf.len; i++)
		n += l->buf.p[i] == '\n';
	return n;
}

void lines__mark_gaps(struct lines *l, const struct format_ctx *fmt)
{
	l->gapfmt = fmt;
}

/* Writing works again after lines were not written: say so where they are
 * missing, before the next lines. Kept for the next flush when it fails. */
static void mark_gap(struct lines *l)
{
	struct sbuf mark = { 0 };
	size_t done = 0;

	if (!l->gap || !l->gapfmt || sink__datagram(l->out))
		return;
	gapmark__format(&mark, l->gapfmt, l->gap, l->totals.unwritten, l->gap_err);
	if (!mark.oom && !sink__write(l->out, mark.p, mark.len, &done) && done == mark.len)
		l->gap = 0;
	sbuf__free(&mark);
}

int lines__flush(struct lines *l)
{
	uint64_t left;
	size_t done;
	int err;

	if (!l->buf.len)
		return 0;
	if (l->buf.oom) {
		/* Lines were cut short: count them lost, never print half a line. */
		l->totals.oom_lost += l->pending;
		l->pending = 0;
		sbuf__reset(&l->buf);
		return 0;
	}
	l->pending = 0;
	mark_gap(l);
	err = sink__write(l->out, l->buf.p, l->buf.len, &done);
	left = lines_left(l, done);
	sbuf__reset(&l->buf);
	if (err == -EPIPE || (err == -ETIMEDOUT && l->stopping && *l->stopping)) {
		l->reader_gone = true;	/* gone, or not reading while we stop */
		return err;
	}
	if (err) {
		if (!l->totals.write_err) {
			fprintf(stderr, "portsnoop: cannot write output: %s (counting lost "
				"lines, still tracing)\n", strerror(-err));
			l->totals.write_err = err;
		}
		l->totals.unwritten += left;
		l->gap += left;
		l->gap_err = err;
	}
	return 0;
}

int lines__added(struct lines *l)
{
	l->pending++;
	if (l->buf.len >= LINES_FLUSH_BYTES || l->buf.oom || sink__datagram(l->out))
		return lines__flush(l);
	return 0;
}

void lines__free(struct lines *l)
{
	if (!l)
		return;
	sbuf__free(&l->buf);
	free(l);
}
