// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdlib.h>
#include <time.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include "unit.h"
#include "output/format.h"
#include "proc/pcache.h"

/* 2026-11-21T04:50:26.123456789Z as CLOCK_REALTIME ns, with a zero offset. */
#define TS 1795236626123456789ULL

static struct ps_event base(unsigned int kind)
{
	struct ps_event e = {
		.ts_ns = TS,
		.pid = 4242, .tid = 4243, .ppid = 1, .uid = 1000, .gid = 100,
		.netns = 4026531840u, .cgroup_id = 77, .cookie = 9001,
		.kind = (uint16_t)kind, .family = AF_INET, .proto = IPPROTO_TCP,
		.sock_type = SOCK_STREAM, .lport = 8080,
		.laddr = { 127, 0, 0, 1 },
	};

	strcpy(e.comm, "nginx");
	return e;
}

static const char *fmt(struct sbuf *b, enum format_mode mode, const struct ps_event *e)
{
	struct format_ctx ctx = { .mode = mode };
	struct format_input in = { .ev = e };

	sbuf__reset(b);
	format__event(b, &ctx, &in);
	return sbuf__str(b);
}

/* base(PS_EV_BIND) as a JSON line. */
static const char BIND_JSON[] =
	"{\"@timestamp\":\"2026-11-21T04:50:26.123456789Z\","
	"\"process\":{\"pid\":4242,\"thread\":{\"id\":4243},\"parent\":{\"pid\":1},"
	"\"name\":\"nginx\"},"
	"\"event\":{\"kind\":\"event\",\"action\":\"bind\",\"outcome\":\"success\"},"
	"\"network\":{\"transport\":\"tcp\",\"type\":\"ipv4\"},"
	"\"server\":{\"ip\":\"127.0.0.1\",\"port\":8080},"
	"\"user\":{\"id\":1000},\"group\":{\"id\":100},"
	"\"portsnoop\":{\"netns\":4026531840,\"cgroup\":{\"id\":77},\"cookie\":9001}}\n";

static void test_json_bind_success(void **state)
{
	struct ps_event e = base(PS_EV_BIND);
	struct sbuf b = { 0 };
	const char *s = fmt(&b, FORMAT_JSON, &e);

	assert_string_equal(s, BIND_JSON);
	sbuf__free(&b);
}

static void test_json_failed_bind_keeps_request(void **state)
{
	struct ps_event e = base(PS_EV_BIND);
	struct sbuf b = { 0 };
	const char *s;

	e.err = EADDRINUSE;
	e.flags = PS_F_REQUESTED;
	e.family = AF_INET6;
	memset(e.laddr, 0, sizeof(e.laddr));
	e.laddr[15] = 1;
	e.lport = 443;
	s = fmt(&b, FORMAT_JSON, &e);
	unit__contains(s, "\"outcome\":\"failure\"");
	unit__contains(s, "\"error\":{\"code\":\"EADDRINUSE\"}");
	unit__contains(s, "\"server\":{\"ip\":\"::1\",\"port\":443}");
	unit__contains(s, "\"requested\":true");
	unit__contains(s, "\"type\":\"ipv6\"");
	sbuf__free(&b);
}

static void test_json_no_address(void **state)
{
	struct ps_event e = base(PS_EV_BIND);
	struct sbuf b = { 0 };
	const char *s;

	e.err = EFAULT;
	e.flags = PS_F_REQUESTED | PS_F_NO_ADDR;
	s = fmt(&b, FORMAT_JSON, &e);
	/* Never a made-up 0.0.0.0:0: the address is left out. */
	unit__lacks(s, "\"server\"");
	unit__contains(s, "\"code\":\"EFAULT\"");
	sbuf__free(&b);
}

