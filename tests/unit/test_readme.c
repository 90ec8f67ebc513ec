// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Issue 24: the README's examples are what the tool prints. The records
 * behind each example are rendered here, in an 80-column terminal, and
 * compared with the README's text byte for byte.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "unit.h"
#include "output/format.h"
#include "proc/pcache.h"
#include "output/users.h"
#include "enrich/listing.h"

/* 2026-11-21T05:15:35Z as CLOCK_REALTIME ns (the context's offset is 0). */
#define T0 1795238135000000000ULL

static char *readme;

static int setup(void **state)
{
	FILE *f = fopen("README.md", "r");
	long n;

	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	if (!f)
		return -1;	/* run from the top of the tree, as make unit does */
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	readme = calloc(1, (size_t)n + 1);
	if (!readme || fread(readme, 1, (size_t)n, f) != (size_t)n) {
		fclose(f);
		return -1;
	}
	fclose(f);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(readme);
	return 0;
}

/* The README's block that starts with the line `first` up to its "```". */
static char *block(const char *first)
{
	const char *p = strstr(readme, first), *end;

	if (!p)
		fail_msg("the README has no line '%s'", first);
	p = strchr(p, '\n') + 1;
	end = strstr(p, "```");
	assert_non_null(end);
	return strndup(p, (size_t)(end - p));
}

static struct ps_event rec(unsigned int ms, uint32_t pid, const char *comm,
			   unsigned int kind, const char *laddr, uint16_t lport)
{
	struct ps_event e = {
		.ts_ns = T0 + ms * 1000000ULL, .pid = pid, .tid = pid,
		.netns = 4026531833u, .kind = (uint16_t)kind, .proto = IPPROTO_TCP,
		.sock_type = SOCK_STREAM, .lport = lport,
	};

	e.family = strchr(laddr, ':') ? AF_INET6 : AF_INET;
	inet_pton(e.family, laddr, e.laddr);
	strcpy(e.comm, comm);
	return e;
}

static void to(struct ps_event *e, const char *raddr, uint16_t rport)
{
	inet_pton(e->family, raddr, e->raddr);
	e->rport = rport;
}

/* "What it prints": the trace of a server, a second one refused, a client. */
static void test_trace_example(void **state)
{
	struct format_ctx ctx = { .mode = FORMAT_TABLE, .width = 80, .fit = true };
	struct ps_owner holder = { .inode = 1, .pid = 6355, .fd = 3, .comm = "python3" };
	struct ps_event e[9];
	struct sbuf b = { 0 };
	char *want = block("$ sudo portsnoop\n");

	e[0] = rec(87, 6355, "python3", PS_EV_BIND, "0.0.0.0", 8000);
	e[1] = rec(90, 6355, "python3", PS_EV_LISTEN, "0.0.0.0", 8000);
	e[2] = rec(765, 6396, "python3", PS_EV_BIND, "0.0.0.0", 8000);
	e[2].err = EADDRINUSE;
	e[2].flags = PS_F_REQUESTED;
	e[3] = rec(766, 6396, "python3", PS_EV_CONNECT, "127.0.0.1", 52828);
	to(&e[3], "127.0.0.1", 8000);
	e[4] = e[3];
	e[4].kind = PS_EV_CONNECT_RESULT;
	e[4].duration_ns = 71000;
	e[5] = rec(775, 6438, "nc", PS_EV_CONNECT, "127.0.0.1", 40000);
	to(&e[5], "127.0.0.1", 9);
	e[5].err = EINPROGRESS;
	e[6] = e[5];
	e[6].kind = PS_EV_CONNECT_RESULT;
	e[6].err = ECONNREFUSED;
	e[6].duration_ns = 58000;
	e[7] = rec(1102, 6502, "python3", PS_EV_LISTEN, "::", 8080);
	e[7].flags = PS_F_V6ONLY_KNOWN;
	e[8] = rec(1977, 6355, "python3", PS_EV_CLOSE, "0.0.0.0", 8000);
	format__header(&b, &ctx);
	for (size_t i = 0; i < 9; i++) {
		struct format_input in = { .ev = &e[i] };

		if (i == 2) {
			in.holders = &holder;
			in.nholders = 1;
		}
		format__event(&b, &ctx, &in);
	}
	assert_string_equal(sbuf__str(&b), want);
	free(want);

	/* The same connect in a terminal of 107 columns. */
	want = block("$ sudo COLUMNS=107 portsnoop\n");
	ctx.width = 107;
	sbuf__reset(&b);
	format__header(&b, &ctx);
	{
		struct format_input in = { .ev = &e[3] };

		format__event(&b, &ctx, &in);
	}
	assert_string_equal(sbuf__str(&b), want);
	free(want);
	sbuf__free(&b);
}

static struct diag_sock sock(const char *addr, uint16_t port, uint8_t proto, uint32_t netns)
{
	struct diag_sock d = {
		.proto = proto, .state = proto == IPPROTO_TCP ? TCP_LISTEN : TCP_CLOSE,
		.lport = port, .inode = 1, .netns = netns,
	};

	d.family = strchr(addr, ':') ? AF_INET6 : AF_INET;
	inet_pton(d.family, addr, d.laddr);
	return d;
}

