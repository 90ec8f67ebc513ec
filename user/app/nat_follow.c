// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* DNAT rules followed to a namespace of this host (nat_follow.h). */
#include "app/nat_follow.h"

#include <stdio.h>
#include <string.h>
#include "output/escape.h"
#include "output/names.h"

int nat_follow__open(struct nat_follow *f)
{
	memset(f, 0, sizeof(*f));
	f->addrs_rc = 1;
	return nat__read(&f->rules, f->err, sizeof(f->err));
}

void nat_follow__rule_name(struct sbuf *b, const struct natrule *r)
{
	sbuf__puts(b, "DNAT rule ");
	sbuf__puts(b, r->family);
	sbuf__putc(b, ' ');
	escape__text(b, r->table, strlen(r->table));
	sbuf__putc(b, ' ');
	escape__text(b, r->chain, strlen(r->chain));
	sbuf__printf(b, " (handle %llu, %s)", (unsigned long long)r->handle, r->how);
}

int nat_follow__where(struct nat_follow *f, const struct natrule *r, uint16_t port,
		      uint32_t *netns, char *why, size_t whysz)
{
	char ep[NAMES_ADDR_LEN];
	struct nsaddr_found where;

	if (r->note) {
		snprintf(why, whysz, " %s, but cannot be followed: %s",
			 r->port_lo ? "sends it on" : "may send it on", r->note);
		return 0;
	}
	names__endpoint(r->to_family, r->to_addr, natrule__to_port(r, port), ep, sizeof(ep));
	if (f->addrs_rc == 1)
		f->addrs_rc = nsaddr__collect(&f->addrs);
	if (f->addrs_rc) {
		snprintf(why, whysz, " sends it to %s; the namespaces could not be searched: %s",
			 ep, strerror(-f->addrs_rc));
		return 0;
	}
	nsaddr__find(&f->addrs, r->to_family, r->to_addr, &where);
	if (where.n == 1) {
		*netns = where.netns[0];
		return 1;
	}
	if (where.n)
		snprintf(why, whysz, " sends it to %s, an address %zu network namespaces here "
			 "have: not followed", ep, where.n);
	else if (where.denied)
		snprintf(why, whysz, " sends it to %s, an address no network namespace "
			 "portsnoop could enter has (%zu could not be entered)", ep, where.denied);
	else
		snprintf(why, whysz, " sends it to %s, an address no network namespace on this "
			 "host has (another host?)", ep);
	return 0;
}

void nat_follow__close(struct nat_follow *f)
{
	nat__free(&f->rules);
	if (f->addrs_rc != 1)
		nsaddr__free(&f->addrs);
}
