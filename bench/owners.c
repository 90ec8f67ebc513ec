// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * owners hand|core: collect who holds which socket once, the way `ls` does,
 * and print one line: the records found, the time it took and this
 * process's peak RSS. hand: owners__collect() (user/loader/owners_iter.c,
 * the program built by hand from five BTF offsets btfscan reads); core:
 * bench/owners_core.bpf.c through its skeleton (libbpf parses the kernel's
 * BTF for the CO-RE relocations). Each mode in a process of its own, so the
 * peak RSS is that mode's. run_bench.py owners runs them in rounds.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "loader/owners_iter.h"
#include "owners_core.skel.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int core(struct owners *o)
{
	struct owners_core_bpf *s = owners_core_bpf__open_and_load();
	struct bpf_link *link;
	int fd, err;

	if (!s)
		return -errno;
	link = bpf_program__attach_iter(s->progs.ps_owners_core, NULL);
	fd = link ? bpf_iter_create(bpf_link__fd(link)) : -1;
	err = fd < 0 ? -errno : owners__from_fd(o, fd);
	if (fd >= 0)
		close(fd);
	bpf_link__destroy(link);
	owners_core_bpf__destroy(s);
	if (!err)
		owners__sort(o);
	return err;
}

int main(int argc, char **argv)
{
	struct owners o = { 0 };
	const char *how = "core";
	struct rusage ru;
	double t0;
	int err;

	if (argc != 2 || (strcmp(argv[1], "hand") && strcmp(argv[1], "core"))) {
		fprintf(stderr, "usage: owners hand|core\n");
		return 2;
	}
	t0 = now();
	err = !strcmp(argv[1], "hand") ? owners__collect(&o, &how) : core(&o);
	t0 = now() - t0;
	getrusage(RUSAGE_SELF, &ru);
	if (err) {
		fprintf(stderr, "owners %s: %s\n", argv[1], strerror(-err));
		return 1;
	}
	printf("owners %s: %zu records via %s, %.1f ms, peak RSS %ld KiB\n", argv[1], o.n,
	       how, t0 * 1e3, ru.ru_maxrss);
	owners__free(&o);
	return 0;
}
