/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* A growable byte buffer; one per output line, reused. */
#ifndef PS_SBUF_H
#define PS_SBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct sbuf {
	char *p;
	size_t len;
	size_t cap;
	bool oom;	/* an append failed; the content is cut short */
};

void sbuf__reset(struct sbuf *b);
void sbuf__free(struct sbuf *b);
/* Make room for n more bytes (and a NUL); false once out of memory. */
bool sbuf__reserve(struct sbuf *b, size_t n);

/* The hot path of every output line: inline, one bounds check. */
static inline void sbuf__put(struct sbuf *b, const char *s, size_t n)
{
	if (b->len + n >= b->cap && !sbuf__reserve(b, n))
		return;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static inline void sbuf__putc(struct sbuf *b, char c)
{
	sbuf__put(b, &c, 1);
}

static inline void sbuf__puts(struct sbuf *b, const char *s)
{
	sbuf__put(b, s, strlen(s));
}

/* Decimal, without printf. */
void sbuf__u64(struct sbuf *b, uint64_t v);
/* v in decimal at p (room for 20 digits); returns the end. */
char *sbuf__decimal(char *p, uint64_t v);
void sbuf__printf(struct sbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Pad with spaces up to column width w from position start. */
void sbuf__pad(struct sbuf *b, size_t start, size_t w);
/* NUL-terminated view (the NUL is not counted in len). */
const char *sbuf__str(struct sbuf *b);

#endif
