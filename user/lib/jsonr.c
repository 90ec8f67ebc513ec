// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* A checking pass over the whole text first (recursive descent, depth
 * bounded); what is handed out afterwards is stepped over again, known
 * good. */
#include "lib/jsonr.h"

#include <errno.h>
#include <string.h>

struct cur {
	const char *p;
	const char *end;
	int max_depth;
	const char *why;	/* the first thing found wrong */
	int rc;			/* -EINVAL, or -ELOOP: nested too deep */
};

static bool fail(struct cur *c, const char *why)
{
	if (!c->why)
		c->why = why;
	return false;
}

static void ws(struct cur *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
		c->p++;
}

static bool at(const struct cur *c, char ch)
{
	return c->p < c->end && *c->p == ch;
}

static bool digit(const struct cur *c)
{
	return c->p < c->end && *c->p >= '0' && *c->p <= '9';
}

static bool is_hex(char ch)
{
	return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
}

static bool word(struct cur *c, const char *w)
{
	size_t k = strlen(w);

	if ((size_t)(c->end - c->p) < k || memcmp(c->p, w, k))
		return fail(c, "expected a value");
	c->p += k;
	return true;
}

static bool skip_escape(struct cur *c)
{
	char ch;

	if (c->p >= c->end)
		return fail(c, "a string is not closed");
	ch = *c->p++;
	if (ch != 'u')
		return (ch && strchr("\"\\/bfnrt", ch)) || fail(c, "an unknown escape in a string");
	if (c->end - c->p < 4)
		return fail(c, "a \\u escape is cut short");
	for (int i = 0; i < 4; i++)
		if (!is_hex(c->p[i]))
			return fail(c, "a \\u escape that is not hexadecimal");
	c->p += 4;
	return true;
}

static bool skip_string(struct cur *c)
{
	if (!at(c, '"'))
		return fail(c, "expected a string");
	c->p++;
	while (c->p < c->end) {
		unsigned char ch = (unsigned char)*c->p++;

		if (ch == '"')
			return true;
		if (ch < 0x20)
			return fail(c, "a control character in a string");
		if (ch == '\\' && !skip_escape(c))
			return false;
	}
	return fail(c, "a string is not closed");
}

