// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "unit.h"

#include "proc/container.h"
#include "proc/procinfo.h"
#include "output/users.h"

/* A comm may hold spaces and ')': fields count from the last ')'. */
static void test_stat_plain_and_hostile_comm(void **state)
{
	static const struct {
		const char *stat;
		int ppid;
		unsigned long long start;
	} cases[] = {
		{ "4242 (nginx) S 1 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 "
		  "20 0 1 0 123456 10000 100 18446744073709551615\n", 1, 123456 },
		{ "77 (a) S 9 9 (b) R 3 77 77 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 999 0 0\n", 3, 999 },
	};
	struct proc_stat st;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(procinfo__parse_stat(cases[i].stat, strlen(cases[i].stat), &st), 0);
		assert_int_equal(st.ppid, cases[i].ppid);
		assert_int_equal(st.start_ticks, cases[i].start);
	}
}

static void test_stat_truncated(void **state)
{
	static const char s[] = "77 (x) S 1 2 3";
	struct proc_stat st;

	assert_int_equal(procinfo__parse_stat(s, strlen(s), &st), -EINVAL);
	assert_int_equal(procinfo__parse_stat("garbage", 7, &st), -EINVAL);
	assert_int_equal(procinfo__parse_stat("", 0, &st), -EINVAL);
}

static void test_cgroup(void **state)
{
	static const char v1v2[] = "12:pids:/user.slice\n1:name=systemd:/x\n0::/system.slice/"
				   "nginx.service\n";
	char out[256];

	assert_int_equal(procinfo__parse_cgroup(v1v2, strlen(v1v2), out, sizeof(out)), 0);
	assert_string_equal(out, "/system.slice/nginx.service");
	assert_int_equal(procinfo__parse_cgroup("1:cpu:/a\n", 9, out, sizeof(out)), -ENOENT);
	assert_int_equal(procinfo__parse_cgroup(v1v2, strlen(v1v2), out, 5), -ENAMETOOLONG);
}

#define ID "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static void test_containers(void **state)
{
	struct container c;

	container__classify("/system.slice/docker-" ID ".scope", &c);
	assert_string_equal(c.runtime, "docker");
	assert_string_equal(c.id, ID);
	container__classify("/docker/" ID, &c);
	assert_string_equal(c.runtime, "docker");
	assert_string_equal(c.id, ID);
	container__classify("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-"
			    "pod1234.slice/cri-containerd-" ID ".scope", &c);
	assert_string_equal(c.runtime, "containerd");
	assert_string_equal(c.id, ID);
	container__classify("/kubepods.slice/kubepods-pod1.slice/crio-" ID ".scope", &c);
	assert_string_equal(c.runtime, "cri-o");
	container__classify("/machine.slice/libpod-" ID ".scope/container", &c);
	assert_string_equal(c.runtime, "podman");
	assert_string_equal(c.id, ID);
	/* cgroupfs under kubepods: the id is there, the runtime is not claimed. */
	container__classify("/kubepods/burstable/pod1234/" ID, &c);
	assert_null(c.runtime);
	assert_string_equal(c.id, ID);
	assert_string_equal(c.pod_uid, "");	/* "1234" is no UID */
}

#define UID "0f3c9a2e-5b1d-4c7e-9a8b-1234567890ab"
#define UID_ "0f3c9a2e_5b1d_4c7e_9a8b_1234567890ab"

static void test_pod_uids(void **state)
{
	struct container c;

	/* systemd driver: '-' separates slice levels, so the UID has '_'. */
	container__classify("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod"
			    UID_ ".slice/cri-containerd-" ID ".scope", &c);
	assert_string_equal(c.pod_uid, UID);
	assert_string_equal(c.id, ID);
	container__classify("/kubepods.slice/kubepods-pod" UID_ ".slice", &c);
	assert_string_equal(c.pod_uid, UID);
	assert_string_equal(c.id, "");
	/* cgroupfs driver */
	container__classify("/kubepods/besteffort/pod" UID "/" ID, &c);
	assert_string_equal(c.pod_uid, UID);
	/* Not a UID: too short, upper case, a dash misplaced, no kubepods slice. */
	container__classify("/kubepods.slice/kubepods-pod0f3c9a2e_5b1d.slice", &c);
	assert_string_equal(c.pod_uid, "");
	container__classify("/kubepods/pod0F3C9A2E-5B1D-4C7E-9A8B-1234567890AB", &c);
	assert_string_equal(c.pod_uid, "");
	container__classify("/kubepods/pod0f3c9a2e5-b1d-4c7e-9a8b-1234567890ab", &c);
	assert_string_equal(c.pod_uid, "");
	container__classify("/system.slice/x-pod" UID_ ".slice", &c);
	assert_string_equal(c.pod_uid, "");
}

static void test_units_and_nothing(void **state)
{
	struct container c;

	container__classify("/system.slice/nginx.service", &c);
	assert_null(c.runtime);
	assert_string_equal(c.id, "");
	assert_string_equal(c.unit, "nginx.service");
	container__classify("/user.slice/user-1000.slice/session-3.scope", &c);
	assert_string_equal(c.unit, "session-3.scope");
	container__classify("/", &c);
	assert_null(c.runtime);
	assert_string_equal(c.unit, "");
	/* Not quite an id: one character short, or upper case. */
	container__classify("/docker/0123456789abcdef0123456789abcdef0123456789abcdef"
			    "0123456789abcde", &c);
	assert_string_equal(c.id, "");
	container__classify("/system.slice/docker-0123456789ABCDEF0123456789abcdef0123456789abcdef"
			    "0123456789abcdef.scope", &c);
	assert_string_equal(c.id, "");
}

