// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "output/sbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool sbuf__reserve(struct sbuf *b, size_t extra)
{
	size_t need = b->len + extra + 1, cap = b->cap ? b->cap : 256;
	char *p;

	if (b->oom)
		return false;
	if (need <= b->cap)
		return true;
	while (cap < need)
		cap *= 2;
	p = realloc(b->p, cap);
	if (!p) {
		b->oom = true;
		return false;
	}
	b->p = p;
	b->cap = cap;
	b->p[b->len] = '\0';
	return true;
}

void sbuf__reset(struct sbuf *b)
{
	b->len = 0;
	b->oom = false;
	if (b->p)
		b->p[0] = '\0';
}

void sbuf__free(struct sbuf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

/* Two digits a step: half the divisions of one a step. */
static const char digit_pairs[] =
	"0001020304050607080910111213141516171819202122232425262728293031323334353637383940414243444546474849"
	"5051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899";

char *sbuf__decimal(char *p, uint64_t v)
{
	char tmp[20];
	size_t i = sizeof(tmp);

	while (v >= 100) {
		i -= 2;
		memcpy(tmp + i, digit_pairs + 2 * (v % 100), 2);
		v /= 100;
	}
	if (v >= 10) {
		i -= 2;
		memcpy(tmp + i, digit_pairs + 2 * v, 2);
	} else {
		tmp[--i] = (char)('0' + v);
	}
	memcpy(p, tmp + i, sizeof(tmp) - i);
	return p + sizeof(tmp) - i;
}

void sbuf__u64(struct sbuf *b, uint64_t v)
{
	if (b->len + 20 >= b->cap && !sbuf__reserve(b, 20))
		return;
	b->len = (size_t)(sbuf__decimal(b->p + b->len, v) - b->p);
	b->p[b->len] = '\0';
}

void sbuf__printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !sbuf__reserve(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void sbuf__pad(struct sbuf *b, size_t start, size_t w)
{
	size_t have = b->len - start;

	if (have >= w || !sbuf__reserve(b, w - have))
		return;
	memset(b->p + b->len, ' ', w - have);
	b->len += w - have;
	b->p[b->len] = '\0';
}

const char *sbuf__str(struct sbuf *b)
{
	if (!b->p && !sbuf__reserve(b, 0))
		return "";
	return b->p;
}
