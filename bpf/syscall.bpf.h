/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Helpers for the syscall exit tracepoints. Only the exit is hooked: the
 * arguments are still in the task's saved user registers, and the exit
 * alone knows the result — one program per call, no per-thread state.
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

/* The arguments of the syscall being traced, from the saved registers. */
struct sysargs {
	int fd;
	const void *uaddr;	/* bind/connect: struct sockaddr __user * */
	__u32 arg3;		/* bind/connect: addrlen */
	__u32 arg2;		/* listen: backlog */
};

static __always_inline struct pt_regs *user_regs(void)
{
	return (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
}

/* pt_regs from bpf_task_pt_regs() is a BTF pointer: plain loads. */
static __always_inline void sysargs_read(struct sysargs *a)
{
	struct pt_regs *regs = user_regs();

	a->fd = (int)PT_REGS_PARM1_SYSCALL(regs);
	a->uaddr = (const void *)PT_REGS_PARM2_SYSCALL(regs);
	a->arg2 = (__u32)PT_REGS_PARM2_SYSCALL(regs);
	a->arg3 = (__u32)PT_REGS_PARM3_SYSCALL(regs);
}

/*
 * The inet socket the call was made on, or NULL (not ours: AF_UNIX,
 * netlink, a bad fd, a filtered-out process).
 */
static __always_inline struct sock *syscall_sock(struct sysargs *a)
{
	struct sock *sk;

	if (!task_wanted())
		return NULL;
	sysargs_read(a);
	sk = sock_from_fd(a->fd);
	if (!sk || !family_inet(sk_family(sk)))
		return NULL;
	return sk;
}

/* Copy the caller's sockaddr; 0 on success. */
static __always_inline int read_sockaddr(const struct sysargs *a, struct ps_sockaddr *sa)
{
	/* 64-bit and clamped, so the verifier sees 0 <= len <= sizeof(*sa). */
	__u64 len = a->arg3;

	__builtin_memset(sa, 0, sizeof(*sa));
	if (len > sizeof(*sa))
		len = sizeof(*sa);
	barrier_var(len);
	if (!a->uaddr || len < sizeof(sa->family))
		return -1;
	return bpf_probe_read_user(sa, len, a->uaddr) ? -1 : 0;
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
static __always_inline int local_event(__u16 kind, long ret)
{
	struct sysargs a;
	struct sock *sk = syscall_sock(&a);
	struct ps_event e = {};

	if (!sk)
		return 0;
	fill_task(&e);
	e.kind = kind;
	e.err = errno_of(ret);
	fill_sock(&e, sk, false);
	if (kind == PS_EV_LISTEN)
		e.backlog = a.arg2;
	if (!e.err) {
		track_sock(&e);
	} else if (kind == PS_EV_BIND) {
		struct ps_sockaddr sa;

		use_requested(&e, &sa, !read_sockaddr(&a, &sa), false);
	}
	event_output(&e);
	return 0;
}

#endif /* PS_SYSCALL_BPF_H */
