// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * who PORT through NAT (who_nat.h): rules from sockets/nat.h, the namespace
 * with the target address from sockets/nsaddr.h, its listener from a
 * snapshot of that namespace alone. An address held by no namespace here, or
 * by more than one, is said and not followed: which one the packet reaches
 * is the routing's business, not ours to guess.
 */
#include "app/who_nat.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include "app/commands.h"
#include "output/escape.h"
#include "output/names.h"
#include "output/sbuf.h"
#include "sockets/holds.h"
#include "sockets/nat.h"
#include "sockets/nsaddr.h"

struct follow {
	const struct ps_target *t;
	bool verbose;
	who_nat_show show;
	void *ctx;
};

/* "DNAT rule ip nat PREROUTING (handle 5, xt)": names escaped, as all text
 * someone else wrote. */
static void rule_name(struct sbuf *b, const struct natrule *r)
{
	sbuf__puts(b, "DNAT rule ");
	sbuf__puts(b, r->family);
	sbuf__putc(b, ' ');
	escape__text(b, r->table, strlen(r->table));
	sbuf__putc(b, ' ');
	escape__text(b, r->chain, strlen(r->chain));
	sbuf__printf(b, " (handle %llu, %s)", (unsigned long long)r->handle, r->how);
}

/* "portsnoop: DNAT rule ... <what>" on stderr. */
static void say(const struct natrule *r, const char *what)
{
	struct sbuf b = { 0 };

	sbuf__puts(&b, "portsnoop: ");
	rule_name(&b, r);
	sbuf__puts(&b, what);
	sbuf__putc(&b, '\n');
	fwrite(b.p, 1, b.len, stderr);
	sbuf__free(&b);
}

static const char *proto_name(uint8_t p)
{
	return p == IPPROTO_TCP ? "tcp" : p == IPPROTO_UDP ? "udp" : "any";
}

/* Is s a listener (or bound UDP socket) that takes r's packets? */
static bool takes(const struct natrule *r, uint16_t port, const struct diag_sock *s)
{
	struct holds_query q = { .port = port, .proto = r->proto, .family = r->to_family };

	memcpy(q.addr, r->to_addr, sizeof(q.addr));
	if (s->proto == IPPROTO_UDP ? holds__connected(s) : s->state != TCP_LISTEN)
		return false;
	return holds__match(&q, s);
}

/* The listeners in namespace ns for r; shown through f->show. */
static size_t in_netns(const struct follow *f, const struct natrule *r, uint32_t ns)
{
	uint16_t to_port = natrule__to_port(r, f->t->port);
	struct snapshot_opts so = { .tcp = r->proto != IPPROTO_UDP,
				    .udp = r->proto != IPPROTO_TCP,
				    .port = to_port, .netns = ns };
	char ip[NAMES_ADDR_LEN], ep[NAMES_ADDR_LEN], via[512];
	struct format_nat nat = {
		.port = f->t->port, .family = r->family, .table = r->table,
		.chain = r->chain, .handle = r->handle, .encoding = r->how,
		.to_ip = names__addr(r->to_family, r->to_addr, ip, sizeof(ip)),
		.to_port = to_port, .via = via,
	};
	struct snapshot snap;
	size_t shown = 0;

	names__endpoint(r->to_family, r->to_addr, to_port, ep, sizeof(ep));
	snprintf(via, sizeof(via), "%s port %u -> %s by DNAT rule %s %s %s (handle %llu, %s)",
		 proto_name(r->proto), f->t->port, ep, r->family, r->table, r->chain,
		 (unsigned long long)r->handle, r->how);
	if (cmd__snapshot(&snap, &so, f->verbose))
		return 0;
	for (size_t i = 0; i < snap.n; i++) {
		if (snap.socks[i].netns != ns || !takes(r, to_port, &snap.socks[i]))
			continue;
		f->show(f->ctx, &snap, &snap.socks[i], &nat);
		shown++;
	}
	snapshot__free(&snap);
	if (!shown) {
		snprintf(via, sizeof(via), " sends it to %s, in netns %u, where nothing listens",
			 ep, ns);
		say(r, via);
	}
	return shown;
}

static size_t follow_one(const struct follow *f, const struct natrule *r)
{
	char ep[NAMES_ADDR_LEN], msg[256];
	struct nsaddr_found where;
	int rc;

	if (r->note) {
		snprintf(msg, sizeof(msg), " %s, but cannot be followed: %s",
			 r->port_lo ? "sends it on" : "may send it on", r->note);
		say(r, msg);
		return 0;
	}
	names__endpoint(r->to_family, r->to_addr, natrule__to_port(r, f->t->port), ep,
			sizeof(ep));
	rc = nsaddr__find(r->to_family, r->to_addr, &where);
	if (rc)
		snprintf(msg, sizeof(msg), " sends it to %s; the namespaces could not be "
			 "searched: %s", ep, strerror(-rc));
	else if (where.n == 1)
		return in_netns(f, r, where.netns[0]);
	else if (where.n)
		snprintf(msg, sizeof(msg), " sends it to %s, an address %zu network "
			 "namespaces here have: not followed", ep, where.n);
	else if (where.denied)
		snprintf(msg, sizeof(msg), " sends it to %s, an address no network namespace "
			 "portsnoop could enter has (%zu could not be entered)", ep, where.denied);
	else
		snprintf(msg, sizeof(msg), " sends it to %s, an address no network namespace "
			 "on this host has (another host?)", ep);
	say(r, msg);
	return 0;
}

size_t who_nat__follow(const struct ps_target *t, bool held, bool verbose,
		       who_nat_show show, void *ctx)
{
	struct follow f = { .t = t, .verbose = verbose, .show = show, .ctx = ctx };
	struct nat_rules rules;
	char err[160];
	size_t shown = 0;

	if (nat__read(&rules, err, sizeof(err))) {
		if (!held)
			fprintf(stderr, "portsnoop: DNAT rules not followed: %s\n", err);
		return 0;
	}
	for (size_t i = 0; i < rules.n; i++) {
		const struct natrule *r = &rules.v[i];

		if (t->family && r->to_family && strcmp(r->family, "inet") &&
		    (t->family == AF_INET) != !strcmp(r->family, "ip"))
			continue;	/* an ip6 table's rule for an IPv4 port, ... */
		if (natrule__matches(r, (uint8_t)t->proto, t->port))
			shown += follow_one(&f, r);
	}
	nat__free(&rules);
	return shown;
}
