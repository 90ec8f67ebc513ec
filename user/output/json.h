/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * A streaming JSON object writer that owns commas, nesting and escaping.
 * Keys are dotted paths ("process.parent.pid"); the writer opens and closes
 * the nested objects, so keys sharing a prefix must come together. Keys must
 * be static strings: the writer keeps pointers into them.
 */
#ifndef PS_JSON_H
#define PS_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "output/sbuf.h"

#define JW_MAX_DEPTH 8

/* A key split once, ahead of time (jw__key_split): the writer then names
 * a member of the open object without reading the key again. */
struct jw_key {
	const char *key;
	size_t parent_len;	/* the length of the path to the leaf, its dot included */
	size_t leaf_len;
	int parent;		/* equal for keys with the same parent path */
	int nsegs;
	const char *segs[JW_MAX_DEPTH + 1];
	size_t lens[JW_MAX_DEPTH + 1];
};

struct jw {
	struct sbuf *b;
	int depth;			/* open objects below the top one */
	bool first[JW_MAX_DEPTH + 1];	/* no member written yet at that level */
	const char *seg[JW_MAX_DEPTH];	/* the open path, pointers into keys */
	size_t seglen[JW_MAX_DEPTH];
	const char *open;		/* a key under the open path, and */
	size_t openlen;			/* the length of that path with its dot */
	int parent;			/* its jw_key.parent, or -1 */
};

/* Split keys[0..n)'s paths into out[]: parent ids are shared by keys
 * whose parent paths are equal (a NULL key gets none). */
void jw__key_split(const char *const *keys, size_t n, struct jw_key *out);

void jw__begin(struct jw *w, struct sbuf *b);
/* Name the member that the next value written straight to w->b belongs
 * to (for values written by the body functions below, or cached). */
void jw__name(struct jw *w, const struct jw_key *k);
/* The value parts of jw__str, jw__text and jw__str_list. */
void json__str_body(struct sbuf *b, const char *s, size_t n);
void json__text_body(struct sbuf *b, const char *s, size_t n);
void json__list_body(struct sbuf *b, const char *s, size_t n);
void jw__str(struct jw *w, const char *key, const char *s, size_t n);
void jw__cstr(struct jw *w, const char *key, const char *s);
/* A string whose NULs (argument separators) are written as spaces. */
void jw__text(struct jw *w, const char *key, const char *s, size_t n);
/* An array of the NUL-separated strings in s[0..n). */
void jw__str_list(struct jw *w, const char *key, const char *s, size_t n);
void jw__uint(struct jw *w, const char *key, uint64_t v);
void jw__int(struct jw *w, const char *key, int64_t v);
void jw__bool(struct jw *w, const char *key, bool v);
/* A value that is already JSON (built with another writer). */
void jw__raw(struct jw *w, const char *key, const char *json, size_t n);
/* Close every open object, the top one included. */
void jw__end(struct jw *w);

#endif
