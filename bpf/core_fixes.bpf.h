/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Every kernel-version shim lives here, each naming the change it covers.
 * Include after vmlinux.h and bpf_core_read.h.
 */
#ifndef PS_CORE_FIXES_BPF_H
#define PS_CORE_FIXES_BPF_H

/*
 * sk_protocol and sk_type were bitfields inside struct sock until
 * commit bf9765145b85 ("sock: Make sk_protocol a 16-bit value", v5.6).
 * The probed bitfield read works for both layouts.
 */
static __always_inline __u16 sk_protocol(struct sock *sk)
{
	return BPF_CORE_READ_BITFIELD_PROBED(sk, sk_protocol);
}

static __always_inline __u16 sk_type(struct sock *sk)
{
	return BPF_CORE_READ_BITFIELD_PROBED(sk, sk_type);
}

/*
 * Both in one probe read where they lie within 8 bytes of each other (as
 * on every layout above, bitfields or not): a record's cost is mostly its
 * helper calls. A field is taken from the 8 bytes at its storage unit the
 * way BPF_CORE_READ_BITFIELD_PROBED() takes it from that unit alone: on a
 * little-endian machine the left shift drops whatever lies above it.
 */
#define PS_SK_FIELD(buf, lo, field) ({					\
	__u32 d_ = __CORE_RELO((struct sock *)0, field, BYTE_OFFSET) - (lo); \
	__u64 v_;							\
									\
	/* A scalar first (no arithmetic on the stack pointer but an	\
	 * add), then byte by byte (no misaligned stack load). */	\
	barrier_var(d_);						\
	__builtin_memcpy(&v_, (char *)(buf) + d_, 8);			\
	v_ <<= __CORE_RELO((struct sock *)0, field, LSHIFT_U64);	\
	(__u16)(v_ >> __CORE_RELO((struct sock *)0, field, RSHIFT_U64)); \
})

static __always_inline void sk_proto_type(struct sock *sk, __u16 *proto, __u16 *type)
{
	__u32 op = __CORE_RELO((struct sock *)0, sk_protocol, BYTE_OFFSET);
	__u32 ot = __CORE_RELO((struct sock *)0, sk_type, BYTE_OFFSET);
	__u32 lo = op < ot ? op : ot, hi = op < ot ? ot : op;
	__u64 buf[2] = {};

	if (__BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__ || hi - lo > 8 ||
	    bpf_probe_read_kernel(buf, sizeof(buf), (char *)sk + lo)) {
		*proto = sk_protocol(sk);
		*type = sk_type(sk);
		return;
	}
	*proto = PS_SK_FIELD(buf, lo, sk_protocol);
	*type = PS_SK_FIELD(buf, lo, sk_type);
}

/*
 * MPTCP's socket calls: older kernels (6.1 among them) implement
 * mptcp_bind() and mptcp_listen() by calling inet_bind() and inet_listen()
 * on the first subflow's struct socket; newer ones (6.18) go to inet_bind_sk(), __inet_listen_sk()
 * and the subflow's proto directly: there inet_bind_sk() and
 * __inet_listen_sk() exist and subflows never reach the inet hooks.
 * Hooks on the inet functions skip subflows, so an MPTCP socket is reported
 * once, by MPTCP's own hook, on every kernel. tcp_sock.is_mptcp exists only
 * with CONFIG_MPTCP.
 */
static __always_inline bool sk_is_subflow(struct sock *sk)
{
	if (!bpf_core_field_exists(((struct tcp_sock *)0)->is_mptcp))
		return false;
	/* A raw socket can say IPPROTO_TCP too: only a stream socket is a tcp_sock. */
	if (sk_protocol(sk) != IPPROTO_TCP || sk_type(sk) != PS_SOCK_STREAM)
		return false;
	return BPF_CORE_READ((struct tcp_sock *)sk, is_mptcp);
}

/*
 * The current task. bpf_get_current_task_btf() (v5.11, "bpf: Add
 * bpf_get_current_task_btf helper", KP Singh's task local storage series)
 * returns a BTF pointer whose fields are plain loads; before it there is
 * only bpf_get_current_task(), a plain address, and every field is a CO-RE
 * probe read. The check is a CO-RE relocation: a constant to the verifier,
 * which drops the branch the running kernel cannot take.
 */
static __always_inline bool have_task_btf(void)
{
	return bpf_core_enum_value_exists(enum bpf_func_id, BPF_FUNC_get_current_task_btf);
}

