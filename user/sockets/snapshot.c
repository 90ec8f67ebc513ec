// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "sockets/snapshot_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/sockios.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <unistd.h>
#include "lib/compat.h"
#include "lib/array.h"
#include "lib/radix.h"
#include "sockets/netns.h"


/* The device's name as that namespace knows it: ifindexes are per netns,
 * and SIOCGIFNAME on any socket asks the socket's own namespace. */
static void ifname(int fd, struct diag_sock *d)
{
	struct ifreq r = { .ifr_ifindex = (int)d->ifindex };

	if (ioctl(fd, SIOCGIFNAME, &r) == 0)
		snprintf(d->ifname, sizeof(d->ifname), "%s", r.ifr_name);
}

int snapshot__add_sock(void *ctx, const struct diag_sock *d)
{
	struct collect *c = ctx;
	struct snapshot *s = c->s;
	struct diag_sock *v;

	if (c->o->port && d->lport != c->o->port) {
		const struct ps_owner *own;
		size_t n, i;

		if (c->named && d->inode && (own = owners__find(&s->owners, d->inode, &n))) {
			i = (size_t)(own - s->owners.v);
			c->named[i / 8] |= (uint8_t)(1u << (i % 8));
		}
		return 0;
	}
	v = array__reserve(s->socks, s->n, &s->cap, sizeof(*v), 256);
	if (!v)
		return -ENOMEM;
	s->socks = v;
	s->socks[s->n] = *d;
	s->socks[s->n].netns = c->netns;
	if (d->ifindex)
		ifname(c->nl, &s->socks[s->n]);
	s->n++;
	return 0;
}


/* The TCP records of a namespace, counted before the --port filter. */
struct tcp_seen {
	struct collect *c;
	size_t n;
};

static int add_tcp(void *ctx, const struct diag_sock *d)
{
	struct tcp_seen *t = ctx;

	t->n++;
	return snapshot__add_sock(t->c, d);
}

/* A UDP record, counted for the namespace's tally before --port. */
static int add_udp(void *ctx, const struct diag_sock *d)
{
	struct collect *c = ctx;

	c->records++;
	return snapshot__add_sock(c, d);
}

/* The TCP records in states, both families in one dump where it can. */
static int dump_tcp(struct collect *c, int nl, uint32_t states, struct tcp_seen *t)
{
	static const int families[] = { AF_INET, AF_INET6 };
	int err = diag__dump_tcp_any(nl, states, add_tcp, t);

	/* Refused before any record (a kernel without the first version's
	 * request): one dump per family. */
	if (err && err != -ENOMEM && !t->n) {
		err = 0;
		for (size_t f = 0; f < 2 && !err; f++)
			err = diag__dump(nl, families[f], IPPROTO_TCP, states, add_tcp, t);
	}
	c->records += t->n;
	return err;
}

/*
 * The namespace has no TCP socket a dump for states could name: none in
 * the hash tables (listening, connected: "inuse", kernel sockets too), none
 * in TIME-WAIT, and where bound-only ones are asked for, no socket at all
 * that a process made (a bound-only one is counted nowhere else).
 */
static bool tcp_none(const struct sockstat *k, uint32_t states)
{
	if (!k->known4 || !k->known6 || k->tcp || k->tcp6)
		return false;
	if ((states & ST(TCP_TIME_WAIT)) && k->tcp_tw)
		return false;
	return !(states & ST(TCP_BOUND_INACTIVE_)) || !k->used;
}

/* No MPTCP listener of that family in the namespace: the only MPTCP sockets
 * a dump in ls's states names (a bound-only one shows as its TCP subflow). */
static bool mptcp_none(const struct sockstat *k, int family, bool every_state)
{
	if (every_state || !k->known_mptcp)
		return false;
	return family == AF_INET ? !k->mptcp : !k->mptcp6;
}

/* No UDP socket of that family has a port in the namespace. */
static bool udp_none(const struct sockstat *k, int family)
{
	return family == AF_INET ? k->known4 && !k->udp : k->known6 && !k->udp6;
}

