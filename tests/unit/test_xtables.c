// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Which iptables-legacy tables a namespace has, from a /proc tree made
 * here: the kernel's list, names that only look like the one asked, no
 * file, a huge file. */
#include <stdlib.h>

#include "unit.h"
#include "proc/xtables.h"

#define NAMES_FILE "net/ip_tables_names"

static int has(const char *root, const char *text, size_t len, const char *table)
{
	unit__put(root, NAMES_FILE, text, len);
	return xtables__has_table(root, table);
}

static void test_tables(void **state)
{
	char root[] = "/tmp/portsnoop-xtables-XXXXXX", *huge;
	size_t n = 1 << 20;

	(void)state;
	assert_non_null(mkdtemp(root));
	assert_int_equal(xtables__has_table(root, "nat"), -ENOENT);
	assert_int_equal(has(root, "filter\nnat\nmangle\n", 18, "nat"), 1);
	assert_int_equal(has(root, "filter\nnat\nmangle\n", 18, "raw"), 0);
	assert_int_equal(has(root, "", 0, "nat"), 0);
	/* Only a whole line is a name. */
	assert_int_equal(has(root, "natural\nfilter\n", 15, "nat"), 0);
	assert_int_equal(has(root, " nat\nna\n", 8, "nat"), 0);
	assert_int_equal(has(root, "filter\nnat", 10, "nat"), 0);	/* cut short */
	assert_int_equal(has(root, "nat\0\n", 5, "nat"), 0);
	/* A megabyte of other names, then nat; a megabyte-long line. */
	huge = malloc(n);
	assert_non_null(huge);
	for (size_t i = 0; i + 1 < n; i += 2)
		memcpy(huge + i, "x\n", 2);
	memcpy(huge + n - 4, "nat\n", 4);
	assert_int_equal(has(root, huge, n, "nat"), 1);
	memset(huge, 'n', n - 1);
	assert_int_equal(has(root, huge, n, "nat"), 0);
	free(huge);
	assert_int_equal(unit__rmtree(root), 0);
}

UNIT_MAIN("xtables", NULL, NULL, cmocka_unit_test(test_tables))
