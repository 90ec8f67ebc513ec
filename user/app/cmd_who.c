// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * portsnoop who PORT: every process holding the port, with what people
 * otherwise piece together from lsof -i, fuser, /proc/PID/exe and
 * lsof +D /var/log: user, command line, executable, working directory,
 * start time, parent, and the files it has open for writing.
 */
#include "app/commands.h"
#include "app/serves.h"
#include "app/who_nat.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "output/format.h"
#include "proc/pcache.h"
#include "proc/procinfo.h"
#include "proc/written.h"
#include "output/names.h"
#include "sockets/holds.h"
#include "enrich/event.h"
#include "enrich/listing.h"
#include "sockets/snapshot.h"
#include "output/users.h"

#define ROOT "/proc"
#define WHO_NOT_FOUND_PARTLY 4

struct details {
	uint32_t pid, ppid, uid;
	char comm[64], pcomm[64];
	char exe[PATH_MAX], cwd[PATH_MAX];
	char *cmdline;
	long cmdline_len;
	uint64_t start_ns;	/* CLOCK_BOOTTIME ns, whole clock ticks; 0 unknown */
	struct sbuf files;	/* written files, NUL-separated */
	struct container ctr;
};

static void read_small(uint32_t pid, const char *name, char *out, size_t sz)
{
	char *buf = NULL;
	long n = procinfo__read(ROOT, pid, name, sz - 1, &buf);

	out[0] = '\0';
	if (n > 0) {
		if (buf[n - 1] == '\n')
			n--;
		memcpy(out, buf, (size_t)n);
		out[n] = '\0';
	}
	free(buf);
}

/* A file written through several fds (or by several threads' dups) is
 * one file: list it once. */
static bool listed(const struct sbuf *files, const char *path)
{
	for (size_t i = 0; i < files->len; i += strlen(files->p + i) + 1)
		if (!strcmp(files->p + i, path))
			return true;
	return false;
}

/* A file open for writing (proc/written.h), listed once. */
static void add_written(void *ctx, const char *path)
{
	struct details *d = ctx;

	if (!listed(&d->files, path))
		sbuf__put(&d->files, path, strlen(path) + 1);
}

static void gather(struct details *d, uint32_t pid)
{
	char status[4096], *stat = NULL;
	struct proc_stat st;
	long n;

	memset(d, 0, sizeof(*d));
	d->pid = pid;
	read_small(pid, "comm", d->comm, sizeof(d->comm));
	read_small(pid, "status", status, sizeof(status));
	if (procinfo__status_field(status, "Uid:", &d->uid))
		d->uid = 0;
	if (procinfo__status_field(status, "PPid:", &d->ppid))
		d->ppid = 0;
	if (d->ppid)
		read_small(d->ppid, "comm", d->pcomm, sizeof(d->pcomm));
	if (procinfo__link(ROOT, pid, "exe", d->exe, sizeof(d->exe)))
		d->exe[0] = '\0';
	if (procinfo__link(ROOT, pid, "cwd", d->cwd, sizeof(d->cwd)))
		d->cwd[0] = '\0';
	d->cmdline_len = procinfo__read(ROOT, pid, "cmdline", 65536, &d->cmdline);
	if (d->cmdline_len > 0 && d->cmdline[d->cmdline_len - 1] == '\0')
		d->cmdline_len--;
	n = procinfo__read(ROOT, pid, "stat", 4096, &stat);
	if (n > 0 && !procinfo__parse_stat(stat, (size_t)n, &st))
		d->start_ns = st.start_ticks * procinfo__tick_ns();
	free(stat);
	written__each(ROOT, pid, add_written, d);
	container__of_pid(ROOT, pid, &d->ctr);
}

static void release(struct details *d)
{
	if (d->cmdline_len < 0)
		d->cmdline = NULL;
	free(d->cmdline);
	sbuf__free(&d->files);
}

