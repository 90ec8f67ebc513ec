/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The network namespaces a snapshot looks into: every one a process is in
 * (/proc/PID/ns/net) or an nsfs mount keeps alive (/proc/self/mountinfo),
 * each with a path to enter it by.
 */
#ifndef PS_NSPATHS_H
#define PS_NSPATHS_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

struct netns {
	uint32_t inode;
	char path[PATH_MAX];	/* /proc/PID/ns/net, or an nsfs mount point */
};

struct netns_list {
	struct netns *v;	/* by inode, each once; free(v) when done */
	size_t n, cap;
};

/* The namespace a process is in; 0 when it cannot be read (gone, not ours). */
uint32_t nspaths__of(const char *pid);

/*
 * The calling thread's own network namespace, opened (O_RDONLY, O_CLOEXEC):
 * the one to setns() back to after entering another. Returns the fd, or
 * -errno; *inode (unless NULL) is the namespace's inode.
 */
int nspaths__open_home(uint32_t *inode);

/*
 * Every network namespace a process is in or a mount keeps, once, ordered
 * by inode; the caller's own is `home`. Returns 0 or -errno.
 */
int nspaths__list(struct netns_list *l, uint32_t home);

#endif
