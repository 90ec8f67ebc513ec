/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The names people give network namespaces: `ip netns add NAME` keeps a
 * namespace alive as an nsfs bind mount at /run/netns/NAME. Tables name a
 * namespace by it where one exists, else by its inode.
 */
#ifndef PS_NSNAMES_H
#define PS_NSNAMES_H

#include <stdint.h>

/*
 * The name of network namespace inode, or NULL. The directory is read once,
 * and again (at most once a second) when an inode is not in it: a namespace
 * added while tracing is named from then on.
 */
const char *nsnames__name(uint32_t inode);

/* Read names from dir instead of /run/netns (tests); forgets what was read. */
void nsnames__use_dir(const char *dir);

#endif
