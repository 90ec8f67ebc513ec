// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Baselines (--expect, check): both forms, what matches, what is refused. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include "unit.h"

#include "expect/baseline.h"
#include "expect/listener.h"

static char err[512];

static struct baseline *parse(const char *text)
{
	struct baseline *b = NULL;

	err[0] = '\0';
	if (baseline__parse("base", text, strlen(text), &b, err, sizeof(err)))
		return NULL;
	return b;
}

static bool match(const struct baseline *b, const char *exe, const char *comm, uint16_t proto,
		  uint16_t port, enum expect_scope scope)
{
	struct expect_key k = { .exe = exe, .comm = comm, .proto = proto, .port = port,
				.scope = scope };

	return baseline__match(b, &k, NULL);
}

/* Two lines as `portsnoop ls --json` prints them. */
static const char ls_json[] =
	"{\"@timestamp\":\"2026-12-07T06:39:40.549876168Z\",\"process\":{\"pid\":812,"
	"\"name\":\"sshd\",\"executable\":\"/usr/sbin/sshd\"},\"event\":{\"kind\":\"state\","
	"\"action\":\"listening\"},\"network\":{\"transport\":\"tcp\",\"type\":\"ipv4\"},"
	"\"server\":{\"ip\":\"0.0.0.0\",\"port\":22},\"user\":{\"id\":0,\"name\":\"root\"},"
	"\"portsnoop\":{\"backlog\":128,\"netns\":4026531833,\"owners\":[{\"pid\":812,"
	"\"name\":\"sshd\",\"fd\":3,\"fds\":[3],\"uid\":0}]}}\n"
	"{\"process\":{\"pid\":90,\"name\":\"resolved\"},\"event\":{\"kind\":\"state\","
	"\"action\":\"bound\"},\"network\":{\"transport\":\"udp\",\"type\":\"ipv4\"},"
	"\"server\":{\"ip\":\"127.0.0.53\",\"port\":53}}\n"
	"{\"event\":{\"kind\":\"state\",\"action\":\"bound\"},\"network\":{\"transport\":\"tcp\"},"
	"\"server\":{\"ip\":\"0.0.0.0\",\"port\":5000}}\n";

static void test_ls_json_is_a_baseline(void **state)
{
	struct baseline *b = parse(ls_json);

	assert_non_null(b);
	assert_int_equal(baseline__count(b), 2);	/* a bound TCP socket is no listener */
	/* Another pid, the same executable: expected; by name alone: not. */
	assert_true(match(b, "/usr/sbin/sshd", "sshd", IPPROTO_TCP, 22, SCOPE_ANY));
	assert_true(match(b, "/usr/sbin/sshd", "sshd", IPPROTO_TCP, 22, SCOPE_LOOPBACK));
	assert_false(match(b, "/tmp/sshd", "sshd", IPPROTO_TCP, 22, SCOPE_ANY));
	assert_false(match(b, NULL, "sshd", IPPROTO_TCP, 22, SCOPE_ANY));
	assert_false(match(b, "/usr/sbin/sshd", "sshd", IPPROTO_UDP, 22, SCOPE_ANY));
	assert_false(match(b, "/usr/sbin/sshd", "sshd", IPPROTO_TCP, 2222, SCOPE_ANY));
	/* No executable in the record: its process name is what is matched. */
	assert_true(match(b, "/lib/systemd/x", "resolved", IPPROTO_UDP, 53, SCOPE_LOOPBACK));
	assert_false(match(b, NULL, "dnsmasq", IPPROTO_UDP, 53, SCOPE_LOOPBACK));
	/* Widening: 127.0.0.53 -> 0.0.0.0 or a host address. */
	assert_false(match(b, NULL, "resolved", IPPROTO_UDP, 53, SCOPE_ANY));
	assert_false(match(b, NULL, "resolved", IPPROTO_UDP, 53, SCOPE_HOST));
	baseline__free(b);
}

static void test_hand_form(void **state)
{
	struct baseline *b = parse("# hand-written\n\n"
				   "tcp any:22 exe=/usr/sbin/sshd\n"
				   "udp   [::1]:53\tunit=systemd-resolved.service\r\n"
				   "tcp 10.0.0.5:443 image=nginx:1.27\n"
				   "mptcp host:8080 *\n");
	struct expect_key k = { .proto = IPPROTO_UDP, .port = 53, .scope = SCOPE_LOOPBACK,
				.unit = "systemd-resolved.service" };

	assert_non_null(b);
	assert_int_equal(baseline__count(b), 4);
	assert_true(baseline__match(b, &k, NULL));
	k.unit = "other.service";
	assert_false(baseline__match(b, &k, NULL));
	k = (struct expect_key){ .proto = IPPROTO_TCP, .port = 443, .scope = SCOPE_HOST,
				 .image = "nginx:1.27", .exe = "/usr/sbin/nginx" };
	assert_true(baseline__match(b, &k, NULL));
	k.image = "nginx:latest";
	assert_false(baseline__match(b, &k, NULL));
	k = (struct expect_key){ .proto = 262, .port = 8080, .scope = SCOPE_LOOPBACK };
	assert_true(baseline__match(b, &k, NULL));
	k.scope = SCOPE_ANY;
	assert_false(baseline__match(b, &k, NULL));
	baseline__free(b);
}

