// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* bind(): the port the kernel bound, or the requested address and errno. */
#include "syscall.bpf.h"

SEC("tracepoint/syscalls/sys_exit_bind")
int tp_exit_bind(struct trace_event_raw_sys_exit *ctx)
{
	return local_event(PS_EV_BIND, ctx->ret);
}

/*
 * Cookies: a socket has none until someone asks. Ask at creation, and in
 * post_bind for sockets created before portsnoop started, so the bind,
 * listen and close of one socket carry the same cookie.
 */
SEC("cgroup/sock_create")
int cg_sock_create(struct bpf_sock *ctx)
{
	bpf_get_socket_cookie(ctx);
	return 1;
}

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
