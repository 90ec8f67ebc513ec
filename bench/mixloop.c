// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * mixloop SECONDS: for SECONDS, as fast as it goes, the calls portsnoop
 * reports, each iteration making exactly EVENTS_PER_ITER events:
 *   TCP: bind(127.0.0.1:0), listen(), connect() to it from a second socket
 *        (attempt + outcome), close both (the listener's close);
 *   UDP: bind(127.0.0.1:0), close().
 * Prints one JSON line: pid, iterations, events (generated), failures.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define EVENTS_PER_ITER 7	/* bind listen connect outcome close + bind close */

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One TCP round; 0 when every call did what it should. */
static int tcp_round(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);
	int srv, cli, bad = 0;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	srv = socket(AF_INET, SOCK_STREAM, 0);
	cli = socket(AF_INET, SOCK_STREAM, 0);
	if (srv < 0 || cli < 0)
		bad = 1;
	else if (bind(srv, (struct sockaddr *)&sin, sizeof(sin)) || listen(srv, 4) ||
		 getsockname(srv, (struct sockaddr *)&sin, &len) ||
		 connect(cli, (struct sockaddr *)&sin, sizeof(sin)))
		bad = 1;
	if (cli >= 0)
		close(cli);
	if (srv >= 0)
		close(srv);
	return bad;
}

static int udp_round(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	int fd = socket(AF_INET, SOCK_DGRAM, 0), bad;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0)
		return 1;
	bad = bind(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0;
	close(fd);
	return bad;
}

int main(int argc, char **argv)
{
	double seconds = argc > 1 ? atof(argv[1]) : 10, end = now_s() + seconds;
	long n = 0, failures = 0;

	while (failures == 0) {
		/* Check the clock every 64 rounds: it is not free either. */
		if ((n & 63) == 0 && now_s() >= end)
			break;
		failures += tcp_round() + udp_round();
		n++;
	}
	printf("{\"pid\":%d,\"iterations\":%ld,\"events\":%ld,\"failures\":%ld}\n", getpid(), n,
	       n * EVENTS_PER_ITER, failures);
	return failures ? 1 : 0;
}
