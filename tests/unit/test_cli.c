// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <cmocka.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/filter.h"

struct run {
	enum cli_result res;
	struct ps_opts o;
	char out[4096];
	char err[4096];
};

/* Parse a NULL-terminated argv, capturing what would go to stdout/stderr. */
static void parse(struct run *r, const char **args)
{
	char *argv[16];
	int argc = 0;
	FILE *out = fmemopen(r->out, sizeof(r->out), "w");
	FILE *err = fmemopen(r->err, sizeof(r->err), "w");

	memset(r->out, 0, sizeof(r->out));
	memset(r->err, 0, sizeof(r->err));
	argv[argc++] = (char *)"portsnoop";
	for (; *args; args++)
		argv[argc++] = (char *)*args;
	argv[argc] = NULL;
	r->res = cli__parse(&r->o, argc, argv, out, err);
	fclose(out);
	fclose(err);
}

#define PARSE(r, ...) parse(r, (const char *[]){ __VA_ARGS__, NULL })

static int lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static void test_defaults(void **state)
{
	struct run r;

	parse(&r, (const char *[]){ NULL });
	assert_int_equal(r.res, CLI_RUN);
	assert_false(r.o.json);
	assert_int_equal(r.o.pid, 0);
	assert_int_equal(r.o.filter.has_ports, 0);
	assert_int_equal(r.o.filter.kinds, 0);
	assert_int_equal(r.o.ringbuf_bytes, 0);
	assert_int_equal(r.o.probe, STRAT_AUTO);
}

static void expect_usage(const char **args, const char *needle);

static void test_probe(void **state)
{
	struct run r;

	PARSE(&r, "--probe=kprobe");
	assert_int_equal(r.res, CLI_RUN);
	assert_int_equal(r.o.probe, STRAT_KPROBE);
	PARSE(&r, "--probe", "fentry", "--probe", "tracepoint");
	assert_int_equal(r.o.probe, STRAT_TRACEPOINT);
	PARSE(&r, "--probe=auto");
	assert_int_equal(r.o.probe, STRAT_AUTO);
	expect_usage((const char *[]){ "--probe=fexit", NULL }, "'fexit'");
	expect_usage((const char *[]){ "--probe=", NULL }, "--probe ''");
	expect_usage((const char *[]){ "--probe", NULL }, "needs a value");
}

static void test_all_options(void **state)
{
	struct run r;

	PARSE(&r, "--json", "-p", "4242", "--port", "443", "--ringbuf", "256K", "-v");
	assert_int_equal(r.res, CLI_RUN);
	assert_true(r.o.json);
	assert_true(r.o.verbose);
	assert_int_equal(r.o.pid, 4242);
	assert_int_equal(r.o.filter.tgid, 4242);
	assert_true(filter__port(&r.o.filter, 443));
	assert_false(filter__port(&r.o.filter, 444));
	assert_int_equal(r.o.ringbuf_bytes, 256 * 1024);
	PARSE(&r, "-j", "--pid=1", "-P65535");
	assert_int_equal(r.res, CLI_RUN);
	assert_int_equal(r.o.pid, 1);
	assert_true(filter__port(&r.o.filter, 65535));
}

static void expect_usage(const char **args, const char *needle)
{
	struct run r;

	parse(&r, args);
	assert_int_equal(r.res, CLI_USAGE);
	assert_int_equal(lines(r.err), 1);
	assert_non_null(strstr(r.err, needle));
	assert_string_equal(r.out, "");
}

/* Each of values refused after opt, the message quoting it: 'VALUE'. */
static void expect_bad_values(const char *opt, const char **values)
{
	char quoted[64];

	for (; *values; values++) {
		snprintf(quoted, sizeof(quoted), "'%s'", *values);
		expect_usage((const char *[]){ opt, *values, NULL }, quoted);
	}
}

static void test_bad_port(void **state)
{
	expect_bad_values("--port", (const char *[]){ "65536", "0", "-1", "80x", "", NULL });
	expect_usage((const char *[]){ "--port", "99999999999999999999999", NULL }, "port");
}

static void test_bad_pid(void **state)
{
	expect_usage((const char *[]){ "--pid", "abc", NULL }, "'abc'");
	expect_bad_values("-p", (const char *[]){ "0", " 12", "4194305", NULL });
}

static void test_bad_ringbuf(void **state)
{
	expect_bad_values("--ringbuf", (const char *[]){ "3000", "2K", "2G", "M", NULL });
}

static void test_unknown_and_missing(void **state)
{
	expect_usage((const char *[]){ "--bogus", NULL }, "--bogus");
	expect_usage((const char *[]){ "-x", NULL }, "-x");
	expect_usage((const char *[]){ "-p", NULL }, "-p");
	expect_usage((const char *[]){ "--port", NULL }, "--port");
	expect_usage((const char *[]){ "stray", NULL }, "stray");
}

