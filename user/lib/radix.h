/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Sorting 64-bit keys by their value, a byte at a time (LSD radix): for
 * tens of thousands of socket inodes a few linear passes, where qsort()
 * calls a comparison some 600,000 times.
 */
#ifndef PS_LIB_RADIX_H
#define PS_LIB_RADIX_H

#include <stddef.h>
#include <stdint.h>

/*
 * v[0..n) in ascending order; tmp: room for n keys, its content lost.
 * Bytes every key shares cost no pass (socket inodes are 32-bit: the
 * upper four are skipped, as are the lower four of (inode << 32 | index)).
 */
void radix__sort_u64(uint64_t *v, uint64_t *tmp, size_t n);

#endif
