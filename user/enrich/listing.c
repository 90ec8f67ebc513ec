// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Sockets that exist, as records of the one field table (output/fields.c):
 * a socket and its first owner become a struct ps_event, so the fields
 * that read events read these too; the rest (queues, owners, v6only,
 * device) come from the socket itself.
 */
#include "enrich/listing.h"

#include <limits.h>
#include <stdbool.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/timefmt.h"
#include "enrich/event.h"
#include "proc/known.h"
#include "proc/pcache.h"
#include "proc/procinfo.h"
#include "proc/uids.h"
#include "output/users.h"

#define OWNERS_ON_STACK 64

/* The record of a socket; its time only when asked (clock). */
static void fill_event(struct ps_event *ev, const struct diag_sock *d,
		       const struct ps_owner *o, size_t n, uint32_t uid, bool clock)
{
	memset(ev, 0, sizeof(*ev));
	if (clock)
		ev->ts_ns = timefmt__mono_ns();
	ev->family = d->family;
	ev->proto = d->proto;
	ev->lport = d->lport;
	ev->rport = d->rport;
	memcpy(ev->laddr, d->laddr, sizeof(ev->laddr));
	memcpy(ev->raddr, d->raddr, sizeof(ev->raddr));
	ev->netns = d->netns;
	ev->cookie = d->cookie;
	ev->uid = uid;
	ev->ifindex = d->ifindex;
	memcpy(ev->ifname, d->ifname, sizeof(ev->ifname));
	if (n) {
		ev->pid = o[0].pid;
		memcpy(ev->comm, o[0].comm, sizeof(ev->comm));
	}
}

void listing__event(struct ps_event *ev, const struct diag_sock *d,
		    const struct ps_owner *o, size_t n, uint32_t uid)
{
	fill_event(ev, d, o, n, uid, true);
}

/* Render the socket as a row of table t, or (b NULL) fit the table to it. */
static void record(struct sbuf *b, const struct format_ctx *ctx, enum format_table t,
		   const struct diag_sock *d, const struct ps_owner *o, size_t n,
		   const struct serves *sv)
{
	uint32_t stack[OWNERS_ON_STACK], *uids = n <= OWNERS_ON_STACK ? stack
						 : malloc(n * sizeof(*uids));
	struct ps_event ev;
	struct format_input in = {
		.ev = &ev, .rec = FORMAT_REC_STATE, .sock = d, .holders = o, .nholders = n,
		.serves = sv,
	};
	struct proc_info pi = { 0 };
	uint64_t start_ns = 0;

	/* The first holder's executable and container: what a baseline
	 * (--expect, check) knows a listener by across restarts. Records
	 * only: the table has no column for them. */
	if (n && (ctx->mode != FORMAT_TABLE || t == FORMAT_TABLE_EVENTS)) {
		const struct proc_known *k = known__of_pid("/proc", o[0].pid);

		pi.exe = k->exe;
		pi.container = k->container;
		start_ns = k->start_ns;
		in.start_prec_ns = procinfo__tick_ns();
		if (pi.exe || pi.container.id[0] || pi.container.unit[0])
			in.proc = &pi;
		enrich__container_names(&in);
	}

	/* The user of a socket is who holds it (nginx's workers: nobody), not
	 * who created it; with no holder known, its creator. */
	for (size_t i = 0; uids && i < n; i++)
		uids[i] = i && o[i].pid == o[i - 1].pid ? uids[i - 1]
							: uids__real(o[i].pid, d->uid);
	in.owner_uids = uids;
	/* ls's table has no TIME column: no clock read per row (twice, with
	 * the fitting), 40,000 of them for as many sockets. */
	fill_event(&ev, d, o, n, n && uids ? uids[0] : d->uid,
		   ctx->mode != FORMAT_TABLE || t != FORMAT_TABLE_LS);
	ev.start_ns = start_ns;
	in.user_name = ctx->users ? users__name(ctx->users, ev.uid) : NULL;
	if (b)
		format__record(b, ctx, t, &in);
	else
		format__fit(ctx, t, &in);
	if (uids != stack)
		free(uids);
}

void listing__header(struct sbuf *b, const struct format_ctx *ctx)
{
	format__table_header(b, ctx, FORMAT_TABLE_LS);
}

void listing__fit(const struct format_ctx *ctx, const struct diag_sock *d,
		  const struct ps_owner *o, size_t n)
{
	record(NULL, ctx, FORMAT_TABLE_LS, d, o, n, NULL);
}

void listing__socket(struct sbuf *b, const struct format_ctx *ctx,
		     const struct diag_sock *d, const struct ps_owner *o, size_t n)
{
	record(b, ctx, FORMAT_TABLE_LS, d, o, n, NULL);
}

void listing__socket_serves(struct sbuf *b, const struct format_ctx *ctx,
			    const struct diag_sock *d, const struct ps_owner *o, size_t n,
			    const struct serves *sv)
{
	record(b, ctx, FORMAT_TABLE_LS, d, o, n, sv);
}

void listing__state(struct sbuf *b, const struct format_ctx *ctx,
		    const struct diag_sock *d, const struct ps_owner *o, size_t n)
{
	record(b, ctx, FORMAT_TABLE_EVENTS, d, o, n, NULL);
}
