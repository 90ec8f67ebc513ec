// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * churn P K: P processes, one after another (up to 8 alive at a time), each
 * binding and closing K UDP sockets on 127.0.0.1:0 and exiting: 2*P*K
 * events from P distinct processes. Prints pid, counts and elapsed ns.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void child(int k)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	for (int i = 0; i < k; i++) {
		int fd = socket(AF_INET, SOCK_DGRAM, 0);

		if (fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof(sin)))
			_exit(1);
		close(fd);
	}
	_exit(0);
}

int main(int argc, char **argv)
{
	long procs = argc > 1 ? atol(argv[1]) : 1000;
	int k = argc > 2 ? atoi(argv[2]) : 5;
	long failures = 0, alive = 0;
	long long t0 = now_ns(), t1;
	int st;

	for (long i = 0; i < procs; i++) {
		pid_t pid;

		if (alive == 8) {
			if (wait(&st) > 0 && (!WIFEXITED(st) || WEXITSTATUS(st)))
				failures++;
			alive--;
		}
		pid = fork();
		if (pid == 0)
			child(k);
		if (pid < 0)
			failures++;
		else
			alive++;
	}
	while (alive-- > 0)
		if (wait(&st) > 0 && (!WIFEXITED(st) || WEXITSTATUS(st)))
			failures++;
	t1 = now_ns();
	printf("{\"pid\":%d,\"procs\":%ld,\"binds\":%ld,\"elapsed_ns\":%lld,\"failures\":%ld}\n",
	       getpid(), procs, procs * k, t1 - t0, failures);
	return failures ? 1 : 0;
}
