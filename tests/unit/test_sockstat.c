// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* sockstat: a namespace's socket counts, which decide the dumps it needs. */
#include "unit.h"

#include <stdlib.h>

#include "proc/sockstat.h"

/* As a 6.x kernel writes them. */
static const char v4[] =
	"sockets: used 15\n"
	"TCP: inuse 4 orphan 0 tw 2 alloc 20004 mem 1\n"
	"UDP: inuse 7 mem 0\n"
	"UDPLITE: inuse 9\n"
	"RAW: inuse 0\n"
	"FRAG: inuse 0 memory 0\n";
static const char v6[] =
	"TCP6: inuse 3\n"
	"UDP6: inuse 1\n"
	"UDPLITE6: inuse 8\n"
	"RAW6: inuse 0\n"
	"FRAG6: inuse 0 memory 0\n";

static void test_counts_of_each_kind(void **state)
{
	struct sockstat st = { 0 };

	(void)state;
	sockstat__parse(&st, v4, sizeof(v4) - 1);
	assert_true(st.known4);
	assert_false(st.known6);
	assert_int_equal(st.used, 15);
	assert_int_equal(st.tcp, 4);
	assert_int_equal(st.tcp_tw, 2);
	assert_int_equal(st.udp, 7);	/* not UDPLITE's 9 */
	sockstat__parse(&st, v6, sizeof(v6) - 1);
	assert_true(st.known6);
	assert_int_equal(st.tcp6, 3);
	assert_int_equal(st.udp6, 1);	/* not UDPLITE6's 8 */
	assert_int_equal(st.udp, 7);
}

/* A line missing or cut short leaves its file unknown: every dump is asked. */
static void test_incomplete_is_unknown(void **state)
{
	static const char cut[] = "sockets: used 0\nTCP: inuse 0 orphan 0 tw 0 alloc 4 mem 0\nUDP: in";
	static const char junk[] = "TCP6: inuse x\nUDP6: inuse 0\n";
	struct sockstat st = { 0 };

	(void)state;
	sockstat__parse(&st, cut, sizeof(cut) - 1);
	assert_false(st.known4);
	sockstat__parse(&st, junk, sizeof(junk) - 1);
	assert_false(st.known6);
}

/* /proc/net/protocols: the "sockets" column of MPTCP's two rows. */
static void test_mptcp_rows(void **state)
{
	static const char rows[] =
		"protocol  size sockets  memory press maxhdr  slab module     cl co di ac io in de sh ss gs se re sp bi br ha uh gp em\n"
		"MPTCPv6   2064      2      -1   NI       0   yes  kernel      y  n  y  y  y  y  y  y  y  y  y  y  n  n  n  y  y  y  n\n"
		"TCPv6     2432      9      10   no     320   yes  kernel      y  y  y  y  y  y  y  y  y  y  y  y  y  n  y  y  y  y  y\n"
		"MPTCP     1936      0      -1   NI       0   yes  kernel      y  n  y  y  y  y  y  y  y  y  y  y  n  n  n  y  y  y  n\n"
		"TCP       2304     11      10   no     320   yes  kernel      y  y  y  y  y  y  y  y  y  y  y  y  y  n  y  y  y  y  y\n";
	static const char no_v6[] =
		"MPTCP     1936      3      -1   NI       0   yes  kernel\n";
	struct sockstat st = { 0 };

	(void)state;
	sockstat__parse_protocols(&st, rows, sizeof(rows) - 1);
	assert_true(st.known_mptcp);
	assert_int_equal(st.mptcp, 0);
	assert_int_equal(st.mptcp6, 2);	/* not TCPv6's 9 */
	memset(&st, 0, sizeof(st));
	sockstat__parse_protocols(&st, no_v6, sizeof(no_v6) - 1);
	assert_false(st.known_mptcp);	/* one row missing: unknown */
	/* Not NUL-terminated: the number ends where the text does. */
	memset(&st, 0, sizeof(st));
	sockstat__parse_protocols(&st, "MPTCP 1 7\nMPTCPv6 1 12", 21);
	assert_true(st.known_mptcp);
	assert_int_equal(st.mptcp6, 1);
}

/* Read from a proc root: thread-self/net/sockstat and sockstat6. */
static void test_read_from_root(void **state)
{
	char root[] = "/tmp/portsnoop-sockstat-XXXXXX";
	struct sockstat st;

	(void)state;
	assert_non_null(mkdtemp(root));
	sockstat__read(&st, root);
	assert_false(st.known4);
	assert_false(st.known6);
	unit__put(root, "thread-self/net/sockstat", v4, sizeof(v4) - 1);
	sockstat__read(&st, root);
	assert_true(st.known4);
	assert_false(st.known6);	/* no IPv6 file: its counts unknown */
	assert_int_equal(st.udp, 7);
	unit__put(root, "thread-self/net/sockstat6", v6, sizeof(v6) - 1);
	sockstat__read(&st, root);
	assert_true(st.known6);
	assert_int_equal(st.tcp6, 3);
	assert_int_equal(unit__rmtree(root), 0);
}

UNIT_MAIN("sockstat", NULL, NULL, cmocka_unit_test(test_counts_of_each_kind),
	  cmocka_unit_test(test_incomplete_is_unknown), cmocka_unit_test(test_mptcp_rows),
	  cmocka_unit_test(test_read_from_root))
