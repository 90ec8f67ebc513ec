/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Which network namespaces on this host have an address on one of their
 * interfaces: where a DNAT rule's target lives, if it lives here at all.
 * Every namespace is looked into once (nsaddr__collect), then asked about
 * any number of addresses (nsaddr__find).
 */
#ifndef PS_NSADDR_H
#define PS_NSADDR_H

#include <stddef.h>
#include <stdint.h>

struct nsaddr {
	uint32_t netns;
	uint8_t family;		/* AF_INET, AF_INET6 */
	uint8_t addr[16];
};

struct nsaddr_table {
	struct nsaddr *v;
	size_t n, cap;
	uint32_t self;		/* the caller's namespace */
	size_t denied;		/* namespaces that could not be entered */
};

struct nsaddr_found {
	uint32_t netns[8];	/* namespace inodes that have the address */
	size_t n;		/* how many have it (may be more than fit) */
	size_t denied;		/* namespaces that could not be entered */
};

/* Every namespace netns.h lists, the caller's own first. Returns 0 or -errno. */
int nsaddr__collect(struct nsaddr_table *t);
/* A loopback address is the caller's own namespace's. */
void nsaddr__find(const struct nsaddr_table *t, int family, const uint8_t *addr,
		  struct nsaddr_found *out);
void nsaddr__free(struct nsaddr_table *t);

#endif
