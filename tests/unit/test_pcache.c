// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The /proc cache against a fixture tree that the test rewrites. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "unit.h"

#include "proc/pcache.h"

#define NS_PER_TICK 10000000ULL	/* USER_HZ = 100 */

struct fixture {
	char root[64];
	int watching;		/* watch(on) minus watch(off) */
	int watch_calls;
	struct pcache_proc last;	/* what the last watch(on) said */
};

static void put(const char *root, unsigned pid, const char *name, const char *data, size_t n)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%u", root, pid);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/%u/%s", root, pid, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fwrite(data, 1, n, f);
	fclose(f);
}

/* A process: stat with a start time, cmdline, cgroup, exe link. */
static void proc(struct fixture *fx, unsigned pid, unsigned long long ticks,
		 const char *cmdline, size_t cmdlen, const char *cgroup, const char *exe)
{
	char buf[512], path[256];

	snprintf(buf, sizeof(buf), "%u (x) S 1 0 0 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 %llu 0 0\n",
		 pid, ticks);
	put(fx->root, pid, "stat", buf, strlen(buf));
	put(fx->root, pid, "cmdline", cmdline, cmdlen);
	snprintf(buf, sizeof(buf), "0::%s\n", cgroup);
	put(fx->root, pid, "cgroup", buf, strlen(buf));
	snprintf(path, sizeof(path), "%s/%u/exe", fx->root, pid);
	unlink(path);
	assert_int_equal(symlink(exe, path), 0);
}

static void watch(void *ctx, const struct pcache_proc *p, bool on)
{
	struct fixture *fx = ctx;

	if (on)
		fx->last = *p;
	fx->watching += on ? 1 : -1;
	fx->watch_calls++;
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	strcpy(fx->root, "/tmp/ps-pcache-XXXXXX");
	assert_non_null(mkdtemp(fx->root));
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	int err = unit__rmtree(fx->root);

	free(fx);
	return err;
}

/* The cache's clock: the tests move it. */
static uint64_t fake_now;

static uint64_t fake_clock(void)
{
	return fake_now;
}

static struct pcache *cache(struct fixture *fx, size_t max)
{
	struct pcache_opts o = { .proc_root = fx->root, .max_entries = max,
				 .watch = watch, .clock = fake_clock, .ctx = fx };

	return pcache__new(&o);
}

static void test_reads_and_caches(void **state)
{
	struct fixture *fx = *state;
	struct pcache *c = cache(fx, 16);
	const struct proc_info *pi;

	proc(fx, 100, 500, "nginx\0-g\0daemon off;\0", 22,
	     "/system.slice/nginx.service", "/usr/sbin/nginx");
	pi = pcache__get(c, 100, 500 * NS_PER_TICK + 3, 0);
	assert_non_null(pi);
	assert_string_equal(pi->exe, "/usr/sbin/nginx");
	assert_int_equal(pi->cmdline_len, 22);
	assert_memory_equal(pi->cmdline, "nginx\0-g\0daemon off;\0", 22);
	assert_string_equal(pi->cgroup, "/system.slice/nginx.service");
	assert_string_equal(pi->container.unit, "nginx.service");
	assert_int_equal(fx->watching, 1);
	/* The kernel side is told which program's command line is known. */
	assert_int_equal(fx->last.pid, 100);
	assert_true(fx->last.start_ns == 500 * NS_PER_TICK + 3);
	assert_int_equal(fx->last.exec_id, 0);
	assert_true(fx->last.has_cmdline);
	/* A second event of the same process reads nothing. */
	assert_ptr_equal(pcache__get(c, 100, 500 * NS_PER_TICK + 3, 0), pi);
	assert_int_equal(pcache__loads(c), 1);
	/* The same process after an execve(): read again. */
	proc(fx, 100, 500, "nginx\0-s\0reload\0", 16, "/", "/usr/sbin/nginx");
	pi = pcache__get(c, 100, 500 * NS_PER_TICK + 3, 1);
	assert_non_null(pi);
	assert_memory_equal(pi->cmdline, "nginx\0-s\0reload\0", 16);
	assert_int_equal(pcache__loads(c), 2);
	assert_int_equal(fx->last.exec_id, 1);
	assert_int_equal(fx->watching, 1);
	pcache__free(c);
	assert_int_equal(fx->watching, 0);
}

