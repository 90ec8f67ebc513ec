// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* What "holds port P" means: the kernel's bind-conflict rules, case by case. */
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include "unit.h"

#include "sockets/holds.h"

static struct diag_sock sock(int proto, int family, const char *addr, uint16_t port,
			     int state)
{
	struct diag_sock s = { .family = (uint16_t)family, .proto = (uint16_t)proto,
			       .state = (uint8_t)state, .lport = port, .inode = 1 };

	assert_int_equal(inet_pton(family, addr, s.laddr), 1);
	return s;
}

static struct holds_query ask(int proto, int family, const char *addr, uint16_t port)
{
	struct holds_query q = { .port = port, .proto = (uint16_t)proto,
				 .family = (uint16_t)family };

	if (family)
		assert_int_equal(inet_pton(family, addr, q.addr), 1);
	return q;
}

#define TCP IPPROTO_TCP
#define UDP IPPROTO_UDP

static void test_any_state_holds(void **state)
{
	struct holds_query q = ask(0, 0, NULL, 9131);
	struct diag_sock s = sock(TCP, AF_INET, "127.0.0.1", 9131, 13 /* bound */);

	assert_true(holds__match(&q, &s));
	s.state = TCP_ESTABLISHED;	/* a client's local port */
	s.rport = 2222;
	assert_true(holds__match(&q, &s));
	assert_string_equal(holds__state_name(&s), "established");
	s.state = TCP_TIME_WAIT;	/* no process holds it */
	assert_false(holds__match(&q, &s));
	s = sock(TCP, AF_INET, "127.0.0.1", 9132, TCP_LISTEN);
	assert_false(holds__match(&q, &s));
	assert_string_equal(holds__state_name(&s), "listening");
}

static void test_transport(void **state)
{
	struct holds_query q = ask(TCP, 0, NULL, 53);
	struct diag_sock u = sock(UDP, AF_INET, "0.0.0.0", 53, TCP_CLOSE);
	struct diag_sock m = sock(IPPROTO_MPTCP, AF_INET, "0.0.0.0", 53, TCP_LISTEN);

	assert_false(holds__match(&q, &u));
	assert_true(holds__match(&q, &m));	/* MPTCP binds through TCP's tables */
	q.proto = UDP;
	assert_true(holds__match(&q, &u));
	assert_false(holds__match(&q, &m));
	assert_string_equal(holds__state_name(&u), "bound");
}

static void test_v4_mapped(void **state)
{
	struct holds_query q = ask(TCP, AF_INET, "127.0.0.1", 9141);
	struct diag_sock s = sock(TCP, AF_INET6, "::ffff:127.0.0.1", 9141, TCP_LISTEN);

	assert_true(holds__match(&q, &s));
	q = ask(TCP, AF_INET, "127.0.0.2", 9141);
	assert_false(holds__match(&q, &s));
	q = ask(TCP, AF_INET6, "::1", 9141);
	assert_false(holds__match(&q, &s));
}

static void test_wildcards(void **state)
{
	struct holds_query q = ask(TCP, AF_INET, "0.0.0.0", 9110);
	struct diag_sock s = sock(TCP, AF_INET, "127.0.0.1", 9110, TCP_LISTEN);

	assert_true(holds__match(&q, &s));	/* bind 0.0.0.0 fails: 127.0.0.1 is taken */
	q = ask(TCP, AF_INET, "10.0.0.1", 9110);
	assert_false(holds__match(&q, &s));
	s = sock(TCP, AF_INET, "0.0.0.0", 9110, TCP_LISTEN);
	assert_true(holds__match(&q, &s));	/* the wildcard holds every address */
	q = ask(TCP, AF_INET6, "::1", 9110);
	assert_false(holds__match(&q, &s));	/* ...of its family */
	q = ask(TCP, AF_INET6, "::", 9110);
	assert_true(holds__match(&q, &s));	/* a dual-stack [::] meets IPv4 */
}

static void test_dual_stack_and_v6only(void **state)
{
	struct holds_query q = ask(TCP, AF_INET, "127.0.0.1", 8080);
	struct diag_sock s = sock(TCP, AF_INET6, "::", 8080, TCP_LISTEN);

	assert_true(holds__match(&q, &s));
	s.v6only = 1;
	assert_false(holds__match(&q, &s));
	q = ask(TCP, AF_INET6, "fe80::1", 8080);
	assert_true(holds__match(&q, &s));
	s = sock(TCP, AF_INET6, "::1", 8080, TCP_LISTEN);
	q = ask(TCP, AF_INET, "0.0.0.0", 8080);
	assert_false(holds__match(&q, &s));
}

UNIT_MAIN("holds", NULL, NULL,
	  cmocka_unit_test(test_any_state_holds),
	  cmocka_unit_test(test_transport),
	  cmocka_unit_test(test_v4_mapped),
	  cmocka_unit_test(test_wildcards),
	  cmocka_unit_test(test_dual_stack_and_v6only))
