/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Counters for --metrics: bumped by the event loop, read by the metrics
 * server's thread. Every counter is a relaxed atomic: the event loop never
 * waits on a scrape, and a scrape sees each counter whole. */
#ifndef PS_METRICS_H
#define PS_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/types.h>
#include "portsnoop.h"
#include "output/sbuf.h"

/* Distinct ports whose EADDRINUSE is counted by port; later ports are
 * counted under port="other" (the label set stays bounded). */
#define METRICS_INUSE_PORTS 64
/* Errnos counted by name; larger ones are counted as errno="other". */
#define METRICS_ERRNO_MAX 134

/* What the event loop knows at its once-a-second look. */
struct metrics_totals {
	uint64_t lost;		/* ring buffer full: events lost */
	uint64_t skipped;	/* hook runs the kernel skipped */
	uint64_t unwritten;	/* lines not written */
	uint64_t malformed;	/* records that did not decode */
	uint64_t untracked;	/* sockets with no close event */
};

struct metrics;

struct metrics *metrics__new(const char *version);
void metrics__free(struct metrics *m);
/* One traced event (not the internal exec/exit records). */
void metrics__event(struct metrics *m, const struct ps_event *ev);
/* A listen or bind that the baseline (--expect) does not hold. */
void metrics__unexpected(struct metrics *m);
void metrics__totals(struct metrics *m, const struct metrics_totals *t);
/* Gauges read from the system at scrape time (app/gauges.c), written
 * before the end; called from the metrics server's thread only. */
typedef void (*metrics_gauges_fn)(struct sbuf *b, bool om, void *ctx);
void metrics__set_gauges(struct metrics *m, metrics_gauges_fn fn, void *ctx);
/* "# TYPE" and "# HELP" of a family in either format (see metrics.c). */
void metrics__family(struct sbuf *b, bool om, const char *name, const char *type,
		     const char *help);
/* The exposition: OpenMetrics text ("# EOF" last) when om, else
 * Prometheus' text format 0.0.4. */
void metrics__render(struct metrics *m, struct sbuf *b, bool om);
/* A label value as both formats escape it: \\, \" and \n. */
void metrics__label(struct sbuf *b, const char *s);

#endif
