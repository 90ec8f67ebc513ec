// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Where a live process runs, for who's records: its /proc cgroup file. */
#include <stdlib.h>
#include <string.h>
#include "proc/container.h"
#include "proc/procinfo.h"

void container__of_pid(const char *proc_root, unsigned int pid, struct container *out)
{
	char path[4096], *buf = NULL;
	long n = procinfo__read(proc_root, pid, "cgroup", 65536, &buf);

	memset(out, 0, sizeof(*out));
	if (n > 0 && !procinfo__parse_cgroup(buf, (size_t)n, path, sizeof(path)))
		container__classify(path, out);
	free(buf);
}
