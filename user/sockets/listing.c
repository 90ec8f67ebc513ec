// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "sockets/listing.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include "output/escape.h"
#include "output/json.h"
#include "output/names.h"
#include "output/timefmt.h"

void listing__header(struct sbuf *b, const struct format_ctx *ctx)
{
	if (ctx->mode == FORMAT_TABLE)
		sbuf__puts(b, "PROTO  LOCAL                                 NETNS       "
			      "UID    PROCESSES\n");
}

static const char *proto_col(const struct diag_sock *d, char *buf, size_t sz)
{
	char p[16];

	snprintf(buf, sz, "%s%c", names__proto(d->proto, p, sizeof(p)),
		 d->family == AF_INET ? '4' : '6');
	return buf;
}

/* Pad the cell that starts at start to width w, then one space. */
static void end_cell(struct sbuf *b, size_t start, size_t w)
{
	sbuf__pad(b, start, w);
	sbuf__putc(b, ' ');
}

static void table_row(struct sbuf *b, const struct diag_sock *d,
		      const struct ps_owner *o, size_t n)
{
	char pc[24], ep[NAMES_ADDR_LEN];
	size_t start = b->len;

	sbuf__puts(b, proto_col(d, pc, sizeof(pc)));
	end_cell(b, start, 6);
	start = b->len;
	sbuf__puts(b, names__endpoint(d->family, d->laddr, d->lport, ep, sizeof(ep)));
	end_cell(b, start, 37);
	start = b->len;
	sbuf__u64(b, d->netns);
	end_cell(b, start, 11);
	start = b->len;
	sbuf__u64(b, d->uid);
	end_cell(b, start, 6);
	if (n)
		format__owners_text(b, o, n);
	else
		sbuf__putc(b, '-');
	sbuf__putc(b, '\n');
}

static void json_record(struct sbuf *b, const struct format_ctx *ctx,
			const struct diag_sock *d, const struct ps_owner *o, size_t n)
{
	struct sbuf list = { 0 };
	char t[112], a[NAMES_ADDR_LEN], p[16];
	struct jw w;

	format__owners_json(&list, o, n, true);

	timefmt__rfc3339(timefmt__now(), t, sizeof(t));
	jw__begin(&w, b);
	jw__cstr(&w, "@timestamp", t);
	if (n) {
		jw__uint(&w, "process.pid", o[0].pid);
		jw__str(&w, "process.name", o[0].comm, strnlen(o[0].comm, sizeof(o[0].comm)));
	}
	jw__cstr(&w, "event.kind", "state");
	jw__cstr(&w, "event.action", d->state == TCP_LISTEN ? "listening" : "bound");
	jw__cstr(&w, "network.transport", names__proto(d->proto, p, sizeof(p)));
	jw__cstr(&w, "network.type", names__family(d->family));
	jw__cstr(&w, "server.ip", names__addr(d->family, d->laddr, a, sizeof(a)));
	jw__uint(&w, "server.port", d->lport);
	if (ctx->host)
		jw__str(&w, "host.name", ctx->host, strlen(ctx->host));
	jw__uint(&w, "user.id", d->uid);
	jw__uint(&w, "portsnoop.netns", d->netns);
	if (d->cookie)
		jw__uint(&w, "portsnoop.cookie", d->cookie);
	if (d->inode)
		jw__uint(&w, "portsnoop.inode", d->inode);
	jw__raw(&w, "portsnoop.owners", list.p, list.len);
	jw__end(&w);
	sbuf__putc(b, '\n');
	sbuf__free(&list);
}

void listing__socket(struct sbuf *b, const struct format_ctx *ctx,
		     const struct diag_sock *d, const struct ps_owner *owners, size_t n)
{
	if (ctx->mode == FORMAT_TABLE)
		table_row(b, d, owners, n);
	else
		json_record(b, ctx, d, owners, n);
}

void listing__state(struct sbuf *b, const struct format_ctx *ctx,
		    const struct diag_sock *d, const struct ps_owner *o, size_t n)
{
	char t[112], pc[24], ep[NAMES_ADDR_LEN];
	size_t start = b->len;

	if (ctx->mode == FORMAT_JSON) {
		json_record(b, ctx, d, o, n);
		return;
	}
	if (ctx->mode == FORMAT_JOURNAL) {
		sbuf__puts(b, "SYSLOG_IDENTIFIER=portsnoop\nPRIORITY=6\n");
		sbuf__printf(b, "LOCAL_PORT=%u\nPORTSNOOP_NETNS=%u\nMESSAGE=", d->lport, d->netns);
		start = b->len;
	}
	if (ctx->mode == FORMAT_SYSLOG) {
		format__syslog_head(b, ctx, timefmt__now(),
				    d->state == TCP_LISTEN ? "listening" : "bound", false);
		sbuf__printf(b, " server.port=\"%u\" portsnoop.netns=\"%u\"] ", d->lport,
			     d->netns);
		start = b->len;
	}
	timefmt__clock(timefmt__now(), t, sizeof(t));
	sbuf__puts(b, t);
	end_cell(b, start, 12);
	start = b->len;
	if (n)
		sbuf__u64(b, o[0].pid);
	else
		sbuf__putc(b, '-');
	end_cell(b, start, 7);
	start = b->len;
	if (n)
		escape__cell(b, o[0].comm, strnlen(o[0].comm, sizeof(o[0].comm)));
	else
		sbuf__putc(b, '-');
	end_cell(b, start, 16);
	start = b->len;
	sbuf__puts(b, "state");
	end_cell(b, start, 8);
	start = b->len;
	sbuf__puts(b, proto_col(d, pc, sizeof(pc)));
	end_cell(b, start, 6);
	start = b->len;
	sbuf__puts(b, names__endpoint(d->family, d->laddr, d->lport, ep, sizeof(ep)));
	end_cell(b, start, 24);
	start = b->len;
	sbuf__putc(b, '-');
	end_cell(b, start, 24);
	sbuf__puts(b, d->state == TCP_LISTEN ? "listening" : "bound");
	if (n) {
		sbuf__puts(b, ", held by ");
		format__owners_text(b, o, n);
	}
	sbuf__putc(b, '\n');
}
