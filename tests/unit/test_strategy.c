// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdint.h>
#include <string.h>
#include "unit.h"

#include "kernel/strategy.h"

#define ALL (STRAT_BIT(STRAT_FENTRY) | STRAT_BIT(STRAT_KPROBE) | STRAT_BIT(STRAT_TRACEPOINT))
#define TP STRAT_BIT(STRAT_TRACEPOINT)

static struct plan offering(int forced, unsigned bind, unsigned listen, unsigned connect,
			    unsigned close)
{
	struct plan p;

	memset(&p, 0, sizeof(p));
	p.forced = forced;
	p.offered[HOOK_BIND] = bind;
	p.offered[HOOK_LISTEN] = listen;
	p.offered[HOOK_CONNECT] = connect;
	p.offered[HOOK_CLOSE] = close;
	return p;
}

#define FE STRAT_FENTRY
#define KP STRAT_KPROBE
#define TR STRAT_TRACEPOINT
#define NO STRAT_NONE

/* plan__choose succeeds and takes these for bind, listen, connect, close. */
static void chooses(struct plan *p, int bind, int listen, int connect, int close)
{
	char err[128];

	assert_int_equal(plan__choose(p, err, sizeof(err)), 0);
	assert_int_equal(p->chosen[HOOK_BIND], bind);
	assert_int_equal(p->chosen[HOOK_LISTEN], listen);
	assert_int_equal(p->chosen[HOOK_CONNECT], connect);
	assert_int_equal(p->chosen[HOOK_CLOSE], close);
}

/* Down the ladder: rung 0 as chosen first, each next one after a failed
 * load (plan__demote(p, true, -1)); then no rung is left. */
static void descends(struct plan *p, const int rungs[][HOOK__N], size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			assert_true(plan__demote(p, true, -1));
		chooses(p, rungs[i][HOOK_BIND], rungs[i][HOOK_LISTEN], rungs[i][HOOK_CONNECT],
			rungs[i][HOOK_CLOSE]);
	}
	assert_false(plan__demote(p, true, -1));
}

static void test_auto_takes_the_best_per_hook(void **state)
{
	/* A kernel where listen's function cannot take fentry. */
	struct plan p = offering(STRAT_AUTO, ALL, ALL & ~STRAT_BIT(STRAT_FENTRY), TP, ALL);
	char desc[256];

	chooses(&p, FE, KP, TR, FE);
	assert_true(plan__uses(&p, STRAT_KPROBE));
	plan__describe(&p, desc, sizeof(desc));
	assert_string_equal(desc, "bind=fentry listen=kprobe connect=tracepoint close=fentry "
				  "outcome=tp_btf probe=auto");
}

static void test_preemptible_kernel_ranks_kprobe_first(void **state)
{
	/* connect cannot take kprobes; close can take nothing but fentry. */
	struct plan p = offering(STRAT_AUTO, ALL, ALL, ALL & ~STRAT_BIT(STRAT_KPROBE),
				 STRAT_BIT(STRAT_FENTRY));

	p.ranking = RANK_KPROBE_FIRST;
	assert_int_equal(plan__rank(&p, STRAT_KPROBE), 0);
	assert_int_equal(plan__rank(&p, STRAT_FENTRY), 1);
	assert_int_equal(plan__rank(&p, STRAT_TRACEPOINT), 2);
	assert_int_equal(plan__rank(&p, STRAT_NONE), STRAT__N);
	/* A failed load moves the hooks of the best rung in use: kprobe's,
	 * then fentry's, to the last rung. */
	descends(&p, (const int[][HOOK__N]){ { KP, KP, FE, FE }, { FE, FE, FE, FE },
					     { TR, TR, TR, NO } }, 3);
	/* A forced strategy is taken as it is. */
	p = offering(STRAT_FENTRY, ALL, ALL, ALL, ALL);
	p.ranking = RANK_KPROBE_FIRST;
	chooses(&p, FE, FE, FE, FE);
}

