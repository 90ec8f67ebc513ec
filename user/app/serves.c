// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "app/serves.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "app/commands.h"
#include "output/names.h"
#include "proc/container.h"
#include "proc/ctrnames.h"
#include "proc/dockerroot.h"
#include "proc/keeper.h"
#include "proc/nspaths.h"
#include "proc/pcache.h"
#include "proc/procinfo.h"
#include "sockets/snapshot.h"

#define ROOT "/proc"

/* The container of each pid looked at, so that naming what is behind 50
 * keepers reads each listener's cgroup once, not once per keeper. */
#define PID_SLOTS 1024

struct pid_ctr {
	uint32_t pid;		/* 0: free */
	const char *runtime;
	char id[65];
};

struct serves_ctx {
	bool verbose, tried, have;
	struct snapshot snap;	/* every listener, every namespace */
	const struct snapshot *borrowed;
	struct pid_ctr *pids;	/* PID_SLOTS, open addressing; NULL: none yet */
};

struct serves_ctx *serves__new(bool verbose)
{
	struct serves_ctx *c = calloc(1, sizeof(*c));

	if (c)
		c->verbose = verbose;
	return c;
}

void serves__free(struct serves_ctx *c)
{
	if (!c)
		return;
	if (c->have)
		snapshot__free(&c->snap);
	free(c->pids);
	free(c);
}

void serves__borrow(struct serves_ctx *c, const struct snapshot *snap)
{
	if (c)
		c->borrowed = snap;
}

static const struct snapshot *listeners(struct serves_ctx *c)
{
	struct snapshot_opts so = { .tcp = true, .udp = true };

	if (c->borrowed)
		return c->borrowed;
	if (!c->tried) {
		c->tried = true;
		c->have = !cmd__snapshot(&c->snap, &so, c->verbose);
	}
	return c->have ? &c->snap : NULL;
}

static void small(uint32_t pid, const char *name, char *out, size_t sz)
{
	char *buf = NULL;
	long n = procinfo__read(ROOT, pid, name, sz - 1, &buf);

	out[0] = '\0';
	if (n > 0) {
		memcpy(out, buf, (size_t)n);
		out[n] = '\0';
		out[strcspn(out, "\n")] = '\0';
	}
	free(buf);
}

static void fill(struct serves *out, const struct diag_sock *s, uint32_t pid)
{
	out->found = true;
	out->pid = pid;
	out->family = s->family;
	memcpy(out->addr, s->laddr, sizeof(out->addr));
	out->port = s->lport;
	out->netns = s->netns;
	small(pid, "comm", out->comm, sizeof(out->comm));
	if (procinfo__link(ROOT, pid, "exe", out->exe, sizeof(out->exe)))
		out->exe[0] = '\0';
}

static bool listening(const struct diag_sock *s, const struct diag_sock *held)
{
	if (s->proto != held->proto || s->netns == held->netns || !s->inode)
		return false;
	return s->proto == IPPROTO_UDP || s->state == TCP_LISTEN;
}

static bool wildcard(const struct diag_sock *s)
{
	static const uint8_t zero[16];

	return !memcmp(s->laddr, zero, s->family == AF_INET ? 4 : 16);
}

/* to_ip is the container's address: the listener behind has it (pass 0)
 * or, failing that, the wildcard (pass 1), on to_port, in another
 * namespace. */
static bool address_fits(const struct diag_sock *s, const char *to_ip, int pass)
{
	char a[NAMES_ADDR_LEN];

	if (pass)
		return wildcard(s);
	names__addr(s->family, s->laddr, a, sizeof(a));
	return !strcmp(a, to_ip);
}

/*
 * Whether the network namespace of process pid has ip as a local address:
 * a wildcard listener is behind the proxy only where the container's
 * address is. IPv4 from net/fib_trie ("|-- 172.17.0.2" then "/32 host
 * LOCAL"), IPv6 from net/if_inet6 (32 hex digits a line).
 */
