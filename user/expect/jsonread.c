// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Recursive descent over RFC 8259, depth-bounded, strings decoded into a
 * fixed buffer. */
#include "expect/jsonread.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

struct jr {
	const char *p, *end;
	jsonread_fn fn;
	void *ctx;
	const char *why;
	int stop;		/* fn's non-zero */
	char path[JSONREAD_PATH];
	size_t plen;
	char str[JSONREAD_STRING + 1];
	size_t slen;
};

static int fail(struct jr *r, const char *why)
{
	if (!r->why)
		r->why = why;
	return -EINVAL;
}

static void ws(struct jr *r)
{
	while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r'))
		r->p++;
}

static int hex4(struct jr *r, uint32_t *out)
{
	uint32_t v = 0;

	if (r->end - r->p < 4)
		return fail(r, "a \\u escape is cut short");
	for (int i = 0; i < 4; i++) {
		char c = *r->p++;

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (uint32_t)(c - 'A' + 10);
		else
			return fail(r, "a \\u escape that is not hexadecimal");
	}
	*out = v;
	return 0;
}

static int put(struct jr *r, const char *s, size_t n)
{
	if (r->slen + n > JSONREAD_STRING)
		return fail(r, "a string longer than 4096 bytes");
	memcpy(r->str + r->slen, s, n);
	r->slen += n;
	return 0;
}

static int put_cp(struct jr *r, uint32_t cp)
{
	char u[4];

	if (cp < 0x80)
		return put(r, (char[]){ (char)cp }, 1);
	if (cp < 0x800) {
		u[0] = (char)(0xc0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3f));
		return put(r, u, 2);
	}
	if (cp < 0x10000) {
		u[0] = (char)(0xe0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		return put(r, u, 3);
	}
	u[0] = (char)(0xf0 | (cp >> 18));
	u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	u[3] = (char)(0x80 | (cp & 0x3f));
	return put(r, u, 4);
}

static int escape(struct jr *r)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *k;
	uint32_t cp, lo;

	if (r->p >= r->end)
		return fail(r, "a string is not closed");
	k = *r->p ? strchr(from, *r->p) : NULL;
	if (k) {
		r->p++;
		return put(r, &to[k - from], 1);
	}
	if (*r->p++ != 'u')
		return fail(r, "an unknown escape in a string");
	if (hex4(r, &cp))
		return -EINVAL;
	if (cp >= 0xd800 && cp < 0xdc00) {
		if (r->end - r->p < 2 || r->p[0] != '\\' || r->p[1] != 'u')
			return fail(r, "a lone surrogate in a string");
		r->p += 2;
		if (hex4(r, &lo) || lo < 0xdc00 || lo > 0xdfff)
			return fail(r, "a lone surrogate in a string");
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
	} else if (cp >= 0xdc00 && cp < 0xe000) {
		return fail(r, "a lone surrogate in a string");
	}
	return put_cp(r, cp);
}

/* A string into r->str. */
static int string(struct jr *r)
{
	r->slen = 0;
	if (r->p >= r->end || *r->p != '"')
		return fail(r, "expected a string");
	r->p++;
	for (;;) {
		const char *s = r->p;

		while (r->p < r->end && *r->p != '"' && *r->p != '\\' &&
		       (unsigned char)*r->p >= 0x20)
			r->p++;
		if (put(r, s, (size_t)(r->p - s)))
			return -EINVAL;
		if (r->p >= r->end)
			return fail(r, "a string is not closed");
		if (*r->p == '"')
			break;
		if ((unsigned char)*r->p < 0x20)
			return fail(r, "a control character in a string");
		r->p++;
		if (escape(r))
			return -EINVAL;
	}
	r->p++;
	r->str[r->slen] = '\0';
	return 0;
}

static bool digit(const struct jr *r)
{
	return r->p < r->end && *r->p >= '0' && *r->p <= '9';
}

static int number(struct jr *r)
{
	const char *s = r->p;

	if (r->p < r->end && *r->p == '-')
		r->p++;
	if (!digit(r))
		return fail(r, "expected a value");
	if (*r->p == '0')
		r->p++;
	else
		while (digit(r))
			r->p++;
	if (r->p < r->end && *r->p == '.') {
		r->p++;
		if (!digit(r))
			return fail(r, "a number with no digits after its point");
		while (digit(r))
			r->p++;
	}
	if (r->p < r->end && (*r->p == 'e' || *r->p == 'E')) {
		r->p++;
		if (r->p < r->end && (*r->p == '+' || *r->p == '-'))
			r->p++;
		if (!digit(r))
			return fail(r, "a number with no digits in its exponent");
		while (digit(r))
			r->p++;
	}
	if ((size_t)(r->p - s) > JSONREAD_STRING)
		return fail(r, "a number longer than 4096 bytes");
	r->slen = (size_t)(r->p - s);
	memcpy(r->str, s, r->slen);
	r->str[r->slen] = '\0';
	return 0;
}

