/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* bind(): the port the kernel bound, or the requested address and errno. */
#ifndef PS_BIND_BPF_H
#define PS_BIND_BPF_H

#include "syscall.bpf.h"

/* Every strategy's call ends here (bpf/sockfn.bpf.c, bpf/tracepoint.bpf.c). */
static __always_inline void bind_done(const struct call *c, long ret)
{
	local_event(PS_EV_BIND, c, ret);
}

/* The tracepoint strategy's program body. */
static __always_inline int bind_tp(void *ctx)
{
	struct call c;

	if (syscall_call(&c))
		bind_done(&c, ((struct trace_event_raw_sys_exit *)ctx)->ret);
	return 0;
}

#endif /* PS_BIND_BPF_H */
