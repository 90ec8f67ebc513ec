/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* A small, bounded JSON reader for baseline files: one object, its scalars
 * handed over by dotted path ("server.port"). Arrays are checked and
 * skipped. No allocation; every limit is a clear error. */
#ifndef PS_JSONREAD_H
#define PS_JSONREAD_H

#include <stddef.h>

#define JSONREAD_DEPTH 16	/* objects and arrays nested deeper: an error */
#define JSONREAD_PATH 128	/* a dotted path longer: an error */
#define JSONREAD_STRING 4096	/* a decoded string longer: an error */

/* JR_OBJECT and JR_ARRAY are said (s "", n 0) before what they hold, so a
 * reader can refuse one where it wants a scalar. */
enum jsonread_type { JR_STRING, JR_NUMBER, JR_BOOL, JR_NULL, JR_OBJECT, JR_ARRAY };

/* s is the decoded string (NUL-terminated, n bytes; may hold a NUL) or the
 * number's or literal's text. Non-zero stops the read with that value. */
typedef int (*jsonread_fn)(void *ctx, const char *path, enum jsonread_type t,
			   const char *s, size_t n);

/* Read the object that is all of p[0..n) (white space around it allowed).
 * 0, fn's non-zero, or -EINVAL with *why set to a static message. */
int jsonread__object(const char *p, size_t n, jsonread_fn fn, void *ctx, const char **why);

#endif
