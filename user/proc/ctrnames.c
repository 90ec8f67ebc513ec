// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "proc/ctrnames.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "lib/jsonr.h"
#include "proc/dockerroot.h"
#include "proc/procinfo.h"

/* The largest state file read: podman's containers.json lists every
 * container of the store (about 1 KB each). */
#define MAX_FILE (4u << 20)
/* A lookup that found nothing is tried again after this: a container's
 * first events can come before its runtime has written its state. */
#define RETRY_NS (2ull * 1000 * 1000 * 1000)
/* The dockerd processes looked at, at most, for their data roots. */
#define MAX_DOCKERDS 8

struct entry {
	char id[65];
	const char *runtime;
	unsigned long long tried_ns;	/* when nothing was found; 0: found */
	struct ctr_names names;
};

struct ctrnames {
	char root[512];
	size_t max, used, next;
	unsigned long loads;
	struct entry *e, *last;
	/* The data roots of the running dockerds, found when a container's
	 * state is not under /var/lib/docker, kept for RETRY_NS. */
	char docker_roots[MAX_DOCKERDS][DOCKERROOT_PATH];
	size_t n_docker_roots;
	unsigned long long docker_roots_ns;
};

struct ctrnames *ctrnames__new(const char *root, size_t max_entries)
{
	struct ctrnames *c = calloc(1, sizeof(*c));

	if (!c || !max_entries || strlen(root) >= sizeof(c->root))
		goto fail;
	strcpy(c->root, strcmp(root, "/") ? root : "");
	c->max = max_entries;
	c->e = calloc(max_entries, sizeof(*c->e));
	if (!c->e)
		goto fail;
	return c;
fail:
	free(c);
	return NULL;
}

void ctrnames__free(struct ctrnames *c)
{
	if (!c)
		return;
	free(c->e);
	free(c);
}

unsigned long ctrnames__loads(const struct ctrnames *c)
{
	return c->loads;
}

struct ctrnames *ctrnames__host(void)
{
	static struct ctrnames *host;

	if (!host)
		host = ctrnames__new("/", 256);
	return host;
}

/* String s into out, whole or not at all. */
static bool str_member_of(const struct jsonr *s, char *out, size_t outsz)
{
	char tmp[256];

	if (outsz > sizeof(tmp))
		outsz = sizeof(tmp);
	if (jsonr__string(s, tmp, outsz) <= 0)
		return false;
	memcpy(out, tmp, strlen(tmp) + 1);
	return true;
}

/* A string member into out; a value too long or not a string leaves out
 * as it was (never a cut name). */
static bool str_member(const struct jsonr *obj, const char *key, char *out, size_t outsz)
{
	struct jsonr v;

	return !jsonr__member(obj, key, &v) && str_member_of(&v, out, outsz);
}

int ctrnames__docker(const char *buf, size_t len, struct ctr_names *out)
{
	struct jsonr top, cfg;
	char name[sizeof(out->name) + 1];

	if (jsonr__parse(buf, len, &top))
		return -EINVAL;
	/* Docker keeps the name with a leading '/'. */
	if (str_member(&top, "Name", name, sizeof(name)) && name[0] == '/' && name[1])
		memcpy(out->name, name + 1, strlen(name));
	if (!jsonr__member(&top, "Config", &cfg))
		str_member(&cfg, "Image", out->image, sizeof(out->image));
	return out->name[0] ? 0 : -ENOENT;
}

int ctrnames__oci(const char *buf, size_t len, struct ctr_names *out)
{
	struct jsonr top, ann;

	if (jsonr__parse(buf, len, &top))
		return -EINVAL;
	if (jsonr__member(&top, "annotations", &ann))
		return -ENOENT;
	/* containerd's CRI plugin, then CRI-O's (the kubelet's labels). */
	if (str_member(&ann, "io.kubernetes.cri.sandbox-name", out->pod_name, sizeof(out->pod_name))) {
		str_member(&ann, "io.kubernetes.cri.sandbox-namespace", out->pod_ns,
			   sizeof(out->pod_ns));
		str_member(&ann, "io.kubernetes.cri.container-name", out->name, sizeof(out->name));
		str_member(&ann, "io.kubernetes.cri.image-name", out->image, sizeof(out->image));
	} else if (str_member(&ann, "io.kubernetes.pod.name", out->pod_name,
			      sizeof(out->pod_name))) {
		str_member(&ann, "io.kubernetes.pod.namespace", out->pod_ns, sizeof(out->pod_ns));
		str_member(&ann, "io.kubernetes.container.name", out->name, sizeof(out->name));
		str_member(&ann, "io.kubernetes.cri-o.ImageName", out->image, sizeof(out->image));
	}
	return out->pod_name[0] || out->name[0] ? 0 : -ENOENT;
}

