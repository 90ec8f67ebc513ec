// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* bind(): the port the kernel bound, or the requested address and errno. */
#include "syscall.bpf.h"

SEC("tracepoint/syscalls/sys_enter_bind")
int tp_enter_bind(struct trace_event_raw_sys_enter *ctx)
{
	return call_enter(PS_EV_BIND, (int)ctx->args[0], (const void *)ctx->args[1],
			  (__u32)ctx->args[2], 0);
}

SEC("tracepoint/syscalls/sys_exit_bind")
int tp_exit_bind(struct trace_event_raw_sys_exit *ctx)
{
	struct call *c = call_lookup(PS_EV_BIND);
	struct ps_event *e;

	if (!c)
		return 0;
	e = event_reserve();
	if (e) {
		fill_task(e);
		e->kind = PS_EV_BIND;
		e->err = errno_of(ctx->ret);
		fill_sock_local(e, (struct sock *)c->sk);
		if (e->err)
			use_requested(e, c, false);
		else
			track_sock(e);
		event_submit(e);
	}
	call_done();
	return 0;
}

/*
 * A socket created before portsnoop started has no cookie until someone
 * asks for one; post_bind runs inside every bind, so ask here. New sockets
 * get theirs at creation (sock_create), which covers listen() without bind.
 */
SEC("cgroup/post_bind4")
int cg_post_bind4(struct bpf_sock *ctx)
{
	bpf_get_socket_cookie(ctx);
	return 1;
}

SEC("cgroup/post_bind6")
int cg_post_bind6(struct bpf_sock *ctx)
{
	bpf_get_socket_cookie(ctx);
	return 1;
}

SEC("cgroup/sock_create")
int cg_sock_create(struct bpf_sock *ctx)
{
	bpf_get_socket_cookie(ctx);
	return 1;
}
