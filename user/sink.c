// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "sink.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <unistd.h>

#define STOP_WAIT_MS 1000

struct sink {
	int fd;
	const volatile sig_atomic_t *stopping;
};

void sink__set_stopping(struct sink *s, const volatile sig_atomic_t *stopping)
{
	s->stopping = stopping;
}

/* When stopping, wait for room only so long. */
static int room(const struct sink *s)
{
	struct pollfd p = { .fd = s->fd, .events = POLLOUT };
	int n;

	if (!s->stopping || !*s->stopping)
		return 0;
	do
		n = poll(&p, 1, STOP_WAIT_MS);
	while (n < 0 && errno == EINTR);
	return n > 0 ? 0 : -ETIMEDOUT;
}

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
		int err = room(s);
		ssize_t n;

		if (err)
			return err;
		n = write(s->fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;	/* a signal: room() decides whether to go on */
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
