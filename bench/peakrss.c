// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * peakrss CMD [ARG]...: run CMD, print its peak RSS in KiB on stderr's last
 * line ("peakrss: N"), exit with its status. A child's ru_maxrss starts at
 * the RSS of whoever forked it (the high-water mark survives exec), so the
 * benchmark forks from this small process, not from Python.
 */
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct rusage ru;
	int status;
	pid_t pid;

	if (argc < 2) {
		fputs("usage: peakrss CMD [ARG]...\n", stderr);
		return 2;
	}
	pid = fork();
	if (pid < 0)
		return 127;
	if (pid == 0) {
		execvp(argv[1], argv + 1);
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) < 0)
		return 127;
	fprintf(stderr, "peakrss: %ld\n", ru.ru_maxrss);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
