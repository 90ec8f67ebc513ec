/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * What the running kernel lets us attach, found by trying: a two-
 * instruction program is loaded and attached to the function, then let go.
 * No version numbers, no config files.
 */
#ifndef PS_KFEAT_H
#define PS_KFEAT_H

#include <stdbool.h>
#include <stddef.h>
#include "kernel/strategy.h"

struct btf;

/* Room for bpf/hooks.h's socket functions. */
#define KFEAT_NFN 16

/* What the running kernel offers, found by trials. */
struct kfeat_offer {
	unsigned offered[HOOK__N];	/* STRAT_BITs per hook */
	bool fn_ok[KFEAT_NFN][STRAT__N];	/* per socket function (hooks__fns) */
	char why_not[STRAT__N][HOOK__N][160];	/* the first trial that failed */
	bool tracing_cookie;	/* tracing programs may call bpf_get_socket_cookie() */
	bool tracing_ancestor_cgroup;	/* ... bpf_get_current_ancestor_cgroup_id() */
	bool backups;		/* programs can be preempted mid-run: fexit backups */
	bool tp_unpreempted;	/* tracepoints call programs with preemption disabled */
	char preemption[128];	/* the preemption model, in words */
	bool unpreempted_ok;	/* the UNPREEMPTED kprobes attach (bpf/hooks.h) */
	bool use_ctl;		/* syscall programs: map writes through bpf/ctl.bpf.c */
	bool cmpxchg;		/* BPF's compare-and-swap: tracked sockets' slots */
	int forced;		/* the strategy forced, or STRAT_AUTO */
	unsigned surveyed;	/* STRAT_BITs kfeat__survey_fns() has tried */
};

/*
 * Ask the kernel what kfeat_offer says, but which functions fentry and
 * kprobe can hook: until kfeat__survey_fns() has tried a strategy, the
 * forced one (or both, unless forced is STRAT_AUTO) is offered for every
 * hook. verbose: say what failed on stderr.
 */
void kfeat__survey(struct kfeat_offer *o, int forced, bool verbose);
/*
 * Which functions st (fentry or kprobe) can hook, by trial attaches (each
 * waits for grace periods as it is removed, so they are made once, and only
 * for a strategy that may be used). A hook with a function that cannot be
 * hooked is not offered st.
 */
void kfeat__survey_fns(struct kfeat_offer *o, int st, bool verbose);

/* fentry on fn (needs fn in the kernel's BTF). 0, or -errno. */
int kfeat__fentry(const struct btf *vmlinux, const char *fn);
/*
 * May a tracing program (tp_btf on tp; fentry/fexit are the same program
 * type, and kprobe and tracepoint programs get the same helpers) call
 * helper (enum bpf_func_id) with 0 as its first argument?
 * bpf_get_socket_cookie(): v5.12+; bpf_get_current_ancestor_cgroup_id():
 * v5.14+. 1 yes, 0 no, -errno when the trial could not tell.
 */
int kfeat__tracing_helper(const struct btf *vmlinux, const char *tp, int helper);
/*
 * Can the kernel preempt a BPF program mid-run (PREEMPT_RT, PREEMPT_LAZY,
 * full preemption)? 1 yes, 0 no; why says what the kernel said.
 */
int kfeat__preemptible(char *why, size_t whysz);
/*
 * Do tracepoints call their programs with preemption disabled? Every one
 * did until v6.13, which let syscall tracepoints take page faults (its
 * struct tracepoint_ext has the bit "faultable"): from then on a kernel
 * may run them preemptibly (7.2 does, also tp_btf ones), and it is taken
 * as doing so. 1 yes, 0 no, -ENOENT without the kernel's BTF to ask.
 */
int kfeat__tracepoints_unpreempted(const struct btf *vmlinux);
/*
 * Does the kernel take BPF's atomic compare-and-swap (v5.12; JITs gained it
 * later on some architectures: arm64 in v5.17)? 1 yes, 0 no.
 */
int kfeat__cmpxchg(void);
/* Syscall programs (BPF_PROG_TYPE_SYSCALL, v5.14)? 1 yes, 0 no. */
int kfeat__syscall_prog(void);
/* kprobe on fn through the kprobe PMU. 0, or -errno. */
int kfeat__kprobe(const char *fn);
/*
 * What a trial's -errno means, for people: strerror(), except for the
 * kernel-internal codes libc does not know (ENOTSUPP, 524: what arm64
 * kernels before 6.4 answer to fentry, having no ftrace direct calls).
 */
const char *kfeat__strerror(int err);

#endif
