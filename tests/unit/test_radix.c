// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* radix__sort_u64: the order qsort gives, for keys that differ in any byte. */
#include "unit.h"

#include <stdlib.h>

#include "lib/radix.h"

static int cmp_u64(const void *a, const void *b)
{
	const uint64_t *x = a, *y = b;

	return *x < *y ? -1 : *x > *y;
}

static void sorted_as_qsort(uint64_t *v, size_t n)
{
	uint64_t *want = malloc((n + 1) * sizeof(*v)), *tmp = malloc((n + 1) * sizeof(*v));

	assert_non_null(want);
	assert_non_null(tmp);
	memcpy(want, v, n * sizeof(*v));
	qsort(want, n, sizeof(*v), cmp_u64);
	radix__sort_u64(v, tmp, n);
	for (size_t i = 0; i < n; i++)
		assert_true(v[i] == want[i]);
	free(want);
	free(tmp);
}

static void test_any_bytes(void **state)
{
	uint64_t v[5000];
	uint64_t seed = 88172645463325252ull;

	(void)state;
	for (size_t i = 0; i < 5000; i++) {
		seed ^= seed << 13;
		seed ^= seed >> 7;
		seed ^= seed << 17;
		v[i] = seed;
	}
	v[17] = 0;
	v[18] = UINT64_MAX;
	v[19] = v[20];		/* equal keys */
	sorted_as_qsort(v, 5000);
}

/* Socket inodes (32 bits) packed with an index below them: the passes
 * that matter are the ones in the middle; an odd number of them leaves
 * the result in tmp, to be copied back. */
static void test_inode_and_index(void **state)
{
	uint64_t v[3000];

	(void)state;
	for (size_t i = 0; i < 3000; i++)
		v[i] = (uint64_t)(4026531840u - (uint32_t)(i * 7919 % 3001)) << 32 | i;
	sorted_as_qsort(v, 3000);
	for (size_t i = 0; i < 3000; i++)
		v[i] = (uint64_t)((i * 37) % 256) << 8;	/* one byte differs */
	sorted_as_qsort(v, 3000);
	v[0] = 5;
	sorted_as_qsort(v, 1);
	sorted_as_qsort(v, 0);
}

UNIT_MAIN("radix", NULL, NULL, cmocka_unit_test(test_any_bytes),
	  cmocka_unit_test(test_inode_and_index))
