// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * holdsocks PROCS TCP UDP: PROCS processes each holding TCP listeners and
 * UDP sockets bound on 127.0.0.1 (ports chosen by the kernel) until stdin
 * closes. Prints "ready" once every process holds all of its sockets.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static int hold(int tcp, int udp, int ready_fd)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	for (int i = 0; i < tcp + udp; i++) {
		int fd = socket(AF_INET, i < tcp ? SOCK_STREAM : SOCK_DGRAM, 0);

		if (fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof(sin)) ||
		    (i < tcp && listen(fd, 16))) {
			perror("holdsocks");
			return 1;
		}
	}
	if (write(ready_fd, "r", 1) != 1)
		return 1;
	{
		char c;

		while (read(STDIN_FILENO, &c, 1) > 0)
			;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int procs = argc > 3 ? atoi(argv[1]) : 4;
	int tcp = argc > 3 ? atoi(argv[2]) : 5000, udp = argc > 3 ? atoi(argv[3]) : 5000;
	struct rlimit rl = { .rlim_cur = (rlim_t)(tcp + udp + 64),
			     .rlim_max = (rlim_t)(tcp + udp + 64) };
	int pipefd[2], st;
	char c;

	if (setrlimit(RLIMIT_NOFILE, &rl) || pipe(pipefd)) {
		perror("holdsocks");
		return 1;
	}
	for (int p = 0; p < procs; p++)
		if (fork() == 0)
			_exit(hold(tcp, udp, pipefd[1]));
	for (int p = 0; p < procs; p++)
		if (read(pipefd[0], &c, 1) != 1)
			return 1;
	printf("ready\n");
	fflush(stdout);
	while (wait(&st) > 0)
		;
	return 0;
}
