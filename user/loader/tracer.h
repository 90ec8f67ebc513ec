/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The loader: loads, attaches and reads the BPF programs. user/loader/ is
 * the only folder that speaks libbpf (user/STAGES). */
#ifndef PS_TRACER_H
#define PS_TRACER_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "portsnoop.h"
#include "kernel/strategy.h"

struct tracer;

/*
 * The kernel side wakes us at most once per PS_WAKEUP_INTERVAL_NS
 * (bpf/portsnoop.h): after a batch, look again this soon even unwoken.
 */
#define TRACER_LINGER_MS (PS_WAKEUP_INTERVAL_NS / 1000000 + 1)

/* Called for every ring buffer record; a negative return stops consuming. */
typedef int (*tracer_event_fn)(void *ctx, const void *data, size_t len);

struct tracer_opts {
	const struct ps_filter *filter;	/* in-kernel filters; NULL = none */
	__u32 ringbuf_bytes;	/* power of two, page multiple; 0 = default */
	bool verbose;		/* libbpf warnings and attach notes on stderr */
	const char *btf;	/* kernel BTF file for CO-RE; NULL = the running kernel's */
	int probe;		/* enum strategy, or STRAT_AUTO */
	tracer_event_fn on_event;
	void *ctx;
};

/*
 * Load and attach everything. On failure returns -errno and leaves a
 * one-line reason in err.
 */
int tracer__open(const struct tracer_opts *opts, struct tracer **out,
		 char *err, size_t errsz);
/* An fd that polls readable when records are waiting. */
int tracer__fd(const struct tracer *t);
/*
 * Hand waiting records to on_event, at most TRACER_BATCH, so that a flood
 * that never lets the ring run dry cannot keep the caller from its signals
 * and its output. Returns the count (TRACER_BATCH: more may wait) or -errno.
 */
#define TRACER_BATCH 4096
int tracer__consume(struct tracer *t);
/* Kernel-side counters summed over CPUs, indexed by enum ps_stat. */
int tracer__stats(const struct tracer *t, __u64 out[PS_STAT__MAX]);
/*
 * Runs of our programs the kernel skipped because a BPF program was already
 * running on that CPU (an interrupt came in the middle of one, or, on a
 * preemptible kernel, another task was preempted in it), less the runs a
 * backup program made instead: each is an event that was never made, so
 * never counted as lost either.
 */
__u64 tracer__skipped(const struct tracer *t);
/* Report the release of a socket that existed before we started. */
int tracer__track(struct tracer *t, __u64 cookie, const struct ps_tracked *what);
/* Ask for a PS_EV_EXIT record when pid exits, and say what userspace knows
 * of it (w), or stop asking (w NULL). */
int tracer__watch(struct tracer *t, __u32 pid, const struct ps_watch *w);
/* How each hook is attached, for --verbose and the start record:
 * "bind=fentry listen=fentry ...". */
const char *tracer__describe(const struct tracer *t);
/*
 * Why hooks are not on their best strategy (auto mode), for --verbose and
 * the start record: NUL-separated lines "bind=kprobe: fentry: ...", len
 * bytes in all (0: none).
 */
const char *tracer__notes(const struct tracer *t, size_t *len);
/* Stop the programs: no new records; those in the ring can still be read. */
void tracer__detach(struct tracer *t);
void tracer__free(struct tracer *t);

#endif
