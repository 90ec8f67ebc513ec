// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "unit.h"

#include <errno.h>
#include "lib/jsonr.h"

static int parse(const char *s, struct jsonr *v)
{
	return jsonr__parse(s, strlen(s), v);
}

static void test_members_and_arrays(void **state)
{
	struct jsonr top, v, e;
	char out[64];
	size_t pos = 0;
	int n = 0;

	(void)state;
	assert_int_equal(parse(" {\"a\": [1, \"x\", {\"b\":null}], \"k.e-y\":\"v\", \"a\":2} ", &top), 0);
	assert_int_equal(top.type, JSONR_OBJECT);
	assert_int_equal(jsonr__member(&top, "k.e-y", &v), 0);
	assert_int_equal(jsonr__string(&v, out, sizeof(out)), 1);
	assert_string_equal(out, "v");
	assert_int_equal(jsonr__member(&top, "a", &v), 0);	/* the first "a" */
	assert_int_equal(v.type, JSONR_ARRAY);
	while (jsonr__next(&v, &pos, &e))
		n++;
	assert_int_equal(n, 3);
	assert_int_equal(e.type, JSONR_OBJECT);
	assert_int_equal(jsonr__member(&top, "b", &v), -ENOENT);	/* not nested */
	assert_int_equal(parse("[]", &v), 0);
	pos = 0;
	assert_int_equal(jsonr__next(&v, &pos, &e), 0);
}

static void test_strings(void **state)
{
	struct jsonr v;
	char out[9];

	(void)state;
	assert_int_equal(parse("\"a\\u00e9\\n\\ud83d\\ude00\"", &v), 0);
	assert_int_equal(jsonr__string(&v, out, sizeof(out)), 8);
	assert_memory_equal(out, "a\xc3\xa9\n\xf0\x9f\x98\x80", 9);
	/* too long for out: refused, not cut */
	assert_int_equal(parse("\"abcdefghi\"", &v), 0);
	assert_int_equal(jsonr__string(&v, out, sizeof(out)), -ENOSPC);
	/* a NUL inside a name is refused; a lone surrogate is U+FFFD */
	assert_int_equal(parse("\"a\\u0000b\"", &v), 0);
	assert_int_equal(jsonr__string(&v, out, sizeof(out)), -EINVAL);
	assert_int_equal(parse("\"\\udc00\"", &v), 0);
	assert_int_equal(jsonr__string(&v, out, sizeof(out)), 3);
	assert_string_equal(out, "\xef\xbf\xbd");
}

static void test_malformed(void **state)
{
	static const char *const bad[] = {
		"", " ", "{", "[1,]", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "\"abc", "\"a\\x\"",
		"\"a\\u12\"", "\"tab\there\"", "tru", "nul", "-", "1 2", "{} x", "[1}", "{a:1}",
		"\"\\", "[\"a\",",
	};
	char deep[200];
	struct jsonr v;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (parse(bad[i], &v) != -EINVAL)
			fail_msg("accepted '%s'", bad[i]);
	/* nesting past the bound is an error, not a deep recursion */
	memset(deep, '[', 100);
	memset(deep + 100, ']', 100);
	assert_int_equal(jsonr__parse(deep, sizeof(deep), &v), -EINVAL);
	assert_int_equal(jsonr__parse(deep + 100 - JSONR_MAX_DEPTH, 2 * JSONR_MAX_DEPTH, &v), 0);
	/* a value's bytes end at len: nothing past it is read */
	assert_int_equal(jsonr__parse("\"ab\"", 3, &v), -EINVAL);
}

UNIT_MAIN("jsonr", NULL, NULL,
	  cmocka_unit_test(test_members_and_arrays),
	  cmocka_unit_test(test_strings),
	  cmocka_unit_test(test_malformed))
