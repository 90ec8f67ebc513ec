// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "proc/pcache.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include "proc/procinfo.h"
#include "lib/timefmt.h"

struct entry {
	struct entry *hnext;		/* hash chain */
	struct entry *prev, *next;	/* in the LRU or the retired list */
	uint32_t pid;
	uint64_t start_ns;		/* CLOCK_BOOTTIME, as the kernel gave it */
	uint64_t ticks;			/* start time, as /proc/PID/stat has it */
	uint32_t exec_id;
	bool known;			/* false: no such process could be read */
	bool watched;
	bool told_cmdline;		/* the kernel leaves argv out of its records */
	uint64_t exited_ns;		/* when it exited, or 0 */
	bool retired;			/* out of the LRU, in the retired list */
	uint64_t retired_ns;		/* when it was retired */
	struct proc_info info;
};

/* A doubly linked list of entries, with its length. */
struct elist {
	struct entry *head, *tail;
	size_t n;
};

struct pcache {
	struct pcache_opts o;
	char *root;
	struct entry **buckets;
	size_t nbuckets;		/* a power of two */
	struct elist lru;		/* live entries, most recent first */
	/*
	 * Retired entries: replaced or evicted while records without argv
	 * (the kernel was told the command line is here) may still be in the
	 * ring. Still found by exact (pid, start, exec_id), oldest first in
	 * this list, gone once the ring has been read past the moment they
	 * were retired (every record that relied on one was stamped before
	 * it), or when there are more than max_entries.
	 */
	struct elist retired;
	uint64_t loads;
};

static size_t bucket(const struct pcache *c, uint32_t pid)
{
	return (pid * 2654435761u) & (c->nbuckets - 1);
}

struct pcache *pcache__new(const struct pcache_opts *opts)
{
	struct pcache *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->o = *opts;
	if (!c->o.max_entries)
		c->o.max_entries = 8192;
	if (!c->o.max_cmdline)
		c->o.max_cmdline = 8 * 1024;
	c->nbuckets = 16;
	while (c->nbuckets < c->o.max_entries * 2)
		c->nbuckets *= 2;
	c->buckets = calloc(c->nbuckets, sizeof(*c->buckets));
	c->root = strdup(opts->proc_root ? opts->proc_root : "/proc");
	if (!c->o.clock)
		c->o.clock = timefmt__mono_ns;
	if (!c->buckets || !c->root) {
		pcache__free(c);
		return NULL;
	}
	return c;
}

static void list_unlink(struct elist *l, struct entry *e)
{
	if (e->prev)
		e->prev->next = e->next;
	else
		l->head = e->next;
	if (e->next)
		e->next->prev = e->prev;
	else
		l->tail = e->prev;
	e->prev = e->next = NULL;
	l->n--;
}

static void list_push_front(struct elist *l, struct entry *e)
{
	e->next = l->head;
	e->prev = NULL;
	if (l->head)
		l->head->prev = e;
	l->head = e;
	if (!l->tail)
		l->tail = e;
	l->n++;
}

static void list_push_back(struct elist *l, struct entry *e)
{
	e->prev = l->tail;
	e->next = NULL;
	if (l->tail)
		l->tail->next = e;
	else
		l->head = e;
	l->tail = e;
	l->n++;
}

static void info_free(struct proc_info *pi)
{
	free(pi->exe);
	free(pi->cmdline);
	free(pi->cgroup);
	memset(pi, 0, sizeof(*pi));
}

static void tell(struct pcache *c, const struct entry *e, bool on)
{
	struct pcache_proc p = {
		.pid = e->pid, .start_ns = e->start_ns, .exec_id = e->exec_id,
		.has_cmdline = e->info.cmdline_len > 0,
	};

	c->o.watch(c->o.ctx, &p, on);
}

/* Stop the kernel's watch, unless the exit already ended it. */
static void unwatch(struct pcache *c, struct entry *e)
{
	if (e->watched && !e->exited_ns && c->o.watch)
		tell(c, e, false);
	e->watched = false;
}

static void drop(struct pcache *c, struct entry *e)
{
	struct entry **pp = &c->buckets[bucket(c, e->pid)];

	while (*pp && *pp != e)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = e->hnext;
	list_unlink(e->retired ? &c->retired : &c->lru, e);
	unwatch(c, e);
	info_free(&e->info);
	free(e);
}

/* A live entry leaves the LRU: freed, or retired while records that rely
 * on its command line may still be on their way. */
static void evict(struct pcache *c, struct entry *e)
{
	if (!e->told_cmdline) {
		drop(c, e);
		return;
	}
	unwatch(c, e);
	list_unlink(&c->lru, e);
	e->retired = true;
	e->retired_ns = c->o.clock();
	list_push_back(&c->retired, e);	/* oldest first */
	if (c->retired.n > c->o.max_entries)
		drop(c, c->retired.head);
}

