// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "history/logrec.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "output/escape.h"

/* portsnoop writes 3 levels; more is not its log. */
#define MAX_DEPTH 8
#define MAX_PATH 96

struct walk {
	const char *p, *end;
	char *scratch;		/* unescaped strings go here, one after another */
	struct logrec *r;
	struct sbuf *out;	/* the line written again, or NULL */
	char path[MAX_PATH];	/* "process.pid": the keys down to here */
	size_t plen;
	int depth;
	bool in_array;
};

bool logstr__is(struct logstr s, const char *c)
{
	size_t n = strlen(c);

	return s.n == n && !memcmp(s.p, c, n);
}

static void skip_ws(struct walk *w)
{
	while (w->p < w->end && (*w->p == ' ' || *w->p == '\t' || *w->p == '\r' || *w->p == '\n'))
		w->p++;
}

static int hex4(const char *p, uint32_t *v)
{
	*v = 0;
	for (int i = 0; i < 4; i++) {
		char c = p[i];

		*v <<= 4;
		if (c >= '0' && c <= '9')
			*v |= (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			*v |= (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			*v |= (uint32_t)(c - 'A' + 10);
		else
			return -1;
	}
	return 0;
}

static char *put_utf8(char *o, uint32_t cp)
{
	if (cp < 0x80) {
		*o++ = (char)cp;
	} else if (cp < 0x800) {
		*o++ = (char)(0xc0 | cp >> 6);
		*o++ = (char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		*o++ = (char)(0xe0 | cp >> 12);
		*o++ = (char)(0x80 | ((cp >> 6) & 0x3f));
		*o++ = (char)(0x80 | (cp & 0x3f));
	} else {
		*o++ = (char)(0xf0 | cp >> 18);
		*o++ = (char)(0x80 | ((cp >> 12) & 0x3f));
		*o++ = (char)(0x80 | ((cp >> 6) & 0x3f));
		*o++ = (char)(0x80 | (cp & 0x3f));
	}
	return o;
}

/* One \u escape (a surrogate pair takes two); a lone surrogate is U+FFFD. */
static int unicode_escape(struct walk *w, char **o)
{
	uint32_t cp, lo;

	if (w->end - w->p < 5 || hex4(w->p + 1, &cp))
		return -1;
	w->p += 5;
	if (cp >= 0xd800 && cp < 0xdc00 && w->end - w->p >= 6 && w->p[0] == '\\' &&
	    w->p[1] == 'u' && !hex4(w->p + 2, &lo) && lo >= 0xdc00 && lo < 0xe000) {
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
		w->p += 6;
	} else if (cp >= 0xd800 && cp < 0xe000) {
		cp = 0xfffd;
	}
	*o = put_utf8(*o, cp);
	return 0;
}

/* A string at w->p (its opening quote), unescaped into scratch. An
 * unescaped string is never longer than its JSON form. */
static int string(struct walk *w, struct logstr *s)
{
	char *o = w->scratch;

	s->p = o;
	w->p++;
	while (w->p < w->end) {
		unsigned char c = (unsigned char)*w->p;

		if (c == '"') {
			w->p++;
			s->n = (size_t)(o - s->p);
			w->scratch = o;
			return 0;
		}
		if (c < 0x20)
			return -1;	/* a raw control character: not JSON */
		if (c != '\\') {
			*o++ = (char)c;
			w->p++;
			continue;
		}
		if (w->end - w->p < 2)
			return -1;
		switch (w->p[1]) {
		case '"': case '\\': case '/':
			*o++ = w->p[1];
			break;
		case 'b': *o++ = '\b'; break;
		case 'f': *o++ = '\f'; break;
		case 'n': *o++ = '\n'; break;
		case 'r': *o++ = '\r'; break;
		case 't': *o++ = '\t'; break;
		case 'u':
			w->p++;
			if (unicode_escape(w, &o))
				return -1;
			continue;
		default:
			return -1;
		}
		w->p += 2;
	}
	return -1;
}

/* A JSON number; *u its value when it is a plain unsigned integer. */
static int number(struct walk *w, uint64_t *u, bool *is_uint)
{
	const char *s = w->p;
	uint64_t v = 0;
	bool over = false;

	if (w->p < w->end && *w->p == '-')
		w->p++;
	if (w->p >= w->end || *w->p < '0' || *w->p > '9')
		return -1;
	if (*w->p == '0')
		w->p++;
	else
		while (w->p < w->end && *w->p >= '0' && *w->p <= '9') {
			over |= v > (UINT64_MAX - 9) / 10;
			v = v * 10 + (uint64_t)(*w->p++ - '0');
		}
	*is_uint = *s != '-' && !over;
	if (w->p < w->end && *w->p == '.') {
		w->p++;
		*is_uint = false;
		if (w->p >= w->end || *w->p < '0' || *w->p > '9')
			return -1;
		while (w->p < w->end && *w->p >= '0' && *w->p <= '9')
			w->p++;
	}
	if (w->p < w->end && (*w->p == 'e' || *w->p == 'E')) {
		w->p++;
		*is_uint = false;
		if (w->p < w->end && (*w->p == '+' || *w->p == '-'))
			w->p++;
		if (w->p >= w->end || *w->p < '0' || *w->p > '9')
			return -1;
		while (w->p < w->end && *w->p >= '0' && *w->p <= '9')
			w->p++;
	}
	*u = v;
	return 0;
}

static bool at(const struct walk *w, const char *path)
{
	return !w->in_array && w->plen == strlen(path) && !memcmp(w->path, path, w->plen);
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

static void take_string(struct walk *w, struct logstr s)
{
	struct logrec *r = w->r;
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
		{ "process.start", offsetof(struct logrec, pstart) },
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

	if (at(w, "@timestamp")) {
		r->has_ts = !rfc3339(s.p, s.n, &r->ts_ns);
		return;
	}
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (at(w, fields[i].path)) {
			*(struct logstr *)((char *)r + fields[i].off) = s;
			return;
		}
}

static void take_uint(struct walk *w, uint64_t v)
{
	struct logrec *r = w->r;

	if (at(w, "process.pid") && v <= UINT32_MAX)
		r->pid = (uint32_t)v;
	else if (at(w, "user.id") && v <= UINT32_MAX)
		r->uid = (uint32_t)v, r->has_uid = true;
	else if (at(w, "server.port") && v <= 65535)
		r->server_port = (uint16_t)v;
	else if (at(w, "source.port") && v <= 65535)
		r->source_port = (uint16_t)v;
	else if (at(w, "destination.port") && v <= 65535)
		r->dest_port = (uint16_t)v;
	else if (at(w, "portsnoop.cookie"))
		r->cookie = v;
	else if (at(w, "portsnoop.netns"))
		r->netns = v;
	else if (at(w, "portsnoop.abi") && v <= UINT32_MAX)
		r->abi = (uint32_t)v;
	else if (at(w, "portsnoop.lost"))
		r->lost = v;
}

static int value(struct walk *w);

static int literal(struct walk *w, const char *lit)
{
	size_t n = strlen(lit);

	if ((size_t)(w->end - w->p) < n || memcmp(w->p, lit, n))
		return -1;
	w->p += n;
	if (w->out)
		sbuf__put(w->out, lit, n);
	if (at(w, "portsnoop.ipv6_only") && lit[0] != 'n')
		w->r->v6only = lit[0] == 't';
	return 0;
}

static int object(struct walk *w)
{
	size_t saved = w->plen;
	bool first = true;

	w->p++;
	if (w->out)
		sbuf__putc(w->out, '{');
	for (;;) {
		struct logstr key;

		skip_ws(w);
		if (first && w->p < w->end && *w->p == '}')
			break;
		if (w->p >= w->end || *w->p != '"' || string(w, &key))
			return -1;
		w->scratch = (char *)key.p;	/* keys need not be kept */
		if (w->out) {
			if (!first)
				sbuf__putc(w->out, ',');
			escape__json(w->out, key.p, key.n);
			sbuf__putc(w->out, ':');
		}
		w->plen = saved;
		if (w->plen + !!saved + key.n < MAX_PATH) {
			if (saved)
				w->path[w->plen++] = '.';
			memcpy(w->path + w->plen, key.p, key.n);
			w->plen += key.n;
		} else {
			w->plen = MAX_PATH;	/* no field is this deep */
		}
		skip_ws(w);
		if (w->p >= w->end || *w->p++ != ':' || value(w))
			return -1;
		w->plen = saved;
		first = false;
		skip_ws(w);
		if (w->p < w->end && *w->p == ',') {
			w->p++;
			continue;
		}
		if (w->p < w->end && *w->p == '}')
			break;
		return -1;
	}
	w->p++;
	if (w->out)
		sbuf__putc(w->out, '}');
	return 0;
}

static int array(struct walk *w)
{
	bool was = w->in_array, first = true;

	w->p++;
	w->in_array = true;
	if (w->out)
		sbuf__putc(w->out, '[');
	for (;;) {
		skip_ws(w);
		if (first && w->p < w->end && *w->p == ']')
			break;
		if (!first && w->out)
			sbuf__putc(w->out, ',');
		if (value(w))
			return -1;
		first = false;
		skip_ws(w);
		if (w->p < w->end && *w->p == ',') {
			w->p++;
			continue;
		}
		if (w->p < w->end && *w->p == ']')
			break;
		return -1;
	}
	w->p++;
	w->in_array = was;
	if (w->out)
		sbuf__putc(w->out, ']');
	return 0;
}

static int value(struct walk *w)
{
	struct logstr s;
	const char *start;
	uint64_t u;
	bool is_uint;
	int rc;

	skip_ws(w);
	if (w->p >= w->end)
		return -1;
	switch (*w->p) {
	case '{':
	case '[':
		if (++w->depth > MAX_DEPTH)
			return -1;
		rc = *w->p == '{' ? object(w) : array(w);
		w->depth--;
		return rc;
	case '"':
		if (string(w, &s))
			return -1;
		if (w->out)
			escape__json(w->out, s.p, s.n);
		take_string(w, s);
		return 0;
	case 't':
		return literal(w, "true");
	case 'f':
		return literal(w, "false");
	case 'n':
		return literal(w, "null");
	default:
		start = w->p;
		if (number(w, &u, &is_uint))
			return -1;
		if (w->out)
			sbuf__put(w->out, start, (size_t)(w->p - start));
		if (is_uint)
			take_uint(w, u);
		return 0;
	}
}

int logrec__parse(const char *line, size_t n, struct logrec *r, char *scratch,
		  struct sbuf *rejson)
{
	struct walk w = { .p = line, .end = line + n, .scratch = scratch, .r = r,
			  .out = rejson };

	memset(r, 0, sizeof(*r));
	r->v6only = -1;
	skip_ws(&w);
	if (w.p >= w.end || *w.p != '{' || value(&w))
		return -EBADMSG;
	skip_ws(&w);
	return w.p == w.end ? 0 : -EBADMSG;
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
