// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "output/sink.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <stdbool.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define STOP_WAIT_MS 1000

struct sink {
	int fd;
	bool datagram;		/* one datagram per record (syslog, journal) */
	bool strip_newline;
	/* What the fd was opened from, to open again: the file (logrotate
	 * moved it), the socket (the daemon restarted); NULL for an fd the
	 * sink does not own (stdout). */
	char *path;
	const volatile sig_atomic_t *stopping;
};

static int dgram_connect(const char *path);

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

static int open_log(const char *path)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY,
		      0640);
	struct stat st;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	return fd;
}

/* A sink that owns fd, opened from path (or the -errno of opening it). */
static int sink_owning(int fd, const char *path, struct sink **out)
{
	struct sink *s;

	if (fd < 0)
		return fd;
	s = calloc(1, sizeof(*s));
	if (!s || !(s->path = strdup(path))) {
		free(s);
		close(fd);
		return -ENOMEM;
	}
	s->fd = fd;
	*out = s;
	return 0;
}

int sink__file(const char *path, struct sink **out)
{
	return sink_owning(open_log(path), path, out);
}

static int sink__dgram(const char *path, bool strip_newline, struct sink **out);

int sink__syslog(const char *path, struct sink **out)
{
	return sink__dgram(path, true, out);
}

int sink__journal(const char *path, struct sink **out)
{
	return sink__dgram(path, false, out);
}

bool sink__datagram(const struct sink *s)
{
	return s->datagram;
}

static int sink__dgram(const char *path, bool strip_newline, struct sink **out)
{
	int err = sink_owning(dgram_connect(path), path, out);

	if (!err) {
		(*out)->datagram = true;
		(*out)->strip_newline = strip_newline;
	}
	return err;
}

static int dgram_connect(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd, err;

	if (strlen(path) >= sizeof(sun.sun_path))
		return -ENAMETOOLONG;
	strcpy(sun.sun_path, path);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun))) {
		struct stat st;

		err = -errno;
		close(fd);
		/* connect() to a file that is no socket says ECONNREFUSED. */
		if (err == -ECONNREFUSED && !stat(path, &st) && !S_ISSOCK(st.st_mode))
			err = -ENOTSOCK;
		return err;
	}
	return fd;
}

/* The daemon restarted and made a new socket: connect to it again. */
static int dgram_reconnect(struct sink *s)
{
	int fd = dgram_connect(s->path);

	if (fd < 0)
		return fd;
	close(s->fd);
	s->fd = fd;
	return 0;
}

/* One record, one datagram (the caller writes records one at a time). */
static int send_record(struct sink *s, const char *buf, size_t len, size_t *done)
{
	bool retried = false;
	size_t n = len;

	/* A syslog message does not end in a newline; a journal entry does. */
	if (s->strip_newline && n && buf[n - 1] == '\n')
		n--;
	for (;;) {
		int err = room(s);	/* stopping: a reader that does not read gets 1 s */

		if (err)
			return err;
		if (send(s->fd, buf, n, 0) >= 0)
			break;
		err = -errno;
		if (err == -EINTR)
			continue;
		if ((err == -ECONNREFUSED || err == -ENOTCONN) && !retried &&
		    !dgram_reconnect(s)) {
			retried = true;
			continue;
		}
		return err;
	}
	*done = len;	/* the whole record, the newline not sent included */
	return 0;
}

const char *sink__why(int err)
{
	switch (err) {
	case -EINVAL:
		return "not a regular file";
	case -ELOOP:
		return "a symbolic link: portsnoop writes only to the file itself (give its "
		       "real path)";
	case -ENOTSOCK:
		return "not a socket (a syslog or journal daemon's socket is expected)";
	}
	return strerror(-err);
}

bool sink__empty(const struct sink *s)
{
	struct stat st;

	return s->path && !s->datagram && !fstat(s->fd, &st) && S_ISREG(st.st_mode) &&
	       st.st_size == 0;
}

int sink__reopen(struct sink *s)
{
	int fd;

	if (s->datagram)
		return dgram_reconnect(s);
	if (!s->path)
		return 0;
	fd = open_log(s->path);
	if (fd < 0)
		return fd;
	close(s->fd);
	s->fd = fd;
	return 0;
}

/* A file that filled up mid-line: cut it back to the last whole line. */
static size_t take_back(struct sink *s, const char *buf, size_t done, off_t start)
{
	size_t keep = done;

	while (keep && buf[keep - 1] != '\n')
		keep--;
	if (keep != done && start >= 0 && ftruncate(s->fd, start + (off_t)keep))
		return done;	/* could not: the partial line stays, say so */
	return keep;
}

int sink__write(struct sink *s, const char *buf, size_t len, size_t *done)
{
	off_t start;
	size_t off = 0;

	*done = 0;
	if (s->datagram)
		return send_record(s, buf, len, done);
	start = s->path ? lseek(s->fd, 0, SEEK_END) : -1;
	while (off < len) {
		int err = room(s);
		ssize_t n;

		if (!err) {
			n = write(s->fd, buf + off, len - off);
			if (n < 0 && errno == EINTR)
				continue;	/* a signal: room() decides whether to go on */
			err = n < 0 ? -errno : 0;
			if (!err)
				off += (size_t)n;
		}
		if (err) {
			*done = s->path ? take_back(s, buf, off, start) : off;
			return err;
		}
	}
	*done = len;
	return 0;
}

int sink__poll_fd(const struct sink *s)
{
	return s->path ? -1 : s->fd;
}

void sink__free(struct sink *s)
{
	if (!s)
		return;
	if (s->path)
		close(s->fd);
	free(s->path);
	free(s);
}