static void test_json_connect_endpoints(void **state)
{
	struct ps_event e = base(PS_EV_CONNECT);
	struct sbuf b = { 0 };
	const char *s;

	e.lport = 51000;
	e.rport = 5432;
	memcpy(e.raddr, (uint8_t[]){ 10, 1, 2, 3 }, 4);
	e.err = EINPROGRESS;
	s = fmt(&b, FORMAT_JSON, &e);
	unit__contains(s, "\"source\":{\"ip\":\"127.0.0.1\",\"port\":51000}");
	unit__contains(s, "\"destination\":{\"ip\":\"10.1.2.3\",\"port\":5432}");
	unit__contains(s, "\"outcome\":\"unknown\"");
	unit__lacks(s, "\"server\"");
	unit__lacks(s, "\"duration\"");	/* only an outcome has one */
	e.kind = PS_EV_CONNECT_RESULT;
	e.err = ECONNREFUSED;
	e.duration_ns = 81234;
	s = fmt(&b, FORMAT_JSON, &e);
	unit__contains(s, "\"action\":\"outcome\",\"outcome\":\"failure\",\"duration\":81234}");
	unit__contains(s, "\"code\":\"ECONNREFUSED\"");
	sbuf__free(&b);
}

static void test_json_listen_backlog_and_close(void **state)
{
	struct ps_event e = base(PS_EV_LISTEN);
	struct sbuf b = { 0 };

	e.backlog = 511;
	unit__contains(fmt(&b, FORMAT_JSON, &e), "\"backlog\":511");
	e.kind = PS_EV_CLOSE;
	unit__lacks(fmt(&b, FORMAT_JSON, &e), "backlog");
	unit__lacks(fmt(&b, FORMAT_JSON, &e), "\"outcome\"");
	unit__contains(fmt(&b, FORMAT_JSON, &e), "\"action\":\"close\"");
	sbuf__free(&b);
}

static void test_hostile_comm(void **state)
{
	struct ps_event e = base(PS_EV_BIND);
	struct sbuf b = { 0 };
	const char *s;

	strcpy(e.comm, "x\",\"pid\":1\n\x1b]");
	s = fmt(&b, FORMAT_JSON, &e);
	unit__contains(s, "\"name\":\"x\\\",\\\"pid\\\":1\\n\\u001b]\"");
	assert_ptr_equal(strchr(s, '\n'), s + strlen(s) - 1);
	s = fmt(&b, FORMAT_TABLE, &e);
	unit__contains(s, "x\",\"pid\":1\\x0a\\x1b]");
	assert_ptr_equal(strchr(s, '\n'), s + strlen(s) - 1);
	assert_null(strchr(s, '\x1b'));
	sbuf__free(&b);
}

/* A table row at width w (0: the default, 80 columns). */
static const char *row_at(struct sbuf *b, unsigned int w, const struct ps_event *e)
{
	struct format_ctx ctx = { .mode = FORMAT_TABLE, .width = w };
	struct format_input in = { .ev = e };

	sbuf__reset(b);
	format__event(b, &ctx, &in);
	return sbuf__str(b);
}

static const char *header_at(struct sbuf *b, unsigned int w)
{
	struct format_ctx ctx = { .mode = FORMAT_TABLE, .width = w };

	sbuf__reset(b);
	format__header(b, &ctx);
	return sbuf__str(b);
}

/*
 * The layout changed on purpose (issue 15: the table was 107 columns and
 * wrapped in 80): by default it fits 80 columns, with one ADDRESS column
 * (where a connect goes, else the local end); from 107 columns on, LOCAL
 * and REMOTE as before, growing with the terminal.
 */
