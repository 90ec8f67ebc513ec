/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * What /proc adds to an event (executable, full command line, cgroup),
 * cached by (pid, start time). Bounded in size; an entry goes when its
 * process exits; an entry is never used for another process that reused
 * the pid, and /proc is read only when its process's start time matches.
 */
#ifndef PS_PCACHE_H
#define PS_PCACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "proc/container.h"

/* A process the cache holds, as the kernel side is told of it. */
struct pcache_proc {
	uint32_t pid;
	uint64_t start_ns;
	uint32_t exec_id;
	bool has_cmdline;	/* its command line was read: events need not carry it */
};

/* Tell the kernel side to report the exit of p (on), or to forget p (off). */
typedef void (*pcache_watch_fn)(void *ctx, const struct pcache_proc *p, bool on);

/* CLOCK_MONOTONIC ns, as the kernel stamps records (bpf_ktime_get_ns()). */
typedef uint64_t (*pcache_clock_fn)(void);

struct pcache_opts {
	const char *proc_root;	/* "/proc", or a fixture tree */
	size_t max_entries;
	size_t max_cmdline;	/* bytes of /proc/PID/cmdline kept */
	pcache_watch_fn watch;	/* may be NULL */
	pcache_clock_fn clock;	/* NULL: clock_gettime(CLOCK_MONOTONIC) */
	void *ctx;
};

struct pcache;

struct pcache *pcache__new(const struct pcache_opts *opts);
/*
 * The details of process pid that started at start_ns (CLOCK_BOOTTIME ns)
 * and has exec'd exec_id times, or NULL when no such process can be read
 * (it is gone, or the pid now belongs to another process). A new exec_id
 * means a new program in the same process: read again.
 */
const struct proc_info *pcache__get(struct pcache *c, uint32_t pid, uint64_t start_ns,
				    uint32_t exec_id);
/* The process exited at ts_ns (its exit record's stamp). Its entry stays
 * until the ring has been read past that, so records it emitted on the way
 * out still find it. */
void pcache__exited(struct pcache *c, uint32_t pid, uint64_t ts_ns);
/*
 * Call about once a second with how far the ring has been read: every
 * record stamped before read_to_ns has been handled. Drops the entries of
 * processes that exited, and the retired ones (see pcache.c), that no
 * record still in the ring can need.
 */
void pcache__sweep(struct pcache *c, uint64_t read_to_ns);
size_t pcache__count(const struct pcache *c);
/* How many lookups read /proc (misses) since the start. */
uint64_t pcache__loads(const struct pcache *c);
void pcache__free(struct pcache *c);

#endif
