/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The snapshot's insides, shared by snapshot.c (the dumps) and unseen.c
 * (the sockets no dump named). */
#ifndef PS_SNAPSHOT_PRIV_H
#define PS_SNAPSHOT_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "sockets/snapshot.h"
#include "proc/sockstat.h"

/* TCP states (the kernel's numbers): which a dump asks for. */
#define ST(s) (1u << (s))
#define TCP_BOUND_INACTIVE_ 13	/* bound, not listening: dumped since 6.5 */
#define TCP_NEW_SYN_RECV_ 12

struct collect {
	struct snapshot *s;
	const struct snapshot_opts *o;
	uint32_t netns;
	int nl;			/* the diag socket: it lives in that namespace */
	/* With a --port: one bit per record of s->owners, set on the first
	 * owner of each socket the dumps named on another port, so that its
	 * fds are not looked at as sockets no dump named. NULL: none kept. */
	uint8_t *named;
	/* What the namespace being dumped holds, by kind: a dump that can
	 * find nothing there is not asked for. Unknown: every dump is. */
	struct sockstat counts;
	/* The TCP dumps leave bound-only sockets out; each namespace is
	 * asked for them after its sockets are counted (ns_tally). */
	bool bound_later;
	uint64_t records;	/* TCP and UDP records of the dumps, any port */
};

/* sock_diag's callback: keep d (in the --port asked), named in c's netns. */
int snapshot__add_sock(void *ctx, const struct diag_sock *d);
/* Every socket that holds a port in the namespace of the diag socket nl. */
int snapshot__dump_netns(struct collect *c, int nl);

/* The namespaces dumped (or not ours to enter): each looked into once.
 * Their cookies too (SO_NETNS_COOKIE, 5.14), where the kernel gives them:
 * a socket's is one getsockopt(), its namespace's inode an nsfs file. */
struct ns_done {
	uint32_t *v;
	size_t n, cap;
	uint64_t *cookies;
	size_t ncookies, cookies_cap;
	struct ns_tally *tally;
	size_t ntally, tally_cap;
};

/*
 * Whether a namespace's bind buckets can hold a bound-only TCP socket: a
 * bucket walk costs ~5 ms per namespace, whatever it holds (the buckets
 * are shared), and such sockets are few. Every socket a process made is
 * in "sockets: used"; the dumps name some, the owners' fds the rest (the
 * walk of unseen.c looks at each). Only a socket neither accounts for, or
 * one that may be bound-only, needs the walk.
 */
struct ns_tally {
	uint64_t cookie;	/* the namespace's (SO_NETNS_COOKIE) */
	uint32_t inode;
	uint64_t used;		/* sockstat's "sockets: used"; UINT64_MAX unknown */
	uint64_t known;		/* sockets the dumps named, or held fds showed */
	bool bound_maybe;	/* a held TCP socket there is bound, not listening */
};

int ns_done__tally(struct ns_done *d, int sock, uint32_t inode, uint64_t used,
		   uint64_t records);
/* The tally of the namespace of socket fd, or NULL. */
struct ns_tally *ns_done__tally_of(const struct ns_done *d, int fd);
/* Every namespace whose tally says its bind buckets must be walked. */
bool ns_tally__walk(const struct ns_tally *t);

int ns_done__add(struct ns_done *d, uint32_t inode);
bool ns_done__has(const struct ns_done *d, uint32_t inode);
/* Remember the namespace of the socket sock by its cookie, where it has one. */
int ns_done__cookie(struct ns_done *d, int sock);
void ns_done__free(struct ns_done *d);

/* The socket fds of s->owners that no dump named (unseen.c): neither in
 * s nor marked in dumped->named. home: our own namespace, to come back to. */
int snapshot__look_at_unseen(struct snapshot *s, const struct snapshot_opts *o, int home,
			     struct ns_done *done, const struct collect *dumped);

#endif /* PS_SNAPSHOT_PRIV_H */
