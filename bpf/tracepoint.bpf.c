// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The tracepoint strategy's programs: bpf/hooks.h's PS_TRACEPOINTS, each
 * running its hook's body (a syscall exit tracepoint, or the cgroup hook
 * for close).
 */
#include "bind.bpf.h"
#include "listen.bpf.h"
#include "connect.bpf.h"
#include "release.bpf.h"
#include "hooks.h"

#define TP_BODY_BIND bind_tp
#define TP_BODY_LISTEN listen_tp
#define TP_BODY_CONNECT connect_tp
#define TP_BODY_CLOSE release_tp

#define TP_PROGRAM(hook, kind, target, prog)				\
SEC(PS_SEC_##kind target)						\
int prog(void *ctx)							\
{									\
	return TP_BODY_##hook(ctx);					\
}
PS_TRACEPOINTS(TP_PROGRAM)
