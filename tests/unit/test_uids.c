// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* uids__real: remembered for a moment, not for good; pids are reused. */
#include "unit.h"

#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "proc/uids.h"

static char root[64];

static void write_status(uint32_t uid)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/4242/status", root);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "Name:\tnginx\nUid:\t%u\t%u\t%u\t%u\nGid:\t0\t0\t0\t0\n", uid, uid, uid, uid);
	assert_int_equal(fclose(f), 0);
}

static int setup(void **state)
{
	char dir[128];

	(void)state;
	snprintf(root, sizeof(root), "/tmp/portsnoop-uids-%d", (int)getpid());
	snprintf(dir, sizeof(dir), "%s/4242", root);
	return mkdir(root, 0700) || mkdir(dir, 0700) ? -1 : 0;
}

static int teardown(void **state)
{
	(void)state;
	return unit__rmtree(root);
}

/* Pid 4242 was www-data's; a day later it is another user's process. */
static void test_pid_reused_later(void **state)
{
	const uint64_t t0 = 1000ull * 1000 * 1000 * 1000, day = 86400ull * 1000 * 1000 * 1000;

	write_status(33);
	assert_int_equal(uids__real_in(root, 4242, 7, t0), 33);
	write_status(1000);
	/* Within one pass: the status file is read once. */
	assert_int_equal(uids__real_in(root, 4242, 7, t0 + 1000), 33);
	assert_int_equal(uids__real_in(root, 4242, 7, t0 + day), 1000);
}

static void test_unreadable_is_fallback(void **state)
{
	assert_int_equal(uids__real_in(root, 4243, 7, 5), 7);
}

UNIT_MAIN("uids", setup, teardown,
	  cmocka_unit_test(test_pid_reused_later),
	  cmocka_unit_test(test_unreadable_is_fallback))
