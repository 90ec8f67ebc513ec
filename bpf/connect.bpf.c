// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * connect(): the attempt when the syscall returns, then, for TCP, its
 * outcome when the socket leaves SYN_SENT. A blocking connect() learns its
 * outcome before it returns; a non-blocking one after. Whichever side comes
 * second emits the outcome, so the stream always reads attempt, outcome.
 */
#include "syscall.bpf.h"
#include "sockfn.bpf.h"

#define TCP_ESTABLISHED 1
#define TCP_SYN_SENT 2
#define TCP_CLOSE 7
#define TCP_LISTEN 10

enum {
	PENDING_SYSCALL_DONE = 1,
	PENDING_OUTCOME_READY = 2,
	/* Left SYN_SENT with no sk_err: connect() itself may say why. */
	PENDING_NO_SK_ERR = 4,
};

struct pending {
	__u32 flags;		/* PENDING_*, updated atomically */
	__s32 outcome_err;
	__u64 outcome_ts;
	/* Task context of the attempt; socket fields once the outcome is in. */
	struct ps_record rec;
};

/* Set by the loader: false when no strategy could attach the connect hook,
 * so no attempt is followed whose connect() exit will never be seen. */
const volatile bool connect_hooked = true;

/* Too big for the BPF stack: new entries are copied from this. */
static const struct pending pending_init = {};

/* Keyed by struct sock *: lives from SYN_SENT until both sides are done. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8192);
	__type(key, __u64);
	__type(value, struct pending);
} pending SEC(".maps");

/*
 * The entry is deleted after this: its record is turned into the outcome.
 * The record was stamped when the socket entered SYN_SENT, inside connect()
 * before the SYN went out: the duration runs from there to the outcome.
 */
static __always_inline void emit_outcome(struct pending *p)
{
	p->rec.ev.duration_ns = p->outcome_ts - p->rec.ev.ts_ns;
	p->rec.ev.kind = PS_EV_CONNECT_RESULT;
	p->rec.ev.err = p->outcome_err;
	p->rec.ev.ts_ns = p->outcome_ts;
	p->rec.ev.flags |= PS_F_ATTEMPT_CTX;
	record_output(&p->rec);
}

static __always_inline void connect_done(const struct call *c, long ret)
{
	struct ps_sockaddr sa;
	struct ps_event e = {};
	struct pending *p;
	bool sa_ok;
	__u64 key;

	/* connect(AF_UNSPEC) dissolves an association; it is no attempt. */
	sa_ok = !read_sockaddr(c, &sa);
	if (sa_ok && sa.family == AF_UNSPEC)
		return;
	key = (__u64)c->sk;
	p = bpf_map_lookup_elem(&pending, &key);
	if (p && (READ_ONCE(p->flags) & PENDING_OUTCOME_READY)) {
		/* Blocking connect: the socket may have dropped its port already. */
		__builtin_memcpy(&e, &p->rec.ev, sizeof(e));
		/* inet_hash_connect() and friends fail after SYN_SENT without
		 * setting sk_err: the call's errno is the outcome. */
		if ((p->flags & PENDING_NO_SK_ERR) && ret < 0 && ret != -EINPROGRESS)
			p->outcome_err = errno_of(ret);
	} else {
		if (p)
			__builtin_memcpy(&e, &p->rec.ev, sizeof(e));
		else
			fill_task(&e);
		fill_sock(&e, c->sk, true);
	}
	e.kind = PS_EV_CONNECT;
	e.err = errno_of(ret);
	if (!e.rport)
		use_requested(&e, &sa, sa_ok, true);
	event_output(&e);
	if (p && (__sync_fetch_and_or(&p->flags, PENDING_SYSCALL_DONE) &
		  PENDING_OUTCOME_READY)) {
		emit_outcome(p);
		bpf_map_delete_elem(&pending, &key);
	}
}

/* tracepoint strategy */
SEC("tracepoint/syscalls/sys_exit_connect")
int tp_exit_connect(struct trace_event_raw_sys_exit *ctx)
{
	struct call c;

	if (syscall_call(&c))
		connect_done(&c, ctx->ret);
	return 0;
}

/* fentry and kprobe strategies: TCP and MPTCP streams (MPTCP's socket
 * connects through inet_stream_connect() too; a subflow that does is
 * skipped by sk_is_subflow()), then UDP v4 and v6. */
SOCKFN_CONNECT(inet_stream_connect, connect_done)
SOCKFN_CONNECT(inet_dgram_connect, connect_done)

/*
 * CLOSE -> SYN_SENT inside a connect() on this very socket: remember who is
 * attempting. An MPTCP subflow, io_uring or TCP Fast Open (sendmsg) get the
 * attempt record alone: no connect() exit would ever pick the outcome up.
 */
static __always_inline void attempt_start(struct sock *sk)
{
	struct pt_regs *regs = user_regs();
	__u64 key = (__u64)sk;
	struct pending *p;

	if (!connect_hooked || !in_syscall_connect(regs) ||
	    sock_from_fd((int)PT_REGS_PARM1_SYSCALL(regs)) != sk)
		return;
	if (!task_wanted())
		return;
	bpf_get_socket_cookie(sk);
	if (bpf_map_update_elem(&pending, &key, &pending_init, BPF_ANY)) {
		stat_inc(PS_STAT_PENDING_FULL);
		return;
	}
	p = bpf_map_lookup_elem(&pending, &key);
	if (!p)
		return;
	fill_task(&p->rec.ev);
	read_argv(&p->rec);
}

/* SYN_SENT -> ESTABLISHED or CLOSE, often in softirq: the outcome. */
static __always_inline void attempt_end(struct sock *sk, int newstate)
{
	__u64 key = (__u64)sk;
	struct pending *p = bpf_map_lookup_elem(&pending, &key);
	int err;

	if (!p)
		return;
	err = 0;
	if (newstate != TCP_ESTABLISHED) {
		/* tcp_done_with_error() and tcp_write_err() set sk_err before the
		 * state change; none means the caller gave up (close()). */
		err = BPF_CORE_READ(sk, sk_err);
		if (!err) {
			err = ECONNABORTED;
			__sync_fetch_and_or(&p->flags, PENDING_NO_SK_ERR);
		}
	}
	p->outcome_err = err;
	p->outcome_ts = bpf_ktime_get_ns();
	fill_sock(&p->rec.ev, sk, true);
	p->rec.ev.cookie = bpf_get_socket_cookie(sk);
	if (__sync_fetch_and_or(&p->flags, PENDING_OUTCOME_READY) &
	    PENDING_SYSCALL_DONE) {
		emit_outcome(p);
		bpf_map_delete_elem(&pending, &key);
	}
}

SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(tp_sock_state, struct sock *sk, int oldstate, int newstate)
{
	if (sk_protocol(sk) != IPPROTO_TCP)
		return 0;
	/* listen() without bind() on a socket older than portsnoop: give it a
	 * cookie before the listen exit reads it. */
	if (newstate == TCP_LISTEN)
		bpf_get_socket_cookie(sk);
	else if (oldstate == TCP_CLOSE && newstate == TCP_SYN_SENT)
		attempt_start(sk);
	else if (oldstate == TCP_SYN_SENT &&
		 (newstate == TCP_ESTABLISHED || newstate == TCP_CLOSE))
		attempt_end(sk, newstate);
	return 0;
}
