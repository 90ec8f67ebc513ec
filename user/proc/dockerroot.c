// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "proc/dockerroot.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "lib/jsonr.h"
#include "proc/procinfo.h"

#define MAX_CMDLINE (1u << 16)
#define MAX_CONFIG (1u << 16)
/* A container's hostconfig.json is a few KB. */
#define MAX_HOSTCONFIG (1u << 20)

/* An absolute path that fits, whole, or nothing. */
static void put(char *out, const char *s)
{
	if (s[0] == '/' && strlen(s) < DOCKERROOT_PATH)
		strcpy(out, s);
}

/* The value of option name at argv[*i] ("--x V", "--x=V"), else NULL. */
static const char *value(const char *const *argv, size_t argc, size_t *i, const char *name)
{
	size_t k = strlen(name);

	if (!strcmp(argv[*i], name))
		return *i + 1 < argc ? argv[++*i] : NULL;
	if (!strncmp(argv[*i], name, k) && argv[*i][k] == '=')
		return argv[*i] + k + 1;
	return NULL;
}

void dockerroot__args(const char *cmdline, size_t len, char *root, char *config)
{
	static const char *const roots[] = { "--data-root", "-g", "--graph" };
	const char *argv[256];
	size_t argc = 0;

	root[0] = config[0] = '\0';
	/* Only whole arguments: the last one counts if a NUL ends it. */
	for (size_t i = 0; i < len && argc < 256;) {
		const char *end = memchr(cmdline + i, '\0', len - i);

		if (!end)
			break;
		argv[argc++] = cmdline + i;
		i = (size_t)(end - cmdline) + 1;
	}
	for (size_t i = 1; i < argc; i++) {
		const char *v = NULL;

		for (size_t k = 0; k < 3 && !v; k++)
			v = value(argv, argc, &i, roots[k]);
		if (v) {
			put(root, v);
			continue;
		}
		if ((v = value(argv, argc, &i, "--config-file")))
			put(config, v);
	}
}

int dockerroot__config(const char *buf, size_t len, char *root)
{
	static const char *const keys[] = { "data-root", "graph" };
	char tmp[DOCKERROOT_PATH];
	struct jsonr top, v;

	root[0] = '\0';
	if (jsonr__parse(buf, len, &top))
		return -EINVAL;
	for (size_t k = 0; k < 2; k++)
		if (!jsonr__member(&top, keys[k], &v) && jsonr__string(&v, tmp, sizeof(tmp)) > 0) {
			put(root, tmp);
			break;
		}
	return root[0] ? 0 : -ENOENT;
}

struct binding {
	const char *proto;
	char want[8];		/* the host port, as Docker writes it */
	uint16_t ctr_port;
};

/* "80/tcp": [{"HostIp": "", "HostPort": "18091"}, ...] */
static int binding_step(void *ctx, const struct jsonr_step *st)
{
	struct binding *b = ctx;
	struct jsonr e, hp;
	char key[32], *slash, *end;
	size_t pos = 0;
	unsigned long port;

	if (!st->key || st->in_array || st->leave || st->v->type != JSONR_ARRAY ||
	    jsonr__string(st->key, key, sizeof(key)) <= 0)
		return 0;
	slash = strchr(key, '/');
	if (!slash || strcmp(slash + 1, b->proto))
		return 0;
	*slash = '\0';
	port = strtoul(key, &end, 10);
	if (end == key || *end || !port || port > 65535)
		return 0;
	while (jsonr__next(st->v, &pos, &e))
		if (!jsonr__member(&e, "HostPort", &hp) && jsonr__is(&hp, b->want)) {
			b->ctr_port = (uint16_t)port;
			return 1;
		}
	return 0;
}

int dockerroot__binding(const char *buf, size_t len, const char *proto, uint16_t host_port,
			uint16_t *ctr_port)
{
	struct binding b = { .proto = proto };
	struct jsonr top, pb;

	if (jsonr__parse(buf, len, &top))
		return -EINVAL;
	if (jsonr__member(&top, "PortBindings", &pb) || pb.type != JSONR_OBJECT)
		return -ENOENT;
	snprintf(b.want, sizeof(b.want), "%u", host_port);
	if (!jsonr__walk(&pb, binding_step, &b))
		return -ENOENT;
	*ctr_port = b.ctr_port;
	return 0;
}

/* The data root of dockerd pid: from its arguments, else its
 * configuration file, else Docker's default. */
