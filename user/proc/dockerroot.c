// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "proc/dockerroot.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/jsonr.h"
#include "proc/procinfo.h"

#define MAX_CMDLINE (1u << 16)
#define MAX_CONFIG (1u << 16)

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
