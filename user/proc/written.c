// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "proc/written.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "proc/procinfo.h"

int written__flags(const char *fdinfo, unsigned long *flags)
{
	const char *v = procinfo__after(fdinfo, "flags:");

	if (!v)
		return -ENOENT;
	*flags = strtoul(v, NULL, 8);
	return 0;
}

/* Is fd (its name under fd/) open for writing, by its fdinfo? */
static int for_writing(const char *root, uint32_t pid, const char *fd)
{
	char name[300], *info = NULL;
	unsigned long fl;
	int yes = 0;

	snprintf(name, sizeof(name), "fdinfo/%s", fd);
	if (procinfo__read(root, pid, name, 4096, &info) > 0 && !written__flags(info, &fl))
		yes = (fl & O_ACCMODE) == O_WRONLY || (fl & O_ACCMODE) == O_RDWR;
	free(info);
	return yes;
}

/* readlink of one entry of an open fd/ directory: no path walk per fd (a
 * holder of 10,000 sockets has 10,000 entries, almost all sockets). */
static int fd_link(DIR *dir, const char *fd, char *out, size_t outsz)
{
	ssize_t n = readlinkat(dirfd(dir), fd, out, outsz - 1);

	if (n < 0)
		return -errno;
	out[n] = '\0';
	return 0;
}

int written__each(const char *root, uint32_t pid, written_fn cb, void *ctx)
{
	char path[PATH_MAX];
	struct dirent *de;
	DIR *dir;

	snprintf(path, sizeof(path), "%s/%u/fd", root, pid);
	dir = opendir(path);
	if (!dir)
		return -errno;
	while ((de = readdir(dir))) {
		char link[PATH_MAX];

		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		if (fd_link(dir, de->d_name, link, sizeof(link)) || link[0] != '/' ||
		    !strncmp(link, "/dev/", 5) || !strncmp(link, "/proc/", 6))
			continue;
		if (for_writing(root, pid, de->d_name))
			cb(ctx, link);
	}
	closedir(dir);
	return 0;
}