static void test_unpreempted_tracepoints_rank_first(void **state)
{
	/* listen cannot take tracepoints; close can take nothing but fentry. */
	struct plan p = offering(STRAT_AUTO, ALL, ALL & ~TP, ALL, STRAT_BIT(STRAT_FENTRY));

	p.ranking = RANK_TRACEPOINT_FIRST;
	assert_int_equal(plan__rank(&p, STRAT_TRACEPOINT), 0);
	assert_int_equal(plan__rank(&p, STRAT_KPROBE), 1);
	assert_int_equal(plan__rank(&p, STRAT_FENTRY), 2);
	/* A failed load moves the tracepoint hooks to kprobes, then on. */
	descends(&p, (const int[][HOOK__N]){ { TR, KP, TR, FE }, { KP, KP, KP, FE },
					     { FE, FE, FE, FE } }, 3);
}

static void test_forced_needs_every_hook(void **state)
{
	struct plan p = offering(STRAT_KPROBE, ALL, ALL, TP, ALL);
	char err[128];

	assert_int_equal(plan__choose(&p, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "--probe=kprobe"));
	assert_non_null(strstr(err, "connect"));
	p = offering(STRAT_TRACEPOINT, ALL, ALL, TP, ALL);
	chooses(&p, TR, TR, TR, TR);
	assert_false(plan__uses(&p, STRAT_FENTRY));
	/* Forced: a failure is final. */
	assert_false(plan__demote(&p, true, -1));
	assert_false(plan__demote(&p, false, HOOK_BIND));
}

static void test_demote_after_failures(void **state)
{
	struct plan p = offering(STRAT_AUTO, ALL, ALL, ALL, ALL);

	chooses(&p, FE, FE, FE, FE);
	/* One hook's attach failed: only that hook moves down. */
	assert_true(plan__demote(&p, false, HOOK_CONNECT));
	chooses(&p, FE, FE, KP, FE);
	/* The load failed: every hook on the best strategy in use moves. */
	assert_true(plan__demote(&p, true, -1));
	chooses(&p, KP, KP, KP, KP);
	assert_true(plan__demote(&p, true, -1));
	chooses(&p, TR, TR, TR, TR);
	/* Below tracepoints a hook is unavailable; the others stay. */
	assert_true(plan__demote(&p, false, HOOK_BIND));
	chooses(&p, NO, TR, TR, TR);
	assert_false(plan__demote(&p, false, HOOK_BIND));
	/* A load that fails on tracepoints, a shared hook (-1): nothing to move. */
	assert_false(plan__demote(&p, true, -1));
	p = offering(STRAT_AUTO, ALL, ALL, ALL, ALL);
	chooses(&p, FE, FE, FE, FE);
	assert_false(plan__demote(&p, false, -1));
}

