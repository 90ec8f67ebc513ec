// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* listen(): address, port (also when listen() autobinds) and backlog. */
#include "syscall.bpf.h"

SEC("tracepoint/syscalls/sys_exit_listen")
int tp_exit_listen(struct trace_event_raw_sys_exit *ctx)
{
	struct sysargs a;
	struct sock *sk = syscall_sock(&a);
	struct ps_event e = {};

	if (!sk)
		return 0;
	fill_task(&e);
	e.kind = PS_EV_LISTEN;
	e.err = errno_of(ctx->ret);
	e.backlog = a.arg2;
	fill_sock(&e, sk, false);
	if (!e.err)
		track_sock(&e);
	event_output(&e);
	return 0;
}
