// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "lib/jsonr.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

struct cur {
	const char *p;
	const char *end;
};

static void ws(struct cur *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
		c->p++;
}

static bool word(struct cur *c, const char *w)
{
	size_t k = strlen(w);

	if ((size_t)(c->end - c->p) < k || memcmp(c->p, w, k))
		return false;
	c->p += k;
	return true;
}

static bool is_hex(char ch)
{
	return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
}

static bool skip_string(struct cur *c)
{
	c->p++;	/* the opening quote */
	while (c->p < c->end) {
		unsigned char ch = (unsigned char)*c->p++;

		if (ch == '"')
			return true;
		if (ch < 0x20)
			return false;
		if (ch != '\\')
			continue;
		if (c->p >= c->end)
			return false;
		ch = (unsigned char)*c->p++;
		if (ch == 'u') {
			if (c->end - c->p < 4)
				return false;
			for (int i = 0; i < 4; i++)
				if (!is_hex(c->p[i]))
					return false;
			c->p += 4;
		} else if (!strchr("\"\\/bfnrt", ch) || !ch) {
			return false;
		}
	}
	return false;
}

static bool skip_number(struct cur *c)
{
	const char *start = c->p;

	if (c->p < c->end && *c->p == '-')
		c->p++;
	while (c->p < c->end && ((*c->p >= '0' && *c->p <= '9') || *c->p == '.' ||
				 *c->p == 'e' || *c->p == 'E' || *c->p == '+' || *c->p == '-'))
		c->p++;
	return c->p > start && c->p[-1] >= '0' && c->p[-1] <= '9';
}

static enum jsonr_type skip_value(struct cur *c, int depth);

/* An object's or an array's members, after its opening bracket. */
static bool skip_members(struct cur *c, int depth, bool object)
{
	char close = object ? '}' : ']';

	ws(c);
	if (c->p < c->end && *c->p == close) {
		c->p++;
		return true;
	}
	for (;;) {
		ws(c);
		if (object) {
			if (c->p >= c->end || *c->p != '"' || !skip_string(c))
				return false;
			ws(c);
			if (c->p >= c->end || *c->p++ != ':')
				return false;
			ws(c);
		}
		if (skip_value(c, depth + 1) == JSONR_BAD)
			return false;
		ws(c);
		if (c->p >= c->end)
			return false;
		if (*c->p == close) {
			c->p++;
			return true;
		}
		if (*c->p++ != ',')
			return false;
	}
}

/* Steps over one value at c->p (no whitespace before it). */
static enum jsonr_type skip_value(struct cur *c, int depth)
{
	if (c->p >= c->end || depth > JSONR_MAX_DEPTH)
		return JSONR_BAD;
	switch (*c->p) {
	case '{':
		c->p++;
		return skip_members(c, depth, true) ? JSONR_OBJECT : JSONR_BAD;
	case '[':
		c->p++;
		return skip_members(c, depth, false) ? JSONR_ARRAY : JSONR_BAD;
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
 * checked whole by jsonr__parse, so depth restarts at their level. */
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

int jsonr__parse(const char *buf, size_t len, struct jsonr *out)
{
	struct cur c = { buf, buf + len };

	if (!buf)
		return -EINVAL;
	ws(&c);
	if (!take(&c, out))
		return -EINVAL;
	ws(&c);
	return c.p == c.end ? 0 : -EINVAL;
}

int jsonr__member(const struct jsonr *obj, const char *key, struct jsonr *out)
{
	struct cur c;

	if (obj->type != JSONR_OBJECT)
		return -ENOENT;
	c = (struct cur){ obj->p + 1, obj->p + obj->n - 1 };
	for (;;) {
		struct jsonr k;

		ws(&c);
		if (c.p >= c.end || *c.p != '"' || !take(&c, &k))
			return -ENOENT;
		ws(&c);
		if (c.p >= c.end || *c.p++ != ':')
			return -ENOENT;
		ws(&c);
		if (!take(&c, out))
			return -ENOENT;
		if (jsonr__is(&k, key))
			return 0;
		ws(&c);
		if (c.p >= c.end || *c.p++ != ',')
			return -ENOENT;
	}
}

int jsonr__next(const struct jsonr *arr, size_t *pos, struct jsonr *out)
{
	struct cur c;

	if (arr->type != JSONR_ARRAY || *pos >= arr->n - 1)
		return 0;
	c = (struct cur){ arr->p + (*pos ? *pos : 1), arr->p + arr->n - 1 };
	ws(&c);
	if (c.p < c.end && *c.p == ',')
		c.p++;
	ws(&c);
	if (c.p >= c.end || !take(&c, out))
		return 0;
	*pos = (size_t)(c.p - arr->p);
	return 1;
}

bool jsonr__is(const struct jsonr *s, const char *text)
{
	size_t k = strlen(text);

	return s->type == JSONR_STRING && s->n == k + 2 && !memcmp(s->p + 1, text, k);
}

static int hex4(const char *p)
{
	int v = 0;

	for (int i = 0; i < 4; i++) {
		char ch = p[i];

		v = v * 16 + (ch <= '9' ? ch - '0' : (ch | 0x20) - 'a' + 10);
	}
	return v;
}

/* A code point as UTF-8 into out[*o..]; false when it does not fit. */
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
 * pairs joined, a lone surrogate becomes U+FFFD. */
static uint32_t unescape(const char *in, size_t n, size_t *i)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	char ch = in[(*i)++];
	uint32_t cp;

	if (ch != 'u')
		return (uint32_t)(unsigned char)to[strchr(from, ch) - from];
	cp = (uint32_t)hex4(in + *i);
	*i += 4;
	if (cp >= 0xd800 && cp < 0xdc00 && *i + 6 <= n && in[*i] == '\\' && in[*i + 1] == 'u') {
		uint32_t lo = (uint32_t)hex4(in + *i + 2);

		if (lo >= 0xdc00 && lo < 0xe000) {
			*i += 6;
			return 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
		}
	}
	return cp >= 0xd800 && cp < 0xe000 ? 0xfffd : cp;
}

int jsonr__string(const struct jsonr *s, char *out, size_t outsz)
{
	const char *in;
	size_t n, o = 0;

	if (s->type != JSONR_STRING || !outsz)
		return -EINVAL;
	in = s->p + 1;
	n = s->n - 2;	/* checked by skip_string: escapes are whole */
	for (size_t i = 0; i < n;) {
		if (in[i] != '\\') {
			if (o + 1 >= outsz)
				return -ENOSPC;
			out[o++] = in[i++];
			continue;
		}
		i++;
		uint32_t cp = unescape(in, n, &i);

		if (!cp)
			return -EINVAL;
		if (!put_utf8(cp, out, outsz, &o))
			return -ENOSPC;
	}
	out[o] = '\0';
	return (int)o;
}