static void test_unavailable_hooks(void **state)
{
	struct plan p = offering(STRAT_AUTO, ALL, 0, ALL, ALL);
	char err[128], desc[256];

	chooses(&p, FE, NO, FE, FE);
	plan__describe(&p, desc, sizeof(desc));
	assert_non_null(strstr(desc, "listen=unavailable"));
	p = offering(STRAT_AUTO, 0, 0, 0, 0);
	assert_int_equal(plan__choose(&p, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no hook"));
}

static void test_without_cgroup(void **state)
{
	/* This machine: no fentry, no kprobes; then no cgroup v2 either. */
	struct plan p = offering(STRAT_AUTO, TP, TP, TP, TP);

	assert_true(plan__without_cgroup(&p, true));
	chooses(&p, TR, TR, TR, NO);
	assert_false(plan__close_partial(&p));
	/* fentry everywhere: nothing is lost, no cgroup hook is needed. */
	p = offering(STRAT_AUTO, ALL, ALL, ALL, ALL);
	assert_true(plan__without_cgroup(&p, true));
	chooses(&p, FE, FE, FE, FE);
	assert_false(plan__close_partial(&p));
	/* Bind without fentry: its sockets get no cookie unless they listen,
	 * so close works only in part, and that is said. kprobe is never
	 * chosen. */
	p = offering(STRAT_AUTO, ALL & ~STRAT_BIT(STRAT_FENTRY), ALL, ALL, ALL);
	assert_true(plan__without_cgroup(&p, true));
	chooses(&p, TR, FE, FE, FE);
	assert_true(plan__close_partial(&p));
	assert_false(plan__uses(&p, STRAT_KPROBE));
	/* A forced strategy is not bent. */
	p = offering(STRAT_TRACEPOINT, TP, TP, TP, TP);
	assert_false(plan__without_cgroup(&p, true));
	/* Before v5.12 fexit cannot make cookies either: without cgroup
	 * hooks no close can ever be matched, so close has no way left. */
	p = offering(STRAT_AUTO, ALL, ALL, ALL, ALL);
	assert_true(plan__without_cgroup(&p, false));
	chooses(&p, FE, FE, FE, NO);
}

static void test_refused_program_moves_its_hook_only(void **state)
{
	struct plan p = offering(STRAT_AUTO, ALL, ALL, ALL, ALL);

	chooses(&p, FE, FE, FE, FE);
	/* The kernel refuses fx_inet_bind: bind goes to kprobe, alone. */
	assert_true(plan__refuse(&p, HOOK_BIND, STRAT_FENTRY));
	chooses(&p, KP, FE, FE, FE);
	/* A strategy the hook does not use now is no reason to move it. */
	assert_false(plan__refuse(&p, HOOK_BIND, STRAT_FENTRY));
	assert_false(plan__refuse(&p, HOOK__N, STRAT_FENTRY));
	assert_false(plan__refuse(&p, HOOK_BIND, STRAT__N));
	/* kprobe refused too, then tracepoints: then the hook is unavailable
	 * and the others still run. */
	assert_true(plan__refuse(&p, HOOK_BIND, STRAT_KPROBE));
	chooses(&p, TR, FE, FE, FE);
	assert_true(plan__refuse(&p, HOOK_BIND, STRAT_TRACEPOINT));
	chooses(&p, NO, FE, FE, FE);
	/* Forced: nothing to move to. */
	p = offering(STRAT_KPROBE, ALL, ALL, ALL, ALL);
	chooses(&p, KP, KP, KP, KP);
	assert_false(plan__refuse(&p, HOOK_BIND, STRAT_KPROBE));
}

static void test_names(void **state)
{
	int s = -5;

	assert_int_equal(strategy__parse("auto", &s), 0);
	assert_int_equal(s, STRAT_AUTO);
	assert_int_equal(strategy__parse("tracepoint", &s), 0);
	assert_int_equal(s, STRAT_TRACEPOINT);
	assert_int_equal(strategy__parse("Fentry", &s), -1);
	assert_int_equal(strategy__parse("", &s), -1);
	assert_string_equal(strategy__name(STRAT_KPROBE), "kprobe");
	assert_string_equal(strategy__name(99), "?");
	assert_string_equal(hook__name(HOOK_CLOSE), "close");
	assert_string_equal(hook__name(-1), "?");
}

UNIT_MAIN("strategy", NULL, NULL,
	  cmocka_unit_test(test_auto_takes_the_best_per_hook),
	  cmocka_unit_test(test_preemptible_kernel_ranks_kprobe_first),
	  cmocka_unit_test(test_unpreempted_tracepoints_rank_first),
	  cmocka_unit_test(test_forced_needs_every_hook),
	  cmocka_unit_test(test_demote_after_failures),
	  cmocka_unit_test(test_unavailable_hooks),
	  cmocka_unit_test(test_without_cgroup),
	  cmocka_unit_test(test_refused_program_moves_its_hook_only),
	  cmocka_unit_test(test_names))
