// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Remembered per pid in a direct-mapped cache: ls with 40,000 sockets held
 * by a few hundred processes reads each status file once.
 */
#include "proc/uids.h"

#include <stdlib.h>
#include "proc/procinfo.h"

uint32_t uids__real(uint32_t pid, uint32_t fallback)
{
	static struct {
		uint32_t pid, uid;
	} cache[4096];
	uint32_t slot = pid % (sizeof(cache) / sizeof(cache[0])), uid;
	char *buf = NULL;
	long n;

	if (pid && cache[slot].pid == pid)
		return cache[slot].uid;
	n = procinfo__read("/proc", pid, "status", 4096, &buf);
	if (n > 0 && !procinfo__status_field(buf, "Uid:", &uid)) {
		cache[slot].pid = pid;
		cache[slot].uid = uid;
		fallback = uid;
	}
	free(buf);
	return fallback;
}
