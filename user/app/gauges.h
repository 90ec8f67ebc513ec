/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* --metrics' gauges of the ports in use now (sockets/portuse.h), read at
 * scrape time by the metrics server's thread, at most every few seconds. */
#ifndef PS_GAUGES_H
#define PS_GAUGES_H

#include <stdbool.h>
#include "output/sbuf.h"

struct gauges;

struct gauges *gauges__new(void);
void gauges__free(struct gauges *g);
/* A metrics_gauges_fn with the gauges as ctx. */
void gauges__render(struct sbuf *b, bool om, void *ctx);

#endif
