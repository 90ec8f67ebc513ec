// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* bootid__read: the id process.entity_id carries, and "" without one. */
#include "unit.h"

#include <stdlib.h>

#include "proc/bootid.h"

static void test_dashes_and_newline_dropped(void **state)
{
	static const char id_file[] = "0b9a6f3e-52c1-4d0e-9a7b-2f41c3d5e6f7\n";
	char root[] = "/tmp/portsnoop-bootid-XXXXXX", id[64] = "x";

	(void)state;
	assert_non_null(mkdtemp(root));
	bootid__read(root, id, sizeof(id));
	assert_string_equal(id, "");	/* no such file */
	unit__put(root, "sys/kernel/random/boot_id", id_file, sizeof(id_file) - 1);
	bootid__read(root, id, sizeof(id));
	assert_string_equal(id, "0b9a6f3e52c14d0e9a7b2f41c3d5e6f7");
	bootid__read(root, id, 9);	/* cut to the room given */
	assert_string_equal(id, "0b9a6f3e");
	assert_int_equal(unit__rmtree(root), 0);
}

UNIT_MAIN("bootid", NULL, NULL, cmocka_unit_test(test_dashes_and_newline_dropped))
