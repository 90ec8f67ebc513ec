// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "output/fold.h"

#include <stdlib.h>
#include <string.h>

size_t fold__columns(const char *s, size_t n)
{
	size_t cols = 0;

	for (size_t i = 0; i < n; i++)
		cols += ((unsigned char)s[i] & 0xc0) != 0x80;
	return cols;
}

/*
 * Where to end the piece of s[0..n) that fits room columns: after the last
 * ',' or before the last space that fits, else (one word longer than the
 * room) at the room itself, on a character boundary.
 */
static size_t cut_at(const char *s, size_t n, size_t room)
{
	size_t cols = 0, brk = 0, hard = 0;

	for (size_t i = 0; i < n; i++) {
		if (((unsigned char)s[i] & 0xc0) != 0x80) {
			if (cols == room) {
				if (s[i] == ' ')
					brk = i;	/* a word that ends at the edge */
				break;
			}
			cols++;
			hard = i + 1;
		} else {
			hard = i + 1;
			continue;
		}
		if (s[i] == ' ' && i)
			brk = i;
		else if (s[i] == ',')
			brk = i + 1;
	}
	/* The rest of a character that began within the room. */
	while (hard < n && ((unsigned char)s[hard] & 0xc0) == 0x80)
		hard++;
	return brk ? brk : hard;
}

void fold__line(struct sbuf *b, size_t line, size_t width, size_t indent)
{
	size_t n = b->len - line, at = 0, room = width;
	char *s;

	if (!width || fold__columns(b->p + line, n) <= width)
		return;
	if (indent + 8 > width)
		indent = 0;
	s = malloc(n);
	if (!s)
		return;		/* left one line: nothing is lost */
	memcpy(s, b->p + line, n);
	b->len = line;
	for (;;) {
		size_t len = n - at;

		if (fold__columns(s + at, len) > room)
			len = cut_at(s + at, len, room);
		/* No trailing padding before the break. */
		while (len && s[at + len - 1] == ' ' && at + len < n)
			len--;
		sbuf__put(b, s + at, len);
		at += len;
		while (at < n && s[at] == ' ')
			at++;
		if (at >= n)
			break;
		sbuf__putc(b, '\n');
		for (size_t k = 0; k < indent; k++)
			sbuf__putc(b, ' ');
		room = width - indent;
	}
	free(s);
}
