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

static void test_auto_takes_the_best_per_hook(void **state)
{
	/* A kernel where listen's function cannot take fentry. */
	struct plan p = offering(STRAT_AUTO, ALL, ALL & ~STRAT_BIT(STRAT_FENTRY), TP, ALL);
	char err[128], desc[256];

	assert_int_equal(plan__choose(&p, err, sizeof(err)), 0);
	assert_int_equal(p.chosen[HOOK_BIND], STRAT_FENTRY);
	assert_int_equal(p.chosen[HOOK_LISTEN], STRAT_KPROBE);
	assert_int_equal(p.chosen[HOOK_CONNECT], STRAT_TRACEPOINT);
	assert_int_equal(p.chosen[HOOK_CLOSE], STRAT_FENTRY);
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
	char err[128];

	p.ranking = RANK_KPROBE_FIRST;
	assert_int_equal(plan__rank(&p, STRAT_KPROBE), 0);
	assert_int_equal(plan__rank(&p, STRAT_FENTRY), 1);
	assert_int_equal(plan__rank(&p, STRAT_TRACEPOINT), 2);
	assert_int_equal(plan__rank(&p, STRAT_NONE), STRAT__N);
	assert_int_equal(plan__choose(&p, err, sizeof(err)), 0);
	assert_int_equal(p.chosen[HOOK_BIND], STRAT_KPROBE);
	assert_int_equal(p.chosen[HOOK_LISTEN], STRAT_KPROBE);
	assert_int_equal(p.chosen[HOOK_CONNECT], STRAT_FENTRY);
	assert_int_equal(p.chosen[HOOK_CLOSE], STRAT_FENTRY);
	/* A failed load moves the hooks of the best rung in use: kprobe's. */
	assert_true(plan__demote(&p, true, -1));
	assert_int_equal(plan__choose(&p, err, sizeof(err)), 0);
	assert_int_equal(p.chosen[HOOK_BIND], STRAT_FENTRY);
	assert_int_equal(p.chosen[HOOK_LISTEN], STRAT_FENTRY);
	assert_int_equal(p.chosen[HOOK_CONNECT], STRAT_FENTRY);
	/* Then fentry's, to the last rung. */
	assert_true(plan__demote(&p, true, -1));
	assert_int_equal(plan__choose(&p, err, sizeof(err)), 0);
	assert_int_equal(p.chosen[HOOK_BIND], STRAT_TRACEPOINT);
	assert_int_equal(p.chosen[HOOK_CONNECT], STRAT_TRACEPOINT);
	assert_int_equal(p.chosen[HOOK_CLOSE], STRAT_NONE);
	assert_false(plan__demote(&p, true, -1));
	/* A forced strategy is taken as it is. */
	p = offering(STRAT_FENTRY, ALL, ALL, ALL, ALL);
	p.ranking = RANK_KPROBE_FIRST;
	assert_int_equal(plan__choose(&p, err, sizeof(err)), 0);
	for (int h = 0; h < HOOK__N; h++)
		assert_int_equal(p.chosen[h], STRAT_FENTRY);
}

static void test_unpreempted_tracepoints_rank_first(void **state)
{
	/* listen cannot take tracepoints; close can take nothing but fentry. */
	struct plan p = offering(STRAT_AUTO, ALL, ALL & ~TP, ALL, STRAT_BIT(STRAT_FENTRY));
	char err[128];

	p.ranking = RANK_TRACEPOINT_FIRST;
	assert_int_equal(plan__rank(&p, STRAT_TRACEPOINT), 0);
	assert_int_equal(plan__rank(&p, STRAT_KPROBE), 1);
	assert_int_equal(plan__rank(&p, STRAT_FENTRY), 2);
	assert_int_equal(plan__choose(&p, err, sizeof(err)), 0);
	assert_int_equal(p.chosen[HOOK_BIND], STRAT_TRACEPOINT);
	assert_int_equal(p.chosen[HOOK_LISTEN], STRAT_KPROBE);
	assert_int_equal(p.chosen[HOOK_CONNECT], STRAT_TRACEPOINT);
	assert_int_equal(p.chosen[HOOK_CLOSE], STRAT_FENTRY);
	/* A failed load moves the tracepoint hooks to kprobes, then on. */
	assert_true(plan__demote(&p, true, -1));
	assert_int_equal(plan__choose(&p, err, sizeof(err)), 0);
	assert_int_equal(p.chosen[HOOK_BIND], STRAT_KPROBE);
	assert_int_equal(p.chosen[HOOK_CONNECT], STRAT_KPROBE);
	assert_int_equal(p.chosen[HOOK_CLOSE], STRAT_FENTRY);
	assert_true(plan__demote(&p, true, -1));
	assert_int_equal(plan__choose(&p, err, sizeof(err)), 0);
	for (int h = 0; h < HOOK__N; h++)
		assert_int_equal(p.chosen[h], STRAT_FENTRY);
	assert_false(plan__demote(&p, true, -1));
}

