/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The records the stages hand each other: a socket as sock_diag reports it
 * (sockets/ fills it), where a process runs and what /proc says of it
 * (proc/ fills them). enrich/ and output/ read them without reaching back
 * into the stages that fill them (user/STAGES).
 */
#ifndef PS_RECORDS_H
#define PS_RECORDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A socket, from sockets/diag.c. */
struct diag_sock {
	uint16_t family;	/* AF_INET / AF_INET6 */
	uint16_t proto;		/* IPPROTO_TCP / _UDP / _MPTCP */
	uint8_t state;		/* TCP_LISTEN, TCP_CLOSE (unconnected UDP), ... */
	uint16_t lport, rport;	/* host order */
	uint8_t laddr[16], raddr[16];
	uint8_t v6only;		/* AF_INET6 with IPV6_V6ONLY: no IPv4 on a [::] */
	uint32_t uid;		/* of the socket's creator */
	uint32_t ifindex;	/* bound to a device (SO_BINDTODEVICE, a link-local
				 * scope), or 0 */
	uint32_t rqueue;	/* listener: connections waiting for accept();
				 * else bytes not yet read */
	uint32_t wqueue;	/* listener: the backlog; else bytes not yet sent */
	uint32_t netns;		/* filled by the caller: the dump's namespace */
	uint64_t inode;		/* 0 for sockets no file refers to */
	uint64_t cookie;
	char ifname[16];	/* ifindex's name in the socket's namespace; "" unknown */
};

/* What a cgroup path says about where a process runs (proc/container.c). */
struct container {
	const char *runtime;	/* "docker", "containerd", "cri-o", "podman", or NULL */
	char id[65];		/* the 64-hex container id, or "" */
	char unit[256];		/* the systemd service or scope, or "" */
	char pod_uid[37];	/* the Kubernetes pod's UID (8-4-4-4-12), or "" */
};

/* A container's names from its runtime's state on disk (proc/ctrnames.c). */
struct ctr_names {
	char name[128];		/* ECS container.name ("" unknown) */
	char image[256];	/* container.image.name */
	char pod_name[128];	/* orchestrator.resource.name (a pod) */
	char pod_ns[128];	/* orchestrator.namespace */
	const char *note;	/* why nothing or only part was found; NULL */
};

/* What serves behind a keeper (app/serves.h finds it; who's records say it). */
struct serves {
	const char *keeper;	/* the holder's kind ("conmon"); NULL: no keeper */
	char how[256];		/* "published by conmon", "docker-proxy -> 172.17.0.2:80" */
	char ctr_id[65];	/* the container behind, or "" */
	const char *runtime;
	const struct ctr_names *names;	/* its names, or NULL */
	char ctr_name[128];	/* the keeper's own word for the name (conmon -n) */
	bool found;		/* a listener behind was found: the fields below */
	uint32_t pid;
	char comm[16];
	char exe[512];
	uint16_t family;
	uint8_t addr[16];
	uint16_t port;
	uint32_t netns;
};

/* What /proc adds to an event (proc/pcache.c). */
struct proc_info {
	char *exe;		/* NULL when unknown */
	char *cmdline;		/* arguments, NUL-separated; NULL when unknown */
	size_t cmdline_len;
	bool cmdline_cut;	/* longer than max_cmdline: this is its head */
	char *cgroup;		/* cgroup v2 path; NULL when unknown */
	struct container container;
};

#endif
