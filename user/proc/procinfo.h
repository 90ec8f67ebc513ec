/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Reading a process's details from /proc. Parsers take byte buffers (they
 * are fed files a hostile process controls: its comm, its command line);
 * readers take a /proc root so tests can point them at a fixture tree.
 */
#ifndef PS_PROCINFO_H
#define PS_PROCINFO_H

#include <stddef.h>
#include <stdint.h>

struct proc_stat {
	uint32_t ppid;
	uint64_t start_ticks;	/* field 22: clock ticks since boot */
};

/* /proc/PID/stat. The comm may hold spaces and ')': fields are counted
 * from the last ')'. Returns 0 or -EINVAL. */
int procinfo__parse_stat(const char *buf, size_t len, struct proc_stat *st);

/* The cgroup v2 path ("0::/path") from /proc/PID/cgroup, into out.
 * Returns 0, -ENOENT (no v2 line) or -ENAMETOOLONG. */
int procinfo__parse_cgroup(const char *buf, size_t len, char *out, size_t outsz);

/* What follows name ("Uid:", "flags:") where it starts a line of text
 * (NUL-terminated: /proc/PID/status, fdinfo), or NULL. */
const char *procinfo__after(const char *text, const char *name);

/* The first number of field name ("Uid:", "PPid:") at the start of a line
 * of /proc/PID/status text (NUL-terminated). Returns 0 or -ENOENT. */
int procinfo__status_field(const char *status, const char *name, uint32_t *out);

/* Read fd until sz bytes are in buf or it ends (EINTR retried). Returns
 * the count read or -errno. */
long procinfo__fill(int fd, char *buf, size_t sz);

/* Read a whole (small) file under root into a malloc'd buffer, NUL added.
 * At most max bytes. Returns the length or -errno. */
long procinfo__read(const char *root, uint32_t pid, const char *name, size_t max,
		    char **out);

/* readlink(root/PID/name) into out. Returns 0 or -errno. */
int procinfo__link(const char *root, uint32_t pid, const char *name, char *out,
		   size_t outsz);

/* The children of process pid (of each of its threads: /proc/PID/task/
 * TID/children), at most max into out. Returns how many, or -errno. */
long procinfo__children(const char *root, uint32_t pid, uint32_t *out, size_t max);

/* A clock tick (/proc/PID/stat's unit of time) in nanoseconds. */
uint32_t procinfo__tick_ns(void);
/* Start time of a process in clock ticks, as /proc/PID/stat states it,
 * from CLOCK_BOOTTIME nanoseconds. */
uint64_t procinfo__ticks(uint64_t boottime_ns);

#endif