static void data_root(const char *proc, unsigned pid, char *out)
{
	char config[DOCKERROOT_PATH] = "", name[DOCKERROOT_PATH + 8], *buf = NULL;
	long n = procinfo__read(proc, pid, "cmdline", MAX_CMDLINE, &buf);

	out[0] = '\0';
	if (n > 0)
		dockerroot__args(buf, (size_t)n, out, config);
	free(buf);
	buf = NULL;
	if (out[0])
		return;
	snprintf(name, sizeof(name), "root%s", config[0] ? config : "/etc/docker/daemon.json");
	n = procinfo__read(proc, pid, name, MAX_CONFIG + 1, &buf);
	if (n <= 0 || (size_t)n > MAX_CONFIG || dockerroot__config(buf, (size_t)n, out))
		strcpy(out, "/var/lib/docker");
	free(buf);
}

void dockerroot__path(const char *root, uint32_t pid, char *out)
{
	char proc[DOCKERROOT_PATH], dr[DOCKERROOT_PATH];

	out[0] = '\0';
	if ((size_t)snprintf(proc, sizeof(proc), "%s/proc", strcmp(root, "/") ? root : "") >=
	    sizeof(proc))
		return;
	data_root(proc, pid, dr);
	if ((size_t)snprintf(out, DOCKERROOT_PATH, "/proc/%u/root%s", pid, dr) >= DOCKERROOT_PATH)
		out[0] = '\0';
}

/* dir/id/hostconfig.json, whole and at most MAX_HOSTCONFIG bytes, into a
 * new buffer: its length, or -errno. */
static long hostconfig(const char *dir, const char *id, char **out)
{
	char path[DOCKERROOT_PATH + 128];
	size_t n;
	long got;
	char *buf;
	int fd;

	snprintf(path, sizeof(path), "%s/%s/hostconfig.json", dir, id);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	buf = malloc(MAX_HOSTCONFIG + 1);
	got = buf ? procinfo__fill(fd, buf, MAX_HOSTCONFIG + 1) : -ENOMEM;
	close(fd);
	if (got < 0 || got > MAX_HOSTCONFIG) {
		free(buf);
		return got < 0 ? got : -EFBIG;
	}
	n = (size_t)got;
	buf[n] = '\0';
	*out = buf;
	return (long)n;
}

static bool hex64(const char *s)
{
	return strlen(s) == 64 && strspn(s, "0123456789abcdef") == 64;
}

int dockerroot__published(const char *root, uint32_t pid, const char *proto,
			  uint16_t host_port, char *id, uint16_t *ctr_port)
{
	char dr[DOCKERROOT_PATH], dir[DOCKERROOT_PATH + 16];
	const char *r = strcmp(root, "/") ? root : "";
	struct dirent *de;
	int err = -ENOENT;
	DIR *d;

	dockerroot__path(root, pid, dr);
	if (!dr[0] || (size_t)snprintf(dir, sizeof(dir), "%s%s/containers", r, dr) >= sizeof(dir) ||
	    !(d = opendir(dir)))
		return -ENOENT;
	while (err && (de = readdir(d))) {
		char *buf = NULL;
		long n;

		if (!hex64(de->d_name))
			continue;
		n = hostconfig(dir, de->d_name, &buf);
		if (n > 0 && !dockerroot__binding(buf, (size_t)n, proto, host_port, ctr_port)) {
			memcpy(id, de->d_name, 65);
			err = 0;
		}
		free(buf);
	}
	closedir(d);
	return err;
}

size_t dockerroot__find(const char *root, char (*out)[DOCKERROOT_PATH], size_t max)
{
	char proc[DOCKERROOT_PATH], dr[DOCKERROOT_PATH];
	struct dirent *de;
	size_t count = 0;
	DIR *d;

	if ((size_t)snprintf(proc, sizeof(proc), "%s/proc", strcmp(root, "/") ? root : "") >=
	    sizeof(proc) || !(d = opendir(proc)))
		return 0;
	while (count < max && (de = readdir(d))) {
		char *comm = NULL;
		unsigned long pid;
		char *end;
		long n;

		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		pid = strtoul(de->d_name, &end, 10);
		if (*end || pid > 0xffffffffUL)
			continue;
		n = procinfo__read(proc, (unsigned)pid, "comm", 32, &comm);
		if (n > 0 && !strcmp(comm, "dockerd\n")) {
			data_root(proc, (unsigned)pid, dr);
			if ((size_t)snprintf(out[count], DOCKERROOT_PATH, "/proc/%lu/root%s", pid, dr) <
			    DOCKERROOT_PATH)
				count++;
		}
		free(comm);
	}
	closedir(d);
	return count;
}
