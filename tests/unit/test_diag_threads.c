// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * diag__dump from two threads at once, as the metrics server's thread (its
 * gauges) and the event loop (a failed bind's holders) call it: each reads
 * its own answer, never the other's. One thread dumps IPv4 listeners, the
 * other IPv6 ones; a shared buffer would hand one the other's records.
 */
#include "unit.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/netlink.h>

#include "sockets/diag.h"

#define LISTENERS 48
#define ROUNDS 800
#define TCP_LISTEN 10

struct run {
	int family;
	int fds[LISTENERS];
	uint16_t ports[LISTENERS];
	unsigned int bad_rounds, wrong_family;
	size_t seen;
};

static int on_sock(void *ctx, const struct diag_sock *s)
{
	struct run *r = ctx;

	if (s->family != r->family) {
		r->wrong_family++;
		return 0;
	}
	for (size_t i = 0; i < LISTENERS; i++)
		if (s->lport == r->ports[i])
			r->seen++;
	return 0;
}

static void *dump_rounds(void *arg)
{
	struct run *r = arg;
	int nl = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);

	if (nl < 0) {
		r->bad_rounds = ROUNDS;
		return NULL;
	}
	for (int k = 0; k < ROUNDS; k++) {
		r->seen = 0;
		if (diag__dump(nl, r->family, IPPROTO_TCP, 1u << TCP_LISTEN, on_sock, r) ||
		    r->seen != LISTENERS)
			r->bad_rounds++;
	}
	close(nl);
	return NULL;
}

static void listen_on(struct run *r)
{
	for (size_t i = 0; i < LISTENERS; i++) {
		struct sockaddr_storage ss = { 0 };
		socklen_t len = r->family == AF_INET ? sizeof(struct sockaddr_in)
						     : sizeof(struct sockaddr_in6);

		ss.ss_family = (sa_family_t)r->family;
		if (r->family == AF_INET)
			((struct sockaddr_in *)&ss)->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		else
			((struct sockaddr_in6 *)&ss)->sin6_addr = in6addr_loopback;
		r->fds[i] = socket(r->family, SOCK_STREAM | SOCK_CLOEXEC, 0);
		assert_true(r->fds[i] >= 0);
		assert_int_equal(bind(r->fds[i], (struct sockaddr *)&ss, len), 0);
		assert_int_equal(listen(r->fds[i], 1), 0);
		assert_int_equal(getsockname(r->fds[i], (struct sockaddr *)&ss, &len), 0);
		r->ports[i] = ntohs(r->family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
					 : ((struct sockaddr_in6 *)&ss)->sin6_port);
	}
}

static void test_two_threads_own_answers(void **state)
{
	static struct run v4 = { .family = AF_INET }, v6 = { .family = AF_INET6 };
	pthread_t t4, t6;

	listen_on(&v4);
	listen_on(&v6);
	assert_int_equal(pthread_create(&t4, NULL, dump_rounds, &v4), 0);
	assert_int_equal(pthread_create(&t6, NULL, dump_rounds, &v6), 0);
	pthread_join(t4, NULL);
	pthread_join(t6, NULL);
	for (size_t i = 0; i < LISTENERS; i++) {
		close(v4.fds[i]);
		close(v6.fds[i]);
	}
	assert_int_equal(v4.wrong_family, 0);
	assert_int_equal(v6.wrong_family, 0);
	assert_int_equal(v4.bad_rounds, 0);
	assert_int_equal(v6.bad_rounds, 0);
}

UNIT_MAIN("diag_threads", NULL, NULL, cmocka_unit_test(test_two_threads_own_answers))
