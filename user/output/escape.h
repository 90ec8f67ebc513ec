/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The one place where text that came from another process (comm, command
 * lines, paths) is made safe to print: no forged lines, fields or terminal
 * escape sequences, in any output format.
 */
#ifndef PS_ESCAPE_H
#define PS_ESCAPE_H

#include <stddef.h>
#include <stdint.h>
#include "output/sbuf.h"

/*
 * Length of the valid UTF-8 sequence at s (1-4) with its code point in *cp,
 * or 0 when the bytes are not valid UTF-8 (overlong, surrogate, truncated,
 * beyond U+10FFFF).
 */
size_t utf8__decode(const unsigned char *s, size_t n, uint32_t *cp);

/*
 * For terminals and plain text: printable ASCII and printable UTF-8 pass;
 * a backslash becomes "\\"; every other byte becomes "\xNN". The result
 * is unambiguous and has no control characters.
 */
void escape__text(struct sbuf *b, const char *s, size_t n);

/* The same for one cell of a table: a space is "\x20" too, so a value
 * cannot pass for more columns than it is. */
void escape__cell(struct sbuf *b, const char *s, size_t n);

/* escape__text, and each byte of special (printable ASCII but '\\') as
 * \xNN: what makes a value one entry of a list whatever it holds. */
void escape__bytes(struct sbuf *b, const char *s, size_t n, const char *special);

/* One entry of a list a reader parses ("nginx[812]/6,sshd[90]/3", a
 * file list): the cell's rules, and the lists' own syntax , [ ] / + and
 * both quotes as \xNN too, so a name cannot add, end or rename an entry. */
void escape__item(struct sbuf *b, const char *s, size_t n);

/* One argument of a command line joined by spaces: escape__text's rules,
 * and an argument that is empty or holds a space or ' is put in '...' with
 * its ' as \x27, so the line reads back as its arguments. */
void escape__arg(struct sbuf *b, const char *s, size_t n);

/*
 * A complete JSON string, quotes included. Control characters (C0, DEL,
 * C1), U+2028 and U+2029 are \u-escaped; invalid UTF-8 bytes become U+FFFD,
 * so the output is always valid JSON and valid UTF-8.
 */
void escape__json(struct sbuf *b, const char *s, size_t n);
/* The same without the surrounding quotes. */
void escape__json_body(struct sbuf *b, const char *s, size_t n);

/*
 * s[0..n) holds NUL-separated parts (a command line): write each with esc,
 * with sep between them.
 */
void escape__parts(struct sbuf *b, const char *s, size_t n, char sep,
		   void (*esc)(struct sbuf *, const char *, size_t));

#endif
