// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The bounded map behind the executable and cgroup-path caches. */
#include "unit.h"

#include <stdio.h>

#include "lib/fifomap.h"

static struct fifomap_key K(uint64_t a, uint64_t b)
{
	return (struct fifomap_key){ .a = a, .b = b };
}

static void test_get_what_was_put(void **state)
{
	struct fifomap *m = fifomap__new(8);
	const char *v = "untouched";

	(void)state;
	assert_non_null(m);
	assert_false(fifomap__get(m, K(1, 2), &v));
	assert_string_equal(v, "untouched");	/* a miss leaves *val alone */
	assert_int_equal(fifomap__put(m, K(1, 2), "/usr/sbin/nginx"), 0);
	assert_int_equal(fifomap__put(m, K(2, 1), "/usr/bin/dig"), 0);
	assert_true(fifomap__get(m, K(1, 2), &v));
	assert_string_equal(v, "/usr/sbin/nginx");
	/* Both halves of the key count: (2, 1) and (1, 1) are other keys. */
	assert_true(fifomap__get(m, K(2, 1), &v));
	assert_string_equal(v, "/usr/bin/dig");
	assert_false(fifomap__get(m, K(1, 1), &v));
	assert_int_equal(fifomap__count(m), 2);
	fifomap__free(m);
}

static void test_none_is_an_answer(void **state)
{
	struct fifomap *m = fifomap__new(4);
	const char *v = "x";

	(void)state;
	assert_int_equal(fifomap__put(m, K(7, 0), NULL), 0);
	assert_true(fifomap__get(m, K(7, 0), &v));
	assert_null(v);
	fifomap__free(m);
}

static void test_first_value_stays(void **state)
{
	struct fifomap *m = fifomap__new(4);
	char buf[16] = "/bin/a";
	const char *v;

	(void)state;
	assert_int_equal(fifomap__put(m, K(1, 0), buf), 0);
	strcpy(buf, "/bin/b");			/* the map keeps its own copy */
	assert_int_equal(fifomap__put(m, K(1, 0), buf), 0);
	assert_true(fifomap__get(m, K(1, 0), &v));
	assert_string_equal(v, "/bin/a");
	assert_int_equal(fifomap__count(m), 1);
	fifomap__free(m);
}

/* Full: the entry put first goes first, and only it; 1,000 puts through a
 * map of 3 keep the last 3 (the ring wraps many times). */
static void test_oldest_forgotten_first(void **state)
{
	struct fifomap *m = fifomap__new(3);
	char s[32];
	const char *v;

	(void)state;
	for (uint64_t i = 0; i < 1000; i++) {
		snprintf(s, sizeof(s), "/p/%llu", (unsigned long long)i);
		assert_int_equal(fifomap__put(m, K(i, i >> 1), s), 0);
		assert_true(fifomap__count(m) == (i < 3 ? i + 1 : 3));
	}
	for (uint64_t i = 0; i < 997; i++)
		assert_false(fifomap__get(m, K(i, i >> 1), &v));
	for (uint64_t i = 997; i < 1000; i++) {
		snprintf(s, sizeof(s), "/p/%llu", (unsigned long long)i);
		assert_true(fifomap__get(m, K(i, i >> 1), &v));
		assert_string_equal(v, s);
	}
	fifomap__free(m);
}

/* Many keys in one map: every one found (bucket chains hold). */
static void test_many_keys(void **state)
{
	struct fifomap *m = fifomap__new(0);	/* the default room: 4096 */
	const char *v;

	(void)state;
	for (uint64_t i = 1; i <= 4096; i++)
		assert_int_equal(fifomap__put(m, K(i << 32, 0), (i & 1) ? "odd" : NULL), 0);
	assert_int_equal(fifomap__count(m), 4096);
	for (uint64_t i = 1; i <= 4096; i++) {
		assert_true(fifomap__get(m, K(i << 32, 0), &v));
		if (i & 1)
			assert_string_equal(v, "odd");
		else
			assert_null(v);
	}
	assert_int_equal(fifomap__put(m, K(1ull << 40 | 1, 0), "new"), 0);
	assert_false(fifomap__get(m, K(1ull << 32, 0), &v));	/* the first put */
	assert_int_equal(fifomap__count(m), 4096);
	fifomap__free(m);
	fifomap__free(NULL);
}

UNIT_MAIN("fifomap", NULL, NULL,
	  cmocka_unit_test(test_get_what_was_put),
	  cmocka_unit_test(test_none_is_an_answer),
	  cmocka_unit_test(test_first_value_stays),
	  cmocka_unit_test(test_oldest_forgotten_first),
	  cmocka_unit_test(test_many_keys));
