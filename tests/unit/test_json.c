// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)

#include "unit.h"
#include "output/json.h"

/* Ends the object, checks it is want, and frees the buffer. */
static void expect_json(struct jw *w, struct sbuf *b, const char *want)
{
	jw__end(w);
	assert_string_equal(sbuf__str(b), want);
	sbuf__free(b);
}

static void test_flat(void **state)
{
	struct sbuf b = { 0 };
	struct jw w;

	jw__begin(&w, &b);
	jw__uint(&w, "a", 1);
	jw__cstr(&w, "b", "x");
	jw__bool(&w, "c", true);
	jw__int(&w, "d", -5);
	expect_json(&w, &b, "{\"a\":1,\"b\":\"x\",\"c\":true,\"d\":-5}");
}

static void test_empty(void **state)
{
	struct sbuf b = { 0 };
	struct jw w;

	jw__begin(&w, &b);
	expect_json(&w, &b, "{}");
}

static void test_nesting_by_prefix(void **state)
{
	struct sbuf b = { 0 };
	struct jw w;

	jw__begin(&w, &b);
	jw__cstr(&w, "@timestamp", "t");
	jw__uint(&w, "process.pid", 7);
	jw__uint(&w, "process.thread.id", 8);
	jw__uint(&w, "process.parent.pid", 1);
	jw__cstr(&w, "process.name", "n");
	jw__cstr(&w, "event.action", "bind");
	jw__uint(&w, "server.port", 80);
	expect_json(&w, &b, "{\"@timestamp\":\"t\",\"process\":{\"pid\":7,\"thread\":{\"id\":8},"
			    "\"parent\":{\"pid\":1},\"name\":\"n\"},\"event\":{\"action\":"
			    "\"bind\"},\"server\":{\"port\":80}}");
}

static void test_prefix_is_a_whole_segment(void **state)
{
	struct sbuf b = { 0 };
	struct jw w;

	/* "proc" must not be mistaken for the open "process" object. */
	jw__begin(&w, &b);
	jw__uint(&w, "process.pid", 1);
	jw__uint(&w, "proc.x", 2);
	expect_json(&w, &b, "{\"process\":{\"pid\":1},\"proc\":{\"x\":2}}");
}

static void test_values_escaped(void **state)
{
	struct sbuf b = { 0 };
	struct jw w;

	jw__begin(&w, &b);
	jw__str(&w, "k", "\"}\n", 3);
	expect_json(&w, &b, "{\"k\":\"\\\"}\\n\"}");
}

/* Keys split ahead of time write what the same keys as strings write,
 * through every change of depth; the body writers as jw__str and friends. */
static void test_split_keys_same_as_strings(void **state)
{
	static const char *const keys[] = { "@t", "p.pid", "p.thread.id", "p.thread.name",
					    "p.parent.pid", "p.name", "e.kind", "a.b.c.d",
					    "a.b.e", "z" };
	struct jw_key split[sizeof(keys) / sizeof(keys[0])];
	struct sbuf b1 = { 0 }, b2 = { 0 };
	struct jw w1, w2;

	jw__key_split(keys, sizeof(keys) / sizeof(keys[0]), split);
	assert_int_equal(split[2].parent, split[3].parent);
	assert_int_not_equal(split[1].parent, split[2].parent);
	assert_int_equal(split[1].parent, split[5].parent);
	jw__begin(&w1, &b1);
	jw__begin(&w2, &b2);
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		/* Strings through jw__str, jw__text, jw__str_list in turn. */
		switch (i % 3) {
		case 0:
			jw__str(&w1, keys[i], "a\"b", 3);
			break;
		case 1:
			jw__text(&w1, keys[i], "x\0y", 3);
			break;
		default:
			jw__str_list(&w1, keys[i], "x\0\n", 3);
			break;
		}
		jw__name(&w2, &split[i]);
		switch (i % 3) {
		case 0:
			json__str_body(&b2, "a\"b", 3);
			break;
		case 1:
			json__text_body(&b2, "x\0y", 3);
			break;
		default:
			json__list_body(&b2, "x\0\n", 3);
			break;
		}
	}
	jw__end(&w1);
	jw__end(&w2);
	assert_string_equal(sbuf__str(&b2), sbuf__str(&b1));
	assert_string_equal(sbuf__str(&b1),
		"{\"@t\":\"a\\\"b\",\"p\":{\"pid\":\"x y\",\"thread\":{\"id\":[\"x\",\"\\n\"],"
		"\"name\":\"a\\\"b\"},\"parent\":{\"pid\":\"x y\"},\"name\":[\"x\",\"\\n\"]},"
		"\"e\":{\"kind\":\"a\\\"b\"},\"a\":{\"b\":{\"c\":{\"d\":\"x y\"},"
		"\"e\":[\"x\",\"\\n\"]}},\"z\":\"a\\\"b\"}");
	sbuf__free(&b1);
	sbuf__free(&b2);
}

UNIT_MAIN("json", NULL, NULL,
	  cmocka_unit_test(test_split_keys_same_as_strings),
	  cmocka_unit_test(test_flat),
	  cmocka_unit_test(test_empty),
	  cmocka_unit_test(test_nesting_by_prefix),
	  cmocka_unit_test(test_prefix_is_a_whole_segment),
	  cmocka_unit_test(test_values_escaped))
