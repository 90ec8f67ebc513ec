// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "sockets/netns.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <unistd.h>

/* A sock_diag socket inside the namespace at path; we come back after. */
int netns__diag_socket(const char *path, int home, struct sockstat *counts)
{
	int fd, nl;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	nl = netns__diag_socket_fd(fd, home, counts);
	close(fd);
	return nl;
}

int netns__diag_socket_fd(int nsfd, int home, struct sockstat *counts)
{
	int nl, err;

	if (setns(nsfd, CLONE_NEWNET))
		return -errno;
	/* Counted before our own socket is. */
	if (counts)
		sockstat__read(counts, "/proc");
	nl = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	err = nl < 0 ? -errno : 0;
	if (setns(home, CLONE_NEWNET)) {
		/* Stranded in another namespace: nothing after this is right. */
		if (nl >= 0)
			close(nl);
		return -errno;
	}
	return err ? err : nl;
}
