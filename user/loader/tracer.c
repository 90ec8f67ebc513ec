// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "loader/tracer_priv.h"

#include <errno.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "kernel/hooktab.h"
#include "loader/kfeat.h"
#include "loader/libbpf_log.h"
#include "proc/mounts.h"
#include "portsnoop.skel.h"

#define DEFAULT_RINGBUF_BYTES (8u << 20)

static int on_sample(void *ctx, void *data, size_t len)
{
	struct tracer *t = ctx;
	int rc = t->on_event(t->ctx, data, len);

	if (rc < 0)
		return rc;
	return ++t->batch >= TRACER_BATCH ? BATCH_FULL : 0;
}

/*
 * Check that backups run after the program they back up: close sockets
 * nobody tracks, so that the release hook's pair runs with nothing to
 * report. In the right order each backup finds its first program's claim.
 * In the other the backup runs first and "recovers" the call, and the next
 * close's backup finds the claim left behind: every other close recovers.
 * Only the recoveries made around these closes count: the backups have
 * already, rightly, reported calls of other tasks made while the
 * trampolines were rewritten (a backup attached, its first program not
 * yet), which are many where attaching waits for RCU grace periods
 * (PREEMPT_RT). Those are no misses of the first programs either, so they
 * are not subtracted from them later (recovered_base).
 */
#define CALIBRATION_CLOSES 4

static void calibrate(struct tracer *t, bool verbose)
{
	__u64 before[PS_STAT__MAX], after[PS_STAT__MAX];

	if (!t->k.backups || t->plan.chosen[HOOK_CLOSE] != STRAT_FENTRY ||
	    tracer__stats(t, before))
		return;
	for (int i = 0; i < CALIBRATION_CLOSES; i++) {
		int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

		if (fd >= 0)
			close(fd);
	}
	if (tracer__stats(t, after))
		return;
	t->recovered_base = after[PS_STAT_RECOVERED];
	if (after[PS_STAT_RECOVERED] - before[PS_STAT_RECOVERED] < CALIBRATION_CLOSES / 2)
		return;
	for (size_t i = 0; i < hooks__nfns; i++) {
		for (size_t l = 0; t->backup_link[i] && l < t->nlinks; l++)
			if (t->links[l] == t->backup_link[i]) {
				bpf_link__destroy(t->links[l]);
				t->links[l] = t->links[--t->nlinks];
				break;
			}
		t->backup_link[i] = NULL;
	}
	t->k.backups = false;
	if (verbose)
		fprintf(stderr, "portsnoop: the kernel runs fexit programs in another order "
			"than expected: backups detached\n");
}

/* Drop what one attempt loaded and attached. */
static void unload(struct tracer *t)
{
	tracer__detach(t);
	memset(t->backup_link, 0, sizeof(t->backup_link));
	memset(t->fnprog, 0, sizeof(t->fnprog));
	memset(t->tpprog, 0, sizeof(t->tpprog));
	memset(t->shprog, 0, sizeof(t->shprog));
	t->ctl = NULL;
	portsnoop_bpf__destroy(t->skel);
	t->skel = NULL;
}

static int open_cgroup(struct tracer *t, bool verbose, char *err, size_t errsz)
{
	char cgpath[4096];
	const char *note;
	int rc;

	if (t->cgroup_fd >= 0)
		return 0;
	rc = t->fault_hooks & FAULT_CGROUP ? -EPERM
					   : mounts__open_cgroup2(cgpath, sizeof(cgpath), &note);
	if (rc < 0) {
		snprintf(err, errsz, "cannot open the cgroup v2 root (needed by the kprobe "
			 "and tracepoint strategies): %s", strerror(-rc));
		return rc;
	}
	t->cgroup_fd = rc;
	if (verbose)
		fprintf(stderr, "portsnoop: cgroup v2 root: %s%s%s\n", cgpath,
			note ? "; " : "", note ? note : "");
	return 0;
}

