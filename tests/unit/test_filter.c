// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The filters asked of sockets that exist (state records, ls) and of names. */
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "unit.h"
#include "cli/filter.h"

static const struct diag_sock tcp4 = {
	.family = AF_INET, .proto = IPPROTO_TCP, .state = TCP_LISTEN, .lport = 8080,
	.laddr = { 127, 0, 0, 1 }, .uid = 1000, .inode = 77, .netns = 4026531840u,
};

static const struct ps_owner nginx[] = {
	{ .inode = 77, .pid = 812, .fd = 6, .comm = "nginx" },
	{ .inode = 77, .pid = 813, .fd = 6, .comm = "nginx-worker" },
};

static void port(struct ps_filter *k, uint16_t p)
{
	k->has_ports = 1;
	k->ports[p >> 3] |= (uint8_t)(1u << (p & 7));
}

static void test_no_filter_wants_all(void **state)
{
	static struct ps_filter k;
	struct filter f = { .kernel = &k };

	assert_true(filter__existing(&f));
	assert_true(filter__socket(&f, &tcp4, nginx, 2));
	assert_true(filter__socket(&f, &tcp4, NULL, 0));	/* held by nobody */
	assert_true(filter__comm(&f, "anything"));
}

static void test_socket_fields(void **state)
{
	static struct ps_filter k;
	struct filter f = { .kernel = &k };
	struct diag_sock udp6 = tcp4;

	udp6.family = AF_INET6;
	udp6.proto = IPPROTO_UDP;
	k.has_uid = 1;
	k.uid = 1000;
	assert_true(filter__socket(&f, &tcp4, nginx, 2));
	k.uid = 0;					/* --uid 0 is root, not "any" */
	assert_false(filter__socket(&f, &tcp4, nginx, 2));
	memset(&k, 0, sizeof(k));
	k.netns = 4026531840u;
	assert_true(filter__socket(&f, &tcp4, nginx, 2));
	k.netns = 4026532000u;
	assert_false(filter__socket(&f, &tcp4, nginx, 2));
	memset(&k, 0, sizeof(k));
	port(&k, 443);
	assert_false(filter__socket(&f, &tcp4, nginx, 2));
	port(&k, 8080);
	assert_true(filter__socket(&f, &tcp4, nginx, 2));
	memset(&k, 0, sizeof(k));
	k.protos = PS_PROTO_UDP;
	assert_false(filter__socket(&f, &tcp4, nginx, 2));
	assert_true(filter__socket(&f, &udp6, nginx, 2));
	k.protos = PS_PROTO_MPTCP;
	udp6.proto = IPPROTO_MPTCP;
	assert_true(filter__socket(&f, &udp6, nginx, 2));
	assert_false(filter__socket(&f, &tcp4, nginx, 2));
	memset(&k, 0, sizeof(k));
	k.families = PS_FAMILY_INET6;
	assert_false(filter__socket(&f, &tcp4, nginx, 2));
	assert_true(filter__socket(&f, &udp6, nginx, 2));
	k.families = PS_FAMILY_INET | PS_FAMILY_INET6;
	assert_true(filter__socket(&f, &tcp4, nginx, 2));
}

/* --pid and --comm: one of the holders is enough; nobody holding is no match. */
static void test_socket_holders(void **state)
{
	static struct ps_filter k;
	struct filter f = { .kernel = &k };

	k.tgid = 813;
	assert_true(filter__socket(&f, &tcp4, nginx, 2));
	assert_false(filter__socket(&f, &tcp4, nginx, 1));
	assert_false(filter__socket(&f, &tcp4, NULL, 0));
	k.tgid = 0;
	f.comm = "nginx-worker";
	assert_true(filter__socket(&f, &tcp4, nginx, 2));
	assert_false(filter__socket(&f, &tcp4, nginx, 1));
	f.comm = "nginx-wor";				/* a name, not a prefix */
	assert_false(filter__socket(&f, &tcp4, nginx, 2));
	k.tgid = 812;
	f.comm = "nginx-worker";			/* both, each by some holder */
	assert_true(filter__socket(&f, &tcp4, nginx, 2));
	assert_false(filter__comm(&f, "nginx"));
	assert_true(filter__comm(&f, "nginx-worker"));
}

/* What a socket that exists cannot answer: no state record matches. */
static void test_existing(void **state)
{
	static struct ps_filter k;
	struct filter f = { .kernel = &k };

	k.kinds = 1u << PS_EV_BIND;
	assert_false(filter__existing(&f));
	k.kinds = 0;
	k.failed_only = 1;
	assert_false(filter__existing(&f));
	k.failed_only = 0;
	k.cgroup_id = 7;
	assert_false(filter__existing(&f));
	k.cgroup_id = 0;
	k.tgid = 1;
	assert_true(filter__existing(&f));
	k.children = 1;
	assert_false(filter__existing(&f));
}

UNIT_MAIN("filter", NULL, NULL,
	  cmocka_unit_test(test_no_filter_wants_all),
	  cmocka_unit_test(test_socket_fields),
	  cmocka_unit_test(test_socket_holders),
	  cmocka_unit_test(test_existing))
