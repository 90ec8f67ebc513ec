// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* snapshot__owners_at: every socket's owners at once, as owners__find()
 * finds them one socket at a time. */
#include "unit.h"

#include <stdlib.h>

#include "sockets/snapshot.h"

static void add_owner(struct snapshot *s, uint64_t inode, uint32_t pid, uint32_t fd)
{
	struct ps_owner o = { .inode = inode, .pid = pid, .fd = fd };

	assert_int_equal(owners__add(&s->owners, &o), 0);
}

static void test_as_owners_find(void **state)
{
	/* Sockets in ls's order (not by inode); one without an owner, one no
	 * file refers to (inode 0), two records of one inode (two namespaces
	 * see it), one near the top of 32 bits. */
	static const uint64_t inodes[] = { 900, 17, 4026531840u, 0, 17, 55, 12 };
	struct diag_sock socks[7] = { 0 };
	struct snapshot s = { .socks = socks, .n = 7 };
	uint32_t *v;

	(void)state;
	for (size_t i = 0; i < 7; i++)
		socks[i].inode = inodes[i];
	add_owner(&s, 12, 100, 3);
	add_owner(&s, 17, 200, 4);
	add_owner(&s, 17, 201, 4);	/* a forked child holds it too */
	add_owner(&s, 40, 300, 5);	/* a socket no dump named */
	add_owner(&s, 900, 400, 6);
	add_owner(&s, 4026531840u, 500, 7);
	owners__sort(&s.owners);
	for (int pass = 0; pass < 2; pass++) {
		v = snapshot__owners_at(&s);
		assert_non_null(v);
		for (size_t i = 0; i < s.n; i++) {
			size_t n, m;
			const struct ps_owner *o = owners__find(&s.owners, socks[i].inode, &n);

			assert_ptr_equal(snapshot__owners_of(&s, v, i, &m), o);
			assert_int_equal(m, n);
		}
		assert_int_equal(v[1], 2);	/* 17: from the second owner */
		assert_int_equal(s.owners.v[v[1] - 1].pid, 200);
		assert_int_equal(v[3], 0);	/* inode 0: nobody's */
		assert_int_equal(v[5], 0);	/* 55: no owner */
		free(v);
		/* Past 32 bits, the keys cannot hold the inode: searched. */
		socks[5].inode = (uint64_t)1 << 40;
	}
	owners__free(&s.owners);
}

UNIT_MAIN("snapshot", NULL, NULL, cmocka_unit_test(test_as_owners_find))
