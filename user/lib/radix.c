// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "lib/radix.h"

#include <string.h>

void radix__sort_u64(uint64_t *v, uint64_t *tmp, size_t n)
{
	uint64_t all_or = 0, all_and = ~(uint64_t)0, *from = v, *to = tmp;

	for (size_t i = 0; i < n; i++) {
		all_or |= v[i];
		all_and &= v[i];
	}
	for (unsigned int shift = 0; shift < 64; shift += 8) {
		size_t count[256] = { 0 }, at = 0;
		uint64_t *swap;

		/* Every key has the same byte here: it orders nothing. */
		if (!(((all_or ^ all_and) >> shift) & 0xff))
			continue;
		for (size_t i = 0; i < n; i++)
			count[(from[i] >> shift) & 0xff]++;
		for (size_t b = 0; b < 256; b++) {
			size_t c = count[b];

			count[b] = at;
			at += c;
		}
		for (size_t i = 0; i < n; i++)
			to[count[(from[i] >> shift) & 0xff]++] = from[i];
		swap = from;
		from = to;
		to = swap;
	}
	if (from != v)
		memcpy(v, from, n * sizeof(*v));
}
