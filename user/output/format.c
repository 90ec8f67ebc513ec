// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The one output layer: the rows of fields.c rendered as a table (the
 * event stream's, ls's, who's blocks), JSON Lines, RFC 5424 syslog and
 * journald entries.
 */
#include "output/format.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include "app/cli.h"
#include "output/escape.h"
#include "output/fields.h"
#include "output/json.h"
#include "output/names.h"
#include "output/timefmt.h"
#include "proc/users.h"
#include "sockets/diag.h"

#define MAX_COLUMNS 16

unsigned int format__width(int fd)
{
	const char *env = getenv("COLUMNS");
	struct winsize ws;
	unsigned long w = 0;

	if (env && *env)
		w = strtoul(env, NULL, 10);
	if (!w && fd >= 0 && isatty(fd) && !ioctl(fd, TIOCGWINSZ, &ws))
		w = ws.ws_col;
	if (w < 80)
		w = 80;
	return w > 1000 ? 1000 : (unsigned int)w;
}

const char *format__count(char *buf, size_t sz, unsigned long long n, const char *one,
			  const char *many)
{
	snprintf(buf, sz, "%llu %s", n, n == 1 ? one : many);
	return buf;
}

/* -- values as text ------------------------------------------------------- */

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
		escape__cell(b, name, strlen(name));
	else
		sbuf__u64(b, uid);
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
			escape__cell(b, o[i].comm, strnlen(o[i].comm, sizeof(o[i].comm)));
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
static void text_value(struct sbuf *b, const struct val *v, const struct format_input *in,
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
	case V_ARGS:
		/* A table cell must not pass for several; a quoted value may hold spaces. */
		escape__parts(b, v->s, v->n, ' ', syslog ? escape__text : escape__cell);
		break;
	case V_LIST:
		escape__parts(b, v->s, v->n, ',', syslog ? escape__text : escape__cell);
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
		break;
	case V_STATE:
		sbuf__puts(b, in->sock && in->sock->state == 10 /* TCP_LISTEN */ ? "listening"
										: "bound");
		if (in->nholders) {
			sbuf__puts(b, ", held by ");
			owners_text(b, in->holders, in->nholders, false);
		}
		break;
	}
}

static void json_member(struct jw *w, const char *key, const struct val *v,
			const struct format_input *in)
{
	struct sbuf raw = { 0 };
	char t[112];

	switch (v->type) {
	case V_NONE:
		break;
	case V_STR:
		jw__str(w, key, v->s, v->n);
		break;
	case V_TEXT:
		jw__text(w, key, v->s, v->n);
		break;
	case V_ARGS:
	case V_LIST:
		jw__str_list(w, key, v->s, v->n);
		break;
	case V_UINT:
		jw__uint(w, key, v->u);
		break;
	case V_BOOL:
		jw__bool(w, key, v->u != 0);
		break;
	case V_TIME:
		time_text((int64_t)v->u, v->u2, t, sizeof(t));
		jw__cstr(w, key, t);
		break;
	case V_UINTS:
		sbuf__putc(&raw, '[');
		for (size_t i = 0; i < v->n; i++) {
			if (i)
				sbuf__putc(&raw, ',');
			sbuf__u64(&raw, in->holders[v->u + i].fd);
		}
		sbuf__putc(&raw, ']');
		jw__raw(w, key, raw.p, raw.len);
		break;
	case V_OWNERS:
	case V_HELD_BY:
	case V_STATE:
		owners_json(&raw, in, in->rec != FORMAT_REC_EVENT);
		jw__raw(w, key, raw.p, raw.len);
		break;
	}
	sbuf__free(&raw);
}

/* -- the table ------------------------------------------------------------ */

struct layout {
	unsigned int width;		/* asked for; 0: one line, no fitting */
	uint8_t bit;			/* T_* */
	size_t n;			/* columns */
	size_t idx[MAX_COLUMNS];	/* into fields[] */
	size_t w[MAX_COLUMNS];		/* their widths */
	size_t start[MAX_COLUMNS];	/* where each column begins */
};

static void layout_starts(struct layout *l)
{
	for (size_t k = 0, at = 0; k < l->n; k++) {
		l->start[k] = at;
		at += l->w[k] + 1;
	}
}