static void test_table_row(void **state)
{
	struct ps_event e = base(PS_EV_CONNECT);
	struct sbuf b = { 0 };
	const char *s;

	assert_string_equal(header_at(&b, 0),
			    "TIME         PID     COMM            EVENT   PROTO  "
			    "ADDRESS         RESULT\n");
	e.rport = 443;
	e.family = AF_INET6;
	memset(e.laddr, 0, 16);
	memset(e.raddr, 0, 16);
	e.laddr[15] = 1;
	e.raddr[15] = 1;
	s = row_at(&b, 0, &e);
	assert_string_equal(s, "04:50:26.123 4242    nginx           connect tcp6   "
			       "[::1]:443       ok\n");
	assert_string_equal(header_at(&b, 120),
			    "TIME         PID     COMM            EVENT   PROTO  "
			    "LOCAL                        REMOTE                      RESULT\n");
	assert_string_equal(row_at(&b, 120, &e),
			    "04:50:26.123 4242    nginx           connect tcp6   "
			    "[::1]:8080                   [::1]:443                   ok\n");
	e.kind = PS_EV_CONNECT_RESULT;
	unit__contains(row_at(&b, 0, &e), " outcome ");
	/* The connect's duration, in ms, after its result. */
	e.duration_ns = 1234567;
	unit__contains(row_at(&b, 0, &e), " established 1.234ms\n");
	e.err = 111;
	unit__contains(row_at(&b, 0, &e), " ECONNREFUSED 1.234ms\n");
	e.err = 0;
	e.duration_ns = 0;
	e.kind = PS_EV_BIND;
	e.err = EACCES;
	unit__contains(row_at(&b, 0, &e), " [::1]:8080      EACCES\n");
	/* From 132 columns: the namespace and the container too. */
	unit__contains(row_at(&b, 200, &e), "[::1]:8080                                      -"
				      "                                               4026531840"
				      "           -            EACCES\n");
	sbuf__free(&b);
}

/* Every default row fits 80 columns; a long address never pushes a column
 * out of line but its own successor, and the row stays one line. */
static void test_table_fits_80_and_stays_aligned(void **state)
{
	struct ps_event e = base(PS_EV_LISTEN);
	struct sbuf b = { 0 };
	const char *s;

	memcpy(e.laddr, (uint8_t[]){ 192, 168, 100, 200 }, 4);
	e.lport = 65535;
	s = row_at(&b, 0, &e);
	assert_true(strlen(s) - 1 <= 80);
	assert_string_equal(s, "04:50:26.123 4242    nginx           listen  tcp4   "
			       "192.168.100.200:65535 ok\n");
	assert_true(strlen(header_at(&b, 0)) - 1 <= 80);
	e.family = AF_INET6;
	memset(e.laddr, 0xfe, 16);
	s = row_at(&b, 0, &e);
	assert_string_equal(s, "04:50:26.123 4242    nginx           listen  tcp6   "
			       "[fefe:fefe:fefe:fefe:fefe:fefe:fefe:fefe]:65535 ok\n");
	/* Wide: the address column grows to hold it, RESULT stays in line. */
	{
		struct sbuf h = { 0 };

		s = row_at(&b, 160, &e);
		header_at(&h, 160);
		assert_int_equal(strstr(s, " ok\n") - s + 1, strstr(h.p, "RESULT") - h.p);
		sbuf__free(&h);
	}
	sbuf__free(&b);
}

/* A dual-stack wildcard listener is "*:port" (as ss writes it), an
 * IPv6-only one "[::]:port"; JSON says which. */
static void test_v6only_marked(void **state)
{
	struct ps_event e = base(PS_EV_LISTEN);
	struct sbuf b = { 0 };

	e.family = AF_INET6;
	memset(e.laddr, 0, 16);
	e.flags = PS_F_V6ONLY_KNOWN;
	unit__contains(row_at(&b, 0, &e), " *:8080 ");
	unit__contains(fmt(&b, FORMAT_JSON, &e), "\"ipv6_only\":false");
	unit__contains(fmt(&b, FORMAT_JSON, &e), "\"server\":{\"ip\":\"::\",\"port\":8080}");
	e.flags |= PS_F_V6ONLY;
	unit__contains(row_at(&b, 0, &e), " [::]:8080 ");
	unit__contains(fmt(&b, FORMAT_JSON, &e), "\"ipv6_only\":true");
	e.flags = 0;	/* not said: no claim either way */
	unit__contains(row_at(&b, 0, &e), " [::]:8080 ");
	unit__lacks(fmt(&b, FORMAT_JSON, &e), "ipv6_only");
	e.family = AF_INET;
	e.flags = PS_F_V6ONLY_KNOWN;
	unit__lacks(fmt(&b, FORMAT_JSON, &e), "ipv6_only");
	sbuf__free(&b);
}

