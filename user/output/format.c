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
#include "lib/version.h"
#include "output/escape.h"
#include "output/fields.h"
#include "output/json.h"
#include "output/names.h"
#include "lib/timefmt.h"
#include "output/users.h"
#include "lib/records.h"

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

bool format__fits(int fd)
{
	const char *env = getenv("COLUMNS");

	return (env && *env) || (fd >= 0 && isatty(fd));
}

const char *format__count(char *buf, size_t sz, unsigned long long n, const char *one,
			  const char *many)
{
	snprintf(buf, sz, "%llu %s", n, n == 1 ? one : many);
	return buf;
}

/* -- JSON, syslog, journald ------------------------------------------------ */

static bool carries(const struct field *f, const struct format_input *in)
{
	return f->key && (f->recs & (1u << in->rec));
}

/* Every field the record carries, as line text, to emit: syslog's
 * structured data and journald's fields are the same loop. */
static void each_text(struct sbuf *b, const struct format_ctx *ctx,
		      const struct format_input *in,
		      void (*emit)(struct sbuf *b, const char *key, const char *v, size_t n))
{
	struct sbuf tmp = { 0 };

	for (size_t i = 0; i < fields_count; i++) {
		const struct field *f = &fields[i];
		struct val v;

		if (!carries(f, in) || f->key[0] == '@')
			continue;
		field__get(f, in, ctx, &v);
		if (v.type == V_NONE)
			continue;
		sbuf__reset(&tmp);
		value__text(&tmp, &v, in, ctx, true);
		emit(b, f->key, tmp.p ? tmp.p : "", tmp.len);
	}
	sbuf__free(&tmp);
}

/*
 * The keys, split once, and the last text of each field: formatting runs
 * on the reading thread alone (a thread of its own would have its own).
 */
static _Thread_local struct jw_key keys[FIELDS_MAX];
static _Thread_local struct json_memo memos[FIELDS_MAX];
static _Thread_local bool keys_split;

static void split_keys(void)
{
	const char *k[FIELDS_MAX];

	for (size_t i = 0; i < fields_count; i++)
		k[i] = fields[i].key;
	jw__key_split(k, fields_count, keys);
	keys_split = true;
}

/* The fields a kind of record carries, in order: found once, so a line
 * does not test the columns and the other records' keys. */
static const uint16_t *carried(const struct format_input *in, size_t *n)
{
	static uint16_t idx[3][256];
	static size_t count[3];
	static bool known[3];
	unsigned int r = in->rec;

	if (!known[r]) {
		for (size_t i = 0; i < fields_count && count[r] < 256; i++)
			if (carries(&fields[i], in))
				idx[r][count[r]++] = (uint16_t)i;
		known[r] = true;
	}
	*n = count[r];
	return idx[r];
}

/*
 * What the writer puts between two members (closing and opening objects,
 * the comma, the name) depends on their keys alone: the member named last
 * fixes the open path. So the writer builds it once per pair of fields,
 * and a line is these kept separators and the values. 0 until built, then
 * (offset in text << 8) | length; row[0] is a line's start, row[i + 1]
 * follows field i; end[] is the closing after a line's last member.
 */
#define SEP_UNBUILT 0u
struct json_seps {
	uint32_t *row[FIELDS_MAX + 1];
	uint32_t end[FIELDS_MAX + 1];
	struct sbuf text;
};
static _Thread_local struct json_seps *seps;

/* The writer's own output after naming field prev (-1: none), to name cur
 * (cur < 0: to end the line); SEP_UNBUILT when it cannot be kept. */
static uint32_t sep_build(int prev, int cur)
{
	struct sbuf tmp = { 0 };
	struct jw w;
	size_t at, n;
	uint32_t sep = SEP_UNBUILT;

	jw__begin(&w, &tmp);
	if (prev >= 0)
		jw__name(&w, &keys[prev]);
	at = tmp.len;
	if (cur >= 0)
		jw__name(&w, &keys[cur]);
	else
		jw__end(&w);
	n = tmp.len - at;
	if (!tmp.oom && n && n < 256 && seps->text.len < (1u << 24)) {
		size_t off = seps->text.len;

		sbuf__put(&seps->text, tmp.p + at, n);
		if (!seps->text.oom)
			sep = (uint32_t)off << 8 | (uint32_t)n;
	}
	sbuf__free(&tmp);
	return sep;
}

/* The separator slot for (prev, cur), its row made on first use. */
static uint32_t *sep_slot(int prev, int cur)
{
	uint32_t **row = &seps->row[prev + 1];

	if (cur < 0)
		return &seps->end[prev + 1];
	if (!*row)
		*row = calloc(FIELDS_MAX, sizeof(**row));
	return *row ? &(*row)[cur] : NULL;
}