/* "Who holds a port": ls. Owners' users come from /proc for real pids:
 * here the rows are rendered with their uids given. */
static void test_ls_example(void **state)
{
	static const char passwd[] = "root:x:0:0::/root:/bin/sh\n"
				     "www-data:x:33:33::/var/www:/usr/sbin/nologin\n"
				     "avahi:x:104:110::/run/avahi-daemon:/usr/sbin/nologin\n";
	struct users *u = users__new("/nonexistent");
	struct format_ctx ctx = { .mode = FORMAT_TABLE, .width = 80, .fit = true };
	struct ps_owner nginx[3] = {
		{ .inode = 1, .pid = 812, .fd = 6, .comm = "nginx" },
		{ .inode = 1, .pid = 813, .fd = 6, .comm = "nginx" },
		{ .inode = 1, .pid = 814, .fd = 6, .comm = "nginx" },
	};
	struct ps_owner py = { .inode = 1, .pid = 24664, .fd = 3, .comm = "python3" };
	struct ps_owner avahi = { .inode = 1, .pid = 701, .fd = 12, .comm = "avahi-daemon" };
	const uint32_t nginx_uids[3] = { 0, 33, 33 }, root = 0, avahi_uid = 104;
	struct diag_sock s[3] = {
		sock("0.0.0.0", 80, IPPROTO_TCP, 4026531833u),
		sock("::", 8123, IPPROTO_TCP, 4026531833u),
		sock("fe80::1", 5353, IPPROTO_UDP, 4026532301u),
	};
	struct {
		const struct ps_owner *o;
		size_t n;
		const uint32_t *uids;
	} rows[3] = { { nginx, 3, nginx_uids }, { &py, 1, &root }, { &avahi, 1, &avahi_uid } };
	struct sbuf b = { 0 };
	char *want = block("$ sudo portsnoop ls ");

	assert_non_null(u);
	assert_int_equal(users__parse(u, passwd, sizeof(passwd) - 1), 0);
	ctx.users = u;
	strcpy(s[2].ifname, "eth0");
	s[2].ifindex = 2;
	s[2].wqueue = 0;
	s[0].wqueue = 511;
	s[1].wqueue = 128;
	for (int pass = 0; pass < 2; pass++) {
		if (pass)
			format__table_header(&b, &ctx, FORMAT_TABLE_LS);
		for (size_t i = 0; i < 3; i++) {
			struct ps_event ev;
			struct format_input in = {
				.ev = &ev, .rec = FORMAT_REC_STATE, .sock = &s[i],
				.holders = rows[i].o, .nholders = rows[i].n,
				.owner_uids = rows[i].uids,
			};

			listing__event(&ev, &s[i], rows[i].o, rows[i].n, rows[i].uids[0]);
			if (pass)
				format__record(&b, &ctx, FORMAT_TABLE_LS, &in);
			else
				format__fit(&ctx, FORMAT_TABLE_LS, &in);
		}
	}
	/* The example goes on with who: compare the ls part. */
	want[strstr(want, "\n\n") - want + 1] = '\0';
	assert_string_equal(sbuf__str(&b), want);
	free(want);
	sbuf__free(&b);
	users__free(u);
}

/* "Who holds a port": who 80, its first process (the rest is "..."). */
static void test_who_example(void **state)
{
	static const char files[] = "/var/log/nginx/access.log\0/var/log/nginx/error.log";
	static const char cmdline[] = "nginx: master process /usr/sbin/nginx\0\0";
	struct format_ctx ctx = { .mode = FORMAT_TABLE, .width = 80, .fit = true };
	struct ps_owner nginx = { .inode = 1, .pid = 812, .fd = 6, .comm = "nginx" };
	struct diag_sock d = sock("0.0.0.0", 80, IPPROTO_TCP, 4026531833u);
	struct proc_info pi = { .exe = (char *)"/usr/sbin/nginx", .cmdline = (char *)cmdline,
				.cmdline_len = sizeof(cmdline) - 1 };
	struct format_held held = { .cwd = "/", .files = files, .files_len = sizeof(files) - 1 };
	struct ps_event ev;
	struct format_input in = {
		.ev = &ev, .rec = FORMAT_REC_HELD, .sock = &d, .holders = &nginx, .nholders = 1,
		.proc = &pi, .held = &held, .user_name = "root", .start_prec_ns = 10000000,
	};
	struct sbuf b = { 0 };
	char *want = block("$ sudo portsnoop who 80 ");

	listing__event(&ev, &d, &nginx, 1, 0);
	ev.ppid = 1;
	strcpy(ev.pcomm, "systemd");
	ev.start_ns = T0 + 2269300000000ULL;	/* 05:53:24.30 */
	format__who_socket(&b, &ctx, &in);
	format__record(&b, &ctx, FORMAT_TABLE_WHO, &in);
	*strstr(want, "  nginx[813]") = '\0';
	assert_string_equal(sbuf__str(&b), want);
	free(want);
	sbuf__free(&b);
}

UNIT_MAIN("readme", setup, teardown,
	  cmocka_unit_test(test_trace_example),
	  cmocka_unit_test(test_ls_example),
	  cmocka_unit_test(test_who_example))
