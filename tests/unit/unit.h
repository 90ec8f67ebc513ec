/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* What every cmocka test file needs: its headers, text checks, making and
 * removing the folders it uses, its main(). */
#ifndef PS_UNIT_H
#define PS_UNIT_H

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <ftw.h>
#include <sys/stat.h>
#include <cmocka.h>

static inline void unit__contains(const char *hay, const char *needle)
{
	if (!strstr(hay, needle))
		fail_msg("'%s' not in '%s'", needle, hay);
}

static inline void unit__lacks(const char *hay, const char *needle)
{
	if (strstr(hay, needle))
		fail_msg("'%s' unexpectedly in '%s'", needle, hay);
}

/* mkdir -p ROOT/PATH, PATH relative: the test fails on any error but a
 * folder that is there already. */
static inline void unit__mkdirs(const char *root, const char *path)
{
	char p[512];
	size_t n = (size_t)snprintf(p, sizeof(p), "%s/%s", root, path);

	assert_true(n < sizeof(p));
	for (size_t i = strlen(root) + 1; i <= n; i++) {
		if (p[i] != '/' && p[i])
			continue;
		p[i] = '\0';
		if (mkdir(p, 0700) && errno != EEXIST)
			fail_msg("mkdir %s: %s", p, strerror(errno));
		if (i < n)
			p[i] = '/';
	}
}

/* ROOT/PATH holds text[0..len) (its folders made as needed). */
static inline void unit__put(const char *root, const char *path, const char *text,
			     size_t len)
{
	char full[512];
	const char *slash = strrchr(path, '/');
	FILE *f;

	if (slash) {
		char dir[512];

		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
		unit__mkdirs(root, dir);
	}
	assert_true((size_t)snprintf(full, sizeof(full), "%s/%s", root, path) < sizeof(full));
	f = fopen(full, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static inline int unit__remove_one(const char *path, const struct stat *st, int type,
				   struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	return remove(path);
}

/* Removes the folder a test made, with all it holds: 0, or -1. */
static inline int unit__rmtree(const char *dir)
{
	return nftw(dir, unit__remove_one, 8, FTW_DEPTH | FTW_PHYS);
}

/*
 * main() running the group `name` of the tests listed (cmocka_unit_test(f),
 * ...), with setup and teardown for the whole group (or NULL).
 */
#define UNIT_MAIN(name, setup, teardown, ...)					\
	int main(void)								\
	{									\
		const struct CMUnitTest tests[] = { __VA_ARGS__ };		\
										\
		return cmocka_run_group_tests_name(name, tests, setup, teardown); \
	}

#endif
