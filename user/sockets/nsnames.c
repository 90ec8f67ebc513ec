// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "sockets/nsnames.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>
#include "proc/nspaths.h"

#define NSNAMES_MAX 256
#define NSNAMES_NAME 64
#define RESCAN_NS 1000000000LL

static struct {
	char dir[128];
	struct {
		uint32_t inode;
		char name[NSNAMES_NAME];
	} v[NSNAMES_MAX];
	size_t n;
	long long scanned_ns;	/* CLOCK_MONOTONIC of the last read; 0 never */
	uint32_t last_inode;	/* the last answer, a hit or a miss */
	const char *last_name;
} names = { .dir = "/run/netns" };

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Only nsfs files count: a name left behind by a failed `ip netns add`
 * is an empty file of /run's own file system. */
static dev_t nsfs_dev(void)
{
	struct stat st;
	int fd = nspaths__open_home(NULL);
	dev_t dev = 0;

	if (fd < 0)
		return 0;
	if (!fstat(fd, &st))
		dev = st.st_dev;
	close(fd);
	return dev;
}

static void scan(void)
{
	dev_t nsfs = nsfs_dev();
	struct dirent *de;
	DIR *d;

	names.n = 0;
	names.last_inode = 0;
	names.scanned_ns = now_ns();
	d = opendir(names.dir);
	if (!d)
		return;
	while ((de = readdir(d)) && names.n < NSNAMES_MAX) {
		struct stat st;

		if (de->d_name[0] == '.' || strlen(de->d_name) >= NSNAMES_NAME)
			continue;
		if (fstatat(dirfd(d), de->d_name, &st, 0) || !st.st_ino)
			continue;
		/* The real directory: only nsfs mounts; a test's: any file. */
		if (nsfs && st.st_dev != nsfs && !strcmp(names.dir, "/run/netns"))
			continue;
		names.v[names.n].inode = (uint32_t)st.st_ino;
		strcpy(names.v[names.n].name, de->d_name);
		names.n++;
	}
	closedir(d);
}

static const char *find(uint32_t inode)
{
	for (size_t i = 0; i < names.n; i++)
		if (names.v[i].inode == inode)
			return names.v[i].name;
	return NULL;
}

const char *nsnames__name(uint32_t inode)
{
	const char *name;

	if (!inode)
		return NULL;
	/* Only a hit is kept: a miss is looked for again (the directory read
	 * at most once a second), or a namespace named after its first event,
	 * as `ip netns attach` does, would stay unnamed while its events run. */
	if (inode == names.last_inode && names.last_name)
		return names.last_name;
	if (!names.scanned_ns)
		scan();
	name = find(inode);
	if (!name && now_ns() - names.scanned_ns >= RESCAN_NS) {
		scan();
		name = find(inode);
	}
	names.last_inode = inode;
	names.last_name = name;
	return name;
}

void nsnames__use_dir(const char *dir)
{
	snprintf(names.dir, sizeof(names.dir), "%s", dir);
	names.n = 0;
	names.scanned_ns = 0;
	names.last_inode = 0;
}
