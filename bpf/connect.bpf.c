// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * connect()'s outcome, seen by the TCP state tracepoint every strategy
 * shares; the attempt is bpf/connect.bpf.h's.
 */
#include "connect.bpf.h"

/* Set by the loader: false when no strategy could attach the connect hook,
 * so no attempt is followed whose connect() exit will never be seen. */
const volatile bool connect_hooked = true;
/* Set by the loader: true when the connect hook is on the socket functions
 * (fentry, kprobe), which see a 32-bit task's connect() return as any other;
 * the syscall tracepoints never do, and its attempt would wait forever. */
const volatile bool connect_sees_compat = false;

/* Too big for the BPF stack: new entries are copied from this. */
static const struct pending pending_init = {};

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

	if (!connect_hooked || !in_syscall_connect(regs, connect_sees_compat) ||
	    sock_from_fd((int)PT_REGS_PARM1_CORE_SYSCALL(regs)) != sk)
		return;
	if (!task_wanted())
		return;
	sk_cookie(sk);
	if (bpf_map_update_elem(&pending, &key, &pending_init, BPF_ANY)) {
		stat_inc(PS_STAT_PENDING_FULL);
		return;
	}
	/* A token an earlier attempt on this socket left (one side of it
	 * never came) would make this one's first side take itself for the
	 * second (came_second()). */
	if (bpf_map_lookup_elem(&pending_turn, &key))
		bpf_map_delete_elem(&pending_turn, &key);
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
			p->no_sk_err = 1;
		}
	}
	p->outcome_err = err;
	p->outcome_ts = bpf_ktime_get_ns();
	fill_sock(&p->rec.ev, sk, true);
	p->rec.ev.cookie = sk_cookie(sk);
	barrier();
	/* In the connecting thread, its connect() exit not begun: the exit
	 * comes after this, on this thread, and emits (bpf/connect.bpf.h).
	 * Anywhere else the two may run at once: the token decides. */
	if ((__u32)bpf_get_current_pid_tgid() == p->rec.ev.tid && !READ_ONCE(p->call_ending)) {
		WRITE_ONCE(p->outcome, OUTCOME_IN_CALL);
		return;
	}
	WRITE_ONCE(p->outcome, OUTCOME_READY);
	if (came_second(key)) {
		emit_outcome(p);
		pending_done(key);
	}
}

SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(tp_sock_state, struct sock *sk, int oldstate, int newstate)
{
	/* Every TCP state change of every socket comes here: sk is a BTF
	 * pointer, so a plain load (u16 since v5.6), not sk_protocol()'s
	 * probe read. */
	if (sk->sk_protocol != IPPROTO_TCP)
		return 0;
	/* listen() without bind() on a socket older than portsnoop: give it a
	 * cookie before the listen exit reads it. */
	if (newstate == TCP_LISTEN)
		sk_cookie(sk);
	else if (oldstate == TCP_CLOSE && newstate == TCP_SYN_SENT)
		attempt_start(sk);
	else if (oldstate == TCP_SYN_SENT &&
		 (newstate == TCP_ESTABLISHED || newstate == TCP_CLOSE))
		attempt_end(sk, newstate);
	return 0;
}