static void test_matched_flags_for_check(void **state)
{
	struct baseline *b = parse("tcp any:22 comm=sshd\ntcp loopback:22 comm=sshd\n"
				   "tcp any:80 comm=nginx\n");
	bool matched[3] = { false };
	struct expect_key k = { .proto = IPPROTO_TCP, .port = 22, .scope = SCOPE_LOOPBACK,
				.comm = "sshd" };

	assert_non_null(b);
	assert_true(baseline__match(b, &k, matched));
	assert_true(matched[0] && matched[1]);
	assert_false(matched[2]);
	baseline__free(b);
}

static void refused(const char *text, const char *why)
{
	struct baseline *b = parse(text);

	assert_null(b);
	if (!strstr(err, why))
		fail_msg("'%s' does not say '%s'", err, why);
	assert_null(strchr(err, '\n'));
}

static void test_hostile_baselines(void **state)
{
	char *big;

	refused("", "base: no listeners in it");
	refused("# nothing\n", "no listeners");
	refused("{\"event\":{\"kind\":\"state\"}}\n", "base:1: a state record without");
	refused("tcp any:22 comm=a\n{\"event\":{\"kind\":\"state\"},\"server\":{\"port\":\"22\"}}",
		"base:2: server.port is not a port number");
	refused("{\"event\":{\"kind\":\"state\"},\"server\":{\"port\":70000}}", "not from 1 to 65535");
	refused("{\"event\":{\"kind\":\"state\"},\"network\":{\"transport\":7}}",
		"network.transport is not a string");
	refused("{\"event\":{\"kind\":\"state\"},\"network\":{\"transport\":\"sctp\"},"
		"\"server\":{\"ip\":\"1.2.3.4\",\"port\":1}}", "'sctp' is not tcp, udp or mptcp");
	refused("{\"event\":{\"kind\":\"state\",\"action\":\"listening\"},\"network\":"
		"{\"transport\":\"tcp\"},\"server\":{\"ip\":\"nope\",\"port\":1}}",
		"server.ip 'nope' is not an address");
	refused("{\"process\":{\"executable\":[\"/bin/sh\"]}}", "process.executable is not a string");
	refused("{\"a\":1,}", "not JSON:");
	refused("{\"a\":\"\\ud800\"}", "lone surrogate");
	refused("{\"a\":1} x", "more after the object");
	refused("{\"a\":01}", "not JSON: expected ',' or '}' in an object");
	refused("{\"a\":\"\x01\"}", "not JSON: a control character in a string");
	refused("{\"a\":" "[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]" "}", "nested more than 16");
	refused("tcp any:22\n", "say who listens");
	refused("tcp any:0 *\n", "port from 1 to 65535");
	refused("tcp any:65536 *\n", "port from 1 to 65535");
	refused("tcp nowhere:22 *\n", "expected loopback, host, any or an address");
	refused("sctp any:22 *\n", "expected tcp, udp or mptcp");
	refused("tcp any:22 pid=12\n", "expected exe=PATH");
	big = malloc(BASELINE_MAX_LINE + 10);
	memset(big, ' ', BASELINE_MAX_LINE + 9);
	big[BASELINE_MAX_LINE + 9] = '\0';
	refused(big, "a line longer than 65536 bytes");
	free(big);
}

