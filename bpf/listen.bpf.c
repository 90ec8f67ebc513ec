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

	if (syscall_call(&c))
		listen_done(&c, ctx->ret);
	return 0;
}

/* fentry and kprobe strategies (inet6 sockets use inet_listen() too) */
SOCKFN_BACKLOG(inet_listen, listen_done)
SOCKFN_BACKLOG(mptcp_listen, listen_done)
