/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * What "socket S holds port P" means, once, for `who`, `ls` and the
 * EADDRINUSE "held by": the sockets a bind() to the asked address would
 * conflict with, by the kernel's own rules (inet_bind_conflict,
 * inet_rcv_saddr_equal), whatever state the socket is in:
 *
 *  - the same local port, in the same network namespace;
 *  - the same transport: TCP and MPTCP share one port space (an MPTCP
 *    socket binds through TCP's tables), UDP has its own;
 *  - any state that keeps the port: listening, bound and not listening,
 *    connected (a client's local port: autobound by connect()), accepted,
 *    UDP bound or connected. TIME-WAIT is left out: no process holds it;
 *  - overlapping addresses: equal, or either one a wildcard of the family
 *    the other is reached by. An AF_INET6 socket bound to ::ffff:a.b.c.d is
 *    the IPv4 address a.b.c.d; one bound to [::] without IPV6_V6ONLY also
 *    holds every IPv4 address (a dual-stack wildcard); with IPV6_V6ONLY,
 *    only IPv6 ones. An asked [::] is a dual-stack bind (the default,
 *    net.ipv6.bindv6only=0): it meets every IPv4 socket on the port too.
 *
 * SO_REUSEADDR and SO_REUSEPORT decide whether a second bind succeeds; they
 * do not change who holds the port, so they play no part here.
 */
#ifndef PS_HOLDS_H
#define PS_HOLDS_H

#include <stdbool.h>
#include <stdint.h>
#include "sockets/diag.h"

/* What is asked: a port, and optionally a transport and an address. */
struct holds_query {
	uint16_t port;
	uint16_t proto;		/* IPPROTO_TCP (MPTCP too), IPPROTO_UDP, or 0: both */
	uint16_t family;	/* of addr: AF_INET, AF_INET6, or 0 for any address */
	uint8_t addr[16];	/* network order; IPv4 in the first 4 bytes */
};

/* Does s hold the port q asks about? */
bool holds__match(const struct holds_query *q, const struct diag_sock *s);

/* Is s in a state that holds its local port (not TIME-WAIT, not a request)? */
bool holds__state(const struct diag_sock *s);

/* s's state in a word: "listening", "bound", "connected" (UDP),
 * "established", "syn-sent", "close-wait", ... */
const char *holds__state_name(const struct diag_sock *s);
/* Is s connected: has it a peer to show? */
bool holds__connected(const struct diag_sock *s);

#endif
