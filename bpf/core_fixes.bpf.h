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
		return t->start_boottime;	/* a BTF pointer: a plain load */
	return BPF_CORE_READ((struct task_struct___pre55 *)t, real_start_time);
}

/*
 * Which syscall the task is in, from its saved user registers: the number
 * is in orig_ax on x86_64, in syscallno on arm64 (whose syscalls follow the
 * generic table, asm-generic/unistd.h). A 32-bit task (ia32, AArch32) has
 * other numbers and is never taken for a connect() here: its connect()
 * gets no attempt record (syscall tracepoints skip compat calls too).
 */
#if defined(__TARGET_ARCH_x86)
#define PS_NR_CONNECT 42
static __always_inline bool in_syscall_connect(struct pt_regs *regs)
{
	return BPF_CORE_READ(regs, orig_ax) == PS_NR_CONNECT;
}
#elif defined(__TARGET_ARCH_arm64)
#define PS_NR_CONNECT 203
static __always_inline bool in_syscall_connect(struct pt_regs *regs)
{
	return BPF_CORE_READ(regs, syscallno) == PS_NR_CONNECT;
}
#else
#error "portsnoop: add in_syscall_connect() for this architecture"
#endif

#endif /* PS_CORE_FIXES_BPF_H */
