// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "history/logrec.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "lib/jsonr.h"
#include "output/escape.h"

/* portsnoop writes 3 levels; more is not its log. */
#define MAX_DEPTH 8

struct walk {
	char *scratch;		/* unescaped strings go here, one after another */
	struct logrec *r;
	struct sbuf *out;	/* the line written again, or NULL */
};

bool logstr__is(struct logstr s, const char *c)
{
	size_t n = strlen(c);

	return s.n == n && !memcmp(s.p, c, n);
}

static bool at(const char *path, const char *field)
{
	return path && !strcmp(path, field);
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian), without the TZ. */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static int digits(const char **p, const char *end, int n, unsigned *v)
{
	*v = 0;
	for (int i = 0; i < n; i++, (*p)++) {
		if (*p >= end || **p < '0' || **p > '9')
			return -1;
		*v = *v * 10 + (unsigned)(**p - '0');
	}
	return 0;
}

/* RFC 3339: 2026-12-07T03:12:00[.123456789](Z|+01:00); n bytes. */
static int rfc3339(const char *s, size_t n, int64_t *ns)
{
	const char *p = s, *end = s + n;
	unsigned y, mo, d, h, mi, se, oh = 0, om = 0, frac = 0;
	int64_t sign = 0;

	if (digits(&p, end, 4, &y) || p >= end || *p++ != '-' || digits(&p, end, 2, &mo) ||
	    p >= end || *p++ != '-' || digits(&p, end, 2, &d) || p >= end ||
	    (*p != 'T' && *p != 't' && *p != ' ') || (p++, digits(&p, end, 2, &h)) ||
	    p >= end || *p++ != ':' || digits(&p, end, 2, &mi) || p >= end || *p++ != ':' ||
	    digits(&p, end, 2, &se))
		return -1;
	/* ns since the epoch fit an int64 from 1678 to 2262. */
	if (y < 1700 || y > 2261 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
	    se > 60)
		return -1;
	if (p < end && *p == '.') {
		int k = 0;

		for (p++; p < end && *p >= '0' && *p <= '9'; p++, k++)
			if (k < 9)
				frac = frac * 10 + (unsigned)(*p - '0');
		if (!k)
			return -1;
		for (; k < 9; k++)
			frac *= 10;
	}
	if (p < end && (*p == 'Z' || *p == 'z')) {
		p++;
	} else if (p < end && (*p == '+' || *p == '-')) {
		sign = *p++ == '-' ? 1 : -1;
		if (digits(&p, end, 2, &oh) || p >= end || *p++ != ':' ||
		    digits(&p, end, 2, &om) || oh > 23 || om > 59)
			return -1;
	} else {
		return -1;
	}
	if (p != end)
		return -1;
	*ns = ((days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se) +
	       sign * (int64_t)(oh * 3600 + om * 60)) * 1000000000LL + frac;
	return 0;
}

static void take_string(struct logrec *r, const char *path, struct logstr s)
{
	static const struct {
		const char *path;
		size_t off;
	} fields[] = {
		{ "event.kind", offsetof(struct logrec, kind) },
		{ "event.action", offsetof(struct logrec, action) },
		{ "event.outcome", offsetof(struct logrec, outcome) },
		{ "error.code", offsetof(struct logrec, error) },
		{ "process.name", offsetof(struct logrec, comm) },
		{ "process.executable", offsetof(struct logrec, exe) },
		{ "process.command_line", offsetof(struct logrec, cmdline) },
		{ "process.entity_id", offsetof(struct logrec, entity_id) },
		{ "user.name", offsetof(struct logrec, user_name) },
		{ "container.id", offsetof(struct logrec, container_id) },
		{ "container.name", offsetof(struct logrec, container_name) },
		{ "portsnoop.systemd_unit", offsetof(struct logrec, unit) },
		{ "host.name", offsetof(struct logrec, host) },
		{ "network.transport", offsetof(struct logrec, transport) },
		{ "network.type", offsetof(struct logrec, ntype) },
		{ "server.ip", offsetof(struct logrec, server_ip) },
		{ "source.ip", offsetof(struct logrec, source_ip) },
		{ "destination.ip", offsetof(struct logrec, dest_ip) },
	};

	if (at(path, "@timestamp")) {
		r->has_ts = !rfc3339(s.p, s.n, &r->ts_ns);
		return;
	}
	if (at(path, "process.start")) {
		if (rfc3339(s.p, s.n, &r->start_ns))
			r->start_ns = 0;
		return;
	}
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (at(path, fields[i].path)) {
			*(struct logstr *)((char *)r + fields[i].off) = s;
			return;
		}
}

static void take_uint(struct logrec *r, const char *path, uint64_t v)
{
	if (at(path, "process.pid") && v <= UINT32_MAX)
		r->pid = (uint32_t)v;
	else if (at(path, "user.id") && v <= UINT32_MAX)
		r->uid = (uint32_t)v, r->has_uid = true;
	else if (at(path, "server.port") && v <= 65535)
		r->server_port = (uint16_t)v;
	else if (at(path, "source.port") && v <= 65535)
		r->source_port = (uint16_t)v;
	else if (at(path, "destination.port") && v <= 65535)
		r->dest_port = (uint16_t)v;
	else if (at(path, "portsnoop.cookie"))
		r->cookie = v;
	else if (at(path, "portsnoop.netns"))
		r->netns = v;
	else if (at(path, "portsnoop.abi") && v <= UINT32_MAX)
		r->abi = (uint32_t)v;
	else if (at(path, "portsnoop.lost"))
		r->lost = v;
}

