// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The sock_diag parser on a recorded dump and on crafted, broken ones. */
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include "unit.h"

#include "sockets/diag.h"

struct seen {
	struct diag_sock v[16];
	int n;
	int stop_after;		/* return 1 from the callback after this many */
};

static int collect(void *ctx, const struct diag_sock *s)
{
	struct seen *seen = ctx;

	if (seen->n < 16)
		seen->v[seen->n++] = *s;
	return seen->stop_after && seen->n == seen->stop_after ? 7 : 0;
}

/* A netlink buffer: messages appended one after another. */
struct buf {
	unsigned char b[4096] __attribute__((aligned(4)));
	size_t len;
};

static void add_sock(struct buf *bf, int family, uint16_t port, const char *addr,
		     uint32_t inode)
{
	struct nlmsghdr *h = (struct nlmsghdr *)(bf->b + bf->len);
	struct inet_diag_msg *m = NLMSG_DATA(h);

	memset(h, 0, NLMSG_SPACE(sizeof(*m)));
	h->nlmsg_len = NLMSG_LENGTH(sizeof(*m));
	h->nlmsg_type = SOCK_DIAG_BY_FAMILY;
	m->idiag_family = (uint8_t)family;
	m->idiag_state = TCP_LISTEN;
	m->id.idiag_sport = htons(port);
	inet_pton(family, addr, m->id.idiag_src);
	m->id.idiag_cookie[0] = 0x1234;
	m->id.idiag_cookie[1] = 1;
	m->idiag_inode = inode;
	m->idiag_uid = 33;
	bf->len += NLMSG_SPACE(sizeof(*m));
}

static void add_type(struct buf *bf, uint16_t type, int error)
{
	struct nlmsghdr *h = (struct nlmsghdr *)(bf->b + bf->len);

	memset(h, 0, NLMSG_SPACE(sizeof(struct nlmsgerr)));
	h->nlmsg_type = type;
	h->nlmsg_len = NLMSG_LENGTH(type == NLMSG_ERROR ? sizeof(struct nlmsgerr) : 4);
	if (type == NLMSG_ERROR)
		((struct nlmsgerr *)NLMSG_DATA(h))->error = error;
	bf->len += NLMSG_ALIGN(h->nlmsg_len);
}

static void test_recorded_dump(void **state)
{
	/* Recorded in a fresh network namespace holding 127.0.0.1:8080 and
	 * 0.0.0.0:2222 (TCP listeners), from the kernel these tests run on. */
	static unsigned char data[4096] __attribute__((aligned(4)));
	FILE *f = fopen("tests/fixtures/diag_tcp4_listen.bin", "rb");
	struct seen seen = { 0 };
	size_t n;
	int ports = 0;

	assert_non_null(f);
	n = fread(data, 1, sizeof(data), f);
	fclose(f);
	assert_int_equal(diag__parse(data, n, IPPROTO_TCP, collect, &seen), 1);
	assert_int_equal(seen.n, 2);
	for (int i = 0; i < seen.n; i++) {
		char a[INET_ADDRSTRLEN];

		assert_int_equal(seen.v[i].family, AF_INET);
		assert_int_equal(seen.v[i].state, TCP_LISTEN);
		assert_int_equal(seen.v[i].proto, IPPROTO_TCP);
		assert_true(seen.v[i].inode != 0);
		assert_true(seen.v[i].cookie != 0);
		inet_ntop(AF_INET, seen.v[i].laddr, a, sizeof(a));
		if (seen.v[i].lport == 8080) {
			assert_string_equal(a, "127.0.0.1");
			ports |= 1;
		} else if (seen.v[i].lport == 2222) {
			assert_string_equal(a, "0.0.0.0");
			ports |= 2;
		}
	}
	assert_int_equal(ports, 3);
}

static void test_crafted(void **state)
{
	struct buf bf = { .len = 0 };
	struct seen seen = { 0 };

	add_sock(&bf, AF_INET6, 443, "2001:db8::7", 99);
	add_sock(&bf, AF_INET, 53, "10.0.0.1", 100);
	assert_int_equal(diag__parse(bf.b, bf.len, IPPROTO_UDP, collect, &seen), 0);
	add_type(&bf, NLMSG_DONE, 0);
	seen.n = 0;
	assert_int_equal(diag__parse(bf.b, bf.len, IPPROTO_UDP, collect, &seen), 1);
	assert_int_equal(seen.n, 2);
	assert_int_equal(seen.v[0].lport, 443);
	assert_int_equal(seen.v[0].inode, 99);
	assert_int_equal(seen.v[0].uid, 33);
	assert_true(seen.v[0].cookie == (0x1234ULL | (1ULL << 32)));
	assert_int_equal(seen.v[0].laddr[15], 7);
	assert_int_equal(seen.v[1].proto, IPPROTO_UDP);
}

