// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* A field's value as table or line text, or as a JSON member. */
#include <stdbool.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "output/escape.h"
#include "output/fields.h"
#include "output/json.h"
#include "output/names.h"
#include "lib/timefmt.h"
#include "output/users.h"
#include "lib/records.h"

/* RFC 3339 with as many fraction digits as are known (9: ns, 2: a tick). */
static void time_text(int64_t ns, unsigned int digits, char *t, size_t sz)
{
	timefmt__rfc3339(ns, t, sz);
	if (digits < 9 && strlen(t) == 30) {
		size_t end = digits ? 20 + digits : 19;

		t[end] = 'Z';
		t[end + 1] = '\0';
	}
}

static bool first_of_pid(const struct ps_owner *o, size_t i)
{
	return i == 0 || o[i].pid != o[i - 1].pid;
}

static void user_text(struct sbuf *b, const struct format_ctx *ctx, uint32_t uid)
{
	const char *name = ctx->users ? users__name(ctx->users, uid) : NULL;

	if (name)
		escape__item(b, name, strlen(name));
	else
		sbuf__u64(b, uid);
}

/* One entry of a NUL-separated list shown joined by ",": a "," (and a
 * space, for a table cell) in it is \xNN. */
static void list_item(struct sbuf *b, const char *s, size_t n)
{
	escape__bytes(b, s, n, " ,");
}

/* ls's USER: each owner's user once, in the owners' order. */
static void owner_users(struct sbuf *b, const struct format_ctx *ctx,
			const struct format_input *in)
{
	for (size_t i = 0; i < in->nholders; i++) {
		size_t k;

		for (k = 0; k < i && in->owner_uids[k] != in->owner_uids[i]; k++)
			;
		if (k < i)
			continue;
		if (i)
			sbuf__putc(b, ',');
		user_text(b, ctx, in->owner_uids[i]);
	}
}

/* "nginx[812],nginx[813]"; with fds, ls's "nginx[812]/6,nginx[813]/6+7". */
static void owners_text(struct sbuf *b, const struct ps_owner *o, size_t n, bool fds)
{
	for (size_t i = 0; i < n; i++) {
		if (first_of_pid(o, i)) {
			if (i)
				sbuf__putc(b, ',');
			escape__item(b, o[i].comm, strnlen(o[i].comm, sizeof(o[i].comm)));
			sbuf__putc(b, '[');
			sbuf__u64(b, o[i].pid);
			sbuf__putc(b, ']');
		}
		if (fds) {
			sbuf__putc(b, first_of_pid(o, i) ? '/' : '+');
			sbuf__u64(b, o[i].fd);
		}
	}
}

/* [{pid, name}] (EADDRINUSE holders), or with fd, fds and uid (owners). */
static void owners_json(struct sbuf *b, const struct format_input *in, bool full)
{
	const struct ps_owner *o = in->holders;
	struct jw w;

	sbuf__putc(b, '[');
	for (size_t i = 0; i < in->nholders; i++) {
		if (!first_of_pid(o, i))
			continue;
		if (i)
			sbuf__putc(b, ',');
		jw__begin(&w, b);
		jw__uint(&w, "pid", o[i].pid);
		jw__str(&w, "name", o[i].comm, strnlen(o[i].comm, sizeof(o[i].comm)));
		if (full) {
			struct sbuf fds = { 0 };

			jw__uint(&w, "fd", o[i].fd);
			sbuf__putc(&fds, '[');
			for (size_t k = i; k < in->nholders && o[k].pid == o[i].pid; k++) {
				if (k > i)
					sbuf__putc(&fds, ',');
				sbuf__u64(&fds, o[k].fd);
			}
			sbuf__putc(&fds, ']');
			jw__raw(&w, "fds", fds.p, fds.len);
			sbuf__free(&fds);
			if (in->owner_uids)
				jw__uint(&w, "uid", in->owner_uids[i]);
		}
		jw__end(&w);
	}
	sbuf__putc(b, ']');
}

/* A value as one-line text, safe for a terminal: a table cell, or (syslog
 * true) a value that may hold spaces: syslog, journald, who's lines. */
/* " (published by conmon: container web, ...)": names from other processes
 * are in it, so it is escaped. */
static void serves_text(struct sbuf *b, const struct serves *sv)
{
	if (!sv || !sv->how[0])
		return;
	sbuf__puts(b, " (");
	escape__text(b, sv->how, strlen(sv->how));
	sbuf__putc(b, ')');
}

