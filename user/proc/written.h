/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The files a process has open for writing (who's "writing" lines), from
 * /proc/PID/fd and /proc/PID/fdinfo. */
#ifndef PS_WRITTEN_H
#define PS_WRITTEN_H

#include <stdint.h>

typedef void (*written_fn)(void *ctx, const char *path);

/*
 * Call cb with each file process pid has open for writing: a path (not a
 * socket, pipe or anon inode), not under /dev or /proc, whose fdinfo flags
 * say O_WRONLY or O_RDWR; once per fd, so a file written through several
 * fds comes several times. Returns 0, or -errno when root/PID/fd cannot be
 * read.
 */
int written__each(const char *root, uint32_t pid, written_fn cb, void *ctx);

/* The flags (octal) of /proc/PID/fdinfo/FD text (NUL-terminated), from
 * its "flags:" line. Returns 0 or -ENOENT. */
int written__flags(const char *fdinfo, unsigned long *flags);

#endif
