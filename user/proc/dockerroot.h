/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Where each running dockerd keeps its state (its data root), so that a
 * container's config.v2.json is found under a data root other than
 * /var/lib/docker. dockerd is told it on its command line (--data-root,
 * or the older -g/--graph) or in its configuration file (--config-file,
 * else /etc/docker/daemon.json: "data-root", or the older "graph").
 * Read from /proc, read-only, never from the daemon's API; every path is
 * seen through /proc/PID/root, so a dockerd in another mount namespace is
 * found too.
 */
#ifndef PS_DOCKERROOT_H
#define PS_DOCKERROOT_H

#include <stddef.h>
#include <stdint.h>

#define DOCKERROOT_PATH 512

/*
 * A dockerd command line (NUL-separated, as /proc/PID/cmdline; len bytes):
 * the data root it names into root ("" if none) and its configuration
 * file into config ("" if none). Only absolute paths that fit are taken.
 * Pure.
 */
void dockerroot__args(const char *cmdline, size_t len, char *root, char *config);
/* A daemon.json's "data-root" (or "graph") into root: 0, or -errno
 * (-EINVAL malformed, -ENOENT none, or not an absolute path). Pure. */
int dockerroot__config(const char *buf, size_t len, char *root);
/*
 * The data roots of the dockerd processes of root's /proc (root: "/", or
 * a fixture tree), each as a path from root, "/proc/<pid>/root<data
 * root>" (/var/lib/docker for a dockerd told none); at most max of them.
 * Returns how many.
 */
size_t dockerroot__find(const char *root, char (*out)[DOCKERROOT_PATH], size_t max);

/* The data root of dockerd pid, as a path from root: "/proc/<pid>/root<data
 * root>". */
void dockerroot__path(const char *root, uint32_t pid, char *out);

/*
 * The container of dockerd pid (under root: "/", or a fixture tree) whose
 * hostconfig.json publishes host_port for proto: its id (64 hex) into id
 * and its own port into ctr_port. Returns 0 or -ENOENT.
 */
int dockerroot__published(const char *root, uint32_t pid, const char *proto,
			  uint16_t host_port, char *id, uint16_t *ctr_port);

/*
 * A container's hostconfig.json: whether its PortBindings publish
 * host_port for proto ("tcp", "udp"), and then the container's port into
 * ctr_port. Returns 0, -ENOENT (not published there) or -EINVAL
 * (malformed). Pure.
 */
int dockerroot__binding(const char *buf, size_t len, const char *proto, uint16_t host_port,
			uint16_t *ctr_port);

#endif