static void test_forced_needs_every_hook(void **state)
{
	struct plan p = offering(STRAT_KPROBE, ALL, ALL, TP, ALL);
	char err[128];

	assert_int_equal(plan__choose(&p, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "--probe=kprobe"));
	assert_non_null(strstr(err, "connect"));
	p = offering(STRAT_TRACEPOINT, ALL, ALL, TP, ALL);
	assert_int_equal(plan__choose(&p, err, sizeof(err)), 0);
	assert_false(plan__uses(&p, STRAT_FENTRY));
	/* Forced: a failure is final. */
	assert_false(plan__demote(&p, true, -1));
	assert_false(plan__demote(&p, false, HOOK_BIND));
}

static void test_demote_after_failures(void **state)
{
	struct plan p = offering(STRAT_AUTO, ALL, ALL, ALL, ALL);
	char err[128];

	assert_int_equal(plan__choose(&p, err, sizeof(err)), 0);
	/* One hook's attach failed: only that hook moves down. */
	assert_true(plan__demote(&p, false, HOOK_CONNECT));
	assert_int_equal(plan__choose(&p, err, sizeof(err)), 0);
	assert_int_equal(p.chosen[HOOK_CONNECT], STRAT_KPROBE);
	assert_int_equal(p.chosen[HOOK_BIND], STRAT_FENTRY);
	/* The load failed: every hook on the best strategy in use moves. */
	assert_true(plan__demote(&p, true, -1));
	assert_int_equal(plan__choose(&p, err, sizeof(err)), 0);
	for (int h = 0; h < HOOK__N; h++)
		assert_int_equal(p.chosen[h], STRAT_KPROBE);
	assert_true(plan__demote(&p, true, -1));
	assert_int_equal(plan__choose(&p, err, sizeof(err)), 0);
	for (int h = 0; h < HOOK__N; h++)
		assert_int_equal(p.chosen[h], STRAT_TRACEPOINT);
	/* Below tracepoints a hook is unavailable; the others stay. */
	assert_true(plan__demote(&p, false, HOOK_BIND));
	assert_int_equal(plan__choose(&p, err, sizeof(err)), 0);
	assert_int_equal(p.chosen[HOOK_BIND], STRAT_NONE);
	assert_int_equal(p.chosen[HOOK_CLOSE], STRAT_TRACEPOINT);
	assert_false(plan__demote(&p, false, HOOK_BIND));
	/* A load that fails on tracepoints, a shared hook (-1): nothing to move. */
	assert_false(plan__demote(&p, true, -1));
	p = offering(STRAT_AUTO, ALL, ALL, ALL, ALL);
	assert_int_equal(plan__choose(&p, err, sizeof(err)), 0);
	assert_false(plan__demote(&p, false, -1));
}

