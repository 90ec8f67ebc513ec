// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* libFuzzer: the escaping every other process's text goes through. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "output/escape.h"
#include "output/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct sbuf b = { 0 };
	struct jw w;

	escape__text(&b, s, size);
	/* Text escaping leaves no control character and no invalid UTF-8. */
	for (size_t i = 0; i < b.len; i++)
		if ((unsigned char)b.p[i] < 0x20 || b.p[i] == 0x7f)
			abort();
	sbuf__reset(&b);
	escape__cell(&b, s, size);
	if (memchr(b.p ? b.p : "", ' ', b.len))
		abort();
	sbuf__reset(&b);
	/* A list entry holds none of its list's syntax (issue 24). */
	escape__item(&b, s, size);
	for (size_t i = 0; i < b.len; i++)
		if (strchr(" ,[]/+'\"", b.p[i]) && b.p[i])
			abort();
	sbuf__reset(&b);
	/* An argument is one word, or one '...' with no ' inside. */
	escape__arg(&b, s, size);
	if (b.len && b.p[0] == '\'') {
		if (b.len < 2 || b.p[b.len - 1] != '\'' || memchr(b.p + 1, '\'', b.len - 2))
			abort();
	} else if (!b.len || memchr(b.p, ' ', b.len) || memchr(b.p, '\'', b.len)) {
		abort();
	}
	sbuf__reset(&b);
	jw__begin(&w, &b);
	jw__str(&w, "a.b", s, size);
	jw__str_list(&w, "a.c", s, size);
	jw__text(&w, "d", s, size);
	jw__end(&w);
	for (size_t i = 0; i < b.len; i++)
		if ((unsigned char)b.p[i] < 0x20)
			abort();
	sbuf__free(&b);
	return 0;
}
