// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Process exits, for userspace's cache of /proc details: only the processes
 * userspace put in `watched` are reported, so the cost for every other exit
 * is one hash lookup.
 */
#include "common.bpf.h"

SEC("tp_btf/sched_process_exit")
int BPF_PROG(tp_process_exit, struct task_struct *task)
{
	__u32 tgid = task->tgid;
	struct ps_event *e;

	/* Only the last thread out ends the process (a leader may pthread_exit
	 * first; exec from a thread kills the old leader). signal->live is
	 * decremented before this tracepoint. */
	if (task->signal->live.counter || !bpf_map_lookup_elem(&watched, &tgid))
		return 0;
	bpf_map_delete_elem(&watched, &tgid);
	__sync_fetch_and_add(&watch_gen, 1);
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		stat_inc(PS_STAT_EXIT_DROPS);	/* the cache's sweep finds it */
		return 0;
	}
	__builtin_memset(e, 0, sizeof(*e));
	e->kind = PS_EV_EXIT;
	e->ts_ns = bpf_ktime_get_ns();
	e->pid = tgid;
	bpf_ringbuf_submit(e, BPF_RB_NO_WAKEUP);
	return 0;
}