/*
 * A kernel without BPF's compare-and-swap refuses a program holding one,
 * reached or not: v5.10's verifier checks every instruction's fields before
 * it follows any path. Each becomes r0 ^= -1 (r0 holds the value the swap
 * expects, so it now reads as a swap that failed): the tracked sockets'
 * slots are never taken, and the hash map alone serves (bpf/maps.bpf.h).
 * Same length, and no relocation points at a swap: done before the load.
 */
static int without_cmpxchg(struct tracer *t)
{
	struct bpf_program *p;

	bpf_object__for_each_program(p, t->skel->obj) {
		size_t n = bpf_program__insn_cnt(p);
		struct bpf_insn *in = malloc(n * sizeof(*in));
		bool changed = false;
		int rc = 0;

		if (!in)
			return -ENOMEM;
		memcpy(in, bpf_program__insns(p), n * sizeof(*in));
		for (size_t i = 0; i < n; i++) {
			if (BPF_CLASS(in[i].code) != BPF_STX || BPF_MODE(in[i].code) != BPF_ATOMIC ||
			    in[i].imm != BPF_CMPXCHG)
				continue;
			in[i] = (struct bpf_insn){ .code = BPF_ALU64 | BPF_XOR | BPF_K,
						   .dst_reg = BPF_REG_0, .imm = -1 };
			changed = true;
		}
		if (changed)
			rc = bpf_program__set_insns(p, in, n);
		free(in);
		if (rc)
			return rc;
	}
	return 0;
}

/* One attempt at the plan: open, load, attach. */
static int try_plan(struct tracer *t, const struct tracer_opts *opts, enum stage *stage,
		    int *hook, char *err, size_t errsz)
{
	LIBBPF_OPTS(bpf_object_open_opts, oo, .btf_custom_path = opts->btf);
	int rc;

	*stage = STAGE_SETUP;
	*hook = -1;
	t->skel = portsnoop_bpf__open_opts(&oo);
	if (!t->skel) {
		rc = -errno;
		snprintf(err, errsz, "cannot open the BPF object: %s", strerror(-rc));
		return rc;
	}
	rc = tracer__find_programs(t, err, errsz);
	if (rc)
		return rc;
	if (opts->filter)
		memcpy((void *)&t->skel->rodata->filter, opts->filter, sizeof(*opts->filter));
	rc = bpf_map__set_max_entries(t->skel->maps.events,
				      opts->ringbuf_bytes ? opts->ringbuf_bytes
							  : DEFAULT_RINGBUF_BYTES);
	if (rc) {
		snprintf(err, errsz, "bad ring buffer size: %s", strerror(-rc));
		return rc;
	}
	tracer__set_autoload(t);
	t->skel->rodata->connect_hooked = t->plan.chosen[HOOK_CONNECT] != STRAT_NONE;
	t->skel->rodata->connect_sees_compat = t->plan.chosen[HOOK_CONNECT] == STRAT_FENTRY ||
					       t->plan.chosen[HOOK_CONNECT] == STRAT_KPROBE;
	t->skel->rodata->tracing_cookie = t->k.tracing_cookie;
	t->skel->rodata->tracing_ancestor_cgroup = t->k.tracing_ancestor_cgroup;
	t->skel->rodata->backups = t->k.backups;
	if (tracer__needs_cgroup(t)) {
		rc = open_cgroup(t, opts->verbose, err, errsz);
		if (rc) {
			/* auto: plan again without the cgroup hooks */
			*stage = plan__without_cgroup(&t->plan, t->k.tracing_cookie) ? STAGE_CGROUP
										    : STAGE_SETUP;
			return rc;
		}
	}
	rc = t->k.cmpxchg ? 0 : without_cmpxchg(t);
	if (rc) {
		snprintf(err, errsz, "cannot prepare the BPF programs: %s", strerror(-rc));
		return rc;
	}
	*stage = STAGE_LOAD;
	libbpf_log__forget();
	rc = portsnoop_bpf__load(t->skel);
	if (rc) {
		const char *why, *prog = libbpf_log__refused(&why);

		snprintf(err, errsz, "cannot load the BPF program %s: %s%s",
			 prog ? prog : "(unknown)", why ? why : kfeat__strerror(rc),
			 opts->verbose ? "" : " (--verbose shows the verifier's log)");
		return rc;
	}
	*stage = STAGE_ATTACH;
	return tracer__attach_all(t, hook, err, errsz);
}