/* One process holding socket s, as a record of the field table. */
static void render(struct sbuf *b, const struct format_ctx *ctx, const struct diag_sock *s,
		   const struct ps_owner *own, size_t n, const struct details *d,
		   const char *user, const struct format_nat *nat, struct serves_ctx *sv)
{
	struct serves behind;
	struct proc_info pi = {
		.exe = d->exe[0] ? (char *)d->exe : NULL,
		.cmdline = d->cmdline_len > 0 ? d->cmdline : NULL,
		.cmdline_len = d->cmdline_len > 0 ? (size_t)d->cmdline_len : 0,
		.container = d->ctr,
	};
	struct format_held held = { .cwd = d->cwd, .files = d->files.p,
				    .files_len = d->files.len ? d->files.len - 1 : 0 };
	struct ps_event ev;
	struct format_input in = {
		.ev = &ev, .rec = FORMAT_REC_HELD, .sock = s, .holders = own, .nholders = n,
		.proc = &pi, .held = &held, .user_name = user, .nat = nat,
		.start_prec_ns = procinfo__tick_ns(),
	};

	if (serves__find(sv, d->pid, pi.cmdline, pi.cmdline_len, s, own, n, &behind))
		in.serves = &behind;
	enrich__container_names(&in);

	listing__event(&ev, s, own, n, d->uid);
	ev.pid = d->pid;
	ev.ppid = d->ppid;
	/* /proc's comm is the kernel's: at most PS_COMM_LEN - 1 bytes. */
	memcpy(ev.comm, d->comm, strnlen(d->comm, sizeof(ev.comm) - 1));
	memcpy(ev.pcomm, d->pcomm, strnlen(d->pcomm, sizeof(ev.pcomm) - 1));
	ev.start_ns = d->start_ns;
	format__record(b, ctx, FORMAT_TABLE_WHO, &in);
}

/* What was asked, as holds.h compares it. */
static struct holds_query query_of(const struct ps_target *t)
{
	struct holds_query q = { .port = t->port, .proto = t->proto, .family = t->family };

	memcpy(q.addr, t->addr, sizeof(q.addr));
	return q;
}

/* "0.0.0.0:9110/tcp", "[::1]:53", "port 8080": what was asked, for messages. */
static const char *asked(const struct ps_target *t, char *buf, size_t sz)
{
	char ep[NAMES_ADDR_LEN];

	if (t->family)
		names__endpoint(t->family, t->addr, t->port, ep, sizeof(ep));
	else
		snprintf(ep, sizeof(ep), "port %u", t->port);
	snprintf(buf, sz, "%s%s", ep,
		 t->proto == IPPROTO_TCP ? "/tcp" : t->proto == IPPROTO_UDP ? "/udp" : "");
	return buf;
}

/*
 * Why a socket that holds the port has no owner we can name: either we
 * could not read every process's fds, or no process has it open.
 */
static const char *why_unknown(const struct snapshot *snap, char *buf, size_t sz)
{
	size_t n = snap->owners.unreadable;

	if (n) {
		snprintf(buf, sz, "the fds of %zu other process%s could not be read (%s)", n,
			 n == 1 ? "" : "es", geteuid() ? "not root" : "permission denied");
		return buf;
	}
	return "no process portsnoop can see has it open: the kernel holds it for a "
	       "file in flight over a unix socket, an io_uring fixed file or a BPF map, "
	       "or its process is hidden (another pid namespace, a protected process)";
}

struct who_run {
	const struct ps_opts *o;
	const struct format_ctx *ctx;
	struct users *users;
	struct sbuf b;
	size_t found, unknown;
	size_t time_wait;	/* TIME-WAIT sockets on the port: no holder */
	size_t nat_found;	/* listeners reached through DNAT rules */
	struct serves_ctx *serves;	/* who serves behind a keeper (app/serves.h) */
};

static void one_socket(struct who_run *r, const struct snapshot *snap,
		       const struct diag_sock *s, const struct format_nat *nat)
{
	size_t n;
	const struct ps_owner *own = owners__find(&snap->owners, s->inode, &n);
	struct ps_event sev;
	struct format_input sin = { .ev = &sev, .rec = FORMAT_REC_HELD, .sock = s,
				    .nat = nat };

	r->found++;
	listing__event(&sev, s, NULL, 0, s->uid);
	format__who_socket(&r->b, r->ctx, &sin);	/* once, then its processes */
	if (!n) {
		char why[160];

		sin.owner_unknown = why_unknown(snap, why, sizeof(why));
		format__record(&r->b, r->ctx, FORMAT_TABLE_WHO, &sin);
		r->unknown++;
		return;
	}
	for (size_t k = 0; k < n; k++) {
		struct details d;
		const char *user;

		if (k && own[k].pid == own[k - 1].pid)
			continue;
		gather(&d, own[k].pid);
		user = r->users ? users__name(r->users, d.uid) : NULL;
		render(&r->b, r->ctx, s, own, n, &d, user, nat, r->serves);
		release(&d);
	}
}

