// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include "unit.h"
#include "lib/compat.h"
#include "output/names.h"

static void test_errno_names(void **state)
{
	char buf[16];

	assert_string_equal(names__errno(EADDRINUSE, buf, sizeof(buf)), "EADDRINUSE");
	assert_string_equal(names__errno(EACCES, buf, sizeof(buf)), "EACCES");
	assert_string_equal(names__errno(EADDRNOTAVAIL, buf, sizeof(buf)), "EADDRNOTAVAIL");
	assert_string_equal(names__errno(ECONNREFUSED, buf, sizeof(buf)), "ECONNREFUSED");
	assert_string_equal(names__errno(ETIMEDOUT, buf, sizeof(buf)), "ETIMEDOUT");
	assert_string_equal(names__errno(4000, buf, sizeof(buf)), "E4000");
}

static void test_protocols(void **state)
{
	char buf[16];

	assert_string_equal(names__proto(IPPROTO_TCP, buf, sizeof(buf)), "tcp");
	assert_string_equal(names__proto(IPPROTO_UDP, buf, sizeof(buf)), "udp");
	assert_string_equal(names__proto(262, buf, sizeof(buf)), "mptcp");
	assert_string_equal(names__proto(200, buf, sizeof(buf)), "200");
	assert_string_equal(names__family(AF_INET), "ipv4");
	assert_string_equal(names__family(AF_INET6), "ipv6");
	assert_null(names__family(AF_UNIX));
}

static void test_endpoints(void **state)
{
	const uint8_t v4[16] = { 192, 0, 2, 1 };
	const uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	const uint8_t mapped[16] = { [10] = 0xff, [11] = 0xff, 127, 0, 0, 1 };
	char buf[NAMES_ADDR_LEN];

	assert_string_equal(names__endpoint(AF_INET, v4, 80, buf, sizeof(buf)), "192.0.2.1:80");
	assert_string_equal(names__endpoint(AF_INET6, v6, 443, buf, sizeof(buf)),
			    "[2001:db8::1]:443");
	assert_string_equal(names__endpoint(AF_INET6, mapped, 0, buf, sizeof(buf)),
			    "[::ffff:127.0.0.1]:0");
	assert_string_equal(names__addr(AF_UNIX, v4, buf, sizeof(buf)), "?");
}

/* IPv4 is written by hand (not inet_ntop): the same text for every digit
 * count of every octet, and a buffer too short for an address refused. */
static void test_ipv4_every_octet(void **state)
{
	char buf[NAMES_ADDR_LEN], want[INET_ADDRSTRLEN];

	for (unsigned int v = 0; v < 256; v++) {
		const uint8_t a[16] = { (uint8_t)v, (uint8_t)(255 - v), (uint8_t)(v / 3), 10 };

		inet_ntop(AF_INET, a, want, sizeof(want));
		assert_string_equal(names__addr(AF_INET, a, buf, sizeof(buf)), want);
	}
	assert_string_equal(names__addr(AF_INET, (const uint8_t[16]){ 255, 255, 255, 255 },
					buf, 16), "255.255.255.255");
	assert_string_equal(names__addr(AF_INET, (const uint8_t[16]){ 1, 2, 3, 4 }, buf, 7), "?");
}

static void test_kinds(void **state)
{
	assert_string_equal(names__kind(1), "bind");
	assert_string_equal(names__kind(4), "outcome");
	assert_null(names__kind(0));
	assert_null(names__kind(99));
}

static void test_sock_states(void **state)
{
	assert_string_equal(names__sock_state(IPPROTO_TCP, TCP_LISTEN, false), "listening");
	assert_string_equal(names__sock_state(IPPROTO_MPTCP, TCP_ESTABLISHED, true),
			    "established");
	assert_string_equal(names__sock_state(IPPROTO_TCP, TCP_CLOSE, false), "bound");
	assert_string_equal(names__sock_state(IPPROTO_TCP, TCP_CLOSE_WAIT, true), "close-wait");
	assert_string_equal(names__sock_state(IPPROTO_TCP, 12, false), "syn-recv");
	assert_string_equal(names__sock_state(IPPROTO_TCP, 200, false), "unknown");
	assert_string_equal(names__sock_state(IPPROTO_UDP, TCP_ESTABLISHED, true), "connected");
	assert_string_equal(names__sock_state(IPPROTO_UDP, TCP_CLOSE, false), "bound");
}

UNIT_MAIN("names", NULL, NULL,
	  cmocka_unit_test(test_errno_names),
	  cmocka_unit_test(test_protocols),
	  cmocka_unit_test(test_endpoints),
	  cmocka_unit_test(test_ipv4_every_octet),
	  cmocka_unit_test(test_kinds),
	  cmocka_unit_test(test_sock_states))