static void test_unavailable_hooks(void **state)
{
	struct plan p = offering(STRAT_AUTO, ALL, 0, ALL, ALL);
	char err[128], desc[256];

	assert_int_equal(plan__choose(&p, err, sizeof(err)), 0);
	assert_int_equal(p.chosen[HOOK_LISTEN], STRAT_NONE);
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
	char err[128];

	assert_true(plan__without_cgroup(&p, true));
	assert_int_equal(plan__choose(&p, err, sizeof(err)), 0);
	assert_int_equal(p.chosen[HOOK_BIND], STRAT_TRACEPOINT);
	assert_int_equal(p.chosen[HOOK_CONNECT], STRAT_TRACEPOINT);
	assert_int_equal(p.chosen[HOOK_CLOSE], STRAT_NONE);
	assert_false(plan__close_partial(&p));
	/* fentry everywhere: nothing is lost, no cgroup hook is needed. */
	p = offering(STRAT_AUTO, ALL, ALL, ALL, ALL);
	assert_true(plan__without_cgroup(&p, true));
	assert_int_equal(plan__choose(&p, err, sizeof(err)), 0);
	for (int h = 0; h < HOOK__N; h++)
		assert_int_equal(p.chosen[h], STRAT_FENTRY);
	assert_false(plan__close_partial(&p));
	/* Bind without fentry: its sockets get no cookie unless they listen,
	 * so close works only in part, and that is said. kprobe is never
	 * chosen. */
	p = offering(STRAT_AUTO, ALL & ~STRAT_BIT(STRAT_FENTRY), ALL, ALL, ALL);
	assert_true(plan__without_cgroup(&p, true));
	assert_int_equal(plan__choose(&p, err, sizeof(err)), 0);
	assert_int_equal(p.chosen[HOOK_BIND], STRAT_TRACEPOINT);
	assert_int_equal(p.chosen[HOOK_LISTEN], STRAT_FENTRY);
	assert_int_equal(p.chosen[HOOK_CLOSE], STRAT_FENTRY);
	assert_true(plan__close_partial(&p));
	assert_false(plan__uses(&p, STRAT_KPROBE));
	/* A forced strategy is not bent. */
	p = offering(STRAT_TRACEPOINT, TP, TP, TP, TP);
	assert_false(plan__without_cgroup(&p, true));
	/* Before v5.12 fexit cannot make cookies either: without cgroup
	 * hooks no close can ever be matched, so close has no way left. */
	p = offering(STRAT_AUTO, ALL, ALL, ALL, ALL);
	assert_true(plan__without_cgroup(&p, false));
	assert_int_equal(plan__choose(&p, err, sizeof(err)), 0);
	assert_int_equal(p.chosen[HOOK_BIND], STRAT_FENTRY);
	assert_int_equal(p.chosen[HOOK_CLOSE], STRAT_NONE);
}

static void test_refused_program_moves_its_hook_only(void **state)
{
	struct plan p = offering(STRAT_AUTO, ALL, ALL, ALL, ALL);
	char err[128];

	assert_int_equal(plan__choose(&p, err, sizeof(err)), 0);
	/* The kernel refuses fx_inet_bind: bind goes to kprobe, alone. */
	assert_true(plan__refuse(&p, HOOK_BIND, STRAT_FENTRY));
	assert_int_equal(plan__choose(&p, err, sizeof(err)), 0);
	assert_int_equal(p.chosen[HOOK_BIND], STRAT_KPROBE);
	for (int h = HOOK_LISTEN; h < HOOK__N; h++)
		assert_int_equal(p.chosen[h], STRAT_FENTRY);
	/* A strategy the hook does not use now is no reason to move it. */
	assert_false(plan__refuse(&p, HOOK_BIND, STRAT_FENTRY));
	assert_false(plan__refuse(&p, HOOK__N, STRAT_FENTRY));
	assert_false(plan__refuse(&p, HOOK_BIND, STRAT__N));
	/* kprobe refused too, then tracepoints: then the hook is unavailable
	 * and the others still run. */
	assert_true(plan__refuse(&p, HOOK_BIND, STRAT_KPROBE));
	assert_int_equal(plan__choose(&p, err, sizeof(err)), 0);
	assert_int_equal(p.chosen[HOOK_BIND], STRAT_TRACEPOINT);
	assert_true(plan__refuse(&p, HOOK_BIND, STRAT_TRACEPOINT));
	assert_int_equal(plan__choose(&p, err, sizeof(err)), 0);
	assert_int_equal(p.chosen[HOOK_BIND], STRAT_NONE);
	assert_int_equal(p.chosen[HOOK_CLOSE], STRAT_FENTRY);
	/* Forced: nothing to move to. */
	p = offering(STRAT_KPROBE, ALL, ALL, ALL, ALL);
	assert_int_equal(plan__choose(&p, err, sizeof(err)), 0);
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
