/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* listen(): address, port (also when listen() autobinds) and backlog. */
#ifndef PS_LISTEN_BPF_H
#define PS_LISTEN_BPF_H

#include "syscall.bpf.h"

/* Every strategy's call ends here (bpf/sockfn.bpf.c, bpf/tracepoint.bpf.c).
 * inet6 sockets use inet_listen() too. */
static __always_inline void listen_done(const struct call *c, long ret)
{
	local_event(PS_EV_LISTEN, c, ret);
}

/* The tracepoint strategy's program body. */
static __always_inline int listen_tp(void *ctx)
{
	struct call c;
	struct sock *sk;
	__u32 somaxconn;

	if (!syscall_call(&c))
		return 0;
	sk = c.sk;	/* (the CO-RE read must start from the kernel's type) */
	/* Report the backlog as the socket gets it, as the fentry and kprobe
	 * strategies see it: __sys_listen() caps it at net.core.somaxconn. */
	somaxconn = BPF_CORE_READ(sk, __sk_common.skc_net.net, core.sysctl_somaxconn);
	if (c.backlog > somaxconn)
		c.backlog = somaxconn;
	listen_done(&c, ((struct trace_event_raw_sys_exit *)ctx)->ret);
	return 0;
}

#endif /* PS_LISTEN_BPF_H */