static void test_never_lends_a_reused_pid(void **state)
{
	struct fixture *fx = *state;
	struct pcache *c = cache(fx, 16);
	const struct proc_info *pi;

	proc(fx, 200, 1000, "first\0", 6, "/a", "/bin/first");
	pi = pcache__get(c, 200, 1000 * NS_PER_TICK, 0);
	assert_non_null(pi);
	assert_string_equal(pi->exe, "/bin/first");
	/* The process exits, another one gets pid 200. */
	proc(fx, 200, 2000, "second\0", 7, "/b", "/bin/second");
	pi = pcache__get(c, 200, 2000 * NS_PER_TICK, 0);
	assert_non_null(pi);
	assert_string_equal(pi->exe, "/bin/second");
	assert_string_equal(pi->cgroup, "/b");
	/* A late event of the first process (the kernel left its argv out):
	 * the first one's details, kept aside, never the second's. */
	pi = pcache__get(c, 200, 1000 * NS_PER_TICK, 0);
	assert_non_null(pi);
	assert_string_equal(pi->exe, "/bin/first");
	assert_int_equal(pcache__loads(c), 2);
	/* ...and the second is still the one in /proc. */
	pi = pcache__get(c, 200, 2000 * NS_PER_TICK, 0);
	assert_non_null(pi);
	assert_string_equal(pi->exe, "/bin/second");
	assert_int_equal(pcache__loads(c), 2);
	/* An event of a process that is gone before we look. */
	assert_null(pcache__get(c, 201, 1000 * NS_PER_TICK, 0));
	/* Only the second process is watched now. */
	assert_int_equal(fx->watching, 1);
	assert_int_equal(fx->last.pid, 200);
	assert_true(fx->last.start_ns == 2000 * NS_PER_TICK);
	/* A third process with pid 200 that started in the same clock tick as
	 * the second: /proc's start time cannot tell them apart, the kernel's
	 * can. It gets an entry of its own, read again... */
	assert_non_null(pcache__get(c, 200, 2000 * NS_PER_TICK + 1, 0));
	assert_int_equal(pcache__loads(c), 4);	/* pid 201 was a (failed) load */
	assert_true(fx->last.start_ns == 2000 * NS_PER_TICK + 1);
	/* ...and a late record of the second still finds the second's. */
	assert_non_null(pcache__get(c, 200, 2000 * NS_PER_TICK, 0));
	assert_int_equal(pcache__loads(c), 4);
	assert_int_equal(fx->watching, 1);
	pcache__free(c);
	assert_int_equal(fx->watching, 0);
}

/*
 * An entry the kernel relies on (it was told the command line is here) is
 * not freed at once when it is evicted: records without argv may still be
 * in the ring. It is kept aside, found by its exact process, until the
 * ring has been read past the moment it was evicted; then a late record
 * finds nothing, as /proc would.
 */
