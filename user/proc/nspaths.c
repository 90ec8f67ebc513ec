// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "proc/nspaths.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "lib/array.h"

static int cmp_netns(const void *a, const void *b)
{
	const struct netns *x = a, *y = b;

	return x->inode < y->inode ? -1 : x->inode > y->inode;
}

static int netns_add(struct netns_list *l, uint32_t inode, const char *path)
{
	struct netns *nv = array__reserve(l->v, l->n, &l->cap, sizeof(*nv), 64);

	if (!nv)
		return -ENOMEM;
	l->v = nv;
	l->v[l->n].inode = inode;
	snprintf(l->v[l->n].path, sizeof(l->v[l->n].path), "%s", path);
	l->n++;
	return 0;
}

/* The namespace a process is in; 0 when it cannot be read (gone, not ours). */
uint32_t nspaths__of(const char *pid)
{
	char path[300], link[64];
	ssize_t len;

	snprintf(path, sizeof(path), "/proc/%s/ns/net", pid);
	len = readlink(path, link, sizeof(link) - 1);
	if (len < 6 || memcmp(link, "net:[", 5))
		return 0;
	link[len] = '\0';
	return (uint32_t)strtoul(link + 5, NULL, 10);
}

/* The thread's, not the process's (/proc/self is the main thread): the
 * metrics server's thread enters namespaces while the event loop does not. */
int nspaths__open_home(uint32_t *inode)
{
	struct stat st;
	int fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC), err;

	if (fd < 0)
		return -errno;
	if (inode) {
		if (fstat(fd, &st)) {
			err = -errno;
			close(fd);
			return err;
		}
		*inode = (uint32_t)st.st_ino;
	}
	return fd;
}

/* Mountinfo escapes space, tab, newline and backslash as \ooo. */
static void unescape_octal(char *s)
{
	char *o = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '7' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*o++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
}

/*
 * Namespaces that no process may be in: kept alive by a bind mount of an
 * nsfs file (ip netns add: /run/netns/NAME). Which kind each is, stat()
 * does not say; a setns() that is not CLONE_NEWNET fails later, harmlessly.
 */
static int mounted_netns(struct netns_list *l)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char *line = NULL;
	size_t cap = 0;
	int err = 0;

	if (!f)
		return 0;	/* no mount namespace view: processes only */
	while (!err && getline(&line, &cap, f) > 0) {
		char *sep = strstr(line, " - "), *save = NULL, *mnt = NULL, *tok;
		struct stat st;

		if (!sep || strncmp(sep + 3, "nsfs ", 5))
			continue;
		*sep = '\0';
		tok = strtok_r(line, " ", &save);
		for (int i = 0; tok && i < 4; i++)
			tok = strtok_r(NULL, " ", &save);
		mnt = tok;	/* the fifth field: the mount point */
		if (!mnt)
			continue;
		unescape_octal(mnt);
		if (stat(mnt, &st))
			continue;
		err = netns_add(l, (uint32_t)st.st_ino, mnt);
	}
	free(line);
	fclose(f);
	return err;
}

/*
 * Every network namespace a process is in or a mount keeps, once, with a
 * path to enter it by; the caller's own is `home`.
 */
int nspaths__list(struct netns_list *l, uint32_t home)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	size_t k = 0;
	int err;

	if (!d)
		return -errno;
	err = netns_add(l, home, "/proc/self/ns/net");
	while (!err && (de = readdir(d))) {
		char path[300];
		uint32_t ino;

		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		ino = nspaths__of(de->d_name);
		if (!ino)
			continue;
		snprintf(path, sizeof(path), "/proc/%s/ns/net", de->d_name);
		err = netns_add(l, ino, path);
	}
	closedir(d);
	if (!err)
		err = mounted_netns(l);
	if (err)
		return err;
	/* Stable: the first path of each namespace (home's own, a process's)
	 * is kept before a mount's. */
	for (size_t i = 1; i < l->n; i++) {
		struct netns t = l->v[i];
		size_t j = i;

		for (; j > 0 && cmp_netns(&l->v[j - 1], &t) > 0; j--)
			l->v[j] = l->v[j - 1];
		l->v[j] = t;
	}
	for (size_t i = 0; i < l->n; i++)
		if (!k || l->v[k - 1].inode != l->v[i].inode)
			l->v[k++] = l->v[i];
	l->n = k;
	return 0;
}
