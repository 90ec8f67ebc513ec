// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "unit.h"

#include <errno.h>
#include <stdio.h>
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
		"\"\\", "[\"a\",", "01", "-01", "1.", ".5", "1e", "1e+", "+1", "0x1", "1.2.3",
		"--1", "[01]", "{\"a\":1.}",
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


static int collect(void *ctx, const struct jsonr_step *st)
{
	char *out = ctx, text[64] = "";
	const struct jsonr *v = st->v;

	if (st->leave || st->in_array || !st->key)
		return 0;
	if (v->type == JSONR_STRING)
		assert_true(jsonr__decode(v, text, sizeof(text), true) >= 0);
	else if (v->type != JSONR_OBJECT && v->type != JSONR_ARRAY)
		snprintf(text, sizeof(text), "%.*s", (int)v->n, v->p);
	snprintf(out + strlen(out), 512 - strlen(out), "%s=%d:%s;", st->path, (int)v->type, text);
	return 0;
}

/* The members by dotted path, arrays said but not entered (the baseline's
 * reading). */
static void test_walk_paths(void **state)
{
	char out[512] = "";
	struct jsonr top;
	const char *why = NULL;
	static const char j[] = " {\"a\":{\"b\":\"x\\u00e9\\n\\\"\",\"c\":-1.5e3},\"d\":[{\"e\":1}],"
				"\"f\":true,\"g\":null} ";

	(void)state;
	assert_int_equal(jsonr__check(j, sizeof(j) - 1, 16, &top, &why), 0);
	assert_int_equal(jsonr__walk(&top, collect, out), 0);
	assert_string_equal(out, "a=1:;a.b=3:x\xc3\xa9\n\";a.c=4:-1.5e3;d=2:;f=5:true;g=7:null;");
	/* not an object: the caller sees it */
	assert_int_equal(jsonr__check("[1]", 3, 16, &top, &why), 0);
	assert_int_equal(top.type, JSONR_ARRAY);
	assert_int_equal(jsonr__check("{\"a\":01}", 8, 16, &top, &why), -EINVAL);
	assert_string_equal(why, "expected ',' or '}' in an object");
	assert_int_equal(jsonr__check("{\"a\":\"\x01\"}", 8, 16, &top, &why), -EINVAL);
	assert_string_equal(why, "a control character in a string");
	assert_int_equal(jsonr__check("{\"a\":1} x", 9, 16, &top, &why), -EINVAL);
	assert_string_equal(why, "more after the object");
	assert_int_equal(jsonr__check("[[[1]]]", 7, 2, &top, &why), -ELOOP);
	assert_int_equal(jsonr__check("[[1]]", 5, 2, &top, &why), 0);
}

struct rebuild {
	char out[256];
	size_t n;
};

static void put(struct rebuild *b, const char *p, size_t n)
{
	assert_true(b->n + n < sizeof(b->out));
	memcpy(b->out + b->n, p, n);
	b->n += n;
	b->out[b->n] = '\0';
}

/* Every step in order, with what it takes to write the text again (the
 * log's reading, -j). */
static int rebuild(void *ctx, const struct jsonr_step *st)
{
	struct rebuild *b = ctx;
	const struct jsonr *v = st->v;

	if (st->leave) {
		put(b, v->type == JSONR_OBJECT ? "}" : "]", 1);
		return 0;
	}
	if (!st->first)
		put(b, ",", 1);
	if (st->key) {
		put(b, st->key->p, st->key->n);
		put(b, st->in_array ? "@" : ":", 1);	/* keys inside arrays: no path */
		assert_true(st->in_array == !st->path);
	}
	put(b, v->p, v->type == JSONR_OBJECT || v->type == JSONR_ARRAY ? 1 : v->n);
	return 0;
}

static void test_walk_every_step(void **state)
{
	struct rebuild b = { "", 0 };
	struct jsonr top;
	static const char j[] = "{ \"a\" : [ 1 , { \"b\" : [] } , \"s\" ] , \"c\" : { } , \"d\":-0.5e-3}";

	(void)state;
	assert_int_equal(jsonr__parse(j, sizeof(j) - 1, &top), 0);
	assert_int_equal(jsonr__walk(&top, rebuild, &b), 0);
	assert_string_equal(b.out, "{\"a\":[1,{\"b\"@[]},\"s\"],\"c\":{},\"d\":-0.5e-3}");
}

static int stop_at_c(void *ctx, const struct jsonr_step *st)
{
	(*(int *)ctx)++;
	return st->path && !strcmp(st->path, "c") ? 7 : 0;
}

static void test_walk_paths_bounded(void **state)
{
	char j[400];
	struct jsonr top;
	int steps = 0;

	(void)state;
	/* a key that makes the path too long, and one with a NUL: no path */
	snprintf(j, sizeof(j), "{\"%0130d\":{\"x\":1},\"n\\u0000\":2,\"c\":3,\"z\":4}", 0);
	assert_int_equal(jsonr__parse(j, strlen(j), &top), 0);
	assert_int_equal(jsonr__walk(&top, stop_at_c, &steps), 7);	/* fn's non-zero */
	assert_int_equal(steps, 6);	/* top, the long key in and out, x, n, c */
}

static void test_numbers_and_strict_strings(void **state)
{
	struct jsonr v;
	uint64_t u;
	char out[16];

	(void)state;
	assert_int_equal(parse("18446744073709551615", &v), 0);
	assert_int_equal(jsonr__u64(&v, &u), 0);
	assert_true(u == UINT64_MAX);
	assert_int_equal(parse("18446744073709551616", &v), 0);
	assert_int_equal(jsonr__u64(&v, &u), -ERANGE);
	assert_int_equal(parse("-1", &v), 0);
	assert_int_equal(jsonr__u64(&v, &u), -ERANGE);
	assert_int_equal(parse("1.0", &v), 0);
	assert_int_equal(jsonr__u64(&v, &u), -ERANGE);
	assert_int_equal(parse("\"7\"", &v), 0);
	assert_int_equal(jsonr__u64(&v, &u), -ERANGE);
	/* a lone surrogate: U+FFFD, or refused when strict; a NUL is kept */
	assert_int_equal(parse("\"\\ud800x\"", &v), 0);
	assert_int_equal(jsonr__decode(&v, out, sizeof(out), true), -EILSEQ);
	assert_int_equal(jsonr__decode(&v, out, sizeof(out), false), 4);
	assert_int_equal(parse("\"a\\u0000b\"", &v), 0);
	assert_int_equal(jsonr__decode(&v, out, sizeof(out), true), 3);
	assert_memory_equal(out, "a\0b", 4);
}

UNIT_MAIN("jsonr", NULL, NULL,
	  cmocka_unit_test(test_members_and_arrays),
	  cmocka_unit_test(test_strings),
	  cmocka_unit_test(test_malformed),
	  cmocka_unit_test(test_walk_paths),
	  cmocka_unit_test(test_walk_every_step),
	  cmocka_unit_test(test_walk_paths_bounded),
	  cmocka_unit_test(test_numbers_and_strict_strings))