static bool has_address(uint32_t pid, const char *ip)
{
	uint8_t a[16];
	char want[64], *buf = NULL, *p;
	bool v6 = strchr(ip, ':') != NULL, found = false;
	long n;

	if (inet_pton(v6 ? AF_INET6 : AF_INET, ip, a) != 1)
		return false;
	if (v6) {
		for (int i = 0; i < 16; i++)
			snprintf(want + 2 * i, 3, "%02x", a[i]);
	} else {
		snprintf(want, sizeof(want), "|-- %s\n", ip);
	}
	n = procinfo__read(ROOT, pid, v6 ? "net/if_inet6" : "net/fib_trie", 1u << 20, &buf);
	if (n > 0 && v6) {
		for (p = buf; p && !found; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
			found = !strncmp(p, want, 32);
	} else if (n > 0) {
		for (p = strstr(buf, want); p && !found; p = strstr(p + 1, want)) {
			const char *next = p + strlen(want);

			next += strspn(next, " ");
			found = !strncmp(next, "/32 host LOCAL", 14);
		}
	}
	free(buf);
	return found;
}

static void container_of(struct serves_ctx *c, uint32_t pid, struct pid_ctr *out)
{
	struct container ctr;
	size_t h = pid % PID_SLOTS;

	if (!c->pids)
		c->pids = calloc(PID_SLOTS, sizeof(*c->pids));
	for (size_t k = 0; c->pids && k < PID_SLOTS; k++) {
		struct pid_ctr *e = &c->pids[(h + k) % PID_SLOTS];

		if (e->pid == pid) {
			*out = *e;
			return;
		}
		if (e->pid)
			continue;
		container__of_pid(ROOT, pid, &ctr);
		e->pid = pid;
		e->runtime = ctr.runtime;
		memcpy(e->id, ctr.id, sizeof(e->id));
		*out = *e;
		return;
	}
	container__of_pid(ROOT, pid, &ctr);	/* no memory, or full */
	out->pid = pid;
	out->runtime = ctr.runtime;
	memcpy(out->id, ctr.id, sizeof(out->id));
}

/* The first holder of a listener behind the keeper that fits. */
static void behind(struct serves_ctx *c, const struct keeper *k, const struct diag_sock *held,
		   struct serves *out)
{
	const struct snapshot *snap = listeners(c);

	for (int pass = 0; snap && pass < 2 && !out->found; pass++)
		for (size_t i = 0; i < snap->n && !out->found; i++) {
			const struct diag_sock *s = &snap->socks[i];
			const struct ps_owner *own;
			size_t n;

			if (!listening(s, held))
				continue;
			if (k->kind == KEEPER_DOCKER_PROXY &&
			    (s->lport != k->to_port || !address_fits(s, k->to_ip, pass)))
				continue;
			if (k->kind == KEEPER_DOCKERD && (pass || s->lport != k->to_port))
				continue;
			own = owners__find(&snap->owners, s->inode, &n);
			for (size_t j = 0; j < n && !out->found; j++) {
				struct pid_ctr ctr;

				container_of(c, own[j].pid, &ctr);
				if ((k->kind == KEEPER_CONMON || k->kind == KEEPER_DOCKERD) &&
				    strcmp(ctr.id, k->id))
					continue;
				if (k->kind == KEEPER_DOCKER_PROXY && pass &&
				    !has_address(own[j].pid, k->to_ip))
					continue;
				if (ctr.id[0]) {
					memcpy(out->ctr_id, ctr.id, sizeof(out->ctr_id));
					if (ctr.runtime)
						out->runtime = ctr.runtime;
				}
				fill(out, s, own[j].pid);
			}
		}
}

/* The container of a listener whose cgroup names none (rootless podman
 * on cgroup v1, or without a delegated cgroup): its parent, when that is
 * conmon, names it (-c, -n). */
static void conmon_parent(uint32_t pid, struct serves *out)
{
	struct proc_stat st;
	struct keeper k;
	char *buf = NULL, comm[16];
	long n = procinfo__read(ROOT, pid, "stat", 4096, &buf);

	if (n <= 0 || procinfo__parse_stat(buf, (size_t)n, &st)) {
		free(buf);
		return;
	}
	free(buf);
	buf = NULL;
	small(st.ppid, "comm", comm, sizeof(comm));
	if (strcmp(comm, "conmon"))
		return;
	n = procinfo__read(ROOT, st.ppid, "cmdline", 65536, &buf);
	if (n > 0 && keeper__parse(buf, (size_t)n, &k) == KEEPER_CONMON && k.id[0]) {
		memcpy(out->ctr_id, k.id, sizeof(out->ctr_id));
		memcpy(out->ctr_name, k.ctr_name, sizeof(out->ctr_name));
		out->runtime = "podman";
	}
	free(buf);
}

/* The listener in network namespace ino that a keeper forwards to: the
 * one on the held port, else the only one there (more than one, none
 * on the held port: none is guessed). */
static void behind_netns(struct serves_ctx *c, uint32_t ino, const struct diag_sock *held,
			 struct serves *out)
{
	const struct snapshot *snap = listeners(c);
	const struct diag_sock *only = NULL;
	size_t count = 0;

	for (size_t i = 0; snap && i < snap->n; i++) {
		const struct diag_sock *s = &snap->socks[i];

		if (!listening(s, held) || s->netns != ino)
			continue;
		if (s->lport == held->lport) {
			only = s;
			count = 1;
			break;
		}
		only = s;
		count++;
	}
	if (count == 1) {
		size_t n;
		const struct ps_owner *own = owners__find(&snap->owners, only->inode, &n);
		struct pid_ctr ctr;

		if (!n)
			return;
		container_of(c, own[0].pid, &ctr);
		if (ctr.id[0]) {
			memcpy(out->ctr_id, ctr.id, sizeof(out->ctr_id));
			out->runtime = ctr.runtime;
		} else {
			conmon_parent(own[0].pid, out);
		}
		fill(out, only, own[0].pid);
	}
}

/* The network namespace of pid; 0 when it cannot be read. */
static uint32_t netns_of(uint32_t pid)
{
	char p[16];

	snprintf(p, sizeof(p), "%u", pid);
	return nspaths__of(p);
}

/* slirp4netns forwards into the namespace of its PID argument. */
static void behind_slirp(struct serves_ctx *c, const struct keeper *k,
			 const struct diag_sock *held, struct serves *out)
{
	uint32_t ino = k->target_pid ? netns_of(k->target_pid) : 0;

	if (ino)
		behind_netns(c, ino, held, out);
}

/* rootlessport (rootless podman's port keeper) hands each connection to
 * its child, rootlessport-child, which runs in the container's network
 * namespace: the first child in a namespace other than the held port's. */
static void behind_rootlessport(struct serves_ctx *c, uint32_t pid, const struct diag_sock *held,
				struct serves *out)
{
	uint32_t kids[16];
	long n = procinfo__children(ROOT, pid, kids, 16);

	for (long i = 0; i < n; i++) {
		uint32_t ino = netns_of(kids[i]);

		if (ino && ino != held->netns) {
			behind_netns(c, ino, held, out);
			return;
		}
	}
}

/* dockerd with userland-proxy off: the container whose hostconfig.json
 * publishes the held port, then its listener on its own port. False when
 * none does (dockerd's own sockets, its API). */
static bool behind_dockerd(struct serves_ctx *c, uint32_t pid, struct keeper *k,
			   const struct diag_sock *held, struct serves *out)
{
	if (dockerroot__published("/", pid, held->proto == IPPROTO_UDP ? "udp" : "tcp",
				  held->lport, k->id, &k->to_port))
		return false;
	memcpy(out->ctr_id, k->id, sizeof(out->ctr_id));
	out->runtime = "docker";
	behind(c, k, held, out);
	return true;
}

/* systemd (pid 1) or a socket-activation parent holds what a service
 * it started accepts on: the other holder serves. */
static bool activation(uint32_t pid, const char *comm, const struct ps_owner *own, size_t n,
		       const struct diag_sock *held, struct serves *out)
{
	if (pid != 1 || strcmp(comm, "systemd"))
		return false;
	out->keeper = "systemd";
	for (size_t j = 0; j < n; j++)
		if (own[j].pid != pid) {
			fill(out, held, own[j].pid);
			snprintf(out->how, sizeof(out->how), "activated by systemd, served by %s[%u]",
				 out->comm, out->pid);
			return true;
		}
	snprintf(out->how, sizeof(out->how), "activated by systemd, no service holds it yet");
	return true;
}

/* "container web, httpd[25257] on [::]:80": what was found behind. */
static void what_behind(const struct serves *out, char *buf, size_t sz)
{
	const char *name = out->names && out->names->name[0] ? out->names->name : out->ctr_name;
	char ep[NAMES_ADDR_LEN];
	int k = 0;

	buf[0] = '\0';
	if (name[0])
		k = snprintf(buf, sz, ": container %.128s", name);
	else if (out->ctr_id[0])
		k = snprintf(buf, sz, ": container %.12s", out->ctr_id);
	if (out->found && k >= 0 && (size_t)k < sz) {
		names__endpoint(out->family, out->addr, out->port, ep, sizeof(ep));
		snprintf(buf + k, sz - (size_t)k, "%s%s[%u] on %s", k ? ", " : ": ", out->comm,
			 out->pid, ep);
	}
}

static void describe(const struct keeper *k, struct serves *out)
{
	char tail[224];

	what_behind(out, tail, sizeof(tail));
	switch (k->kind) {
	case KEEPER_DOCKER_PROXY:
		snprintf(out->how, sizeof(out->how), "docker-proxy -> %s:%u%s", k->to_ip, k->to_port,
			 tail);
		break;
	case KEEPER_SOCKET_ACTIVATE:
		snprintf(out->how, sizeof(out->how),
			 "activated by systemd-socket-activate, served by %.160s from the first "
			 "connection", k->program[0] ? k->program : "(no program)");
		break;
	default:
		snprintf(out->how, sizeof(out->how), "published by %s%s", k->name, tail);
	}
}

bool serves__find(struct serves_ctx *c, uint32_t pid, const char *cmdline, size_t len,
		  const struct diag_sock *held, const struct ps_owner *own, size_t n,
		  struct serves *out)
{
	struct keeper k;
	char comm[16];

	memset(out, 0, sizeof(*out));
	small(pid, "comm", comm, sizeof(comm));
	if (activation(pid, comm, own, n, held, out))
		return true;
	if (!cmdline || keeper__parse(cmdline, len, &k) == KEEPER_NONE)
		return false;
	out->keeper = k.name;
	memcpy(out->ctr_name, k.ctr_name, sizeof(out->ctr_name));
	if (k.id[0]) {
		memcpy(out->ctr_id, k.id, sizeof(out->ctr_id));
		out->runtime = "podman";
	}
	if (k.kind == KEEPER_CONMON || k.kind == KEEPER_DOCKER_PROXY)
		behind(c, &k, held, out);
	else if (k.kind == KEEPER_SLIRP4NETNS)
		behind_slirp(c, &k, held, out);
	else if (k.kind == KEEPER_ROOTLESSPORT)
		behind_rootlessport(c, pid, held, out);
	else if (k.kind == KEEPER_DOCKERD && !behind_dockerd(c, pid, &k, held, out))
		return false;
	if (out->ctr_id[0])
		out->names = ctrnames__get(ctrnames__host(), out->runtime, out->ctr_id);
	describe(&k, out);
	return true;
}

bool serves__candidate(uint32_t pid, const char *comm)
{
	static const char *const names[] = { "conmon", "docker-proxy", "rootlessport",
					     "rootlessport-ch", "pasta", "passt", "slirp4netns",
					     "systemd-socket-", "dockerd" };

	if (pid == 1)
		return true;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(comm, names[i]))
			return true;
	return false;
}

