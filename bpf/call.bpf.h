/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * One socket call (bind, listen, connect), however it was hooked: a
 * syscall exit tracepoint, an fexit or a kretprobe on the kernel's socket
 * functions. Each attach strategy fills a struct call its own way; from
 * there on the record is built by the same code, so every strategy reports
 * the same events.
 */
#ifndef PS_CALL_BPF_H
#define PS_CALL_BPF_H

#include "common.bpf.h"

/* A struct sockaddr_in or sockaddr_in6 as the caller passed it. */
struct ps_sockaddr {
	__u16 family;
	__u16 port;		/* network byte order */
	__u32 v4;		/* sockaddr_in: address; sockaddr_in6: flowinfo */
	__u8 v6[16];
	__u32 scope_id;
};

struct call {
	struct sock *sk;	/* the socket the caller holds, not a subflow */
	const void *addr;	/* bind/connect: the sockaddr given */
	__u64 addrlen;
	__u32 backlog;		/* listen */
	bool user_addr;		/* addr is the caller's memory, not the kernel's copy */
};

/* Copy the caller's sockaddr; 0 on success. */
static __always_inline int read_sockaddr(const struct call *c, struct ps_sockaddr *sa)
{
	/* 64-bit and clamped, so the verifier sees 0 <= len <= sizeof(*sa). */
	__u64 len = c->addrlen;

	__builtin_memset(sa, 0, sizeof(*sa));
	if (len > sizeof(*sa))
		len = sizeof(*sa);
	barrier_var(len);
	if (!c->addr || len < sizeof(sa->family))
		return -1;
	if (c->user_addr)
		return bpf_probe_read_user(sa, len, c->addr) ? -1 : 0;
	return bpf_probe_read_kernel(sa, len, c->addr) ? -1 : 0;
}

/*
 * Put the caller's requested address in place of the socket's. An AF_INET
 * sockaddr given to an AF_INET6 socket stays AF_INET: it is shown as given.
 */
static __always_inline void use_requested(struct ps_event *e, const struct ps_sockaddr *sa,
					  bool read_ok, bool remote)
{
	__u8 *addr = remote ? e->raddr : e->laddr;
	__u16 port;

	e->flags |= PS_F_REQUESTED;
	__builtin_memset(addr, 0, 16);
	if (!read_ok || (sa->family != AF_INET && sa->family != AF_INET6)) {
		e->flags |= PS_F_NO_ADDR;
		return;
	}
	if (sa->family == AF_INET)
		__builtin_memcpy(addr, &sa->v4, 4);
	else
		__builtin_memcpy(addr, sa->v6, 16);
	e->family = sa->family;
	port = bpf_ntohs(sa->port);
	if (remote)
		e->rport = port;
	else
		e->lport = port;
}

static __always_inline __s32 errno_of(long ret)
{
	return ret < 0 ? (__s32)-ret : 0;
}

/*
 * bind() and listen() report the local end: what the socket holds after a
 * success (and it is tracked for its close), what was asked for after a
 * failed bind, what the socket held after a failed listen.
 */
static __always_inline void local_event(__u16 kind, const struct call *c, long ret)
{
	struct ps_event spare;
	struct out o;
	struct ps_event *e = event_begin(&o, &spare);

	fill_task(e);
	e->kind = kind;
	e->err = errno_of(ret);
	fill_sock(e, c->sk, false);
	if (kind == PS_EV_LISTEN)
		e->backlog = c->backlog;
	if (!e->err) {
		track_sock(e, kind == PS_EV_LISTEN);
	} else if (kind == PS_EV_BIND) {
		struct ps_sockaddr sa;
		bool ok = !read_sockaddr(c, &sa);

		use_requested(e, &sa, ok, false);
		/* A link-local address with a scope asks for that device
		 * (__inet6_bind()); a failed bind may not have set it. */
		if (ok && sa.family == AF_INET6 && sa.scope_id && sa.v6[0] == 0xfe &&
		    (sa.v6[1] & 0xc0) == 0x80 && sa.scope_id != e->ifindex) {
			struct sock *sk = c->sk;	/* CO-RE reads start from a kernel type */

			e->ifindex = sa.scope_id;
			fill_ifname(e, BPF_CORE_READ(sk, __sk_common.skc_net.net));
		}
	}
	event_end(&o, e);
}

#endif /* PS_CALL_BPF_H */
