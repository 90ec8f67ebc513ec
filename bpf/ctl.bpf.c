// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * User space's writes to the maps, as a syscall program it runs with
 * BPF_PROG_TEST_RUN, where the kernel has them (v5.14, commit 79a7f8bdb159,
 * "bpf: Introduce bpf_sys_bpf() helper and program type").
 *
 * Why not bpf(BPF_MAP_UPDATE_ELEM): around every map operation the syscall
 * takes the per-CPU bpf_prog_active count (bpf_disable_instrumentation()),
 * with only migration disabled. Preempted there (PREEMPT_RT, PREEMPT_LAZY),
 * it makes the kernel skip every kprobe and tracepoint program on that CPU
 * until it runs again: our own hooks, in the middle of the burst that made
 * user space watch new processes (measured on 7.2). A syscall program's map
 * update takes no such count.
 */
#include "common.bpf.h"

SEC("syscall")
int ctl(struct ps_ctl *ctx)
{
	struct ps_ctl c;

	__builtin_memcpy(&c, ctx, sizeof(c));
	switch (c.op) {
	case PS_CTL_WATCH:
		return bpf_map_update_elem(&watched, &c.pid, &c.watch, BPF_ANY);
	case PS_CTL_UNWATCH:
		return bpf_map_delete_elem(&watched, &c.pid);
	case PS_CTL_TRACK: {
		struct ps_slot *s = slot_of(c.cookie);

		/* Tracked already (by its bind, since we attached)? A bind
		 * that takes the slot between this look and the insert leaves
		 * the socket in both: its close is still reported once (from
		 * the slot), and the map keeps one dead entry. */
		if (!s || READ_ONCE(s->cookie) == c.cookie)
			return -17;	/* EEXIST */
		return bpf_map_update_elem(&tracked, &c.cookie, &c.tracked, BPF_NOEXIST);
	}
	}
	return -22;	/* EINVAL */
}
