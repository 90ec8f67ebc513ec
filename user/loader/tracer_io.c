// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The tracer once running: records, the kernel's counters, map writes. */
#include "loader/tracer_priv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "portsnoop.skel.h"

int tracer__fd(const struct tracer *t)
{
	return ring_buffer__epoll_fd(t->rb);
}

int tracer__consume(struct tracer *t)
{
	int rc;

	t->batch = 0;
	rc = ring_buffer__consume(t->rb);
	return rc == BATCH_FULL ? t->batch : rc;
}

int tracer__stats(const struct tracer *t, __u64 out[PS_STAT__MAX])
{
	int ncpu = libbpf_num_possible_cpus();
	int fd = bpf_map__fd(t->skel->maps.stats);
	__u64 *vals;

	if (ncpu < 0)
		return ncpu;
	vals = calloc((size_t)ncpu, sizeof(*vals));
	if (!vals)
		return -ENOMEM;
	for (__u32 k = 0; k < PS_STAT__MAX; k++) {
		out[k] = 0;
		if (bpf_map_lookup_elem(fd, &k, vals))
			continue;
		for (int c = 0; c < ncpu; c++)
			out[k] += vals[c];
	}
	free(vals);
	return 0;
}

/*
 * Runs lost to the kernel's recursion checks. A backup's own misses lose
 * nothing (its first program ran); the first program's misses that its
 * backup recovered lose nothing either (bpf/sockfn.bpf.h); nor do the exit
 * program's: an exit not reported leaves a /proc cache entry to the sweep
 * (bpf/exit.bpf.c), never an event.
 */
__u64 tracer__skipped(const struct tracer *t)
{
	struct bpf_program *prog;
	__u64 stats[PS_STAT__MAX], sum = 0;

	bpf_object__for_each_program(prog, t->skel->obj) {
		struct bpf_prog_info info;
		__u32 len = sizeof(info);
		struct hook_role r;

		if (bpf_program__fd(prog) < 0 || prog == t->skel->progs.tp_process_exit ||
		    (!hooks__role(bpf_program__name(prog), &r) && r.which == FN_FEXIT_BACKUP))
			continue;
		memset(&info, 0, sizeof(info));
		if (!bpf_obj_get_info_by_fd(bpf_program__fd(prog), &info, &len))
			sum += info.recursion_misses;
	}
	if (!tracer__stats(t, stats)) {
		__u64 rec = stats[PS_STAT_RECOVERED] - t->recovered_base;

		sum -= rec < sum ? rec : sum;
	}
	return sum;
}

/* One map write through the ctl program: 0 or -errno. */
static int ctl_run(const struct tracer *t, struct ps_ctl *c)
{
	LIBBPF_OPTS(bpf_test_run_opts, o, .ctx_in = c, .ctx_size_in = sizeof(*c));

	if (bpf_prog_test_run_opts(bpf_program__fd(t->ctl), &o))
		return -errno;
	return (int)o.retval;
}

/*
 * User space's map writes go through the ctl program where the kernel has
 * syscall programs (bpf/ctl.bpf.c says why), else through bpf().
 */
int tracer__track(struct tracer *t, __u64 cookie, const struct ps_tracked *what)
{
	int fd = bpf_map__fd(t->skel->maps.tracked), rc;

	if (t->k.use_ctl) {
		struct ps_ctl c = { .op = PS_CTL_TRACK, .cookie = cookie, .tracked = *what };

		rc = ctl_run(t, &c);
	} else {
		/* As bpf/ctl.bpf.c: not when its bind has it in its slot. */
		__u32 i = PS_SLOT_OF(cookie);
		struct ps_slot s;

		if (!bpf_map_lookup_elem(bpf_map__fd(t->skel->maps.slots), &i, &s) &&
		    s.cookie == cookie)
			return 0;
		rc = bpf_map_update_elem(fd, &cookie, what, BPF_NOEXIST) ? -errno : 0;
	}
	return rc == -EEXIST ? 0 : rc;
}

int tracer__watch(struct tracer *t, __u32 pid, const struct ps_watch *w)
{
	int fd = bpf_map__fd(t->skel->maps.watched), rc;

	if (t->k.use_ctl) {
		struct ps_ctl c = { .op = w ? PS_CTL_WATCH : PS_CTL_UNWATCH, .pid = pid };

		if (w)
			c.watch = *w;
		rc = ctl_run(t, &c);
	} else if (w) {
		rc = bpf_map_update_elem(fd, &pid, w, BPF_ANY) ? -errno : 0;
	} else {
		rc = bpf_map_delete_elem(fd, &pid) ? -errno : 0;
	}
	/* After the write: the kernel side's cached answers of watched are
	 * good while this has not moved (bpf/maps.bpf.h). Atomic: the exit
	 * program bumps it too, and a bump lost between the two would leave
	 * an answer taken before this write standing. */
	__atomic_fetch_add(&t->skel->bss->watch_gen, 1, __ATOMIC_SEQ_CST);
	return rc == -ENOENT && !w ? 0 : rc;
}

const char *tracer__notes(const struct tracer *t, size_t *len)
{
	*len = t->notes_len;
	return t->notes;
}