/* A listener a DNAT rule sends the port to (who_nat.h). */
static void by_nat(void *ctx, const struct snapshot *snap, const struct diag_sock *s,
		   const struct format_nat *nat)
{
	struct who_run *r = ctx;

	if (!r->found && !r->nat_found++ && r->ctx->mode == FORMAT_TABLE)
		sbuf__puts(&r->b, "nobody holds it on this host; a DNAT rule sends it to:\n");
	one_socket(r, snap, s, nat);
}

/*
 * Every socket that holds the port (holds.h), in every state and every
 * namespace, with each process that has it open. Exit status: 0 all named,
 * 1 nobody holds it, 3 held but some owner could not be determined, 4 not
 * found, but some namespaces or processes could not be looked into.
 */
int cmd__who(const struct ps_opts *o, const struct format_ctx *ctx, struct sink *out)
{
	const struct ps_target *t = &o->target;
	struct snapshot_opts so = { .tcp = t->proto != IPPROTO_UDP,
				    .udp = t->proto != IPPROTO_TCP, .every_state = true,
				    .port = t->port, .netns = o->filter.netns };
	struct holds_query q = query_of(t);
	struct who_run r = { .o = o, .ctx = ctx, .users = users__new("/etc/passwd"),
			     .serves = serves__new(o->verbose) };
	struct snapshot snap;
	char what[NAMES_ADDR_LEN + 16], left_out[256];
	bool snap_left_out;
	int rc;

	rc = cmd__snapshot(&snap, &so, o->verbose);
	if (rc) {
		users__free(r.users);
		serves__free(r.serves);
		return rc;
	}
	/* Listeners first, then bound, then connected: the order people look. */
	for (int pass = 0; pass < 3; pass++) {
		for (size_t i = 0; i < snap.n; i++) {
			const struct diag_sock *s = &snap.socks[i];
			int rank = s->proto != IPPROTO_UDP && s->state == TCP_LISTEN ? 0
				   : holds__connected(s) ? 2 : 1;

			if (pass == 0 && s->proto != IPPROTO_UDP && s->state == TCP_TIME_WAIT) {
				struct diag_sock as_bound = *s;

				as_bound.state = TCP_CLOSE;
				r.time_wait += holds__match(&q, &as_bound);
			}
			/* No file refers to it (an accept queue's, an orphan's):
			 * no process holds it. */
			if (rank != pass || !s->inode || !holds__match(&q, s) ||
			    (t->scope[0] && strcmp(t->scope, s->ifname)))
				continue;
			one_socket(&r, &snap, s, NULL);
		}
	}
	r.found += who_nat__follow(t, o->filter.netns, r.found, o->verbose, by_nat, &r);
	rc = cmd__write(out, &r.b);
	serves__free(r.serves);
	sbuf__free(&r.b);
	snapshot__left_out(&snap, left_out, sizeof(left_out));
	snap_left_out = left_out[0] != '\0';
	snapshot__free(&snap);
	users__free(r.users);
	if (cmd__write_status(rc))
		return 1;
	if (!r.found && snap_left_out) {
		/* Not "nobody": where it could not look, the port may be held. */
		fprintf(stderr, "portsnoop: not found where portsnoop could look: %s "
			"(%s)\n", asked(t, what, sizeof(what)), left_out);
		return WHO_NOT_FOUND_PARTLY;
	}
	if (!r.found && r.time_wait) {
		/* A bind without SO_REUSEADDR still fails on them. */
		fprintf(stderr, "portsnoop: nobody holds %s; %zu closed connection%s it in "
			"TIME-WAIT (the kernel's, up to 60 s)\n", asked(t, what, sizeof(what)),
			r.time_wait, r.time_wait == 1 ? " keeps" : "s keep");
		return 1;
	}
	if (!r.found) {
		fprintf(stderr, "portsnoop: nobody holds %s\n", asked(t, what, sizeof(what)));
		return 1;
	}
	if (r.unknown) {
		fprintf(stderr, "portsnoop: %zu socket%s holding %s: owner could not be "
			"determined\n", r.unknown, r.unknown == 1 ? "" : "s",
			asked(t, what, sizeof(what)));
		return 3;
	}
	return 0;
}
