// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * pidreuse SOCKWORK: run two processes that get the same pid, one after
 * the other, by setting /proc/sys/kernel/ns_last_pid before each fork
 * (root in the initial pid namespace). Each binds a UDP port, stays 300 ms
 * (long enough to be looked up in /proc) and exits:
 *   first:  SOCKWORK --comm first --linger 300 bind udp 4 127.0.0.1 0
 *   second: SOCKWORK --comm second --linger 300 bind udp 6 ::1 0
 * Prints {"first":PID,"second":PID}; retries until the two pids match.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <fcntl.h>

static int set_last_pid(long v)
{
	char buf[32];
	int fd = open("/proc/sys/kernel/ns_last_pid", O_WRONLY);
	int n = snprintf(buf, sizeof(buf), "%ld", v);
	int ok = fd >= 0 && write(fd, buf, (size_t)n) == n;

	if (fd >= 0)
		close(fd);
	return ok ? 0 : -1;
}

static long last_pid(void)
{
	char buf[32] = "";
	int fd = open("/proc/sys/kernel/ns_last_pid", O_RDONLY);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;

	if (fd >= 0)
		close(fd);
	return n > 0 ? atol(buf) : -1;
}

static pid_t run(const char *sockwork, long want, const char *comm, const char *fam,
		 const char *addr)
{
	pid_t pid;
	int st;

	if (set_last_pid(want - 1))
		return -1;
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, STDOUT_FILENO);
		execl(sockwork, sockwork, "--comm", comm, "--linger", "300", "bind", "udp", fam,
		      addr, "0", (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
		return -1;
	return pid;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	for (int attempt = 0; attempt < 50; attempt++) {
		long want = last_pid() + 100;
		pid_t a, b;

		if (want <= 100)
			return 1;
		a = run(argv[1], want, "first", "4", "127.0.0.1");
		b = run(argv[1], want, "second", "6", "::1");
		if (a < 0 || b < 0)
			return 1;
		if (a == b) {
			printf("{\"first\":%d,\"second\":%d}\n", a, b);
			return 0;
		}
	}
	return 1;
}
