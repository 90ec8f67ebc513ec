// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "lib/fifomap.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct entry {
	struct entry *hnext;
	struct fifomap_key key;
	char *val;
};

struct fifomap {
	struct entry **buckets;
	size_t nbuckets;	/* a power of two, at least twice max */
	struct entry **ring;	/* in put order; the oldest at head */
	size_t max, head, n;
};

static size_t bucket(const struct fifomap *m, struct fifomap_key k)
{
	uint64_t h = (k.a ^ (k.b * 0xff51afd7ed558ccdull)) * 0x9e3779b97f4a7c15ull;

	return (size_t)(h >> 32) & (m->nbuckets - 1);
}

static bool same(struct fifomap_key x, struct fifomap_key y)
{
	return x.a == y.a && x.b == y.b;
}

struct fifomap *fifomap__new(size_t max)
{
	struct fifomap *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->max = max ? max : 4096;
	m->nbuckets = 16;
	while (m->nbuckets < m->max * 2)
		m->nbuckets *= 2;
	m->buckets = calloc(m->nbuckets, sizeof(*m->buckets));
	m->ring = calloc(m->max, sizeof(*m->ring));
	if (!m->buckets || !m->ring) {
		fifomap__free(m);
		return NULL;
	}
	return m;
}

static struct entry *find(const struct fifomap *m, struct fifomap_key key)
{
	struct entry *e = m->buckets[bucket(m, key)];

	while (e && !same(e->key, key))
		e = e->hnext;
	return e;
}

bool fifomap__get(const struct fifomap *m, struct fifomap_key key, const char **val)
{
	const struct entry *e = find(m, key);

	if (e)
		*val = e->val;
	return e;
}

static void forget_oldest(struct fifomap *m)
{
	struct entry *e = m->ring[m->head];
	struct entry **pp = &m->buckets[bucket(m, e->key)];

	while (*pp && *pp != e)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = e->hnext;
	free(e->val);
	free(e);
	m->head = (m->head + 1) % m->max;
	m->n--;
}

int fifomap__put(struct fifomap *m, struct fifomap_key key, const char *val)
{
	struct entry *e;
	size_t b;

	if (find(m, key))
		return 0;
	e = calloc(1, sizeof(*e));
	if (!e || (val && !(e->val = strdup(val)))) {
		free(e);
		return -ENOMEM;
	}
	e->key = key;
	if (m->n == m->max)
		forget_oldest(m);
	m->ring[(m->head + m->n++) % m->max] = e;
	b = bucket(m, key);
	e->hnext = m->buckets[b];
	m->buckets[b] = e;
	return 0;
}

size_t fifomap__count(const struct fifomap *m)
{
	return m->n;
}

void fifomap__free(struct fifomap *m)
{
	if (!m)
		return;
	while (m->ring && m->n)
		forget_oldest(m);
	free(m->ring);
	free(m->buckets);
	free(m);
}
