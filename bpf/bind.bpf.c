// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* bind(): the port the kernel bound, or the requested address and errno. */
#include "syscall.bpf.h"
#include "sockfn.bpf.h"

static __always_inline void bind_done(const struct call *c, long ret)
{
	local_event(PS_EV_BIND, c, ret);
}

/* tracepoint strategy */
SEC("tracepoint/syscalls/sys_exit_bind")
int tp_exit_bind(struct trace_event_raw_sys_exit *ctx)
{
	struct call c;

	if (syscall_call(ctx, &c))
		bind_done(&c, ctx->ret);
	return 0;
}

/* fentry and kprobe strategies: inet6_bind() is also what an AF_INET6
 * socket given an AF_INET address goes through. */
SOCKFN_ADDR(inet_bind, bind_done)
SOCKFN_ADDR(inet6_bind, bind_done)
SOCKFN_ADDR(mptcp_bind, bind_done)

/*
 * Cookies: a socket has none until someone asks. The fexit programs ask
 * themselves; for the others, ask at creation, and in post_bind for
 * sockets created before portsnoop started, so the bind, listen and close
 * of one socket carry the same cookie.
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
