// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Why a server of our own rather than libmicrohttpd: Debian's static
 * libmicrohttpd pulls in GnuTLS and its dependencies, which the static
 * binary would have to carry for one plain-text GET; and what this endpoint
 * must do is small: read one bounded request, answer it, close. So: one
 * thread, poll(), non-blocking sockets, a fixed number of connections, a
 * deadline for each, a request of at most HTTPREQ_MAX bytes read by a parser
 * that is fuzzed, and Connection: close on every answer.
 */
#include "metrics/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "metrics/httpreq.h"
#include "metrics/metrics.h"
#include "output/sbuf.h"
#include "proc/caps.h"
#include "lib/port.h"

#define SERVER_NICE 10
/* What the thread keeps: the gauges enter every network namespace (setns:
 * CAP_SYS_ADMIN) through other users' /proc/PID/ns/net (CAP_SYS_PTRACE,
 * CAP_DAC_READ_SEARCH) and dump its sockets. Capabilities are a thread's
 * own: the main thread's later caps__limit() does not reach this one, which
 * reads from the network. */
#define SERVER_CAPS                                                        \
	((1ull << CAPS_SYS_ADMIN) | (1ull << CAPS_SYS_PTRACE) |            \
	 (1ull << CAPS_DAC_READ_SEARCH) | (1ull << CAPS_NET_ADMIN))

struct conn {
	int fd;			/* -1: free */
	uint64_t deadline_ms;
	size_t in_len;
	char in[HTTPREQ_MAX];
	struct sbuf out;	/* the answer; sent from out_off on */
	size_t out_off;
	bool draining;		/* answered: read and drop what the client still sends */
};

struct metrics_server {
	int fd;
	int stop_pipe[2];
	struct metrics *m;
	pthread_t thread;
	bool started;
	sem_t ready;		/* posted once the thread has dropped the rest */
	int caps_err;		/* 0, or why it could not: it serves nothing */
	struct conn conns[METRICS_SERVER_CONNS];
};

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int parse_port(const char *s, in_port_t *port)
{
	uint16_t v;

	if (port__parse(s, &v))
		return -EINVAL;
	*port = htons(v);
	return 0;
}

int metrics_server__parse_addr(const char *s, struct sockaddr_storage *ss, socklen_t *len)
{
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
	const char *colon = strrchr(s, ':');
	char host[INET6_ADDRSTRLEN + 2];
	size_t hlen;

	memset(ss, 0, sizeof(*ss));
	if (!colon || (hlen = (size_t)(colon - s)) >= sizeof(host))
		return -EINVAL;
	memcpy(host, s, hlen);
	host[hlen] = '\0';
	if (hlen >= 2 && host[0] == '[' && host[hlen - 1] == ']') {
		host[hlen - 1] = '\0';
		a6->sin6_family = AF_INET6;
		*len = sizeof(*a6);
		return inet_pton(AF_INET6, host + 1, &a6->sin6_addr) == 1
		       ? parse_port(colon + 1, &a6->sin6_port) : -EINVAL;
	}
	a4->sin_family = AF_INET;
	*len = sizeof(*a4);
	if (!hlen) {
		a4->sin_addr.s_addr = htonl(INADDR_ANY);
		return parse_port(colon + 1, &a4->sin_port);
	}
	return inet_pton(AF_INET, host, &a4->sin_addr) == 1 ? parse_port(colon + 1, &a4->sin_port)
							    : -EINVAL;
}

static void conn_close(struct conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->in_len = 0;
	c->out_off = 0;
	c->draining = false;
	sbuf__reset(&c->out);
}

static void answer(struct metrics_server *s, struct conn *c, enum httpreq_verdict v,
		   const struct httpreq *r)
{
	struct sbuf body = { 0 };
	const char *type = "text/plain; charset=utf-8";

	if (v == HTTPREQ_METRICS) {
		metrics__render(s->m, &body, r->openmetrics);
		if (r->openmetrics)
			type = "application/openmetrics-text; version=1.0.0; charset=utf-8";
		else
			type = "text/plain; version=0.0.4; charset=utf-8";
	} else {
		sbuf__printf(&body, "%s\n", httpreq__status(v));
	}
	sbuf__printf(&c->out, "HTTP/1.1 %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
		     "Connection: close\r\n%s\r\n", httpreq__status(v), type, body.len,
		     v == HTTPREQ_BAD_METHOD ? "Allow: GET\r\n" : "");
	sbuf__put(&c->out, body.p ? body.p : "", body.len);
	sbuf__free(&body);
	if (c->out.oom)
		conn_close(c);
}

/* Closing with unread input would reset the connection, and the client
 * could lose the answer (a 431 to a request still being sent): after the
 * answer, read and drop until the client closes or the deadline. */
static void drain(struct conn *c)
{
	char sink[4096];
	ssize_t n = read(c->fd, sink, sizeof(sink));

	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
		conn_close(c);
}

static void readable(struct metrics_server *s, struct conn *c)
{
	struct httpreq r;
	enum httpreq_verdict v;
	ssize_t n;

	if (c->draining) {
		drain(c);
		return;
	}
	n = read(c->fd, c->in + c->in_len, sizeof(c->in) - c->in_len);
	if (n <= 0) {
		if (n == 0 || (errno != EAGAIN && errno != EINTR))
			conn_close(c);
		return;
	}
	c->in_len += (size_t)n;
	v = httpreq__parse(c->in, c->in_len, &r);
	if (v != HTTPREQ_MORE)
		answer(s, c, v, &r);
}