/*
 * The kernel refused one program. One of an optional function (MPTCP's),
 * a backup or the map writer is done without; one of a hook's strategy
 * moves that hook down (auto mode). False when nothing can go on.
 */
static bool after_refusal(struct tracer *t, bool verbose, const char *err)
{
	const char *why, *refused_prog = libbpf_log__refused(&why);
	struct hook_role r;

	if (!refused_prog)
		return false;
	/* (The object is closed by now: names, not its programs.) */
	if (!strcmp(refused_prog, "ctl")) {
		t->k.use_ctl = false;
	} else if (hooks__role(refused_prog, &r)) {
		return false;	/* a program every strategy needs */
	} else if (r.fn >= 0 && r.which == FN_FEXIT_BACKUP) {
		t->k.backups = false;
	} else if (r.fn >= 0 && hooks__fns[r.fn].optional) {
		t->k.fn_ok[r.fn][r.strategy] = false;
	} else if (plan__refuse(&t->plan, r.hook, r.strategy)) {
		if (!t->why[r.hook][0])
			snprintf(t->why[r.hook], sizeof(t->why[r.hook]),
				 "%s: the kernel refused %s: %s", strategy__name(r.strategy),
				 refused_prog, why ? why : "");
	} else {
		return false;
	}
	if (verbose)
		fprintf(stderr, "portsnoop: %s; going on without it\n", err);
	return true;
}

/*
 * A strategy the plan chose that has not been tried yet (it ranked below
 * tracepoints, which could not serve a hook): try it now. True when that
 * changed what is offered, and the plan must choose again.
 */
static bool survey_chosen(struct tracer *t, bool verbose)
{
	bool changed = false;

	for (int h = 0; h < HOOK__N; h++) {
		int st = t->plan.chosen[h];
		unsigned bit = STRAT_BIT(st);

		if ((st != STRAT_FENTRY && st != STRAT_KPROBE) || t->k.surveyed & bit)
			continue;
		if (verbose)
			fprintf(stderr, "portsnoop: %s=%s: trying which functions %s can hook\n",
				hook__name(h), strategy__name(st), strategy__name(st));
		kfeat__survey_fns(&t->k, st, verbose);
		for (int k = 0; k < HOOK__N; k++) {
			changed |= (t->plan.offered[k] & bit) != (t->k.offered[k] & bit);
			t->plan.offered[k] = (t->plan.offered[k] & ~bit) | (t->k.offered[k] & bit);
		}
	}
	return changed;
}

static int load_and_attach(struct tracer *t, const struct tracer_opts *opts,
			   char *err, size_t errsz)
{
	for (;;) {
		enum stage stage;
		int hook, rc;

		if (plan__choose(&t->plan, err, errsz)) {
			int f = t->plan.forced;

			for (int h = 0; f != STRAT_AUTO && h < HOOK__N; h++)
				if (t->k.why_not[f][h][0]) {
					snprintf(err, errsz, "--probe=%s is not possible here: %s",
						 strategy__name(f), t->k.why_not[f][h]);
					break;
				}
			return -EOPNOTSUPP;
		}
		if (survey_chosen(t, opts->verbose))
			continue;
		rc = try_plan(t, opts, &stage, &hook, err, errsz);
		if (!rc)
			return 0;
		unload(t);
		if (stage == STAGE_CGROUP) {
			if (opts->verbose)
				fprintf(stderr, "portsnoop: %s; going on without kprobes and "
					"cgroup hooks\n", err);
			continue;
		}
		if (stage == STAGE_LOAD) {
			if (after_refusal(t, opts->verbose, err))
				continue;
			return rc;
		}
		if (stage == STAGE_SETUP || !plan__demote(&t->plan, false, hook))
			return rc;
		if (hook >= 0 && !t->why[hook][0])
			snprintf(t->why[hook], sizeof(t->why[hook]), "%s", err);
		if (opts->verbose)
			fprintf(stderr, "portsnoop: %s; trying the next strategy\n", err);
	}
}

