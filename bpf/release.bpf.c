// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* close: a socket that bind() or listen() gave a port lets go of it. */
#include "common.bpf.h"

SEC("cgroup/sock_release")
int cg_sock_release(struct bpf_sock *ctx)
{
	__u64 cookie = bpf_get_socket_cookie(ctx);
	struct ps_tracked *t = bpf_map_lookup_elem(&tracked, &cookie);
	struct ps_event e = {};

	if (!t)
		return 1;
	if (task_wanted()) {
		fill_task(&e);
		e.kind = PS_EV_CLOSE;
		e.cookie = cookie;
		e.netns = t->netns;
		e.family = t->family;
		e.proto = t->proto;
		e.sock_type = t->sock_type;
		e.lport = t->lport;
		__builtin_memcpy(e.laddr, t->laddr, sizeof(e.laddr));
		event_output(&e);
	}
	bpf_map_delete_elem(&tracked, &cookie);
	return 1;
}
