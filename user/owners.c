// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "owners.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int owners__add(struct owners *o, const struct ps_owner *rec)
{
	if (o->n == o->cap) {
		size_t cap = o->cap ? o->cap * 2 : 1024;
		struct ps_owner *v = realloc(o->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		o->v = v;
		o->cap = cap;
	}
	o->v[o->n++] = *rec;
	return 0;
}

int owners__from_records(struct owners *o, const void *buf, size_t len)
{
	const struct ps_owner *r = buf;

	if (len % sizeof(*r))
		return -EBADMSG;
	for (size_t i = 0; i < len / sizeof(*r); i++) {
		struct ps_owner rec;
		int err;

		memcpy(&rec, &r[i], sizeof(rec));
		rec.comm[PS_COMM_LEN - 1] = '\0';
		err = owners__add(o, &rec);
		if (err)
			return err;
	}
	return 0;
}

static int is_pid(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

static void read_comm(int piddir, char *comm)
{
	int fd = openat(piddir, "comm", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, comm, PS_COMM_LEN - 1) : -1;

	if (fd >= 0)
		close(fd);
	if (n < 0)
		n = 0;
	if (n > 0 && comm[n - 1] == '\n')
		n--;
	comm[n] = '\0';
}

/* One process: every fd whose link reads "socket:[INODE]". */
static int scan_pid(struct owners *o, int procfd, const char *pid)
{
	int piddir = openat(procfd, pid, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct ps_owner rec = { .pid = (uint32_t)atoi(pid) };
	int fddir, err = 0;
	struct dirent *de;
	DIR *d;

	if (piddir < 0)
		return 0;	/* gone already */
	fddir = openat(piddir, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	d = fddir >= 0 ? fdopendir(fddir) : NULL;
	if (!d) {
		if (fddir >= 0)
			close(fddir);
		close(piddir);
		return 0;
	}
	read_comm(piddir, rec.comm);
	while (!err && (de = readdir(d))) {
		char link[64];
		ssize_t n;

		if (!is_pid(de->d_name))
			continue;
		n = readlinkat(dirfd(d), de->d_name, link, sizeof(link) - 1);
		if (n < 9 || memcmp(link, "socket:[", 8))
			continue;
		link[n] = '\0';
		rec.inode = strtoull(link + 8, NULL, 10);
		rec.fd = (uint32_t)atoi(de->d_name);
		err = owners__add(o, &rec);
	}
	closedir(d);
	close(piddir);
	return err;
}

int owners__from_proc(struct owners *o, const char *root)
{
	int procfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct dirent *de;
	int err = 0;
	DIR *d;

	if (procfd < 0)
		return -errno;
	d = fdopendir(dup(procfd));
	if (!d) {
		err = -errno;
		close(procfd);
		return err;
	}
	while (!err && (de = readdir(d)))
		if (is_pid(de->d_name))
			err = scan_pid(o, procfd, de->d_name);
	closedir(d);
	close(procfd);
	return err;
}

static int cmp(const void *a, const void *b)
{
	const struct ps_owner *x = a, *y = b;

	if (x->inode != y->inode)
		return x->inode < y->inode ? -1 : 1;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return x->fd < y->fd ? -1 : x->fd > y->fd;
}

void owners__sort(struct owners *o)
{
	if (o->n)
		qsort(o->v, o->n, sizeof(*o->v), cmp);
}

const struct ps_owner *owners__find(const struct owners *o, uint64_t inode, size_t *count)
{
	size_t lo = 0, hi = o->n, end;

	*count = 0;
	if (!inode)
		return NULL;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (o->v[mid].inode < inode)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (end = lo; end < o->n && o->v[end].inode == inode; end++)
		;
	*count = end - lo;
	return *count ? &o->v[lo] : NULL;
}

void owners__free(struct owners *o)
{
	free(o->v);
	memset(o, 0, sizeof(*o));
}
