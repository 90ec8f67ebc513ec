/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* What a cgroup path says about where a process runs. */
#ifndef PS_CONTAINER_H
#define PS_CONTAINER_H

#include <stddef.h>
#include "lib/records.h"

/*
 * Classify a cgroup v2 path such as "/system.slice/docker-<id>.scope",
 * "/docker/<id>", "/kubepods.slice/.../cri-containerd-<id>.scope",
 * "/machine.slice/libpod-<id>.scope" or "/system.slice/nginx.service".
 * The innermost match wins. A Kubernetes pod's UID is read from
 * "kubepods-...-pod<uid with _>.slice" (systemd driver) or "pod<uid>"
 * (cgroupfs driver). Pure: no I/O.
 */
void container__classify(const char *cgroup_path, struct container *out);
/* The container of process pid, from root/PID/cgroup (container_pid.c);
 * all empty when it cannot be read. */
void container__of_pid(const char *proc_root, unsigned int pid, struct container *out);

#endif
