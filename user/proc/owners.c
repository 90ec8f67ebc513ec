// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "proc/owners.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "lib/array.h"

int owners__add(struct owners *o, const struct ps_owner *rec)
{
	return array__append(&o->v, &o->n, &o->cap, rec, sizeof(*rec), 1024);
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

int owners__from_fd(struct owners *o, int fd)
{
	/* Whole records at a time, straight into o: no copy of the output. */
	static char buf[2048 * sizeof(struct ps_owner)];
	size_t len = 0;
	int err = 0;

	while (!err) {
		ssize_t n = read(fd, buf + len, sizeof(buf) - len);
		size_t whole;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return len ? -EBADMSG : 0;	/* a record cut short */
		len += (size_t)n;
		whole = len - len % sizeof(struct ps_owner);
		err = owners__from_records(o, buf, whole);
		memmove(buf, buf + whole, len - whole);
		len -= whole;
	}
	return err;
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
	if (fddir < 0 && (errno == EACCES || errno == EPERM))
		o->unreadable++;	/* another user's, and we are not root */
	d = fddir >= 0 ? fdopendir(fddir) : NULL;
	if (!d) {
		if (fddir >= 0)
			close(fddir);
		close(piddir);
		return 0;
	}
	read_comm(piddir, rec.comm);
	while (!err && (de = readdir(d))) {
		struct stat st;

		if (!is_pid(de->d_name))
			continue;
		/* Following the fd's link stats the socket itself: its inode is the
		 * one sock_diag reports, with no "socket:[N]" text to build. */
		if (fstatat(dirfd(d), de->d_name, &st, 0) || !S_ISSOCK(st.st_mode))
			continue;
		rec.inode = st.st_ino;
		rec.fd = (uint32_t)atoi(de->d_name);
		err = owners__add(o, &rec);
	}
	closedir(d);
	close(piddir);
	return err;
}

/* The pids in /proc, as directory names. */
static int list_pids(int procfd, char (**out)[16], size_t *count)
{
	DIR *d = fdopendir(dup(procfd));
	char (*v)[16] = NULL, (*nv)[16];
	size_t n = 0, cap = 0;
	struct dirent *de;

	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		if (!is_pid(de->d_name) || strlen(de->d_name) >= 16)
			continue;
		nv = array__reserve(v, n, &cap, sizeof(*v), 1024);
		if (!nv) {
			free(v);
			closedir(d);
			return -ENOMEM;
		}
		v = nv;
		strcpy(v[n++], de->d_name);
	}
	closedir(d);
	*out = v;
	*count = n;
	return 0;
}

struct walk {
	int procfd;
	char (*pids)[16];
	size_t npids;
	size_t *next;		/* shared: the next pid to take */
	struct owners found;
	int err;
};

/* Each thread takes the next pid: one process with 10,000 fds does not
 * leave the other threads idle. */
static void *walk_pids(void *arg)
{
	struct walk *w = arg;
	size_t i;

	while (!w->err && (i = __atomic_fetch_add(w->next, 1, __ATOMIC_RELAXED)) < w->npids)
		w->err = scan_pid(&w->found, w->procfd, w->pids[i]);
	return NULL;
}

/*
 * Every process's fds, walked by as many threads as there are CPUs (up to
 * 8): the cost is one readdir and one stat per fd, all in the kernel.
 */
int owners__from_proc(struct owners *o, const char *root)
{
	int procfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct walk w[8];
	pthread_t tid[8];
	char (*pids)[16] = NULL;
	size_t npids = 0, nthreads, next = 0;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int err;

	if (procfd < 0)
		return -errno;
	err = list_pids(procfd, &pids, &npids);
	nthreads = cpus < 1 ? 1 : cpus > 8 ? 8 : (size_t)cpus;
	for (size_t t = 0; !err && t < nthreads; t++) {
		w[t] = (struct walk){ .procfd = procfd, .pids = pids, .npids = npids,
				      .next = &next };
		if (t && pthread_create(&tid[t], NULL, walk_pids, &w[t]))
			w[t].err = -EAGAIN;
	}
	if (!err) {
		walk_pids(&w[0]);
		for (size_t t = 0; t < nthreads; t++) {
			if (t && !w[t].err)
				pthread_join(tid[t], NULL);
			for (size_t i = 0; i < w[t].found.n && !err; i++)
				err = owners__add(o, &w[t].found.v[i]);
			o->unreadable += w[t].found.unreadable;
			if (!err)
				err = w[t].err;
			owners__free(&w[t].found);
		}
	}
	free(pids);
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