/* The device a socket is bound to: after the local address, as ss writes
 * it, and portsnoop.interface; a hostile name escaped in both. */
static void test_interface(void **state)
{
	struct ps_event e = base(PS_EV_BIND);
	struct sbuf b = { 0 };

	e.family = AF_INET6;
	memset(e.laddr, 0, 16);
	e.laddr[0] = 0xfe;
	e.laddr[1] = 0x80;
	e.laddr[15] = 1;
	unit__contains(row_at(&b, 0, &e), " [fe80::1]:8080 ");
	unit__lacks(fmt(&b, FORMAT_JSON, &e), "interface");
	e.ifindex = 3;
	strcpy(e.ifname, "eth0");
	unit__contains(row_at(&b, 0, &e), " [fe80::1]%eth0:8080 ");
	unit__contains(fmt(&b, FORMAT_JSON, &e), "\"interface\":\"eth0\"");
	strcpy(e.ifname, "e\x1b[2J");
	unit__contains(row_at(&b, 0, &e), " [fe80::1]%e\\x1b[2J:8080 ");
	unit__lacks(row_at(&b, 0, &e), "\x1b");
	unit__contains(fmt(&b, FORMAT_JSON, &e), "\"interface\":\"e\\u001b[2J\"");
	sbuf__free(&b);
}

/* syslog and journald: every JSON field under its own name, the table's
 * line as the message; a state record the same way. */
static void test_syslog_and_journal(void **state)
{
	struct ps_event e = base(PS_EV_BIND);
	struct sbuf b = { 0 };
	const char *s;

	e.err = EADDRINUSE;
	e.flags = PS_F_REQUESTED;
	s = fmt(&b, FORMAT_SYSLOG, &e);
	assert_true(!strncmp(s, "<28>1 2026-11-21T04:50:26.123456Z - portsnoop ", 46));
	unit__contains(s, " bind [portsnoop@32473 process.pid=\"4242\" process.thread.id=\"4243\"");
	unit__contains(s, " error.code=\"EADDRINUSE\" server.ip=\"127.0.0.1\" server.port=\"8080\"");
	unit__contains(s, " portsnoop.requested=\"yes\" portsnoop.netns=\"4026531840\"");
	unit__contains(s, "] 04:50:26.123 4242    nginx           bind    tcp4   127.0.0.1:8080 "
		    "       -                     EADDRINUSE\n");
	assert_ptr_equal(strchr(s, '\n'), s + strlen(s) - 1);
	s = fmt(&b, FORMAT_JOURNAL, &e);
	unit__contains(s, "MESSAGE=04:50:26.123 4242    nginx           bind    tcp4   127.0.0.1:8080");
	unit__contains(s, "\nPRIORITY=4\n");
	unit__contains(s, "\nPROCESS_PID=4242\n");
	unit__contains(s, "\nERROR_CODE=EADDRINUSE\n");
	unit__contains(s, "\nERRNO=98\n");
	unit__contains(s, "\nPORTSNOOP_COOKIE=9001\n");
	sbuf__free(&b);
}

static void test_plurals(void **state)
{
	char n[32];

	assert_string_equal(format__count(n, sizeof(n), 1, "event", "events"), "1 event");
	assert_string_equal(format__count(n, sizeof(n), 0, "event", "events"), "0 events");
	assert_string_equal(format__count(n, sizeof(n), 2, "socket existed",
					  "sockets existed"), "2 sockets existed");
}

