/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Where output lines go. Each line is written whole with write(2), so a
 * reader sees it as soon as it happens, piped or not. */
#ifndef PS_SINK_H
#define PS_SINK_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

struct sink;

/* A sink over an fd portsnoop does not own (stdout). */
int sink__fd(int fd, struct sink **out);
/*
 * A file portsnoop appends to: created 0640 when missing, never opened
 * through a symbolic link (O_NOFOLLOW) nor as anything but a regular file.
 */
int sink__file(const char *path, struct sink **out);

/* A syslog socket (AF_UNIX datagram, /dev/log or another path) and the
 * journal's native socket: every write is one record, one datagram. */
int sink__syslog(const char *path, struct sink **out);
int sink__journal(const char *path, struct sink **out);
/* Records must be written one at a time. */
bool sink__datagram(const struct sink *s);
/* Open the file's path again (logrotate renamed it and sent SIGHUP); lines
 * already written stay in the renamed file. No-op for an fd sink. */
int sink__reopen(struct sink *s);
/* A file sink whose file is empty (a new one after a rotation). */
bool sink__empty(const struct sink *s);
/* Why a sink could not be opened, in words: the -errno of sink__file(),
 * sink__syslog() or sink__journal(). */
const char *sink__why(int err);
/*
 * Once *stopping is set (by a signal handler), a write waits at most a
 * second for a reader that does not read, then gives up (-ETIMEDOUT): a
 * stuck pipe cannot keep portsnoop from stopping.
 */
void sink__set_stopping(struct sink *s, const volatile sig_atomic_t *stopping);
/*
 * Write all of buf (whole lines). -EPIPE when the reader is gone; other
 * -errno. *done says how many bytes of buf are out; for a file, a line cut
 * by the error (a full disk) is taken back, so *done ends on a line.
 */
int sink__write(struct sink *s, const char *buf, size_t len, size_t *done);
/* The fd to watch for the reader going away, or -1 (files: none). */
int sink__poll_fd(const struct sink *s);
void sink__free(struct sink *s);

#endif
