// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * floor STRATEGY: attach bench/floor.bpf.c's empty programs at the points
 * portsnoop's STRATEGY (tracepoint, fentry, kprobe) uses, print "ready",
 * and hold them until stdin reaches EOF or a signal comes. run_bench.py
 * runs the bind/close loop under it, next to untraced and portsnoop runs.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "floor.skel.h"

/* Which programs a strategy attaches, by name prefix. */
static bool wanted(const char *strategy, const char *name)
{
	bool tp = !strcmp(strategy, "tracepoint"), kp = !strcmp(strategy, "kprobe");

	if (!strncmp(name, "any_", 4))
		return true;
	if (!strncmp(name, "cookie_", 7))
		return tp || kp;
	if (!strncmp(name, "tp_", 3))
		return tp;
	if (!strncmp(name, "fe_", 3))
		return !strcmp(strategy, "fentry");
	return kp && (!strncmp(name, "kp_", 3) || !strncmp(name, "kr_", 3));
}

/* Is the kernel function a program hooks there (MPTCP may be missing)? */
static bool kernel_has(const char *fn)
{
	char line[512], sym[256];
	bool found = false;
	FILE *f = fopen("/proc/kallsyms", "re");

	if (!f)
		return true;
	while (!found && fgets(line, sizeof(line), f))
		found = sscanf(line, "%*s %*s %255s", sym) == 1 && !strcmp(sym, fn);
	fclose(f);
	return found;
}

/* The cgroup v2 mount point, from mountinfo. */
static int cgroup2_fd(void)
{
	char line[4096], mnt[4096];
	FILE *f = fopen("/proc/self/mountinfo", "re");
	int fd = -1;

	while (f && fd < 0 && fgets(line, sizeof(line), f)) {
		char *sep = strstr(line, " - ");

		if (sep && !strncmp(sep + 3, "cgroup2 ", 8) &&
		    sscanf(line, "%*s %*s %*s %*s %4095s", mnt) == 1)
			fd = open(mnt, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	}
	if (f)
		fclose(f);
	return fd;
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

int main(int argc, char **argv)
{
	struct floor_bpf *skel;
	struct bpf_program *p;
	int cg, n = 0;
	char c;

	if (argc != 2 || (strcmp(argv[1], "tracepoint") && strcmp(argv[1], "fentry") &&
			  strcmp(argv[1], "kprobe"))) {
		fprintf(stderr, "usage: floor tracepoint|fentry|kprobe\n");
		return 2;
	}
	skel = floor_bpf__open();
	if (!skel) {
		fprintf(stderr, "floor: cannot open the BPF object\n");
		return 1;
	}
	bpf_object__for_each_program(p, skel->obj) {
		const char *name = bpf_program__name(p);
		const char *fn = strchr(name, '_') + 1;

		bpf_program__set_autoload(p, wanted(argv[1], name) &&
					  (!strstr(name, "mptcp") || kernel_has(fn)));
	}
	if (floor_bpf__load(skel)) {
		fprintf(stderr, "floor: cannot load the %s programs\n", argv[1]);
		return 1;
	}
	cg = cgroup2_fd();
	bpf_object__for_each_program(p, skel->obj) {
		bool cgroup = !strncmp(bpf_program__section_name(p), "cgroup/", 7);
		struct bpf_link *l;

		if (!bpf_program__autoload(p))
			continue;
		l = cgroup ? bpf_program__attach_cgroup(p, cg) : bpf_program__attach(p);
		if (!l) {
			fprintf(stderr, "floor: cannot attach %s: %s\n",
				bpf_program__name(p), strerror(errno));
			return 1;
		}
		n++;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	printf("ready: %d empty programs (%s)\n", n, argv[1]);
	fflush(stdout);
	while (!stop && read(STDIN_FILENO, &c, 1) > 0)
		;
	floor_bpf__destroy(skel);
	return 0;
}
