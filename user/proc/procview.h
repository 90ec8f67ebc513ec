/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * One view of an event's process from every source: what the kernel
 * captured (the executable at exec, the cgroup id at the event, whether the
 * executable was deleted) and what /proc gave the cache while the process
 * lived. The kernel's answer comes first where it names this very program
 * or cgroup; /proc fills in what it cannot (processes that exec'd before
 * portsnoop started, the whole command line).
 */
#ifndef PS_PROCVIEW_H
#define PS_PROCVIEW_H

#include <limits.h>
#include <linux/types.h>
#include "portsnoop.h"
#include "proc/pcache.h"

struct procview_opts {
	int cgroup_fd;		/* the cgroup v2 mount's root, or -1 */
	size_t max_exes;	/* programs remembered; 0: a default */
	size_t max_cgroups;	/* cgroup paths remembered; 0: a default */
};

struct procview;

struct procview *procview__new(const struct procview_opts *o);
/* A PS_EV_EXEC record: names are the record's path names, len bytes. */
void procview__exec(struct procview *v, const struct ps_event *ev, const char *names,
		    size_t len);

/* Storage for one merged view; valid while the sources are unchanged
 * (until the next procview__exec or pcache call). */
struct proc_view {
	struct proc_info info;
	char exe[PATH_MAX];
};

/*
 * The process of ev as best known: from_proc is the cache's answer (NULL
 * when /proc had nothing). Returns &out->info, or NULL when nothing at all
 * is known.
 */
const struct proc_info *procview__merge(struct procview *v, const struct ps_event *ev,
					const struct proc_info *from_proc, struct proc_view *out);
/* Why cgroup ids are not resolved, or NULL (see cgpaths__why_not). */
const char *procview__cgroups_why_not(const struct procview *v);
void procview__free(struct procview *v);

/* "/usr/bin/x (deleted)" -> "/usr/bin/x" in out; false when p has no such
 * suffix. Pure. */
bool procview__strip_deleted(const char *p, char *out, size_t outsz);

#endif