/* Why auto mode's ranking put s below a strategy it ranks above by default. */
static const char *passed_over(const struct tracer *t, int s, char *buf, size_t n)
{
	if (s == STRAT_FENTRY)
		snprintf(buf, n, "%s: a preempted fexit program makes the kernel skip other "
			 "tasks' runs of it", t->k.preemption);
	else
		snprintf(buf, n, "tracepoints run with preemption disabled here, and a "
			 "kprobe's removal waits for grace periods under a kernel-wide lock");
	return buf;
}

/*
 * Why each hook is where it is when that is not the best rung: a refusal
 * or failed attach, else the trial that ruled the better rungs out. Auto
 * mode only: a forced strategy is the user's choice.
 */
static void collect_notes(struct tracer *t)
{
	char why[256];

	t->notes_len = 0;
	if (t->plan.forced != STRAT_AUTO)
		return;
	for (int h = 0; h < HOOK__N; h++) {
		char *line = t->notes + t->notes_len;
		size_t room = sizeof(t->notes) - t->notes_len, used;

		used = (size_t)snprintf(line, room, "%s=%s:", hook__name(h),
					strategy__name(t->plan.chosen[h]));
		for (int i = 0; i < plan__rank(&t->plan, t->plan.chosen[h]) && used < room; i++) {
			enum strategy s = plan__rung(&t->plan, i);

			if (t->k.why_not[s][h][0])
				used += (size_t)snprintf(line + used, room - used, " %s;",
							 t->k.why_not[s][h]);
		}
		for (int s = 0; s < (int)t->plan.chosen[h] && s < STRAT__N && used < room; s++)
			if (plan__rank(&t->plan, s) > plan__rank(&t->plan, t->plan.chosen[h]) &&
			    t->plan.offered[h] & ~t->plan.failed[h] & STRAT_BIT(s))
				used += (size_t)snprintf(line + used, room - used,
							 " %s passed over: %s;", strategy__name(s),
							 passed_over(t, s, why, sizeof(why)));
		if (t->why[h][0] && used < room)
			used += (size_t)snprintf(line + used, room - used, " %s;", t->why[h]);
		if (used >= room)
			break;
		if (line[used - 1] != ';')
			continue;	/* nothing to say: the best rung */
		line[used - 1] = '\0';
		t->notes_len += used;
	}
}

/*
 * Fault injection for the tests: PORTSNOOP_FAULT_HOOKS=connect,close makes
 * every attach of those hooks fail as if the kernel lacked them; "cgroup"
 * makes the cgroup v2 root impossible to open.
 */
static unsigned fault_hooks(void)
{
	const char *env = getenv("PORTSNOOP_FAULT_HOOKS");
	unsigned mask = 0;

	for (int h = 0; env && h <= HOOK__N; h++) {
		const char *name = h < HOOK__N ? hook__name(h) : "cgroup", *p = env;
		size_t n = strlen(name);

		while ((p = strstr(p, name))) {
			if ((p == env || p[-1] == ',') && (p[n] == ',' || !p[n]))
				mask |= 1u << h;
			p += n;
		}
	}
	return mask;
}

/*
 * PORTSNOOP_FAULT_HELPERS=ancestor_cgroup: the tests run the fallback that
 * kernels before v5.14 need (bpf/core_fixes.bpf.h) on kernels that do not.
 */
