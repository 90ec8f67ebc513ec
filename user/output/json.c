// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "output/json.h"

#include <inttypes.h>
#include <string.h>
#include "output/escape.h"

void jw__begin(struct jw *w, struct sbuf *b)
{
	memset(w, 0, sizeof(*w));
	w->b = b;
	w->open = "";
	w->first[0] = true;
	sbuf__putc(b, '{');
}

/* Key names are ours (static strings), so they are written unescaped. */
static void member(struct jw *w, const char *name, size_t n)
{
	if (!w->first[w->depth])
		sbuf__putc(w->b, ',');
	w->first[w->depth] = false;
	sbuf__putc(w->b, '"');
	sbuf__put(w->b, name, n);
	sbuf__put(w->b, "\":", 2);
}

/* Move the open path to the parent of key, then write the leaf's name. */
static void key(struct jw *w, const char *k)
{
	const char *segs[JW_MAX_DEPTH + 1];
	size_t lens[JW_MAX_DEPTH + 1];
	int n = 0, common = 0;
	const char *p = k;

	/* Most keys are siblings of the one before: same path, no dot after. */
	if (!strncmp(k, w->open, w->openlen) && !strchr(k + w->openlen, '.')) {
		member(w, k + w->openlen, strlen(k + w->openlen));
		return;
	}

	for (;;) {
		const char *dot = strchr(p, '.');
		size_t len = dot ? (size_t)(dot - p) : strlen(p);

		segs[n] = p;
		lens[n++] = len;
		if (!dot || n == JW_MAX_DEPTH + 1)
			break;
		p = dot + 1;
	}
	/* segs[0..n-2] are objects, segs[n-1] the leaf. */
	while (common < w->depth && common < n - 1 &&
	       w->seglen[common] == lens[common] &&
	       !memcmp(w->seg[common], segs[common], lens[common]))
		common++;
	while (w->depth > common) {
		sbuf__putc(w->b, '}');
		w->depth--;
	}
	while (w->depth < n - 1) {
		member(w, segs[w->depth], lens[w->depth]);
		sbuf__putc(w->b, '{');
		w->seg[w->depth] = segs[w->depth];
		w->seglen[w->depth] = lens[w->depth];
		w->depth++;
		w->first[w->depth] = true;
	}
	w->open = k;
	w->openlen = (size_t)(segs[n - 1] - k);
	member(w, segs[n - 1], lens[n - 1]);
}

void jw__str(struct jw *w, const char *k, const char *s, size_t n)
{
	key(w, k);
	escape__json(w->b, s, n);
}

void jw__text(struct jw *w, const char *k, const char *s, size_t n)
{
	key(w, k);
	sbuf__putc(w->b, '"');
	escape__parts(w->b, s, n, ' ', escape__json_body);
	sbuf__putc(w->b, '"');
}

void jw__str_list(struct jw *w, const char *k, const char *s, size_t n)
{
	key(w, k);
	sbuf__putc(w->b, '[');
	escape__parts(w->b, s, n, ',', escape__json);
	sbuf__putc(w->b, ']');
}

void jw__cstr(struct jw *w, const char *k, const char *s)
{
	jw__str(w, k, s, strlen(s));
}

void jw__uint(struct jw *w, const char *k, uint64_t v)
{
	key(w, k);
	sbuf__u64(w->b, v);
}

void jw__int(struct jw *w, const char *k, int64_t v)
{
	key(w, k);
	sbuf__printf(w->b, "%" PRId64, v);
}

void jw__bool(struct jw *w, const char *k, bool v)
{
	key(w, k);
	sbuf__puts(w->b, v ? "true" : "false");
}

void jw__raw(struct jw *w, const char *k, const char *json, size_t n)
{
	key(w, k);
	sbuf__put(w->b, json, n);
}

void jw__end(struct jw *w)
{
	while (w->depth > 0) {
		sbuf__putc(w->b, '}');
		w->depth--;
	}
	sbuf__putc(w->b, '}');
}
