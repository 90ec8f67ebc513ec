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

UNIT_MAIN("json", NULL, NULL,
	  cmocka_unit_test(test_flat),
	  cmocka_unit_test(test_empty),
	  cmocka_unit_test(test_nesting_by_prefix),
	  cmocka_unit_test(test_prefix_is_a_whole_segment),
	  cmocka_unit_test(test_values_escaped))
