// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Each namespace entered in turn and its addresses listed (getifaddrs() asks
 * rtnetlink in the namespace it is called in); we come back after each. */
#include "sockets/nsaddr.h"

#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "sockets/netns.h"
#include "lib/array.h"

static int add(struct nsaddr_table *t, uint32_t ns, int family, const void *addr)
{
	struct nsaddr *v, *a;

	v = array__reserve(t->v, t->n, &t->cap, sizeof(*v), 32);
	if (!v)
		return -ENOMEM;
	t->v = v;
	a = &t->v[t->n++];
	memset(a, 0, sizeof(*a));
	a->netns = ns;
	a->family = (uint8_t)family;
	memcpy(a->addr, addr, family == AF_INET ? 4 : 16);
	return 0;
}

/* The addresses of the namespace we are in now, as namespace ns's. */
static int list_here(struct nsaddr_table *t, uint32_t ns)
{
	struct ifaddrs *all, *i;
	int rc = 0;

	if (getifaddrs(&all))
		return -errno;
	for (i = all; i && !rc; i = i->ifa_next) {
		const struct sockaddr *sa = i->ifa_addr;

		if (!sa)
			continue;
		if (sa->sa_family == AF_INET)
			rc = add(t, ns, AF_INET,
				 &((const struct sockaddr_in *)(const void *)sa)->sin_addr);
		else if (sa->sa_family == AF_INET6)
			rc = add(t, ns, AF_INET6,
				 &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr);
	}
	freeifaddrs(all);
	return rc;
}

/* Namespace `path`'s addresses. -EPERM and the like: it could not be entered;
 * a failure to come back is returned as -ENOTRECOVERABLE. */
static int list_in(struct nsaddr_table *t, const struct netns *ns, int home)
{
	int fd = open(ns->path, O_RDONLY | O_CLOEXEC), rc;

	if (fd < 0)
		return -errno;
	if (setns(fd, CLONE_NEWNET)) {
		rc = -errno;
		close(fd);
		return rc;
	}
	close(fd);
	rc = list_here(t, ns->inode);
	if (setns(home, CLONE_NEWNET))
		return -ENOTRECOVERABLE;	/* stranded: nothing after this is right */
	return rc;
}

int nsaddr__collect(struct nsaddr_table *t)
{
	struct netns_list l = { 0 };
	int home, rc;

	memset(t, 0, sizeof(*t));
	home = nspaths__open_home(&t->self);
	if (home < 0)
		return home;
	rc = list_here(t, t->self);
	if (!rc)
		rc = nspaths__list(&l, t->self);
	for (size_t i = 0; !rc && i < l.n; i++) {
		int r;

		if (l.v[i].inode == t->self)
			continue;
		r = list_in(t, &l.v[i], home);
		if (r == -ENOTRECOVERABLE || r == -ENOMEM)
			rc = r;
		else if (r)
			t->denied++;	/* gone, or not ours to enter */
	}
	free(l.v);
	close(home);
	return rc;
}

static bool is_loopback(int family, const uint8_t *addr)
{
	static const uint8_t v6lo[16] = { [15] = 1 };

	return family == AF_INET ? addr[0] == 127 : !memcmp(addr, v6lo, 16);
}

static void found(struct nsaddr_found *out, uint32_t ns)
{
	for (size_t i = 0; i < out->n && i < sizeof(out->netns) / sizeof(out->netns[0]); i++)
		if (out->netns[i] == ns)
			return;	/* one namespace, the address on two interfaces */
	if (out->n < sizeof(out->netns) / sizeof(out->netns[0]))
		out->netns[out->n] = ns;
	out->n++;
}

void nsaddr__find(const struct nsaddr_table *t, int family, const uint8_t *addr,
		  struct nsaddr_found *out)
{
	memset(out, 0, sizeof(*out));
	out->denied = t->denied;
	if (is_loopback(family, addr)) {
		found(out, t->self);
		return;
	}
	for (size_t i = 0; i < t->n; i++)
		if (t->v[i].family == family &&
		    !memcmp(t->v[i].addr, addr, family == AF_INET ? 4 : 16))
			found(out, t->v[i].netns);
}

void nsaddr__free(struct nsaddr_table *t)
{
	free(t->v);
	memset(t, 0, sizeof(*t));
}
