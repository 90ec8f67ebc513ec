/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * A small JSON reader for the container runtimes' state files: no
 * allocation, no trust. A value is a slice of the caller's buffer; every
 * walk checks the syntax of what it steps over and stops at the buffer's
 * end, and nesting deeper than JSONR_MAX_DEPTH is an error. What the
 * files say is text from another program: it is escaped where printed.
 */
#ifndef PS_JSONR_H
#define PS_JSONR_H

#include <stdbool.h>
#include <stddef.h>

#define JSONR_MAX_DEPTH 32

enum jsonr_type { JSONR_BAD, JSONR_OBJECT, JSONR_ARRAY, JSONR_STRING, JSONR_NUMBER,
		  JSONR_TRUE, JSONR_FALSE, JSONR_NULL };

struct jsonr {
	enum jsonr_type type;
	const char *p;		/* the value's first byte ('{', '"', ...) */
	size_t n;		/* its length, quotes and brackets included */
};

/* The one value that buf holds (whitespace around it allowed). Returns 0,
 * or -EINVAL when buf is not exactly one well-formed value. */
int jsonr__parse(const char *buf, size_t len, struct jsonr *out);
/* The member key of object obj (the first, when repeated). Returns 0, or
 * -ENOENT (no such member, or obj is no object). */
int jsonr__member(const struct jsonr *obj, const char *key, struct jsonr *out);
/* Array elements in turn: *pos starts at 0. Returns 1 with the next one
 * in out, or 0 at the end (or when arr is no array). */
int jsonr__next(const struct jsonr *arr, size_t *pos, struct jsonr *out);
/*
 * The text of string s, unescaped into out (NUL-terminated, NULs and
 * \u0000 refused). Returns its length, or -EINVAL (not a string, bad
 * escape) or -ENOSPC (longer than outsz - 1: nothing is cut silently).
 */
int jsonr__string(const struct jsonr *s, char *out, size_t outsz);
/* Whether string s says exactly text (no escapes decoded: the runtimes
 * write ids and keys plain). */
bool jsonr__is(const struct jsonr *s, const char *text);

#endif
