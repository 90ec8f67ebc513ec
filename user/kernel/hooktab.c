// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "kernel/hooktab.h"

#include <errno.h>
#include <string.h>

#include "hooks.h"
#include "kernel/strategy.h"

/* kretprobes by shape: release needs no result. */
#define KR_ADDR(fn) "kr_" #fn
#define KR_CONNECT(fn) "kr_" #fn
#define KR_BACKLOG(fn) "kr_" #fn
#define KR_RELEASE(fn) NULL

const struct hook_fn hooks__fns[] = {
#define FN_ROW(hook, fn, shape, optional)					\
	{ HOOK_##hook, #fn, optional,						\
	  { "fx_" #fn, "fxb_" #fn, "kp_" #fn, KR_##shape(fn) } },
	PS_SOCKFNS(FN_ROW)
#undef FN_ROW
};
const size_t hooks__nfns = sizeof(hooks__fns) / sizeof(hooks__fns[0]);

#define IS_CGROUP_TP false
#define IS_CGROUP_TP_BTF false
#define IS_CGROUP_KPROBE false
#define IS_CGROUP_CGROUP true

const struct hook_tp hooks__tps[] = {
#define TP_ROW(hook, kind, target, prog) \
	{ HOOK_##hook, PS_SEC_##kind target, #prog, IS_CGROUP_##kind },
	PS_TRACEPOINTS(TP_ROW)
#undef TP_ROW
};
const size_t hooks__ntps = sizeof(hooks__tps) / sizeof(hooks__tps[0]);


const struct hook_shared hooks__shared[] = {
#define SHARED_ROW(kind, target, prog, when) \
	{ PS_SEC_##kind target, #prog, IS_CGROUP_##kind, SHARED_##when },
	PS_SHARED(SHARED_ROW)
#undef SHARED_ROW
};
const size_t hooks__nshared = sizeof(hooks__shared) / sizeof(hooks__shared[0]);

static const enum strategy fn_prog_strategy[FN__N] = {
	[FN_FEXIT] = STRAT_FENTRY,
	[FN_FEXIT_BACKUP] = STRAT_FENTRY,
	[FN_KPROBE] = STRAT_KPROBE,
	[FN_KRETPROBE] = STRAT_KPROBE,
};

int hooks__role(const char *prog, struct hook_role *role)
{
	*role = (struct hook_role){ -1, -1, -1, -1 };
	for (size_t i = 0; i < hooks__nfns; i++)
		for (int k = 0; k < FN__N; k++)
			if (hooks__fns[i].prog[k] && !strcmp(prog, hooks__fns[i].prog[k])) {
				*role = (struct hook_role){ hooks__fns[i].hook, fn_prog_strategy[k],
							    (int)i, k };
				return 0;
			}
	for (size_t i = 0; i < hooks__ntps; i++)
		if (!strcmp(prog, hooks__tps[i].prog)) {
			*role = (struct hook_role){ hooks__tps[i].hook, STRAT_TRACEPOINT, -1, -1 };
			return 0;
		}
	return -ENOENT;
}
