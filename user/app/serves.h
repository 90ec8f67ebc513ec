/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Who serves a port that a keeper holds: from the holder of a host port
 * (conmon, docker-proxy, rootlessport, pasta, slirp4netns, a socket
 * activation parent) to the container and the process listening behind it,
 * in its own network namespace. Read from the sockets (one snapshot of the
 * listeners, made once per command), /proc and the runtimes' state on disk;
 * no traffic.
 */
#ifndef PS_SERVES_H
#define PS_SERVES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "proc/keeper.h"
#include "sockets/diag.h"
#include "sockets/owners.h"


struct serves_ctx;

struct serves_ctx *serves__new(bool verbose);
void serves__free(struct serves_ctx *c);
/*
 * What serves behind socket held, which process pid holds with its
 * command line (NUL-separated, len bytes); own/n: every holder of held.
 * Returns true and fills out when the holder is a keeper (out->found says
 * whether the listener behind it was found).
 */
bool serves__find(struct serves_ctx *c, uint32_t pid, const char *cmdline, size_t len,
		  const struct diag_sock *held, const struct ps_owner *own, size_t n,
		  struct serves *out);

#endif
