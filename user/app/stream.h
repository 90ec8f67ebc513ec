/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Streaming: the records the kernel hands over, enriched (the executable
 * the kernel saw at exec, cgroup paths by id, /proc, users, the holders of
 * a port) and written out in batches until SIGINT or
 * SIGTERM, the reader leaving or an error; SIGHUP reopens the output; at
 * the end the stop record and the summary.
 */
#ifndef PS_STREAM_H
#define PS_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "cli/filter.h"
#include "loader/tracer.h"
#include "output/format.h"
#include "output/lines.h"
#include "metrics/metrics.h"
#include "expect/baseline.h"

struct stream;

struct stream_opts {
	struct format_ctx *fmt;		/* its clocks are brought up to date each second */
	struct lines *out;
	const struct filter *filter;	/* what the kernel cannot filter: the name */
	const char *output_path;	/* --output, for what SIGHUP says; or NULL */
	struct metrics *metrics;	/* --metrics: what it counts; or NULL */
	const struct baseline *baseline;	/* --expect: listeners expected; or NULL */
	bool state_at_reopen;		/* a reopened file starts with state records */
};

/*
 * SIGINT and SIGTERM stop, SIGHUP reopens the output. Call before anything
 * is attached: a SIGHUP from logrotate or a Ctrl-C during start-up must not
 * kill the tracer the default way. Returns 0 or -errno.
 */
int stream__signals(void);
/* Everything but the tracer, whose records it reads. NULL: out of memory. */
struct stream *stream__new(const struct stream_opts *o);
/* The tracer's on_event, with the stream as ctx. */
int stream__on_event(void *ctx, const void *data, size_t len);
/*
 * Read from t from now on: the /proc cache asks t for the exits of the
 * processes it holds. Writes the header and the start record. 0 or -errno.
 */
int stream__start(struct stream *s, struct tracer *t);
/* The state records written ahead of the events, for the totals. */
void stream__seeded(struct stream *s, __u64 initial);
/* Until told to stop; then detach, write out what the ring holds. */
int stream__run(struct stream *s);
/* The stop record and the summary on stderr; the exit status. */
int stream__finish(struct stream *s, int run_err);
void stream__free(struct stream *s);

#endif
