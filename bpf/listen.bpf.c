// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* listen(): address, port (also when listen() autobinds) and backlog. */
#include "syscall.bpf.h"

SEC("tracepoint/syscalls/sys_exit_listen")
int tp_exit_listen(struct trace_event_raw_sys_exit *ctx)
{
	return local_event(PS_EV_LISTEN, ctx->ret);
}
