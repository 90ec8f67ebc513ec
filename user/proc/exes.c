// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "proc/exes.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/fifomap.h"

#define EXES_PATH_MAX 4096

int exes__path(const char *names, size_t len, char *out, size_t outsz)
{
	size_t o = 0, end = len;

	if (!len || names[len - 1] != '\0')
		return -EINVAL;
	while (end > 0) {
		size_t start = end - 1;	/* at this name's NUL */
		size_t n;

		while (start > 0 && names[start - 1] != '\0')
			start--;
		n = end - 1 - start;
		if (!n || memchr(names + start, '/', n))
			return -EINVAL;
		if (o + 1 + n + 1 > outsz)
			return -ENAMETOOLONG;
		out[o++] = '/';
		memcpy(out + o, names + start, n);
		o += n;
		end = start;
	}
	out[o] = '\0';
	return (int)o;
}

/* The paths by program; a program's key is its pid, start time and exec count. */
struct exes {
	struct fifomap *paths;
};

static struct fifomap_key key_of(uint32_t pid, uint64_t start_ns, uint32_t exec_id)
{
	return (struct fifomap_key){ .a = start_ns, .b = (uint64_t)pid << 32 | exec_id };
}

struct exes *exes__new(size_t max)
{
	struct exes *t = calloc(1, sizeof(*t));

	if (t && !(t->paths = fifomap__new(max ? max : 16384))) {
		free(t);
		t = NULL;
	}
	return t;
}

void exes__exec(struct exes *t, uint32_t pid, uint64_t start_ns, uint32_t exec_id,
		const char *names, size_t len, bool truncated)
{
	char path[EXES_PATH_MAX];

	if (truncated || exes__path(names, len, path, sizeof(path)) < 0)
		return;
	fifomap__put(t->paths, key_of(pid, start_ns, exec_id), path);
}

const char *exes__find(const struct exes *t, uint32_t pid, uint64_t start_ns, uint32_t exec_id)
{
	const char *path = NULL;

	fifomap__get(t->paths, key_of(pid, start_ns, exec_id), &path);
	return path;
}

size_t exes__count(const struct exes *t)
{
	return fifomap__count(t->paths);
}

void exes__free(struct exes *t)
{
	if (!t)
		return;
	fifomap__free(t->paths);
	free(t);
}
