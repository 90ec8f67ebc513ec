/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The syscall tracepoints see the request (fd, user sockaddr, backlog) on
 * entry and the result on exit. Entry stashes what exit needs, per thread.
 */
#ifndef PS_SYSCALL_BPF_H
#define PS_SYSCALL_BPF_H

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
	__u64 sk;		/* struct sock *, pinned by the syscall */
	__u32 backlog;
	__u32 salen;
	__u16 op;		/* PS_EV_BIND / PS_EV_LISTEN / PS_EV_CONNECT */
	__u16 sa_ok;		/* sa holds min(salen, sizeof(sa)) user bytes */
	struct ps_sockaddr sa;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, struct call);
} calls SEC(".maps") __weak;

/* Stash an inet socket call of the current thread; others cost one fd walk. */
static __always_inline int call_enter(__u16 op, int fd, const void *uaddr,
				      __u32 salen, __u32 backlog)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)pid_tgid;
	struct call c = {};
	struct sock *sk;
	__u32 len = salen;

	if (!tgid_wanted(pid_tgid >> 32))
		return 0;
	sk = sock_from_fd(fd);
	if (!sk || !family_inet(sk_family(sk)))
		return 0;
	c.sk = (__u64)sk;
	c.op = op;
	c.backlog = backlog;
	c.salen = salen;
	if (len > sizeof(c.sa))
		len = sizeof(c.sa);
	if (uaddr && len >= sizeof(c.sa.family) &&
	    !bpf_probe_read_user(&c.sa, len, uaddr))
		c.sa_ok = 1;
	bpf_map_update_elem(&calls, &tid, &c, BPF_ANY);
	return 0;
}

/* The stashed call of the current thread, if it is the one expected. */
static __always_inline struct call *call_lookup(__u16 op)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct call *c = bpf_map_lookup_elem(&calls, &tid);

	return c && c->op == op ? c : NULL;
}

static __always_inline void call_done(void)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();

	bpf_map_delete_elem(&calls, &tid);
}

/*
 * Put the caller's requested address in place of the socket's. An AF_INET
 * sockaddr given to an AF_INET6 socket stays AF_INET: it is shown as given.
 */
static __always_inline void use_requested(struct ps_event *e, const struct call *c,
					  bool remote)
{
	__u8 *addr = remote ? e->raddr : e->laddr;
	__u16 port = bpf_ntohs(c->sa.port);

	e->flags |= PS_F_REQUESTED;
	__builtin_memset(addr, 0, 16);
	if (!c->sa_ok) {
		e->flags |= PS_F_NO_ADDR;
		return;
	}
	if (c->sa.family == AF_INET) {
		__builtin_memcpy(addr, &c->sa.v4, 4);
	} else if (c->sa.family == AF_INET6) {
		__builtin_memcpy(addr, c->sa.v6, 16);
	} else {
		e->flags |= PS_F_NO_ADDR;
		port = 0;
	}
	if (c->sa.family == AF_INET || c->sa.family == AF_INET6)
		e->family = c->sa.family;
	if (remote)
		e->rport = port;
	else
		e->lport = port;
}

static __always_inline __s32 errno_of(long ret)
{
	return ret < 0 ? (__s32)-ret : 0;
}

#endif /* PS_SYSCALL_BPF_H */
