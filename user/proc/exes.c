// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "proc/exes.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define EXES_PATH_MAX 4096

int exes__path(const char *names, size_t len, char *out, size_t outsz)
{
	size_t o = 0, end = len;

	if (!len || names[len - 1] != '\0')
		return -EINVAL;
	while (end > 0) {
		size_t start = end - 1;	/* at this name's NUL */
		size_t n;

		while (start > 0 && names[start - 1] != '\0')
			start--;
		n = end - 1 - start;
		if (!n || memchr(names + start, '/', n))
			return -EINVAL;
		if (o + 1 + n + 1 > outsz)
			return -ENAMETOOLONG;
		out[o++] = '/';
		memcpy(out + o, names + start, n);
		o += n;
		end = start;
	}
	out[o] = '\0';
	return (int)o;
}

struct exe {
	struct exe *hnext;
	uint32_t pid;
	uint32_t exec_id;
	uint64_t start_ns;
	char *path;
};

struct exes {
	struct exe **buckets;
	size_t nbuckets;	/* a power of two */
	struct exe **ring;	/* in exec order; the oldest at head */
	size_t max, head, n;
};

static size_t bucket(const struct exes *t, uint32_t pid)
{
	return (pid * 2654435761u) & (t->nbuckets - 1);
}

struct exes *exes__new(size_t max)
{
	struct exes *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->max = max ? max : 16384;
	t->nbuckets = 16;
	while (t->nbuckets < t->max * 2)
		t->nbuckets *= 2;
	t->buckets = calloc(t->nbuckets, sizeof(*t->buckets));
	t->ring = calloc(t->max, sizeof(*t->ring));
	if (!t->buckets || !t->ring) {
		exes__free(t);
		return NULL;
	}
	return t;
}

static void unhash(struct exes *t, struct exe *e)
{
	struct exe **pp = &t->buckets[bucket(t, e->pid)];

	while (*pp && *pp != e)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = e->hnext;
	free(e->path);
	free(e);
}

void exes__exec(struct exes *t, uint32_t pid, uint64_t start_ns, uint32_t exec_id,
		const char *names, size_t len, bool truncated)
{
	char path[EXES_PATH_MAX];
	struct exe *e;
	size_t b;

	if (truncated || exes__path(names, len, path, sizeof(path)) < 0)
		return;
	if (exes__find(t, pid, start_ns, exec_id))
		return;
	e = calloc(1, sizeof(*e));
	if (!e || !(e->path = strdup(path))) {
		free(e);
		return;
	}
	e->pid = pid;
	e->start_ns = start_ns;
	e->exec_id = exec_id;
	if (t->n == t->max) {
		unhash(t, t->ring[t->head]);
		t->head = (t->head + 1) % t->max;
		t->n--;
	}
	t->ring[(t->head + t->n++) % t->max] = e;
	b = bucket(t, pid);
	e->hnext = t->buckets[b];
	t->buckets[b] = e;
}

const char *exes__find(const struct exes *t, uint32_t pid, uint64_t start_ns, uint32_t exec_id)
{
	const struct exe *e = t->buckets[bucket(t, pid)];

	while (e && (e->pid != pid || e->start_ns != start_ns || e->exec_id != exec_id))
		e = e->hnext;
	return e ? e->path : NULL;
}

size_t exes__count(const struct exes *t)
{
	return t->n;
}

void exes__free(struct exes *t)
{
	if (!t)
		return;
	while (t->ring && t->n) {
		unhash(t, t->ring[t->head]);
		t->head = (t->head + 1) % t->max;
		t->n--;
	}
	free(t->ring);
	free(t->buckets);
	free(t);
}
