// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * who PORT through NAT (who_nat.h): each DNAT rule for the port followed to
 * its namespace (nat_follow.h), and the listener there from a snapshot of
 * that namespace alone.
 */
#include "app/who_nat.h"

#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include "app/commands.h"
#include "app/nat_follow.h"
#include "enrich/who.h"
#include "output/names.h"
#include "output/sbuf.h"
#include "sockets/netns.h"

struct follow {
	const struct ps_target *t;
	bool verbose;
	who_nat_show show;
	void *ctx;
};

/* "portsnoop: DNAT rule ... <what>" on stderr. */
static void say(const struct natrule *r, const char *what)
{
	struct sbuf b = { 0 };

	sbuf__puts(&b, "portsnoop: ");
	nat_follow__rule_name(&b, r);
	sbuf__puts(&b, what);
	sbuf__putc(&b, '\n');
	fwrite(b.p, 1, b.len, stderr);
	sbuf__free(&b);
}

/* The listeners in namespace ns for r; shown through f->show. */
static size_t in_netns(const struct follow *f, const struct natrule *r, uint32_t ns)
{
	uint16_t to_port = natrule__to_port(r, f->t->port);
	struct snapshot_opts so = { .tcp = r->proto != IPPROTO_UDP,
				    .udp = r->proto != IPPROTO_TCP,
				    .port = to_port, .netns = ns };
	char ep[NAMES_ADDR_LEN], none[256];
	struct who_nat_room room;
	struct format_nat nat;
	struct snapshot snap;
	size_t shown = 0;

	who__nat(r, f->t->port, to_port, &room, &nat);
	if (cmd__snapshot(&snap, &so, f->verbose))
		return 0;
	for (size_t i = 0; i < snap.n; i++) {
		if (snap.socks[i].netns != ns || !natrule__reaches(r, to_port, &snap.socks[i]))
			continue;
		f->show(f->ctx, &snap, &snap.socks[i], &nat);
		shown++;
	}
	snapshot__free(&snap);
	if (!shown) {
		names__endpoint(r->to_family, r->to_addr, to_port, ep, sizeof(ep));
		snprintf(none, sizeof(none), " sends it to %s, in netns %u, where nothing listens",
			 ep, ns);
		say(r, none);
	}
	return shown;
}

size_t who_nat__follow(const struct ps_target *t, uint32_t netns, bool held, bool verbose,
		       who_nat_show show, void *ctx)
{
	struct follow f = { .t = t, .verbose = verbose, .show = show, .ctx = ctx };
	struct nat_follow nf;
	char why[256];
	size_t shown = 0;

	/* Our rules are for our namespace's ports: not for another's. */
	if (netns && netns != nspaths__of("self"))
		return 0;
	if (nat_follow__open(&nf)) {
		if (!held)
			fprintf(stderr, "portsnoop: DNAT rules not followed: %s\n", nf.err);
		nat_follow__close(&nf);
		return 0;
	}
	for (size_t i = 0; i < nf.rules.n; i++) {
		const struct natrule *r = &nf.rules.v[i];
		uint32_t ns;

		if (t->family && strcmp(r->family, "inet") &&
		    (t->family == AF_INET) != !strcmp(r->family, "ip"))
			continue;	/* an ip6 table's rule for an IPv4 port, ... */
		if (!natrule__matches(r, (uint8_t)t->proto, t->port))
			continue;
		if (nat_follow__where(&nf, r, t->port, &ns, why, sizeof(why)))
			shown += in_netns(&f, r, ns);
		else
			say(r, why);
	}
	nat_follow__close(&nf);
	return shown;
}
