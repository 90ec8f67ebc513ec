/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* A growable byte buffer; one per output line, reused. */
#ifndef PS_SBUF_H
#define PS_SBUF_H

#include <stdbool.h>
#include <stddef.h>

struct sbuf {
	char *p;
	size_t len;
	size_t cap;
	bool oom;	/* an append failed; the content is cut short */
};

void sbuf__reset(struct sbuf *b);
void sbuf__free(struct sbuf *b);
void sbuf__putc(struct sbuf *b, char c);
void sbuf__put(struct sbuf *b, const char *s, size_t n);
void sbuf__puts(struct sbuf *b, const char *s);
void sbuf__printf(struct sbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Pad with spaces up to column width w from position start. */
void sbuf__pad(struct sbuf *b, size_t start, size_t w);
/* NUL-terminated view (the NUL is not counted in len). */
const char *sbuf__str(struct sbuf *b);

#endif
