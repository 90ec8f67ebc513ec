/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Finding and, where missing, privately mounting the filesystems we need. */
#ifndef PS_MOUNTS_H
#define PS_MOUNTS_H

#include <stddef.h>
#include <stdint.h>

/*
 * Find the first mount of type fstype in a /proc/PID/mountinfo text and
 * copy its (unescaped) mount point to out. Returns 0, -ENOENT when there is
 * none, -ENAMETOOLONG when out is too small.
 */
int mounts__find(const char *mountinfo, size_t len, const char *fstype,
		 char *out, size_t outsz);

/* Same, reading the mountinfo file at path (a seam for tests). */
int mounts__find_in(const char *path, const char *fstype, char *out, size_t outsz);

/*
 * Make sure tracefs is reachable where libbpf looks for tracepoint ids.
 * When it is not mounted, mount it in a private mount namespace of this
 * process so the host is left untouched. *note is set to a sentence
 * saying what was done, or NULL. Returns 0 or -errno.
 */
int mounts__ensure_tracefs(const char **note);

/*
 * Open the root of the cgroup v2 hierarchy (O_RDONLY|O_DIRECTORY). When
 * cgroup2 is not mounted, it is mounted privately and the mount is detached
 * again once the fd is held. path receives where it was found.
 */
int mounts__open_cgroup2(char *path, size_t pathsz, const char **note);

/*
 * The cgroup v2 id (the directory's inode) of path and its depth below the
 * hierarchy's root (mountinfo says where that is). Returns 0 or -errno;
 * -EXDEV when path is not in the cgroup v2 hierarchy.
 */
int mounts__cgroup_id(const char *path, uint64_t *id, uint32_t *level);

#endif
