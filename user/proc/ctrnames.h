/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * A container's name, image and Kubernetes pod, read from its runtime's
 * state on disk (never from a daemon's API), read-only, and cached by
 * container id: the trace pays a lookup only on an event from a
 * container, and reads a file only the first time it sees that id.
 *
 *   docker      var/lib/docker/containers/<id>/config.v2.json (Name,
 *               Config.Image), else the same under the data root of a
 *               running dockerd (proc/dockerroot.h)
 *   podman,     var/lib/containers/storage/overlay-containers/
 *   cri-o       containers.json (names, metadata's image-name) and
 *               <id>/userdata/config.json (the OCI spec's annotations)
 *   containerd  run/containerd/io.containerd.runtime.v2.task/k8s.io/<id>/
 *   (and none)  config.json (the CRI annotations)
 *
 * A file missing, unreadable, malformed or larger than the reader takes
 * gives the id alone and a note saying which; a name is never guessed.
 */
#ifndef PS_CTRNAMES_H
#define PS_CTRNAMES_H

#include <stddef.h>
#include "lib/records.h"

struct ctrnames;

/* root: where the runtimes' state is ("/", or a fixture tree). */
struct ctrnames *ctrnames__new(const char *root, size_t max_entries);
/*
 * The names of container id (64 hex) of runtime ("docker", "podman",
 * "cri-o", "containerd", or NULL: not known from the cgroup). Never NULL
 * for a 64-hex id; the entry stays valid until the cache is freed or
 * holds max_entries others.
 */
const struct ctr_names *ctrnames__get(struct ctrnames *c, const char *runtime,
				      const char *id);
/* How many lookups read the runtimes' files (cache misses). */
unsigned long ctrnames__loads(const struct ctrnames *c);
void ctrnames__free(struct ctrnames *c);

/* The tool's own cache of the host's runtimes (root "/"), made on first
 * use; NULL when out of memory. */
struct ctrnames *ctrnames__host(void);

/*
 * The parsers, pure, over one file's bytes (for the cache and the
 * fuzzer). Each returns 0 when it found what it reads, else -errno, and
 * fills only what it found.
 */
int ctrnames__docker(const char *buf, size_t len, struct ctr_names *out);
int ctrnames__storage(const char *buf, size_t len, const char *id, struct ctr_names *out);
int ctrnames__oci(const char *buf, size_t len, struct ctr_names *out);

#endif
