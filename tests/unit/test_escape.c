// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdint.h>
#include <string.h>
#include "unit.h"

#include "output/escape.h"

struct esc_case {
	const char *in;
	size_t n;
	const char *want;
};

#define C(lit, want) { lit, sizeof(lit) - 1, want }

/* Each case escaped alone by esc (one of escape.h's escape__X). */
static void expect_cases(void (*esc)(struct sbuf *, const char *, size_t),
			 const struct esc_case *c, size_t n)
{
	struct sbuf b = { 0 };

	for (size_t i = 0; i < n; i++) {
		sbuf__reset(&b);
		esc(&b, c[i].in, c[i].n);
		assert_string_equal(sbuf__str(&b), c[i].want);
	}
	sbuf__free(&b);
}

#define EXPECT_CASES(esc, cases) expect_cases(esc, cases, sizeof(cases) / sizeof(cases[0]))

static void test_text(void **state)
{
	static const struct esc_case cases[] = {
		/* plain text passes */
		C("nginx: worker", "nginx: worker"),
		C("caf\xc3\xa9", "caf\xc3\xa9"),	/* é */
		/* controls escaped */
		C("a\nb", "a\\x0ab"),
		C("\x1b[31mred", "\\x1b[31mred"),
		C("tab\there", "tab\\x09here"),
		C("del\x7f", "del\\x7f"),
		C("back\\slash", "back\\\\slash"),
		/* A literal "\x41" stays distinguishable from an escaped byte. */
		C("\\x41", "\\\\x41"),
		/* C1 CSI (U+009B) acts as ESC [ on some terminals. */
		C("\xc2\x9b" "2J", "\\xc2\\x9b2J"),
		/* RIGHT-TO-LEFT OVERRIDE (U+202E) would reorder the line. */
		C("x\xe2\x80\xaey", "x\\xe2\\x80\\xaey"),
		/* LINE SEPARATOR (U+2028). */
		C("\xe2\x80\xa8", "\\xe2\\x80\\xa8"),
		/* invalid UTF-8 */
		C("\xff\xfe", "\\xff\\xfe"),
		C("\xc0\xaf", "\\xc0\\xaf"),		/* overlong '/' */
		C("\xed\xa0\x80", "\\xed\\xa0\\x80"),	/* surrogate */
		C("ok\xe2\x82", "ok\\xe2\\x82"),	/* truncated */
		/* an embedded NUL */
		C("a\0b", "a\\x00b"),
	};

	EXPECT_CASES(escape__text, cases);
}

static void test_cell_spaces(void **state)
{
	static const struct esc_case cases[] = {
		C("x  close tcp4", "x\\x20\\x20close\\x20tcp4"),
		C("a\n b", "a\\x0a\\x20b"),
	};

	EXPECT_CASES(escape__cell, cases);
}

static void test_json(void **state)
{
	static const struct esc_case cases[] = {
		/* specials */
		C("plain", "\"plain\""),
		C("a\"b", "\"a\\\"b\""),
		C("a\\b", "\"a\\\\b\""),
		C("l1\nl2\r\t", "\"l1\\nl2\\r\\t\""),
		C("\x1b[0m", "\"\\u001b[0m\""),
		C("\x7f", "\"\\u007f\""),
		C("\xc2\x9b", "\"\\u009b\""),
		C("\xe2\x80\xa8", "\"\\u2028\""),
		C("\0", "\"\\u0000\""),
		/* UTF-8 passes */
		C("caf\xc3\xa9 \xf0\x9f\x90\x8d", "\"caf\xc3\xa9 \xf0\x9f\x90\x8d\""),
		/* Invalid bytes cannot reach a JSON parser: each becomes U+FFFD. */
		C("a\xff" "b\xc3", "\"a\\ufffdb\\ufffd\""),
	};

	EXPECT_CASES(escape__json, cases);
}

static void test_utf8_decode(void **state)
{
	uint32_t cp = 0;

	assert_int_equal(utf8__decode((const unsigned char *)"\xe2\x82\xac", 3, &cp), 3);
	assert_int_equal(cp, 0x20ac);
	assert_int_equal(utf8__decode((const unsigned char *)"\xf4\x90\x80\x80", 4, &cp), 0);
	assert_int_equal(utf8__decode((const unsigned char *)"\xe0\x80\xaf", 3, &cp), 0);
	assert_int_equal(utf8__decode((const unsigned char *)"\x80", 1, &cp), 0);
	assert_int_equal(utf8__decode((const unsigned char *)"", 0, &cp), 0);
}

/* Issue 24: an entry of a holder list keeps the list's syntax out. */
static void test_item_escapes_list_syntax(void **state)
{
	static const struct esc_case cases[] = {
		C("x[1]/3,sshd", "x\\x5b1\\x5d\\x2f3\\x2csshd"),
		C("a b+'\"\\\n", "a\\x20b\\x2b\\x27\\x22\\\\\\x0a"),
	};

	EXPECT_CASES(escape__item, cases);
}

/* A command line's argument: plain as text, or in '...' when it is empty
 * or holds a space or a quote. */
static void test_arg_quoting(void **state)
{
	static const struct esc_case cases[] = {
		C("--port=80", "--port=80"),
		C("", "''"),
		C("it's a b", "'it\\x27s a b'"),
		C("\x1b\n", "\\x1b\\x0a"),
	};

	EXPECT_CASES(escape__arg, cases);
}

UNIT_MAIN("escape", NULL, NULL,
	  cmocka_unit_test(test_text),
	  cmocka_unit_test(test_cell_spaces),
	  cmocka_unit_test(test_json),
	  cmocka_unit_test(test_utf8_decode),
	  cmocka_unit_test(test_item_escapes_list_syntax),
	  cmocka_unit_test(test_arg_quoting))
