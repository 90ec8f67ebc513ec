// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "proc/caps.h"

#define BIT(c) (1ULL << (c))

static void test_caps(void **state)
{
	char buf[128];

	assert_int_equal(caps__missing(0, buf, sizeof(buf)), 3);
	assert_string_equal(buf, "CAP_BPF, CAP_PERFMON, CAP_NET_ADMIN");
	assert_int_equal(caps__missing(BIT(CAPS_BPF) | BIT(CAPS_PERFMON) |
				       BIT(CAPS_NET_ADMIN), buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
	/* CAP_SYS_ADMIN covers BPF and PERFMON, not NET_ADMIN. */
	assert_int_equal(caps__missing(BIT(CAPS_SYS_ADMIN), buf, sizeof(buf)), 1);
	assert_string_equal(buf, "CAP_NET_ADMIN");
	assert_int_equal(caps__missing(~0ULL, buf, sizeof(buf)), 0);
}

static void test_btf(void **state)
{
	char msg[256] = "";

	assert_int_equal(caps__btf("/nonexistent/vmlinux", msg, sizeof(msg)), -ENOENT);
	assert_non_null(strstr(msg, "/nonexistent/vmlinux"));
	assert_non_null(strstr(msg, "No such file"));
	assert_null(strchr(msg, '\n'));
	assert_int_equal(caps__btf("/dev/null/vmlinux", msg, sizeof(msg)), -ENOTDIR);
	assert_non_null(strstr(msg, "/dev/null/vmlinux"));
	/* Any readable file passes: its content is libbpf's to judge. */
	char path[] = "/tmp/test_caps.XXXXXX";
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	msg[0] = '\0';
	assert_int_equal(caps__btf(path, msg, sizeof(msg)), 0);
	assert_string_equal(msg, "");
	close(fd);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_caps),
		cmocka_unit_test(test_btf),
	};

	return cmocka_run_group_tests_name("caps", tests, NULL, NULL);
}