int snapshot__dump_netns(struct collect *c, int nl)
{
	static const int families[] = { AF_INET, AF_INET6 };
	/* A socket that holds a port in any state, and TIME-WAIT ones (the
	 * kernel's: holds.h leaves them out, who counts them); not requests. */
	uint32_t every = ~(ST(TCP_SYN_RECV) | ST(TCP_NEW_SYN_RECV_));
	uint32_t tcp = c->o->every_state ? every : c->bound_later ? ST(TCP_LISTEN)
			: ST(TCP_LISTEN) | ST(TCP_BOUND_INACTIVE_);
	uint32_t udp = c->o->every_state ? every : ST(TCP_CLOSE);
	struct tcp_seen t = { .c = c };
	const struct sockstat *k = &c->counts;
	int err = 0;

	c->records = 0;
	if (c->o->tcp && !tcp_none(k, tcp))
		err = dump_tcp(c, nl, tcp, &t);
	for (size_t f = 0; f < 2 && !err; f++) {
		/* An MPTCP socket holds its port through a TCP subflow of the
		 * same inode (merge_mptcp()): where the namespace has no TCP
		 * socket, it has no MPTCP one, and its dump (a walk of every
		 * namespace's listeners) is spared. */
		if (c->o->tcp && t.n && !mptcp_none(k, families[f], c->o->every_state))
			err = diag__dump(nl, families[f], IPPROTO_MPTCP, tcp, snapshot__add_sock, c);
		if (c->o->udp && !err && !udp_none(k, families[f]))
			err = diag__dump(nl, families[f], IPPROTO_UDP, udp, add_udp, c);
	}
	return err;
}

/* The bound-only TCP sockets of the namespace at path (home: ours). */
static int dump_bound(struct collect *c, const struct netns *ns, uint32_t home_netns,
		      int home)
{
	struct tcp_seen t = { .c = c };
	int nl, err;

	nl = ns->inode == home_netns
		? socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG)
		: netns__diag_socket(ns->path, home, NULL);
	if (nl < 0)
		return ns->inode == home_netns ? -errno : nl;
	c->netns = ns->inode;
	c->nl = nl;
	err = dump_tcp(c, nl, ST(TCP_BOUND_INACTIVE_), &t);
	close(nl);
	return err;
}

/* After the walk of unseen.c: the bind buckets of each namespace whose
 * tally says they may hold a bound-only socket. */
static int dump_bound_where_needed(struct collect *c, const struct netns_list *ns,
				   const struct ns_done *done, uint32_t home_netns, int home)
{
	int err = 0;

	for (size_t i = 0; i < done->ntally && !err; i++) {
		if (!ns_tally__walk(&done->tally[i]))
			continue;
		for (size_t k = 0; k < ns->n; k++) {
			if (ns->v[k].inode != done->tally[i].inode)
				continue;
			err = dump_bound(c, &ns->v[k], home_netns, home);
			/* the namespace went meanwhile, with its sockets */
			if (err == -ENOENT || err == -ESRCH || err == -EINVAL)
				err = 0;
			break;
		}
	}
	return err;
}

static int cmp_sock(const void *a, const void *b)
{
	const struct diag_sock *x = a, *y = b;
	int c;

	if (x->netns != y->netns)
		return x->netns < y->netns ? -1 : 1;
	if (x->proto != y->proto)
		return x->proto < y->proto ? -1 : 1;
	if (x->lport != y->lport)
		return x->lport < y->lport ? -1 : 1;
	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	c = memcmp(x->laddr, y->laddr, 16);
	if (c)
		return c;
	return x->inode < y->inode ? -1 : x->inode > y->inode;
}

/*
 * An MPTCP listener shows up twice: as itself, and as the TCP listener of
 * its first subflow, with the same inode. Keep one record, called MPTCP.
 */
static void merge_mptcp(struct snapshot *s)
{
	size_t k = 0;

	for (size_t i = 0; i < s->n; i++) {
		struct diag_sock *m = &s->socks[i];

		if (m->proto != IPPROTO_MPTCP || !m->inode)
			continue;
		for (size_t j = 0; j < s->n; j++) {
			struct diag_sock *t = &s->socks[j];

			if (t->proto == IPPROTO_TCP && t->inode == m->inode &&
			    t->netns == m->netns && t->lport == m->lport)
				t->proto = 0;	/* dropped below */
		}
	}
	for (size_t i = 0; i < s->n; i++)
		if (s->socks[i].proto)
			s->socks[k++] = s->socks[i];
	s->n = k;
}

/*
 * Kernels before 6.5 (commit 91051f003948, "tcp: Dump bound-only sockets
 * in inet_diag") dump no TCP socket that is bound and not listening.
 */