/* The entry of exactly this program, live or retired: the kernel's start
 * time to the nanosecond (two processes may start in one clock tick). */
static struct entry *find(const struct pcache *c, uint32_t pid, uint64_t start_ns,
			  uint32_t exec_id)
{
	struct entry *e = c->buckets[bucket(c, pid)];

	while (e && (e->pid != pid || e->start_ns != start_ns || e->exec_id != exec_id))
		e = e->hnext;
	return e;
}

/* The live entry of pid, whichever program it is. */
static struct entry *find_live(const struct pcache *c, uint32_t pid)
{
	struct entry *e = c->buckets[bucket(c, pid)];

	while (e && (e->pid != pid || e->retired))
		e = e->hnext;
	return e;
}

/* Is /proc/PID still the process that started at ticks? */
static bool same_process(struct pcache *c, uint32_t pid, uint64_t ticks)
{
	struct proc_stat st;
	char *buf = NULL;
	long n = procinfo__read(c->root, pid, "stat", 4096, &buf);
	bool same = n > 0 && !procinfo__parse_stat(buf, (size_t)n, &st) &&
		    st.start_ticks == ticks;

	free(buf);
	return same;
}

/* Read /proc for (pid, ticks); everything read is thrown away unless the
 * process is the same one before and after. */
static bool load(struct pcache *c, uint32_t pid, uint64_t ticks, struct proc_info *pi)
{
	char path[PATH_MAX], cg[4096];
	char *buf = NULL;
	long n;

	c->loads++;
	if (!same_process(c, pid, ticks))
		return false;
	if (!procinfo__link(c->root, pid, "exe", path, sizeof(path)))
		pi->exe = strdup(path);
	/* One byte more than kept tells whether there was more. */
	n = procinfo__read(c->root, pid, "cmdline", c->o.max_cmdline + 1, &buf);
	if (n > 0) {
		pi->cmdline = buf;
		pi->cmdline_len = (size_t)n;
		if (pi->cmdline_len > c->o.max_cmdline) {
			pi->cmdline_len = c->o.max_cmdline;
			pi->cmdline_cut = true;
		}
	} else {
		free(buf);
	}
	buf = NULL;
	n = procinfo__read(c->root, pid, "cgroup", 65536, &buf);
	if (n > 0 && !procinfo__parse_cgroup(buf, (size_t)n, cg, sizeof(cg))) {
		pi->cgroup = strdup(cg);
		container__classify(cg, &pi->container);
	}
	free(buf);
	if (!same_process(c, pid, ticks)) {
		info_free(pi);
		return false;
	}
	return true;
}

const struct proc_info *pcache__get(struct pcache *c, uint32_t pid, uint64_t start_ns,
				    uint32_t exec_id)
{
	uint64_t ticks = procinfo__ticks(start_ns);
	struct entry *e = find(c, pid, start_ns, exec_id);
	size_t b;

	if (e) {
		if (!e->retired) {
			list_unlink(&c->lru, e);
			list_push_front(&c->lru, e);
		}
		return e->known ? &e->info : NULL;
	}
	e = find_live(c, pid);
	if (e)
		evict(c, e);	/* another process, or another program, has the pid now */
	while (c->lru.n >= c->o.max_entries && c->lru.tail)
		evict(c, c->lru.tail);
	e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	e->pid = pid;
	e->start_ns = start_ns;
	e->ticks = ticks;
	e->exec_id = exec_id;
	e->known = load(c, pid, ticks, &e->info);
	b = bucket(c, pid);
	e->hnext = c->buckets[b];
	c->buckets[b] = e;
	list_push_front(&c->lru, e);
	if (e->known && c->o.watch) {
		tell(c, e, true);
		e->watched = true;
		e->told_cmdline = e->info.cmdline_len > 0;
	}
	return e->known ? &e->info : NULL;
}

void pcache__exited(struct pcache *c, uint32_t pid, uint64_t ts_ns)
{
	struct entry *e = find_live(c, pid);

	if (e && !e->exited_ns)
		e->exited_ns = ts_ns ? ts_ns : 1;
}

void pcache__sweep(struct pcache *c, uint64_t read_to_ns)
{
	struct entry *e = c->lru.head;

	while (e) {
		struct entry *next = e->next;

		if (e->exited_ns && e->exited_ns < read_to_ns)
			drop(c, e);
		e = next;
	}
	while (c->retired.head && c->retired.head->retired_ns < read_to_ns)
		drop(c, c->retired.head);
}

size_t pcache__count(const struct pcache *c)
{
	return c->lru.n;
}

uint64_t pcache__loads(const struct pcache *c)
{
	return c->loads;
}

void pcache__free(struct pcache *c)
{
	if (!c)
		return;
	while (c->lru.head)
		drop(c, c->lru.head);
	while (c->retired.head)
		drop(c, c->retired.head);
	free(c->buckets);
	free(c->root);
	free(c);
}
