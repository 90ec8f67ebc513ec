// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "sockets/snapshot.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
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


struct netns {
	uint32_t inode;
	char path[PATH_MAX];	/* /proc/PID/ns/net, or an nsfs mount point */
};

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

static int cmp_netns(const void *a, const void *b)
{
	const struct netns *x = a, *y = b;

	return x->inode < y->inode ? -1 : x->inode > y->inode;
}

struct netns_list {
	struct netns *v;
	size_t n, cap;
};

static int netns_add(struct netns_list *l, uint32_t inode, const char *path)
{
	struct netns *nv = array__reserve(l->v, l->n, &l->cap, sizeof(*nv), 64);

	if (!nv)
		return -ENOMEM;
	l->v = nv;
	l->v[l->n].inode = inode;
	snprintf(l->v[l->n].path, sizeof(l->v[l->n].path), "%s", path);
	l->n++;
	return 0;
}

/* The namespace a process is in; 0 when it cannot be read (gone, not ours). */
static uint32_t netns_of(const char *pid)
{
	char path[300], link[64];
	ssize_t len;

	snprintf(path, sizeof(path), "/proc/%s/ns/net", pid);
	len = readlink(path, link, sizeof(link) - 1);
	if (len < 6 || memcmp(link, "net:[", 5))
		return 0;
	link[len] = '\0';
	return (uint32_t)strtoul(link + 5, NULL, 10);
}

/* Mountinfo escapes space, tab, newline and backslash as \ooo. */
static void unescape_octal(char *s)
{
	char *o = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '7' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*o++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
}

/*
 * Namespaces that no process may be in: kept alive by a bind mount of an
 * nsfs file (ip netns add: /run/netns/NAME). Which kind each is, stat()
 * does not say; a setns() that is not CLONE_NEWNET fails later, harmlessly.
 */
static int mounted_netns(struct netns_list *l)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char *line = NULL;
	size_t cap = 0;
	int err = 0;

	if (!f)
		return 0;	/* no mount namespace view: processes only */
	while (!err && getline(&line, &cap, f) > 0) {
		char *sep = strstr(line, " - "), *save = NULL, *mnt = NULL, *tok;
		struct stat st;

		if (!sep || strncmp(sep + 3, "nsfs ", 5))
			continue;
		*sep = '\0';
		tok = strtok_r(line, " ", &save);
		for (int i = 0; tok && i < 4; i++)
			tok = strtok_r(NULL, " ", &save);
		mnt = tok;	/* the fifth field: the mount point */
		if (!mnt)
			continue;
		unescape_octal(mnt);
		if (stat(mnt, &st))
			continue;
		err = netns_add(l, (uint32_t)st.st_ino, mnt);
	}
	free(line);
	fclose(f);
	return err;
}

/*
 * Every network namespace a process is in or a mount keeps, once, with a
 * path to enter it by; the caller's own is `home`.
 */
static int list_netns(struct netns_list *l, uint32_t home)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	size_t k = 0;
	int err;

	if (!d)
		return -errno;
	err = netns_add(l, home, "/proc/self/ns/net");
	while (!err && (de = readdir(d))) {
		char path[300];
		uint32_t ino;

		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		ino = netns_of(de->d_name);
		if (!ino)
			continue;
		snprintf(path, sizeof(path), "/proc/%s/ns/net", de->d_name);
		err = netns_add(l, ino, path);
	}
	closedir(d);
	if (!err)
		err = mounted_netns(l);
	if (err)
		return err;
	/* Stable: the first path of each namespace (home's own, a process's)
	 * is kept before a mount's. */
	for (size_t i = 1; i < l->n; i++) {
		struct netns t = l->v[i];
		size_t j = i;

		for (; j > 0 && cmp_netns(&l->v[j - 1], &t) > 0; j--)
			l->v[j] = l->v[j - 1];
		l->v[j] = t;
	}
	for (size_t i = 0; i < l->n; i++)
		if (!k || l->v[k - 1].inode != l->v[i].inode)
			l->v[k++] = l->v[i];
	l->n = k;
	return 0;
}

/* A sock_diag socket inside the namespace at path; we come back after. */
static int diag_socket_in(const char *path, int home)
{
	int fd, nl, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (setns(fd, CLONE_NEWNET)) {
		err = -errno;
		close(fd);
		return err;
	}
	close(fd);
	nl = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	err = nl < 0 ? -errno : 0;
	if (setns(home, CLONE_NEWNET)) {
		/* Stranded in another namespace: nothing after this is right. */
		if (nl >= 0)
			close(nl);
		return -errno;
	}
	return err ? err : nl;
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

/*
 * Where the kernel does not dump them: the bound TCP sockets among the
 * socket fds no dump named, each looked at through a copy of it
 * (pidfd_getfd: the caller's own processes, or any as root).
 */
static int add_bound_only(struct snapshot *s, const struct snapshot_opts *o)
{
	uint64_t *seen = calloc(s->n + 1, sizeof(*seen));
	uint32_t pidfd_of = 0;
	int pidfd = -1, err = 0;

	if (!seen)
		return -ENOMEM;
	for (size_t i = 0; i < s->n; i++)
		seen[i] = s->socks[i].inode;
	qsort(seen, s->n, sizeof(*seen), cmp_u64);
	for (size_t i = 0; !err && i < s->owners.n; i++) {
		const struct ps_owner *w = &s->owners.v[i];
		struct collect c = { .s = s, .o = o };
		struct diag_sock d;
		int fd;

		if ((i && s->owners.v[i - 1].inode == w->inode) ||
		    bsearch(&w->inode, seen, s->n, sizeof(*seen), cmp_u64))
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
		if (describe_bound(fd, &d) && (!o->netns || d.netns == o->netns)) {
			c.netns = d.netns;
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
	int home, rc;

	memset(s, 0, sizeof(*s));
	home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (home < 0) {
		rc = -errno;
		snprintf(err, errsz, "cannot open /proc/self/ns/net: %s", strerror(-rc));
		return rc;
	}
	s->home_netns = netns_of("self");
	/* Owners first: the iterator's memory is gone before the dumps grow. */
	rc = owners__collect(&s->owners, &s->owners_how);
	if (rc)
		snprintf(err, errsz, "cannot list socket owners: %s", strerror(-rc));
	if (!rc)
		rc = list_netns(&ns, s->home_netns);
	for (size_t i = 0; !rc && i < ns.n; i++) {
		int nl;

		if (o->netns && ns.v[i].inode != o->netns)
			continue;
		/* Our own namespace needs no setns(), nor the privilege for it. */
		if (ns.v[i].inode == s->home_netns)
			nl = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
		else
			nl = diag_socket_in(ns.v[i].path, home);
		if (nl == -ENOENT || nl == -ESRCH || nl == -EINVAL)
			continue;	/* the process left, the mount went, not a netns */
		if (nl == -EPERM || nl == -EACCES) {
			s->netns_denied++;
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
		close(nl);
		if (rc)
			snprintf(err, errsz, "sock_diag dump failed in namespace %u: %s",
				 ns.v[i].inode, strerror(-rc));
		else
			s->nnetns++;
	}
	free(ns.v);
	close(home);
	if (!rc && o->tcp && !snapshot__dumps_bound_only())
		rc = add_bound_only(s, o);
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
