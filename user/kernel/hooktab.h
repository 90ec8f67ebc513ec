/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * bpf/hooks.h, the one list of where portsnoop hooks the kernel, as the
 * loader reads it: which program serves which hook under which strategy.
 * Plain C over the list (no libbpf): the loader finds each program by its
 * name in the object.
 */
#ifndef PS_LOADER_HOOKTAB_H
#define PS_LOADER_HOOKTAB_H

#include <stdbool.h>
#include <stddef.h>

/* The programs of one socket function (bpf/hooks.h's PS_SOCKFNS). */
enum fn_prog {
	FN_FEXIT = 0,		/* fx_: fexit (fentry for release), fentry strategy */
	FN_FEXIT_BACKUP,	/* fxb_: its backup (bpf/sockfn.bpf.h) */
	FN_KPROBE,		/* kp_: kprobe strategy */
	FN_KRETPROBE,		/* kr_: with kp_ (none for release) */
	FN__N,
};

struct hook_fn {
	int hook;			/* enum hook */
	const char *fn;			/* the kernel function */
	bool optional;			/* some kernels lack it (MPTCP's) */
	const char *prog[FN__N];	/* program names; NULL: none */
};

/* The tracepoint strategy's program of a hook (PS_TRACEPOINTS). */
struct hook_tp {
	int hook;
	const char *target;		/* "tracepoint/syscalls/...", "cgroup/..." */
	const char *prog;
	bool cgroup;
};

/* When a shared program is loaded (bpf/hooks.h). */
enum shared_when {
	SHARED_ALWAYS,
	SHARED_COOKIES,		/* when cgroup hooks make the cookies */
	SHARED_NOT_KP,		/* unless its UNPREEMPTED kprobe takes its place */
	SHARED_UNPREEMPTED,	/* where tracing programs can be preempted mid-run */
};

/* A program every strategy shares (PS_SHARED). */
struct hook_shared {
	const char *target;
	const char *prog;
	bool cgroup;
	enum shared_when when;
};

extern const struct hook_fn hooks__fns[];
extern const size_t hooks__nfns;
extern const struct hook_tp hooks__tps[];
extern const size_t hooks__ntps;
extern const struct hook_shared hooks__shared[];
extern const size_t hooks__nshared;

/* What one program is for. */
struct hook_role {
	int hook;		/* enum hook; -1: shared by every strategy */
	int strategy;		/* enum strategy; -1 for a shared program */
	int fn;			/* index into hooks__fns, or -1 */
	int which;		/* enum fn_prog when fn >= 0 */
};

/* The role of the program named prog. 0, or -ENOENT for a shared program or
 * a name not in the list (role says hook -1). */
int hooks__role(const char *prog, struct hook_role *role);

#endif
