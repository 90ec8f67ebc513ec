// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Each namespace entered in turn and its addresses listed (getifaddrs() asks
 * rtnetlink in the namespace it is called in); we come back after each. */
#include "sockets/nsaddr.h"

#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "sockets/netns.h"

static bool has_addr(int family, const uint8_t *addr)
{
	struct ifaddrs *all, *i;
	bool found = false;

	if (getifaddrs(&all))
		return false;
	for (i = all; i && !found; i = i->ifa_next) {
		const struct sockaddr *sa = i->ifa_addr;

		if (!sa || sa->sa_family != family)
			continue;
		if (family == AF_INET)
			found = !memcmp(&((const struct sockaddr_in *)(const void *)sa)->sin_addr,
					addr, 4);
		else
			found = !memcmp(&((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
					addr, 16);
	}
	freeifaddrs(all);
	return found;
}

static bool is_loopback(int family, const uint8_t *addr)
{
	static const uint8_t v6lo[16] = { [15] = 1 };

	return family == AF_INET ? addr[0] == 127 : !memcmp(addr, v6lo, 16);
}

static void add(struct nsaddr_found *out, uint32_t ino)
{
	if (out->n < sizeof(out->netns) / sizeof(out->netns[0]))
		out->netns[out->n] = ino;
	out->n++;
}

/* In namespace `path`: has it the address? -errno when it cannot be entered. */
static int look_in(const char *path, int home, int family, const uint8_t *addr)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), found;

	if (fd < 0)
		return -errno;
	if (setns(fd, CLONE_NEWNET)) {
		close(fd);
		return -errno;
	}
	close(fd);
	found = has_addr(family, addr);
	if (setns(home, CLONE_NEWNET))
		return -errno;	/* stranded: nothing after this is right */
	return found;
}

int nsaddr__find(int family, const uint8_t *addr, struct nsaddr_found *out)
{
	struct netns_list l = { 0 };
	uint32_t self = netns__of("self");
	int home, rc = 0;

	memset(out, 0, sizeof(*out));
	if (is_loopback(family, addr)) {
		add(out, self);
		return 0;
	}
	if (has_addr(family, addr))
		add(out, self);
	home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (home < 0)
		return -errno;
	rc = netns__list(&l, self);
	for (size_t i = 0; !rc && i < l.n; i++) {
		int found;

		if (l.v[i].inode == self)
			continue;
		found = look_in(l.v[i].path, home, family, addr);
		if (found == -EPERM || found == -EACCES || found == -ENOENT) {
			out->denied++;
			continue;
		}
		if (found < 0)
			rc = found;
		else if (found)
			add(out, l.v[i].inode);
	}
	free(l.v);
	close(home);
	return rc;
}
