// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * ls rows, state records and who records: rendered by the one field table,
 * so the table and JSON say the same of the same socket.
 */
#include <stdio.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include "unit.h"
#include "output/format.h"
#include "proc/pcache.h"
#include "enrich/listing.h"

#define NO_PID 4194305u	/* above PID_MAX_LIMIT: no /proc entry */

static struct diag_sock sock6(const char *addr, uint16_t port, uint8_t v6only)
{
	struct diag_sock d = {
		.family = AF_INET6, .proto = IPPROTO_TCP, .state = TCP_LISTEN,
		.lport = port, .uid = 0, .inode = 77, .cookie = 5, .netns = 4026531840u,
		.rqueue = 2, .wqueue = 511, .v6only = v6only,
	};

	inet_pton(AF_INET6, addr, d.laddr);
	return d;
}

static const char *ls(struct sbuf *b, enum format_mode mode, const struct diag_sock *d,
		      const struct ps_owner *o, size_t n)
{
	struct format_ctx ctx = { .mode = mode };

	sbuf__reset(b);
	listing__socket(b, &ctx, d, o, n);
	return sbuf__str(b);
}

static void test_header_fits(void **state)
{
	struct format_ctx ctx = { .mode = FORMAT_TABLE };
	struct sbuf b = { 0 };

	listing__header(&b, &ctx);
	assert_string_equal(sbuf__str(&b), "PROTO  STATE  LOCAL           RECV-Q SEND-Q "
					   "NETNS      USER     PROCESSES\n");
	assert_true(b.len - 1 <= 80);
	sbuf__free(&b);
}

/* ss's "*:80" for a dual-stack wildcard, "[::]:80" for an IPv6-only one;
 * JSON says the same as ipv6_only. */
static void test_dual_stack_and_v6only(void **state)
{
	struct diag_sock dual = sock6("::", 80, 0), only = sock6("::", 81, 1);
	struct sbuf b = { 0 };

	assert_string_equal(ls(&b, FORMAT_TABLE, &dual, NULL, 0),
			    "tcp6   listen *:80            2      511    4026531840 0        -\n");
	unit__contains(ls(&b, FORMAT_JSON, &dual, NULL, 0), "\"ipv6_only\":false");
	unit__contains(ls(&b, FORMAT_TABLE, &only, NULL, 0), "tcp6   listen [::]:81 ");
	unit__contains(ls(&b, FORMAT_JSON, &only, NULL, 0), "\"ipv6_only\":true");
	dual.family = AF_INET;	/* nothing to say of IPv4 */
	unit__lacks(ls(&b, FORMAT_JSON, &dual, NULL, 0), "ipv6_only");
	sbuf__free(&b);
}

static void test_scope_and_device(void **state)
{
	struct diag_sock d = sock6("fe80::1", 5353, 0);
	struct sbuf b = { 0 };

	d.ifindex = 3;
	strcpy(d.ifname, "eth0");
	unit__contains(ls(&b, FORMAT_TABLE, &d, NULL, 0), "tcp6   listen [fe80::1]%eth0:5353 ");
	unit__contains(ls(&b, FORMAT_JSON, &d, NULL, 0),
		 "\"server\":{\"ip\":\"fe80::1\",\"port\":5353}");
	unit__contains(ls(&b, FORMAT_JSON, &d, NULL, 0), "\"interface\":\"eth0\"");
	d.family = AF_INET;
	memset(d.laddr, 0, sizeof(d.laddr));
	unit__contains(ls(&b, FORMAT_TABLE, &d, NULL, 0), "tcp4   listen 0.0.0.0%eth0:5353 ");
	sbuf__free(&b);
}

/* USER is the holders' (read from /proc), PROCESSES has their fds, and the
 * JSON record names the same owners, uids and queues. */