/* Put the separator for (prev, cur); false when it cannot be kept. */
static bool sep_put(struct sbuf *b, int prev, int cur)
{
	uint32_t *slot = sep_slot(prev, cur);

	if (!slot)
		return false;
	if (*slot == SEP_UNBUILT)
		*slot = sep_build(prev, cur);
	if (*slot == SEP_UNBUILT)
		return false;
	sbuf__put(b, seps->text.p + (*slot >> 8), *slot & 0xff);
	return true;
}

/* The line through the writer, member by member: where memory for the
 * kept separators ran out. */
static void json_record_slow(struct sbuf *b, const struct format_ctx *ctx,
			     const struct format_input *in, const uint16_t *idx, size_t n)
{
	struct jw w;

	jw__begin(&w, b);
	for (size_t k = 0; k < n; k++) {
		const struct field *f = &fields[idx[k]];
		struct val v;

		field__get(f, in, ctx, &v);
		value__json(&w, &keys[idx[k]], &v, in, &memos[idx[k]]);
	}
	jw__end(&w);
}

/* The line from kept separators and the values; false when a separator
 * cannot be kept (out of memory): the caller starts the line again. */
static bool json_record_kept(struct sbuf *b, const struct format_ctx *ctx,
			     const struct format_input *in, const uint16_t *idx, size_t n)
{
	int prev = -1;

	if (!seps)
		seps = calloc(1, sizeof(*seps));
	if (!seps)
		return false;
	sbuf__putc(b, '{');
	for (size_t k = 0; k < n; k++) {
		const struct field *f = &fields[idx[k]];
		struct val v;

		field__get(f, in, ctx, &v);
		if (v.type == V_NONE)
			continue;
		if (!sep_put(b, prev, idx[k]))
			return false;
		value__json_body(b, &v, in, &memos[idx[k]]);
		prev = idx[k];
	}
	return sep_put(b, prev, -1);
}

static void json_record(struct sbuf *b, const struct format_ctx *ctx,
			const struct format_input *in)
{
	size_t n, start = b->len;
	const uint16_t *idx = carried(in, &n);

	if (!keys_split)
		split_keys();
	if (!json_record_kept(b, ctx, in, idx, n)) {
		b->len = start;
		json_record_slow(b, ctx, in, idx, n);
	}
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
		action = field__by_key("event.action");
	field__get(action, in, ctx, v);
	return v->type == V_STR ? v->s : "-";
}

static bool failed(const struct format_input *in)
{
	return in->rec == FORMAT_REC_EVENT && in->ev->err && in->ev->err != EINPROGRESS;
}

/* Warning priority in syslog and the journal: a failure, or a listener
 * the baseline (--expect) does not hold. */
static bool warns(const struct format_input *in)
{
	return failed(in) || in->expected < 0;
}

/* ` key="value"`: one structured-data parameter. */
static void sd_param(struct sbuf *b, const char *key, const char *v, size_t n)
{
	sbuf__printf(b, " %s=\"", key);
	sd_value(b, v, n);
	sbuf__putc(b, '"');
}

static void syslog_record(struct sbuf *b, const struct format_ctx *ctx,
			  const struct format_input *in)
{
	struct val v;

	format__syslog_head(b, ctx, (int64_t)in->ev->ts_ns + ctx->mono_offset,
			    msgid_of(in, ctx, &v), warns(in));
	each_text(b, ctx, in, sd_param);
	sbuf__puts(b, "] ");
	table__row(b, ctx, FORMAT_TABLE_EVENTS, in);	/* ends the line */
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

/* A field as a journal field: "process.pid" -> PROCESS_PID=... */
static void journal_param(struct sbuf *b, const char *key, const char *v, size_t n)
{
	struct sbuf name = { 0 };

	journal_name(&name, key);
	journal_field(b, sbuf__str(&name), v, n);
	sbuf__free(&name);
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
	struct sbuf tmp = { 0 };
	char a[NAMES_ADDR_LEN], num[24];

	table__row(&tmp, ctx, FORMAT_TABLE_EVENTS, in);
	journal_field(b, "MESSAGE", tmp.p, tmp.len - 1);
	if (in->rec == FORMAT_REC_EVENT && ev->kind < PS_EV__MAX && journal_ids[ev->kind])
		journal_field(b, "MESSAGE_ID", journal_ids[ev->kind], 32);
	journal_field(b, "PRIORITY", warns(in) ? "4" : "6", 1);
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
	each_text(b, ctx, in, journal_param);
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
			table__who(b, ctx, in);
		else
			table__row(b, ctx, t, in);
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

void format__start(struct sbuf *b, const struct format_ctx *ctx, const char *hooks,
		   const char *notes, size_t notes_len)
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
	if (notes_len)
		jw__str_list(&w, "portsnoop.fallbacks", notes, notes_len - 1);
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
