// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* `ls` rows and the state records of sockets that exist. */
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "unit.h"
#include "sockets/listing.h"

static const struct diag_sock tcp4 = {
	.family = AF_INET, .proto = IPPROTO_TCP, .state = TCP_LISTEN, .lport = 8080,
	.laddr = { 127, 0, 0, 1 }, .uid = 1000, .inode = 77, .cookie = 9001,
	.netns = 4026531840u,
};

static const struct diag_sock udp6 = {
	.family = AF_INET6, .proto = IPPROTO_UDP, .state = TCP_CLOSE, .lport = 5353,
	.laddr = { [15] = 1 }, .uid = 107, .netns = 4026532301u,
};

static const struct ps_owner nginx[] = {
	{ .inode = 77, .pid = 812, .fd = 6, .comm = "nginx" },
	{ .inode = 77, .pid = 813, .fd = 7, .comm = "nginx" },
};

static const char *render(struct sbuf *b, enum format_mode mode, bool state,
			  const struct diag_sock *d, const struct ps_owner *o, size_t n)
{
	struct format_ctx ctx = { .mode = mode, .host = "web1" };

	sbuf__reset(b);
	if (state)
		listing__state(b, &ctx, d, o, n);
	else
		listing__socket(b, &ctx, d, o, n);
	return sbuf__str(b);
}

static void test_table(void **state)
{
	struct format_ctx ctx = { .mode = FORMAT_TABLE };
	struct sbuf b = { 0 };

	listing__header(&b, &ctx);
	assert_string_equal(sbuf__str(&b), "PROTO  LOCAL                                 NETNS       "
					   "UID    PROCESSES\n");
	assert_string_equal(render(&b, FORMAT_TABLE, false, &tcp4, nginx, 2),
			    "tcp4   127.0.0.1:8080                        4026531840  1000   "
			    "nginx[812],nginx[813]\n");
	assert_string_equal(render(&b, FORMAT_TABLE, false, &udp6, NULL, 0),
			    "udp6   [::1]:5353                            4026532301  107    -\n");
	ctx.mode = FORMAT_JSON;
	sbuf__reset(&b);
	listing__header(&b, &ctx);
	assert_int_equal(b.len, 0);			/* JSON has no header */
	sbuf__free(&b);
}

static void test_json(void **state)
{
	struct sbuf b = { 0 };
	const char *s = render(&b, FORMAT_JSON, false, &tcp4, nginx, 2);

	unit__contains(s, "{\"@timestamp\":\"");
	unit__contains(s, "\"process\":{\"pid\":812,\"name\":\"nginx\"}");
	unit__contains(s, "\"event\":{\"kind\":\"state\",\"action\":\"listening\"}");
	unit__contains(s, "\"network\":{\"transport\":\"tcp\",\"type\":\"ipv4\"}");
	unit__contains(s, "\"server\":{\"ip\":\"127.0.0.1\",\"port\":8080}");
	unit__contains(s, "\"host\":{\"name\":\"web1\"}");
	unit__contains(s, "\"user\":{\"id\":1000}");
	unit__contains(s, "\"netns\":4026531840,\"cookie\":9001,\"inode\":77");
	unit__contains(s, "\"owners\":[{\"pid\":812,\"name\":\"nginx\",\"fd\":6},"
		    "{\"pid\":813,\"name\":\"nginx\",\"fd\":7}]");
	assert_int_equal(s[strlen(s) - 1], '\n');
	assert_ptr_equal(strchr(s, '\n'), s + strlen(s) - 1);	/* one line */

	/* Bound UDP, held by nobody: no process, no cookie, no inode. */
	s = render(&b, FORMAT_JSON, false, &udp6, NULL, 0);
	unit__contains(s, "\"action\":\"bound\"");
	unit__contains(s, "\"transport\":\"udp\",\"type\":\"ipv6\"");
	unit__contains(s, "\"server\":{\"ip\":\"::1\",\"port\":5353}");
	unit__contains(s, "\"owners\":[]");
	unit__lacks(s, "\"process\"");
	unit__lacks(s, "cookie");
	unit__lacks(s, "inode");
	/* A state record in JSON is the same record. */
	s = render(&b, FORMAT_JSON, true, &tcp4, nginx, 2);
	unit__contains(s, "\"event\":{\"kind\":\"state\",\"action\":\"listening\"}");
	unit__contains(s, "\"owners\":[{\"pid\":812");
	sbuf__free(&b);
}

/* In the event table: TIME PID COMM EVENT PROTO LOCAL REMOTE RESULT. */
static void test_state_table(void **state)
{
	struct sbuf b = { 0 };
	const char *s = render(&b, FORMAT_TABLE, true, &tcp4, nginx, 2);

	/* The time (HH:MM:SS.mmm) is now's: check the columns after it. */
	assert_int_equal(s[2], ':');
	assert_int_equal(s[8], '.');
	assert_string_equal(s + 13, "812     nginx            state    tcp4   "
				    "127.0.0.1:8080           -                        "
				    "listening, held by nginx[812],nginx[813]\n");
	s = render(&b, FORMAT_TABLE, true, &udp6, NULL, 0);
	assert_string_equal(s + 13, "-       -                state    udp6   "
				    "[::1]:5353               -                        bound\n");
	sbuf__free(&b);
}

static void test_state_syslog_journal(void **state)
{
	struct sbuf b = { 0 };
	static const char head[] = "SYSLOG_IDENTIFIER=portsnoop\nPRIORITY=6\nLOCAL_PORT=8080\n"
				   "PORTSNOOP_NETNS=4026531840\nMESSAGE=";
	const char *s = render(&b, FORMAT_JOURNAL, true, &tcp4, nginx, 2);

	assert_memory_equal(s, head, sizeof(head) - 1);
	unit__contains(s, "state    tcp4   127.0.0.1:8080");
	s = render(&b, FORMAT_SYSLOG, true, &udp6, NULL, 0);
	unit__contains(s, " bound [");
	unit__contains(s, " server.port=\"5353\" portsnoop.netns=\"4026532301\"] ");
	unit__contains(s, "bound\n");
	sbuf__free(&b);
}

UNIT_MAIN("listing", NULL, NULL,
	  cmocka_unit_test(test_table),
	  cmocka_unit_test(test_json),
	  cmocka_unit_test(test_state_table),
	  cmocka_unit_test(test_state_syslog_journal))
