// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* listen(): address, port (also when listen() autobinds) and backlog. */
#include "syscall.bpf.h"

SEC("tracepoint/syscalls/sys_enter_listen")
int tp_enter_listen(struct trace_event_raw_sys_enter *ctx)
{
	return call_enter(PS_EV_LISTEN, (int)ctx->args[0], NULL, 0,
			  (__u32)ctx->args[1]);
}

SEC("tracepoint/syscalls/sys_exit_listen")
int tp_exit_listen(struct trace_event_raw_sys_exit *ctx)
{
	struct call *c = call_lookup(PS_EV_LISTEN);
	struct ps_event *e;

	if (!c)
		return 0;
	e = event_reserve();
	if (e) {
		fill_task(e);
		e->kind = PS_EV_LISTEN;
		e->err = errno_of(ctx->ret);
		e->backlog = c->backlog;
		fill_sock_local(e, (struct sock *)c->sk);
		if (!e->err)
			track_sock(e);
		event_submit(e);
	}
	call_done();
	return 0;
}
