// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* listen(): address, port (also when listen() autobinds) and backlog. */
#include "syscall.bpf.h"
#include "sockfn.bpf.h"

static __always_inline void listen_done(const struct call *c, long ret)
{
	local_event(PS_EV_LISTEN, c, ret);
}

/* tracepoint strategy */
SEC("tracepoint/syscalls/sys_exit_listen")
int tp_exit_listen(struct trace_event_raw_sys_exit *ctx)
{
	struct call c;
	struct sock *sk;
	__u32 somaxconn;

	if (!syscall_call(ctx, &c))
		return 0;
	sk = c.sk;	/* (the CO-RE read must start from the kernel's type) */
	/* Report the backlog as the socket gets it, as the fentry and kprobe
	 * strategies see it: __sys_listen() caps it at net.core.somaxconn. */
	somaxconn = BPF_CORE_READ(sk, __sk_common.skc_net.net, core.sysctl_somaxconn);
	if (c.backlog > somaxconn)
		c.backlog = somaxconn;
	listen_done(&c, ctx->ret);
	return 0;
}

/* fentry and kprobe strategies (inet6 sockets use inet_listen() too) */
SOCKFN_BACKLOG(inet_listen, listen_done)
SOCKFN_BACKLOG(mptcp_listen, listen_done)