static __always_inline struct task_struct *current_task(void)
{
	if (have_task_btf())
		return bpf_get_current_task_btf();
	return (struct task_struct *)bpf_get_current_task();
}

/* A field (chain) of the current task or of a pointer read from it:
 * TASK_READ(task, real_parent, tgid). */
#define TASK_READ(t, ...) \
	(have_task_btf() ? ___arrow(t, __VA_ARGS__) : BPF_CORE_READ(t, __VA_ARGS__))
/* An array field (comm) into dst. */
#define TASK_READ_INTO(dst, t, ...) do {					\
	if (have_task_btf())							\
		__builtin_memcpy(dst, &___arrow(t, __VA_ARGS__), sizeof(*(dst))); \
	else									\
		BPF_CORE_READ_INTO(dst, t, __VA_ARGS__);			\
} while (0)

/*
 * A socket's cookie. Tracing programs (fexit, tp_btf) may call
 * bpf_get_socket_cookie(), which gives the socket one if it has none, since
 * v5.12 (commit c5dbb89fc2ac, "bpf: Expose bpf_get_socket_cookie to tracing
 * programs"). The helper's number exists before that (other program types
 * had it), so no CO-RE check can tell: the loader tries it (a trial load,
 * user/loader/kfeat.c) and sets tracing_cookie. Without it the cookie is read, and
 * the cgroup sock_create / post_bind programs, which may call the helper,
 * give every socket its cookie first.
 */
extern const volatile bool tracing_cookie;

static __always_inline __u64 sk_cookie(struct sock *sk)
{
	if (tracing_cookie)
		return bpf_get_socket_cookie(sk);
	return BPF_CORE_READ(sk, __sk_common.skc_cookie.counter);
}

/*
 * The current task's cgroup v2 ancestor at level, by id: what --cgroup
 * compares. bpf_get_current_ancestor_cgroup_id() came in v5.7 for cgroup
 * socket programs only; tracing programs (kprobe, tracepoint, fentry/fexit,
 * tp_btf: all bpf_tracing_func_proto()) may call it since v5.14 (commit
 * 95b861a7935b, "bpf: Allow bpf_get_current_ancestor_cgroup_id for
 * tracing"). Its number exists before that, so no CO-RE check can tell:
 * the loader tries (a trial load, user/loader/kfeat.c) and sets
 * tracing_ancestor_cgroup. Without it the cgroup is read as the helper
 * does: the task's default-hierarchy cgroup (css_set's dfl_cgrp) and its
 * ancestor at level, which each cgroup keeps in an array indexed by level:
 * ancestor_ids[] (ids) until commit 7f203bc89eb6 ("cgroup: Replace
 * cgroup->ancestor_ids[] with ->ancestors[]", v6.0), ancestors[] (pointers)
 * after. An id is the cgroup's kernfs node id.
 */
extern const volatile bool tracing_ancestor_cgroup;

struct cgroup___ids {
	int level;
	u64 ancestor_ids[];
} __attribute__((preserve_access_index));

struct cgroup___ptrs {
	int level;
	struct cgroup *ancestors[];
} __attribute__((preserve_access_index));

static __always_inline __u64 cgroup_ancestor_id(struct cgroup *cg, int level)
{
	struct cgroup *anc;
	__u64 id = 0;

	if (!cg || level < 0 || BPF_CORE_READ(cg, level) < level)
		return 0;
	if (bpf_core_field_exists(struct cgroup___ptrs, ancestors)) {
		__u32 off = bpf_core_field_offset(struct cgroup___ptrs, ancestors);

		if (bpf_probe_read_kernel(&anc, sizeof(anc),
					  (void *)cg + off + (__u64)level * sizeof(anc)))
			return 0;
		return anc ? BPF_CORE_READ(anc, kn, id) : 0;
	}
	if (bpf_core_field_exists(struct cgroup___ids, ancestor_ids)) {
		__u32 off = bpf_core_field_offset(struct cgroup___ids, ancestor_ids);

		bpf_probe_read_kernel(&id, sizeof(id), (void *)cg + off + (__u64)level * sizeof(id));
	}
	return id;
}

static __always_inline __u64 current_ancestor_cgroup_id(int level)
{
	struct task_struct *task;

	if (tracing_ancestor_cgroup)
		return bpf_get_current_ancestor_cgroup_id(level);
	/* Read, never loaded through a BTF pointer: a plain number on every
	 * kernel, so the code that runs is the same on each. */
	task = current_task();
	return cgroup_ancestor_id(BPF_CORE_READ(task, cgroups, dfl_cgrp), level);
}

