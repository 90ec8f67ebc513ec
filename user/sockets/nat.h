/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The DNAT rules of this network namespace's nf_tables ruleset (nft's
 * tables and iptables-nft's alike), read over netlink with libnftnl and
 * libmnl, and of its iptables-legacy nat table where one exists (x_tables,
 * read with IPT_SO_GET_ENTRIES: natlegacy.h), each decoded by natrule.h.
 */
#ifndef PS_NAT_H
#define PS_NAT_H

#include <stddef.h>
#include "sockets/natrule.h"
#include "lib/array.h"

struct nat_rules {
	struct natrule *v;	/* every rule with a dnat, in dump order */
	size_t n, cap;
	uint32_t generation;	/* the ruleset's, when read */
	unsigned int retries;	/* dumps redone because the ruleset changed */
	size_t odd;		/* expressions that could not be decoded */
};

/* r appended to rules: 0, or -ENOMEM (rules untouched). */
static inline int nat__keep(struct nat_rules *rules, const struct natrule *r)
{
	return array__append(&rules->v, &rules->n, &rules->cap, r, sizeof(*r), 16);
}
/*
 * Dumps the ruleset, again while it changes under the dump (at most a few
 * times). Returns 0, or -errno with a one-line reason in err: the ruleset
 * could not be read (no privilege, nf_tables not loaded, changing all the time).
 */
int nat__read(struct nat_rules *rules, char *err, size_t errsz);
void nat__free(struct nat_rules *rules);

#endif
