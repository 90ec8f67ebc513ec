// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The programs of bpf/hooks.h's lists: found by name, loaded as the plan
 * says, attached in the order the kernel runs them. */
#include "loader/tracer_priv.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>

#include "kernel/hooktab.h"
#include "loader/kfeat.h"
#include "portsnoop.skel.h"

static int add_link(struct tracer *t, struct bpf_link *link)
{
	struct bpf_link **l;

	if (!link)
		return -errno;
	l = realloc(t->links, (t->nlinks + 1) * sizeof(*l));
	if (!l) {
		bpf_link__destroy(link);
		return -ENOMEM;
	}
	t->links = l;
	t->links[t->nlinks++] = link;
	return 0;
}

/* A program of the list: NULL only where the list says none (no kretprobe). */
static int find_prog(struct tracer *t, const char *name, struct bpf_program **out,
		     char *err, size_t errsz)
{
	*out = name ? bpf_object__find_program_by_name(t->skel->obj, name) : NULL;
	if (name && !*out) {
		snprintf(err, errsz, "the BPF object has no program %s (bpf/hooks.h)", name);
		return -ENOENT;
	}
	return 0;
}

/* Every program of bpf/hooks.h's lists, by name. */
int tracer__find_programs(struct tracer *t, char *err, size_t errsz)
{
	int rc = 0;

	if (hooks__nfns > NFN || hooks__ntps > NTP || hooks__nshared > NSH) {
		snprintf(err, errsz, "bpf/hooks.h lists more than the loader holds");
		return -E2BIG;
	}
	for (size_t i = 0; i < hooks__nfns && !rc; i++)
		for (int k = 0; k < FN__N && !rc; k++)
			rc = find_prog(t, hooks__fns[i].prog[k], &t->fnprog[i][k], err, errsz);
	for (size_t i = 0; i < hooks__ntps && !rc; i++)
		rc = find_prog(t, hooks__tps[i].prog, &t->tpprog[i], err, errsz);
	for (size_t i = 0; i < hooks__nshared && !rc; i++)
		rc = find_prog(t, hooks__shared[i].prog, &t->shprog[i], err, errsz);
	return rc ? rc : find_prog(t, "ctl", &t->ctl, err, errsz);
}

/* Cookies come from the cgroup hooks unless every hook is fexit's and
 * tracing programs can make them. */
bool tracer__needs_cgroup(const struct tracer *t)
{
	return !t->plan.no_cgroup &&
	       (plan__uses(&t->plan, STRAT_KPROBE) || plan__uses(&t->plan, STRAT_TRACEPOINT) ||
		(plan__uses(&t->plan, STRAT_FENTRY) && !t->k.tracing_cookie));
}

/* Load only what the plan attaches. */
void tracer__set_autoload(struct tracer *t)
{
	const struct plan *plan = &t->plan;
	bool cookies = tracer__needs_cgroup(t);
	/* Where fexit programs can be preempted so can tp_btf ones: the
	 * kprobes that can take their place do, once kprobes are in use. */
	bool unpreempted = t->k.unpreempted_ok && plan__uses(plan, STRAT_KPROBE);

	for (size_t i = 0; i < hooks__nfns; i++) {
		enum strategy st = plan->chosen[hooks__fns[i].hook];
		bool fe = st == STRAT_FENTRY && t->k.fn_ok[i][STRAT_FENTRY];
		bool kp = st == STRAT_KPROBE && t->k.fn_ok[i][STRAT_KPROBE];
		bool on[FN__N] = { fe, fe && t->k.backups, kp, kp };

		for (int k = 0; k < FN__N; k++)
			if (t->fnprog[i][k])
				bpf_program__set_autoload(t->fnprog[i][k], on[k]);
	}
	for (size_t i = 0; i < hooks__ntps; i++)
		bpf_program__set_autoload(t->tpprog[i],
					  plan->chosen[hooks__tps[i].hook] == STRAT_TRACEPOINT);
	for (size_t i = 0; i < hooks__nshared; i++) {
		enum shared_when w = hooks__shared[i].when;

		bpf_program__set_autoload(t->shprog[i],
			w == SHARED_ALWAYS || (w == SHARED_COOKIES && cookies) ||
			(w == SHARED_NOT_KP && !unpreempted) || (w == SHARED_UNPREEMPTED && unpreempted));
	}
	bpf_program__set_autoload(t->ctl, t->k.use_ctl);
}

static int attach_prog(struct tracer *t, struct bpf_program *prog, bool cgroup)
{
	if (!prog || !bpf_program__autoload(prog))
		return 0;
	return add_link(t, cgroup ? bpf_program__attach_cgroup(prog, t->cgroup_fd)
				  : bpf_program__attach(prog));
}

/* Attach one program, or fail it on purpose (PORTSNOOP_FAULT_HOOKS). */
static int attach_one(struct tracer *t, struct bpf_program *prog, int hook, bool cgroup)
{
	if (hook >= 0 && t->fault_hooks & (1u << hook) && prog && bpf_program__autoload(prog))
		return -ENOENT;
	return attach_prog(t, prog, cgroup);
}

