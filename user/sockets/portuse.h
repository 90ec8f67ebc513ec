/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Ports in use now, per network namespace, for --metrics' gauges: the
 * listeners by protocol, and the sockets on ports of the namespace's
 * ephemeral range (ip_local_port_range) against its size, with the
 * destination most of them go to (a TCP connect needs a free port per
 * destination: that one runs out first).
 */
#ifndef PS_PORTUSE_H
#define PS_PORTUSE_H

#include <stddef.h>
#include <stdint.h>

/* Namespaces reported at most: the busiest, by ephemeral ports in use. */
#define PORTUSE_MAX_NETNS 256

struct portuse {
	uint32_t netns;
	uint32_t listening_tcp, listening_udp;	/* TCP LISTEN; UDP bound, unconnected */
	uint32_t in_use;	/* sockets on a port of the range, listeners aside */
	uint32_t range;		/* ports in the range */
	uint32_t busiest;	/* of in_use, those to the busiest destination */
	uint16_t busiest_family, busiest_port;
	uint8_t busiest_addr[16];
};

/* Every namespace the snapshot would look into (those it may enter), the
 * busiest PORTUSE_MAX_NETNS first, into a malloc'd *out. 0 or -errno. */
int portuse__collect(struct portuse **out, size_t *n);

#endif