static int bound_only_known = -1;

void snapshot__know_bound_only(bool dumps)
{
	bound_only_known = dumps;
}

bool snapshot__dumps_bound_only(void)
{
	int known = bound_only_known;
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	struct collect c;
	struct snapshot probe = { 0 };
	struct snapshot_opts po = { .tcp = true };
	int fd, nl;

	if (known >= 0)
		return known;
	known = 1;	/* when the probe cannot run: nothing to add */
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	nl = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (fd >= 0 && nl >= 0 && !bind(fd, (struct sockaddr *)&a, sizeof(a)) &&
	    !getsockname(fd, (struct sockaddr *)&a, &len)) {
		po.port = ntohs(a.sin_port);
		c = (struct collect){ .s = &probe, .o = &po };
		if (!diag__dump(nl, AF_INET, IPPROTO_TCP, 1u << TCP_BOUND_INACTIVE_, snapshot__add_sock,
				&c))
			known = probe.n > 0;
	}
	free(probe.socks);
	if (fd >= 0)
		close(fd);
	if (nl >= 0)
		close(nl);
	bound_only_known = known;
	return known;
}

/* The owners from /proc/PID/fd: where no other source was handed over. */
static int owners_from_proc(struct owners *o, const char **how)
{
	int rc = owners__from_proc(o, "/proc");

	*how = "/proc";
	if (!rc)
		owners__sort(o);
	return rc;
}

static snapshot_owners_fn owners_fn = owners_from_proc;

void snapshot__owners_from(snapshot_owners_fn fn)
{
	owners_fn = fn ? fn : owners_from_proc;
}

int snapshot__collect(struct snapshot *s, const struct snapshot_opts *o, char *err,
		      size_t errsz)
{
	struct collect c = { .s = s, .o = o };
	struct netns_list ns = { 0 };
	struct ns_done done = { 0 };
	int home, rc;

	memset(s, 0, sizeof(*s));
	if (errsz)
		err[0] = '\0';
	home = nspaths__open_home(&s->home_netns);
	if (home < 0) {
		snprintf(err, errsz, "cannot open our own network namespace: %s",
			 strerror(-home));
		return home;
	}
	/* Owners first: the iterator's memory is gone before the dumps grow. */
	rc = owners_fn(&s->owners, &s->owners_how);
	if (rc)
		snprintf(err, errsz, "cannot list socket owners: %s", strerror(-rc));
	if (!rc && o->port && s->owners.n) {
		c.named = calloc((s->owners.n + 7) / 8, 1);
		if (!c.named)
			rc = -ENOMEM;
	}
	if (!rc)
		rc = nspaths__list(&ns, s->home_netns);
	/* Bound-only TCP sockets (6.5+) asked for after the walk of the held
	 * sockets, only where it leaves one unaccounted for. --netns dumps
	 * one namespace, and that walk is not made. */
	c.bound_later = o->tcp && !o->every_state && !o->netns && snapshot__dumps_bound_only();
	for (size_t i = 0; !rc && i < ns.n; i++) {
		int nl;

		if (o->netns && ns.v[i].inode != o->netns)
			continue;
		/* Our own namespace needs no setns(), nor the privilege for it. */
		if (ns.v[i].inode == s->home_netns) {
			sockstat__read(&c.counts, "/proc");
			nl = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
		} else {
			nl = netns__diag_socket(ns.v[i].path, home, &c.counts);
		}
		if (nl == -ENOENT || nl == -ESRCH || nl == -EINVAL)
			continue;	/* the process left, the mount went, not a netns */
		if (nl == -EPERM || nl == -EACCES) {
			s->netns_denied++;
			rc = ns_done__add(&done, ns.v[i].inode);
			continue;
		}
		if (nl < 0) {
			rc = nl;
			snprintf(err, errsz, "cannot reach network namespace %u: %s",
				 ns.v[i].inode, strerror(-rc));
			break;
		}
		c.netns = ns.v[i].inode;
		c.nl = nl;
		rc = snapshot__dump_netns(&c, nl);
		if (!rc)
			rc = ns_done__cookie(&done, nl);
		if (!rc && c.bound_later)
			rc = ns_done__tally(&done, nl, ns.v[i].inode,
					    c.counts.known4 ? c.counts.used : UINT64_MAX, c.records);
		close(nl);
		if (rc)
			snprintf(err, errsz, "sock_diag dump failed in namespace %u: %s",
				 ns.v[i].inode, strerror(-rc));
		else
			s->nnetns++;
		if (!rc)
			rc = ns_done__add(&done, ns.v[i].inode);
	}
	if (!rc) {
		rc = snapshot__look_at_unseen(s, o, home, &done, &c);
		if (rc)
			snprintf(err, errsz, "cannot look into the namespaces of sockets: %s",
				 strerror(-rc));
	}
	if (!rc && c.bound_later) {
		rc = dump_bound_where_needed(&c, &ns, &done, s->home_netns, home);
		if (rc)
			snprintf(err, errsz, "sock_diag dump of bound sockets failed: %s",
				 strerror(-rc));
	}
	if (rc && !err[0])
		snprintf(err, errsz, "%s", strerror(-rc));
	ns_done__free(&done);
	free(c.named);
	free(ns.v);
	close(home);
	if (!rc) {
		merge_mptcp(s);
		if (s->n)
			qsort(s->socks, s->n, sizeof(*s->socks), cmp_sock);
	}
	return rc;
}