static const char *fmt_in(struct sbuf *b, enum format_mode mode, const struct format_input *in)
{
	struct format_ctx ctx = { .mode = mode, .boot_id = "b00t" };

	sbuf__reset(b);
	format__event(b, &ctx, in);
	return sbuf__str(b);
}

static void test_process_from_kernel_argv(void **state)
{
	struct ps_event e = base(PS_EV_BIND);
	struct format_input in = { .ev = &e, .argv = "nc\0-u\0-l\0" "53\0", .argv_len = 12 };
	struct sbuf b = { 0 };
	const char *s;

	strcpy(e.pcomm, "bash");
	e.ns_pid = 7;
	e.start_ns = 123;
	s = fmt_in(&b, FORMAT_JSON, &in);
	unit__contains(s, "\"parent\":{\"pid\":1,\"name\":\"bash\"}");
	unit__contains(s, "\"command_line\":\"nc -u -l 53\",\"args\":[\"nc\",\"-u\",\"-l\",\"53\"],"
		    "\"args_count\":4");
	unit__contains(s, "\"entity_id\":\"b00t-4242-123\"");
	unit__contains(s, "\"ns_pid\":7");
	unit__lacks(s, "executable");
	unit__lacks(s, "args_truncated");
	/* Cut by the kernel: the last argument is partial and said to be. */
	e.flags |= PS_F_ARGV_TRUNCATED;
	in.argv_len = 8;
	s = fmt_in(&b, FORMAT_JSON, &in);
	unit__contains(s, "\"args\":[\"nc\",\"-u\",\"-l\"]");
	unit__contains(s, "\"args_truncated\":true");
	sbuf__free(&b);
}

static void test_process_from_proc(void **state)
{
	struct ps_event e = base(PS_EV_LISTEN);
	struct proc_info pi = {
		.exe = (char *)"/usr/sbin/nginx",
		.cmdline = (char *)"nginx: master process\0",
		.cmdline_len = 22,
		.cgroup = (char *)"/system.slice/docker-0123456789abcdef0123456789abcdef"
				  "0123456789abcdef0123456789abcdef.scope",
		.container = { .runtime = "docker",
			       .id = "0123456789abcdef0123456789abcdef0123456789abcdef"
				     "0123456789abcdef" },
	};
	struct format_input in = { .ev = &e, .argv = "stale\0", .argv_len = 6, .proc = &pi,
				   .user_name = "www-data" };
	struct sbuf b = { 0 };
	const char *s = fmt_in(&b, FORMAT_JSON, &in);

	unit__contains(s, "\"executable\":\"/usr/sbin/nginx\"");
	unit__contains(s, "\"args\":[\"nginx: master process\"]");
	unit__contains(s, "\"user\":{\"id\":1000,\"name\":\"www-data\"}");
	unit__contains(s, "\"container\":{\"id\":\"0123456789abcdef0123456789abcdef0123456789abcdef"
		    "0123456789abcdef\",\"runtime\":\"docker\"}");
	unit__contains(s, "\"cgroup\":{\"id\":77,\"path\":\"/system.slice/docker-");
	unit__lacks(s, "kubernetes");
	unit__lacks(s, "executable_deleted");
	/* A pod's UID, and an executable the kernel saw unlinked. */
	memcpy(pi.container.pod_uid, "0f3c9a2e-5b1d-4c7e-9a8b-1234567890ab", 37);
	e.flags |= PS_F_EXE_DELETED;
	s = fmt_in(&b, FORMAT_JSON, &in);
	unit__contains(s, "\"kubernetes\":{\"pod\":{\"uid\":\"0f3c9a2e-5b1d-4c7e-9a8b-1234567890ab\"}}");
	unit__contains(s, "\"executable_deleted\":true");
	sbuf__free(&b);
}

/* Text is kept per field, as it came and as JSON, so that the next record
 * of the same process copies it: text that changes in the same buffer (a
 * thread renamed, an executable replaced) must never come out as before. */
