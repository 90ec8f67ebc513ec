// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* How a listener the baseline (--expect) does not hold is written: false in
 * JSON, "listen!" in the table, warning priority in syslog and journald. */
#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include "unit.h"
#include "output/format.h"

static const char *fmt(struct sbuf *b, enum format_mode mode, signed char expected)
{
	struct ps_event e = {
		.pid = 4242, .kind = PS_EV_LISTEN, .family = AF_INET, .proto = IPPROTO_TCP,
		.sock_type = SOCK_STREAM, .lport = 8080, .laddr = { 0, 0, 0, 0 }, .backlog = 5,
	};
	struct format_ctx ctx = { .mode = mode };
	struct format_input in = { .ev = &e, .expected = expected };

	strcpy(e.comm, "nginx");
	sbuf__reset(b);
	format__event(b, &ctx, &in);
	return sbuf__str(b);
}

static void test_json(void **state)
{
	struct sbuf b = { 0 };

	unit__contains(fmt(&b, FORMAT_JSON, -1), "\"expected\":false");
	unit__contains(fmt(&b, FORMAT_JSON, 1), "\"expected\":true");
	unit__lacks(fmt(&b, FORMAT_JSON, 0), "expected");
	sbuf__free(&b);
}

static void test_table_mark(void **state)
{
	struct sbuf b = { 0 };

	unit__contains(fmt(&b, FORMAT_TABLE, -1), " nginx           listen! tcp4   0.0.0.0:8080");
	unit__contains(fmt(&b, FORMAT_TABLE, 1), " nginx           listen  tcp4   0.0.0.0:8080");
	sbuf__free(&b);
}

static void test_warning_priority(void **state)
{
	struct sbuf b = { 0 };

	/* daemon.warning (3 * 8 + 4) against daemon.info (3 * 8 + 6). */
	assert_true(!strncmp(fmt(&b, FORMAT_SYSLOG, -1), "<28>1 ", 6));
	assert_true(!strncmp(fmt(&b, FORMAT_SYSLOG, 1), "<30>1 ", 6));
	unit__contains(fmt(&b, FORMAT_SYSLOG, -1), " portsnoop.expected=\"no\"");
	unit__contains(fmt(&b, FORMAT_JOURNAL, -1), "\nPRIORITY=4\n");
	unit__contains(fmt(&b, FORMAT_JOURNAL, 1), "\nPRIORITY=6\n");
	unit__contains(fmt(&b, FORMAT_JOURNAL, 0), "\nPRIORITY=6\n");
	sbuf__free(&b);
}

UNIT_MAIN("expected_output", NULL, NULL,
	  cmocka_unit_test(test_json),
	  cmocka_unit_test(test_table_mark),
	  cmocka_unit_test(test_warning_priority))
