/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Which processes hold which socket: (socket inode, pid, fd, comm) for
 * every open socket file, from the BPF task_file iterator (loader/owners_iter.c, handed to
 * snapshot__owners_from() by main) or, where iterators are unavailable,
 * from /proc/PID/fd.
 */
#ifndef PS_OWNERS_H
#define PS_OWNERS_H

#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>
#include "portsnoop.h"

struct owners {
	struct ps_owner *v;
	size_t n, cap;
	size_t unreadable;	/* processes whose fds could not be read */
};

int owners__add(struct owners *o, const struct ps_owner *rec);
/* Append every socket fd found under proc_root/PID/fd. Returns 0 or -errno. */
int owners__from_proc(struct owners *o, const char *proc_root);
/* Append the records of a BPF iterator: whole struct ps_owner's. */
int owners__from_records(struct owners *o, const void *buf, size_t len);
/* Append the records read from fd (a BPF iterator's) until its end.
 * Returns 0 or -errno; -EBADMSG when the last record is cut short. */
int owners__from_fd(struct owners *o, int fd);
/* Order by (inode, pid, fd); call once before owners__find. */
void owners__sort(struct owners *o);
/* The owners of a socket inode: *count records from the returned one. */
const struct ps_owner *owners__find(const struct owners *o, uint64_t inode, size_t *count);
void owners__free(struct owners *o);

#endif
