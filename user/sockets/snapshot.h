/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The sockets that exist now, in every network namespace, with every
 * process that holds each: TCP (and MPTCP) listeners and bound UDP sockets.
 */
#ifndef PS_SNAPSHOT_H
#define PS_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "sockets/diag.h"
#include "sockets/owners.h"

struct snapshot_opts {
	bool tcp;		/* TCP and MPTCP listeners */
	bool udp;		/* unconnected bound UDP sockets */
	uint16_t port;		/* only this local port; 0 = all */
	uint32_t netns;		/* only this network namespace; 0 = all */
};

struct snapshot {
	struct diag_sock *socks;	/* ordered by netns, protocol, port */
	size_t n, cap;
	struct owners owners;		/* sorted: owners__find() works */
	const char *owners_how;		/* "bpf iterator" or "/proc" */
	size_t nnetns;			/* namespaces looked into */
};

/* Returns 0, or -errno with a one-line reason in err. */
int snapshot__collect(struct snapshot *s, const struct snapshot_opts *o, char *err,
		      size_t errsz);
void snapshot__free(struct snapshot *s);

#endif