/* A string decoded into scratch (room for it: see logrec__parse); kept
 * there when keep. */
static struct logstr decoded(struct walk *w, const struct jsonr *v, bool keep)
{
	struct logstr s = { w->scratch, 0 };
	int n = jsonr__decode(v, w->scratch, v->n - 1, false);

	s.n = n > 0 ? (size_t)n : 0;	/* checked whole: never short of room */
	if (keep)
		w->scratch += s.n;
	return s;
}

/* Written again as live output writes it: separators, keys, values. */
static void rewrite(struct walk *w, const struct jsonr_step *st)
{
	const struct jsonr *v = st->v;
	struct logstr s;

	if (st->leave) {
		sbuf__putc(w->out, v->type == JSONR_OBJECT ? '}' : ']');
		return;
	}
	if (!st->first)
		sbuf__putc(w->out, ',');
	if (st->key) {
		s = decoded(w, st->key, false);
		escape__json(w->out, s.p, s.n);
		sbuf__putc(w->out, ':');
	}
	if (v->type == JSONR_OBJECT || v->type == JSONR_ARRAY)
		sbuf__putc(w->out, v->type == JSONR_OBJECT ? '{' : '[');
	else if (v->type != JSONR_STRING)
		sbuf__put(w->out, v->p, v->n);
}

static int step(void *ctx, const struct jsonr_step *st)
{
	struct walk *w = ctx;
	const struct jsonr *v = st->v;
	struct logstr s;
	uint64_t u;

	if (w->out)
		rewrite(w, st);
	if (st->leave)
		return 0;
	if (v->type == JSONR_STRING) {
		s = decoded(w, v, true);
		if (w->out)
			escape__json(w->out, s.p, s.n);
		take_string(w->r, st->path, s);
	} else if (v->type == JSONR_NUMBER && !jsonr__u64(v, &u)) {
		take_uint(w->r, st->path, u);
	} else if ((v->type == JSONR_TRUE || v->type == JSONR_FALSE) &&
		   at(st->path, "portsnoop.ipv6_only")) {
		w->r->v6only = v->type == JSONR_TRUE;
	}
	return 0;
}

/*
 * Each string decoded is no longer than its JSON text less one (its
 * quotes, room for a NUL), and starts in scratch no later than its text
 * starts in the line (the ones before it were no longer than theirs
 * either; keys are not kept): n bytes of scratch always have room.
 */
int logrec__parse(const char *line, size_t n, struct logrec *r, char *scratch,
		  struct sbuf *rejson)
{
	struct walk w = { .scratch = scratch, .r = r, .out = rejson };
	struct jsonr top;

	memset(r, 0, sizeof(*r));
	r->v6only = -1;
	if (jsonr__check(line, n, MAX_DEPTH, &top, NULL) || top.type != JSONR_OBJECT)
		return -EBADMSG;
	return jsonr__walk(&top, step, &w);
}

/* "2h", "30m", "90s", "1d": how long ago. */
static int relative(const char *s, int64_t *ns)
{
	char *end;
	unsigned long long v;
	int64_t unit;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end[0] == '\0' || end[1] != '\0')
		return -1;
	unit = *end == 's' ? 1 : *end == 'm' ? 60 : *end == 'h' ? 3600 : *end == 'd' ? 86400 : 0;
	if (!unit || v > (unsigned long long)(INT64_MAX / 1000000000LL / unit))
		return -1;
	*ns = (int64_t)v * unit * 1000000000LL;
	return 0;
}

/* "YYYY-MM-DD HH:MM[:SS]" in the local time zone. */
static int local_time(const char *s, int64_t *ns)
{
	struct tm tm = { 0 };
	const char *p = s, *end = s + strlen(s);
	unsigned y, mo, d, h, mi, se = 0;
	time_t t;

	if (digits(&p, end, 4, &y) || p >= end || *p++ != '-' || digits(&p, end, 2, &mo) ||
	    p >= end || *p++ != '-' || digits(&p, end, 2, &d) || p >= end || *p++ != ' ' ||
	    digits(&p, end, 2, &h) || p >= end || *p++ != ':' || digits(&p, end, 2, &mi))
		return -1;
	if (p < end && (*p++ != ':' || digits(&p, end, 2, &se)))
		return -1;
	if (p != end || y < 1700 || y > 2261 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 ||
	    mi > 59 || se > 60)
		return -1;
	tm.tm_year = (int)y - 1900;
	tm.tm_mon = (int)mo - 1;
	tm.tm_mday = (int)d;
	tm.tm_hour = (int)h;
	tm.tm_min = (int)mi;
	tm.tm_sec = (int)se;
	tm.tm_isdst = -1;
	t = mktime(&tm);
	if (t == (time_t)-1)
		return -1;
	*ns = (int64_t)t * 1000000000LL;
	return 0;
}

int logrec__time(const char *s, int64_t now_ns, int64_t *ns)
{
	int64_t ago;

	if (!rfc3339(s, strlen(s), ns) || !local_time(s, ns))
		return 0;
	if (!relative(s, &ago)) {
		*ns = now_ns - ago;
		return 0;
	}
	return -EINVAL;
}
