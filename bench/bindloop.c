// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * bindloop N [tcp|udp]: N times socket(), bind(127.0.0.1:0), close().
 * Prints one JSON line: pid, iterations, elapsed ns, failures.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 100000;
	int type = argc > 2 && !strcmp(argv[2], "tcp") ? SOCK_STREAM : SOCK_DGRAM;
	struct sockaddr_in sin = { .sin_family = AF_INET };
	long failures = 0;
	long long t0, t1;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	t0 = now_ns();
	for (long i = 0; i < n; i++) {
		int fd = socket(AF_INET, type, 0);

		if (fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof(sin)))
			failures++;
		if (fd >= 0)
			close(fd);
	}
	t1 = now_ns();
	printf("{\"pid\":%d,\"iterations\":%ld,\"elapsed_ns\":%lld,\"failures\":%ld}\n",
	       getpid(), n, t1 - t0, failures);
	return failures ? 1 : 0;
}
