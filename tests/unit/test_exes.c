// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The kernel's executables and cgroup paths, and how they join /proc's. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "proc/cgpaths.h"
#include "proc/exes.h"
#include "proc/procview.h"

#define NAMES(s) s, sizeof(s) - 1	/* with the last name's NUL */

static void test_path_from_names(void **state)
{
	char out[64];

	assert_int_equal(exes__path(NAMES("nginx\0sbin\0usr\0"), out, sizeof(out)), 15);
	assert_string_equal(out, "/usr/sbin/nginx");
	assert_int_equal(exes__path(NAMES("init\0"), out, sizeof(out)), 5);
	assert_string_equal(out, "/init");
	/* Names are raw bytes: spaces and newlines are kept (escaped on output). */
	assert_int_equal(exes__path(NAMES("a b\nc\0tmp\0"), out, sizeof(out)), 10);
	assert_string_equal(out, "/tmp/a b\nc");
	/* Broken records: empty, no final NUL, an empty name, a '/' in a name. */
	assert_int_equal(exes__path("", 0, out, sizeof(out)), -EINVAL);
	assert_int_equal(exes__path("usr", 3, out, sizeof(out)), -EINVAL);
	assert_int_equal(exes__path(NAMES("x\0\0usr\0"), out, sizeof(out)), -EINVAL);
	assert_int_equal(exes__path(NAMES("a/b\0usr\0"), out, sizeof(out)), -EINVAL);
	/* Exactly fits, one byte short. */
	assert_int_equal(exes__path(NAMES("nginx\0sbin\0usr\0"), out, 16), 15);
	assert_int_equal(exes__path(NAMES("nginx\0sbin\0usr\0"), out, 15), -ENAMETOOLONG);
}

static void test_programs_apart(void **state)
{
	struct exes *t = exes__new(2);

	assert_non_null(t);
	exes__exec(t, 10, 1000, 1, NAMES("sh\0bin\0"), false);
	exes__exec(t, 10, 1000, 2, NAMES("nginx\0sbin\0usr\0"), false);
	/* One process, two programs; another process on the same pid. */
	assert_string_equal(exes__find(t, 10, 1000, 1), "/bin/sh");
	assert_string_equal(exes__find(t, 10, 1000, 2), "/usr/sbin/nginx");
	assert_null(exes__find(t, 10, 2000, 2));
	assert_null(exes__find(t, 11, 1000, 2));
	/* A cut walk is not a path: nothing is invented. */
	exes__exec(t, 12, 1000, 1, NAMES("nginx\0sbin\0"), true);
	assert_null(exes__find(t, 12, 1000, 1));
	/* Full: the oldest exec goes first. */
	exes__exec(t, 13, 1000, 1, NAMES("true\0bin\0"), false);
	assert_int_equal(exes__count(t), 2);
	assert_null(exes__find(t, 10, 1000, 1));
	assert_string_equal(exes__find(t, 10, 1000, 2), "/usr/sbin/nginx");
	assert_string_equal(exes__find(t, 13, 1000, 1), "/bin/true");
	exes__free(t);
}

static void test_cgroup_relative(void **state)
{
	char out[64];

	assert_int_equal(cgpaths__relative("/sys/fs/cgroup", "/sys/fs/cgroup/a/b.scope", out,
					   sizeof(out)), 0);
	assert_string_equal(out, "/a/b.scope");
	assert_int_equal(cgpaths__relative("/sys/fs/cgroup", "/sys/fs/cgroup", out,
					   sizeof(out)), 0);
	assert_string_equal(out, "/");
	/* Mounted at "/" (a private mount seen from inside). */
	assert_int_equal(cgpaths__relative("/", "/a", out, sizeof(out)), 0);
	assert_string_equal(out, "/a");
	/* A sibling whose name starts the same is not below the mount. */
	assert_int_equal(cgpaths__relative("/sys/fs/cgroup", "/sys/fs/cgroupX/a", out,
					   sizeof(out)), -EXDEV);
	assert_int_equal(cgpaths__relative("/sys/fs/cgroup", "/sys/fs/cgroup/a", out, 2),
			 -ENAMETOOLONG);
}

static void test_no_mount_no_paths(void **state)
{
	struct cgpaths *c = cgpaths__new(-1, 0);

	assert_non_null(c);
	assert_null(cgpaths__get(c, 4242));
	assert_non_null(cgpaths__why_not(c));
	assert_int_equal(cgpaths__loads(c), 0);
	cgpaths__free(c);
}

static void test_strip_deleted(void **state)
{
	char out[32];

	assert_true(procview__strip_deleted("/tmp/x (deleted)", out, sizeof(out)));
	assert_string_equal(out, "/tmp/x");
	assert_false(procview__strip_deleted("/tmp/x", out, sizeof(out)));
	assert_false(procview__strip_deleted(" (deleted)", out, sizeof(out)));
	assert_false(procview__strip_deleted("/tmp/x (deleted)", out, 6));
}

/* The kernel's executable of this very program wins over /proc's (which may
 * show a later exec); /proc's " (deleted)" goes only when the kernel saw the
 * file unlinked. */
static void test_merge(void **state)
{
	struct procview_opts o = { .cgroup_fd = -1 };
	struct procview *v = procview__new(&o);
	struct ps_event ev = { .pid = 7, .start_ns = 5, .exec_id = 1 };
	char later[] = "/usr/bin/later (deleted)";
	struct proc_info p = { .exe = later };
	struct proc_view pv;
	const struct proc_info *i;

	assert_non_null(v);
	assert_null(procview__merge(v, &ev, NULL, &pv));
	i = procview__merge(v, &ev, &p, &pv);
	assert_string_equal(i->exe, "/usr/bin/later (deleted)");
	ev.flags = PS_F_EXE_DELETED;
	i = procview__merge(v, &ev, &p, &pv);
	assert_string_equal(i->exe, "/usr/bin/later");
	procview__exec(v, &ev, NAMES("first\0bin\0usr\0"));
	i = procview__merge(v, &ev, &p, &pv);
	assert_string_equal(i->exe, "/usr/bin/first");
	i = procview__merge(v, &ev, NULL, &pv);
	assert_non_null(i);
	assert_string_equal(i->exe, "/usr/bin/first");
	assert_null(i->cmdline);
	procview__free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_path_from_names),
		cmocka_unit_test(test_programs_apart),
		cmocka_unit_test(test_cgroup_relative),
		cmocka_unit_test(test_no_mount_no_paths),
		cmocka_unit_test(test_strip_deleted),
		cmocka_unit_test(test_merge),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
