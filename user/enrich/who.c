// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "enrich/who.h"

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "enrich/event.h"
#include "enrich/listing.h"
#include "proc/procinfo.h"
#include "proc/written.h"

static void read_small(const char *root, uint32_t pid, const char *name, char *out, size_t sz)
{
	char *buf = NULL;
	long n = procinfo__read(root, pid, name, sz - 1, &buf);

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
	struct who_proc *d = ctx;

	if (!listed(&d->files, path))
		sbuf__put(&d->files, path, strlen(path) + 1);
}

void who__gather(struct who_proc *d, const char *root, uint32_t pid)
{
	char status[4096], *stat = NULL;
	struct proc_stat st;
	long n;

	memset(d, 0, sizeof(*d));
	d->pid = pid;
	read_small(root, pid, "comm", d->comm, sizeof(d->comm));
	read_small(root, pid, "status", status, sizeof(status));
	if (procinfo__status_field(status, "Uid:", &d->uid))
		d->uid = 0;
	if (procinfo__status_field(status, "PPid:", &d->ppid))
		d->ppid = 0;
	if (d->ppid)
		read_small(root, d->ppid, "comm", d->pcomm, sizeof(d->pcomm));
	if (procinfo__link(root, pid, "exe", d->exe, sizeof(d->exe)))
		d->exe[0] = '\0';
	if (procinfo__link(root, pid, "cwd", d->cwd, sizeof(d->cwd)))
		d->cwd[0] = '\0';
	d->cmdline_len = procinfo__read(root, pid, "cmdline", 65536, &d->cmdline);
	if (d->cmdline_len > 0 && d->cmdline[d->cmdline_len - 1] == '\0')
		d->cmdline_len--;
	n = procinfo__read(root, pid, "stat", 4096, &stat);
	if (n > 0 && !procinfo__parse_stat(stat, (size_t)n, &st))
		d->start_ns = st.start_ticks * procinfo__tick_ns();
	free(stat);
	written__each(root, pid, add_written, d);
	container__of_pid(root, pid, &d->ctr);
}

void who__release(struct who_proc *d)
{
	if (d->cmdline_len < 0)
		d->cmdline = NULL;
	free(d->cmdline);
	d->cmdline = NULL;
	sbuf__free(&d->files);
}

void who__holder(const struct who_sources *src, const struct diag_sock *s,
		 const struct ps_owner *own, size_t n, const struct who_proc *d,
		 const struct format_nat *nat, struct who_room *room, struct format_input *in)
{
	struct ps_event *ev = &room->ev;

	room->pi = (struct proc_info){
		.exe = d->exe[0] ? (char *)d->exe : NULL,
		.cmdline = d->cmdline_len > 0 ? d->cmdline : NULL,
		.cmdline_len = d->cmdline_len > 0 ? (size_t)d->cmdline_len : 0,
		.container = d->ctr,
	};
	room->held = (struct format_held){ .cwd = d->cwd, .files = d->files.p,
					   .files_len = d->files.len ? d->files.len - 1 : 0 };
	*in = (struct format_input){
		.ev = ev, .rec = FORMAT_REC_HELD, .sock = s, .holders = own, .nholders = n,
		.proc = &room->pi, .held = &room->held, .nat = nat,
		.user_name = src->users ? users__name(src->users, d->uid) : NULL,
		.start_prec_ns = procinfo__tick_ns(),
	};
	if (src->serves && src->serves(src->serves_ctx, d->pid, room->pi.cmdline,
				       room->pi.cmdline_len, s, own, n, &room->behind))
		in->serves = &room->behind;
	enrich__container_names(in);

	listing__event(ev, s, own, n, d->uid);
	ev->pid = d->pid;
	ev->ppid = d->ppid;
	/* /proc's comm is the kernel's: at most PS_COMM_LEN - 1 bytes. */
	memcpy(ev->comm, d->comm, strnlen(d->comm, sizeof(ev->comm) - 1));
	memcpy(ev->pcomm, d->pcomm, strnlen(d->pcomm, sizeof(ev->pcomm) - 1));
	ev->start_ns = d->start_ns;
}

const char *who__why_unknown(const struct who_sources *src, size_t unreadable, char *buf,
			     size_t sz)
{
	if (unreadable) {
		snprintf(buf, sz, "the fds of %zu other process%s could not be read (%s)",
			 unreadable, unreadable == 1 ? "" : "es",
			 src->as_root ? "permission denied" : "not root");
		return buf;
	}
	return "no process portsnoop can see has it open: the kernel holds it for a "
	       "file in flight over a unix socket, an io_uring fixed file or a BPF map, "
	       "or its process is hidden (another pid namespace, a protected process)";
}

static const char *proto_name(uint8_t p)
{
	return p == IPPROTO_TCP ? "tcp" : p == IPPROTO_UDP ? "udp" : "any";
}

void who__nat(const struct natrule *r, uint16_t port, uint16_t to_port,
	      struct who_nat_room *room, struct format_nat *out)
{
	char ep[NAMES_ADDR_LEN];

	*out = (struct format_nat){
		.port = port, .family = r->family, .table = r->table,
		.chain = r->chain, .handle = r->handle, .encoding = r->how,
		.to_ip = names__addr(r->to_family, r->to_addr, room->to_ip, sizeof(room->to_ip)),
		.to_port = to_port, .via = room->via,
	};
	names__endpoint(r->to_family, r->to_addr, to_port, ep, sizeof(ep));
	snprintf(room->via, sizeof(room->via),
		 "%s port %u -> %s by DNAT rule %s %s %s (handle %llu, %s)",
		 proto_name(r->proto), port, ep, r->family, r->table, r->chain,
		 (unsigned long long)r->handle, r->how);
}

bool who__socket(struct sbuf *b, const struct format_ctx *ctx, const struct who_sources *src,
		 const struct owners *owners, const struct diag_sock *s,
		 const struct format_nat *nat)
{
	size_t n;
	const struct ps_owner *own = owners__find(owners, s->inode, &n);
	struct ps_event sev;
	struct format_input sin = { .ev = &sev, .rec = FORMAT_REC_HELD, .sock = s,
				    .nat = nat };

	listing__event(&sev, s, NULL, 0, s->uid);
	format__who_socket(b, ctx, &sin);	/* once, then its processes */
	if (!n) {
		char why[160];

		sin.owner_unknown = who__why_unknown(src, owners->unreadable, why, sizeof(why));
		format__record(b, ctx, FORMAT_TABLE_WHO, &sin);
		return false;
	}
	for (size_t k = 0; k < n; k++) {
		struct who_proc d;
		struct who_room room;
		struct format_input in;

		if (k && own[k].pid == own[k - 1].pid)
			continue;
		who__gather(&d, src->proc_root, own[k].pid);
		who__holder(src, s, own, n, &d, nat, &room, &in);
		format__record(b, ctx, FORMAT_TABLE_WHO, &in);
		who__release(&d);
	}
	return true;
}
