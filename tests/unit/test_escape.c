// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdint.h>
#include <string.h>
#include "unit.h"

#include "output/escape.h"

static const char *text(struct sbuf *b, const char *s, size_t n)
{
	sbuf__reset(b);
	escape__text(b, s, n);
	return sbuf__str(b);
}

static const char *json(struct sbuf *b, const char *s, size_t n)
{
	sbuf__reset(b);
	escape__json(b, s, n);
	return sbuf__str(b);
}

#define T(b, lit) text(b, lit, sizeof(lit) - 1)
#define J(b, lit) json(b, lit, sizeof(lit) - 1)

static void test_text_plain_passes(void **state)
{
	struct sbuf b = { 0 };

	assert_string_equal(T(&b, "nginx: worker"), "nginx: worker");
	assert_string_equal(T(&b, "caf\xc3\xa9"), "caf\xc3\xa9");	/* é */
	sbuf__free(&b);
}

static void test_text_controls_escaped(void **state)
{
	struct sbuf b = { 0 };

	assert_string_equal(T(&b, "a\nb"), "a\\x0ab");
	assert_string_equal(T(&b, "\x1b[31mred"), "\\x1b[31mred");
	assert_string_equal(T(&b, "tab\there"), "tab\\x09here");
	assert_string_equal(T(&b, "del\x7f"), "del\\x7f");
	assert_string_equal(T(&b, "back\\slash"), "back\\\\slash");
	/* A literal "\x41" stays distinguishable from an escaped byte. */
	assert_string_equal(T(&b, "\\x41"), "\\\\x41");
	sbuf__free(&b);
}

static void test_text_unicode_controls_escaped(void **state)
{
	struct sbuf b = { 0 };

	/* C1 CSI (U+009B) acts as ESC [ on some terminals. */
	assert_string_equal(T(&b, "\xc2\x9b" "2J"), "\\xc2\\x9b2J");
	/* RIGHT-TO-LEFT OVERRIDE (U+202E) would reorder the line. */
	assert_string_equal(T(&b, "x\xe2\x80\xaey"), "x\\xe2\\x80\\xaey");
	/* LINE SEPARATOR (U+2028). */
	assert_string_equal(T(&b, "\xe2\x80\xa8"), "\\xe2\\x80\\xa8");
	sbuf__free(&b);
}

static void test_text_invalid_utf8(void **state)
{
	struct sbuf b = { 0 };

	assert_string_equal(T(&b, "\xff\xfe"), "\\xff\\xfe");
	assert_string_equal(T(&b, "\xc0\xaf"), "\\xc0\\xaf");		/* overlong '/' */
	assert_string_equal(T(&b, "\xed\xa0\x80"), "\\xed\\xa0\\x80");	/* surrogate */
	assert_string_equal(T(&b, "ok\xe2\x82"), "ok\\xe2\\x82");	/* truncated */
	sbuf__free(&b);
}

static void test_text_embedded_nul(void **state)
{
	struct sbuf b = { 0 };

	assert_string_equal(text(&b, "a\0b", 3), "a\\x00b");
	sbuf__free(&b);
}

static void test_cell_spaces(void **state)
{
	struct sbuf b = { 0 };

	sbuf__reset(&b);
	escape__cell(&b, "x  close tcp4", 13);
	assert_string_equal(sbuf__str(&b), "x\\x20\\x20close\\x20tcp4");
	sbuf__reset(&b);
	escape__cell(&b, "a\n b", 4);
	assert_string_equal(sbuf__str(&b), "a\\x0a\\x20b");
	sbuf__free(&b);
}

static void test_json_specials(void **state)
{
	struct sbuf b = { 0 };

	assert_string_equal(J(&b, "plain"), "\"plain\"");
	assert_string_equal(J(&b, "a\"b"), "\"a\\\"b\"");
	assert_string_equal(J(&b, "a\\b"), "\"a\\\\b\"");
	assert_string_equal(J(&b, "l1\nl2\r\t"), "\"l1\\nl2\\r\\t\"");
	assert_string_equal(J(&b, "\x1b[0m"), "\"\\u001b[0m\"");
	assert_string_equal(J(&b, "\x7f"), "\"\\u007f\"");
	assert_string_equal(J(&b, "\xc2\x9b"), "\"\\u009b\"");
	assert_string_equal(J(&b, "\xe2\x80\xa8"), "\"\\u2028\"");
	assert_string_equal(json(&b, "\0", 1), "\"\\u0000\"");
	sbuf__free(&b);
}

static void test_json_utf8(void **state)
{
	struct sbuf b = { 0 };

	assert_string_equal(J(&b, "caf\xc3\xa9 \xf0\x9f\x90\x8d"), "\"caf\xc3\xa9 \xf0\x9f\x90\x8d\"");
	/* Invalid bytes cannot reach a JSON parser: each becomes U+FFFD. */
	assert_string_equal(J(&b, "a\xff" "b\xc3"), "\"a\\ufffdb\\ufffd\"");
	sbuf__free(&b);
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
	struct sbuf b = { 0 };

	escape__item(&b, "x[1]/3,sshd", 11);
	assert_string_equal(sbuf__str(&b), "x\\x5b1\\x5d\\x2f3\\x2csshd");
	sbuf__reset(&b);
	escape__item(&b, "a b+'\"\\\n", 8);
	assert_string_equal(sbuf__str(&b), "a\\x20b\\x2b\\x27\\x22\\\\\\x0a");
	sbuf__free(&b);
}

/* A command line's argument: plain as text, or in '...' when it is empty
 * or holds a space or a quote. */
static void test_arg_quoting(void **state)
{
	struct sbuf b = { 0 };

	escape__arg(&b, "--port=80", 9);
	assert_string_equal(sbuf__str(&b), "--port=80");
	sbuf__reset(&b);
	escape__arg(&b, "", 0);
	assert_string_equal(sbuf__str(&b), "''");
	sbuf__reset(&b);
	escape__arg(&b, "it's a b", 8);
	assert_string_equal(sbuf__str(&b), "'it\\x27s a b'");
	sbuf__reset(&b);
	escape__arg(&b, "\x1b\n", 2);
	assert_string_equal(sbuf__str(&b), "\\x1b\\x0a");
	sbuf__free(&b);
}

UNIT_MAIN("escape", NULL, NULL,
	  cmocka_unit_test(test_text_plain_passes),
	  cmocka_unit_test(test_text_controls_escaped),
	  cmocka_unit_test(test_text_unicode_controls_escaped),
	  cmocka_unit_test(test_text_invalid_utf8),
	  cmocka_unit_test(test_text_embedded_nul),
	  cmocka_unit_test(test_cell_spaces),
	  cmocka_unit_test(test_json_specials),
	  cmocka_unit_test(test_json_utf8),
	  cmocka_unit_test(test_utf8_decode),
	  cmocka_unit_test(test_item_escapes_list_syntax),
	  cmocka_unit_test(test_arg_quoting))
