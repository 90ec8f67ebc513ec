// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The files a process has open for writing, from a /proc tree made here. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"
#include "proc/written.h"

static void test_flags(void **state)
{
	unsigned long fl = 7;

	assert_int_equal(written__flags("pos:\t0\nflags:\t0100001\nmnt_id:\t29\n", &fl), 0);
	assert_int_equal(fl, 0100001);
	assert_int_equal(written__flags("flags:\t02\n", &fl), 0);
	assert_int_equal(fl, 02);
	fl = 7;
	assert_int_equal(written__flags("pos:\t0\nmnt_id:\t29\n", &fl), -ENOENT);
	assert_int_equal(written__flags("", &fl), -ENOENT);
	assert_int_equal(fl, 7);
}

struct seen {
	char paths[8][64];
	int n;
};

static void seen_add(void *ctx, const char *path)
{
	struct seen *s = ctx;

	if (s->n < 8)
		snprintf(s->paths[s->n++], sizeof(s->paths[0]), "%s", path);
}

/* root/42/fd/N -> target, and root/42/fdinfo/N with those flags. */
static void fd(const char *root, int n, const char *target, const char *flags)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/42/fd/%d", root, n);
	assert_int_equal(symlink(target, path), 0);
	snprintf(path, sizeof(path), "%s/42/fdinfo/%d", root, n);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "pos:\t0\nflags:\t%s\nmnt_id:\t29\n", flags);
	fclose(f);
}

static void test_each(void **state)
{
	char root[] = "/tmp/ps-written-XXXXXX";
	struct seen s = { .n = 0 };

	assert_non_null(mkdtemp(root));
	unit__mkdirs(root, "42/fd");
	unit__mkdirs(root, "42/fdinfo");
	fd(root, 3, "/var/log/app.log", "0102001");	/* O_WRONLY|O_APPEND|O_LARGEFILE */
	fd(root, 4, "/etc/passwd", "0100000");		/* read only */
	fd(root, 5, "socket:[4242]", "02");		/* not a path */
	fd(root, 6, "/dev/null", "0100002");		/* a device */
	fd(root, 7, "/srv/db/data", "0100002");		/* O_RDWR */

	assert_int_equal(written__each(root, 42, seen_add, &s), 0);
	assert_int_equal(s.n, 2);
	/* readdir's order: either may come first. */
	if (strcmp(s.paths[0], "/var/log/app.log"))
		assert_string_equal(s.paths[1], "/var/log/app.log");
	assert_true(!strcmp(s.paths[0], "/srv/db/data") || !strcmp(s.paths[1], "/srv/db/data"));

	assert_int_equal(written__each(root, 43, seen_add, &s), -ENOENT);

	assert_int_equal(unit__rmtree(root), 0);
}

UNIT_MAIN("written", NULL, NULL,
	  cmocka_unit_test(test_flags),
	  cmocka_unit_test(test_each))