static void test_help_and_version(void **state)
{
	struct run r;

	PARSE(&r, "--help");
	assert_int_equal(r.res, CLI_DONE);
	assert_non_null(strstr(r.out, "--json"));
	assert_string_equal(r.err, "");
	PARSE(&r, "-V");
	assert_int_equal(r.res, CLI_DONE);
	assert_string_equal(r.out, "portsnoop " PS_VERSION "\n");
}

static void test_filters(void **state)
{
	struct run r;

	PARSE(&r, "-P", "80,443,8000-8002", "--uid", "0", "--proto", "udp,mptcp", "-6",
	      "-e", "bind,close", "--failed", "--netns", "4026531840", "--comm", "nginx");
	assert_int_equal(r.res, CLI_RUN);
	for (unsigned p = 1; p < 65536; p++)
		assert_int_equal(filter__port(&r.o.filter, (uint16_t)p),
				 p == 80 || p == 443 || (p >= 8000 && p <= 8002));
	assert_int_equal(r.o.filter.has_uid, 1);
	assert_int_equal(r.o.filter.uid, 0);
	assert_int_equal(r.o.filter.protos, PS_PROTO_UDP | PS_PROTO_MPTCP);
	assert_int_equal(r.o.filter.families, PS_FAMILY_INET6);
	assert_int_equal(r.o.filter.kinds, (1u << PS_EV_BIND) | (1u << PS_EV_CLOSE));
	assert_int_equal(r.o.filter.failed_only, 1);
	assert_int_equal(r.o.filter.netns, 4026531840u);
	assert_string_equal(r.o.comm, "nginx");
}

static void test_bad_filters(void **state)
{
	expect_bad_values("-P", (const char *[]){ "80,", "90-80", "1-70000", NULL });
	expect_usage((const char *[]){ "--proto", "sctp", NULL }, "'sctp'");
	expect_usage((const char *[]){ "-e", "bind,exit", NULL }, "'bind,exit'");
	expect_usage((const char *[]){ "--uid", "no-such-user", NULL }, "'no-such-user'");
	expect_usage((const char *[]){ "-4", "-6", NULL }, "-4 and -6");
	expect_usage((const char *[]){ "-6", "ls", "-4", NULL }, "-4 and -6");
	expect_usage((const char *[]){ "--netns", "0", NULL }, "'0'");
	expect_usage((const char *[]){ "--comm", "a-name-longer-than-15", NULL }, "15");
	expect_usage((const char *[]){ "--children", NULL }, "--pid");
	expect_usage((const char *[]){ "ls", "--syslog", NULL }, "not ls");
}

static void test_user_names(void **state)
{
	struct run r;

	PARSE(&r, "--uid", "www-data");
	assert_int_equal(r.res, CLI_RUN);
	assert_int_equal(r.o.filter.has_uid, 1);
	assert_int_equal(r.o.filter.uid, 33);
	PARSE(&r, "ls", "--uid", "root");
	assert_int_equal(r.res, CLI_RUN);
	assert_int_equal(r.o.filter.uid, 0);
	PARSE(&r, "--uid", "4242");
	assert_int_equal(r.o.filter.uid, 4242);
}

static void test_no_such_pid(void **state)
{
	expect_usage((const char *[]){ "-p", "999999", NULL }, "no process 999999 exists");
	expect_usage((const char *[]){ "ls", "-p", "999999", NULL }, "no process 999999");
}

/* Options that ls or who cannot honour are refused, not ignored. */
static void test_options_per_command(void **state)
{
	struct run r;

	expect_usage((const char *[]){ "ls", "-e", "bind", NULL }, "--events does not apply to ls");
	expect_usage((const char *[]){ "ls", "--failed", NULL }, "--failed does not apply to ls");
	expect_usage((const char *[]){ "--ringbuf", "8M", "ls", NULL }, "--ringbuf");
	expect_usage((const char *[]){ "ls", "--probe", "kprobe", NULL }, "--probe");
	expect_usage((const char *[]){ "ls", "--no-initial", NULL }, "--no-initial");
	expect_usage((const char *[]){ "who", "80", "-4", NULL }, "-4 does not apply to who");
	expect_usage((const char *[]){ "who", "80", "--uid", "0", NULL }, "--uid");
	expect_usage((const char *[]){ "who", "80", "-p", "1", NULL }, "--pid");
	PARSE(&r, "ls", "-t", "-4", "--proto", "tcp", "--uid", "0", "--comm", "nginx");
	assert_int_equal(r.res, CLI_RUN);
	assert_int_equal(r.o.cmd, CMD_LS);
	PARSE(&r, "ls", "--netns", "4026531840", "-p", "1", "-P", "80", "-j", "-v");
	assert_int_equal(r.res, CLI_RUN);
	assert_int_equal(r.o.cmd, CMD_LS);
	PARSE(&r, "who", "80/tcp", "--netns", "4026531840", "-j", "-o", "/dev/null");
	assert_int_equal(r.res, CLI_RUN);
	assert_int_equal(r.o.target.port, 80);
}