/*
 * A trampoline runs a function's fexit programs newest first (the kernel
 * adds each link at the head of its list, kernel/bpf/trampoline.c): the
 * backup is attached before the program it backs up, so that it runs after
 * it (calibrate() checks).
 */
static const enum fn_prog attach_order[FN__N] = {
	FN_FEXIT_BACKUP, FN_FEXIT, FN_KPROBE, FN_KRETPROBE,
};

/*
 * Attach what was loaded. On failure *hook is the hook that failed (or -1
 * for the programs every strategy shares) and err says what.
 */
int tracer__attach_all(struct tracer *t, int *hook, char *err, size_t errsz)
{
	int rc;

	for (size_t i = 0; i < hooks__nfns; i++) {
		for (int o = 0; o < FN__N; o++) {
			int k = attach_order[o];
			size_t before = t->nlinks;

			rc = attach_one(t, t->fnprog[i][k], hooks__fns[i].hook, false);
			if (!rc && k == FN_FEXIT_BACKUP && t->nlinks > before)
				t->backup_link[i] = t->links[before];
			if (!rc)
				continue;
			*hook = hooks__fns[i].hook;
			snprintf(err, errsz, "cannot attach %s: %s",
				 bpf_program__section_name(t->fnprog[i][k]), kfeat__strerror(rc));
			return rc;
		}
	}
	for (size_t i = 0; i < hooks__ntps + hooks__nshared; i++) {
		bool tp = i < hooks__ntps;
		size_t j = tp ? i : i - hooks__ntps;

		rc = tp ? attach_one(t, t->tpprog[j], hooks__tps[j].hook, hooks__tps[j].cgroup)
			: attach_one(t, t->shprog[j], -1, hooks__shared[j].cgroup);
		if (!rc)
			continue;
		*hook = tp ? hooks__tps[j].hook : -1;
		snprintf(err, errsz, "cannot attach %s: %s",
			 tp ? hooks__tps[j].target : hooks__shared[j].target, strerror(-rc));
		return rc;
	}
	return 0;
}

/*
 * Detaching waits for the kernel: a kprobe's perf event is freed after a
 * few RCU grace periods, a trampoline is rewritten after an RCU-tasks one.
 * The waits that are outside the kernel's locks (a kprobe's own removal;
 * each function's trampoline) are shared by links detached from several
 * threads at once; the perf event's own, an RCU Tasks Trace grace period
 * under event_mutex (perf_trace_event_unreg()), stay one after another
 * and are most of a kprobe tracer's stop on a preemptible kernel: that is
 * why auto mode ranks tracepoints first where it may (enum ranking in
 * user/kernel/strategy.h), which need fewer such waits.
 */
#define DETACH_THREADS 8

/*
 * No detaching thread exits before the last link is gone: a thread's exit
 * runs the exit program's tracepoint call site while other threads may be
 * rewriting call sites, and a preemptible kernel (PREEMPT_RT) can then hit
 * the int3 of a half-patched site in do_exit and Oops. So the threads wait
 * at the end for every share and exit together once the kernel has no site
 * left to patch.
 */
struct detach_all {
	pthread_mutex_t lock;
	pthread_cond_t done;
	size_t left;			/* shares not destroyed yet */
};

struct detach_share {
	struct bpf_link **links;
	size_t n, stride;
	struct detach_all *all;
};

static void detach_links(struct detach_share *d)
{
	for (size_t i = 0; i < d->n; i += d->stride)
		bpf_link__destroy(d->links[i]);
	pthread_mutex_lock(&d->all->lock);
	if (!--d->all->left)
		pthread_cond_broadcast(&d->all->done);
	pthread_mutex_unlock(&d->all->lock);
}

static void detach_wait(struct detach_all *all)
{
	pthread_mutex_lock(&all->lock);
	while (all->left)
		pthread_cond_wait(&all->done, &all->lock);
	pthread_mutex_unlock(&all->lock);
}

static void *detach_share(void *arg)
{
	struct detach_share *d = arg;

	detach_links(d);
	detach_wait(d->all);
	return NULL;
}

void tracer__detach(struct tracer *t)
{
	size_t n = t->nlinks < DETACH_THREADS ? t->nlinks : DETACH_THREADS;
	struct detach_all all = {
		PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, n
	};
	struct detach_share share[DETACH_THREADS];
	pthread_t th[DETACH_THREADS];
	bool started[DETACH_THREADS] = { false };

	for (size_t k = 0; k < n; k++) {
		share[k] = (struct detach_share){ t->links + k, t->nlinks - k, n, &all };
		/* k == 0 is this thread's share; a thread that cannot start
		 * leaves its share to this thread too. */
		started[k] = k && !pthread_create(&th[k], NULL, detach_share, &share[k]);
	}
	for (size_t k = 0; k < n; k++)
		if (!started[k])
			detach_links(&share[k]);
	/* Each started thread returns only once every share is done. */
	for (size_t k = 0; k < n; k++)
		if (started[k])
			pthread_join(th[k], NULL);
	pthread_mutex_destroy(&all.lock);
	pthread_cond_destroy(&all.done);
	t->nlinks = 0;
}
