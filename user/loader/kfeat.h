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
#include "loader/strategy.h"

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
	char preemption[128];	/* the preemption model, in words */
	bool unpreempted_ok;	/* the UNPREEMPTED kprobes attach (bpf/hooks.h) */
	bool use_ctl;		/* syscall programs: map writes through bpf/ctl.bpf.c */
};

/*
 * Ask the kernel, by trial attaches, which functions fentry and kprobe can
 * hook (only the forced strategy's, unless forced is STRAT_AUTO), and the
 * rest of kfeat_offer. verbose: say what failed on stderr.
 */
void kfeat__survey(struct kfeat_offer *o, int forced, bool verbose);

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
