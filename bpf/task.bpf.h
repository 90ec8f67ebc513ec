/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The calling task's context, read while it is still there. Included by common.bpf.h. */
#ifndef PS_TASK_BPF_H
#define PS_TASK_BPF_H

/* The process's pid as its own pid namespace numbers it (numbers[level]). */
static __always_inline __u32 task_ns_tgid(struct task_struct *task)
{
	unsigned long pid;
	unsigned int level = task->group_leader->thread_pid->level;
	int nr = 0;

	if (!level)	/* the initial namespace: no pid struct to walk */
		return task->tgid;
	if (bpf_probe_read_kernel(&pid, sizeof(pid), &task->group_leader->thread_pid))
		return 0;
	pid += bpf_core_field_offset(struct pid, numbers) +
	       (unsigned long)level * bpf_core_type_size(struct upid) +
	       bpf_core_field_offset(struct upid, nr);
	bpf_probe_read_kernel(&nr, sizeof(nr), (const void *)pid);
	return nr;
}

/*
 * Everything about the calling task that can vanish once it exits. The
 * task is a BTF pointer: its fields are plain loads, not helper calls.
 */
static __always_inline void fill_task(struct ps_event *e)
{
	struct task_struct *task = bpf_get_current_task_btf();
	const struct cred *cred = task->cred;

	e->ts_ns = bpf_ktime_get_ns();
	e->pid = task->tgid;
	e->tid = task->pid;
	e->uid = cred->uid.val;
	e->gid = cred->gid.val;
	e->cgroup_id = bpf_get_current_cgroup_id();
	e->ppid = task->real_parent->tgid;
	e->start_ns = task_start_boottime(task->group_leader);
	e->ns_pid = task_ns_tgid(task);
	e->exec_id = (__u32)task->self_exec_id;
	e->flags |= exe_flags(task);
	__builtin_memcpy(e->comm, task->comm, sizeof(e->comm));
	__builtin_memcpy(e->pcomm, task->real_parent->comm, sizeof(e->pcomm));
}

#endif /* PS_TASK_BPF_H */