int ctrnames__storage(const char *buf, size_t len, const char *id, struct ctr_names *out)
{
	struct jsonr top, c, v, meta, names;
	size_t pos = 0, npos = 0;
	char inner[4096];
	bool hit = false;

	if (jsonr__parse(buf, len, &top) || top.type != JSONR_ARRAY)
		return -EINVAL;
	while (!hit && jsonr__next(&top, &pos, &c))
		hit = !jsonr__member(&c, "id", &v) && jsonr__is(&v, id);
	if (!hit)
		return -ENOENT;
	/* The first of its names; one too long is left out, not cut. */
	if (!jsonr__member(&c, "names", &names) && jsonr__next(&names, &npos, &v))
		str_member_of(&v, out->name, sizeof(out->name));
	/* metadata is JSON inside a string: {"image-name":..., "name":...} */
	if (!jsonr__member(&c, "metadata", &v) && jsonr__string(&v, inner, sizeof(inner)) > 0 &&
	    !jsonr__parse(inner, strlen(inner), &meta)) {
		str_member(&meta, "image-name", out->image, sizeof(out->image));
		if (!out->name[0])
			str_member(&meta, "name", out->name, sizeof(out->name));
	}
	return out->name[0] ? 0 : -ENOENT;
}

/* root/path into a new buffer (NUL-terminated). Returns its length or
 * -errno: -EFBIG past MAX_FILE, -EINVAL for anything but a regular file. */
