// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "app/gauges.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "metrics/metrics.h"
#include "output/names.h"
#include "sockets/portuse.h"

/* A scrape within this long of the last count reuses it: a busy scraper
 * cannot make the thread dump every namespace's sockets back to back. */
#define GAUGES_FRESH_NS (5ull * 1000 * 1000 * 1000)

struct gauges {
	struct portuse *v;
	size_t n;
	int err;
	uint64_t at_ns;		/* CLOCK_MONOTONIC of the count; 0: never */
};

struct gauges *gauges__new(void)
{
	return calloc(1, sizeof(struct gauges));
}

void gauges__free(struct gauges *g)
{
	if (!g)
		return;
	free(g->v);
	free(g);
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void refresh(struct gauges *g)
{
	uint64_t now = mono_ns();

	if (g->at_ns && now - g->at_ns < GAUGES_FRESH_NS)
		return;
	free(g->v);
	g->err = portuse__collect(&g->v, &g->n);
	g->at_ns = now;
}

static void per_netns(struct sbuf *b, const char *name, const struct portuse *u, uint64_t v)
{
	sbuf__printf(b, "portsnoop_%s{netns=\"%u\"} %llu\n", name, u->netns,
		     (unsigned long long)v);
}

void gauges__render(struct sbuf *b, bool om, void *ctx)
{
	struct gauges *g = ctx;
	uint64_t tcp = 0, udp = 0;
	char dest[NAMES_ADDR_LEN];

	refresh(g);
	if (g->err)
		return;		/* absent: an alert on absent() says so */
	for (size_t i = 0; i < g->n; i++) {
		tcp += g->v[i].listening_tcp;
		udp += g->v[i].listening_udp;
	}
	metrics__family(b, om, "listening_sockets", "gauge",
			"TCP listeners and bound UDP sockets now, every namespace.");
	sbuf__printf(b, "portsnoop_listening_sockets{protocol=\"tcp\"} %llu\n"
		     "portsnoop_listening_sockets{protocol=\"udp\"} %llu\n",
		     (unsigned long long)tcp, (unsigned long long)udp);
	metrics__family(b, om, "ephemeral_ports_in_use", "gauge",
			"Sockets on a port of the namespace's ip_local_port_range "
			"(listeners aside), per network namespace (the busiest 256).");
	for (size_t i = 0; i < g->n; i++)
		per_netns(b, "ephemeral_ports_in_use", &g->v[i], g->v[i].in_use);
	metrics__family(b, om, "ephemeral_ports_range", "gauge",
			"Ports in the namespace's ip_local_port_range.");
	for (size_t i = 0; i < g->n; i++)
		per_netns(b, "ephemeral_ports_range", &g->v[i], g->v[i].range);
	metrics__family(b, om, "ephemeral_ports_busiest_destination", "gauge",
			"Of those, the sockets to the destination most go to: a connect needs "
			"a free local port per destination.");
	for (size_t i = 0; i < g->n; i++) {
		if (!g->v[i].busiest)
			continue;
		names__endpoint(g->v[i].busiest_family, g->v[i].busiest_addr,
				g->v[i].busiest_port, dest, sizeof(dest));
		sbuf__printf(b, "portsnoop_ephemeral_ports_busiest_destination{netns=\"%u\","
			     "destination=\"", g->v[i].netns);
		metrics__label(b, dest);
		sbuf__printf(b, "\"} %u\n", g->v[i].busiest);
	}
}
