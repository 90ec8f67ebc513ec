// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The namespace to come back to: this thread's own, opened close-on-exec. */
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>

#include "unit.h"
#include "proc/nspaths.h"

static void test_open_home(void **state)
{
	uint32_t ino = 0;
	struct stat st;
	int fd = nspaths__open_home(&ino);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(fcntl(fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	assert_int_equal(fstat(fd, &st), 0);
	/* The inode ls and the records show for this namespace. */
	assert_int_equal(ino, nspaths__of("self"));
	assert_int_equal(ino, (uint32_t)st.st_ino);
	assert_int_not_equal(ino, 0);
	close(fd);
	fd = nspaths__open_home(NULL);
	assert_true(fd >= 0);
	close(fd);
}

UNIT_MAIN("nspaths", NULL, NULL, cmocka_unit_test(test_open_home))
