/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * A process's executable, as the kernel holds it: the walk of its path at
 * exec (bpf/exec.bpf.c) and whether it is still linked (every record).
 * Included by common.bpf.h.
 */
#ifndef PS_EXE_BPF_H
#define PS_EXE_BPF_H

/* The kernel's d_unlinked(): out of the dentry hash and not a root. It is
 * what makes /proc/PID/exe say "(deleted)"; a rename over the path unhashes
 * the old dentry too, so a replaced executable counts as deleted. */
static __always_inline bool dentry_unlinked(struct dentry *d)	/* any pointer */
{
	return !BPF_CORE_READ(d, d_hash.pprev) && BPF_CORE_READ(d, d_parent) != d;
}

/*
 * PS_F_EXE_DELETED when the task's executable is unlinked now; 0 when it
 * is linked or there is none to look at (a kernel thread, an exiting task
 * whose mm is gone). task is fill_task()'s: where it is a BTF pointer these
 * are four plain loads (the verifier makes them fault-safe), no helper
 * call, since this runs for every record; before v5.11 CO-RE probe reads
 * (TASK_READ, core_fixes.bpf.h).
 */
static __always_inline __u16 exe_flags(struct task_struct *task)
{
	struct mm_struct *mm = TASK_READ(task, mm);
	struct file *exe;
	struct dentry *d;

	if (!mm)
		return 0;
	exe = TASK_READ(mm, exe_file);
	if (!exe)
		return 0;
	d = TASK_READ(exe, f_path.dentry);
	return d && !TASK_READ(d, d_hash.pprev) && TASK_READ(d, d_parent) != d
	       ? PS_F_EXE_DELETED : 0;
}

#endif /* PS_EXE_BPF_H */
