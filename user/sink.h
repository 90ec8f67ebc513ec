/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Where output lines go. Each line is written whole with write(2), so a
 * reader sees it as soon as it happens, piped or not. */
#ifndef PS_SINK_H
#define PS_SINK_H

#include <stddef.h>

struct sink;

#include <signal.h>

/* A sink over an fd portsnoop does not own (stdout). */
int sink__fd(int fd, struct sink **out);
/*
 * Once *stopping is set (by a signal handler), a write waits at most a
 * second for a reader that does not read, then gives up (-ETIMEDOUT): a
 * stuck pipe cannot keep portsnoop from stopping.
 */
void sink__set_stopping(struct sink *s, const volatile sig_atomic_t *stopping);
/* Write all of buf. -EPIPE when the reader is gone; other -errno. */
int sink__write(struct sink *s, const char *buf, size_t len);
/* The fd to watch for the reader going away, or -1. */
int sink__poll_fd(const struct sink *s);
void sink__free(struct sink *s);

#endif
