/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* close: a socket that bind() or listen() gave a port lets go of it. */
#ifndef PS_RELEASE_BPF_H
#define PS_RELEASE_BPF_H

#include "common.bpf.h"

static __always_inline void release_done(__u64 cookie)
{
	struct ps_slot *s;
	struct ps_tracked *t;
	struct ps_event spare, *e;
	struct out o;
	bool in_slot;

	if (!cookie)
		return;
	s = slot_of(cookie);
	if (!s)
		return;
	in_slot = READ_ONCE(s->cookie) == cookie;
	if (in_slot)
		t = &s->t;
	else
		t = bpf_map_lookup_elem(&tracked, &cookie);
	if (!t)
		return;
	if (task_wanted()) {
		e = event_begin(&o, &spare);
		fill_task(e);
		e->kind = PS_EV_CLOSE;
		e->cookie = cookie;
		e->netns = t->netns;
		e->family = t->family;
		e->proto = t->proto;
		e->sock_type = t->sock_type;
		e->lport = t->lport;
		e->flags |= t->flags;	/* fill_task()'s PS_F_EXE_DELETED stays */
		__builtin_memcpy(e->laddr, t->laddr, sizeof(e->laddr));
		e->ifindex = t->ifindex;
		__builtin_memcpy(e->ifname, t->ifname, sizeof(e->ifname));
		event_end(&o, e);
	}
	/* The slot is given back after its fields are read (the swap orders
	 * them), for the next socket that maps to it. */
	if (in_slot)
		slot_swap(s, cookie, 0);
	else
		bpf_map_delete_elem(&tracked, &cookie);
}

/*
 * The fentry and kprobe strategies (bpf/sockfn.bpf.c): every inet socket's
 * release goes through inet_release() (inet6_release() calls it). A socket
 * that never got a cookie was never tracked: read it, do not make one.
 */
static __always_inline void release_sock(struct socket *sock)
{
	release_done(BPF_CORE_READ(sock, sk, __sk_common.skc_cookie.counter));
}

/* The tracepoint strategy's program body: the cgroup hook. */
static __always_inline int release_tp(void *ctx)
{
	release_done(bpf_get_socket_cookie(ctx));
	return 1;
}

#endif /* PS_RELEASE_BPF_H */
