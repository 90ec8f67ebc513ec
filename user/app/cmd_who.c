// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * portsnoop who PORT: every socket holding the port and every process
 * holding it. The answer's records are built in enrich/who.c; here the
 * port is looked for (the snapshot, then DNAT rules) and the exit status
 * says what was found.
 */
#include "app/commands.h"
#include "app/serves.h"
#include "app/who_nat.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "enrich/who.h"
#include "sockets/holds.h"
#include "sockets/snapshot.h"
#include "output/format.h"
#include "output/names.h"
#include "output/users.h"

#define WHO_NOT_FOUND_PARTLY 4

/* Who serves behind a keeper (app/serves.h), as enrich/who.h asks it. */
static bool serves_of(void *ctx, uint32_t pid, const char *cmdline, size_t len,
		      const struct diag_sock *s, const struct ps_owner *own, size_t n,
		      struct serves *out)
{
	return serves__find(ctx, pid, cmdline, len, s, own, n, out);
}

/* What was asked, as holds.h compares it. */
static struct holds_query query_of(const struct ps_target *t)
{
	struct holds_query q = { .port = t->port, .proto = t->proto, .family = t->family };

	memcpy(q.addr, t->addr, sizeof(q.addr));
	return q;
}

/* "0.0.0.0:9110/tcp", "[::1]:53", "port 8080": what was asked, for messages. */
static const char *asked(const struct ps_target *t, char *buf, size_t sz)
{
	char ep[NAMES_ADDR_LEN];

	if (t->family)
		names__endpoint(t->family, t->addr, t->port, ep, sizeof(ep));
	else
		snprintf(ep, sizeof(ep), "port %u", t->port);
	snprintf(buf, sz, "%s%s", ep,
		 t->proto == IPPROTO_TCP ? "/tcp" : t->proto == IPPROTO_UDP ? "/udp" : "");
	return buf;
}

struct who_run {
	const struct format_ctx *ctx;
	struct who_sources src;		/* what who's records are built from */
	struct sbuf b;
	size_t found, unknown;
	size_t time_wait;	/* TIME-WAIT sockets on the port: no holder */
	size_t nat_found;	/* listeners reached through DNAT rules */
};

static void one_socket(struct who_run *r, const struct snapshot *snap,
		       const struct diag_sock *s, const struct format_nat *nat)
{
	r->found++;
	if (!who__socket(&r->b, r->ctx, &r->src, &snap->owners, s, nat))
		r->unknown++;
}

/* A listener a DNAT rule sends the port to (who_nat.h). */
static void by_nat(void *ctx, const struct snapshot *snap, const struct diag_sock *s,
		   const struct format_nat *nat)
{
	struct who_run *r = ctx;

	if (!r->found && !r->nat_found++ && r->ctx->mode == FORMAT_TABLE)
		sbuf__puts(&r->b, "nobody holds it on this host; a DNAT rule sends it to:\n");
	one_socket(r, snap, s, nat);
}

/*
 * Every socket that holds the port (holds.h), in every state and every
 * namespace, with each process that has it open. Exit status: 0 all named,
 * 1 nobody holds it, 3 held but some owner could not be determined, 4 not
 * found, but some namespaces or processes could not be looked into.
 */
int cmd__who(const struct ps_opts *o, const struct format_ctx *ctx, struct sink *out)
{
	const struct ps_target *t = &o->target;
	struct snapshot_opts so = { .tcp = t->proto != IPPROTO_UDP,
				    .udp = t->proto != IPPROTO_TCP, .every_state = true,
				    .port = t->port, .netns = o->filter.netns };
	struct holds_query q = query_of(t);
	struct serves_ctx *serves = serves__new(o->verbose);
	struct who_run r = { .ctx = ctx,
			     .src = { .proc_root = "/proc", .users = users__new("/etc/passwd"),
				      .serves = serves_of, .serves_ctx = serves,
				      .as_root = geteuid() == 0 } };
	struct snapshot snap;
	char what[NAMES_ADDR_LEN + 16], left_out[256];
	bool snap_left_out;
	int rc;

	rc = cmd__snapshot(&snap, &so, o->verbose);
	if (rc) {
		users__free(r.src.users);
		serves__free(serves);
		return rc;
	}
	/* Listeners first, then bound, then connected: the order people look. */
	for (int pass = 0; pass < 3; pass++) {
		for (size_t i = 0; i < snap.n; i++) {
			const struct diag_sock *s = &snap.socks[i];
			int rank = s->proto != IPPROTO_UDP && s->state == TCP_LISTEN ? 0
				   : holds__connected(s) ? 2 : 1;

			if (pass == 0 && s->proto != IPPROTO_UDP && s->state == TCP_TIME_WAIT) {
				struct diag_sock as_bound = *s;

				as_bound.state = TCP_CLOSE;
				r.time_wait += holds__match(&q, &as_bound);
			}
			/* No file refers to it (an accept queue's, an orphan's):
			 * no process holds it. */
			if (rank != pass || !s->inode || !holds__match(&q, s) ||
			    (t->scope[0] && strcmp(t->scope, s->ifname)))
				continue;
			one_socket(&r, &snap, s, NULL);
		}
	}
	r.found += who_nat__follow(t, o->filter.netns, r.found, o->verbose, by_nat, &r);
	rc = cmd__write(out, &r.b);
	serves__free(serves);
	sbuf__free(&r.b);
	snapshot__left_out(&snap, left_out, sizeof(left_out));
	snap_left_out = left_out[0] != '\0';
	snapshot__free(&snap);
	users__free(r.src.users);
	if (cmd__write_status(rc))
		return 1;
	if (!r.found && snap_left_out) {
		/* Not "nobody": where it could not look, the port may be held. */
		fprintf(stderr, "portsnoop: not found where portsnoop could look: %s "
			"(%s)\n", asked(t, what, sizeof(what)), left_out);
		return WHO_NOT_FOUND_PARTLY;
	}
	if (!r.found && r.time_wait) {
		/* A bind without SO_REUSEADDR still fails on them. */
		fprintf(stderr, "portsnoop: nobody holds %s; %zu closed connection%s it in "
			"TIME-WAIT (the kernel's, up to 60 s)\n", asked(t, what, sizeof(what)),
			r.time_wait, r.time_wait == 1 ? " keeps" : "s keep");
		return 1;
	}
	if (!r.found) {
		fprintf(stderr, "portsnoop: nobody holds %s\n", asked(t, what, sizeof(what)));
		return 1;
	}
	if (r.unknown) {
		fprintf(stderr, "portsnoop: %zu socket%s holding %s: owner could not be "
			"determined\n", r.unknown, r.unknown == 1 ? "" : "s",
			asked(t, what, sizeof(what)));
		return 3;
	}
	return 0;
}
