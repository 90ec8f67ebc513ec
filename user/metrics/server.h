/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The --metrics endpoint: a small HTTP/1.x server on its own thread that
 * answers GET /metrics and nothing else. It shares only the counters with
 * the event loop (relaxed atomics, no lock): a slow, flooding or hostile
 * client costs the tracing nothing but CPU the thread yields at nice 10. */
#ifndef PS_METRICS_SERVER_H
#define PS_METRICS_SERVER_H

#include <sys/socket.h>

struct metrics;
struct metrics_server;

/* Connections served at once; others wait in the listen backlog. */
#define METRICS_SERVER_CONNS 16
/* A connection has this long to send its request and read the answer. */
#define METRICS_SERVER_DEADLINE_MS 2000

/* "127.0.0.1:9464", "[::1]:9464", ":9464" (every address): 0 or -EINVAL. */
int metrics_server__parse_addr(const char *s, struct sockaddr_storage *ss, socklen_t *len);
/* Bind and listen now (the caller still has its privileges), then serve from
 * a thread: 0 or -errno. */
int metrics_server__start(const char *addr, struct metrics *m, struct metrics_server **out);
void metrics_server__stop(struct metrics_server *s);

#endif
