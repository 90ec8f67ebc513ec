/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The fentry and kprobe strategies: hooks on the kernel's socket-level
 * functions (the struct proto_ops methods inet_bind, inet_listen,
 * inet_stream_connect ... and MPTCP's own), which see the struct socket the
 * caller holds and the kernel's copy of its sockaddr.
 *
 * SOCKFN_*(fn, handler) defines three programs for one kernel function:
 *   fx_<fn>  fexit: arguments and result in one call;
 *   kp_<fn>  kprobe: saves the arguments per thread;
 *   kr_<fn>  kretprobe: takes them back with the result.
 * The loader picks which of them load (see user/loader/strategy.c). handler is
 * static void handler(const struct call *c, long ret), shared with the
 * syscall tracepoint of the same call.
 */
#ifndef PS_SOCKFN_BPF_H
#define PS_SOCKFN_BPF_H

#include "call.bpf.h"

/* One key space per hooked function: nested calls must not collide. */
enum sockfn_id {
	SOCKFN_inet_bind = 1,
	SOCKFN_inet6_bind,
	SOCKFN_mptcp_bind,
	SOCKFN_inet_listen,
	SOCKFN_mptcp_listen,
	SOCKFN_inet_stream_connect,
	SOCKFN_inet_dgram_connect,
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
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, struct saved_args);
} saved_args SEC(".maps") __weak;

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
 * The bodies every shape shares. fexit runs with BTF pointers: it gives
 * the socket its cookie itself; kprobes cannot (the cgroup sock_create hook
 * does it for them).
 */
#define SOCKFN_FEXIT_BODY(handler, addr, arg, is_listen)			\
{										\
	struct call c;								\
										\
	if (sock_call(&c, sock, addr, arg, is_listen)) {			\
		sk_cookie(sock->sk);						\
		handler(&c, ret);						\
	}									\
	return 0;								\
}

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

/* kprobe + kretprobe of fn(struct socket *, struct sockaddr *, int addr_len, ...) */
#define SOCKFN_ADDR_PROBES(fn, handler)						\
SEC("kprobe/" #fn)								\
int BPF_KPROBE(kp_##fn, struct socket *sock, struct sockaddr *uaddr, int len) \
{										\
	save_args(SOCKFN_##fn, sock, uaddr, (__u32)len);			\
	return 0;								\
}										\
SOCKFN_KRETPROBE(fn, handler, false)

/* fn(struct socket *, struct sockaddr *, int addr_len): bind. */
#define SOCKFN_ADDR(fn, handler)						\
SEC("fexit/" #fn)								\
int BPF_PROG(fx_##fn, struct socket *sock, struct sockaddr *uaddr, int len, int ret) \
SOCKFN_FEXIT_BODY(handler, uaddr, (__u32)len, false)				\
SOCKFN_ADDR_PROBES(fn, handler)

/* fn(struct socket *, struct sockaddr *, int addr_len, int flags): connect. */
#define SOCKFN_CONNECT(fn, handler)						\
SEC("fexit/" #fn)								\
int BPF_PROG(fx_##fn, struct socket *sock, struct sockaddr *uaddr, int len,	\
	     int flags, int ret)						\
SOCKFN_FEXIT_BODY(handler, uaddr, (__u32)len, false)				\
SOCKFN_ADDR_PROBES(fn, handler)

/* fn(struct socket *, int backlog): listen. */
#define SOCKFN_BACKLOG(fn, handler)						\
SEC("fexit/" #fn)								\
int BPF_PROG(fx_##fn, struct socket *sock, int backlog, int ret)		\
SOCKFN_FEXIT_BODY(handler, NULL, (__u32)backlog, true)				\
SEC("kprobe/" #fn)								\
int BPF_KPROBE(kp_##fn, struct socket *sock, int backlog)			\
{										\
	save_args(SOCKFN_##fn, sock, NULL, (__u32)backlog);			\
	return 0;								\
}										\
SOCKFN_KRETPROBE(fn, handler, true)

#endif /* PS_SOCKFN_BPF_H */