static long read_file(const struct ctrnames *c, const char *path, char **out)
{
	char full[1024];
	struct stat st;
	char *buf = NULL;
	size_t n = 0;
	long err;
	int fd;

	if ((size_t)snprintf(full, sizeof(full), "%s%s", c->root, path) >= sizeof(full))
		return -ENAMETOOLONG;
	fd = open(full, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	err = fstat(fd, &st) ? -errno : !S_ISREG(st.st_mode) ? -EINVAL : 0;
	if (!err && !(buf = malloc(MAX_FILE + 1)))
		err = -ENOMEM;
	if (!err) {
		err = procinfo__fill(fd, buf, MAX_FILE + 1);
		n = err > 0 ? (size_t)err : 0;
		err = err > MAX_FILE ? -EFBIG : err < 0 ? err : 0;
	}
	close(fd);
	if (err) {
		free(buf);
		return err;
	}
	buf[n] = '\0';
	*out = buf;
	return (long)n;
}

typedef int (*parse_fn)(const char *buf, size_t len, const char *id, struct ctr_names *out);

/* One state file through its parser: 0, or the note to give. */
static const char *load(struct ctrnames *c, const char *path, const char *id, parse_fn parse,
			struct ctr_names *out)
{
	char *buf = NULL;
	long n = read_file(c, path, &buf);
	int err;

	if (n == -ENOENT || n == -ENOTDIR)
		return "no state file";
	if (n == -EFBIG)
		return "state file too large";
	if (n < 0)
		return "state file unreadable";
	err = parse(buf, (size_t)n, id, out);
	free(buf);
	if (err == -EINVAL)
		return "state file malformed";
	return err ? "no name in state file" : NULL;
}

static int parse_docker(const char *b, size_t n, const char *id, struct ctr_names *o)
{
	(void)id;
	return ctrnames__docker(b, n, o);
}

static int parse_oci(const char *b, size_t n, const char *id, struct ctr_names *o)
{
	(void)id;
	return ctrnames__oci(b, n, o);
}

static unsigned long long now_ns(void);

static void scan_docker_roots(struct ctrnames *c, unsigned long long now)
{
	c->n_docker_roots = dockerroot__find(c->root[0] ? c->root : "/", c->docker_roots,
					     MAX_DOCKERDS);
	c->docker_roots_ns = now;
}

static const char *in_docker_roots(struct ctrnames *c, const char *id, struct ctr_names *out)
{
	static const char file[] = "/containers/%s/config.v2.json";
	char path[DOCKERROOT_PATH + 96];
	const char *note;

	for (size_t i = 0; i < c->n_docker_roots; i++) {
		int k = snprintf(path, sizeof(path), "%s", c->docker_roots[i]);

		snprintf(path + k, sizeof(path) - (size_t)k, file, id);
		note = load(c, path, id, parse_docker, out);
		if (!note || strcmp(note, "no state file"))
			return note;
	}
	return "no state file";
}

/* Docker's state of container id: under /var/lib/docker, else under the
 * data root of a running dockerd (--data-root, daemon.json). */
static const char *docker(struct ctrnames *c, const char *id, struct ctr_names *out)
{
	char path[DOCKERROOT_PATH + 96];
	const char *note;
	unsigned long long now;

	snprintf(path, sizeof(path), "/var/lib/docker/containers/%s/config.v2.json", id);
	note = load(c, path, id, parse_docker, out);
	if (!note || strcmp(note, "no state file"))
		return note;
	now = now_ns();
	if (!c->docker_roots_ns || now - c->docker_roots_ns >= RETRY_NS) {
		scan_docker_roots(c, now);
		return in_docker_roots(c, id, out);
	}
	/* The roots known may be an earlier dockerd's: a container found in
	 * none of them has them looked for again, once (its miss is kept for
	 * RETRY_NS, which bounds how often). */
	note = in_docker_roots(c, id, out);
	if (note && !strcmp(note, "no state file")) {
		scan_docker_roots(c, now);
		note = in_docker_roots(c, id, out);
	}
	return note;
}

static void lookup(struct ctrnames *c, const char *rt, const char *id, struct ctr_names *out)
{
	static const char storage[] = "/var/lib/containers/storage";
	static const char *const drivers[] = { "overlay-containers", "vfs-containers" };
	char path[512];
	const char *note, *first = NULL;

	c->loads++;
	memset(out, 0, sizeof(*out));
	if (rt && !strcmp(rt, "docker")) {
		out->note = docker(c, id, out);
		return;
	}
	if (rt && (!strcmp(rt, "podman") || !strcmp(rt, "cri-o"))) {
		/* containers/storage keeps them by driver: overlay, else vfs. */
		for (size_t d = 0; d < 2 && !out->name[0]; d++) {
			snprintf(path, sizeof(path), "%s/%s/containers.json", storage, drivers[d]);
			note = load(c, path, id, ctrnames__storage, out);
			/* Say what went wrong where something did, not that the
			 * other driver's store is absent. */
			if (!first || (note && strcmp(note, "no state file")))
				first = note;
			snprintf(path, sizeof(path), "%s/%s/%s/userdata/config.json", storage,
				 drivers[d], id);
			load(c, path, id, parse_oci, out);
		}
		out->note = out->name[0] ? NULL : first;
		return;
	}
	/* containerd's CRI, and the cgroupfs kubepods layout that names no
	 * runtime. */
	snprintf(path, sizeof(path), "/run/containerd/io.containerd.runtime.v2.task/k8s.io/%s/config.json",
		 id);
	out->note = load(c, path, id, parse_oci, out);
}

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ull + (unsigned long long)ts.tv_nsec;
}

static bool found(const struct ctr_names *n)
{
	return n->name[0] || n->pod_name[0];
}

const struct ctr_names *ctrnames__get(struct ctrnames *c, const char *runtime, const char *id)
{
	struct entry *e = NULL;

	if (!c || strlen(id) != 64)
		return NULL;
	/* Events come in runs from one container: try the last one first. */
	if (c->last && !memcmp(c->last->id, id, 64) && c->last->runtime == runtime &&
	    !c->last->tried_ns)
		return &c->last->names;
	for (size_t i = 0; i < c->used; i++)
		if (!memcmp(c->e[i].id, id, 64) && c->e[i].runtime == runtime) {
			e = &c->e[i];
			break;
		}
	if (e && (!e->tried_ns || now_ns() - e->tried_ns < RETRY_NS))
		return &(c->last = e)->names;
	if (!e) {
		e = &c->e[c->used < c->max ? c->used++ : c->next++ % c->max];
		memcpy(e->id, id, 65);
		e->runtime = runtime;
	}
	lookup(c, runtime, id, &e->names);
	e->tried_ns = found(&e->names) ? 0 : now_ns();
	c->last = e;
	return &e->names;
}