static int literal(struct jr *r, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(r->end - r->p) < n || memcmp(r->p, word, n))
		return fail(r, "expected a value");
	r->p += n;
	r->slen = n;
	memcpy(r->str, word, n + 1);
	return 0;
}

static int value(struct jr *r, int depth, bool report);

static int report_scalar(struct jr *r, enum jsonread_type t, bool report)
{
	if (!report)
		return 0;
	r->stop = r->fn(r->ctx, r->path, t, r->str, r->slen);
	return r->stop;
}

static int object(struct jr *r, int depth, bool report)
{
	size_t base = r->plen;

	r->p++;		/* { */
	ws(r);
	if (r->p < r->end && *r->p == '}') {
		r->p++;
		return 0;
	}
	for (;;) {
		int rc;

		ws(r);
		if (string(r))
			return -EINVAL;
		if (report) {
			if (base + (base ? 1 : 0) + r->slen >= sizeof(r->path) ||
			    memchr(r->str, '\0', r->slen))
				return fail(r, "a key path longer than 127 bytes");
			if (base)
				r->path[r->plen++] = '.';
			memcpy(r->path + r->plen, r->str, r->slen + 1);
			r->plen += r->slen;
		}
		ws(r);
		if (r->p >= r->end || *r->p != ':')
			return fail(r, "expected ':' after a key");
		r->p++;
		rc = value(r, depth, report);
		if (rc)
			return rc;
		r->plen = base;
		r->path[base] = '\0';
		ws(r);
		if (r->p < r->end && *r->p == ',') {
			r->p++;
			continue;
		}
		if (r->p < r->end && *r->p == '}') {
			r->p++;
			return 0;
		}
		return fail(r, "expected ',' or '}' in an object");
	}
}

static int array(struct jr *r, int depth)
{
	r->p++;		/* [ */
	ws(r);
	if (r->p < r->end && *r->p == ']') {
		r->p++;
		return 0;
	}
	for (;;) {
		int rc = value(r, depth, false);

		if (rc)
			return rc;
		ws(r);
		if (r->p < r->end && *r->p == ',') {
			r->p++;
			continue;
		}
		if (r->p < r->end && *r->p == ']') {
			r->p++;
			return 0;
		}
		return fail(r, "expected ',' or ']' in an array");
	}
}

static int value(struct jr *r, int depth, bool report)
{
	ws(r);
	if (r->p >= r->end)
		return fail(r, "expected a value");
	switch (*r->p) {
	case '{':
	case '[':
		if (depth >= JSONREAD_DEPTH)
			return fail(r, "objects nested more than 16 deep");
		r->slen = 0;
		r->str[0] = '\0';
		if (report_scalar(r, *r->p == '{' ? JR_OBJECT : JR_ARRAY, report))
			return r->stop;
		return *r->p == '{' ? object(r, depth + 1, report) : array(r, depth + 1);
	case '"':
		return string(r) ? -EINVAL : report_scalar(r, JR_STRING, report);
	case 't':
		return literal(r, "true") ? -EINVAL : report_scalar(r, JR_BOOL, report);
	case 'f':
		return literal(r, "false") ? -EINVAL : report_scalar(r, JR_BOOL, report);
	case 'n':
		return literal(r, "null") ? -EINVAL : report_scalar(r, JR_NULL, report);
	default:
		return number(r) ? -EINVAL : report_scalar(r, JR_NUMBER, report);
	}
}

int jsonread__object(const char *p, size_t n, jsonread_fn fn, void *ctx, const char **why)
{
	static __thread struct jr r;	/* 4 KiB of string: not on the stack */
	int rc;

	r.p = p;
	r.end = p + n;
	r.fn = fn;
	r.ctx = ctx;
	r.why = NULL;
	r.stop = 0;
	r.plen = 0;
	r.path[0] = '\0';
	ws(&r);
	if (r.p >= r.end || *r.p != '{') {
		*why = "not a JSON object";
		return -EINVAL;
	}
	rc = object(&r, 1, true);
	if (!rc) {
		ws(&r);
		if (r.p != r.end)
			rc = fail(&r, "more after the object");
	}
	if (rc && !r.stop)
		*why = r.why ? r.why : "malformed";
	return r.stop ? r.stop : rc;
}