static void test_owners_users_and_fds(void **state)
{
	struct diag_sock d = sock6("::1", 8080, 1);
	struct ps_owner o[3] = {
		{ .inode = 77, .pid = (uint32_t)getpid(), .fd = 6, .comm = "nginx" },
		{ .inode = 77, .pid = (uint32_t)getpid(), .fd = 9, .comm = "nginx" },
		{ .inode = 77, .pid = NO_PID, .fd = 4, .comm = "gone" },
	};
	struct sbuf b = { 0 };
	char want[256];
	const char *s;

	d.uid = 4242;	/* the creator: shown only where no holder is readable */
	s = ls(&b, FORMAT_TABLE, &d, o, 3);
	{
		char users[32];

		snprintf(users, sizeof(users), "%u,4242", getuid());
		snprintf(want, sizeof(want), " %-8s nginx[%u]/6+9,gone[%u]/4\n", users,
			 getpid(), NO_PID);
		unit__contains(s, want);
	}
	s = ls(&b, FORMAT_JSON, &d, o, 3);
	snprintf(want, sizeof(want), "\"owners\":[{\"pid\":%u,\"name\":\"nginx\",\"fd\":6,"
		 "\"fds\":[6,9],\"uid\":%u},{\"pid\":%u,\"name\":\"gone\",\"fd\":4,\"fds\":[4],"
		 "\"uid\":4242}]", getpid(), getuid(), NO_PID);
	unit__contains(s, want);
	snprintf(want, sizeof(want), "\"user\":{\"id\":%u}", getuid());
	unit__contains(s, want);
	unit__contains(s, "\"recv_q\":2,\"send_q\":511");
	unit__contains(s, "\"event\":{\"kind\":\"state\",\"action\":\"listening\"}");
	sbuf__free(&b);
}

/* A state row in the event table, and the same socket in JSON. */
static void test_state_record(void **state)
{
	struct diag_sock d = sock6("::", 443, 0);
	struct ps_owner o = { .inode = 77, .pid = NO_PID, .fd = 3, .comm = "caddy" };
	struct format_ctx ctx = { .mode = FORMAT_TABLE };
	struct sbuf b = { 0 };
	char want[128];

	listing__state(&b, &ctx, &d, &o, 1);
	snprintf(want, sizeof(want), " %-7u caddy           state   tcp6   *:443       "
		 "    listening, held by caddy[%u]\n", NO_PID, NO_PID);
	unit__contains(sbuf__str(&b), want);
	sbuf__reset(&b);
	ctx.mode = FORMAT_JSON;
	listing__state(&b, &ctx, &d, &o, 1);
	unit__contains(sbuf__str(&b), "\"ipv6_only\":false");
	unit__lacks(sbuf__str(&b), "\"thread\"");
	unit__lacks(sbuf__str(&b), "\"outcome\"");
	sbuf__free(&b);
}

/* who: the socket line, then per process its fds, user, start to the tick,
 * parent; JSON with the same values. */
