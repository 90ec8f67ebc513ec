// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * A direct-mapped cache by pid: ls of 40,000 sockets held by a few hundred
 * processes reads each executable link and cgroup file once, not once a
 * row (twice where the table is fitted first).
 */
#include "proc/known.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include "proc/container.h"
#include "proc/procinfo.h"
#include "proc/procview.h"
#include "lib/timefmt.h"

#define SLOTS 256
#define FRESH_NS 1000000000ULL

const struct proc_known *known__of_pid(const char *proc_root, uint32_t pid)
{
	static struct proc_known cache[SLOTS];
	struct proc_known *k = &cache[pid % SLOTS];
	char exe[PATH_MAX], gone[PATH_MAX], *stat = NULL;
	uint64_t now = timefmt__mono_ns();
	struct proc_stat st;
	long n;

	if (pid && k->pid == pid && now - k->read_ns < FRESH_NS)
		return k;
	free(k->exe);
	memset(k, 0, sizeof(*k));
	k->pid = pid;
	k->read_ns = now;
	if (!pid)
		return k;
	/* Not a deleted one: that path names another program now, or none. */
	if (!procinfo__link(proc_root, pid, "exe", exe, sizeof(exe)) &&
	    !procview__strip_deleted(exe, gone, sizeof(gone)))
		k->exe = strdup(exe);
	container__of_pid(proc_root, pid, &k->container);
	n = procinfo__read(proc_root, pid, "stat", 4096, &stat);
	if (n > 0 && !procinfo__parse_stat(stat, (size_t)n, &st))
		k->start_ns = st.start_ticks * procinfo__tick_ns();
	free(stat);
	return k;
}
