// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Cookies: a socket has none until someone asks. The fexit programs ask
 * themselves where the kernel lets tracing programs (core_fixes.bpf.h's
 * sk_cookie()); for the others, ask at creation, and in post_bind for
 * sockets created before portsnoop started, so the bind, listen and close
 * of one socket carry the same cookie (bpf/hooks.h: PS_SHARED, COOKIES).
 */
#include "common.bpf.h"

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
