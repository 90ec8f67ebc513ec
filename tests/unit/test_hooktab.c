// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* bpf/hooks.h as the loader reads it: every program found by its name. */
#include <stdint.h>
#include <errno.h>
#include <string.h>
#include "unit.h"

#include "kernel/hooktab.h"
#include "kernel/strategy.h"

static void test_every_hook_has_a_way_per_strategy(void **state)
{
	for (int h = 0; h < HOOK__N; h++) {
		int fns = 0, tps = 0;

		for (size_t i = 0; i < hooks__nfns; i++)
			fns += hooks__fns[i].hook == h && !hooks__fns[i].optional;
		for (size_t i = 0; i < hooks__ntps; i++)
			tps += hooks__tps[i].hook == h;
		assert_true(fns >= 1);
		assert_int_equal(tps, 1);
	}
}

static void test_roles_by_name(void **state)
{
	struct hook_role r;

	assert_int_equal(hooks__role("fx_inet_bind", &r), 0);
	assert_int_equal(r.hook, HOOK_BIND);
	assert_int_equal(r.strategy, STRAT_FENTRY);
	assert_int_equal(r.which, FN_FEXIT);
	assert_string_equal(hooks__fns[r.fn].fn, "inet_bind");
	assert_int_equal(hooks__role("fxb_inet6_bind", &r), 0);
	assert_int_equal(r.which, FN_FEXIT_BACKUP);
	assert_int_equal(r.strategy, STRAT_FENTRY);
	assert_int_equal(hooks__role("kr_inet_stream_connect", &r), 0);
	assert_int_equal(r.hook, HOOK_CONNECT);
	assert_int_equal(r.strategy, STRAT_KPROBE);
	assert_int_equal(r.which, FN_KRETPROBE);
	assert_int_equal(hooks__role("kp_mptcp_listen", &r), 0);
	assert_int_equal(r.hook, HOOK_LISTEN);
	assert_true(hooks__fns[r.fn].optional);
	assert_int_equal(hooks__role("cg_sock_release", &r), 0);
	assert_int_equal(r.hook, HOOK_CLOSE);
	assert_int_equal(r.strategy, STRAT_TRACEPOINT);
	assert_int_equal(r.fn, -1);
	/* Release needs no result: no kretprobe. */
	assert_int_equal(hooks__role("kr_inet_release", &r), -ENOENT);
	/* Shared programs have no hook. */
	assert_int_equal(hooks__role("tp_sock_state", &r), -ENOENT);
	assert_int_equal(r.hook, -1);
	assert_int_equal(hooks__role("", &r), -ENOENT);
}

static void test_targets(void **state)
{
	struct hook_role r;

	assert_int_equal(hooks__role("tp_exit_listen", &r), 0);
	assert_string_equal(hooks__tps[0].target, "tracepoint/syscalls/sys_exit_bind");
	for (size_t i = 0; i < hooks__ntps; i++)
		assert_true(hooks__tps[i].cgroup == (hooks__tps[i].hook == HOOK_CLOSE));
	for (size_t i = 0; i < hooks__nshared; i++)
		assert_true((hooks__shared[i].when == SHARED_COOKIES) == hooks__shared[i].cgroup);
}

UNIT_MAIN("hooktab", NULL, NULL,
	  cmocka_unit_test(test_every_hook_has_a_way_per_strategy),
	  cmocka_unit_test(test_roles_by_name),
	  cmocka_unit_test(test_targets))