/* The slow way, for what the merge's keys cannot hold: a search each. */
static void owners_at_by_search(const struct snapshot *s, uint32_t *at)
{
	for (size_t i = 0; i < s->n; i++) {
		size_t n;
		const struct ps_owner *own = owners__find(&s->owners, s->socks[i].inode, &n);

		at[i] = own ? (uint32_t)(own - s->owners.v) + 1 : 0;
	}
}

uint32_t *snapshot__owners_at(const struct snapshot *s)
{
	/* The keys, room to sort them, and at last the answer in the same
	 * block, shrunk to it: no more memory at once than the sort needs. */
	uint64_t *key = malloc((2 * s->n + 1) * sizeof(*key));
	uint32_t *at = key ? (uint32_t *)(void *)(key + s->n) : NULL, *shrunk;
	bool fits = s->n < UINT32_MAX && s->owners.n < UINT32_MAX;
	size_t j = 0;

	if (!key)
		return NULL;
	/* Socket inodes are 32-bit (get_next_ino()): inode and index in one key. */
	for (size_t i = 0; fits && i < s->n; i++) {
		fits = s->socks[i].inode <= UINT32_MAX;
		key[i] = s->socks[i].inode << 32 | i;
	}
	if (!fits) {
		owners_at_by_search(s, at);
	} else {
		radix__sort_u64(key, key + s->n, s->n);
		for (size_t k = 0; k < s->n; k++) {
			uint64_t inode = key[k] >> 32;

			while (j < s->owners.n && s->owners.v[j].inode < inode)
				j++;
			at[key[k] & UINT32_MAX] = inode && j < s->owners.n &&
				s->owners.v[j].inode == inode ? (uint32_t)j + 1 : 0;
		}
	}
	memmove(key, at, s->n * sizeof(*at));
	shrunk = realloc(key, (s->n + 1) * sizeof(*at));
	return shrunk ? shrunk : (uint32_t *)(void *)key;
}

const struct ps_owner *snapshot__owners_of(const struct snapshot *s, const uint32_t *at,
					   size_t i, size_t *n)
{
	const struct ps_owner *o;
	size_t c = 0;

	if (!at)
		return owners__find(&s->owners, s->socks[i].inode, n);
	*n = 0;
	if (!at[i])
		return NULL;
	o = &s->owners.v[at[i] - 1];
	while (at[i] - 1 + c < s->owners.n && o[c].inode == o[0].inode)
		c++;
	*n = c;
	return o;
}

void snapshot__left_out(const struct snapshot *s, char *buf, size_t bufsz)
{
	size_t np = s->owners.unreadable, nn = s->netns_denied;
	char procs[64] = "", nets[64] = "";

	buf[0] = '\0';
	if (!np && !nn)
		return;
	if (np)
		snprintf(procs, sizeof(procs), "the fds of %zu process%s", np,
			 np == 1 ? "" : "es");
	if (nn)
		snprintf(nets, sizeof(nets), "the sockets of %zu network namespace%s", nn,
			 nn == 1 ? "" : "s");
	snprintf(buf, bufsz, "not root: left out %s%s%s (as root they are shown)", procs,
		 np && nn ? " and " : "", nets);
}

void snapshot__free(struct snapshot *s)
{
	free(s->socks);
	owners__free(&s->owners);
	memset(s, 0, sizeof(*s));
}