bool serves__holders(struct serves_ctx *c, const struct diag_sock *held,
		     const struct ps_owner *own, size_t n, struct serves *out)
{
	for (size_t j = 0; j < n; j++) {
		char *cmd = NULL;
		long len;
		bool found;

		if ((j && own[j].pid == own[j - 1].pid) || !serves__candidate(own[j].pid, own[j].comm))
			continue;
		len = procinfo__read(ROOT, own[j].pid, "cmdline", 65536, &cmd);
		found = serves__find(c, own[j].pid, len > 0 ? cmd : NULL, len > 0 ? (size_t)len : 0,
				     held, own, n, out);
		free(cmd);
		if (found)
			return true;
	}
	return false;
}

bool serves__of_keeper(const char *comm, const char *cmdline, size_t len, struct serves *out)
{
	struct keeper k;

	/* dockerd's own binds: a published port's or its API's, not told
	 * apart without a look at its containers. */
	if (!cmdline || !serves__candidate(0, comm) ||
	    keeper__parse(cmdline, len, &k) == KEEPER_NONE || k.kind == KEEPER_DOCKERD)
		return false;
	memset(out, 0, sizeof(*out));
	out->keeper = k.name;
	memcpy(out->ctr_name, k.ctr_name, sizeof(out->ctr_name));
	if (k.id[0]) {
		memcpy(out->ctr_id, k.id, sizeof(out->ctr_id));
		out->runtime = "podman";
		out->names = ctrnames__get(ctrnames__host(), out->runtime, out->ctr_id);
	}
	describe(&k, out);
	return true;
}

bool serves__for_event(const struct ps_event *ev, const struct proc_info *proc,
		       const struct ps_owner *held, size_t n, struct serves *out)
{
	struct diag_sock d = { .family = ev->family, .proto = ev->proto, .lport = ev->lport,
			       .netns = ev->netns, .state = TCP_LISTEN };
	struct serves_ctx *c;
	bool found;

	if (ev->kind != PS_EV_BIND && ev->kind != PS_EV_LISTEN)
		return false;
	if (!n)
		return proc && !ev->err &&
		       serves__of_keeper(ev->comm, proc->cmdline, proc->cmdline_len, out);
	for (size_t j = 0; j < n && !serves__candidate(held[j].pid, held[j].comm); j++)
		if (j + 1 == n)
			return false;
	c = serves__new(false);
	if (!c)
		return false;
	memcpy(d.laddr, ev->laddr, sizeof(d.laddr));
	found = serves__holders(c, &d, held, n, out);
	serves__free(c);
	return found;
}