/*
 * Process start on CLOCK_BOOTTIME, the clock /proc/PID/stat uses: the field
 * was real_start_time until commit cf25e24db61c ("time: Rename
 * tsk->real_start_time to ->start_boottime", v5.5).
 */
struct task_struct___pre55 {
	u64 real_start_time;
} __attribute__((preserve_access_index));

static __always_inline __u64 task_start_boottime(struct task_struct *t)
{
	if (bpf_core_field_exists(t->start_boottime))
		return TASK_READ(t, start_boottime);
	return BPF_CORE_READ((struct task_struct___pre55 *)t, real_start_time);
}

/*
 * The registers user space entered the kernel with, which hold the syscall's
 * number and arguments. bpf_task_pt_regs() (v5.15, commit dd6e10fbd9fb,
 * "bpf: Add bpf_task_pt_regs() helper") returns them as a BTF pointer.
 * Before it, they are where the kernel's task_pt_regs() finds them: the
 * top of the task's kernel stack.
 */
static __always_inline bool have_task_pt_regs(void)
{
	return bpf_core_enum_value_exists(enum bpf_func_id, BPF_FUNC_task_pt_regs);
}

/*
 * Which syscall the task is in, from its saved user registers: the number
 * is in orig_ax on x86_64, in syscallno on arm64 (whose syscalls follow the
 * generic table, asm-generic/unistd.h). A 32-bit task has numbers of its
 * own. An AArch32 task's are known here (arch/arm64/include/asm/unistd32.h;
 * its fd is in orig_x0 as a 64-bit task's), for the strategies that see its
 * connect() return (fentry, kprobe: the syscall tracepoints skip compat
 * calls). An ia32 task on x86_64 is never taken for a connect(): it may
 * connect through socketcall(), its arguments are in other registers, and
 * no test runs one; its connect gets no outcome record.
 */
#if defined(__TARGET_ARCH_x86)
#define PS_NR_CONNECT 42
#define PS_NR_CONNECT_COMPAT (-1)
#define PS_REGS_NR(r) BPF_CORE_READ(r, orig_ax)
#define PS_REGS_COMPAT(r) false
/* Saved from user mode: a user code segment (__USER_CS or __USER32_CS). */
#define PS_REGS_FROM_USER(r) ({						\
	unsigned long cs_ = BPF_CORE_READ(r, cs);			\
	cs_ == 0x33 || cs_ == 0x23;					\
})
#elif defined(__TARGET_ARCH_arm64)
#define PS_NR_CONNECT 203
#define PS_NR_CONNECT_COMPAT 283
#define PS_REGS_NR(r) BPF_CORE_READ(r, syscallno)
/* PSR_MODE32_BIT: the task runs AArch32 code. */
#define PS_REGS_COMPAT(r) ((BPF_CORE_READ(r, pstate) & 0x10) != 0)
/* Saved from user mode: pstate's mode bits are EL0t (AArch64) or USR
 * (AArch32), both 0 in the low four. */
#define PS_REGS_FROM_USER(r) ((BPF_CORE_READ(r, pstate) & 0xf) == 0)
#else
#error "portsnoop: add the syscall registers of this architecture"
#endif

/* compat: whether a 32-bit task's connect() counts. */
static __always_inline bool in_syscall_connect(struct pt_regs *regs, bool compat)
{
	long nr;

	if (!regs)
		return false;
	nr = PS_REGS_NR(regs);
	if (PS_REGS_COMPAT(regs))
		return compat && nr == PS_NR_CONNECT_COMPAT;
	return nr == PS_NR_CONNECT;
}

/*
 * The kernel's task_pt_regs(): the struct pt_regs at the top of the task's
 * THREAD_SIZE stack (16 KiB on x86_64 and on arm64 with 4 KiB pages; 32 KiB
 * only with KASAN, which no distribution kernel enables). Trusted only if
 * it was saved from user mode: anything else and the caller knows nothing.
 */
#define PS_THREAD_SIZE (16 * 1024)
static __always_inline struct pt_regs *stack_top_regs(struct task_struct *task)
{
	unsigned long top = (unsigned long)TASK_READ(task, stack) + PS_THREAD_SIZE;
	struct pt_regs *regs = (struct pt_regs *)(top - bpf_core_type_size(struct pt_regs));

	return PS_REGS_FROM_USER(regs) ? regs : NULL;
}

#endif /* PS_CORE_FIXES_BPF_H */
