// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* libFuzzer: raw BTF as a file could hold it, scanned mapped and read a
 * window at a time: both must give the same answer. */
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>
#include "kernel/btfscan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	struct btfscan_item it[] = {
		{ "bpf_iter_task_file", NULL, 0 }, { "task_struct", "tgid", 0 },
		{ "inode", "i_ino", 0 },
	};
	struct btfscan_item read[3] = { it[0], it[1], it[2] };
	int rc, rc_read;

	if (fd < 0)
		fd = memfd_create("btf", 0);
	if (fd < 0 || ftruncate(fd, 0) || pwrite(fd, data, size, 0) != (ssize_t)size)
		return 0;
	rc = btfscan__fd(fd, it, 3);
	rc_read = btfscan__fd_read(fd, read, 3);

	if (rc != rc_read)
		__builtin_trap();
	for (int i = 0; i < 3; i++)
		if (it[i].found != read[i].found)
			__builtin_trap();
	return 0;
}