static void test_who_record(void **state)
{
	struct diag_sock d = sock6("::", 80, 0);
	struct ps_owner o[2] = {
		{ .inode = 77, .pid = 812, .fd = 6, .comm = "nginx" },
		{ .inode = 77, .pid = 812, .fd = 7, .comm = "nginx" },
	};
	static const char files[] = "/var/log/a.log\0/var/log/b.log";
	struct proc_info pi = { .exe = (char *)"/usr/sbin/nginx",
				.cmdline = (char *)"nginx: master process\0\0\0",
				.cmdline_len = 24 };
	struct format_held held = { .cwd = "/", .files = files, .files_len = sizeof(files) - 1 };
	struct format_ctx ctx = { .mode = FORMAT_TABLE, .boot_offset = 0 };
	struct ps_event ev;
	struct format_input in = {
		.ev = &ev, .rec = FORMAT_REC_HELD, .sock = &d, .holders = o, .nholders = 2,
		.proc = &pi, .held = &held, .user_name = "root", .start_prec_ns = 10000000,
	};
	struct sbuf b = { 0 };

	listing__event(&ev, &d, o, 2, 0);
	ev.ppid = 1;
	strcpy(ev.pcomm, "systemd");
	/* 2026-11-21T04:50:26.123456789Z: ticks are 10 ms, so .12 */
	ev.start_ns = 1795236626123456789ULL;
	format__who_socket(&b, &ctx, &in);
	format__record(&b, &ctx, FORMAT_TABLE_WHO, &in);
	assert_string_equal(sbuf__str(&b),
		"tcp6 *:80 listening (netns 4026531840)\n"
		"  nginx[812] fd 6,7, user root (0), started 2026-11-21T04:50:26.12Z, "
		"parent systemd[1]\n"
		"    exe      /usr/sbin/nginx\n"
		"    command  'nginx: master process'\n"
		"    cwd      /\n"
		"    writing  /var/log/a.log\n"
		"    writing  /var/log/b.log\n");
	sbuf__reset(&b);
	ctx.mode = FORMAT_JSON;
	format__record(&b, &ctx, FORMAT_TABLE_WHO, &in);
	unit__contains(sbuf__str(&b), "\"start\":\"2026-11-21T04:50:26.12Z\"");
	unit__contains(sbuf__str(&b), "\"command_line\":\"nginx: master process\","
				"\"args\":[\"nginx: master process\"]");
	unit__contains(sbuf__str(&b), "\"event\":{\"kind\":\"state\",\"action\":\"held\"}");
	unit__contains(sbuf__str(&b), "\"fds\":[6,7],\"files_written\":[\"/var/log/a.log\","
				"\"/var/log/b.log\"]}");
	unit__contains(sbuf__str(&b), "\"user\":{\"id\":0,\"name\":\"root\"}");
	unit__contains(sbuf__str(&b), "\"state\":\"listening\"");
	/* Issue 24: a process writing no file has no files_written, not [""]. */
	held.files = "";
	held.files_len = 0;
	sbuf__reset(&b);
	format__record(&b, &ctx, FORMAT_TABLE_WHO, &in);
	unit__lacks(sbuf__str(&b), "files_written");
	unit__contains(sbuf__str(&b), "\"fds\":[6,7]}");
	ctx.mode = FORMAT_TABLE;
	sbuf__reset(&b);
	format__record(&b, &ctx, FORMAT_TABLE_WHO, &in);
	unit__lacks(sbuf__str(&b), "writing");
	sbuf__free(&b);
}

/* A connected socket held by a client (who 58960): its peer is said; a
 * socket whose holder could not be named says why. */
static void test_who_peer_and_unknown_owner(void **state)
{
	struct diag_sock d = sock6("::1", 58960, 0);
	struct format_ctx ctx = { .mode = FORMAT_TABLE };
	struct ps_event ev;
	struct format_input in = { .ev = &ev, .rec = FORMAT_REC_HELD, .sock = &d,
				   .owner_unknown = "its fds cannot be read (no CAP_SYS_PTRACE)" };
	struct sbuf b = { 0 };

	d.state = TCP_ESTABLISHED;
	inet_pton(AF_INET6, "::1", d.raddr);
	d.rport = 2222;
	listing__event(&ev, &d, NULL, 0, 0);
	format__who_socket(&b, &ctx, &in);
	format__record(&b, &ctx, FORMAT_TABLE_WHO, &in);
	assert_string_equal(sbuf__str(&b),
		"tcp6 [::1]:58960 established -> [::1]:2222 (netns 4026531840)\n"
		"  owner unknown: its fds cannot be read (no CAP_SYS_PTRACE)\n");
	sbuf__reset(&b);
	ctx.mode = FORMAT_JSON;
	format__record(&b, &ctx, FORMAT_TABLE_WHO, &in);
	unit__contains(sbuf__str(&b), "\"server\":{\"ip\":\"::1\",\"port\":58960},"
				"\"destination\":{\"ip\":\"::1\",\"port\":2222}");
	unit__contains(sbuf__str(&b), "\"owner_unknown\":\"its fds cannot be read (no CAP_SYS_PTRACE)\"");
	unit__lacks(sbuf__str(&b), "\"process\"");
	unit__lacks(sbuf__str(&b), "\"user\"");
	unit__contains(sbuf__str(&b), "\"state\":\"established\"");
	sbuf__free(&b);
}

UNIT_MAIN("listing", NULL, NULL,
	  cmocka_unit_test(test_header_fits),
	  cmocka_unit_test(test_dual_stack_and_v6only),
	  cmocka_unit_test(test_scope_and_device),
	  cmocka_unit_test(test_owners_users_and_fds),
	  cmocka_unit_test(test_state_record),
	  cmocka_unit_test(test_who_record),
	  cmocka_unit_test(test_who_peer_and_unknown_owner))
