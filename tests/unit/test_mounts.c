// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <string.h>

#include "unit.h"
#include "proc/mounts.h"

static const char sample[] =
	"22 1 252:0 / / rw,relatime shared:1 - ext4 /dev/vda rw\n"
	"30 22 0:26 / /sys/fs/cgroup rw,nosuid - tmpfs tmpfs ro,mode=755\n"
	"40 30 0:35 / /sys/fs/cgroup/cpu rw shared:9 - cgroup cgroup rw,cpu\n"
	"41 30 0:36 / /sys/fs/cgroup/my\\040unified rw master:3 shared:10 - cgroup2 cgroup2 rw\n"
	"50 22 0:40 / /sys/kernel/tracing rw - tracefs tracefs rw";

static void test_finds_by_type(void **state)
{
	char out[256];

	assert_int_equal(mounts__find(sample, strlen(sample), "cgroup2", out, sizeof(out)), 0);
	assert_string_equal(out, "/sys/fs/cgroup/my unified");
	assert_int_equal(mounts__find(sample, strlen(sample), "cgroup", out, sizeof(out)), 0);
	assert_string_equal(out, "/sys/fs/cgroup/cpu");
	/* The last line has no newline. */
	assert_int_equal(mounts__find(sample, strlen(sample), "tracefs", out, sizeof(out)), 0);
	assert_string_equal(out, "/sys/kernel/tracing");
}

static void test_missing_and_small(void **state)
{
	char out[8];

	assert_int_equal(mounts__find(sample, strlen(sample), "bpf", out, sizeof(out)), -ENOENT);
	assert_int_equal(mounts__find(sample, strlen(sample), "cgroup2", out, sizeof(out)),
			 -ENAMETOOLONG);
	assert_int_equal(mounts__find("", 0, "cgroup2", out, sizeof(out)), -ENOENT);
}

static void test_malformed_lines(void **state)
{
	static const char bad[] = "garbage\n - \n1 2 3\n - cgroup2\n"
				  "9 9 0:1 / /ok rw - cgroup2 x rw\n";
	char out[64];

	assert_int_equal(mounts__find(bad, strlen(bad), "cgroup2", out, sizeof(out)), 0);
	assert_string_equal(out, "/ok");
}

static void test_reads_file(void **state)
{
	char out[256];

	assert_int_equal(mounts__find_in("/nonexistent/mountinfo", "cgroup2", out, sizeof(out)),
			 -ENOENT);
}

UNIT_MAIN("mounts", NULL, NULL,
	  cmocka_unit_test(test_finds_by_type),
	  cmocka_unit_test(test_missing_and_small),
	  cmocka_unit_test(test_malformed_lines),
	  cmocka_unit_test(test_reads_file))
