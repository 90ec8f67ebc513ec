// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * forkbind N SOCKWORK: fork N children in a burst; child i execs
 * "SOCKWORK --comm b<i> bind udp 4 127.0.0.1 0", which binds and exits at
 * once. Prints {"pid":P,"children":[...]} once all are reaped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
#include <fcntl.h>

int main(int argc, char **argv)
{
	int n = argc > 2 ? atoi(argv[1]) : 0;
	pid_t *kids = calloc((size_t)(n > 0 ? n : 1), sizeof(*kids));
	int failed = 0;

	if (n <= 0 || !kids) {
		fprintf(stderr, "usage: forkbind N SOCKWORK\n");
		return 2;
	}
	for (int i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid == 0) {
			char comm[16];
			int null = open("/dev/null", O_WRONLY);

			snprintf(comm, sizeof(comm), "b%d", i);
			dup2(null, STDOUT_FILENO);
			execl(argv[2], argv[2], "--comm", comm, "bind", "udp", "4", "127.0.0.1",
			      "0", (char *)NULL);
			_exit(127);
		}
		kids[i] = pid;
		if (pid < 0)
			failed++;
	}
	for (int i = 0; i < n; i++) {
		int st;

		if (kids[i] > 0 && (waitpid(kids[i], &st, 0) < 0 || !WIFEXITED(st) ||
				    WEXITSTATUS(st)))
			failed++;
	}
	printf("{\"pid\":%d,\"failed\":%d,\"children\":[", getpid(), failed);
	for (int i = 0; i < n; i++)
		printf("%s%d", i ? "," : "", kids[i]);
	printf("]}\n");
	free(kids);
	return failed ? 1 : 0;
}
