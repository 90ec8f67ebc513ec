// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "loader/tracer.h"

#include <errno.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "loader/kfeat.h"
#include "proc/mounts.h"
#include "portsnoop.skel.h"

#define DEFAULT_RINGBUF_BYTES (8u << 20)

enum { NFN = 8, NTP = 4 };

/* PORTSNOOP_FAULT_HOOKS bits: 1 << hook, and this one. */
#define FAULT_CGROUP (1u << HOOK__N)

struct tracer {
	struct portsnoop_bpf *skel;
	struct ring_buffer *rb;
	struct bpf_link **links;
	size_t nlinks;
	int cgroup_fd;
	tracer_event_fn on_event;
	void *ctx;
	struct plan plan;
	bool fn_ok[NFN][STRAT__N];	/* trial attach results, per fnhook */
	char why_not[STRAT__N][160];	/* the first trial that failed */
	char describe[512];
	unsigned fault_hooks;	/* PORTSNOOP_FAULT_HOOKS: attaches that fail on purpose */
	int batch;		/* records handed over by this tracer__consume() */
};

static bool verbose_libbpf;

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	/* The verifier's log comes at WARN when a load fails; keep the user's
	 * terminal clean unless asked. */
	if (!verbose_libbpf || level == LIBBPF_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

/* Returned to libbpf to end a batch: the record was handled, stop there. */
#define BATCH_FULL (-EALREADY)

static int on_sample(void *ctx, void *data, size_t len)
{
	struct tracer *t = ctx;
	int rc = t->on_event(t->ctx, data, len);

	if (rc < 0)
		return rc;
	return ++t->batch >= TRACER_BATCH ? BATCH_FULL : 0;
}

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

/* One kernel socket function, hooked by fentry or by kprobe. */
struct fnhook {
	int hook;		/* enum hook */
	const char *fn;
	bool optional;		/* absent on some kernels (MPTCP's own calls) */
	struct bpf_program *fx;	/* fexit (fentry for release) */
	struct bpf_program *kp, *kr;	/* kprobe, kretprobe (or NULL) */
};

/* The functions, and where the skeleton keeps their programs (0: none). */
static const struct {
	int hook;
	const char *fn;
	bool optional;
	size_t fx, kp, kr;
} FNS[NFN] = {
#define PROG(name) offsetof(struct portsnoop_bpf, progs.name)
#define SOCKFN(h, name, opt, fx, kr) { h, #name, opt, PROG(fx), PROG(kp_##name), kr }
	SOCKFN(HOOK_BIND, inet_bind, false, fx_inet_bind, PROG(kr_inet_bind)),
	SOCKFN(HOOK_BIND, inet6_bind, false, fx_inet6_bind, PROG(kr_inet6_bind)),
	SOCKFN(HOOK_BIND, mptcp_bind, true, fx_mptcp_bind, PROG(kr_mptcp_bind)),
	SOCKFN(HOOK_LISTEN, inet_listen, false, fx_inet_listen, PROG(kr_inet_listen)),
	SOCKFN(HOOK_LISTEN, mptcp_listen, true, fx_mptcp_listen, PROG(kr_mptcp_listen)),
	SOCKFN(HOOK_CONNECT, inet_stream_connect, false, fx_inet_stream_connect,
	       PROG(kr_inet_stream_connect)),
	SOCKFN(HOOK_CONNECT, inet_dgram_connect, false, fx_inet_dgram_connect,
	       PROG(kr_inet_dgram_connect)),
	/* Release needs no result: fentry, and a kprobe alone. */
	SOCKFN(HOOK_CLOSE, inet_release, false, fe_inet_release, 0),
#undef SOCKFN
#undef PROG
};

static struct bpf_program *prog_at(struct portsnoop_bpf *s, size_t off)
{
	return off ? *(struct bpf_program **)((char *)s + off) : NULL;
}

/* One syscall tracepoint or cgroup hook: the tracepoint strategy. */
struct tphook {
	int hook;
	const char *name;	/* what the user reads in messages */
	struct bpf_program *prog;
	bool cgroup;
};

static void hook_tables(struct portsnoop_bpf *s, struct fnhook fns[NFN],
			struct tphook tps[NTP])
{
	const struct tphook t[NTP] = {
		{ HOOK_BIND, "syscalls:sys_exit_bind", s->progs.tp_exit_bind, false },
		{ HOOK_LISTEN, "syscalls:sys_exit_listen", s->progs.tp_exit_listen, false },
		{ HOOK_CONNECT, "syscalls:sys_exit_connect", s->progs.tp_exit_connect, false },
		{ HOOK_CLOSE, "cgroup:sock_release", s->progs.cg_sock_release, true },
	};

	for (int i = 0; i < NFN; i++)
		fns[i] = (struct fnhook){ FNS[i].hook, FNS[i].fn, FNS[i].optional,
					  prog_at(s, FNS[i].fx), prog_at(s, FNS[i].kp),
					  prog_at(s, FNS[i].kr) };
	memcpy(tps, t, sizeof(t));
}

/*
 * Ask the kernel, by trial attaches, which functions fentry and kprobe can
 * hook (both, in auto mode: a hook whose fexit program then fails to load
 * or attach falls to kprobe). Fills t->fn_ok and t->plan.offered.
 */
static void probe_kernel(struct tracer *t, bool verbose)
{
	struct plan *plan = &t->plan;

	for (int h = 0; h < HOOK__N; h++)
		plan->offered[h] = STRAT_BIT(STRAT_TRACEPOINT);
	for (int st = STRAT_FENTRY; st <= STRAT_KPROBE; st++) {
		struct btf *vmlinux = NULL;

		if (plan->forced != STRAT_AUTO && plan->forced != st)
			continue;
		if (st == STRAT_FENTRY)
			vmlinux = btf__load_vmlinux_btf();	/* NULL: no fentry */
		for (int h = 0; h < HOOK__N; h++) {
			bool all = true;

			for (int i = 0; i < NFN; i++) {
				int rc;

				if (FNS[i].hook != h)
					continue;
				rc = st == STRAT_FENTRY ? kfeat__fentry(vmlinux, FNS[i].fn)
							: kfeat__kprobe(FNS[i].fn);
				t->fn_ok[i][st] = !rc;
				if (rc && verbose)
					fprintf(stderr, "portsnoop: %s on %s: %s\n",
						strategy__name(st), FNS[i].fn, strerror(-rc));
				if (!rc || FNS[i].optional)
					continue;
				all = false;
				if (!t->why_not[st][0])
					snprintf(t->why_not[st], sizeof(t->why_not[st]),
						 "%s on %s: %s", strategy__name(st), FNS[i].fn,
						 rc == -ENOENT && st == STRAT_FENTRY
						 ? "not in the kernel's BTF" : strerror(-rc));
			}
			if (all)
				plan->offered[h] |= STRAT_BIT(st);
		}
		btf__free(vmlinux);
	}
}

static bool needs_cgroup(const struct tracer *t)
{
	return !t->plan.no_cgroup &&
	       (plan__uses(&t->plan, STRAT_KPROBE) || plan__uses(&t->plan, STRAT_TRACEPOINT));
}

/* Load only what the plan attaches. */
static void set_autoload(struct tracer *t, const struct fnhook fns[NFN],
			 const struct tphook tps[NTP])
{
	struct portsnoop_bpf *s = t->skel;
	const struct plan *plan = &t->plan;
	bool cookies = needs_cgroup(t);

	for (int i = 0; i < NFN; i++) {
		enum strategy st = plan->chosen[fns[i].hook];
		bool fe = st == STRAT_FENTRY && t->fn_ok[i][STRAT_FENTRY];
		bool kp = st == STRAT_KPROBE && t->fn_ok[i][STRAT_KPROBE];

		bpf_program__set_autoload(fns[i].fx, fe);
		bpf_program__set_autoload(fns[i].kp, kp);
		if (fns[i].kr)
			bpf_program__set_autoload(fns[i].kr, kp);
	}
	for (int i = 0; i < NTP; i++)
		bpf_program__set_autoload(tps[i].prog,
					  plan->chosen[tps[i].hook] == STRAT_TRACEPOINT);
	/* Cookies: fexit programs make their own; the others need these. */
	bpf_program__set_autoload(s->progs.cg_sock_create, cookies);
	bpf_program__set_autoload(s->progs.cg_post_bind4, cookies);
	bpf_program__set_autoload(s->progs.cg_post_bind6, cookies);
}

static int attach_prog(struct tracer *t, struct bpf_program *prog, bool cgroup)
{
	if (!prog || !bpf_program__autoload(prog))
		return 0;
	return add_link(t, cgroup ? bpf_program__attach_cgroup(prog, t->cgroup_fd)
				  : bpf_program__attach(prog));
}

/*
 * Attach what was loaded. On failure *hook is the hook that failed (or -1
 * for the hooks every strategy shares) and err says what.
 */
static int attach_all(struct tracer *t, const struct fnhook fns[NFN],
		      const struct tphook tps[NTP], int *hook, char *err, size_t errsz)
{
	struct portsnoop_bpf *s = t->skel;
	const struct tphook shared[] = {
		{ -1, "tp_btf:inet_sock_set_state", s->progs.tp_sock_state, false },
		{ -1, "tp_btf:sched_process_exit", s->progs.tp_process_exit, false },
		{ -1, "tp_btf:sched_process_exec", s->progs.tp_process_exec, false },
		{ -1, "cgroup:sock_create", s->progs.cg_sock_create, true },
		{ -1, "cgroup:post_bind4", s->progs.cg_post_bind4, true },
		{ -1, "cgroup:post_bind6", s->progs.cg_post_bind6, true },
	};
	int rc;

	for (int i = 0; i < NFN; i++) {
		struct bpf_program *p[3] = { fns[i].fx, fns[i].kp, fns[i].kr };

		for (int k = 0; k < 3; k++) {
			rc = t->fault_hooks & (1u << fns[i].hook) && p[k] &&
				     bpf_program__autoload(p[k])
				     ? -ENOENT : attach_prog(t, p[k], false);
			if (!rc)
				continue;
			*hook = fns[i].hook;
			snprintf(err, errsz, "cannot attach %s: %s",
				 bpf_program__section_name(p[k]), strerror(-rc));
			return rc;
		}
	}
	for (size_t i = 0; i < NTP + sizeof(shared) / sizeof(shared[0]); i++) {
		const struct tphook *tp = i < NTP ? &tps[i] : &shared[i - NTP];

		rc = tp->hook >= 0 && t->fault_hooks & (1u << tp->hook) &&
			     bpf_program__autoload(tp->prog)
			     ? -ENOENT : attach_prog(t, tp->prog, tp->cgroup);
		if (!rc)
			continue;
		*hook = tp->hook;
		snprintf(err, errsz, "cannot attach %s: %s", tp->name, strerror(-rc));
		return rc;
	}
	return 0;
}

void tracer__detach(struct tracer *t)
{
	for (size_t i = 0; i < t->nlinks; i++)
		bpf_link__destroy(t->links[i]);
	t->nlinks = 0;
}

/* Drop what one attempt loaded and attached. */
static void unload(struct tracer *t)
{
	tracer__detach(t);
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

/* One attempt at the plan: open, load, attach. */
static int try_plan(struct tracer *t, const struct tracer_opts *opts, enum stage *stage,
		    int *hook, char *err, size_t errsz)
{
	LIBBPF_OPTS(bpf_object_open_opts, oo, .btf_custom_path = opts->btf);
	struct fnhook fns[NFN];
	struct tphook tps[NTP];
	int rc;

	*stage = STAGE_SETUP;
	*hook = -1;
	t->skel = portsnoop_bpf__open_opts(&oo);
	if (!t->skel) {
		rc = -errno;
		snprintf(err, errsz, "cannot open the BPF object: %s", strerror(-rc));
		return rc;
	}
	hook_tables(t->skel, fns, tps);
	if (opts->filter)
		memcpy((void *)&t->skel->rodata->filter, opts->filter, sizeof(*opts->filter));
	rc = bpf_map__set_max_entries(t->skel->maps.events,
				      opts->ringbuf_bytes ? opts->ringbuf_bytes
							  : DEFAULT_RINGBUF_BYTES);
	if (rc) {
		snprintf(err, errsz, "bad ring buffer size: %s", strerror(-rc));
		return rc;
	}
	set_autoload(t, fns, tps);
	t->skel->rodata->connect_hooked = t->plan.chosen[HOOK_CONNECT] != STRAT_NONE;
	if (needs_cgroup(t)) {
		rc = open_cgroup(t, opts->verbose, err, errsz);
		if (rc) {
			/* auto: plan again without the cgroup hooks */
			*stage = plan__without_cgroup(&t->plan) ? STAGE_CGROUP : STAGE_SETUP;
			return rc;
		}
	}
	*stage = STAGE_LOAD;
	rc = portsnoop_bpf__load(t->skel);
	if (rc) {
		snprintf(err, errsz, "cannot load the BPF programs: %s%s", strerror(-rc),
			 opts->verbose ? "" : " (--verbose shows the verifier's log)");
		return rc;
	}
	*stage = STAGE_ATTACH;
	return attach_all(t, fns, tps, hook, err, errsz);
}

static int load_and_attach(struct tracer *t, const struct tracer_opts *opts,
			   char *err, size_t errsz)
{
	for (;;) {
		enum stage stage;
		int hook, rc;

		if (plan__choose(&t->plan, err, errsz)) {
			int f = t->plan.forced;

			if (f != STRAT_AUTO && t->why_not[f][0])
				snprintf(err, errsz, "--probe=%s is not possible here: %s",
					 strategy__name(f), t->why_not[f]);
			return -EOPNOTSUPP;
		}
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
		if (stage == STAGE_SETUP || !plan__demote(&t->plan, stage == STAGE_LOAD, hook))
			return rc;
		if (opts->verbose)
			fprintf(stderr, "portsnoop: %s; trying the next strategy\n", err);
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

int tracer__open(const struct tracer_opts *opts, struct tracer **out,
		 char *err, size_t errsz)
{
	struct tracer *t;
	const char *note;
	int rc;

	*out = NULL;
	verbose_libbpf = opts->verbose;
	libbpf_set_print(libbpf_print);
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

	probe_kernel(t, opts->verbose);

	rc = load_and_attach(t, opts, err, errsz);
	if (rc)
		goto fail;
	plan__describe(&t->plan, t->describe, sizeof(t->describe));
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

__u64 tracer__skipped(const struct tracer *t)
{
	struct bpf_program *prog;
	__u64 sum = 0;

	bpf_object__for_each_program(prog, t->skel->obj) {
		struct bpf_prog_info info;
		__u32 len = sizeof(info);

		if (bpf_program__fd(prog) < 0)
			continue;
		memset(&info, 0, sizeof(info));
		if (!bpf_obj_get_info_by_fd(bpf_program__fd(prog), &info, &len))
			sum += info.recursion_misses;
	}
	return sum;
}

int tracer__track(struct tracer *t, __u64 cookie, const struct ps_tracked *what)
{
	int fd = bpf_map__fd(t->skel->maps.tracked);

	return bpf_map_update_elem(fd, &cookie, what, BPF_NOEXIST) && errno != EEXIST
		       ? -errno : 0;
}

int tracer__watch(struct tracer *t, __u32 pid, const struct ps_watch *w)
{
	int fd = bpf_map__fd(t->skel->maps.watched);

	if (w)
		return bpf_map_update_elem(fd, &pid, w, BPF_ANY) ? -errno : 0;
	return bpf_map_delete_elem(fd, &pid) && errno != ENOENT ? -errno : 0;
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
