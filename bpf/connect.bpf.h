/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * connect(): the attempt when the syscall returns, then, for TCP, its
 * outcome when the socket leaves SYN_SENT. A blocking connect() learns its
 * outcome before it returns; a non-blocking one after. Whichever side comes
 * second emits the outcome, so the stream always reads attempt, outcome.
 */
#ifndef PS_CONNECT_BPF_H
#define PS_CONNECT_BPF_H

#include "syscall.bpf.h"

#define TCP_ESTABLISHED 1
#define TCP_SYN_SENT 2
#define TCP_CLOSE 7
#define TCP_LISTEN 10

/* p->outcome: where the outcome is. */
enum {
	OUTCOME_NONE,
	OUTCOME_READY,		/* its fields are filled; the token says who emits */
	OUTCOME_IN_CALL,	/* filled inside the connect() call: its exit emits */
};

struct pending {
	__u32 outcome;		/* OUTCOME_* */
	__u32 call_ending;	/* the connect() exit has begun */
	__u32 no_sk_err;	/* left SYN_SENT with no sk_err: connect() may say why */
	__s32 outcome_err;
	__u64 outcome_ts;
	/* Task context of the attempt; socket fields once the outcome is in. */
	struct ps_record rec;
};

/* Keyed by struct sock *: lives from SYN_SENT until both sides are done. */
PS_MAP(pending, BPF_MAP_TYPE_HASH, 8192, __u64, struct pending);

/*
 * Which side comes second, the connect() exit or the outcome, when they
 * can run at once: the outcome came outside the connecting thread's call
 * (a softirq on any CPU, a later close()). A fetch-or on the entry would
 * say, but BPF has atomics other than add only since v5.12 ("bpf: Add
 * bitwise atomic instructions"), and a plain flag each side sets and reads
 * lets both (or neither) take themselves for the second. A map insert that
 * must not replace is atomic on every kernel: the first side done puts a
 * token here, the second finds it there (any failure, not only -EEXIST: on
 * 6.1 the comparison never held, measured), takes it away and emits. Not
 * needed, so not paid for, when the outcome comes inside the call
 * (OUTCOME_IN_CALL): a loopback connect, a failure before the SYN.
 */
PS_MAP(pending_turn, BPF_MAP_TYPE_HASH, 8192, __u64, __u8);

static __always_inline bool came_second(__u64 key)
{
	__u8 one = 1;

	if (!bpf_map_update_elem(&pending_turn, &key, &one, BPF_NOEXIST))
		return false;
	bpf_map_delete_elem(&pending_turn, &key);
	return true;
}

/* Both sides are done (the token went with the first): the entry goes. */
static __always_inline void pending_done(__u64 key)
{
	bpf_map_delete_elem(&pending, &key);
}

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

/* Every strategy's call ends here (bpf/sockfn.bpf.c, bpf/tracepoint.bpf.c):
 * TCP and MPTCP streams (MPTCP's socket connects through
 * inet_stream_connect() too; a subflow that does is skipped by
 * sk_is_subflow()), then UDP v4 and v6. */
static __always_inline void connect_done(const struct call *c, long ret)
{
	struct ps_sockaddr sa;
	struct ps_event e = {};
	__u32 outcome = OUTCOME_NONE;
	struct pending *p;
	bool sa_ok;
	__u64 key;

	/* connect(AF_UNSPEC) dissolves an association; it is no attempt. */
	sa_ok = !read_sockaddr(c, &sa);
	if (sa_ok && sa.family == AF_UNSPEC)
		return;
	key = (__u64)c->sk;
	p = bpf_map_lookup_elem(&pending, &key);
	if (p) {
		/* Before the outcome is read: an outcome in this thread's
		 * context after here (a softirq on its way out of this very
		 * program) goes through the token (bpf/connect.bpf.c). */
		WRITE_ONCE(p->call_ending, 1);
		barrier();
		outcome = READ_ONCE(p->outcome);
	}
	if (p && outcome != OUTCOME_NONE) {
		/* Blocking connect: the socket may have dropped its port already. */
		__builtin_memcpy(&e, &p->rec.ev, sizeof(e));
		/* inet_hash_connect() and friends fail after SYN_SENT without
		 * setting sk_err: the call's errno is the outcome. */
		if (p->no_sk_err && ret < 0 && ret != -EINPROGRESS)
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
	if (p && (outcome == OUTCOME_IN_CALL || came_second(key))) {
		emit_outcome(p);
		pending_done(key);
	}
}

/* The tracepoint strategy's program body. */
static __always_inline int connect_tp(void *ctx)
{
	struct call c;

	if (syscall_call(&c))
		connect_done(&c, ((struct trace_event_raw_sys_exit *)ctx)->ret);
	return 0;
}

#endif /* PS_CONNECT_BPF_H */
