/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The executables the kernel saw at exec (bpf/exec.bpf.c), by program:
 * (pid, start time, exec count). They answer process.executable for a
 * process that is gone before /proc/PID/exe could be read. Bounded: the
 * oldest exec is forgotten first. Records come in exec order and a
 * short-lived program's socket records follow its exec record closely; a
 * program old enough to be forgotten has usually been read from /proc.
 */
#ifndef PS_EXES_H
#define PS_EXES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The path from the exec record's names (leaf first, each NUL-terminated,
 * len bytes): "nginx\0sbin\0usr\0", read from the end, is "/usr/sbin/nginx".
 * Returns the path's length, or -EINVAL (empty, a name with '/', no final
 * NUL), -ENAMETOOLONG (out too small). Pure, for the unit tests.
 */
int exes__path(const char *names, size_t len, char *out, size_t outsz);

struct exes;

struct exes *exes__new(size_t max_entries);
/* A program started: its record's identity and names (see exes__path).
 * A record whose walk was cut short (PS_F_EXE_TRUNCATED) adds nothing:
 * a path without its head would be another path. */
void exes__exec(struct exes *t, uint32_t pid, uint64_t start_ns, uint32_t exec_id,
		const char *names, size_t len, bool truncated);
/* The path this program was exec'd from, or NULL when its exec was not seen. */
const char *exes__find(const struct exes *t, uint32_t pid, uint64_t start_ns, uint32_t exec_id);
size_t exes__count(const struct exes *t);
void exes__free(struct exes *t);

#endif
