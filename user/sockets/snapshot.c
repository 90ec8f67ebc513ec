// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "sockets/snapshot.h"

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
#include <sys/stat.h>
#include <sys/syscall.h>
#include <linux/sockios.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <unistd.h>
#include "lib/compat.h"
#include "lib/array.h"
#include "sockets/netns.h"

struct collect {
	struct snapshot *s;
	const struct snapshot_opts *o;
	uint32_t netns;
	int nl;			/* the diag socket: it lives in that namespace */
};

/* The device's name as that namespace knows it: ifindexes are per netns,
 * and SIOCGIFNAME on any socket asks the socket's own namespace. */
static void ifname(int fd, struct diag_sock *d)
{
	struct ifreq r = { .ifr_ifindex = (int)d->ifindex };

	if (ioctl(fd, SIOCGIFNAME, &r) == 0)
		snprintf(d->ifname, sizeof(d->ifname), "%s", r.ifr_name);
}

static int add_sock(void *ctx, const struct diag_sock *d)
{
	struct collect *c = ctx;
	struct snapshot *s = c->s;
	struct diag_sock *v;

	if (c->o->port && d->lport != c->o->port)
		return 0;
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

/* TCP states (the kernel's numbers): which a dump asks for. */
#define ST(s) (1u << (s))
#define TCP_BOUND_INACTIVE_ 13	/* bound, not listening: dumped since 6.5 */
#define TCP_NEW_SYN_RECV_ 12

static int dump_netns(struct collect *c, int nl)
{
	static const int families[] = { AF_INET, AF_INET6 };
	/* A socket that holds a port in any state, and TIME-WAIT ones (the
	 * kernel's: holds.h leaves them out, who counts them); not requests. */
	uint32_t every = ~(ST(TCP_SYN_RECV) | ST(TCP_NEW_SYN_RECV_));
	uint32_t tcp = c->o->every_state ? every : ST(TCP_LISTEN) | ST(TCP_BOUND_INACTIVE_);
	uint32_t udp = c->o->every_state ? every : ST(TCP_CLOSE);
	int err = 0;

	for (size_t f = 0; f < 2 && !err; f++) {
		if (c->o->tcp) {
			err = diag__dump(nl, families[f], IPPROTO_TCP, tcp, add_sock, c);
			if (!err)
				err = diag__dump(nl, families[f], IPPROTO_MPTCP, tcp, add_sock, c);
		}
		if (c->o->udp && !err)
			err = diag__dump(nl, families[f], IPPROTO_UDP, udp, add_sock, c);
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
bool snapshot__dumps_bound_only(void)
{
	static int known = -1;
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
		if (!diag__dump(nl, AF_INET, IPPROTO_TCP, 1u << TCP_BOUND_INACTIVE_, add_sock,
				&c))
			known = probe.n > 0;
	}
	free(probe.socks);
	if (fd >= 0)
		close(fd);
	if (nl >= 0)
		close(nl);
	return known;
}

static int cmp_u64(const void *a, const void *b)
{
	const uint64_t *x = a, *y = b;

	return *x < *y ? -1 : *x > *y;
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

/* The namespaces dumped (or not ours to enter): each looked into once.
 * Their cookies too (SO_NETNS_COOKIE, 5.14), where the kernel gives them:
 * a socket's is one getsockopt(), its namespace's inode an nsfs file. */
struct ns_done {
	uint32_t *v;
	size_t n, cap;
	uint64_t *cookies;
	size_t ncookies, cookies_cap;
};

static uint64_t netns_cookie(int sock)
{
	uint64_t cookie = 0;
	socklen_t len = sizeof(cookie);

	if (getsockopt(sock, SOL_SOCKET, SO_NETNS_COOKIE, &cookie, &len))
		return 0;
	return cookie;
}

static int ns_done__cookie(struct ns_done *d, int sock)
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

/* A socket of a namespace dumped already, known by its cookie alone. */
static bool ns_done__has_sock(const struct ns_done *d, int sock)
{
	uint64_t c = d->ncookies ? netns_cookie(sock) : 0;

	for (size_t i = 0; c && i < d->ncookies; i++)
		if (d->cookies[i] == c)
			return true;
	return false;
}

static bool ns_done__has(const struct ns_done *d, uint32_t inode)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->v[i] == inode)
			return true;
	return false;
}

static int ns_done__add(struct ns_done *d, uint32_t inode)
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
	nl = err ? err : netns__diag_socket_fd(nsfd, home);
	close(nsfd);
	if (nl == -EPERM || nl == -EACCES) {
		c->s->netns_denied++;
		return 0;
	}
	if (nl < 0)
		return nl;
	c->netns = inode;
	c->nl = nl;
	err = dump_netns(c, nl);
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
static int look_at_unseen(struct snapshot *s, const struct snapshot_opts *o, int home,
			  struct ns_done *done)
{
	bool bound_only = o->tcp && !snapshot__dumps_bound_only();
	/* --netns of a namespace dumped already: no other to find. */
	bool search = !o->netns || !ns_done__has(done, o->netns);
	uint64_t *seen;
	uint32_t pidfd_of = 0;
	int pidfd = -1, err = 0;

	if (!bound_only && !search)
		return 0;
	seen = calloc(s->n + 1, sizeof(*seen));
	if (!seen)
		return -ENOMEM;
	for (size_t i = 0; i < s->n; i++)
		seen[i] = s->socks[i].inode;
	qsort(seen, s->n, sizeof(*seen), cmp_u64);
	for (size_t i = 0, nseen = s->n; !err && i < s->owners.n; i++) {
		const struct ps_owner *w = &s->owners.v[i];
		struct collect c = { .s = s, .o = o };
		struct diag_sock d;
		int fd;

		if ((i && s->owners.v[i - 1].inode == w->inode) ||
		    bsearch(&w->inode, seen, nseen, sizeof(*seen), cmp_u64))
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
		if (search)
			err = dump_socket_netns(&c, fd, home, done);
		if (!err && bound_only && describe_bound(fd, &d) &&
		    (!o->netns || d.netns == o->netns)) {
			c.netns = d.netns;
			c.nl = fd;	/* SIOCGIFNAME asks the socket's own namespace */
			err = add_sock(&c, &d);
		}
		close(fd);
	}
	if (pidfd >= 0)
		close(pidfd);
	free(seen);
	return err;
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
	home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (home < 0) {
		rc = -errno;
		snprintf(err, errsz, "cannot open /proc/self/ns/net: %s", strerror(-rc));
		return rc;
	}
	s->home_netns = netns__of("self");
	/* Owners first: the iterator's memory is gone before the dumps grow. */
	rc = owners__collect(&s->owners, &s->owners_how);
	if (rc)
		snprintf(err, errsz, "cannot list socket owners: %s", strerror(-rc));
	if (!rc)
		rc = netns__list(&ns, s->home_netns);
	for (size_t i = 0; !rc && i < ns.n; i++) {
		int nl;

		if (o->netns && ns.v[i].inode != o->netns)
			continue;
		/* Our own namespace needs no setns(), nor the privilege for it. */
		if (ns.v[i].inode == s->home_netns)
			nl = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
		else
			nl = netns__diag_socket(ns.v[i].path, home);
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
		rc = dump_netns(&c, nl);
		if (!rc)
			rc = ns_done__cookie(&done, nl);
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
		rc = look_at_unseen(s, o, home, &done);
		if (rc)
			snprintf(err, errsz, "cannot look into the namespaces of sockets: %s",
				 strerror(-rc));
	}
	if (rc && !err[0])
		snprintf(err, errsz, "%s", strerror(-rc));
	free(done.v);
	free(done.cookies);
	free(ns.v);
	close(home);
	if (!rc) {
		merge_mptcp(s);
		if (s->n)
			qsort(s->socks, s->n, sizeof(*s->socks), cmp_sock);
	}
	return rc;
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
