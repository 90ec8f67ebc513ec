// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Every program started while portsnoop runs: its executable's path, read
 * from the binprm's file at exec, so that the events of a process that is
 * gone before /proc/PID/exe could be read still name their program. One
 * record per exec (of a task the filters want), none per socket event.
 *
 * bpf_d_path() would do the walk, but the kernel allows it only in some
 * fentry/LSM hooks (btf_allowlist_d_path), not in a tracepoint that every
 * attach strategy and kernel has. So the dentries are walked here, bounded:
 * each name from the file up to its mount's root, then across to the
 * mount it sits on (struct mount around the vfsmount), until the root of
 * the process's mount namespace. The path is the one the process's own
 * namespace sees (a container's "/usr/sbin/nginx").
 */
#include "common.bpf.h"

/* Names and mount crossings walked at most: deeper paths are cut at the
 * head (PS_F_EXE_TRUNCATED), never invented. */
#define EXE_DEPTH 40
/* NAME_MAX and its NUL: a name never needs more. */
#define EXE_NAME 256

static __always_inline struct mount *real_mount(struct vfsmount *vm)
{
	return (void *)vm - bpf_core_field_offset(struct mount, mnt);
}

/* Leaf first, each name NUL-terminated; returns the bytes written, and
 * sets PS_F_EXE_TRUNCATED unless the walk reached the root. */
static __always_inline __u32 walk_path(struct file *file, struct ps_exec_record *r)
{
	struct dentry *d = BPF_CORE_READ(file, f_path.dentry);
	struct vfsmount *vm = BPF_CORE_READ(file, f_path.mnt);
	struct mount *m = real_mount(vm);
	__u32 off = 0;

	for (int i = 0; i < EXE_DEPTH; i++) {
		struct dentry *parent = BPF_CORE_READ(d, d_parent);
		const unsigned char *name;
		long n;

		if (d == BPF_CORE_READ(vm, mnt_root)) {
			struct mount *up = BPF_CORE_READ(m, mnt_parent);

			if (up == m)	/* the namespace's root mount */
				return off;
			d = BPF_CORE_READ(m, mnt_mountpoint);
			m = up;
			vm = (void *)m + bpf_core_field_offset(struct mount, mnt);
			continue;
		}
		if (d == parent)	/* a filesystem's root that is no mount's */
			break;
		if (off > PS_EXE_LEN - EXE_NAME)
			break;
		barrier_var(off);
		name = BPF_CORE_READ(d, d_name.name);
		n = bpf_probe_read_kernel_str(&r->path[off], EXE_NAME, name);
		if (n <= 1)
			break;
		off += n;
		d = parent;
	}
	r->ev.flags |= PS_F_EXE_TRUNCATED;
	return off;
}

static __always_inline int exec_record(struct linux_binprm *bprm)
{
	struct ps_exec_record *r;
	struct file *file;

	if (!task_wanted())
		return 0;
	r = bpf_ringbuf_reserve(&events, sizeof(*r), 0);
	if (!r) {
		stat_inc(PS_STAT_EXEC_DROPS);
		return 0;
	}
	__builtin_memset(&r->ev, 0, sizeof(r->ev));
	fill_task(&r->ev);
	r->ev.kind = PS_EV_EXEC;
	file = BPF_CORE_READ(bprm, file);
	if (file) {
		if (dentry_unlinked(BPF_CORE_READ(file, f_path.dentry)))
			r->ev.flags |= PS_F_EXE_DELETED;
		r->ev.argv_len = walk_path(file, r);
	}
	/* Woken like any record (at most every 5 ms): execs alone must not
	 * fill the ring while the reader sleeps. */
	bpf_ringbuf_submit(r, wakeup_flags(r->ev.ts_ns));
	return 0;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(tp_process_exec, struct task_struct *task, pid_t old_pid,
	     struct linux_binprm *bprm)
{
	return exec_record(bprm);
}

/*
 * The same where the kernel can preempt a tracing program mid-run (7.x
 * runs tracepoints' programs preemptibly: a preempted run keeps the
 * program's slot on its CPU, and the kernel skips the execs of other tasks
 * meanwhile). A kprobe's program runs with preemption disabled. The LSM
 * hook is called in begin_new_exec() (v5.8+) once the exec cannot fail:
 * after de_thread() (the process's pid and start time are final) and the
 * new comm, with the new executable in bprm->file, as at the tracepoint.
 */
SEC("kprobe/security_bprm_committed_creds")
int BPF_KPROBE(kp_process_exec, struct linux_binprm *bprm)
{
	return exec_record(bprm);
}