static void test_kernel_error(void **state)
{
	struct buf bf = { .len = 0 };
	struct seen seen = { 0 };

	add_type(&bf, NLMSG_ERROR, -ENOENT);
	assert_int_equal(diag__parse(bf.b, bf.len, IPPROTO_TCP, collect, &seen), -ENOENT);
}

static void test_truncated_and_malformed(void **state)
{
	struct buf bf = { .len = 0 };
	struct seen seen = { 0 };
	struct nlmsghdr *h = (struct nlmsghdr *)bf.b;

	add_sock(&bf, AF_INET, 80, "127.0.0.1", 1);
	/* Cut anywhere inside the message: an error, never a read past it. */
	for (size_t cut = 1; cut < bf.len; cut++)
		assert_int_equal(diag__parse(bf.b, cut, IPPROTO_TCP, collect, &seen), -EBADMSG);
	/* A length larger than the buffer, smaller than a header, or too small
	 * for the payload its type promises. */
	h->nlmsg_len = (uint32_t)bf.len + 4;
	assert_int_equal(diag__parse(bf.b, bf.len, IPPROTO_TCP, collect, &seen), -EBADMSG);
	h->nlmsg_len = 8;
	assert_int_equal(diag__parse(bf.b, bf.len, IPPROTO_TCP, collect, &seen), -EBADMSG);
	h->nlmsg_len = NLMSG_LENGTH(8);
	assert_int_equal(diag__parse(bf.b, bf.len, IPPROTO_TCP, collect, &seen), -EBADMSG);
	/* An error message too short to hold its error. */
	bf.len = 0;
	add_type(&bf, NLMSG_ERROR, -EPERM);
	h->nlmsg_len = NLMSG_LENGTH(2);
	assert_int_equal(diag__parse(bf.b, bf.len, IPPROTO_TCP, collect, &seen), -EBADMSG);
	assert_int_equal(seen.n, 0);
}

static void test_other_families_and_stop(void **state)
{
	struct buf bf = { .len = 0 };
	struct seen seen = { .stop_after = 1 };

	add_sock(&bf, AF_INET, 1, "127.0.0.1", 1);
	((struct inet_diag_msg *)NLMSG_DATA((struct nlmsghdr *)bf.b))->idiag_family = AF_UNIX;
	add_sock(&bf, AF_INET, 2, "127.0.0.1", 2);
	add_sock(&bf, AF_INET, 3, "127.0.0.1", 3);
	/* AF_UNIX skipped; the callback's non-zero return stops the parse. */
	assert_int_equal(diag__parse(bf.b, bf.len, IPPROTO_TCP, collect, &seen), 7);
	assert_int_equal(seen.n, 1);
	assert_int_equal(seen.v[0].lport, 2);
}

/* An AF_INET6 socket's IPV6_V6ONLY comes as an attribute after the message;
 * queue lengths in the message itself. */
static void test_v6only_and_queues(void **state)
{
	struct buf bf = { .len = 0 };
	struct seen seen = { 0 };
	struct nlmsghdr *h;
	struct inet_diag_msg *m;
	struct nlattr *a;

	for (int v6only = 0; v6only < 2; v6only++) {
		h = (struct nlmsghdr *)(bf.b + bf.len);
		add_sock(&bf, AF_INET6, 8080, "::", 100 + (uint32_t)v6only);
		m = NLMSG_DATA(h);
		m->idiag_rqueue = 3;
		m->idiag_wqueue = 511;
		/* An attribute we do not read first, then INET_DIAG_SKV6ONLY. */
		a = (struct nlattr *)(bf.b + bf.len);
		a->nla_type = INET_DIAG_SHUTDOWN;
		a->nla_len = NLA_HDRLEN + 1;
		*((uint8_t *)a + NLA_HDRLEN) = 0xff;
		bf.len += NLA_ALIGN(a->nla_len);
		a = (struct nlattr *)(bf.b + bf.len);
		a->nla_type = INET_DIAG_SKV6ONLY;
		a->nla_len = NLA_HDRLEN + 1;
		*((uint8_t *)a + NLA_HDRLEN) = (uint8_t)v6only;
		bf.len += NLA_ALIGN(a->nla_len);
		h->nlmsg_len = (uint32_t)(bf.b + bf.len - (unsigned char *)h);
	}
	add_type(&bf, NLMSG_DONE, 0);
	assert_int_equal(diag__parse(bf.b, bf.len, IPPROTO_TCP, collect, &seen), 1);
	assert_int_equal(seen.n, 2);
	assert_int_equal(seen.v[0].v6only, 0);
	assert_int_equal(seen.v[1].v6only, 1);
	assert_int_equal(seen.v[1].inode, 101);
	assert_int_equal(seen.v[0].rqueue, 3);
	assert_int_equal(seen.v[0].wqueue, 511);
}