/*
 * Columns at their 80-column widths; whatever a wider terminal adds is
 * shared, a column at a time, by those that may grow (the addresses) up
 * to their full width; the last column takes the rest of the line.
 */
static void layout_compute(struct layout *l, uint8_t bit, unsigned int width)
{
	size_t used = 0;
	bool grew = true;

	l->width = width;
	l->bit = bit;
	l->n = 0;
	for (size_t i = 0; i < fields_count && l->n < MAX_COLUMNS; i++)
		if (fields[i].column && (fields[i].tables & bit))
			l->idx[l->n++] = i;
	for (size_t k = 0; k < l->n; k++) {
		l->w[k] = fields[l->idx[k]].width;
		used += l->w[k] + (k + 1 < l->n);
	}
	while (grew && used < width) {
		grew = false;
		for (size_t k = 0; k + 1 < l->n && used < width; k++) {
			if (l->w[k] < fields[l->idx[k]].grow) {
				l->w[k]++;
				used++;
				grew = true;
			}
		}
	}
	layout_starts(l);
}

static struct layout *layout_of(const struct format_ctx *ctx, enum format_table t)
{
	static struct layout cache[3];
	unsigned int width = ctx->mode == FORMAT_TABLE ? (ctx->width ? ctx->width : 80) : 0;
	uint8_t bit = t == FORMAT_TABLE_LS ? T_LS : (width && width < FIELDS_WIDE_MIN)
							? T_NARROW : T_WIDE;
	struct layout *l = &cache[bit == T_LS ? 2 : bit == T_NARROW];

	/* ls measures its rows (format__fit): it need not fill the terminal. */
	if (l->bit != bit || l->width != width)
		layout_compute(l, bit, bit == T_LS ? 0 : width);
	l->width = width;
	return l;
}

void format__fit(const struct format_ctx *ctx, enum format_table t,
		 const struct format_input *in)
{
	struct layout *l;
	bool changed = false;

	if (ctx->mode != FORMAT_TABLE || t == FORMAT_TABLE_WHO)
		return;
	l = layout_of(ctx, t);
	for (size_t k = 0; k + 1 < l->n; k++) {
		const struct field *f = &fields[l->idx[k]];
		struct sbuf cell = { 0 };
		struct val v;

		if (!f->grow)
			continue;
		field__get(f, in, ctx, &v);
		text_value(&cell, &v, in, ctx, false);
		if (cell.len > l->w[k] && l->w[k] < f->grow) {
			l->w[k] = cell.len < f->grow ? cell.len : f->grow;
			changed = true;
		}
		sbuf__free(&cell);
	}
	if (changed)
		layout_starts(l);
}

/*
 * Move to where column k starts. A cell longer than its column pushes the
 * next one along by what it overran; the row lines up again at the first
 * column with room to spare. A record stays one line (grep, syslog).
 */
static void next_column(struct sbuf *b, const struct layout *l, size_t k, size_t line)
{
	if (b->len - line >= l->start[k])
		sbuf__putc(b, ' ');
	else
		sbuf__pad(b, line, l->start[k]);
}

static void table_row(struct sbuf *b, const struct format_ctx *ctx, const struct layout *l,
		      const struct format_input *in)
{
	size_t line = b->len;

	for (size_t k = 0; k < l->n; k++) {
		struct val v;

		if (k)
			next_column(b, l, k, line);
		field__get(&fields[l->idx[k]], in, ctx, &v);
		text_value(b, &v, in, ctx, false);
	}
	sbuf__putc(b, '\n');
}

void format__table_header(struct sbuf *b, const struct format_ctx *ctx, enum format_table t)
{
	const struct layout *l;
	size_t line = b->len;

	if (ctx->mode != FORMAT_TABLE || t == FORMAT_TABLE_WHO)
		return;
	l = layout_of(ctx, t);
	for (size_t k = 0; k < l->n; k++) {
		if (k)
			next_column(b, l, k, line);
		sbuf__puts(b, fields[l->idx[k]].column);
	}
	sbuf__putc(b, '\n');
}

