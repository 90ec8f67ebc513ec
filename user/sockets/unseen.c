// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The sockets no sock_diag dump named, looked at through a copy of their fd:
 * TCP sockets bound and not listening before 6.5, the namespaces that only
 * a socket keeps alive, and (ls, 6.5+) how many sockets of each namespace
 * processes hold, and whether one may be bound and not listening (struct
 * ns_tally: where its bind buckets must be walked).
 */
#include "sockets/snapshot_priv.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <linux/sockios.h>
#include <unistd.h>
#include "lib/compat.h"
#include "lib/array.h"
#include "lib/radix.h"
#include "sockets/netns.h"

/* The owner at i is of a socket a dump named on another port. */
static bool named_elsewhere(const struct collect *dumped, size_t i)
{
	return dumped->named && (dumped->named[i / 8] >> (i % 8)) & 1;
}

/* A copy of one socket fd of pid's, through its pidfd. */
static int borrow_fd(int pidfd, uint32_t fd)
{
	return (int)syscall(SYS_pidfd_getfd, pidfd, (int)fd, 0);
}

/* A TCP socket we hold a copy of, as sock_diag would have described it. */
static bool describe_bound(int fd, struct diag_sock *d)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	struct tcp_info ti;
	int v = 0, nsfd;
	struct stat st;

	memset(d, 0, sizeof(*d));
	len = sizeof(v);
	if (getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &v, &len) || v != IPPROTO_TCP)
		return false;
	len = sizeof(ti);
	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) || ti.tcpi_state != TCP_CLOSE)
		return false;
	len = sizeof(ss);
	if (getsockname(fd, (struct sockaddr *)&ss, &len))
		return false;
	if (ss.ss_family == AF_INET) {
		const struct sockaddr_in *a = (const void *)&ss;

		d->lport = ntohs(a->sin_port);
		memcpy(d->laddr, &a->sin_addr, 4);
	} else if (ss.ss_family == AF_INET6) {
		const struct sockaddr_in6 *a = (const void *)&ss;

		d->lport = ntohs(a->sin6_port);
		memcpy(d->laddr, &a->sin6_addr, 16);
		len = sizeof(v);
		if (!getsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v, &len))
			d->v6only = v != 0;
	} else {
		return false;
	}
	if (!d->lport)
		return false;	/* never bound */
	d->family = ss.ss_family;
	d->proto = IPPROTO_TCP;
	d->state = TCP_BOUND_INACTIVE_;
	len = sizeof(v);
	if (!getsockopt(fd, SOL_SOCKET, SO_BINDTOIFINDEX, &v, &len))
		d->ifindex = (uint32_t)v;
	len = sizeof(d->cookie);
	if (getsockopt(fd, SOL_SOCKET, SO_COOKIE, &d->cookie, &len))
		d->cookie = 0;
	if (!fstat(fd, &st)) {
		d->inode = st.st_ino;
		d->uid = st.st_uid;
	}
	nsfd = ioctl(fd, SIOCGSKNS);
	if (nsfd >= 0) {
		if (!fstat(nsfd, &st))
			d->netns = (uint32_t)st.st_ino;
		close(nsfd);
	}
	return d->netns != 0;
}

#ifndef SO_NETNS_COOKIE
#define SO_NETNS_COOKIE 71
#endif


static uint64_t netns_cookie(int sock)
{
	uint64_t cookie = 0;
	socklen_t len = sizeof(cookie);

	if (getsockopt(sock, SOL_SOCKET, SO_NETNS_COOKIE, &cookie, &len))
		return 0;
	return cookie;
}

int ns_done__cookie(struct ns_done *d, int sock)
{
	uint64_t c = netns_cookie(sock), *v;

	if (!c)
		return 0;
	v = array__reserve(d->cookies, d->ncookies, &d->cookies_cap, sizeof(*v), 16);
	if (!v)
		return -ENOMEM;
	d->cookies = v;
	d->cookies[d->ncookies++] = c;
	return 0;
}

int ns_done__tally(struct ns_done *d, int sock, uint32_t inode, uint64_t used,
		   uint64_t records)
{
	struct ns_tally *v = array__reserve(d->tally, d->ntally, &d->tally_cap, sizeof(*v), 16);

	if (!v)
		return -ENOMEM;
	d->tally = v;
	/* Without a cookie no held socket is matched to it: walked. */
	d->tally[d->ntally++] = (struct ns_tally){ .cookie = netns_cookie(sock), .inode = inode,
						   .used = used, .known = records };
	return 0;
}

struct ns_tally *ns_done__tally_of(const struct ns_done *d, int fd)
{
	uint64_t c = d->ntally ? netns_cookie(fd) : 0;

	for (size_t i = 0; c && i < d->ntally; i++)
		if (d->tally[i].cookie == c)
			return &d->tally[i];
	return NULL;
}

bool ns_tally__walk(const struct ns_tally *t)
{
	return t->bound_maybe || t->used == UINT64_MAX || t->used > t->known;
}

/* A TCP (or MPTCP) socket of ours to look at that may be bound and not
 * listening: one the bind buckets' walk would name. */
static bool maybe_bound(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(int);
	struct tcp_info ti;
	int v = 0;

	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &v, &len) || (v != AF_INET && v != AF_INET6))
		return false;
	len = sizeof(v);
	if (getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &v, &len) ||
	    (v != IPPROTO_TCP && v != IPPROTO_MPTCP))
		return false;
	len = sizeof(ss);
	if (getsockname(fd, (struct sockaddr *)&ss, &len) == 0) {
		uint16_t port = ss.ss_family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
			      : ((struct sockaddr_in6 *)&ss)->sin6_port;

		if (!port)
			return false;	/* never bound */
	}
	len = sizeof(ti);
	/* Where TCP_INFO is not answered (MPTCP on older kernels): maybe. */
	return getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) || ti.tcpi_state == TCP_CLOSE;
}

