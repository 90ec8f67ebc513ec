// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* bootid__read: the id process.entity_id carries, and "" without one. */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "proc/bootid.h"

static void test_dashes_and_newline_dropped(void **state)
{
	char root[] = "/tmp/portsnoop-bootid-XXXXXX", path[128], id[64] = "x";
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(root));
	bootid__read(root, id, sizeof(id));
	assert_string_equal(id, "");	/* no such file */
	snprintf(path, sizeof(path), "%s/sys", root);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/sys/kernel", root);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/sys/kernel/random", root);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/sys/kernel/random/boot_id", root);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("0b9a6f3e-52c1-4d0e-9a7b-2f41c3d5e6f7\n", f);
	assert_int_equal(fclose(f), 0);
	bootid__read(root, id, sizeof(id));
	assert_string_equal(id, "0b9a6f3e52c14d0e9a7b2f41c3d5e6f7");
	bootid__read(root, id, 9);	/* cut to the room given */
	assert_string_equal(id, "0b9a6f3e");
	unlink(path);
	snprintf(path, sizeof(path), "%s/sys/kernel/random", root);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/sys/kernel", root);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/sys", root);
	rmdir(path);
	rmdir(root);
}

UNIT_MAIN("bootid", NULL, NULL, cmocka_unit_test(test_dashes_and_newline_dropped))