void format__header(struct sbuf *b, const struct format_ctx *ctx)
{
	format__table_header(b, ctx, FORMAT_TABLE_EVENTS);
}

/* -- who's text ------------------------------------------------------------ */

static const struct field *field_by_key(const char *key)
{
	for (size_t i = 0; i < fields_count; i++)
		if (fields[i].key && !strcmp(fields[i].key, key))
			return &fields[i];
	return NULL;
}

static const struct field *field_by_column(const char *column)
{
	for (size_t i = 0; i < fields_count; i++)
		if (fields[i].column && !strcmp(fields[i].column, column))
			return &fields[i];
	return NULL;
}

/* prefix and f's value as text; nothing when it has none. */
static bool put_field(struct sbuf *b, const struct format_ctx *ctx,
		      const struct format_input *in, const char *prefix,
		      const struct field *f)
{
	struct val v;

	if (!f)
		return false;
	field__get(f, in, ctx, &v);
	if (v.type == V_NONE)
		return false;
	sbuf__puts(b, prefix);
	text_value(b, &v, in, ctx, false);
	return true;
}

/* "tcp4 0.0.0.0:8080 (netns 4026531840)" */
void format__who_socket(struct sbuf *b, const struct format_ctx *ctx,
			const struct format_input *in)
{
	if (ctx->mode != FORMAT_TABLE)
		return;
	put_field(b, ctx, in, "", field_by_column("PROTO"));
	put_field(b, ctx, in, " ", field_by_column("LOCAL"));
	if (put_field(b, ctx, in, " (netns ", field_by_key("portsnoop.netns")))
		sbuf__putc(b, ')');
	sbuf__putc(b, '\n');
}

/*
 *   nginx[812] fd 6, user root (0), started 2026-11-21T04:50:26.12Z, parent systemd[1]
 *     exe      /usr/sbin/nginx
 *     writing  /var/log/nginx/access.log
 */
static void who_block(struct sbuf *b, const struct format_ctx *ctx,
		      const struct format_input *in)
{
	sbuf__puts(b, "  ");
	if (!put_field(b, ctx, in, "", field_by_key("process.name")) ||
	    !put_field(b, ctx, in, "[", field_by_key("process.pid"))) {
		sbuf__puts(b, "no process that portsnoop can see holds it\n");
		return;
	}
	sbuf__putc(b, ']');
	put_field(b, ctx, in, " fd ", field_by_key("portsnoop.fds"));
	put_field(b, ctx, in, ", user ", field_by_key("user.name"));
	put_field(b, ctx, in, in->user_name ? " (" : ", user (", field_by_key("user.id"));
	sbuf__putc(b, ')');
	put_field(b, ctx, in, ", started ", field_by_key("process.start"));
	if (put_field(b, ctx, in, ", parent ", field_by_key("process.parent.name")))
		put_field(b, ctx, in, "[", field_by_key("process.parent.pid")) &&
			(sbuf__putc(b, ']'), true);
	sbuf__putc(b, '\n');
	for (size_t i = 0; i < fields_count; i++) {
		const struct field *f = &fields[i];
		struct val v;

		if (!(f->tables & T_WHO))
			continue;
		field__get(f, in, ctx, &v);
		if (v.type == V_NONE)
			continue;
		if (v.type != V_LIST) {
			sbuf__printf(b, "    %-8s ", f->column);
			text_value(b, &v, in, ctx, true);	/* a line: spaces stay */
			sbuf__putc(b, '\n');
			continue;
		}
		for (size_t k = 0; k < v.n;) {
			size_t len = strnlen(v.s + k, v.n - k);

			sbuf__printf(b, "    %-8s ", f->column);
			escape__text(b, v.s + k, len);
			sbuf__putc(b, '\n');
			k += len + 1;
		}
	}
}

/* -- JSON, syslog, journald ------------------------------------------------ */

static bool carries(const struct field *f, const struct format_input *in)
{
	return f->key && (f->recs & (1u << in->rec));
}

static void json_record(struct sbuf *b, const struct format_ctx *ctx,
			const struct format_input *in)
{
	struct jw w;

	jw__begin(&w, b);
	for (size_t i = 0; i < fields_count; i++) {
		struct val v;

		if (!carries(&fields[i], in))
			continue;
		field__get(&fields[i], in, ctx, &v);
		json_member(&w, fields[i].key, &v, in);
	}
	jw__end(&w);
	sbuf__putc(b, '\n');
}

