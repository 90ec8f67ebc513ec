/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * A table line that would run past the width it claims, folded: the line
 * is broken at a space or after a ',' (a list's entries stay whole) and
 * continues on lines indented by `indent` columns, so a record never wraps
 * in the terminal and nothing of it is lost. Values are escaped before
 * this: they hold no space or ',' of their own.
 */
#ifndef PS_FOLD_H
#define PS_FOLD_H

#include <stddef.h>
#include "output/sbuf.h"

/* Display columns of s[0..n): one per UTF-8 character (escaped text holds
 * no control characters). */
size_t fold__columns(const char *s, size_t n);

/* Fold the line b->p[line..b->len) (no '\n' yet) to width columns; each
 * continuation line starts with indent spaces. */
void fold__line(struct sbuf *b, size_t line, size_t width, size_t indent);

#endif
