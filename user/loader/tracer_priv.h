/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The tracer's insides, shared by tracer.c (load and attach) and
 * tracer_io.c (records, counters and map writes once running). */
#ifndef PS_TRACER_PRIV_H
#define PS_TRACER_PRIV_H

#include "loader/tracer.h"
#include "kernel/hooktab.h"
#include "loader/kfeat.h"

struct portsnoop_bpf;
struct ring_buffer;
struct bpf_link;
struct bpf_program;

/* Bounds of bpf/hooks.h's lists (checked at open). */
enum { NFN = KFEAT_NFN, NTP = 8, NSH = 8 };

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
	/* The programs of bpf/hooks.h's lists, found by name in the object. */
	struct bpf_program *fnprog[NFN][FN__N];
	struct bpf_program *tpprog[NTP];
	struct bpf_program *shprog[NSH];
	struct bpf_program *ctl;	/* map writes (bpf/ctl.bpf.c), when loaded */
	struct kfeat_offer k;		/* what the kernel offers (kfeat__survey) */
	struct bpf_link *backup_link[NFN];	/* the fxb_ links, in t->links */
	__u64 recovered_base;		/* PS_STAT_RECOVERED that was calibrate()'s */
	char why[HOOK__N][256];		/* why a hook left a strategy (a refusal) */
	char notes[HOOK__N * 480];	/* NUL-separated, for the start record */
	size_t notes_len;
	char describe[512];
	unsigned fault_hooks;	/* PORTSNOOP_FAULT_HOOKS: attaches that fail on purpose */
	int batch;		/* records handed over by this tracer__consume() */
};

/* attach.c: the programs of bpf/hooks.h's lists. */
int tracer__find_programs(struct tracer *t, char *err, size_t errsz);
bool tracer__needs_cgroup(const struct tracer *t);
void tracer__set_autoload(struct tracer *t);
int tracer__attach_all(struct tracer *t, int *hook, char *err, size_t errsz);

/* Returned to libbpf to end a batch: the record was handled, stop there. */
#define BATCH_FULL (-EALREADY)

#endif