/* RFC 5424 PARAM-VALUE: '"', '\\' and ']' are backslash-escaped. */
static void sd_value(struct sbuf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"' || s[i] == '\\' || s[i] == ']')
			sbuf__putc(b, '\\');
		sbuf__putc(b, s[i]);
	}
}

/*
 * <PRI>1 TIMESTAMP HOST portsnoop PROCID MSGID [portsnoop@32473 k="v" ...] MSG
 * daemon facility; warning for failures, info otherwise; the fields as
 * structured data under the JSON names; MSG is the table's line. 32473 is
 * the enterprise number RFC 5612 sets aside for documentation.
 */
void format__syslog_head(struct sbuf *b, const struct format_ctx *ctx, int64_t ts,
			 const char *msgid, bool failure)
{
	char t[112];
	size_t n;

	timefmt__rfc3339(ts, t, sizeof(t));
	n = strlen(t);
	if (n > 27)	/* TIME-SECFRAC has at most 6 digits */
		memmove(t + 26, t + n - 1, 2);
	sbuf__printf(b, "<%d>1 %s ", 3 * 8 + (failure ? 4 : 6), t);
	if (ctx->host && *ctx->host)
		escape__cell(b, ctx->host, strlen(ctx->host));
	else
		sbuf__putc(b, '-');
	sbuf__printf(b, " portsnoop %d %s [portsnoop@32473", (int)getpid(), msgid);
}


static const char *msgid_of(const struct format_input *in, const struct format_ctx *ctx,
			    struct val *v)
{
	static const struct field *action;

	if (!action)
		action = field_by_key("event.action");
	field__get(action, in, ctx, v);
	return v->type == V_STR ? v->s : "-";
}

static bool failed(const struct format_input *in)
{
	return in->rec == FORMAT_REC_EVENT && in->ev->err && in->ev->err != EINPROGRESS;
}

static void syslog_record(struct sbuf *b, const struct format_ctx *ctx,
			  const struct format_input *in)
{
	struct sbuf tmp = { 0 };
	struct val v;

	format__syslog_head(b, ctx, (int64_t)in->ev->ts_ns + ctx->mono_offset,
			    msgid_of(in, ctx, &v), failed(in));
	for (size_t i = 0; i < fields_count; i++) {
		const struct field *f = &fields[i];

		if (!carries(f, in) || f->key[0] == '@')
			continue;
		field__get(f, in, ctx, &v);
		if (v.type == V_NONE)
			continue;
		sbuf__reset(&tmp);
		text_value(&tmp, &v, in, ctx, true);
		sbuf__printf(b, " %s=\"", f->key);
		sd_value(b, tmp.p, tmp.len);
		sbuf__putc(b, '"');
	}
	sbuf__puts(b, "] ");
	sbuf__free(&tmp);
	table_row(b, ctx, layout_of(ctx, FORMAT_TABLE_EVENTS), in);	/* ends the line */
}

/* "process.parent.pid" -> "PROCESS_PARENT_PID": a journal field name. */
static void journal_name(struct sbuf *b, const char *key)
{
	for (const char *p = key; *p; p++) {
		char c = *p;

		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		else if (!(c >= 'A' && c <= 'Z') && !(c >= '0' && c <= '9'))
			c = '_';
		sbuf__putc(b, c);
	}
}

/* One journal field: NAME=value and a newline; values are already text
 * escaped, so none holds a newline and the short form always fits. */
static void journal_field(struct sbuf *b, const char *name, const char *v, size_t n)
{
	sbuf__puts(b, name);
	sbuf__putc(b, '=');
	sbuf__put(b, v, n);
	sbuf__putc(b, '\n');
}

