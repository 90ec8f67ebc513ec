/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Which files make which log: a file and its rotations (events.json,
 * events.json.1, events.json.2.gz) are one log, read oldest first; a
 * directory holds every log in it (a fleet's shipper: one per host).
 */
#ifndef PS_LOGFILES_H
#define PS_LOGFILES_H

#include <stddef.h>

struct logfile {
	char *path;
	char *group;	/* dir/base: the files of one log */
	long rotation;	/* 0 the live file, N its .N or .N.gz; -1 not a rotation */
};

struct logfiles {
	struct logfile *v;	/* by group, then oldest first */
	size_t n;
};

/*
 * paths[0..npaths): files and directories; none: def_base's rotations in
 * def_dir. 0, or -errno (said on stderr). Free with logfiles__free either way.
 */
int logfiles__list(struct logfiles *l, char *const *paths, size_t npaths,
		   const char *def_dir, const char *def_base);
void logfiles__free(struct logfiles *l);

/*
 * The rotation number of name as a sibling of base: "base" 0,
 * "base.1" 1, "base.2.gz" 2; -1 when name is no rotation of base.
 */
long logfiles__rotation(const char *base, const char *name);
/*
 * The base a file name is a rotation of: "events.json.2.gz" and
 * "events.json.1" give "events.json" (into out); a name that is no
 * rotation gives itself.
 */
void logfiles__base(const char *name, char *out, size_t outsz);

#endif