static void test_request(void **state)
{
	unsigned char b[128] __attribute__((aligned(4)));
	const struct nlmsghdr *h = (const struct nlmsghdr *)b;
	const struct inet_diag_req_v2 *r = NLMSG_DATA(h);
	size_t len = diag__request(b, sizeof(b), AF_INET6, IPPROTO_TCP, 1u << TCP_LISTEN, 9);

	assert_int_equal(len, NLMSG_LENGTH(sizeof(*r)));
	assert_int_equal(h->nlmsg_len, len);
	assert_int_equal(h->nlmsg_type, SOCK_DIAG_BY_FAMILY);
	assert_int_equal(h->nlmsg_flags, NLM_F_REQUEST | NLM_F_DUMP);
	assert_int_equal(r->sdiag_family, AF_INET6);
	assert_int_equal(r->idiag_states, 1u << TCP_LISTEN);
	/* MPTCP (262) does not fit sdiag_protocol: it rides in an attribute. */
	len = diag__request(b, sizeof(b), AF_INET, 262, 1u << TCP_LISTEN, 10);
	assert_int_equal(len, NLMSG_LENGTH(sizeof(*r)) + NLA_HDRLEN + 4);
	assert_int_equal(diag__request(b, 8, AF_INET, 6, 0, 1), 0);
}

/* Both families in one dump: the first version's request, AF_UNSPEC. */
static void test_request_tcp_any(void **state)
{
	unsigned char b[128] __attribute__((aligned(4)));
	const struct nlmsghdr *h = (const struct nlmsghdr *)b;
	const struct inet_diag_req *r = NLMSG_DATA(h);
	uint32_t states = 1u << TCP_LISTEN | 1u << 13;
	size_t len;

	memset(b, 0xaa, sizeof(b));
	len = diag__request_tcp_any(b, sizeof(b), states, 11);
	assert_int_equal(len, NLMSG_LENGTH(sizeof(*r)));
	assert_int_equal(h->nlmsg_len, len);
	assert_int_equal(h->nlmsg_type, TCPDIAG_GETSOCK);
	assert_int_equal(h->nlmsg_flags, NLM_F_REQUEST | NLM_F_DUMP);
	assert_int_equal(h->nlmsg_seq, 11);
	assert_int_equal(r->idiag_family, AF_UNSPEC);
	assert_int_equal(r->idiag_states, states);
	assert_int_equal(r->id.idiag_sport, 0);	/* every port */
	assert_int_equal(r->idiag_ext, 0);
	assert_int_equal(diag__request_tcp_any(b, 8, states, 1), 0);
}

/* Its replies carry its type: both families read, as under SOCK_DIAG_BY_FAMILY. */
static void test_tcp_any_replies(void **state)
{
	struct buf bf = { .len = 0 };
	struct seen seen = { 0 };

	add_sock(&bf, AF_INET, 8080, "127.0.0.1", 7);
	add_sock(&bf, AF_INET6, 8443, "::1", 8);
	((struct nlmsghdr *)bf.b)->nlmsg_type = TCPDIAG_GETSOCK;
	((struct nlmsghdr *)(bf.b + NLMSG_SPACE(sizeof(struct inet_diag_msg))))->nlmsg_type =
		TCPDIAG_GETSOCK;
	add_type(&bf, NLMSG_DONE, 0);
	assert_int_equal(diag__parse(bf.b, bf.len, IPPROTO_TCP, collect, &seen), 1);
	assert_int_equal(seen.n, 2);
	assert_int_equal(seen.v[0].family, AF_INET);
	assert_int_equal(seen.v[0].lport, 8080);
	assert_int_equal(seen.v[0].inode, 7);
	assert_int_equal(seen.v[1].family, AF_INET6);
	assert_int_equal(seen.v[1].lport, 8443);
	assert_int_equal(seen.v[1].proto, IPPROTO_TCP);
}

UNIT_MAIN("diag", NULL, NULL,
	  cmocka_unit_test(test_request_tcp_any),
	  cmocka_unit_test(test_tcp_any_replies),
	  cmocka_unit_test(test_recorded_dump),
	  cmocka_unit_test(test_crafted),
	  cmocka_unit_test(test_kernel_error),
	  cmocka_unit_test(test_truncated_and_malformed),
	  cmocka_unit_test(test_other_families_and_stop),
	  cmocka_unit_test(test_request),
	  cmocka_unit_test(test_v6only_and_queues))