/* A MESSAGE_ID per action, so journalctl MESSAGE_ID=... finds one kind. */
static const char *const journal_ids[PS_EV__MAX] = {
	[PS_EV_BIND] = "6f1d3a0c2b8e4d7a9c5e1f2a3b4c5d01",
	[PS_EV_LISTEN] = "6f1d3a0c2b8e4d7a9c5e1f2a3b4c5d02",
	[PS_EV_CONNECT] = "6f1d3a0c2b8e4d7a9c5e1f2a3b4c5d03",
	[PS_EV_CONNECT_RESULT] = "6f1d3a0c2b8e4d7a9c5e1f2a3b4c5d04",
	[PS_EV_CLOSE] = "6f1d3a0c2b8e4d7a9c5e1f2a3b4c5d05",
};


static void journal_record(struct sbuf *b, const struct format_ctx *ctx,
			   const struct format_input *in)
{
	const struct ps_event *ev = in->ev;
	struct sbuf tmp = { 0 }, name = { 0 };
	char a[NAMES_ADDR_LEN], num[24];

	table_row(&tmp, ctx, layout_of(ctx, FORMAT_TABLE_EVENTS), in);
	journal_field(b, "MESSAGE", tmp.p, tmp.len - 1);
	if (in->rec == FORMAT_REC_EVENT && ev->kind < PS_EV__MAX && journal_ids[ev->kind])
		journal_field(b, "MESSAGE_ID", journal_ids[ev->kind], 32);
	journal_field(b, "PRIORITY", failed(in) ? "4" : "6", 1);
	journal_field(b, "SYSLOG_IDENTIFIER", "portsnoop", 9);
	/* The short names people filter on. */
	if (ev->comm[0]) {
		sbuf__reset(&tmp);
		escape__text(&tmp, ev->comm, strnlen(ev->comm, sizeof(ev->comm)));
		journal_field(b, "COMM", tmp.p, tmp.len);
	}
	if (ev->pid) {
		snprintf(num, sizeof(num), "%u", ev->pid);
		journal_field(b, "PID", num, strlen(num));
	}
	if (!(ev->flags & PS_F_NO_ADDR) && names__family(ev->family)) {
		names__addr(ev->family, ev->laddr, a, sizeof(a));
		journal_field(b, "LOCAL_ADDR", a, strlen(a));
		snprintf(num, sizeof(num), "%u", ev->lport);
		journal_field(b, "LOCAL_PORT", num, strlen(num));
		if (ev->kind == PS_EV_CONNECT || ev->kind == PS_EV_CONNECT_RESULT) {
			names__addr(ev->family, ev->raddr, a, sizeof(a));
			journal_field(b, "REMOTE_ADDR", a, strlen(a));
			snprintf(num, sizeof(num), "%u", ev->rport);
			journal_field(b, "REMOTE_PORT", num, strlen(num));
		}
	}
	/* ERRNO is a number in systemd.journal-fields(7); the name is ERROR_CODE. */
	if (failed(in)) {
		snprintf(num, sizeof(num), "%d", ev->err);
		journal_field(b, "ERRNO", num, strlen(num));
	}
	/* And every JSON field under its own name. */
	for (size_t i = 0; i < fields_count; i++) {
		const struct field *f = &fields[i];
		struct val v;

		if (!carries(f, in) || f->key[0] == '@')
			continue;
		field__get(f, in, ctx, &v);
		if (v.type == V_NONE)
			continue;
		sbuf__reset(&tmp);
		text_value(&tmp, &v, in, ctx, true);
		sbuf__reset(&name);
		journal_name(&name, f->key);
		journal_field(b, sbuf__str(&name), tmp.p, tmp.len);
	}
	sbuf__free(&name);
	sbuf__free(&tmp);
}

void format__record(struct sbuf *b, const struct format_ctx *ctx, enum format_table t,
		    const struct format_input *in)
{
	switch (ctx->mode) {
	case FORMAT_SYSLOG:
		syslog_record(b, ctx, in);
		break;
	case FORMAT_JOURNAL:
		journal_record(b, ctx, in);
		break;
	case FORMAT_JSON:
		json_record(b, ctx, in);
		break;
	case FORMAT_TABLE:
		if (t == FORMAT_TABLE_WHO)
			who_block(b, ctx, in);
		else
			table_row(b, ctx, layout_of(ctx, t), in);
		break;
	}
}

void format__event(struct sbuf *b, const struct format_ctx *ctx,
		   const struct format_input *in)
{
	format__record(b, ctx, FORMAT_TABLE_EVENTS, in);
}

