// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "proc/procview.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "proc/cgpaths.h"
#include "proc/exes.h"

struct procview {
	struct exes *exes;
	struct cgpaths *cgroups;
};

struct procview *procview__new(const struct procview_opts *o)
{
	struct procview *v = calloc(1, sizeof(*v));

	if (!v)
		return NULL;
	v->exes = exes__new(o->max_exes);
	v->cgroups = cgpaths__new(o->cgroup_fd, o->max_cgroups);
	if (!v->exes || !v->cgroups) {
		procview__free(v);
		return NULL;
	}
	return v;
}

void procview__exec(struct procview *v, const struct ps_event *ev, const char *names,
		    size_t len)
{
	exes__exec(v->exes, ev->pid, ev->start_ns, ev->exec_id, names, len,
		   ev->flags & PS_F_EXE_TRUNCATED);
}

bool procview__strip_deleted(const char *p, char *out, size_t outsz)
{
	static const char suffix[] = " (deleted)";
	size_t n = strlen(p), k = sizeof(suffix) - 1;

	if (n <= k || strcmp(p + n - k, suffix) || n - k >= outsz)
		return false;
	memcpy(out, p, n - k);
	out[n - k] = '\0';
	return true;
}

/*
 * The executable: the kernel's path of this very program first (/proc
 * may already show a later exec of the same process). /proc's link says
 * " (deleted)" for an unlinked file; when the kernel saw it unlinked at the
 * event, that suffix is a mark, not a name, and goes (the record's flag
 * says it). Otherwise it is left as it is: the file may be named so.
 */
static const char *exe_of(struct procview *v, const struct ps_event *ev,
			  const struct proc_info *p, struct proc_view *out)
{
	const char *k = exes__find(v->exes, ev->pid, ev->start_ns, ev->exec_id);

	if (k)
		return k;
	if (!p || !p->exe)
		return NULL;
	if ((ev->flags & PS_F_EXE_DELETED) &&
	    procview__strip_deleted(p->exe, out->exe, sizeof(out->exe)))
		return out->exe;
	return p->exe;
}

const struct proc_info *procview__merge(struct procview *v, const struct ps_event *ev,
					const struct proc_info *p, struct proc_view *out)
{
	struct proc_info *i = &out->info;
	const char *cg = cgpaths__get(v->cgroups, ev->cgroup_id);

	if (p)
		*i = *p;
	else
		memset(i, 0, sizeof(*i));
	i->exe = (char *)exe_of(v, ev, p, out);
	/* The cgroup at the event, by its id; /proc's is the one it had when
	 * the cache read it. */
	if (cg) {
		i->cgroup = (char *)cg;
		container__classify(cg, &i->container);
	}
	if (!p && !i->exe && !i->cgroup)
		return NULL;
	return i;
}

const char *procview__cgroups_why_not(const struct procview *v)
{
	return cgpaths__why_not(v->cgroups);
}

void procview__free(struct procview *v)
{
	if (!v)
		return;
	exes__free(v->exes);
	cgpaths__free(v->cgroups);
	free(v);
}
