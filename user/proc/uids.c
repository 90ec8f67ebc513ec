// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Remembered per pid in a direct-mapped cache: ls with 40,000 sockets held
 * by a few hundred processes reads each status file once. Only for
 * UIDS_FRESH_NS: the tracer lists the sockets again at every reopen of its
 * output, days later, when a pid may belong to another process and user.
 */
#include "proc/uids.h"

#include <stdlib.h>
#include "proc/procinfo.h"
#include "lib/timefmt.h"

uint32_t uids__real_in(const char *root, uint32_t pid, uint32_t fallback, uint64_t now_ns)
{
	static struct {
		uint32_t pid, uid;
		uint64_t at_ns;
	} cache[4096];
	uint32_t slot = pid % (sizeof(cache) / sizeof(cache[0])), uid;
	char *buf = NULL;
	long n;

	if (pid && cache[slot].pid == pid && now_ns - cache[slot].at_ns < UIDS_FRESH_NS)
		return cache[slot].uid;
	n = procinfo__read(root, pid, "status", 4096, &buf);
	if (n > 0 && !procinfo__status_field(buf, "Uid:", &uid)) {
		cache[slot].pid = pid;
		cache[slot].uid = uid;
		cache[slot].at_ns = now_ns;
		fallback = uid;
	}
	free(buf);
	return fallback;
}

uint32_t uids__real(uint32_t pid, uint32_t fallback)
{
	return uids__real_in("/proc", pid, fallback, timefmt__mono_ns());
}
