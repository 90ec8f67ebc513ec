// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The floor under portsnoop's overhead: programs that do nothing, at the
 * attach points each strategy of portsnoop uses (keep in step with the
 * tables in user/loader/tracer.c). bench/floor.c attaches one strategy's set;
 * what the bind/close loop loses then is what the kernel charges for the
 * hooks themselves, before any program does any work.
 *
 * The min_ programs are the least a tracer of this kind can do per event:
 * capture the process context portsnoop captures (its own fill_task())
 * and hand a fixed-size record to a ring buffer. No socket is read, no
 * socket tracked, no command line copied. "floor STRATEGY minimal" puts
 * them in place of the empty bind and close programs.
 */
#include "common.bpf.h"

const volatile struct ps_filter filter = {};
__u64 last_wakeup_ns = 0;
const volatile bool tracing_cookie = true;

static __always_inline void minimal(__u16 kind, long ret)
{
	struct ps_event e = {};

	fill_task(&e);
	e.kind = kind;
	e.err = ret < 0 ? (__s32)-ret : 0;
	fixed_output(&e);
}

SEC("tracepoint/syscalls/sys_exit_bind")
int min_tp_bind(struct trace_event_raw_sys_exit *ctx)
{
	minimal(PS_EV_BIND, ctx->ret);
	return 0;
}

SEC("cgroup/sock_release")
int min_tp_sock_release(struct bpf_sock *ctx)
{
	minimal(PS_EV_CLOSE, 0);
	return 1;
}

SEC("fexit/inet_bind")
int BPF_PROG(min_fe_inet_bind, struct socket *sock, struct sockaddr *a, int len, int ret)
{
	minimal(PS_EV_BIND, ret);
	return 0;
}

SEC("fentry/inet_release")
int BPF_PROG(min_fe_inet_release)
{
	minimal(PS_EV_CLOSE, 0);
	return 0;
}

SEC("kretprobe/inet_bind")
int BPF_KRETPROBE(min_kr_inet_bind, int ret)
{
	minimal(PS_EV_BIND, ret);
	return 0;
}

SEC("kprobe/inet_release")
int BPF_KPROBE(min_kp_inet_release)
{
	minimal(PS_EV_CLOSE, 0);
	return 0;
}

/* Shared by every strategy. */
SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(any_sock_state) { return 0; }
SEC("tp_btf/sched_process_exit")
int BPF_PROG(any_process_exit) { return 0; }

/* Cookies, for the kprobe and tracepoint strategies. */
SEC("cgroup/sock_create")
int cookie_sock_create(struct bpf_sock *ctx) { return 1; }
SEC("cgroup/post_bind4")
int cookie_post_bind4(struct bpf_sock *ctx) { return 1; }
SEC("cgroup/post_bind6")
int cookie_post_bind6(struct bpf_sock *ctx) { return 1; }

/* tracepoint strategy */
SEC("tracepoint/syscalls/sys_exit_bind")
int tp_bind(void *ctx) { return 0; }
SEC("tracepoint/syscalls/sys_exit_listen")
int tp_listen(void *ctx) { return 0; }
SEC("tracepoint/syscalls/sys_exit_connect")
int tp_connect(void *ctx) { return 0; }
SEC("cgroup/sock_release")
int tp_sock_release(struct bpf_sock *ctx) { return 1; }

/* fentry and kprobe strategies: the socket functions. */
#define FN(name)						\
	SEC("fexit/" #name) int BPF_PROG(fe_##name) { return 0; }	\
	SEC("kprobe/" #name) int BPF_KPROBE(kp_##name) { return 0; }	\
	SEC("kretprobe/" #name) int BPF_KRETPROBE(kr_##name) { return 0; }
FN(inet_bind)
FN(inet6_bind)
FN(mptcp_bind)
FN(inet_listen)
FN(mptcp_listen)
FN(inet_stream_connect)
FN(inet_dgram_connect)
SEC("fentry/inet_release")
int BPF_PROG(fe_inet_release) { return 0; }
SEC("kprobe/inet_release")
int BPF_KPROBE(kp_inet_release) { return 0; }

char LICENSE[] SEC("license") = "Dual BSD/GPL";
