// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * floor STRATEGY [empty|minimal]: attach bench/floor.bpf.c's programs at
 * the points portsnoop's STRATEGY (tracepoint, fentry, kprobe) uses, print
 * "ready", and hold them until stdin reaches EOF or a signal comes.
 * empty: every program returns at once. minimal: bind and close send one
 * record each (process context only) through the ring, which is drained
 * and counted, not formatted. run_bench.py runs the bind/close loop under
 * both, next to untraced and portsnoop runs.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "portsnoop.h"
#include "hooks.h"
#include "proc/mounts.h"
#include "floor.skel.h"

#define FLOOR_ALWAYS(kp, tp) true
#define FLOOR_COOKIES(kp, tp) ((kp) || (tp))	/* the kprobe and tracepoint strategies */
#define FLOOR_NOT_KP(kp, tp) true		/* the floor takes the tp_btf program */
#define FLOOR_UNPREEMPTED(kp, tp) false

/* Which programs a strategy attaches: bpf/hooks.h's lists, as portsnoop's
 * loader reads them. */
static bool attached_by(const char *strategy, const char *name)
{
	bool fe = !strcmp(strategy, "fentry"), kp = !strcmp(strategy, "kprobe");
	bool tp = !strcmp(strategy, "tracepoint");

#define FN_NAMES(hook, fn, shape, optional)					\
	if (!strcmp(name, "fx_" #fn))						\
		return fe;							\
	if (!strcmp(name, "kp_" #fn) || !strcmp(name, "kr_" #fn))		\
		return kp;
	PS_SOCKFNS(FN_NAMES)
#define TP_NAMES(hook, kind, target, prog)					\
	if (!strcmp(name, #prog))						\
		return tp;
	PS_TRACEPOINTS(TP_NAMES)
#define SHARED_NAMES(kind, target, prog, when)					\
	if (!strcmp(name, #prog))						\
		return FLOOR_##when(kp, tp);
	PS_SHARED(SHARED_NAMES)
	return false;
}

/* In minimal mode min_X takes the place of X. */
static bool wanted(struct bpf_object *obj, const char *strategy, bool minimal,
		   const char *name)
{
	char min[128];

	if (!strncmp(name, "min_", 4))
		return minimal && attached_by(strategy, name + 4);
	snprintf(min, sizeof(min), "min_%s", name);
	if (minimal && bpf_object__find_program_by_name(obj, min))
		return false;
	return attached_by(strategy, name);
}

static int count_record(void *ctx, void *data, size_t len)
{
	(void)data;
	(void)len;
	(*(unsigned long *)ctx)++;
	return 0;
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
	struct pollfd in = { .fd = STDIN_FILENO, .events = POLLIN };
	struct ring_buffer *rb = NULL;
	unsigned long records = 0;
	struct floor_bpf *skel;
	struct bpf_program *p;
	bool minimal;
	int cg, n = 0;
	char c;

	if (argc < 2 || argc > 3 ||
	    (strcmp(argv[1], "tracepoint") && strcmp(argv[1], "fentry") &&
	     strcmp(argv[1], "kprobe")) ||
	    (argc == 3 && strcmp(argv[2], "empty") && strcmp(argv[2], "minimal"))) {
		fprintf(stderr, "usage: floor tracepoint|fentry|kprobe [empty|minimal]\n");
		return 2;
	}
	minimal = argc == 3 && !strcmp(argv[2], "minimal");
	/* The syscall tracepoints are looked up through tracefs: mount it,
	 * in a mount namespace of our own, where portsnoop would. */
	if (!strcmp(argv[1], "tracepoint")) {
		const char *note;
		int err = mounts__ensure_tracefs(&note);

		if (err) {
			fprintf(stderr, "floor: no tracefs: %s\n", strerror(-err));
			return 1;
		}
	}
	skel = floor_bpf__open();
	if (!skel) {
		fprintf(stderr, "floor: cannot open the BPF object\n");
		return 1;
	}
	bpf_object__for_each_program(p, skel->obj) {
		const char *name = bpf_program__name(p);
		const char *fn = strchr(name, '_') + 1;

		bpf_program__set_autoload(p, wanted(skel->obj, argv[1], minimal, name) &&
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
	if (minimal) {
		rb = ring_buffer__new(bpf_map__fd(skel->maps.events), count_record, &records,
				      NULL);
		if (!rb) {
			fprintf(stderr, "floor: cannot read the ring buffer\n");
			return 1;
		}
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	printf("ready: %d programs (%s, %s)\n", n, argv[1], minimal ? "minimal" : "empty");
	fflush(stdout);
	while (!stop) {
		if (rb)
			ring_buffer__poll(rb, 20);
		if (poll(&in, 1, rb ? 0 : -1) > 0 && read(STDIN_FILENO, &c, 1) <= 0)
			break;
	}
	if (rb) {
		ring_buffer__consume(rb);
		fprintf(stderr, "floor: %lu records\n", records);
		ring_buffer__free(rb);
	}
	floor_bpf__destroy(skel);
	return 0;
}
