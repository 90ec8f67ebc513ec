/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Port keepers and proxies: processes that hold a host port for someone
 * else (a container runtime's keeper, a userland proxy, a socket
 * activation parent). What their command line says about whom they hold
 * it for. Pure: no I/O.
 *
 *   conmon --api-version 1 -c <id> -u <id> -r /usr/bin/runc -b <bundle> -n <name> ...
 *   docker-proxy -proto tcp -host-ip 0.0.0.0 -host-port 18090
 *                -container-ip 172.17.0.2 -container-port 80
 *   slirp4netns [OPTIONS] PID TAPNAME: forwards host ports (added through
 *                its API socket) into the network namespace of PID
 *   rootlessport: known by name (its configuration comes on its stdin);
 *                its child runs in the container's network namespace
 *   pasta: known by name (its arguments name no container)
 *   dockerd: with userland-proxy off it keeps a published host port bound
 *                (the traffic goes by its DNAT rule); which container
 *                publishes it is in its data root (proc/dockerroot.h)
 *   systemd-socket-activate [-l ADDR]... [-a] ... PROGRAM [ARGS]: holds the
 *                socket until the first connection, then execs PROGRAM
 */
#ifndef PS_KEEPER_H
#define PS_KEEPER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "lib/records.h"

enum keeper_kind {
	KEEPER_NONE,
	KEEPER_CONMON,
	KEEPER_DOCKER_PROXY,
	KEEPER_ROOTLESSPORT,
	KEEPER_PASTA,
	KEEPER_SLIRP4NETNS,
	KEEPER_SOCKET_ACTIVATE,
	KEEPER_DOCKERD,
};

struct keeper {
	enum keeper_kind kind;
	const char *name;	/* "conmon", "docker-proxy", ...; NULL for none */
	char id[65];		/* conmon: the container id (-c), else "" */
	char ctr_name[128];	/* conmon: the container name (-n), else "" */
	char to_ip[46];		/* docker-proxy: -container-ip, else "" */
	uint16_t to_port;	/* docker-proxy: -container-port, else 0 */
	char program[256];	/* systemd-socket-activate: what it will exec */
	uint32_t target_pid;	/* slirp4netns: the process whose namespace it
				 * serves (its PID argument), else 0 */
};

/*
 * Classify a command line (NUL-separated arguments, as /proc/PID/cmdline;
 * len bytes, the last NUL there or not). Returns the kind (KEEPER_NONE when it is no keeper); a
 * malformed argument (an id that is not 64 hex, a port out of range, an
 * address too long) is left out, never guessed.
 */
enum keeper_kind keeper__parse(const char *cmdline, size_t len, struct keeper *out);


#endif
