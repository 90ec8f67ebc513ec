/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Attach strategies: how each hook (bind, listen, connect, close) is
 * attached, chosen per hook from what the running kernel lets us load and
 * attach. Pure bookkeeping; the trials are user/loader/kfeat.c's, the loading
 * user/loader/tracer.c's, which program serves which hook user/kernel/hooktab.c's.
 */
#ifndef PS_STRATEGY_H
#define PS_STRATEGY_H

#include <stdbool.h>
#include <stddef.h>

/* Best first: the order auto mode tries them in (but plan.ranking). */
enum strategy {
	STRAT_FENTRY = 0,	/* fentry/fexit on the socket functions */
	STRAT_KPROBE,		/* kprobe/kretprobe on the same functions */
	STRAT_TRACEPOINT,	/* syscall tracepoints + cgroup socket hooks */
	STRAT__N,
	STRAT_AUTO = STRAT__N,	/* --probe=auto: the best per hook */
	STRAT_NONE,		/* auto found no way: the hook's events are unavailable */
};

enum hook {
	HOOK_BIND = 0,
	HOOK_LISTEN,
	HOOK_CONNECT,
	HOOK_CLOSE,
	HOOK__N,
};

#define STRAT_BIT(s) (1u << (s))

/*
 * Auto mode's order. On a kernel that preempts programs mid-run a
 * preempted fexit program makes the kernel skip other tasks' runs of it
 * (bpf/sockfn.bpf.h), so the strategies whose programs run with preemption
 * disabled go first: kprobes; before them tracepoints where the kernel
 * calls those with preemption disabled too (kfeat__tracepoints_unpreempted),
 * for their removal waits for no grace period per probe (a kprobe's waits
 * for one under a kernel-wide lock, one probe after another: see
 * user/loader/attach.c).
 */
enum ranking {
	RANK_DEFAULT = 0,	/* fentry, kprobe, tracepoint */
	RANK_KPROBE_FIRST,	/* kprobe, fentry, tracepoint */
	RANK_TRACEPOINT_FIRST,	/* tracepoint, kprobe, fentry */
};

/* How far one attempt got: what a failure says about the plan. */
enum stage { STAGE_SETUP, STAGE_CGROUP, STAGE_LOAD, STAGE_ATTACH };

struct plan {
	int forced;			/* a strategy, or STRAT_AUTO */
	unsigned offered[HOOK__N];	/* STRAT_BITs the kernel allows */
	unsigned failed[HOOK__N];	/* STRAT_BITs that were tried and failed */
	enum strategy chosen[HOOK__N];
	bool no_cgroup;			/* plan__without_cgroup() was called */
	enum ranking ranking;
};

const char *strategy__name(int s);
/* The strategy on auto mode's rung i (0: the best), in p's ranking. */
enum strategy plan__rung(const struct plan *p, int i);
/* Where s ranks in p (0: the best; STRAT__N for none). */
int plan__rank(const struct plan *p, int s);
const char *hook__name(int h);
/* "auto", "fentry", "kprobe", "tracepoint": 0, or -1 for anything else. */
int strategy__parse(const char *s, int *out);

/*
 * Pick, per hook, the forced strategy or else the best one offered that
 * has not failed; in auto mode a hook with none left is STRAT_NONE (its
 * events are unavailable, the others still work). -1 when a forced
 * strategy is not possible for a hook, or no hook is left at all: err says
 * which.
 */
int plan__choose(struct plan *p, char *err, size_t errsz);
/*
 * Auto mode only: after a failure move hooks down one strategy, the one
 * hook whose attach failed (below tracepoints: unavailable), or, when the
 * load failed (libbpf does not say which program), every hook on the best
 * strategy in use. False when there is nothing left to try (forced mode, a
 * failure no hook is to blame for, a load that fails on tracepoints).
 */
bool plan__demote(struct plan *p, bool load_failed, int hook);
/*
 * The kernel refused to load a program of strategy s for hook: that hook
 * moves down, the others stay. False in forced mode (nothing to move to)
 * or for a strategy the hook does not use.
 */
bool plan__refuse(struct plan *p, int hook, int s);
/*
 * Auto mode only: no cgroup v2 root can be opened. kprobe needs the cgroup
 * hooks for socket cookies (without them no close is ever matched), and
 * close under tracepoints is a cgroup hook: those are marked failed, so
 * the next choice takes fentry where it can, tracepoints for bind, listen
 * and connect, and fentry or nothing for close. Cookies then come only from
 * fexit programs and the TCP state tracepoint: a socket bound through a
 * tracepoint that never listens has none, and its close cannot be matched
 * (plan__close_partial() says when). Where tracing programs cannot make
 * cookies at all (fentry_cookies false: before v5.12) close has no way
 * left. False in forced mode: the user's strategy cannot run.
 */
bool plan__without_cgroup(struct plan *p, bool fentry_cookies);
bool plan__uses(const struct plan *p, enum strategy s);
/* Without cgroup hooks, close is attached but bind is not through fentry:
 * closes of sockets that were bound and never listened go unreported. */
bool plan__close_partial(const struct plan *p);
/* "bind=fentry listen=fentry ...", as --verbose and the start record show. */
void plan__describe(const struct plan *p, char *buf, size_t n);

#endif
