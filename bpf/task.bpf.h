/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The calling task's context, read while it is still there. Included by common.bpf.h. */
#ifndef PS_TASK_BPF_H
#define PS_TASK_BPF_H

/* The process's pid as its own pid namespace numbers it (numbers[level]). */
static __always_inline __u32 task_ns_tgid(struct task_struct *task)
{
	struct task_struct *leader = TASK_READ(task, group_leader);
	unsigned int level = TASK_READ(task, group_leader, thread_pid, level);
	unsigned long pid;
	int nr = 0;

	if (!level)	/* the initial namespace: no pid struct to walk */
		return TASK_READ(task, tgid);
	/* A scalar, for the arithmetic below (not a BTF pointer). */
	if (bpf_probe_read_kernel(&pid, sizeof(pid), &leader->thread_pid) || !pid)
		return 0;
	pid += bpf_core_field_offset(struct pid, numbers) +
	       (unsigned long)level * bpf_core_type_size(struct upid) +
	       bpf_core_field_offset(struct upid, nr);
	bpf_probe_read_kernel(&nr, sizeof(nr), (const void *)pid);
	return nr;
}

/*
 * Everything about the calling task that can vanish once it exits. Where
 * the task is a BTF pointer its fields are plain loads, not helper calls.
 */
static __always_inline void fill_task(struct ps_event *e)
{
	struct task_struct *task = current_task();
	const struct cred *cred = TASK_READ(task, cred);
	struct task_struct *parent = TASK_READ(task, real_parent);

	e->ts_ns = bpf_ktime_get_ns();
	e->pid = TASK_READ(task, tgid);
	e->tid = TASK_READ(task, pid);
	e->uid = TASK_READ(cred, uid.val);
	e->gid = TASK_READ(cred, gid.val);
	e->cgroup_id = bpf_get_current_cgroup_id();
	e->ppid = TASK_READ(parent, tgid);
	e->start_ns = task_start_boottime(TASK_READ(task, group_leader));
	e->ns_pid = task_ns_tgid(task);
	e->exec_id = (__u32)TASK_READ(task, self_exec_id);
	e->flags |= exe_flags(task);
	/* A process is named by its thread group leader: dig's resolver
	 * threads call themselves isc-net-0000, memcached's mc-worker. */
	TASK_READ_INTO(&e->comm, task, group_leader, comm);
	TASK_READ_INTO(&e->tcomm, task, comm);
	TASK_READ_INTO(&e->pcomm, parent, comm);
}

#endif /* PS_TASK_BPF_H */
