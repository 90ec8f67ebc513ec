// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * ls --nat's compact form of the published ports (ls_nat.h):
 *
 *   published through DNAT (this namespace's nf_tables rules):
 *   tcp 18081 -> 10.88.0.5:80 netns 4026532301 httpd[812]  DNAT rule ip nat CNI-DN-1 (handle 9, xt)
 *   tcp 18083 DNAT rule ip t pre (handle 3, nft) sends it to 203.0.113.9:80, an address no ...
 *
 * The listener comes from ls's own snapshot: no namespace is looked into twice.
 */
#include "app/ls_nat.h"

#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include "app/nat_follow.h"
#include "output/escape.h"
#include "output/names.h"
#include "sockets/natrule.h"

static void ports(struct sbuf *b, const struct natrule *r)
{
	sbuf__puts(b, r->proto == IPPROTO_TCP ? "tcp " : r->proto == IPPROTO_UDP ? "udp " : "any ");
	if (!r->port_lo && !r->port_hi)
		sbuf__puts(b, "*");
	else if (r->port_lo == r->port_hi)
		sbuf__printf(b, "%u", r->port_lo);
	else
		sbuf__printf(b, "%u-%u", r->port_lo, r->port_hi);
}

/* The processes holding socket s: "httpd[812],httpd[813]", or "nobody". */
static void holders(struct sbuf *b, const struct snapshot *snap, const struct diag_sock *s)
{
	size_t n;
	const struct ps_owner *own = owners__find(&snap->owners, s->inode, &n);

	if (!n)
		sbuf__puts(b, "owner unknown");
	for (size_t k = 0; k < n; k++) {
		if (k && own[k].pid == own[k - 1].pid)
			continue;
		if (k)
			sbuf__putc(b, ',');
		escape__text(b, own[k].comm, strnlen(own[k].comm, sizeof(own[k].comm)));
		sbuf__printf(b, "[%u]", own[k].pid);
	}
}

/* One rule that leads into namespace ns: its listeners, or that none is. */
static void leads(struct sbuf *b, const struct natrule *r, const struct snapshot *snap,
		  uint32_t ns)
{
	/* A range of ports kept as they are reaches as many ports: name the first. */
	uint16_t to = natrule__to_port(r, r->port_lo);
	char ep[NAMES_ADDR_LEN];
	size_t found = 0;

	names__endpoint(r->to_family, r->to_addr, to, ep, sizeof(ep));
	sbuf__printf(b, " -> %s netns %u ", ep, ns);
	for (size_t i = 0; i < snap->n && to; i++) {
		if (snap->socks[i].netns != ns || !natrule__reaches(r, to, &snap->socks[i]))
			continue;
		if (found++)
			sbuf__putc(b, ',');
		holders(b, snap, &snap->socks[i]);
	}
	if (!found)
		sbuf__puts(b, "(nothing listens)");
	sbuf__puts(b, "  ");
	nat_follow__rule_name(b, r);
}

void ls_nat__append(struct sbuf *b, const struct format_ctx *ctx,
		    const struct snapshot *snap, bool verbose)
{
	struct nat_follow nf;
	char why[256];

	if (ctx->mode != FORMAT_TABLE)
		return;
	if (nat_follow__open(&nf)) {
		if (verbose)
			fprintf(stderr, "portsnoop: DNAT rules not listed: %s\n", nf.err);
		nat_follow__close(&nf);
		return;
	}
	if (nf.rules.n)
		sbuf__puts(b, "\npublished through DNAT (this namespace's nf_tables rules):\n");
	for (size_t i = 0; i < nf.rules.n; i++) {
		const struct natrule *r = &nf.rules.v[i];
		uint32_t ns;

		ports(b, r);
		if (nat_follow__where(&nf, r, r->port_lo, &ns, why, sizeof(why))) {
			leads(b, r, snap, ns);
		} else {
			sbuf__putc(b, ' ');
			nat_follow__rule_name(b, r);
			sbuf__puts(b, why);
		}
		sbuf__putc(b, '\n');
	}
	nat_follow__close(&nf);
}
