/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * cgroup v2 id -> path, without /proc: a cgroup outlives the short-lived
 * processes in it, so the id the kernel captured at the event still names
 * it after they are gone. The id is the kernfs node id of the cgroup's
 * directory, and kernfs exports a file handle holding just that id
 * (FILEID_KERNFS): open_by_handle_at() on the cgroup2 mount opens the
 * directory, and its /proc/self/fd link is its path. That needs
 * CAP_DAC_READ_SEARCH, which portsnoop keeps after it drops the rest
 * (user/proc/caps.h). Results are cached by id; ids are never reused, so
 * a cgroup found gone stays gone.
 */
#ifndef PS_CGPATHS_H
#define PS_CGPATHS_H

#include <stddef.h>
#include <stdint.h>

struct cgpaths;

/*
 * mount_fd: the cgroup2 mount's root directory (kept open; the caller
 * closes it after cgpaths__free). Returns NULL on ENOMEM.
 */
struct cgpaths *cgpaths__new(int mount_fd, size_t max_entries);
/*
 * The path of cgroup id below the mount ("/system.slice/nginx.service"),
 * or NULL: the cgroup is gone, or ids cannot be resolved here (no
 * CAP_DAC_READ_SEARCH, a kernel without kernfs handles: said once by
 * cgpaths__why_not()).
 */
const char *cgpaths__get(struct cgpaths *c, uint64_t id);
/* Why no id can be resolved at all, or NULL while they can. */
const char *cgpaths__why_not(const struct cgpaths *c);
/* How many ids were resolved by a handle (cache misses) since the start. */
uint64_t cgpaths__loads(const struct cgpaths *c);
void cgpaths__free(struct cgpaths *c);

/*
 * The path below the mount from the two /proc/self/fd links: the mount
 * root's ("/sys/fs/cgroup") and the cgroup's ("/sys/fs/cgroup/a/b" ->
 * "/a/b"). Returns 0, or -EXDEV when link is not below mount. Pure.
 */
int cgpaths__relative(const char *mount, const char *link, char *out, size_t outsz);

#endif
