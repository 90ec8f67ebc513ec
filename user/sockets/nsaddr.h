/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Which network namespaces on this host have an address on one of their
 * interfaces: where a DNAT rule's target lives, if it lives here at all.
 */
#ifndef PS_NSADDR_H
#define PS_NSADDR_H

#include <stddef.h>
#include <stdint.h>

struct nsaddr_found {
	uint32_t netns[8];	/* namespace inodes that have the address */
	size_t n;		/* how many have it (may be more than fit) */
	size_t denied;		/* namespaces that could not be entered */
};

/*
 * Looks in every namespace netns.h lists (the caller's own first). A
 * loopback address is the caller's own namespace's. Returns 0 or -errno.
 */
int nsaddr__find(int family, const uint8_t *addr, struct nsaddr_found *out);

#endif
