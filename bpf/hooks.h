/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The one list of where portsnoop hooks the kernel, for each hook (bind,
 * listen, connect, close) and strategy. Expanded by bpf/sockfn.bpf.c and
 * bpf/tracepoint.bpf.c (the programs), bench/floor.bpf.c (empty programs at
 * the same places) and user/kernel/hooktab.c (which program serves which
 * hook under which strategy, by name; user/loader/attach.c finds them). A new hooked function is one
 * line here and, for a new hook, one handler. Includes nothing: it is read
 * by BPF and by user space alike.
 *
 * PS_SOCKFNS(X): X(hook, fn, shape, optional), the kernel's socket-level
 * functions the fentry and kprobe strategies hook. Programs:
 *   fx_<fn>   fexit (shape RELEASE: fentry), the fentry strategy
 *   fxb_<fn>  its backup, on kernels that preempt programs mid-run
 *             (bpf/sockfn.bpf.h)
 *   kp_<fn>   kprobe, the kprobe strategy
 *   kr_<fn>   kretprobe, with kp_<fn> (none for shape RELEASE)
 * shape is the function's arguments: ADDR (socket, sockaddr, length),
 * CONNECT (ADDR + flags), BACKLOG (socket, backlog), RELEASE (socket).
 * optional: 1 when a kernel may lack the function (MPTCP's own calls).
 *
 * PS_TRACEPOINTS(X): X(hook, kind, target, prog), the tracepoint strategy:
 * a syscall exit tracepoint (kind TP, target "category/name") or a cgroup
 * socket hook (kind CGROUP, target the attach point).
 *
 * PS_SHARED(X): X(kind, target, prog, when), programs every strategy uses
 * (kind TP_BTF: a BTF tracepoint; KPROBE), when ALWAYS; COOKIES: the cgroup
 * programs that give sockets their cookies when no tracing program can;
 * UNPREEMPTED: a kprobe that takes a tp_btf program's place (when NOT_KP)
 * where the kernel can preempt a tp_btf program mid-run (bpf/exec.bpf.c).
 *
 * hook is enum hook's HOOK_<hook> (user/kernel/strategy.h).
 */
#ifndef PS_HOOKS_H
#define PS_HOOKS_H

#define PS_SOCKFNS(X)						\
	X(BIND, inet_bind, ADDR, 0)				\
	X(BIND, inet6_bind, ADDR, 0)				\
	X(BIND, mptcp_bind, ADDR, 1)				\
	X(LISTEN, inet_listen, BACKLOG, 0)			\
	X(LISTEN, mptcp_listen, BACKLOG, 1)			\
	X(CONNECT, inet_stream_connect, CONNECT, 0)		\
	X(CONNECT, inet_dgram_connect, CONNECT, 0)		\
	X(CLOSE, inet_release, RELEASE, 0)

#define PS_TRACEPOINTS(X)						\
	X(BIND, TP, "syscalls/sys_exit_bind", tp_exit_bind)		\
	X(LISTEN, TP, "syscalls/sys_exit_listen", tp_exit_listen)	\
	X(CONNECT, TP, "syscalls/sys_exit_connect", tp_exit_connect)	\
	X(CLOSE, CGROUP, "sock_release", cg_sock_release)

#define PS_SHARED(X)							\
	X(TP_BTF, "inet_sock_set_state", tp_sock_state, ALWAYS)		\
	X(TP_BTF, "sched_process_exit", tp_process_exit, ALWAYS)	\
	X(TP_BTF, "sched_process_exec", tp_process_exec, NOT_KP)	\
	X(KPROBE, "security_bprm_committed_creds", kp_process_exec, UNPREEMPTED) \
	X(CGROUP, "sock_create", cg_sock_create, COOKIES)		\
	X(CGROUP, "post_bind4", cg_post_bind4, COOKIES)			\
	X(CGROUP, "post_bind6", cg_post_bind6, COOKIES)

/* Section prefixes of the kinds above. */
#define PS_SEC_TP "tracepoint/"
#define PS_SEC_CGROUP "cgroup/"
#define PS_SEC_TP_BTF "tp_btf/"
#define PS_SEC_KPROBE "kprobe/"

#endif /* PS_HOOKS_H */