static void test_who_port_option(void **state)
{
	struct run r;

	PARSE(&r, "who", "-P", "2222");
	assert_int_equal(r.res, CLI_RUN);
	assert_int_equal(r.o.cmd, CMD_WHO);
	assert_int_equal(r.o.target.port, 2222);
	assert_int_equal(r.o.target.proto, 0);
	assert_int_equal(r.o.filter.has_ports, 0);
	PARSE(&r, "-P2222", "who");
	assert_int_equal(r.res, CLI_RUN);
	assert_int_equal(r.o.target.port, 2222);
	expect_usage((const char *[]){ "who", "-P", "80,443", NULL }, "who takes one port");
	expect_usage((const char *[]){ "who", "80", "-P", "80", NULL }, "once");
	expect_usage((const char *[]){ "who", NULL }, "who -P PORT");
}

static void test_ringbuf_sizes(void **state)
{
	uint32_t v = 0;

	assert_int_equal(cli__parse_ringbuf("4096", &v), 0);
	assert_int_equal(v, 4096);
	assert_int_equal(cli__parse_ringbuf("8m", &v), 0);
	assert_int_equal(v, 8u << 20);
	assert_int_equal(cli__parse_ringbuf("1G", &v), 0);
	assert_int_equal(v, 1u << 30);
	assert_int_not_equal(cli__parse_ringbuf("2048", &v), 0);
}

/* who's argument: PORT, PORT/tcp, PORT/udp, ADDR:PORT, [ADDR6]:PORT. */
static void test_target(void **state)
{
	static const uint8_t v4[4] = { 127, 0, 0, 1 };
	static const uint8_t v6[16] = { 0xfe, 0x80, [15] = 1 };
	struct ps_target t;

	assert_int_equal(cli__parse_target("8123", &t), 0);
	assert_int_equal(t.port, 8123);
	assert_int_equal(t.proto, 0);
	assert_int_equal(t.family, 0);
	assert_int_equal(cli__parse_target("53/udp", &t), 0);
	assert_int_equal(t.port, 53);
	assert_int_equal(t.proto, IPPROTO_UDP);
	assert_int_equal(cli__parse_target("127.0.0.1:80/tcp", &t), 0);
	assert_int_equal(t.port, 80);
	assert_int_equal(t.proto, IPPROTO_TCP);
	assert_int_equal(t.family, AF_INET);
	assert_memory_equal(t.addr, v4, sizeof(v4));
	assert_int_equal(cli__parse_target("[fe80::1]:65535", &t), 0);
	assert_int_equal(t.port, 65535);
	assert_int_equal(t.proto, 0);
	assert_int_equal(t.family, AF_INET6);
	assert_memory_equal(t.addr, v6, sizeof(v6));
	assert_int_equal(cli__parse_target("[::1]:22/udp", &t), 0);
	assert_int_equal(t.family, AF_INET6);
	assert_int_equal(t.proto, IPPROTO_UDP);
	assert_int_equal(t.addr[15], 1);
	assert_string_equal(t.scope, "");
	/* Issue 24: the forms portsnoop prints are taken back. */
	assert_int_equal(cli__parse_target("[fe80::1]%lo:80", &t), 0);
	assert_int_equal(t.port, 80);
	assert_int_equal(t.family, AF_INET6);
	assert_memory_equal(t.addr, v6, sizeof(v6));
	assert_string_equal(t.scope, "lo");
	assert_int_equal(cli__parse_target("[fe80::1]%eth0:5353/UDP", &t), 0);
	assert_string_equal(t.scope, "eth0");
	assert_int_equal(t.proto, IPPROTO_UDP);
	assert_int_equal(cli__parse_target("80/TCP", &t), 0);
	assert_int_equal(t.port, 80);
	assert_int_equal(t.proto, IPPROTO_TCP);
}

static void test_bad_target(void **state)
{
	static const char *const bad[] = {
		"", "0", "65536", "80/sctp", "80/", "/tcp", "tcp", "-1", "+80", "80 ",
		"::1:80", "[::1]80", "[::1]:", "[::1", "1.2.3:80", "localhost:80",
		"127.0.0.1:", "[127.0.0.1]:80", "127.0.0.1:80/tcp/udp",
	};
	struct ps_target t;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (cli__parse_target(bad[i], &t) == 0)
			fail_msg("'%s' was taken as port %u", bad[i], t.port);
	assert_int_equal(cli__parse_target(NULL, &t), -EINVAL);
	assert_int_equal(cli__parse_target("0", &t), -ERANGE);
	assert_int_equal(cli__parse_target("10.0.0.1:99999", &t), -ERANGE);
	/* Each error names what is wrong. */
	assert_int_equal(cli__parse_target("1.2.3:80", &t), -EINVAL);
	assert_int_equal(cli__parse_target("[fe80::1]%:80", &t), -EINVAL);
	assert_int_equal(cli__parse_target("80/sctp", &t), -EPROTONOSUPPORT);
	/* Longer than any address and port: refused, not cut. */
	assert_int_equal(cli__parse_target("[0000:0000:0000:0000:0000:0000:0000:0000"
					   "%eth0000000000000000000000000000000000]:80", &t),
			 -EINVAL);
}

