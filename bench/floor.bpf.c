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
#include "hooks.h"

const volatile struct ps_filter filter = {};
__u64 last_wakeup_ns = 0;

static __always_inline void minimal(__u16 kind, long ret)
{
	struct ps_event e = {};

	fill_task(&e);
	e.kind = kind;
	e.err = ret < 0 ? (__s32)-ret : 0;
	fixed_output(&e);
}

SEC("tracepoint/syscalls/sys_exit_bind")
int min_tp_exit_bind(struct trace_event_raw_sys_exit *ctx)
{
	minimal(PS_EV_BIND, ctx->ret);
	return 0;
}

SEC("cgroup/sock_release")
int min_cg_sock_release(struct bpf_sock *ctx)
{
	minimal(PS_EV_CLOSE, 0);
	return 1;
}

SEC("fexit/inet_bind")
int BPF_PROG(min_fx_inet_bind, struct socket *sock, struct sockaddr *a, int len, int ret)
{
	minimal(PS_EV_BIND, ret);
	return 0;
}

SEC("fentry/inet_release")
int BPF_PROG(min_fx_inet_release)
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

/*
 * The empty programs, named and placed as portsnoop's, from bpf/hooks.h:
 * the socket functions (fentry and kprobe strategies), the tracepoint
 * strategy's programs, and those every strategy shares.
 */
#define FLOOR_FN_ADDR(fn)							\
	SEC("fexit/" #fn) int BPF_PROG(fx_##fn) { return 0; }			\
	SEC("kprobe/" #fn) int BPF_KPROBE(kp_##fn) { return 0; }		\
	SEC("kretprobe/" #fn) int BPF_KRETPROBE(kr_##fn) { return 0; }
#define FLOOR_FN_CONNECT FLOOR_FN_ADDR
#define FLOOR_FN_BACKLOG FLOOR_FN_ADDR
#define FLOOR_FN_RELEASE(fn)							\
	SEC("fentry/" #fn) int BPF_PROG(fx_##fn) { return 0; }			\
	SEC("kprobe/" #fn) int BPF_KPROBE(kp_##fn) { return 0; }
#define FLOOR_FN(hook, fn, shape, optional) FLOOR_FN_##shape(fn)
PS_SOCKFNS(FLOOR_FN)

/* What a program of each kind returns to let the call go on. */
#define FLOOR_RET_TP 0
#define FLOOR_RET_TP_BTF 0
#define FLOOR_RET_KPROBE 0
#define FLOOR_RET_CGROUP 1
#define FLOOR_TP(hook, kind, target, prog) \
	SEC(PS_SEC_##kind target) int prog(void *ctx) { return FLOOR_RET_##kind; }
PS_TRACEPOINTS(FLOOR_TP)
#define FLOOR_SHARED(kind, target, prog, when) \
	SEC(PS_SEC_##kind target) int prog(void *ctx) { return FLOOR_RET_##kind; }
PS_SHARED(FLOOR_SHARED)

char LICENSE[] SEC("license") = "Dual BSD/GPL";