static void test_users(void **state)
{
	static const char pw[] = "root:x:0:0:root:/root:/bin/bash\n"
				 "# a comment:x:5:5\n"
				 "broken line\n"
				 "nobody:x:65534:65534:nobody:/:/usr/sbin/nologin\n"
				 "bad:x:notanumber:1::/:/bin/sh\n"
				 "last:x:1000:1000::/home/last:/bin/sh";
	struct users *u = users__new(NULL);

	assert_non_null(u);
	assert_int_equal(users__parse(u, pw, strlen(pw)), 0);
	assert_string_equal(users__name(u, 0), "root");
	assert_string_equal(users__name(u, 65534), "nobody");
	assert_string_equal(users__name(u, 1000), "last");
	assert_null(users__name(u, 5));
	assert_null(users__name(u, 4242));
	users__free(u);
}

static void test_status_field(void **state)
{
	/* A comm that looks like a field stays in its Name: line (the kernel
	 * escapes a newline in it as "\n"). */
	const char *s = "Name:\tUid: 7\\nPPid: 9\nUmask:\t0022\nState:\tS\n"
			"PPid:\t812\nUid:\t33\t33\t33\t33\nGid:\t33\n";
	uint32_t v = 1;

	assert_int_equal(procinfo__status_field(s, "Uid:", &v), 0);
	assert_int_equal(v, 33);
	assert_int_equal(procinfo__status_field(s, "PPid:", &v), 0);
	assert_int_equal(v, 812);
	assert_int_equal(procinfo__status_field(s, "Name:", &v), 0);
	assert_int_equal(v, 0);
	v = 5;
	assert_int_equal(procinfo__status_field(s, "Tgid:", &v), -ENOENT);
	assert_int_equal(v, 5);
	assert_int_equal(procinfo__status_field("", "Uid:", &v), -ENOENT);
	assert_int_equal(procinfo__status_field("Uid:\t4\n", "Uid:", &v), 0);
	assert_int_equal(v, 4);
}

static void test_ticks(void **state)
{
	/* USER_HZ is 100 on every Linux ABI: 10 ms per tick, truncated. */
	assert_int_equal(procinfo__ticks(1234567890ULL), 123);
	assert_int_equal(procinfo__ticks(9999999ULL), 0);
}

/* The children of every thread of a process (a Go program forks from any
 * of its threads); a thread with none, and junk, add nothing. */
static void test_children(void **state)
{
	char root[] = "/tmp/procinfo.XXXXXX";
	uint32_t kids[4];

	(void)state;
	assert_non_null(mkdtemp(root));
	unit__put(root, "7/task/7/children", "12 345 ", 7);
	unit__put(root, "7/task/8/children", "", 0);
	unit__put(root, "7/task/9/children", "678 x 9", 7);
	assert_int_equal(procinfo__children(root, 7, kids, 4), 3);
	/* readdir order: the three, whatever the order of the threads */
	assert_int_equal(kids[0] + kids[1] + kids[2], 12 + 345 + 678);
	assert_int_equal(procinfo__children(root, 7, kids, 1), 1);
	assert_int_equal(procinfo__children(root, 8, kids, 4), -ENOENT);
	assert_int_equal(unit__rmtree(root), 0);
}

/* A file read whole through a pipe written in pieces: all of it up to sz,
 * the count said; a bad fd is its errno. */
static void test_fill(void **state)
{
	char buf[8] = { 0 };
	int p[2];

	(void)state;
	assert_int_equal(pipe(p), 0);
	assert_int_equal(write(p[1], "ab", 2), 2);
	assert_int_equal(write(p[1], "cdefghij", 8), 8);
	assert_int_equal(procinfo__fill(p[0], buf, 6), 6);	/* stops at sz */
	assert_memory_equal(buf, "abcdef", 6);
	close(p[1]);
	assert_int_equal(procinfo__fill(p[0], buf, sizeof(buf)), 4);	/* the rest, to EOF */
	assert_memory_equal(buf, "ghij", 4);
	assert_int_equal(procinfo__fill(p[0], buf, sizeof(buf)), 0);
	close(p[0]);
	assert_int_equal(procinfo__fill(p[0], buf, sizeof(buf)), -EBADF);
}

UNIT_MAIN("procinfo", NULL, NULL,
	  cmocka_unit_test(test_fill),
	  cmocka_unit_test(test_children),
	  cmocka_unit_test(test_stat_plain_and_hostile_comm),
	  cmocka_unit_test(test_stat_truncated),
	  cmocka_unit_test(test_cgroup),
	  cmocka_unit_test(test_containers),
	  cmocka_unit_test(test_pod_uids),
	  cmocka_unit_test(test_units_and_nothing),
	  cmocka_unit_test(test_users),
	  cmocka_unit_test(test_status_field),
	  cmocka_unit_test(test_ticks))