static void skip_digits(struct cur *c)
{
	while (digit(c))
		c->p++;
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static bool skip_number(struct cur *c)
{
	if (at(c, '-'))
		c->p++;
	if (!digit(c))
		return fail(c, "expected a value");
	if (*c->p++ != '0')
		skip_digits(c);
	if (at(c, '.')) {
		c->p++;
		if (!digit(c))
			return fail(c, "a number with no digits after its point");
		skip_digits(c);
	}
	if (at(c, 'e') || at(c, 'E')) {
		c->p++;
		if (at(c, '+') || at(c, '-'))
			c->p++;
		if (!digit(c))
			return fail(c, "a number with no digits in its exponent");
		skip_digits(c);
	}
	return true;
}

static enum jsonr_type skip_value(struct cur *c, int depth);

/* An object's or an array's members, after its opening bracket. */
static bool skip_members(struct cur *c, int depth, bool object)
{
	char close = object ? '}' : ']';

	ws(c);
	if (at(c, close)) {
		c->p++;
		return true;
	}
	for (;;) {
		ws(c);
		if (object) {
			if (!skip_string(c))
				return false;
			ws(c);
			if (!at(c, ':'))
				return fail(c, "expected ':' after a key");
			c->p++;
			ws(c);
		}
		if (skip_value(c, depth + 1) == JSONR_BAD)
			return false;
		ws(c);
		if (at(c, close)) {
			c->p++;
			return true;
		}
		if (!at(c, ','))
			return fail(c, object ? "expected ',' or '}' in an object" :
					       "expected ',' or ']' in an array");
		c->p++;
	}
}

/* Steps over one value at c->p (no whitespace before it); depth counts
 * the objects and arrays around it. */
static enum jsonr_type skip_value(struct cur *c, int depth)
{
	if (c->p >= c->end)
		return fail(c, "expected a value"), JSONR_BAD;
	switch (*c->p) {
	case '{':
	case '[':
		if (depth >= c->max_depth) {
			c->rc = -ELOOP;
			return fail(c, "objects and arrays nested too deep"), JSONR_BAD;
		}
		c->p++;
		if (!skip_members(c, depth, c->p[-1] == '{'))
			return JSONR_BAD;
		return c->p[-1] == '}' ? JSONR_OBJECT : JSONR_ARRAY;
	case '"':
		return skip_string(c) ? JSONR_STRING : JSONR_BAD;
	case 't':
		return word(c, "true") ? JSONR_TRUE : JSONR_BAD;
	case 'f':
		return word(c, "false") ? JSONR_FALSE : JSONR_BAD;
	case 'n':
		return word(c, "null") ? JSONR_NULL : JSONR_BAD;
	default:
		return skip_number(c) ? JSONR_NUMBER : JSONR_BAD;
	}
}

/* One value at c->p into out; c moves past it. Values handed out were
 * checked whole by jsonr__check, so depth restarts at their level. */
static bool take(struct cur *c, struct jsonr *out)
{
	const char *start = c->p;
	enum jsonr_type t = skip_value(c, 0);

	if (t == JSONR_BAD)
		return false;
	out->type = t;
	out->p = start;
	out->n = (size_t)(c->p - start);
	return true;
}

int jsonr__check(const char *buf, size_t len, int max_depth, struct jsonr *out,
		 const char **why)
{
	struct cur c = { buf, buf + len, max_depth, NULL, -EINVAL };

	if (!buf || max_depth > JSONR_MAX_DEPTH)
		return -EINVAL;
	ws(&c);
	if (take(&c, out)) {
		ws(&c);
		if (c.p == c.end)
			return 0;
		fail(&c, out->type == JSONR_OBJECT ? "more after the object" : "more after the value");
	}
	if (why)
		*why = c.why;
	return c.rc;
}

int jsonr__parse(const char *buf, size_t len, struct jsonr *out)
{
	return jsonr__check(buf, len, JSONR_MAX_DEPTH, out, NULL) ? -EINVAL : 0;
}

/* The member or element after *pos of container v (key: NULL for an
 * array). 1 with it, or 0 at the end. */
static int step(const struct jsonr *v, size_t *pos, struct jsonr *key, struct jsonr *out)
{
	struct cur c = { NULL, NULL, JSONR_MAX_DEPTH, NULL, 0 };

	if (*pos >= v->n - 1)
		return 0;
	c.p = v->p + (*pos ? *pos : 1);
	c.end = v->p + v->n - 1;
	ws(&c);
	if (at(&c, ','))
		c.p++;
	ws(&c);
	if (key) {
		if (!at(&c, '"') || !take(&c, key))
			return 0;
		ws(&c);
		if (!at(&c, ':'))
			return 0;
		c.p++;
		ws(&c);
	}
	if (c.p >= c.end || !take(&c, out))
		return 0;
	*pos = (size_t)(c.p - v->p);
	return 1;
}

int jsonr__member(const struct jsonr *obj, const char *key, struct jsonr *out)
{
	struct jsonr k;
	size_t pos = 0;

	if (obj->type != JSONR_OBJECT)
		return -ENOENT;
	while (step(obj, &pos, &k, out))
		if (jsonr__is(&k, key))
			return 0;
	return -ENOENT;
}

int jsonr__next(const struct jsonr *arr, size_t *pos, struct jsonr *out)
{
	return arr->type == JSONR_ARRAY && step(arr, pos, NULL, out);
}

bool jsonr__is(const struct jsonr *s, const char *text)
{
	size_t k = strlen(text);

	return s->type == JSONR_STRING && s->n == k + 2 && !memcmp(s->p + 1, text, k);
}

int jsonr__u64(const struct jsonr *v, uint64_t *out)
{
	uint64_t u = 0;

	if (v->type != JSONR_NUMBER)
		return -ERANGE;
	for (size_t i = 0; i < v->n; i++) {
		unsigned d = (unsigned)(v->p[i] - '0');

		if (d > 9 || u > (UINT64_MAX - d) / 10)
			return -ERANGE;
		u = u * 10 + d;
	}
	*out = u;
	return 0;
}

static uint32_t hex4(const char *p)
{
	uint32_t v = 0;

	for (int i = 0; i < 4; i++) {
		char ch = p[i];

		v = v * 16 + (uint32_t)(ch <= '9' ? ch - '0' : (ch | 0x20) - 'a' + 10);
	}
	return v;
}

/* A code point as UTF-8 into out[*o..]; false when it and a NUL after it
 * do not fit. */
static bool put_utf8(uint32_t cp, char *out, size_t outsz, size_t *o)
{
	char b[4];
	size_t k;

	if (cp < 0x80) {
		b[0] = (char)cp;
		k = 1;
	} else if (cp < 0x800) {
		b[0] = (char)(0xc0 | cp >> 6);
		b[1] = (char)(0x80 | (cp & 0x3f));
		k = 2;
	} else if (cp < 0x10000) {
		b[0] = (char)(0xe0 | cp >> 12);
		b[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		b[2] = (char)(0x80 | (cp & 0x3f));
		k = 3;
	} else {
		b[0] = (char)(0xf0 | cp >> 18);
		b[1] = (char)(0x80 | (cp >> 12 & 0x3f));
		b[2] = (char)(0x80 | (cp >> 6 & 0x3f));
		b[3] = (char)(0x80 | (cp & 0x3f));
		k = 4;
	}
	if (*o + k >= outsz)
		return false;
	memcpy(out + *o, b, k);
	*o += k;
	return true;
}

/* The escape at in[*i] (after the backslash) as a code point; surrogate
 * pairs joined, a lone surrogate is 0xd800..0xdfff still. */
static uint32_t unescape(const char *in, size_t n, size_t *i)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	char ch = in[(*i)++];
	uint32_t cp;

	if (ch != 'u')
		return (uint32_t)(unsigned char)to[strchr(from, ch) - from];
	cp = hex4(in + *i);
	*i += 4;
	if (cp >= 0xd800 && cp < 0xdc00 && *i + 6 <= n && in[*i] == '\\' && in[*i + 1] == 'u') {
		uint32_t lo = hex4(in + *i + 2);

		if (lo >= 0xdc00 && lo < 0xe000) {
			*i += 6;
			return 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
		}
	}
	return cp;
}

int jsonr__decode(const struct jsonr *s, char *out, size_t outsz, bool strict)
{
	const char *in;
	size_t n, o = 0;

	if (s->type != JSONR_STRING || !outsz)
		return -EINVAL;
	in = s->p + 1;
	n = s->n - 2;	/* checked by skip_string: escapes are whole */
	for (size_t i = 0; i < n;) {
		uint32_t cp;

		if (in[i] != '\\') {
			if (o + 1 >= outsz)
				return -ENOSPC;
			out[o++] = in[i++];
			continue;
		}
		i++;
		cp = unescape(in, n, &i);
		if (cp >= 0xd800 && cp < 0xe000) {
			if (strict)
				return -EILSEQ;
			cp = 0xfffd;
		}
		if (!put_utf8(cp, out, outsz, &o))
			return -ENOSPC;
	}
	out[o] = '\0';
	return (int)o;
}

int jsonr__string(const struct jsonr *s, char *out, size_t outsz)
{
	int n = jsonr__decode(s, out, outsz, false);

	return n > 0 && memchr(out, '\0', (size_t)n) ? -EINVAL : n;
}

/* -- the walk --------------------------------------------------------------- */

#define NO_PATH ((size_t)-1)

struct walker {
	int (*fn)(void *ctx, const struct jsonr_step *st);
	void *ctx;
	char path[JSONR_MAX_PATH];
};

/* The path to key's value: path[0..plen) and the key, or NO_PATH. */
static size_t extend(struct walker *w, size_t plen, const struct jsonr *key)
{
	size_t at = plen ? plen + 1 : 0;
	int k;

	if (plen == NO_PATH || at >= sizeof(w->path))
		return NO_PATH;
	k = jsonr__string(key, w->path + at, sizeof(w->path) - at);
	if (k < 0)
		return NO_PATH;
	if (plen)
		w->path[plen] = '.';
	return at + (size_t)k;
}

static int visit(struct walker *w, struct jsonr_step st, size_t plen)
{
	const struct jsonr *v = st.v;
	struct jsonr key, m;
	size_t pos = 0;
	bool in_array = st.in_array || v->type == JSONR_ARRAY;
	int rc;

	if (plen != NO_PATH)
		w->path[plen] = '\0';
	st.path = plen == NO_PATH || st.in_array ? NULL : w->path;
	rc = w->fn(w->ctx, &st);
	if (rc || (v->type != JSONR_OBJECT && v->type != JSONR_ARRAY))
		return rc;
	for (bool first = true; step(v, &pos, v->type == JSONR_OBJECT ? &key : NULL, &m);
	     first = false) {
		struct jsonr_step in = { &m, NULL, NULL, first, false, in_array };
		size_t sub = NO_PATH;

		if (v->type == JSONR_OBJECT) {
			in.key = &key;
			sub = in_array ? NO_PATH : extend(w, plen, &key);
		}
		rc = visit(w, in, sub);
		if (rc)
			return rc;
	}
	if (plen != NO_PATH)
		w->path[plen] = '\0';
	st.leave = true;
	return w->fn(w->ctx, &st);
}

int jsonr__walk(const struct jsonr *v, int (*fn)(void *ctx, const struct jsonr_step *st),
		void *ctx)
{
	struct walker w = { fn, ctx, "" };

	return visit(&w, (struct jsonr_step){ v, NULL, NULL, true, false, false }, 0);
}
