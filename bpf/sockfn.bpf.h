/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The fentry and kprobe strategies: hooks on the kernel's socket-level
 * functions (the struct proto_ops methods inet_bind, inet_listen,
 * inet_stream_connect ... and MPTCP's own), which see the struct socket the
 * caller holds and the kernel's copy of its sockaddr.
 *
 * SOCKFN_<shape>(fn, handler) defines the programs of one kernel function
 * (bpf/hooks.h lists them; bpf/sockfn.bpf.c expands the list):
 *   fx_<fn>  fexit: arguments and result in one call;
 *   fxb_<fn> its backup, for kernels that preempt programs mid-run;
 *   kp_<fn>  kprobe: saves the arguments per thread;
 *   kr_<fn>  kretprobe: takes them back with the result.
 * The loader picks which of them load (tracer__set_autoload() in
 * user/loader/attach.c). handler is
 * static void handler(const struct call *c, long ret), shared with the
 * syscall tracepoint of the same call.
 */
#ifndef PS_SOCKFN_BPF_H
#define PS_SOCKFN_BPF_H

#include "call.bpf.h"
#include "hooks.h"

/* One key space per hooked function: nested calls must not collide. */
enum sockfn_id {
	SOCKFN__NONE = 0,
#define SOCKFN_ID(hook, fn, shape, optional) SOCKFN_##fn,
	PS_SOCKFNS(SOCKFN_ID)
#undef SOCKFN_ID
};

struct saved_args {
	struct socket *sock;
	const void *addr;
	__u64 arg;		/* addrlen, or backlog */
};

/*
 * kprobe -> kretprobe hand-over, keyed by (function, thread). LRU: an entry
 * whose kretprobe never ran (the kernel's maxactive was exhausted) ages out.
 */
PS_MAP(saved_args, BPF_MAP_TYPE_LRU_HASH, 16384, __u64, struct saved_args);

/*
 * Two slots per (function, thread): a call may run inside another call of
 * the same function (MPTCP's connect on 6.1 calls inet_stream_connect() on
 * its subflow from within inet_stream_connect() on the caller's socket).
 * The inner call takes slot 1, and returns first.
 */
static __always_inline __u64 saved_key(__u32 fn, __u32 depth)
{
	return (__u32)bpf_get_current_pid_tgid() | ((__u64)fn << 32) | ((__u64)depth << 48);
}

/*
 * The call on a socket, when it is reported: an inet socket of a wanted
 * process, and not an MPTCP subflow (the MPTCP function's own hook reports
 * the caller's socket).
 */
static __always_inline bool sock_call(struct call *c, struct socket *sock,
				      const void *addr, __u64 arg, bool is_listen)
{
	struct sock *sk = BPF_CORE_READ(sock, sk);

	if (!sk || !task_wanted() || !family_inet(sk_family(sk)) || sk_is_subflow(sk))
		return false;
	c->sk = sk;
	c->addr = addr;
	c->addrlen = is_listen ? 0 : arg;
	c->backlog = is_listen ? (__u32)arg : 0;
	c->user_addr = false;
	return true;
}

static __always_inline void save_args(__u32 fn, struct socket *sock, const void *addr,
				      __u64 arg)
{
	struct saved_args s = { .sock = sock, .addr = addr, .arg = arg };
	__u64 key = saved_key(fn, 0);

	if (!task_wanted())
		return;
	if (bpf_map_lookup_elem(&saved_args, &key)) {
		key = saved_key(fn, 1);
		/* Both taken: the kernel had no kretprobe instance free for an
		 * earlier call of this thread (maxactive), which went unreported. */
		if (bpf_map_lookup_elem(&saved_args, &key))
			stat_inc(PS_STAT_RET_MISSED);
	}
	bpf_map_update_elem(&saved_args, &key, &s, BPF_ANY);
}

static __always_inline bool take_args(__u32 fn, struct call *c, bool is_listen)
{
	__u64 key = saved_key(fn, 1);
	struct saved_args *s = bpf_map_lookup_elem(&saved_args, &key);
	struct saved_args copy;

	if (!s) {
		key = saved_key(fn, 0);
		s = bpf_map_lookup_elem(&saved_args, &key);
	}
	if (!s)
		return false;
	copy = *s;
	bpf_map_delete_elem(&saved_args, &key);
	return sock_call(c, copy.sock, copy.addr, copy.arg, is_listen);
}

/*
 * Backups. On a kernel that can preempt a program mid-run (PREEMPT_RT;
 * PREEMPT_LAZY, 7.x's only model on x86; preempt=full), a trampoline runs
 * its program with migration disabled, not preemption. Another task that
 * enters the same function on that CPU while a run is preempted finds the
 * program's per-CPU `active` count taken, and the kernel skips the program
 * for it (__bpf_prog_enter_recur(): a recursion miss): a call never
 * reported. Disabling preemption inside the program cannot close that: the
 * bpf_preempt_enable() at its end is where the pending reschedule happens,
 * and `active` is only released after it (measured on 7.2). A kprobe's
 * program runs with preemption disabled and never holds its slot while
 * preempted: there auto mode ranks kprobe first, or tracepoints where the
 * kernel calls those with preemption disabled (user/kernel/strategy.h),
 * and the backups serve fentry where it is still chosen or forced.
 *
 * So each fexit program has a backup, fxb_<fn>, attached after it to the
 * same function: another program, its own `active` count, run right after
 * the first for the same call. The first claims the call for its thread;
 * the backup takes the claim back, or, finding none (the first was
 * skipped), reports the call itself and counts it (PS_STAT_RECOVERED).
 * Every call is reported once, and the loss stays exact: the calls lost are
 * the first program's recursion misses less the recovered ones, whatever
 * the backup's own misses (a backup skipped after the first ran leaves a
 * stale claim: the next call of that thread that the first misses is then
 * dropped by the backup, and counted as lost by that same sum).
 */
PS_MAP(claims, BPF_MAP_TYPE_LRU_HASH, 16384, __u64, __u8);

/* Set by the loader when the backups are attached. */
extern const volatile bool backups;

static __always_inline void call_claim(__u32 fn)
{
	__u64 key = saved_key(fn, 0);
	__u8 one = 1;

	if (backups)
		bpf_map_update_elem(&claims, &key, &one, BPF_ANY);
}

/* Was the call claimed? The claim is taken back either way. */
static __always_inline bool call_claimed(__u32 fn)
{
	__u64 key = saved_key(fn, 0);

	if (!bpf_map_delete_elem(&claims, &key))
		return true;
	stat_inc(PS_STAT_RECOVERED);
	return false;
}

/*
 * The programs of one function, by shape (bpf/hooks.h). fexit runs with BTF
 * pointers: it gives the socket its cookie itself where the kernel lets it
 * (sk_cookie()); kprobes cannot (the cgroup sock_create hook does it for
 * them). role FIRST: the fexit program; BACKUP: its backup.
 */
#define SOCKFN_ROLE_FIRST(fn) call_claim(SOCKFN_##fn);
#define SOCKFN_ROLE_BACKUP(fn) if (call_claimed(SOCKFN_##fn)) return 0;

#define SOCKFN_FEXIT_BODY(handler, addr, arg, is_listen)			\
	struct call c;								\
										\
	if (sock_call(&c, sock, addr, arg, is_listen)) {			\
		sk_cookie(sock->sk);						\
		handler(&c, ret);						\
	}									\
	return 0;

#define SOCKFN_KRETPROBE(fn, handler, is_listen)				\
SEC("kretprobe/" #fn)								\
int BPF_KRETPROBE(kr_##fn, int ret)						\
{										\
	struct call c;								\
										\
	if (take_args(SOCKFN_##fn, &c, is_listen))				\
		handler(&c, ret);						\
	return 0;								\
}

/* fn(struct socket *, struct sockaddr *, int addr_len): bind. */
#define SOCKFN_ADDR_FEXIT(name, role, fn, handler)					\
SEC("fexit/" #fn)								\
int BPF_PROG(name, struct socket *sock, struct sockaddr *uaddr, int len, int ret) \
{	SOCKFN_ROLE_##role(fn) SOCKFN_FEXIT_BODY(handler, uaddr, (__u32)len, false) }

/* The kprobe and kretprobe of a function whose first three arguments are
 * (struct socket *, struct sockaddr *, int addr_len): bind and connect. */
#define SOCKFN_ADDR_KPROBES(fn, handler)					\
SEC("kprobe/" #fn)								\
int BPF_KPROBE(kp_##fn, struct socket *sock, struct sockaddr *uaddr, int len) \
{										\
	save_args(SOCKFN_##fn, sock, uaddr, (__u32)len);			\
	return 0;								\
}										\
SOCKFN_KRETPROBE(fn, handler, false)

#define SOCKFN_ADDR(fn, handler)						\
SOCKFN_ADDR_FEXIT(fx_##fn, FIRST, fn, handler)						\
SOCKFN_ADDR_FEXIT(fxb_##fn, BACKUP, fn, handler)					\
SOCKFN_ADDR_KPROBES(fn, handler)

/* fn(struct socket *, struct sockaddr *, int addr_len, int flags): connect.
 * The kprobe is ADDR's (flags unused). */
#define SOCKFN_CONNECT_FEXIT(name, role, fn, handler)					\
SEC("fexit/" #fn)								\
int BPF_PROG(name, struct socket *sock, struct sockaddr *uaddr, int len,	\
	     int flags, int ret)						\
{	SOCKFN_ROLE_##role(fn) SOCKFN_FEXIT_BODY(handler, uaddr, (__u32)len, false) }

#define SOCKFN_CONNECT(fn, handler)						\
SOCKFN_CONNECT_FEXIT(fx_##fn, FIRST, fn, handler)					\
SOCKFN_CONNECT_FEXIT(fxb_##fn, BACKUP, fn, handler)					\
SOCKFN_ADDR_KPROBES(fn, handler)

/* fn(struct socket *, int backlog): listen. */
#define SOCKFN_BACKLOG_FEXIT(name, role, fn, handler)					\
SEC("fexit/" #fn)								\
int BPF_PROG(name, struct socket *sock, int backlog, int ret)			\
{	SOCKFN_ROLE_##role(fn) SOCKFN_FEXIT_BODY(handler, NULL, (__u32)backlog, true) }

#define SOCKFN_BACKLOG(fn, handler)						\
SOCKFN_BACKLOG_FEXIT(fx_##fn, FIRST, fn, handler)					\
SOCKFN_BACKLOG_FEXIT(fxb_##fn, BACKUP, fn, handler)					\
SEC("kprobe/" #fn)								\
int BPF_KPROBE(kp_##fn, struct socket *sock, int backlog)			\
{										\
	save_args(SOCKFN_##fn, sock, NULL, (__u32)backlog);			\
	return 0;								\
}										\
SOCKFN_KRETPROBE(fn, handler, true)

/* fn(struct socket *): release. No result needed: fentry, a kprobe alone;
 * handler is static void handler(struct socket *). */
#define SOCKFN_RELEASE_FENTRY(name, role, fn, handler)				\
SEC("fentry/" #fn)								\
int BPF_PROG(name, struct socket *sock)						\
{	SOCKFN_ROLE_##role(fn) handler(sock); return 0; }

#define SOCKFN_RELEASE(fn, handler)						\
SOCKFN_RELEASE_FENTRY(fx_##fn, FIRST, fn, handler)					\
SOCKFN_RELEASE_FENTRY(fxb_##fn, BACKUP, fn, handler)					\
SEC("kprobe/" #fn)								\
int BPF_KPROBE(kp_##fn, struct socket *sock)					\
{										\
	handler(sock);								\
	return 0;								\
}

#endif /* PS_SOCKFN_BPF_H */