static void test_repeated_text_follows_changes(void **state)
{
	struct ps_event e = base(PS_EV_BIND);
	char exe[] = "/usr/sbin/nginx";
	struct proc_info pi = { .exe = exe };
	struct format_input in = { .ev = &e, .proc = &pi };
	struct sbuf b = { 0 };
	const char *s = fmt_in(&b, FORMAT_JSON, &in);

	unit__contains(s, "\"executable\":\"/usr/sbin/nginx\"");
	unit__contains(s, "\"name\":\"nginx\"");
	s = fmt_in(&b, FORMAT_JSON, &in);
	unit__contains(s, "\"executable\":\"/usr/sbin/nginx\"");
	memcpy(exe, "/usr/sbin/ngin\n", sizeof(exe));
	strcpy(e.comm, "nginy");
	s = fmt_in(&b, FORMAT_JSON, &in);
	unit__contains(s, "\"executable\":\"/usr/sbin/ngin\\n\"");
	unit__contains(s, "\"name\":\"nginy\"");
	/* Shorter, then empty: left out, then back. */
	strcpy(e.comm, "ng");
	s = fmt_in(&b, FORMAT_JSON, &in);
	unit__contains(s, "\"name\":\"ng\"");
	pi.exe = NULL;
	s = fmt_in(&b, FORMAT_JSON, &in);
	unit__lacks(s, "executable");
	pi.exe = exe;
	s = fmt_in(&b, FORMAT_JSON, &in);
	unit__contains(s, "\"executable\":\"/usr/sbin/ngin\\n\"");
	sbuf__free(&b);
}

static void test_hostile_args(void **state)
{
	struct ps_event e = base(PS_EV_BIND);
	static const char argv[] = "x\0\"],\"pid\":1\n\0\x1b[2J\xff";
	struct format_input in = { .ev = &e, .argv = argv, .argv_len = sizeof(argv) - 1 };
	struct sbuf b = { 0 };
	const char *s = fmt_in(&b, FORMAT_JSON, &in);

	unit__contains(s, "\"args\":[\"x\",\"\\\"],\\\"pid\\\":1\\n\",\"\\u001b[2J\\ufffd\"]");
	assert_ptr_equal(strchr(s, '\n'), s + strlen(s) - 1);
	sbuf__free(&b);
}

/* nginx rewrites its argv in place and pads it with spaces: trimmed. */
static void test_padded_title_trimmed(void **state)
{
	struct ps_event e = base(PS_EV_LISTEN);
	static const char argv[] = "nginx: worker process              \0\0\0";
	struct format_input in = { .ev = &e, .argv = argv, .argv_len = sizeof(argv) - 1 };
	struct sbuf b = { 0 };
	const char *s = fmt_in(&b, FORMAT_JSON, &in);

	unit__contains(s, "\"command_line\":\"nginx: worker process\",\"args\":[\"nginx: worker "
		    "process\"],\"args_count\":1");
	sbuf__free(&b);
}

static void test_lost_record(void **state)
{
	struct format_ctx ctx = { .mode = FORMAT_JSON };
	struct sbuf b = { 0 };

	format__lost(&b, &ctx, 5, 12);
	unit__contains(sbuf__str(&b), "\"event\":{\"kind\":\"metric\",\"action\":\"lost\"}");
	unit__contains(sbuf__str(&b), "\"portsnoop\":{\"lost\":5,\"lost_total\":12}}\n");
	sbuf__reset(&b);
	ctx.mode = FORMAT_TABLE;
	format__lost(&b, &ctx, 5, 12);
	assert_string_equal(sbuf__str(&b),
			    "-- portsnoop: 5 events lost (ring buffer full), 12 in all --\n");
	sbuf__reset(&b);
	format__lost(&b, &ctx, 1, 1);
	assert_string_equal(sbuf__str(&b),
			    "-- portsnoop: 1 event lost (ring buffer full), 1 in all --\n");
	sbuf__free(&b);
}

/* holds' rows in the one table: the calling thread's own name, and an
 * EADDRINUSE holder that was gone when the failure was read. */