/* "@timestamp", event.kind/action, host.name: the head of in-band records. */
static void record_head(struct jw *w, struct sbuf *b, const struct format_ctx *ctx,
			const char *kind, const char *action)
{
	char t[112];

	timefmt__rfc3339(timefmt__now(), t, sizeof(t));
	jw__begin(w, b);
	jw__cstr(w, "@timestamp", t);
	jw__cstr(w, "event.kind", kind);
	jw__cstr(w, "event.action", action);
	if (ctx->host)
		jw__str(w, "host.name", ctx->host, strlen(ctx->host));
}

void format__start(struct sbuf *b, const struct format_ctx *ctx, const char *hooks)
{
	struct jw w;

	if (ctx->mode != FORMAT_JSON)
		return;
	record_head(&w, b, ctx, "event", "start");
	jw__cstr(&w, "portsnoop.version", PS_VERSION);
	jw__uint(&w, "portsnoop.abi", PS_ABI_VERSION);
	{
		/* "bind=tracepoint listen=..." -> {"bind":"tracepoint",...} */
		struct sbuf obj = { 0 };
		const char *p = hooks;
		bool first = true;

		sbuf__putc(&obj, '{');
		while (*p) {
			const char *eq = strchr(p, '='), *end = strchr(p, ' ');

			if (!end)
				end = p + strlen(p);
			if (eq && eq < end) {
				if (!first)
					sbuf__putc(&obj, ',');
				first = false;
				escape__json(&obj, p, (size_t)(eq - p));
				sbuf__putc(&obj, ':');
				escape__json(&obj, eq + 1, (size_t)(end - eq - 1));
			}
			p = *end ? end + 1 : end;
		}
		sbuf__putc(&obj, '}');
		jw__raw(&w, "portsnoop.hooks", obj.p, obj.len);
		sbuf__free(&obj);
	}
	jw__end(&w);
	sbuf__putc(b, '\n');
}

void format__stop(struct sbuf *b, const struct format_ctx *ctx,
		  const struct format_totals *t)
{
	struct jw w;

	if (ctx->mode != FORMAT_JSON)
		return;
	record_head(&w, b, ctx, "metric", "stop");
	jw__uint(&w, "portsnoop.events", t->events);
	jw__uint(&w, "portsnoop.lost_total", t->lost);
	jw__uint(&w, "portsnoop.initial", t->initial);
	jw__uint(&w, "portsnoop.malformed", t->malformed);
	jw__uint(&w, "portsnoop.unwritten", t->unwritten);
	jw__uint(&w, "portsnoop.skipped", t->skipped);
	jw__end(&w);
	sbuf__putc(b, '\n');
}

void format__lost(struct sbuf *b, const struct format_ctx *ctx, uint64_t lost,
		  uint64_t total_lost)
{
	struct jw w;
	char n[48];

	format__count(n, sizeof(n), lost, "event", "events");
	if (ctx->mode == FORMAT_SYSLOG) {
		format__syslog_head(b, ctx, timefmt__now(), "lost", true);
		sbuf__printf(b, " portsnoop.lost=\"%llu\" portsnoop.lost_total=\"%llu\"] ",
			     (unsigned long long)lost, (unsigned long long)total_lost);
	}
	if (ctx->mode == FORMAT_JOURNAL) {
		sbuf__printf(b, "MESSAGE=portsnoop: %s lost (ring buffer full), %llu in "
			     "all\nPRIORITY=4\nSYSLOG_IDENTIFIER=portsnoop\nPORTSNOOP_LOST=%llu\n",
			     n, (unsigned long long)total_lost,
			     (unsigned long long)lost);
		return;
	}
	if (ctx->mode != FORMAT_JSON) {
		sbuf__printf(b, "-- portsnoop: %s lost (ring buffer full), %llu in all --\n",
			     n, (unsigned long long)total_lost);
		return;
	}
	record_head(&w, b, ctx, "metric", "lost");
	jw__uint(&w, "portsnoop.lost", lost);
	jw__uint(&w, "portsnoop.lost_total", total_lost);
	jw__end(&w);
	sbuf__putc(b, '\n');
}
