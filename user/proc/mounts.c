// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "proc/mounts.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>
#include "lib/array.h"

#define TRACEFS "/sys/kernel/tracing"
#define DEBUGFS_TRACING "/sys/kernel/debug/tracing"

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static int unescape(const char *s, size_t n, char *out, size_t outsz)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (c == '\\' && i + 3 < n &&
		    s[i + 1] >= '0' && s[i + 1] <= '3' &&
		    s[i + 2] >= '0' && s[i + 2] <= '7' &&
		    s[i + 3] >= '0' && s[i + 3] <= '7') {
			c = (char)((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 +
				   (s[i + 3] - '0'));
			i += 3;
		}
		if (o + 1 >= outsz)
			return -ENAMETOOLONG;
		out[o++] = c;
	}
	out[o] = '\0';
	return 0;
}

/* The n-th space-separated field of [s, end), n from 0. */
static bool field(const char *s, const char *end, int n, const char **f, size_t *flen)
{
	int i = 0;

	while (s < end) {
		const char *start = s;

		while (s < end && *s != ' ')
			s++;
		if (i++ == n) {
			*f = start;
			*flen = (size_t)(s - start);
			return true;
		}
		if (s < end)
			s++;
	}
	return false;
}

int mounts__find(const char *text, size_t len, const char *fstype,
		 char *out, size_t outsz)
{
	const char *end = text + len;
	size_t tlen = strlen(fstype);

	for (const char *line = text; line < end;) {
		const char *eol = memchr(line, '\n', (size_t)(end - line));
		const char *sep, *type, *mnt;
		size_t typelen, mntlen;

		if (!eol)
			eol = end;
		/* Optional fields end at " - "; the fstype follows it. */
		sep = memmem(line, (size_t)(eol - line), " - ", 3);
		if (sep && field(sep + 3, eol, 0, &type, &typelen) &&
		    typelen == tlen && !memcmp(type, fstype, tlen) &&
		    field(line, sep, 4, &mnt, &mntlen))
			return unescape(mnt, mntlen, out, outsz);
		line = eol + 1;
	}
	return -ENOENT;
}

static int read_file(const char *path, char **buf, size_t *len)
{
	size_t cap = 16384, n = 0;
	char *b = malloc(cap);
	int fd, err = 0;

	if (!b)
		return -ENOMEM;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		free(b);
		return -errno;
	}
	for (;;) {
		ssize_t r;
		char *nb;

		nb = array__reserve(b, n, &cap, 1, cap);
		if (!nb) {
			err = -ENOMEM;
			break;
		}
		b = nb;
		r = read(fd, b + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			err = -errno;
			break;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	if (err) {
		free(b);
		return err;
	}
	*buf = b;
	*len = n;
	return 0;
}

int mounts__find_in(const char *path, const char *fstype, char *out, size_t outsz)
{
	char *buf = NULL;
	size_t len = 0;
	int err = read_file(path, &buf, &len);

	if (err)
		return err;
	err = mounts__find(buf, len, fstype, out, outsz);
	free(buf);
	return err;
}

static bool is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Our own mount namespace, so that what we mount is seen by no one else. */
static int private_mounts(void)
{
	static bool done;

	if (done)
		return 0;
	if (unshare(CLONE_NEWNS))
		return -errno;
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return -errno;
	done = true;
	return 0;
}

int mounts__ensure_tracefs(const char **note)
{
	int err;

	*note = NULL;
	if (is_dir(TRACEFS "/events") || is_dir(DEBUGFS_TRACING "/events"))
		return 0;
	err = private_mounts();
	if (err)
		return err;
	if (mount("tracefs", TRACEFS, "tracefs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL))
		return -errno;
	*note = "tracefs was not mounted: mounted it at " TRACEFS
		" in portsnoop's own mount namespace";
	return 0;
}

int mounts__open_cgroup2(char *path, size_t pathsz, const char **note)
{
	char tmpl[] = "/tmp/portsnoop-cgroup2.XXXXXX";
	int fd, err;

	*note = NULL;
	err = mounts__find_in("/proc/self/mountinfo", "cgroup2", path, pathsz);
	if (!err) {
		fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		return fd < 0 ? -errno : fd;
	}
	if (err != -ENOENT)
		return err;
	err = private_mounts();
	if (err)
		return err;
	if (!mkdtemp(tmpl))
		return -errno;
	if (mount("cgroup2", tmpl, "cgroup2", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL)) {
		err = -errno;
		rmdir(tmpl);
		return err;
	}
	fd = open(tmpl, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	err = fd < 0 ? -errno : 0;
	umount2(tmpl, MNT_DETACH);
	rmdir(tmpl);
	if (err)
		return err;
	snprintf(path, pathsz, "(cgroup2, mounted privately)");
	*note = "cgroup2 was not mounted: mounted its root privately to attach";
	return fd;
}

int mounts__cgroup_id(const char *path, uint64_t *id, uint32_t *level)
{
	char root[4096], *rp, *pp;
	struct stat st;
	size_t rl;
	int err;

	err = mounts__find_in("/proc/self/mountinfo", "cgroup2", root, sizeof(root));
	if (err)
		return err;
	rp = realpath(root, NULL);
	pp = realpath(path, NULL);
	err = !rp || !pp ? -errno : 0;
	if (!err && stat(pp, &st))
		err = -errno;
	rl = rp ? strlen(rp) : 0;
	if (!err && (strncmp(pp, rp, rl) || (pp[rl] && pp[rl] != '/')))
		err = -EXDEV;
	if (!err) {
		*id = st.st_ino;
		*level = 0;
		for (const char *p = pp + rl; *p; p++)
			if (*p == '/' && p[1])
				(*level)++;
	}
	free(rp);
	free(pp);
	return err;
}