static void fault_helpers(struct kfeat_offer *k, bool verbose)
{
	const char *env = getenv("PORTSNOOP_FAULT_HELPERS");

	if (!env || !strstr(env, "ancestor_cgroup") || !k->tracing_ancestor_cgroup)
		return;
	k->tracing_ancestor_cgroup = false;
	if (verbose)
		fprintf(stderr, "portsnoop: PORTSNOOP_FAULT_HELPERS: --cgroup reads the "
			"task's cgroup\n");
}

int tracer__open(const struct tracer_opts *opts, struct tracer **out,
		 char *err, size_t errsz)
{
	struct tracer *t;
	const char *note;
	int rc;

	*out = NULL;
	libbpf_log__setup(opts->verbose);
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->cgroup_fd = -1;
	t->on_event = opts->on_event;
	t->ctx = opts->ctx;
	t->plan.forced = opts->probe;
	t->fault_hooks = fault_hooks();

	rc = mounts__ensure_tracefs(&note);
	if (rc) {
		snprintf(err, errsz, "tracefs is not mounted and mounting it failed: %s",
			 strerror(-rc));
		goto fail;
	}
	if (note && opts->verbose)
		fprintf(stderr, "portsnoop: %s\n", note);

	kfeat__survey(&t->k, t->plan.forced, opts->verbose);
	fault_helpers(&t->k, opts->verbose);
	if (t->k.backups)
		t->plan.ranking = t->k.tp_unpreempted ? RANK_TRACEPOINT_FIRST : RANK_KPROBE_FIRST;
	if (t->plan.ranking && t->plan.forced == STRAT_AUTO && opts->verbose)
		fprintf(stderr, "portsnoop: auto mode ranks %s, %s, %s (%s; tracepoints %s)\n",
			strategy__name(plan__rung(&t->plan, 0)),
			strategy__name(plan__rung(&t->plan, 1)),
			strategy__name(plan__rung(&t->plan, 2)), t->k.preemption,
			t->k.tp_unpreempted ? "run with preemption disabled"
					    : "may be preempted");
	/* The trials of what ranks below tracepoints wait until it is needed. */
	for (int st = STRAT_FENTRY; st <= STRAT_KPROBE; st++)
		if (st == t->plan.forced || plan__rank(&t->plan, st) <
					    plan__rank(&t->plan, STRAT_TRACEPOINT))
			kfeat__survey_fns(&t->k, st, opts->verbose);
	memcpy(t->plan.offered, t->k.offered, sizeof(t->plan.offered));

	rc = load_and_attach(t, opts, err, errsz);
	if (rc)
		goto fail;
	calibrate(t, opts->verbose);
	plan__describe(&t->plan, t->describe, sizeof(t->describe));
	collect_notes(t);
	for (size_t o = 0; opts->verbose && o < t->notes_len; o += strlen(t->notes + o) + 1)
		fprintf(stderr, "portsnoop: %s\n", t->notes + o);
	for (int h = 0; h < HOOK__N; h++)
		if (t->plan.chosen[h] == STRAT_NONE)
			fprintf(stderr, "portsnoop: %s events are unavailable: no strategy could "
				"attach them (--verbose says why)\n", hook__name(h));
	if (plan__close_partial(&t->plan))
		fprintf(stderr, "portsnoop: no cgroup v2: the close of a socket that was bound "
			"but never listened is not reported\n");
	t->rb = ring_buffer__new(bpf_map__fd(t->skel->maps.events), on_sample, t, NULL);
	if (!t->rb) {
		rc = -errno;
		snprintf(err, errsz, "cannot set up the ring buffer: %s", strerror(-rc));
		goto fail;
	}
	*out = t;
	return 0;
fail:
	tracer__free(t);
	return rc;
}

const char *tracer__describe(const struct tracer *t)
{
	return t->describe;
}

void tracer__free(struct tracer *t)
{
	if (!t)
		return;
	ring_buffer__free(t->rb);
	for (size_t i = 0; i < t->nlinks; i++)
		bpf_link__destroy(t->links[i]);
	free(t->links);
	portsnoop_bpf__destroy(t->skel);
	if (t->cgroup_fd >= 0)
		close(t->cgroup_fd);
	free(t);
}