static void writable(struct conn *c)
{
	/* MSG_NOSIGNAL: a client gone mid-answer is EPIPE here, not a signal. */
	ssize_t n = send(c->fd, c->out.p + c->out_off, c->out.len - c->out_off, MSG_NOSIGNAL);

	if (n < 0) {
		if (errno != EAGAIN && errno != EINTR)
			conn_close(c);
		return;
	}
	c->out_off += (size_t)n;
	if (c->out_off < c->out.len)
		return;
	shutdown(c->fd, SHUT_WR);
	sbuf__reset(&c->out);
	c->out_off = 0;
	c->draining = true;
}

static struct conn *free_conn(struct metrics_server *s)
{
	for (int i = 0; i < METRICS_SERVER_CONNS; i++)
		if (s->conns[i].fd < 0)
			return &s->conns[i];
	return NULL;
}

static void accept_one(struct metrics_server *s)
{
	struct conn *c = free_conn(s);
	int fd;

	if (!c)
		return;
	fd = accept4(s->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return;
	c->fd = fd;
	c->deadline_ms = mono_ms() + METRICS_SERVER_DEADLINE_MS;
}

/* Fill pfds: [0] the stop pipe, [1] the listener (while a slot is free),
 * then one per connection; map[i] is its connection. */
static nfds_t fill(struct metrics_server *s, struct pollfd *pfds, struct conn **map)
{
	nfds_t n = 0;

	pfds[n++] = (struct pollfd){ .fd = s->stop_pipe[0], .events = POLLIN };
	pfds[n++] = (struct pollfd){ .fd = free_conn(s) ? s->fd : -1, .events = POLLIN };
	for (int i = 0; i < METRICS_SERVER_CONNS; i++) {
		struct conn *c = &s->conns[i];

		if (c->fd < 0)
			continue;
		map[n] = c;
		pfds[n++] = (struct pollfd){ .fd = c->fd,
					     .events = c->out.len ? POLLOUT : POLLIN };
	}
	return n;
}

static void expire(struct metrics_server *s)
{
	uint64_t now = mono_ms();

	for (int i = 0; i < METRICS_SERVER_CONNS; i++)
		if (s->conns[i].fd >= 0 && now >= s->conns[i].deadline_ms)
			conn_close(&s->conns[i]);
}

static void *serve(void *arg)
{
	struct metrics_server *s = arg;
	struct pollfd pfds[METRICS_SERVER_CONNS + 2];
	struct conn *map[METRICS_SERVER_CONNS + 2];

	s->caps_err = caps__limit(SERVER_CAPS);
	sem_post(&s->ready);
	if (s->caps_err)
		return NULL;
	/* Below the event loop: under load the scrape waits, not the trace. */
	if (setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), SERVER_NICE)) {
		/* best effort */
	}
	for (;;) {
		nfds_t n = fill(s, pfds, map);
		int rc = poll(pfds, n, 250);

		if (rc < 0 && errno != EINTR)
			break;
		if (pfds[0].revents)
			break;
		for (nfds_t i = 2; rc > 0 && i < n; i++) {
			if (!pfds[i].revents)
				continue;
			if (pfds[i].revents & POLLOUT)
				writable(map[i]);
			else if (pfds[i].revents & (POLLIN | POLLHUP | POLLERR))
				readable(s, map[i]);
		}
		if (rc > 0 && (pfds[1].revents & POLLIN))
			accept_one(s);
		expire(s);
	}
	return NULL;
}

static int listen_on(const char *addr)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int one = 1, fd, err;

	if (metrics_server__parse_addr(addr, &ss, &len))
		return -EINVAL;
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, len) || listen(fd, 64)) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

int metrics_server__start(const char *addr, struct metrics *m, struct metrics_server **out)
{
	struct metrics_server *s = calloc(1, sizeof(*s));
	sigset_t all, old;
	int err;

	if (!s)
		return -ENOMEM;
	s->m = m;
	s->stop_pipe[0] = s->stop_pipe[1] = -1;
	for (int i = 0; i < METRICS_SERVER_CONNS; i++)
		s->conns[i].fd = -1;
	s->fd = listen_on(addr);
	err = s->fd < 0 ? s->fd : pipe2(s->stop_pipe, O_CLOEXEC) ? -errno : 0;
	if (!err && sem_init(&s->ready, 0, 0))
		err = -errno;
	if (!err) {
		/* Signals stay with the main thread, whose loop they wake. */
		sigfillset(&all);
		pthread_sigmask(SIG_SETMASK, &all, &old);
		err = -pthread_create(&s->thread, NULL, serve, s);
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		s->started = !err;
		while (!err && sem_wait(&s->ready) && errno == EINTR)
			;
		if (!err)
			err = s->caps_err;
	}
	if (err) {
		metrics_server__stop(s);
		return err;
	}
	*out = s;
	return 0;
}

void metrics_server__stop(struct metrics_server *s)
{
	if (!s)
		return;
	if (s->started) {
		if (write(s->stop_pipe[1], "", 1) < 0) {
			/* cannot happen on an empty pipe */
		}
		pthread_join(s->thread, NULL);
		sem_destroy(&s->ready);
	}
	for (int i = 0; i < METRICS_SERVER_CONNS; i++) {
		conn_close(&s->conns[i]);
		sbuf__free(&s->conns[i].out);
	}
	if (s->fd >= 0)
		close(s->fd);
	if (s->stop_pipe[0] >= 0)
		close(s->stop_pipe[0]);
	if (s->stop_pipe[1] >= 0)
		close(s->stop_pipe[1]);
	free(s);
}
