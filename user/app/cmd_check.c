// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* portsnoop check FILE: the listeners now against a baseline, for CI and
 * cron. Exit 0: as expected; 1: a listener the baseline does not hold or
 * one it holds that is gone (each on stdout); 2: the baseline is bad. */
#include "app/commands.h"

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expect/baseline.h"
#include "expect/listener.h"
#include "output/escape.h"
#include "output/names.h"

#define TCP_LISTEN 10

static const char *proto_name(uint16_t p)
{
	return p == IPPROTO_TCP ? "tcp" : p == IPPROTO_UDP ? "udp" : "mptcp";
}

static void put_text(struct sbuf *b, const char *s)
{
	escape__text(b, s, strlen(s));
}

static void who(struct sbuf *b, const struct expect_key *k)
{
	static const char *const names[] = { "exe=", "unit=", "image=", "comm=" };
	const char *vals[] = { k->exe, k->unit, k->image, k->comm };
	bool any = false;

	for (size_t i = 0; i < 4; i++) {
		if (!vals[i])
			continue;
		sbuf__printf(b, " %s", names[i]);
		put_text(b, vals[i]);
		any = true;
	}
	if (!any)
		sbuf__puts(b, " *");
}

static bool is_listener(const struct diag_sock *d)
{
	return d->proto == IPPROTO_UDP ? d->lport != 0 : d->state == TCP_LISTEN;
}

/* One socket: unexpected unless an owner (or, with none, anyone) matches. */
static bool check_socket(const struct baseline *bl, const struct snapshot *snap,
			 const struct diag_sock *d, bool *matched, struct sbuf *b)
{
	char comm[PS_COMM_LEN + 1], addr[NAMES_ADDR_LEN];
	size_t n;
	const struct ps_owner *own = owners__find(&snap->owners, d->inode, &n);
	struct expect_key k;
	bool ok = false;

	for (size_t i = 0; i < (n ? n : 1) && !ok; i++) {
		comm[0] = '\0';
		if (n)
			snprintf(comm, sizeof(comm), "%.*s", PS_COMM_LEN, own[i].comm);
		listener__key_socket(&k, d, n ? own[i].pid : 0, n ? comm : NULL);
		ok = baseline__match(bl, &k, matched);
	}
	if (ok)
		return true;
	sbuf__printf(b, "unexpected %s %s", proto_name(d->proto),
		     names__endpoint(d->family, d->laddr, d->lport, addr, sizeof(addr)));
	if (n)
		sbuf__printf(b, " pid %u", own[0].pid);
	who(b, &k);
	sbuf__putc(b, '\n');
	return false;
}

int cmd__check(const struct ps_opts *o, struct sink *out)
{
	struct snapshot_opts so = { .tcp = true, .udp = true, .netns = o->filter.netns };
	struct baseline *bl = NULL;
	struct snapshot snap;
	struct sbuf b = { 0 };
	char err[512];
	size_t unexpected = 0, missing = 0, listeners = 0;
	bool *matched;
	int rc;

	if (baseline__load(o->expect, &bl, err, sizeof(err))) {
		fprintf(stderr, "portsnoop: %s\n", err);
		return 2;
	}
	matched = calloc(baseline__count(bl), sizeof(*matched));
	if (!matched || cmd__snapshot(&snap, &so, o->verbose)) {
		free(matched);
		baseline__free(bl);
		return 2;
	}
	for (size_t i = 0; i < snap.n; i++) {
		if (!is_listener(&snap.socks[i]))
			continue;
		listeners++;
		unexpected += !check_socket(bl, &snap, &snap.socks[i], matched, &b);
	}
	for (size_t i = 0; i < baseline__count(bl); i++) {
		const struct expect_key *e = baseline__entry(bl, i);

		if (matched[i])
			continue;
		missing++;
		sbuf__printf(&b, "missing %s %s:%u", proto_name(e->proto),
			     baseline__scope_name(e->scope), e->port);
		who(&b, e);
		sbuf__putc(&b, '\n');
	}
	rc = cmd__write(out, &b);
	fprintf(stderr, "portsnoop: check: %zu listeners, %zu unexpected, %zu missing from %s\n",
		listeners, unexpected, missing, o->expect);
	sbuf__free(&b);
	snapshot__free(&snap);
	free(matched);
	baseline__free(bl);
	if (rc)
		return cmd__write_status(rc);
	return unexpected || missing ? 1 : 0;
}
