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

/* A min_ program: one record of kind, err its call's return, then ret. */
#define FLOOR_MIN(sec, prog, kind, err, ret) \
	SEC(sec) int prog { minimal(kind, err); return ret; }

FLOOR_MIN("tracepoint/syscalls/sys_exit_bind",
	  min_tp_exit_bind(struct trace_event_raw_sys_exit *ctx), PS_EV_BIND, ctx->ret, 0)
FLOOR_MIN("cgroup/sock_release", min_cg_sock_release(struct bpf_sock *ctx), PS_EV_CLOSE, 0, 1)
FLOOR_MIN("fexit/inet_bind",
	  BPF_PROG(min_fx_inet_bind, struct socket *sock, struct sockaddr *a, int len, int ret),
	  PS_EV_BIND, ret, 0)
FLOOR_MIN("fentry/inet_release", BPF_PROG(min_fx_inet_release), PS_EV_CLOSE, 0, 0)
FLOOR_MIN("kretprobe/inet_bind", BPF_KRETPROBE(min_kr_inet_bind, int ret), PS_EV_BIND, ret, 0)
FLOOR_MIN("kprobe/inet_release", BPF_KPROBE(min_kp_inet_release), PS_EV_CLOSE, 0, 0)

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
