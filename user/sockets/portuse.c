// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Counting the ports in use, one namespace at a time, from the calling
 * thread: it enters each namespace with setns(), which moves that thread
 * alone (the metrics server's, never the event loop's). */
#include "sockets/portuse.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sockets/diag.h"
#include "sockets/netns.h"
#include "proc/nspaths.h"
#include "proc/sysctl.h"
#include "lib/array.h"

#define TCP_ESTABLISHED 1
#define TCP_CLOSE 7
#define TCP_LISTEN 10
#define ALL_STATES 0xfff

struct dest {
	uint16_t family, port;
	uint8_t addr[16];
};

struct count {
	struct portuse *u;
	unsigned int lo, hi;
	struct dest *d;
	size_t nd, capd;
};

static int on_sock(void *ctx, const struct diag_sock *s)
{
	struct dest *d;
	struct count *c = ctx;

	if (s->proto == IPPROTO_TCP && s->state == TCP_LISTEN) {
		c->u->listening_tcp++;
		return 0;
	}
	if (s->proto == IPPROTO_UDP && s->state == TCP_CLOSE && s->lport) {
		c->u->listening_udp++;
		return 0;
	}
	if (s->lport < c->lo || s->lport > c->hi)
		return 0;
	c->u->in_use++;
	if (!s->rport)
		return 0;
	d = array__reserve(c->d, c->nd, &c->capd, sizeof(*d), 256);
	if (!d)
		return -ENOMEM;
	c->d = d;
	c->d[c->nd] = (struct dest){ .family = s->family, .port = s->rport };
	memcpy(c->d[c->nd].addr, s->raddr, 16);
	c->nd++;
	return 0;
}

static int cmp_dest(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(struct dest));
}

static void busiest(struct count *c)
{
	if (!c->nd)
		return;
	qsort(c->d, c->nd, sizeof(*c->d), cmp_dest);
	for (size_t i = 0, run; i < c->nd; i += run) {
		for (run = 1; i + run < c->nd && !cmp_dest(&c->d[i], &c->d[i + run]); run++)
			;
		if (run > c->u->busiest) {
			c->u->busiest = (uint32_t)run;
			c->u->busiest_family = c->d[i].family;
			c->u->busiest_port = c->d[i].port;
			memcpy(c->u->busiest_addr, c->d[i].addr, 16);
		}
	}
}

/* This thread's namespace's range; Linux's default when unreadable. */
static void read_range(unsigned int *lo, unsigned int *hi)
{
	if (sysctl__port_range("/proc", lo, hi)) {
		*lo = 32768;
		*hi = 60999;
	}
}

/* Inside the namespace now: count it. */
static int count_here(struct portuse *u)
{
	struct count c = { .u = u };
	int nl = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG), rc = 0;
	static const int families[] = { AF_INET, AF_INET6 };

	if (nl < 0)
		return -errno;
	read_range(&c.lo, &c.hi);
	u->range = c.hi - c.lo + 1;
	for (size_t f = 0; f < 2 && !rc; f++) {
		rc = diag__dump(nl, families[f], IPPROTO_TCP, ALL_STATES, on_sock, &c);
		if (!rc)
			rc = diag__dump(nl, families[f], IPPROTO_UDP,
					(1u << TCP_CLOSE) | (1u << TCP_ESTABLISHED), on_sock, &c);
	}
	busiest(&c);
	free(c.d);
	close(nl);
	return rc;
}

static int count_ns(const struct netns *ns, uint32_t home_ino, int home, struct portuse *u)
{
	int fd, rc;

	u->netns = ns->inode;
	if (ns->inode == home_ino)
		return count_here(u);
	fd = open(ns->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	rc = setns(fd, CLONE_NEWNET) ? -errno : count_here(u);
	close(fd);
	if (setns(home, CLONE_NEWNET))
		return -EIO;	/* stranded: the caller stops */
	return rc;
}

static int by_in_use(const void *a, const void *b)
{
	const struct portuse *x = a, *y = b;

	return x->in_use != y->in_use ? (x->in_use < y->in_use ? 1 : -1)
				      : (x->netns > y->netns) - (x->netns < y->netns);
}

int portuse__collect(struct portuse **out, size_t *n)
{
	struct netns_list ns = { 0 };
	uint32_t home_ino = 0;
	int home = nspaths__open_home(&home_ino), rc;
	struct portuse *v = NULL;
	size_t k = 0;

	*out = NULL;
	*n = 0;
	if (home < 0)
		return home;
	rc = nspaths__list(&ns, home_ino);
	if (!rc && ns.n && !(v = calloc(ns.n, sizeof(*v))))
		rc = -ENOMEM;
	for (size_t i = 0; !rc && i < ns.n; i++) {
		int err = count_ns(&ns.v[i], home_ino, home, &v[k]);

		if (err == -EIO)
			rc = err;
		else if (!err)
			k++;
		else	/* gone, not ours to enter, or cut short: left out */
			memset(&v[k], 0, sizeof(v[k]));
	}
	free(ns.v);
	close(home);
	if (rc) {
		free(v);
		return rc;
	}
	if (k)
		qsort(v, k, sizeof(*v), by_in_use);
	*out = v;
	*n = k < PORTUSE_MAX_NETNS ? k : PORTUSE_MAX_NETNS;
	return 0;
}