static void test_who(void **state)
{
	struct run r;

	PARSE(&r, "who", "443/tcp");
	assert_int_equal(r.res, CLI_RUN);
	assert_int_equal(r.o.cmd, CMD_WHO);
	assert_int_equal(r.o.target.port, 443);
	assert_int_equal(r.o.target.proto, IPPROTO_TCP);
	PARSE(&r, "who");
	assert_int_equal(r.res, CLI_USAGE);
	assert_non_null(strstr(r.err, "who needs a port"));
	PARSE(&r, "who", "http");
	assert_int_equal(r.res, CLI_USAGE);
	assert_non_null(strstr(r.err, "invalid port 'http'"));
	PARSE(&r, "who", "1.2.3:80");
	assert_int_equal(r.res, CLI_USAGE);
	assert_non_null(strstr(r.err, "invalid address in '1.2.3:80'"));
	PARSE(&r, "who", "80/sctp");
	assert_non_null(strstr(r.err, "invalid protocol in '80/sctp'"));
}

/* Issue 24: a port list is not refused for its length (80 ports). */
static void test_long_port_list(void **state)
{
	char list[1024] = "";
	uint8_t map[8192] = { 0 };
	struct run r;

	for (int p = 1000; p < 1080; p++)
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%d",
			 p > 1000 ? "," : "", p);
	assert_int_equal(cli__parse_ports(list, map), 0);
	assert_true(map[1079 >> 3] & (1u << (1079 & 7)));
	assert_false(map[1080 >> 3] & (1u << (1080 & 7)));
	PARSE(&r, "-P", list);
	assert_int_equal(r.res, CLI_RUN);
	assert_int_equal(cli__parse_ports("80,,81", map), -EINVAL);
}

/* --help names the six capabilities tracing needs, and exit status 4. */
static void test_help_names_six_capabilities(void **state)
{
	struct run r;
	static const char *const caps[] = { "CAP_BPF", "CAP_PERFMON", "CAP_NET_ADMIN",
					    "CAP_SYS_ADMIN", "CAP_SYS_PTRACE",
					    "CAP_DAC_READ_SEARCH" };

	PARSE(&r, "--help");
	assert_int_equal(r.res, CLI_DONE);
	for (size_t i = 0; i < 6; i++)
		assert_non_null(strstr(r.out, caps[i]));
	assert_non_null(strstr(r.out, "4 who: not found where portsnoop could look"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_all_options),
		cmocka_unit_test(test_probe),
		cmocka_unit_test(test_bad_port),
		cmocka_unit_test(test_bad_pid),
		cmocka_unit_test(test_bad_ringbuf),
		cmocka_unit_test(test_unknown_and_missing),
		cmocka_unit_test(test_help_and_version),
		cmocka_unit_test(test_ringbuf_sizes),
		cmocka_unit_test(test_filters),
		cmocka_unit_test(test_bad_filters),
		cmocka_unit_test(test_user_names),
		cmocka_unit_test(test_no_such_pid),
		cmocka_unit_test(test_options_per_command),
		cmocka_unit_test(test_who_port_option),
		cmocka_unit_test(test_target),
		cmocka_unit_test(test_bad_target),
		cmocka_unit_test(test_who),
		cmocka_unit_test(test_long_port_list),
		cmocka_unit_test(test_help_names_six_capabilities),
	};
	/* A passwd file and a /proc with pids 1 and 4242, made for the tests. */
	char dir[] = "/tmp/test_cli.XXXXXX", path[64];
	FILE *f;
	int rc;

	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof(path), "%s/passwd", dir);
	f = fopen(path, "w");
	if (!f)
		return 1;
	fputs("root:x:0:0:root:/root:/bin/sh\nwww-data:x:33:33::/var/www:/bin/false\n", f);
	fclose(f);
	cli__passwd = strdup(path);
	snprintf(path, sizeof(path), "%s/1", dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/4242", dir);
	mkdir(path, 0755);
	cli__proc = dir;
	rc = cmocka_run_group_tests_name("cli", tests, NULL, NULL);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/1", dir);
	rmdir(path);
	unlink(cli__passwd);
	rmdir(dir);
	return rc;
}
