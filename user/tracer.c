// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "tracer.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "mounts.h"
#include "portsnoop.skel.h"

#define DEFAULT_RINGBUF_BYTES (8u << 20)

struct tracer {
	struct portsnoop_bpf *skel;
	struct ring_buffer *rb;
	struct bpf_link **links;
	size_t nlinks;
	int cgroup_fd;
	tracer_event_fn on_event;
	void *ctx;
	char describe[512];
};

static bool verbose_libbpf;

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	/* The verifier's log comes at WARN when a load fails; keep the user's
	 * terminal clean unless asked. */
	if (!verbose_libbpf || level == LIBBPF_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static int on_sample(void *ctx, void *data, size_t len)
{
	struct tracer *t = ctx;

	return t->on_event(t->ctx, data, len);
}

static int add_link(struct tracer *t, struct bpf_link *link)
{
	struct bpf_link **l;

	if (!link)
		return -errno;
	l = realloc(t->links, (t->nlinks + 1) * sizeof(*l));
	if (!l) {
		bpf_link__destroy(link);
		return -ENOMEM;
	}
	t->links = l;
	t->links[t->nlinks++] = link;
	return 0;
}

struct hook {
	const char *name;	/* what the user reads in messages */
	struct bpf_program *prog;
	bool cgroup;
};

static int attach_all(struct tracer *t, char *err, size_t errsz)
{
	struct portsnoop_bpf *s = t->skel;
	const struct hook hooks[] = {
		{ "syscalls:sys_exit_bind", s->progs.tp_exit_bind, false },
		{ "syscalls:sys_exit_listen", s->progs.tp_exit_listen, false },
		{ "syscalls:sys_exit_connect", s->progs.tp_exit_connect, false },
		{ "tp_btf:inet_sock_set_state", s->progs.tp_sock_state, false },
		{ "tp_btf:sched_process_exit", s->progs.tp_process_exit, false },
		{ "cgroup:sock_create", s->progs.cg_sock_create, true },
		{ "cgroup:post_bind4", s->progs.cg_post_bind4, true },
		{ "cgroup:post_bind6", s->progs.cg_post_bind6, true },
		{ "cgroup:sock_release", s->progs.cg_sock_release, true },
	};

	for (size_t i = 0; i < sizeof(hooks) / sizeof(hooks[0]); i++) {
		const struct hook *h = &hooks[i];
		struct bpf_link *link;
		int rc;

		link = h->cgroup ? bpf_program__attach_cgroup(h->prog, t->cgroup_fd)
				 : bpf_program__attach(h->prog);
		rc = add_link(t, link);
		if (rc) {
			snprintf(err, errsz, "cannot attach %s: %s", h->name, strerror(-rc));
			return rc;
		}
	}
	snprintf(t->describe, sizeof(t->describe),
		 "bind=tracepoint+cgroup listen=tracepoint connect=tracepoint+tp_btf "
		 "close=cgroup");
	return 0;
}

int tracer__open(const struct tracer_opts *opts, struct tracer **out,
		 char *err, size_t errsz)
{
	struct tracer *t;
	const char *note;
	char cgpath[4096];
	int rc;

	*out = NULL;
	verbose_libbpf = opts->verbose;
	libbpf_set_print(libbpf_print);
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->cgroup_fd = -1;
	t->on_event = opts->on_event;
	t->ctx = opts->ctx;

	rc = mounts__ensure_tracefs(&note);
	if (rc) {
		snprintf(err, errsz, "tracefs is not mounted and mounting it failed: %s",
			 strerror(-rc));
		goto fail;
	}
	if (note && opts->verbose)
		fprintf(stderr, "portsnoop: %s\n", note);
	rc = mounts__open_cgroup2(cgpath, sizeof(cgpath), &note);
	if (rc < 0) {
		snprintf(err, errsz, "cannot open the cgroup v2 root: %s", strerror(-rc));
		goto fail;
	}
	t->cgroup_fd = rc;
	if (opts->verbose)
		fprintf(stderr, "portsnoop: cgroup v2 root: %s%s%s\n", cgpath,
			note ? "; " : "", note ? note : "");

	{
		LIBBPF_OPTS(bpf_object_open_opts, oo, .btf_custom_path = opts->btf);

		t->skel = portsnoop_bpf__open_opts(&oo);
	}
	if (!t->skel) {
		rc = -errno;
		snprintf(err, errsz, "cannot open the BPF object: %s", strerror(-rc));
		goto fail;
	}
	if (opts->filter)
		memcpy((void *)&t->skel->rodata->filter, opts->filter, sizeof(*opts->filter));
	rc = bpf_map__set_max_entries(t->skel->maps.events,
				      opts->ringbuf_bytes ? opts->ringbuf_bytes
							  : DEFAULT_RINGBUF_BYTES);
	if (rc) {
		snprintf(err, errsz, "bad ring buffer size: %s", strerror(-rc));
		goto fail;
	}
	rc = portsnoop_bpf__load(t->skel);
	if (rc) {
		snprintf(err, errsz, "cannot load the BPF programs: %s%s", strerror(-rc),
			 opts->verbose ? "" : " (--verbose shows the verifier's log)");
		goto fail;
	}
	rc = attach_all(t, err, errsz);
	if (rc)
		goto fail;
	t->rb = ring_buffer__new(bpf_map__fd(t->skel->maps.events), on_sample, t, NULL);
	if (!t->rb) {
		rc = -errno;
		snprintf(err, errsz, "cannot set up the ring buffer: %s", strerror(-rc));
		goto fail;
	}
	*out = t;
	return 0;
fail:
	tracer__free(t);
	return rc;
}

int tracer__fd(const struct tracer *t)
{
	return ring_buffer__epoll_fd(t->rb);
}

int tracer__consume(struct tracer *t)
{
	return ring_buffer__consume(t->rb);
}

int tracer__stats(const struct tracer *t, __u64 out[PS_STAT__MAX])
{
	int ncpu = libbpf_num_possible_cpus();
	int fd = bpf_map__fd(t->skel->maps.stats);
	__u64 *vals;

	if (ncpu < 0)
		return ncpu;
	vals = calloc((size_t)ncpu, sizeof(*vals));
	if (!vals)
		return -ENOMEM;
	for (__u32 k = 0; k < PS_STAT__MAX; k++) {
		out[k] = 0;
		if (bpf_map_lookup_elem(fd, &k, vals))
			continue;
		for (int c = 0; c < ncpu; c++)
			out[k] += vals[c];
	}
	free(vals);
	return 0;
}

int tracer__track(struct tracer *t, __u64 cookie, const struct ps_tracked *what)
{
	int fd = bpf_map__fd(t->skel->maps.tracked);

	return bpf_map_update_elem(fd, &cookie, what, BPF_NOEXIST) && errno != EEXIST
		       ? -errno : 0;
}

int tracer__watch(struct tracer *t, __u32 pid, bool on)
{
	int fd = bpf_map__fd(t->skel->maps.watched);
	__u8 one = 1;

	if (on)
		return bpf_map_update_elem(fd, &pid, &one, BPF_ANY) ? -errno : 0;
	return bpf_map_delete_elem(fd, &pid) && errno != ENOENT ? -errno : 0;
}

const char *tracer__describe(const struct tracer *t)
{
	return t->describe;
}

void tracer__free(struct tracer *t)
{
	if (!t)
		return;
	ring_buffer__free(t->rb);
	for (size_t i = 0; i < t->nlinks; i++)
		bpf_link__destroy(t->links[i]);
	free(t->links);
	portsnoop_bpf__destroy(t->skel);
	if (t->cgroup_fd >= 0)
		close(t->cgroup_fd);
	free(t);
}
