// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "proc/cgpaths.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/fifomap.h"

/* include/linux/exportfs.h: a kernfs node's 64-bit id as its handle. */
#define FILEID_KERNFS 0xfe

struct cgpaths {
	int mount_fd;
	char mount[PATH_MAX];	/* the mount root's link, read at the first miss */
	struct fifomap *paths;	/* by id; NULL: the cgroup is gone */
	const char *why_not;
	uint64_t loads;
};

int cgpaths__relative(const char *mount, const char *link, char *out, size_t outsz)
{
	size_t m = strlen(mount);

	if (m == 1 && mount[0] == '/')
		m = 0;	/* mounted at "/": every path is below it */
	if (strncmp(link, mount, m) || (link[m] != '/' && link[m] != '\0'))
		return -EXDEV;
	if (snprintf(out, outsz, "%s", link[m] ? link + m : "/") >= (int)outsz)
		return -ENAMETOOLONG;
	return 0;
}

struct cgpaths *cgpaths__new(int mount_fd, size_t max)
{
	struct cgpaths *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->mount_fd = mount_fd;
	c->paths = fifomap__new(max);
	if (!c->paths) {
		cgpaths__free(c);
		return NULL;
	}
	if (mount_fd < 0)
		c->why_not = "no cgroup v2 mount";
	return c;
}

static int fd_link(int fd, char *out, size_t outsz)
{
	char proc[64];
	ssize_t n;

	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	n = readlink(proc, out, outsz - 1);
	if (n < 0)
		return -errno;
	if ((size_t)n >= outsz - 1)
		return -ENAMETOOLONG;
	out[n] = '\0';
	return 0;
}

/* Open the cgroup by its id and read where it is. -ESTALE or -ENOENT:
 * gone; other errors mean no id can be resolved here. */
static int resolve(struct cgpaths *c, uint64_t id, char *out, size_t outsz)
{
	struct {
		struct file_handle fh;
		uint64_t id;
	} h = { .fh = { .handle_bytes = sizeof(uint64_t), .handle_type = FILEID_KERNFS } };
	char link[PATH_MAX];
	int fd, err;

	memcpy(h.fh.f_handle, &id, sizeof(id));
	if (!c->mount[0] && (err = fd_link(c->mount_fd, c->mount, sizeof(c->mount))))
		return err;
	fd = open_by_handle_at(c->mount_fd, &h.fh, O_PATH | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	err = fd_link(fd, link, sizeof(link));
	close(fd);
	return err ? err : cgpaths__relative(c->mount, link, out, outsz);
}

static struct fifomap_key key_of(uint64_t id)
{
	return (struct fifomap_key){ .a = id };
}

const char *cgpaths__get(struct cgpaths *c, uint64_t id)
{
	char path[PATH_MAX];
	const char *known;
	int err;

	if (!id || c->why_not)
		return NULL;
	if (fifomap__get(c->paths, key_of(id), &known))
		return known;
	c->loads++;
	err = resolve(c, id, path, sizeof(path));
	if (err == -ESTALE || err == -ENOENT || err == -EXDEV || err == -ENAMETOOLONG) {
		/* Gone for good (ids are not reused), or outside the part of the
		 * hierarchy our mount shows (a cgroup namespace's): asked once. */
		fifomap__put(c->paths, key_of(id), NULL);
		return NULL;
	}
	if (err == -EPERM)
		c->why_not = "cgroup paths of exited processes need CAP_DAC_READ_SEARCH";
	else if (err == -EOPNOTSUPP || err == -EINVAL || err == -ENOSYS)
		c->why_not = "this kernel cannot open a cgroup by its id";
	if (err)
		return NULL;
	fifomap__put(c->paths, key_of(id), path);
	return fifomap__get(c->paths, key_of(id), &known) ? known : NULL;
}

const char *cgpaths__why_not(const struct cgpaths *c)
{
	return c->why_not;
}

uint64_t cgpaths__loads(const struct cgpaths *c)
{
	return c->loads;
}

void cgpaths__free(struct cgpaths *c)
{
	if (!c)
		return;
	fifomap__free(c->paths);
	free(c);
}
