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

struct pending {
	__u32 outcome_ready;	/* the outcome's fields are filled */
	__u32 no_sk_err;	/* left SYN_SENT with no sk_err: connect() may say why */
	__s32 outcome_err;
	__u32 taken_cpu;	/* 1 + the CPU the first side took the token on */
	__u64 outcome_ts;
	/* Task context of the attempt; socket fields once the outcome is in. */
	struct ps_record rec;
};

/* Keyed by struct sock *: lives from SYN_SENT until both sides are done. */
PS_MAP(pending, BPF_MAP_TYPE_HASH, 8192, __u64, struct pending);

/*
 * Which side comes second, the connect() exit or the outcome. A fetch-or on
 * the entry would say, but BPF has atomics other than add only since v5.12
 * ("bpf: Add bitwise atomic instructions"). A map delete is atomic on every
 * kernel: the attempt puts a token here (attempt_start() in
 * bpf/connect.bpf.c), each side takes it when it is done, and the one that
 * finds it gone comes second and emits the outcome. (Any failure, not only
 * -ENOENT, as with the map insert this was before: on 6.1 its comparison
 * with -EEXIST never held, measured.) One insert and two deletes per
 * attempt, where a token both sides insert took two inserts and a delete
 * more: the second side's failed delete takes no element.
 */
PS_MAP(pending_turn, BPF_MAP_TYPE_HASH, 8192, __u64, __u8);

static __always_inline bool came_second(struct pending *p, __u64 key)
{
	__u32 cpu = bpf_get_smp_processor_id() + 1;

	/* The other side took it on this very CPU (a blocking connect's
	 * outcome in the caller's own softirq): no need to look, and its
	 * writes to p are seen in the order it made them. */
	if (READ_ONCE(p->taken_cpu) == cpu)
		return true;
	if (bpf_map_delete_elem(&pending_turn, &key))
		return true;
	p->taken_cpu = cpu;
	return false;
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
	struct pending *p;
	bool sa_ok;
	__u64 key;

	/* connect(AF_UNSPEC) dissolves an association; it is no attempt. */
	sa_ok = !read_sockaddr(c, &sa);
	if (sa_ok && sa.family == AF_UNSPEC)
		return;
	key = (__u64)c->sk;
	p = bpf_map_lookup_elem(&pending, &key);
	if (p && READ_ONCE(p->outcome_ready)) {
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
	if (p && came_second(p, key)) {
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