/* One more socket of a tallied namespace, held by a process. */
static void tally_held(const struct ns_done *done, int fd)
{
	struct ns_tally *t = ns_done__tally_of(done, fd);

	if (!t)
		return;
	t->known++;
	if (!t->bound_maybe)
		t->bound_maybe = maybe_bound(fd);
}

/* A socket of a namespace dumped already, known by its cookie alone. */
static bool ns_done__has_sock(const struct ns_done *d, int sock)
{
	uint64_t c = d->ncookies ? netns_cookie(sock) : 0;

	for (size_t i = 0; c && i < d->ncookies; i++)
		if (d->cookies[i] == c)
			return true;
	return false;
}

bool ns_done__has(const struct ns_done *d, uint32_t inode)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->v[i] == inode)
			return true;
	return false;
}

int ns_done__add(struct ns_done *d, uint32_t inode)
{
	uint32_t *v = array__reserve(d->v, d->n, &d->cap, sizeof(*v), 16);

	if (!v)
		return -ENOMEM;
	d->v = v;
	d->v[d->n++] = inode;
	return 0;
}

/*
 * The namespace of a socket we hold a copy of, dumped when no process is
 * in it and no mount keeps it: a process entered it, opened the socket and
 * left, and now the socket alone keeps the namespace alive, unreachable by
 * /proc/PID/ns and mountinfo. SIOCGSKNS (4.9) opens it from the socket.
 */
static int dump_socket_netns(struct collect *c, int fd, int home, struct ns_done *done)
{
	int nsfd, nl, err;
	struct stat st;
	uint32_t inode;

	if (ns_done__has_sock(done, fd))
		return 0;
	nsfd = ioctl(fd, SIOCGSKNS);
	if (nsfd < 0)
		return 0;	/* not ours: CAP_NET_ADMIN over the namespace it asks */
	err = fstat(nsfd, &st) ? -errno : 0;
	inode = (uint32_t)st.st_ino;
	if (err || ns_done__has(done, inode) || (c->o->netns && inode != c->o->netns)) {
		close(nsfd);
		return 0;
	}
	err = ns_done__add(done, inode);
	nl = err ? err : netns__diag_socket_fd(nsfd, home, &c->counts);
	close(nsfd);
	if (nl == -EPERM || nl == -EACCES) {
		c->s->netns_denied++;
		return 0;
	}
	if (nl < 0)
		return nl;
	c->netns = inode;
	c->nl = nl;
	err = snapshot__dump_netns(c, nl);
	if (!err)
		err = ns_done__cookie(done, nl);
	close(nl);
	if (!err)
		c->s->nnetns++;
	return err;
}

/*
 * The socket fds no dump named, each looked at once through a copy of it
 * (pidfd_getfd, 5.6: the caller's own processes, or any as root): for a
 * namespace no list reached (dump_socket_netns()), and where the kernel
 * does not dump them (before 6.5), for the TCP sockets that are bound and
 * not listening.
 */
int snapshot__look_at_unseen(struct snapshot *s, const struct snapshot_opts *o, int home,
			  struct ns_done *done, const struct collect *dumped)
{
	bool bound_only = o->tcp && !snapshot__dumps_bound_only();
	/* --netns of a namespace dumped already: no other to find. */
	bool search = !o->netns || !ns_done__has(done, o->netns);
	uint64_t *seen;
	size_t at = 0;		/* into seen: both it and the owners go by inode */
	uint32_t pidfd_of = 0;
	int pidfd = -1, err = 0;

	if (!bound_only && !search)
		return 0;
	seen = calloc(2 * s->n + 1, sizeof(*seen));
	if (!seen)
		return -ENOMEM;
	for (size_t i = 0; i < s->n; i++)
		seen[i] = s->socks[i].inode;
	radix__sort_u64(seen, seen + s->n, s->n);
	for (size_t i = 0, nseen = s->n; !err && i < s->owners.n; i++) {
		const struct ps_owner *w = &s->owners.v[i];
		struct collect c = { .s = s, .o = o };
		struct diag_sock d;
		int fd;

		while (at < nseen && seen[at] < w->inode)
			at++;
		if ((i && s->owners.v[i - 1].inode == w->inode) ||
		    (at < nseen && seen[at] == w->inode) || named_elsewhere(dumped, i))
			continue;	/* one look per socket; or dumped already */
		if (w->pid != pidfd_of) {
			if (pidfd >= 0)
				close(pidfd);
			pidfd = (int)syscall(SYS_pidfd_open, w->pid, 0);
			pidfd_of = w->pid;
		}
		fd = pidfd >= 0 ? borrow_fd(pidfd, w->fd) : -1;
		if (fd < 0)
			continue;	/* gone, or not ours to look at */
		if (dumped->bound_later)
			tally_held(done, fd);
		if (search)
			err = dump_socket_netns(&c, fd, home, done);
		if (!err && bound_only && describe_bound(fd, &d) &&
		    (!o->netns || d.netns == o->netns)) {
			c.netns = d.netns;
			c.nl = fd;	/* SIOCGIFNAME asks the socket's own namespace */
			err = snapshot__add_sock(&c, &d);
		}
		close(fd);
	}
	if (pidfd >= 0)
		close(pidfd);
	free(seen);
	return err;
}


void ns_done__free(struct ns_done *d)
{
	free(d->v);
	free(d->cookies);
	free(d->tally);
}
