// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "output/escape.h"

#include <stdbool.h>
#include <string.h>

size_t utf8__decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	uint32_t c;
	size_t len;

	if (n == 0)
		return 0;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	} else if ((s[0] & 0xe0) == 0xc0) {
		len = 2;
		c = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		len = 3;
		c = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		len = 4;
		c = s[0] & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	/* Shortest form only; no surrogates; nothing past U+10FFFF. */
	if ((len == 2 && c < 0x80) || (len == 3 && c < 0x800) ||
	    (len == 4 && c < 0x10000) || c > 0x10ffff ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

/* Code points a terminal or a log viewer may act on rather than show. */
static bool unsafe_cp(uint32_t c)
{
	return c < 0x20 || (c >= 0x7f && c < 0xa0) ||
	       c == 0x2028 || c == 0x2029 ||		/* line/paragraph separators */
	       (c >= 0x200e && c <= 0x200f) ||		/* direction marks */
	       (c >= 0x202a && c <= 0x202e) ||		/* bidi embeddings/overrides */
	       (c >= 0x2066 && c <= 0x2069) ||		/* bidi isolates */
	       c == 0xfeff;
}

static const char hex[] = "0123456789abcdef";

/* Printable ASCII that needs no escaping in either format (sans '\\', '"'). */
static bool plain(unsigned char c)
{
	return c >= 0x20 && c < 0x7f && c != '\\' && c != '"';
}

/* Length of the run of plain bytes at s: copied in one go. */
static size_t plain_run(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n && plain(s[i]))
		i++;
	return i;
}

/*
 * What to write for one sequence that is not plain ASCII: s[0..len) decodes
 * to cp, or len is 1 and cp is (uint32_t)-1 for a byte that is not UTF-8.
 */
typedef void (*escape_fn)(struct sbuf *b, const unsigned char *s, size_t len,
			  uint32_t cp);

/* Copy runs of plain ASCII as they are; hand everything else to esc. */
static void escape_walk(struct sbuf *b, const char *str, size_t n, escape_fn esc)
{
	const unsigned char *s = (const unsigned char *)str;

	for (size_t i = 0; i < n;) {
		size_t run = plain_run(s + i, n - i);
		uint32_t cp = (uint32_t)-1;
		size_t len;

		if (run) {
			sbuf__put(b, (const char *)s + i, run);
			i += run;
			continue;
		}
		len = utf8__decode(s + i, n - i, &cp);
		if (!len) {
			len = 1;
			cp = (uint32_t)-1;
		}
		esc(b, s + i, len, cp);
		i += len;
	}
}

static void text_seq(struct sbuf *b, const unsigned char *s, size_t len, uint32_t cp)
{
	if (cp == '\\') {
		sbuf__put(b, "\\\\", 2);
		return;
	}
	if (cp != (uint32_t)-1 && !unsafe_cp(cp)) {
		sbuf__put(b, (const char *)s, len);
		return;
	}
	/* Every byte of an unsafe or invalid sequence, as \xNN. */
	for (size_t k = 0; k < len; k++) {
		char esc[4] = { '\\', 'x', hex[s[k] >> 4], hex[s[k] & 15] };

		sbuf__put(b, esc, sizeof(esc));
	}
}

void escape__text(struct sbuf *b, const char *str, size_t n)
{
	escape_walk(b, str, n, text_seq);
}

void escape__bytes(struct sbuf *b, const char *str, size_t n, const char *special)
{
	size_t from = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)str[i];

		if (!c || !strchr(special, c))
			continue;
		escape_walk(b, str + from, i - from, text_seq);
		{
			char esc[4] = { '\\', 'x', hex[c >> 4], hex[c & 15] };

			sbuf__put(b, esc, sizeof(esc));
		}
		from = i + 1;
	}
	escape_walk(b, str + from, n - from, text_seq);
}

void escape__cell(struct sbuf *b, const char *str, size_t n)
{
	/* Spaces are plain to the walk: split on them here. */
	for (size_t i = 0; i <= n;) {
		const char *sp = memchr(str + i, ' ', n - i);
		size_t len = sp ? (size_t)(sp - (str + i)) : n - i;

		escape_walk(b, str + i, len, text_seq);
		if (!sp)
			break;
		sbuf__put(b, "\\x20", 4);
		i += len + 1;
	}
}

void escape__item(struct sbuf *b, const char *str, size_t n)
{
	escape__bytes(b, str, n, " ,[]/+'\"");
}

void escape__arg(struct sbuf *b, const char *str, size_t n)
{
	if (n && !memchr(str, ' ', n) && !memchr(str, '\'', n)) {
		escape_walk(b, str, n, text_seq);
		return;
	}
	sbuf__putc(b, '\'');
	escape__bytes(b, str, n, "'");
	sbuf__putc(b, '\'');
}

static void json_u(struct sbuf *b, uint32_t cp)
{
	char esc[6] = { '\\', 'u', hex[(cp >> 12) & 15], hex[(cp >> 8) & 15],
			hex[(cp >> 4) & 15], hex[cp & 15] };

	sbuf__put(b, esc, sizeof(esc));
}

/* The characters JSON escapes by a letter (or by itself). */
static const char *const json_short[128] = {
	['"'] = "\\\"", ['\\'] = "\\\\", ['\n'] = "\\n", ['\r'] = "\\r", ['\t'] = "\\t",
};

static void json_seq(struct sbuf *b, const unsigned char *s, size_t len, uint32_t cp)
{
	if (cp == (uint32_t)-1)
		sbuf__put(b, "\\ufffd", 6);
	else if (cp < 128 && json_short[cp])
		sbuf__put(b, json_short[cp], 2);
	else if (unsafe_cp(cp))
		json_u(b, cp);
	else
		sbuf__put(b, (const char *)s, len);
}

void escape__json_body(struct sbuf *b, const char *str, size_t n)
{
	escape_walk(b, str, n, json_seq);
}

void escape__json(struct sbuf *b, const char *str, size_t n)
{
	sbuf__putc(b, '"');
	escape_walk(b, str, n, json_seq);
	sbuf__putc(b, '"');
}

void escape__parts(struct sbuf *b, const char *s, size_t n, char sep,
		   void (*esc)(struct sbuf *, const char *, size_t))
{
	for (size_t i = 0; i <= n;) {
		const char *nul = memchr(s + i, '\0', n - i);
		size_t len = nul ? (size_t)(nul - (s + i)) : n - i;

		if (i)
			sbuf__putc(b, sep);
		esc(b, s + i, len);
		i += len + 1;
	}
}
