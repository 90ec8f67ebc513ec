// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdint.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "unit.h"

#include "proc/caps.h"

#define BIT(c) (1ULL << (c))

static void test_caps(void **state)
{
	const uint64_t all = BIT(CAPS_BPF) | BIT(CAPS_PERFMON) | BIT(CAPS_NET_ADMIN) |
			     BIT(CAPS_SYS_ADMIN) | BIT(CAPS_SYS_PTRACE) |
			     BIT(CAPS_DAC_READ_SEARCH);
	char buf[160];

	assert_int_equal(caps__missing(0, 40, buf, sizeof(buf)), 6);
	assert_string_equal(buf, "CAP_BPF, CAP_PERFMON, CAP_NET_ADMIN, CAP_SYS_ADMIN, "
				 "CAP_SYS_PTRACE, CAP_DAC_READ_SEARCH");
	assert_int_equal(caps__missing(all, 40, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
	/* Each one is needed: without any one of them, it is named alone. */
	assert_int_equal(caps__missing(all & ~BIT(CAPS_BPF), 40, buf, sizeof(buf)), 1);
	assert_string_equal(buf, "CAP_BPF");
	assert_int_equal(caps__missing(all & ~BIT(CAPS_PERFMON), 40, buf, sizeof(buf)), 1);
	assert_string_equal(buf, "CAP_PERFMON");
	assert_int_equal(caps__missing(all & ~BIT(CAPS_SYS_PTRACE), 40, buf, sizeof(buf)), 1);
	assert_string_equal(buf, "CAP_SYS_PTRACE");
	assert_int_equal(caps__missing(all & ~BIT(CAPS_DAC_READ_SEARCH), 40, buf,
				       sizeof(buf)), 1);
	assert_string_equal(buf, "CAP_DAC_READ_SEARCH");
	/* A kernel before 5.8 (last capability 37) knows no CAP_BPF or CAP_PERFMON. */
	assert_int_equal(caps__missing(all & ~(BIT(CAPS_BPF) | BIT(CAPS_PERFMON)), 37, buf,
				       sizeof(buf)), 0);
	assert_int_equal(caps__missing(~0ULL, 63, buf, sizeof(buf)), 0);
	/* A short buffer is cut, never overrun; the count is still right. */
	assert_int_equal(caps__missing(0, 40, buf, 10), 6);
	assert_int_equal(strlen(buf), 9);
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
	/* Issue 24: a file that is neither BTF nor ELF is refused in words
	 * (libbpf said "Unknown error 4001"); BTF and ELF files pass, the rest
	 * of their content is libbpf's to judge. */
	char path[] = "/tmp/test_caps.XXXXXX";
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, "root:x:0:0::/root:/bin/sh\n", 26), 26);
	assert_int_equal(caps__btf(path, msg, sizeof(msg)), -EINVAL);
	assert_non_null(strstr(msg, "not a BTF file"));
	assert_non_null(strstr(msg, path));
	assert_int_equal(pwrite(fd, "\x9f\xeb\x01\x00", 4, 0), 4);	/* BTF_MAGIC */
	msg[0] = '\0';
	assert_int_equal(caps__btf(path, msg, sizeof(msg)), 0);
	assert_string_equal(msg, "");
	assert_int_equal(pwrite(fd, "\x7f" "ELF", 4, 0), 4);
	assert_int_equal(caps__btf(path, msg, sizeof(msg)), 0);
	close(fd);
	unlink(path);
}

UNIT_MAIN("caps", NULL, NULL,
	  cmocka_unit_test(test_caps),
	  cmocka_unit_test(test_btf))