static void test_a_nul_byte_is_refused(void **state)
{
	static const char text[] = "tcp any:22 exe=/bin/a\0b\n";
	struct baseline *b = NULL;

	assert_int_equal(baseline__parse("base", text, sizeof(text) - 1, &b, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "base:1: a NUL byte: not a text file");
}

static void test_scope_of_addresses(void **state)
{
	uint8_t a[16] = { 0 };

	assert_int_equal(baseline__scope(AF_INET, a), SCOPE_ANY);
	assert_int_equal(baseline__scope(AF_INET6, a), SCOPE_ANY);
	inet_pton(AF_INET, "127.0.0.53", a);
	assert_int_equal(baseline__scope(AF_INET, a), SCOPE_LOOPBACK);
	inet_pton(AF_INET, "10.1.2.3", a);
	assert_int_equal(baseline__scope(AF_INET, a), SCOPE_HOST);
	inet_pton(AF_INET6, "::1", a);
	assert_int_equal(baseline__scope(AF_INET6, a), SCOPE_LOOPBACK);
	inet_pton(AF_INET6, "::ffff:127.0.0.1", a);
	assert_int_equal(baseline__scope(AF_INET6, a), SCOPE_LOOPBACK);
	inet_pton(AF_INET6, "fe80::1", a);
	assert_int_equal(baseline__scope(AF_INET6, a), SCOPE_HOST);
}

static void test_events_checked(void **state)
{
	struct baseline *b = parse("tcp loopback:8080 exe=/usr/bin/app\nudp any:5353 comm=avahi\n");
	char exe[] = "/usr/bin/app";
	struct proc_info pi = { .exe = exe };
	struct ps_event ev = { .kind = PS_EV_LISTEN, .proto = IPPROTO_TCP, .family = AF_INET,
			       .lport = 8080, .comm = "app" };

	assert_non_null(b);
	inet_pton(AF_INET, "127.0.0.1", ev.laddr);
	assert_int_equal(listener__check_event(b, &ev, &pi, NULL), 1);
	assert_int_equal(listener__check_event(b, &ev, NULL, NULL), -1);	/* exe unknown */
	assert_int_equal(listener__check_event(NULL, &ev, &pi, NULL), 0);
	memset(ev.laddr, 0, sizeof(ev.laddr));				/* widened */
	assert_int_equal(listener__check_event(b, &ev, &pi, NULL), -1);
	ev.kind = PS_EV_BIND;		/* a TCP bind is no listener yet */
	assert_int_equal(listener__check_event(b, &ev, &pi, NULL), 0);
	ev.kind = PS_EV_LISTEN;
	ev.err = EADDRINUSE;		/* a failed call is none */
	assert_int_equal(listener__check_event(b, &ev, &pi, NULL), 0);
	ev = (struct ps_event){ .kind = PS_EV_BIND, .proto = IPPROTO_UDP, .family = AF_INET6,
				.lport = 5353, .comm = "avahi" };
	assert_int_equal(listener__check_event(b, &ev, NULL, NULL), 1);
	ev.kind = PS_EV_CONNECT;
	assert_int_equal(listener__check_event(b, &ev, NULL, NULL), 0);
	baseline__free(b);
}

/* A container's listener is expected by its image, whatever its id and
 * pid after a restart: the names enrich/ found for it say the image. */
static void test_events_checked_by_image(void **state)
{
	struct baseline *b = parse("tcp any:80 image=nginx:1.27\n");
	struct proc_info pi = { .container = { .runtime = "podman",
					       .id = "0123456789abcdef0123456789abcdef"
						     "0123456789abcdef0123456789abcdef" } };
	struct ctr_names nginx = { .name = "web", .image = "nginx:1.27" };
	struct ctr_names other = { .name = "web", .image = "nginx:1.28" };
	struct ps_event ev = { .kind = PS_EV_LISTEN, .proto = IPPROTO_TCP, .family = AF_INET,
			       .lport = 80, .comm = "nginx" };

	assert_non_null(b);
	assert_int_equal(listener__check_event(b, &ev, &pi, &nginx), 1);
	assert_int_equal(listener__check_event(b, &ev, &pi, &other), -1);	/* another image */
	assert_int_equal(listener__check_event(b, &ev, &pi, NULL), -1);	/* no name known */
	ev.lport = 81;
	assert_int_equal(listener__check_event(b, &ev, &pi, &nginx), -1);	/* another port */
	baseline__free(b);
}

static void test_unit_that_survives_restart(void **state)
{
	struct container c = { 0 };

	strcpy(c.unit, "nginx.service");
	assert_string_equal(listener__unit(&c), "nginx.service");
	strcpy(c.unit, "session-3.scope");
	assert_null(listener__unit(&c));
	strcpy(c.unit, "docker-0123.service");
	strcpy(c.id, "0123");
	assert_null(listener__unit(&c));
}

UNIT_MAIN("baseline", NULL, NULL,
	  cmocka_unit_test(test_ls_json_is_a_baseline),
	  cmocka_unit_test(test_hand_form),
	  cmocka_unit_test(test_matched_flags_for_check),
	  cmocka_unit_test(test_hostile_baselines),
	  cmocka_unit_test(test_a_nul_byte_is_refused),
	  cmocka_unit_test(test_scope_of_addresses),
	  cmocka_unit_test(test_events_checked),
	  cmocka_unit_test(test_events_checked_by_image),
	  cmocka_unit_test(test_unit_that_survives_restart))
