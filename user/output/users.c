// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "output/users.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct user {
	uint32_t uid;
	char *name;
};

struct users {
	char *path;
	struct user *v;
	size_t n;
	struct timespec mtime;
	time_t checked;		/* the file is looked at once a second at most */
};

static void clear(struct users *u)
{
	for (size_t i = 0; i < u->n; i++)
		free(u->v[i].name);
	free(u->v);
	u->v = NULL;
	u->n = 0;
}

struct users *users__new(const char *path)
{
	struct users *u = calloc(1, sizeof(*u));

	if (!u)
		return NULL;
	u->path = path ? strdup(path) : NULL;
	return u;
}

int users__parse(struct users *u, const char *buf, size_t len)
{
	const char *end = buf + len;

	clear(u);
	for (const char *line = buf; line < end;) {
		const char *eol = memchr(line, '\n', (size_t)(end - line));
		const char *c1, *c2, *c3;
		char num[16];
		size_t nlen, ulen;
		struct user *nv;

		if (!eol)
			eol = end;
		c1 = memchr(line, ':', (size_t)(eol - line));
		c2 = c1 ? memchr(c1 + 1, ':', (size_t)(eol - c1 - 1)) : NULL;
		c3 = c2 ? memchr(c2 + 1, ':', (size_t)(eol - c2 - 1)) : NULL;
		nlen = c1 ? (size_t)(c1 - line) : 0;
		ulen = c3 ? (size_t)(c3 - c2 - 1) : 0;
		if (nlen && ulen && ulen < sizeof(num) && *line != '#' && *line != '+' &&
		    *line != '-') {
			char *stop;
			unsigned long uid;

			memcpy(num, c2 + 1, ulen);
			num[ulen] = '\0';
			errno = 0;
			uid = strtoul(num, &stop, 10);
			nv = (!*stop && !errno && uid <= UINT32_MAX)
				     ? realloc(u->v, (u->n + 1) * sizeof(*u->v)) : NULL;
			if (nv) {
				u->v = nv;
				u->v[u->n].uid = (uint32_t)uid;
				u->v[u->n].name = strndup(line, nlen);
				if (u->v[u->n].name)
					u->n++;
			}
		}
		line = eol + 1;
	}
	return 0;
}

static void reload(struct users *u)
{
	struct stat st;
	time_t now = time(NULL);
	char *buf;
	ssize_t n;
	int fd;

	if (!u->path || now == u->checked)
		return;
	u->checked = now;
	if (stat(u->path, &st) || (st.st_mtim.tv_sec == u->mtime.tv_sec &&
				   st.st_mtim.tv_nsec == u->mtime.tv_nsec))
		return;
	fd = open(u->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	buf = st.st_size > 0 && st.st_size < (16 << 20) ? malloc((size_t)st.st_size) : NULL;
	n = buf ? read(fd, buf, (size_t)st.st_size) : -1;
	close(fd);
	if (n >= 0) {
		users__parse(u, buf, (size_t)n);
		u->mtime = st.st_mtim;
	}
	free(buf);
}

const char *users__name(struct users *u, uint32_t uid)
{
	reload(u);
	for (size_t i = 0; i < u->n; i++)
		if (u->v[i].uid == uid)
			return u->v[i].name;
	return NULL;
}

int users__uid(struct users *u, const char *name, uint32_t *uid)
{
	reload(u);
	for (size_t i = 0; i < u->n; i++) {
		if (!strcmp(u->v[i].name, name)) {
			*uid = u->v[i].uid;
			return 0;
		}
	}
	return -ENOENT;
}

void users__free(struct users *u)
{
	if (!u)
		return;
	clear(u);
	free(u->path);
	free(u);
}