static void test_evicted_entries_outlive_records_in_flight(void **state)
{
	struct fixture *fx = *state;
	struct pcache *c = cache(fx, 2);
	const struct proc_info *pi;

	proc(fx, 500, 5, "a\0", 2, "/", "/bin/a");
	proc(fx, 501, 6, "b\0", 2, "/", "/bin/b");
	proc(fx, 502, 7, "c\0", 2, "/", "/bin/c");
	assert_non_null(pcache__get(c, 500, 5 * NS_PER_TICK, 0));
	assert_non_null(pcache__get(c, 501, 6 * NS_PER_TICK, 0));
	fake_now = 1000;
	assert_non_null(pcache__get(c, 502, 7 * NS_PER_TICK, 0));	/* evicts 500 */
	assert_int_equal(pcache__count(c), 2);
	assert_int_equal(fx->watching, 2);	/* the kernel stopped relying on 500 */
	/* 500 exits before its last record is read: /proc has nothing. */
	proc(fx, 500, 99, "other\0", 6, "/", "/bin/other");
	pi = pcache__get(c, 500, 5 * NS_PER_TICK, 0);
	assert_non_null(pi);
	assert_memory_equal(pi->cmdline, "a\0", 2);
	assert_int_equal(pcache__loads(c), 3);
	/* A reader far behind: the ring is read only up to before the
	 * eviction, however many sweeps go by. */
	pcache__sweep(c, 999);
	pcache__sweep(c, 999);
	assert_non_null(pcache__get(c, 500, 5 * NS_PER_TICK, 0));
	/* Read past it: nothing still in the ring can need it. */
	pcache__sweep(c, 1001);
	assert_null(pcache__get(c, 500, 5 * NS_PER_TICK, 0));
	pcache__free(c);
	assert_int_equal(fx->watching, 0);
}

/* A process whose command line reads empty (a kernel thread, a zombie):
 * the kernel side must keep putting its argv in the records. */
static void test_empty_cmdline_is_not_known(void **state)
{
	struct fixture *fx = *state;
	struct pcache *c = cache(fx, 16);

	proc(fx, 250, 42, "", 0, "/", "/bin/z");
	assert_non_null(pcache__get(c, 250, 42 * NS_PER_TICK, 7));
	assert_int_equal(fx->watching, 1);
	assert_int_equal(fx->last.pid, 250);
	assert_int_equal(fx->last.exec_id, 7);
	assert_false(fx->last.has_cmdline);
	pcache__free(c);
}

static void test_bounded(void **state)
{
	struct fixture *fx = *state;
	struct pcache *c = cache(fx, 4);

	for (unsigned pid = 300; pid < 310; pid++) {
		proc(fx, pid, pid, "x\0", 2, "/", "/bin/x");
		assert_non_null(pcache__get(c, pid, pid * NS_PER_TICK, 0));
		assert_true(pcache__count(c) <= 4);
	}
	assert_int_equal(pcache__count(c), 4);
	assert_int_equal(fx->watching, 4);
	/* The most recent ones stayed. */
	assert_non_null(pcache__get(c, 309, 309 * NS_PER_TICK, 0));
	assert_int_equal(pcache__loads(c), 10);
	pcache__free(c);
	assert_int_equal(fx->watching, 0);
}

static void test_exit_then_sweep(void **state)
{
	struct fixture *fx = *state;
	struct pcache *c = cache(fx, 16);

	proc(fx, 400, 7, "y\0", 2, "/", "/bin/y");
	assert_non_null(pcache__get(c, 400, 7 * NS_PER_TICK, 0));
	pcache__exited(c, 400, 5000);
	/* Records it emitted on its way out, still in the ring, find it... */
	pcache__sweep(c, 4000);
	assert_non_null(pcache__get(c, 400, 7 * NS_PER_TICK, 0));
	assert_int_equal(pcache__count(c), 1);
	/* ...until the ring has been read past its exit. */
	pcache__sweep(c, 5001);
	assert_int_equal(pcache__count(c), 0);
	/* The kernel dropped the watch itself when it reported the exit. */
	assert_int_equal(fx->watch_calls, 1);
	pcache__free(c);
}

UNIT_MAIN("pcache", NULL, NULL,
	  cmocka_unit_test_setup_teardown(test_reads_and_caches, setup, teardown),
	  cmocka_unit_test_setup_teardown(test_never_lends_a_reused_pid, setup, teardown),
	  cmocka_unit_test_setup_teardown(test_empty_cmdline_is_not_known, setup, teardown),
	  cmocka_unit_test_setup_teardown(test_bounded, setup, teardown),
	  cmocka_unit_test_setup_teardown(test_evicted_entries_outlive_records_in_flight,
	  setup, teardown),
	  cmocka_unit_test_setup_teardown(test_exit_then_sweep, setup, teardown))
