/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* What running on a fleet adds to tracing: --expect's baseline and
 * --metrics' counters, gauges and server, held together for main(). */
#ifndef PS_FLEET_H
#define PS_FLEET_H

#include "cli/cli.h"
#include "expect/baseline.h"
#include "metrics/metrics.h"

struct fleet {
	struct baseline *baseline;	/* --expect, or NULL */
	struct metrics *metrics;	/* --metrics, or NULL */
	struct gauges *gauges;
	struct metrics_server *server;
};

/* Read the baseline, make the counters: 0, or -errno said in one line. */
int fleet__open(struct fleet *f, const struct ps_opts *o);
/* Serve --metrics: bound before the tracer attaches (its own bind is not
 * traced) and while privileges last (a port below 1024). 0 or -errno,
 * said in one line. */
int fleet__serve(struct fleet *f, const struct ps_opts *o);
/* The server stops first: nothing reads the counters after. */
void fleet__free(struct fleet *f);

#endif
