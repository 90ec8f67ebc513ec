// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "app/fleet.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "app/gauges.h"
#include "metrics/server.h"

int fleet__open(struct fleet *f, const struct ps_opts *o)
{
	char err[512];
	int rc;

	*f = (struct fleet){ 0 };
	if (o->expect) {
		rc = baseline__load(o->expect, &f->baseline, err, sizeof(err));
		if (rc) {
			fprintf(stderr, "portsnoop: --expect %s\n", err);
			return rc;
		}
	}
	if (o->metrics && (!(f->metrics = metrics__new(PS_VERSION)) ||
			   !(f->gauges = gauges__new()))) {
		fprintf(stderr, "portsnoop: --metrics: %s\n", strerror(ENOMEM));
		return -ENOMEM;
	}
	if (f->metrics)
		metrics__set_gauges(f->metrics, gauges__render, f->gauges);
	return 0;
}

int fleet__serve(struct fleet *f, const struct ps_opts *o)
{
	int rc;

	if (!o->metrics)
		return 0;
	rc = metrics_server__start(o->metrics, f->metrics, &f->server);
	if (rc)
		fprintf(stderr, "portsnoop: --metrics %s: %s\n", o->metrics, strerror(-rc));
	return rc;
}

void fleet__free(struct fleet *f)
{
	metrics_server__stop(f->server);
	metrics__free(f->metrics);
	gauges__free(f->gauges);
	baseline__free(f->baseline);
	*f = (struct fleet){ 0 };
}
