/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * A bounded map from a 128-bit key to a string (or to "known to be none"):
 * when full, the entry put first is forgotten first. For caches of what the
 * kernel told us once and /proc cannot tell again (user/proc/exes.c,
 * cgpaths.c). No libbpf, no system state: tested in tests/unit/test_fifomap.c.
 */
#ifndef PS_LIB_FIFOMAP_H
#define PS_LIB_FIFOMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct fifomap_key {
	uint64_t a, b;
};

struct fifomap;

/* Room for max entries (0: 4096). NULL when out of memory. */
struct fifomap *fifomap__new(size_t max);

/*
 * Whether key is in the map; if so *val is its string, or NULL where it
 * was put as none. The string is the map's: valid until the entry is
 * forgotten (a later fifomap__put may forget it) or the map freed.
 */
bool fifomap__get(const struct fifomap *m, struct fifomap_key key, const char **val);

/* Put key with a copy of val (NULL: none), forgetting the oldest entry when
 * full. A key already there keeps its first value. -ENOMEM: nothing put. */
int fifomap__put(struct fifomap *m, struct fifomap_key key, const char *val);

size_t fifomap__count(const struct fifomap *m);
void fifomap__free(struct fifomap *m);

#endif /* PS_LIB_FIFOMAP_H */
