/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The network namespaces a snapshot looks into: every one a process is in
 * or an nsfs mount keeps alive, each with a path to enter it by.
 */
#ifndef PS_NETNS_H
#define PS_NETNS_H

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
uint32_t netns__of(const char *pid);

/*
 * Every network namespace a process is in or a mount keeps, once, ordered
 * by inode; the caller's own is `home`. Returns 0 or -errno.
 */
int netns__list(struct netns_list *l, uint32_t home);

/*
 * A sock_diag socket inside the namespace at path, entered and left again
 * through the fd `home`. Returns the socket, or -errno.
 */
int netns__diag_socket(const char *path, int home);
/* The same for a namespace fd (an nsfs file: SIOCGSKNS's, /proc/PID/ns/net). */
int netns__diag_socket_fd(int nsfd, int home);

#endif
