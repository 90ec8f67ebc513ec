// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* libFuzzer: raw BTF as a file could hold it (btfscan reads it streaming). */
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

	if (fd < 0)
		fd = memfd_create("btf", 0);
	if (fd < 0 || ftruncate(fd, 0) || pwrite(fd, data, size, 0) != (ssize_t)size)
		return 0;
	btfscan__fd(fd, it, 3);
	return 0;
}