void value__text(struct sbuf *b, const struct val *v, const struct format_input *in,
		       const struct format_ctx *ctx, bool syslog)
{
	char t[112];

	switch (v->type) {
	case V_NONE:
		sbuf__putc(b, '-');
		break;
	case V_STR:
		sbuf__put(b, v->s, v->n);
		break;
	case V_TEXT:
		if (v->u2 == V_TEXT_ARGV) {
			escape__parts(b, v->s, v->n, ' ', escape__arg);
			break;
		}
		/* A table cell must not pass for several; a quoted value may hold spaces. */
		escape__parts(b, v->s, v->n, ' ', syslog ? escape__text : escape__cell);
		break;
	case V_ARGS:
		/* Arguments read back as they were, in every format. */
		escape__parts(b, v->s, v->n, ' ', escape__arg);
		break;
	case V_LIST:
		escape__parts(b, v->s, v->n, ',', list_item);
		break;
	case V_UINT:
		sbuf__u64(b, v->u);
		break;
	case V_UINTS:
		for (size_t i = 0; i < v->n; i++) {
			if (i)
				sbuf__putc(b, ',');
			sbuf__u64(b, in->holders[v->u + i].fd);
		}
		break;
	case V_BOOL:
		sbuf__puts(b, v->u ? "yes" : "no");
		break;
	case V_TIME:
		if (syslog || v->u2 < 9)
			time_text((int64_t)v->u, v->u2, t, sizeof(t));
		else
			timefmt__clock((int64_t)v->u, t, sizeof(t));
		sbuf__puts(b, t);
		break;
	case V_OWNERS:
		if (v->u2 == 1 && in->owner_uids && in->nholders)
			owner_users(b, ctx, in);
		else if (v->u2 == 1)
			user_text(b, ctx, in->ev->uid);
		else
			owners_text(b, in->holders, in->nholders, v->u2 == 2);
		break;
	case V_HELD_BY:
		sbuf__puts(b, names__errno(in->ev->err, t, sizeof(t)));
		sbuf__puts(b, " held by ");
		owners_text(b, in->holders, in->nholders, false);
		if (in->holders_gone)
			sbuf__puts(b, " (gone since)");
		serves_text(b, in->serves);	/* a keeper: who serves behind it */
		break;
	case V_STATE:
		sbuf__puts(b, in->sock && in->sock->state == TCP_LISTEN ? "listening" : "bound");
		if (in->nholders) {
			sbuf__puts(b, ", held by ");
			owners_text(b, in->holders, in->nholders, false);
		}
		break;
	}
}

static bool memo_keep(char **p, size_t *cap, const char *s, size_t n)
{
	char *q;

	if (n > *cap) {
		q = realloc(*p, n);
		if (!q)
			return false;
		*p = q;
		*cap = n;
	}
	memcpy(*p, s, n);
	return true;
}

static void string_body(struct sbuf *b, const struct val *v)
{
	switch (v->type) {
	case V_STR:
		json__str_body(b, v->s, v->n);
		break;
	case V_TEXT:
		json__text_body(b, v->s, v->n);
		break;
	default:
		json__list_body(b, v->s, v->n);
		break;
	}
}

/* The same text as last time (one process's executable, command line,
 * cgroup, names: most records repeat them) is copied, not escaped again. */
static void string_value(struct sbuf *b, const struct val *v, struct json_memo *m)
{
	size_t at = b->len;

	if (!m || !v->n || v->n > JSON_MEMO_MAX) {
		string_body(b, v);
		return;
	}
	if (m->type == v->type && m->raw_len == v->n && !memcmp(m->raw, v->s, v->n)) {
		sbuf__put(b, m->json, m->json_len);
		return;
	}
	string_body(b, v);
	m->type = V_NONE;
	if (!b->oom && memo_keep(&m->raw, &m->raw_cap, v->s, v->n) &&
	    memo_keep(&m->json, &m->json_cap, b->p + at, b->len - at)) {
		m->type = v->type;
		m->raw_len = v->n;
		m->json_len = b->len - at;
	}
}

void value__json(struct jw *w, const struct jw_key *k, const struct val *v,
		 const struct format_input *in, struct json_memo *m)
{
	if (v->type == V_NONE)
		return;
	jw__name(w, k);
	value__json_body(w->b, v, in, m);
}

void value__json_body(struct sbuf *b, const struct val *v, const struct format_input *in,
		      struct json_memo *m)
{
	char t[112];

	switch (v->type) {
	case V_NONE:
		break;
	case V_STR:
	case V_TEXT:
	case V_ARGS:
	case V_LIST:
		string_value(b, v, m);
		break;
	case V_UINT:
		sbuf__u64(b, v->u);
		break;
	case V_BOOL:
		sbuf__puts(b, v->u ? "true" : "false");
		break;
	case V_TIME:
		time_text((int64_t)v->u, v->u2, t, sizeof(t));
		json__str_body(b, t, strlen(t));
		break;
	case V_UINTS:
		sbuf__putc(b, '[');
		for (size_t i = 0; i < v->n; i++) {
			if (i)
				sbuf__putc(b, ',');
			sbuf__u64(b, in->holders[v->u + i].fd);
		}
		sbuf__putc(b, ']');
		break;
	case V_OWNERS:
	case V_HELD_BY:
	case V_STATE:
		owners_json(b, in, in->rec != FORMAT_REC_EVENT);
		break;
	}
}