static void test_thread_name_and_holders_gone(void **state)
{
	struct ps_event e = base(PS_EV_BIND);
	struct ps_owner o = { .inode = 7, .pid = 812, .fd = 6, .comm = "sockwork" };
	struct format_ctx ctx = { .mode = FORMAT_JSON };
	struct format_input in = { .ev = &e, .holders = &o, .nholders = 1 };
	struct sbuf b = { 0 };

	unit__lacks(fmt(&b, FORMAT_JSON, &e), "\"thread\":{\"id\":4243,\"name\"");
	strcpy(e.tcomm, "mc-worker");
	unit__contains(fmt(&b, FORMAT_JSON, &e), "\"thread\":{\"id\":4243,\"name\":\"mc-worker\"}");
	e.err = EADDRINUSE;
	format__event(&b, &ctx, &in);
	unit__lacks(sbuf__str(&b), "holders_gone");
	in.holders_gone = true;
	sbuf__reset(&b);
	format__event(&b, &ctx, &in);
	unit__contains(sbuf__str(&b), "\"holders\":[{\"pid\":812,\"name\":\"sockwork\"}],"
				"\"holders_gone\":true");
	ctx.mode = FORMAT_TABLE;
	sbuf__reset(&b);
	format__event(&b, &ctx, &in);
	unit__contains(sbuf__str(&b), "EADDRINUSE held by sockwork[812] (gone since)\n");
	sbuf__free(&b);
}

/*
 * A line is built from separators kept per pair of fields present: a record
 * with more members nested under process (the thread's and the parent's
 * names) and one with fewer, in turn, each come out whole and the same each
 * time.
 */
static void test_json_members_around_absent_ones(void **state)
{
	struct ps_event full = base(PS_EV_BIND), bare = base(PS_EV_BIND);
	struct sbuf b = { 0 };
	char *first;

	strcpy(full.tcomm, "worker");
	strcpy(full.pcomm, "systemd");
	first = strdup(fmt(&b, FORMAT_JSON, &full));
	assert_non_null(first);
	unit__contains(first, "\"process\":{\"pid\":4242,\"thread\":{\"id\":4243,"
			      "\"name\":\"worker\"},\"parent\":{\"pid\":1,\"name\":\"systemd\"},"
			      "\"name\":\"nginx\"},\"event\":");
	assert_string_equal(fmt(&b, FORMAT_JSON, &bare), BIND_JSON);
	assert_string_equal(fmt(&b, FORMAT_JSON, &full), first);
	free(first);
	sbuf__free(&b);
}

/* Times are rendered in UTC, whatever the machine's zone. */
static int utc(void **state)
{
	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	return 0;
}

UNIT_MAIN("format", utc, NULL,
	  cmocka_unit_test(test_json_bind_success),
	  cmocka_unit_test(test_json_failed_bind_keeps_request),
	  cmocka_unit_test(test_json_no_address),
	  cmocka_unit_test(test_json_connect_endpoints),
	  cmocka_unit_test(test_json_listen_backlog_and_close),
	  cmocka_unit_test(test_hostile_comm),
	  cmocka_unit_test(test_table_row),
	  cmocka_unit_test(test_table_fits_80_and_stays_aligned),
	  cmocka_unit_test(test_v6only_marked),
	  cmocka_unit_test(test_interface),
	  cmocka_unit_test(test_padded_title_trimmed),
	  cmocka_unit_test(test_plurals),
	  cmocka_unit_test(test_syslog_and_journal),
	  cmocka_unit_test(test_lost_record),
	  cmocka_unit_test(test_process_from_kernel_argv),
	  cmocka_unit_test(test_process_from_proc),
	  cmocka_unit_test(test_repeated_text_follows_changes),
	  cmocka_unit_test(test_hostile_args),
	  cmocka_unit_test(test_thread_name_and_holders_gone),
	  cmocka_unit_test(test_json_members_around_absent_ones))
