// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include "unit.h"

#include "proc/owners.h"

static void test_records_sort_find(void **state)
{
	struct ps_owner recs[] = {
		{ .inode = 30, .pid = 2, .fd = 5, .comm = "b" },
		{ .inode = 10, .pid = 1, .fd = 3, .comm = "a" },
		{ .inode = 30, .pid = 1, .fd = 4, .comm = "a" },
	};
	struct owners o = { 0 };
	const struct ps_owner *f;
	size_t n;

	assert_int_equal(owners__from_records(&o, recs, sizeof(recs)), 0);
	assert_int_equal(owners__from_records(&o, recs, sizeof(recs) - 1), -EBADMSG);
	owners__sort(&o);
	f = owners__find(&o, 30, &n);
	assert_int_equal(n, 2);
	assert_int_equal(f[0].pid, 1);
	assert_int_equal(f[1].pid, 2);
	f = owners__find(&o, 10, &n);
	assert_int_equal(n, 1);
	assert_string_equal(f->comm, "a");
	assert_null(owners__find(&o, 20, &n));
	assert_int_equal(n, 0);
	assert_null(owners__find(&o, 0, &n));	/* inode 0: no file holds it */
	owners__free(&o);
}

/* An iterator's output, read from its fd: whole records in any chunks; a
 * record cut short at the end is an error, not a record. */
static void test_from_fd(void **state)
{
	struct ps_owner recs[3] = {
		{ .inode = 900, .pid = 12, .fd = 3, .comm = "nginx" },
		{ .inode = 901, .pid = 13, .fd = 4, .comm = "sshd" },
		{ .inode = 902, .pid = 14, .fd = 5, .comm = "named" },
	};
	struct owners o = { 0 };
	size_t n;
	int p[2];

	assert_int_equal(pipe(p), 0);
	/* Split inside the second record: the reader joins the pieces. */
	assert_int_equal(write(p[1], recs, 40), 40);
	assert_int_equal(write(p[1], (char *)recs + 40, sizeof(recs) - 40),
			 (ssize_t)(sizeof(recs) - 40));
	close(p[1]);
	assert_int_equal(owners__from_fd(&o, p[0]), 0);
	close(p[0]);
	assert_int_equal(o.n, 3);
	owners__sort(&o);
	assert_string_equal(owners__find(&o, 901, &n)->comm, "sshd");
	assert_int_equal(n, 1);
	owners__free(&o);

	assert_int_equal(pipe(p), 0);
	assert_int_equal(write(p[1], recs, sizeof(recs[0]) + 8), (ssize_t)sizeof(recs[0]) + 8);
	close(p[1]);
	assert_int_equal(owners__from_fd(&o, p[0]), -EBADMSG);
	close(p[0]);
	assert_int_equal(o.n, 1);
	owners__free(&o);
}

static void test_proc_walk_finds_our_socket(void **state)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct owners o = { 0 };
	const struct ps_owner *f;
	struct stat st;
	size_t n, mine = 0;

	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(owners__from_proc(&o, "/proc"), 0);
	owners__sort(&o);
	f = owners__find(&o, st.st_ino, &n);
	for (size_t i = 0; i < n; i++)
		if (f[i].pid == (uint32_t)getpid() && f[i].fd == (uint32_t)fd)
			mine++;
	assert_int_equal(mine, 1);
	{
		/* Our own name, as the kernel has it (valgrind renames us). */
		char comm[32] = "";
		FILE *c = fopen("/proc/self/comm", "r");

		assert_non_null(c);
		assert_non_null(fgets(comm, sizeof(comm), c));
		fclose(c);
		comm[strcspn(comm, "\n")] = '\0';
		for (size_t i = 0; i < n; i++)
			if (f[i].pid == (uint32_t)getpid())
				assert_string_equal(f[i].comm, comm);
	}
	owners__free(&o);
	close(fd);
	assert_int_equal(owners__from_proc(&o, "/nonexistent"), -ENOENT);
}

UNIT_MAIN("owners", NULL, NULL,
	  cmocka_unit_test(test_records_sort_find),
	  cmocka_unit_test(test_proc_walk_finds_our_socket),
	  cmocka_unit_test(test_from_fd))
