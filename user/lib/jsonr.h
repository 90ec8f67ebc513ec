/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * portsnoop's one JSON reader (RFC 8259): the runtimes' state files, the
 * baseline of expected listeners, its own logs read back. No allocation,
 * no trust. A value is a slice of the caller's buffer, checked whole by
 * jsonr__check before anything is handed out: strict syntax, nesting
 * bounded, every step stops at the buffer's end. A refusal says why in a
 * short static message. What the text says is text from another program:
 * it is escaped where printed.
 */
#ifndef PS_JSONR_H
#define PS_JSONR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JSONR_MAX_DEPTH 32	/* objects and arrays nested, at most */
#define JSONR_MAX_PATH 128	/* a dotted path, its NUL included (jsonr__walk) */

enum jsonr_type { JSONR_BAD, JSONR_OBJECT, JSONR_ARRAY, JSONR_STRING, JSONR_NUMBER,
		  JSONR_TRUE, JSONR_FALSE, JSONR_NULL };

struct jsonr {
	enum jsonr_type type;
	const char *p;		/* the value's first byte ('{', '"', ...) */
	size_t n;		/* its length, quotes and brackets included */
};

/*
 * The one value that buf holds (whitespace around it allowed), with
 * objects and arrays nested at most max_depth (<= JSONR_MAX_DEPTH) deep.
 * Returns 0; -ELOOP when nested deeper; -EINVAL when buf is not exactly
 * one well-formed value. *why (when why is not NULL) says what is wrong.
 */
int jsonr__check(const char *buf, size_t len, int max_depth, struct jsonr *out,
		 const char **why);
/* jsonr__check at JSONR_MAX_DEPTH, -EINVAL for any refusal. */
int jsonr__parse(const char *buf, size_t len, struct jsonr *out);
/* The member key of object obj (the first, when repeated). Returns 0, or
 * -ENOENT (no such member, or obj is no object). */
int jsonr__member(const struct jsonr *obj, const char *key, struct jsonr *out);
/* Array elements in turn: *pos starts at 0. Returns 1 with the next one
 * in out, or 0 at the end (or when arr is no array). */
int jsonr__next(const struct jsonr *arr, size_t *pos, struct jsonr *out);
/*
 * The text of string s decoded into out (NUL-terminated after it; it may
 * hold NULs from \u0000). A lone surrogate is U+FFFD, or, when strict,
 * -EILSEQ. Returns its length, -EINVAL (not a string) or -ENOSPC (longer
 * than outsz - 1: nothing is cut silently). The decoded text is never
 * longer than s->n.
 */
int jsonr__decode(const struct jsonr *s, char *out, size_t outsz, bool strict);
/* jsonr__decode for a name: \u0000 too is -EINVAL. */
int jsonr__string(const struct jsonr *s, char *out, size_t outsz);
/* Whether string s says exactly text (no escapes decoded: the runtimes
 * write ids and keys plain). */
bool jsonr__is(const struct jsonr *s, const char *text);
/* Number v as an unsigned integer (no sign, fraction or exponent, no
 * overflow): 0, or -ERANGE. */
int jsonr__u64(const struct jsonr *v, uint64_t *out);

/*
 * One step of jsonr__walk: each value in document order, objects and
 * arrays once before what they hold and once after (leave).
 */
struct jsonr_step {
	const struct jsonr *v;
	const struct jsonr *key;	/* an object member's key; NULL otherwise */
	const char *path;	/* the decoded keys down to v joined by '.' ("" at the
				 * top); NULL inside an array, or when a key holds a
				 * NUL or the path is longer than JSONR_MAX_PATH - 1 */
	bool first;		/* the first member or element of its parent */
	bool leave;		/* after an object's or array's members */
	bool in_array;		/* inside an array, however deep */
};

/* Calls fn on every step of v (a value jsonr__check accepted) until fn
 * returns non-zero. Returns 0 or fn's non-zero. */
int jsonr__walk(const struct jsonr *v, int (*fn)(void *ctx, const struct jsonr_step *st),
		void *ctx);

#endif
