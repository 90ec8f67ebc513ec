// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "sockets/snapshot.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
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
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <unistd.h>
#include "lib/compat.h"
#include "lib/array.h"


struct netns {
	uint32_t inode;
	uint32_t pid;		/* a process inside it */
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

/* Every network namespace a process is in, once, with one of its pids. */
static int list_netns(struct netns **out, size_t *count)
{
	DIR *d = opendir("/proc");
	struct netns *v = NULL, *nv;
	size_t n = 0, cap = 0, k = 0;
	struct dirent *de;

	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		char path[300], link[64];
		ssize_t len;

		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/ns/net", de->d_name);
		len = readlink(path, link, sizeof(link) - 1);
		if (len < 6 || memcmp(link, "net:[", 5))
			continue;
		link[len] = '\0';
		nv = array__reserve(v, n, &cap, sizeof(*v), 64);
		if (!nv) {
			free(v);
			closedir(d);
			return -ENOMEM;
		}
		v = nv;
		v[n].inode = (uint32_t)strtoul(link + 5, NULL, 10);
		v[n].pid = (uint32_t)atoi(de->d_name);
		n++;
	}
	closedir(d);
	if (n)
		qsort(v, n, sizeof(*v), cmp_netns);
	for (size_t i = 0; i < n; i++)
		if (!k || v[k - 1].inode != v[i].inode)
			v[k++] = v[i];
	*out = v;
	*count = k;
	return 0;
}

/* A sock_diag socket inside the namespace of pid; we come back after. */
static int diag_socket_in(uint32_t pid, int home)
{
	char path[64];
	int fd, nl, err;

	snprintf(path, sizeof(path), "/proc/%u/ns/net", pid);
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

static int dump_netns(struct collect *c, int nl)
{
	static const int families[] = { AF_INET, AF_INET6 };
	int err = 0;

	for (size_t f = 0; f < 2 && !err; f++) {
		if (c->o->tcp) {
			err = diag__dump(nl, families[f], IPPROTO_TCP, 1u << TCP_LISTEN,
					 add_sock, c);
			if (!err)
				err = diag__dump(nl, families[f], IPPROTO_MPTCP,
						 1u << TCP_LISTEN, add_sock, c);
		}
		if (c->o->udp && !err)
			err = diag__dump(nl, families[f], IPPROTO_UDP, 1u << TCP_CLOSE,
					 add_sock, c);
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

int snapshot__collect(struct snapshot *s, const struct snapshot_opts *o, char *err,
		      size_t errsz)
{
	struct collect c = { .s = s, .o = o };
	struct netns *ns = NULL;
	size_t nns = 0;
	int home, rc;

	memset(s, 0, sizeof(*s));
	home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (home < 0) {
		rc = -errno;
		snprintf(err, errsz, "cannot open /proc/self/ns/net: %s", strerror(-rc));
		return rc;
	}
	/* Owners first: the iterator's memory is gone before the dumps grow. */
	rc = owners__collect(&s->owners, &s->owners_how);
	if (rc)
		snprintf(err, errsz, "cannot list socket owners: %s", strerror(-rc));
	if (!rc)
		rc = list_netns(&ns, &nns);
	for (size_t i = 0; !rc && i < nns; i++) {
		int nl;

		if (o->netns && ns[i].inode != o->netns)
			continue;
		nl = diag_socket_in(ns[i].pid, home);
		if (nl == -ENOENT || nl == -ESRCH)
			continue;	/* the process left in the meantime */
		if (nl < 0) {
			rc = nl;
			snprintf(err, errsz, "cannot reach network namespace %u: %s",
				 ns[i].inode, strerror(-rc));
			break;
		}
		c.netns = ns[i].inode;
		c.nl = nl;
		rc = dump_netns(&c, nl);
		close(nl);
		if (rc)
			snprintf(err, errsz, "sock_diag dump failed in namespace %u: %s",
				 ns[i].inode, strerror(-rc));
		else
			s->nnetns++;
	}
	free(ns);
	close(home);
	if (!rc) {
		merge_mptcp(s);
		if (s->n)
			qsort(s->socks, s->n, sizeof(*s->socks), cmp_sock);
	}
	return rc;
}

void snapshot__free(struct snapshot *s)
{
	free(s->socks);
	owners__free(&s->owners);
	memset(s, 0, sizeof(*s));
}
