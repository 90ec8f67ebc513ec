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
	w->parent = -1;
	w->first[0] = true;
	sbuf__putc(b, '{');
}

/* Key names are ours (static strings), so they are written unescaped. */
static void member(struct jw *w, const char *name, size_t n)
{
	struct sbuf *b = w->b;
	bool comma = !w->first[w->depth];

	w->first[w->depth] = false;
	/* ,"name": in one go: this runs for every member of every record. */
	if (b->len + n + 4 >= b->cap && !sbuf__reserve(b, n + 4))
		return;
	if (comma)
		b->p[b->len++] = ',';
	b->p[b->len++] = '"';
	memcpy(b->p + b->len, name, n);
	b->len += n;
	b->p[b->len++] = '"';
	b->p[b->len++] = ':';
	b->p[b->len] = '\0';
}

/* k's dot-separated segments; returns how many (at most JW_MAX_DEPTH + 1:
 * the last one holds the rest). */
static int split(const char *k, const char **segs, size_t *lens)
{
	int n = 0;

	for (;;) {
		const char *dot = strchr(k, '.');
		size_t len = dot ? (size_t)(dot - k) : strlen(k);

		segs[n] = k;
		lens[n++] = len;
		if (!dot || n == JW_MAX_DEPTH + 1)
			return n;
		k = dot + 1;
	}
}

/* Move the open path to segs[0..n-2] (objects), then name the leaf. */
static void walk(struct jw *w, const char *k, const char *const *segs, const size_t *lens,
		 int n)
{
	int common = 0;

	/* Split keys share their parents' segments (jw__key_split): the
	 * same pointer is the same path, without a compare. */
	while (common < w->depth && common < n - 1 &&
	       (w->seg[common] == segs[common] ||
		(w->seglen[common] == lens[common] &&
		 !memcmp(w->seg[common], segs[common], lens[common]))))
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
	w->parent = -1;
	member(w, segs[n - 1], lens[n - 1]);
}

static void key(struct jw *w, const char *k)
{
	const char *segs[JW_MAX_DEPTH + 1];
	size_t lens[JW_MAX_DEPTH + 1];

	/* Most keys are siblings of the one before: same path, no dot after. */
	if (!strncmp(k, w->open, w->openlen) && !strchr(k + w->openlen, '.')) {
		member(w, k + w->openlen, strlen(k + w->openlen));
		return;
	}
	walk(w, k, segs, lens, split(k, segs, lens));
}

/* Point out[i]'s parent segments at the first earlier key's with the same
 * path to them, so that walk() tells equal paths by pointer. */
static void share_parents(const char *const *keys, struct jw_key *out, size_t i)
{
	struct jw_key *o = &out[i];

	for (int l = 0; l < o->nsegs - 1; l++) {
		size_t end = (size_t)(o->segs[l] - o->key) + o->lens[l];

		for (size_t j = 0; j < i; j++) {
			if (keys[j] && out[j].nsegs - 1 > l && !strncmp(keys[j], o->key, end) &&
			    keys[j][end] == '.') {
				o->segs[l] = out[j].segs[l];
				break;
			}
		}
	}
}

void jw__key_split(const char *const *keys, size_t n, struct jw_key *out)
{
	for (size_t i = 0; i < n; i++) {
		struct jw_key *o = &out[i];

		memset(o, 0, sizeof(*o));
		o->key = keys[i];
		o->parent = (int)i;
		if (!o->key)
			continue;
		o->nsegs = split(o->key, o->segs, o->lens);
		o->parent_len = (size_t)(o->segs[o->nsegs - 1] - o->key);
		o->leaf_len = o->lens[o->nsegs - 1];
		share_parents(keys, out, i);
		for (size_t j = 0; j < i; j++) {
			if (keys[j] && out[j].parent_len == o->parent_len &&
			    !memcmp(keys[j], o->key, o->parent_len)) {
				o->parent = out[j].parent;
				break;
			}
		}
	}
}

void jw__name(struct jw *w, const struct jw_key *k)
{
	/* A sibling of the member before: no path to walk. */
	if (k->parent == w->parent) {
		member(w, k->key + k->parent_len, k->leaf_len);
		return;
	}
	walk(w, k->key, k->segs, k->lens, k->nsegs);
	w->parent = k->parent;
}

void json__str_body(struct sbuf *b, const char *s, size_t n)
{
	escape__json(b, s, n);
}

void json__text_body(struct sbuf *b, const char *s, size_t n)
{
	sbuf__putc(b, '"');
	escape__parts(b, s, n, ' ', escape__json_body);
	sbuf__putc(b, '"');
}

void json__list_body(struct sbuf *b, const char *s, size_t n)
{
	sbuf__putc(b, '[');
	escape__parts(b, s, n, ',', escape__json);
	sbuf__putc(b, ']');
}

void jw__str(struct jw *w, const char *k, const char *s, size_t n)
{
	key(w, k);
	escape__json(w->b, s, n);
}

void jw__text(struct jw *w, const char *k, const char *s, size_t n)
{
	key(w, k);
	json__text_body(w->b, s, n);
}

void jw__str_list(struct jw *w, const char *k, const char *s, size_t n)
{
	key(w, k);
	json__list_body(w->b, s, n);
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
