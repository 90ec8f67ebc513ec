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

struct jw {
	struct sbuf *b;
	int depth;			/* open objects below the top one */
	bool first[JW_MAX_DEPTH + 1];	/* no member written yet at that level */
	const char *seg[JW_MAX_DEPTH];	/* the open path, pointers into keys */
	size_t seglen[JW_MAX_DEPTH];
	const char *open;		/* a key under the open path, and */
	size_t openlen;			/* the length of that path with its dot */
};

void jw__begin(struct jw *w, struct sbuf *b);
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
