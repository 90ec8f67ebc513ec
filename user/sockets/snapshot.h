/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The sockets that exist now, in every network namespace, with every
 * process that holds each: TCP (and MPTCP) listeners and bound UDP sockets,
 * or every socket that holds a port.
 *
 * Every namespace: those processes are in, and those only a bind mount keeps
 * alive (`ip netns add`: /run/netns/NAME, or any other nsfs mount found in
 * /proc/self/mountinfo), and those only a socket keeps alive, reached through
 * the socket (a copy of it by pidfd_getfd(), its namespace by SIOCGSKNS).
 * Owners are found by socket inode whatever namespace the process is in now:
 * a process that did setns(), listen(), setns() back still holds its
 * listener.
 *
 * Without privileges it does what the caller may: sock_diag of its own
 * namespace (as ss does) and the fds of its own processes; what it could not
 * see is counted, for snapshot__left_out().
 */
#ifndef PS_SNAPSHOT_H
#define PS_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "sockets/diag.h"
#include "proc/owners.h"

struct snapshot_opts {
	bool tcp;		/* TCP and MPTCP listeners, and bound ones (6.5+) */
	bool udp;		/* unconnected bound UDP sockets */
	bool every_state;	/* TCP and UDP in every state that holds a port:
				 * connected, accepted, ... too (see holds.h);
				 * and TIME-WAIT */
	uint16_t port;		/* only this local port; 0 = all */
	uint32_t netns;		/* only this network namespace; 0 = all */
};

struct snapshot {
	struct diag_sock *socks;	/* ordered by netns, protocol, port */
	size_t n, cap;
	struct owners owners;		/* sorted: owners__find() works */
	const char *owners_how;		/* "bpf iterator" or "/proc" */
	size_t nnetns;			/* namespaces looked into */
	size_t netns_denied;		/* namespaces not entered: no privilege */
	uint32_t home_netns;		/* the caller's own */
};

/*
 * What a caller without privileges could not see, as one line ("left out:
 * ..."), or "" when nothing was left out.
 */
void snapshot__left_out(const struct snapshot *s, char *buf, size_t bufsz);

/*
 * Does the kernel dump TCP sockets that are bound and not listening (6.5+)?
 * Asked once, by binding a socket of our own and looking for it; a tracer
 * asks before it attaches, so its own probe is not in its trace. Where the
 * answer is no, snapshot__collect finds them through their owners.
 */
bool snapshot__dumps_bound_only(void);
/* The answer found another way (the kernel's BTF), so no probe is bound: a
 * tracer running meanwhile would show the probe's bind and close. */
void snapshot__know_bound_only(bool dumps);

/*
 * Where snapshot__collect finds the owners of sockets: fn fills o (sorted)
 * and names its source in *how. Unset, /proc/PID/fd. main hands it the BPF
 * iterator (loader/owners_iter.h): sockets/ does not reach into loader/.
 */
typedef int (*snapshot_owners_fn)(struct owners *o, const char **how);
void snapshot__owners_from(snapshot_owners_fn fn);

/*
 * Where the owners of every socket of s are in s->owners.v (at[i] for
 * s->socks[i]: its first owner's index + 1, 0 for none), found in one
 * merge of both by inode rather than a search per socket; malloc'd, NULL
 * when out of memory. Four bytes a socket: ls keeps it while it writes.
 */
uint32_t *snapshot__owners_at(const struct snapshot *s);
/* The owners of socket i and their number, from snapshot__owners_at()'s
 * answer: what owners__find() answers for its inode. */
const struct ps_owner *snapshot__owners_of(const struct snapshot *s, const uint32_t *at,
					   size_t i, size_t *n);

/* Returns 0, or -errno with a one-line reason in err. */
int snapshot__collect(struct snapshot *s, const struct snapshot_opts *o, char *err,
		      size_t errsz);
void snapshot__free(struct snapshot *s);

#endif
