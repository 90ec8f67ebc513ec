// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "sink.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

struct sink {
	int fd;
};

int sink__fd(int fd, struct sink **out)
{
	struct sink *s = calloc(1, sizeof(*s));

	if (!s)
		return -ENOMEM;
	s->fd = fd;
	*out = s;
	return 0;
}

int sink__write(struct sink *s, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(s->fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

int sink__poll_fd(const struct sink *s)
{
	return s->fd;
}

void sink__free(struct sink *s)
{
	free(s);
}
