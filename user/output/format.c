// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "output/format.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "app/cli.h"
#include "output/escape.h"
#include "output/json.h"
#include "output/names.h"
#include "proc/pcache.h"
#include "output/timefmt.h"

enum val_type {
	V_NONE,		/* absent: "-" in the table, left out of JSON */
	V_STR,		/* text we made */
	V_TEXT,		/* text from another process: always escaped */
	V_UINT,
	V_BOOL,
	V_TIME,		/* CLOCK_REALTIME ns */
	V_ARGS,		/* NUL-separated, from another process: a JSON array */
	V_HOLDERS,	/* the processes holding a port */
};

struct val {
	enum val_type type;
	const char *s;
	size_t n;
	uint64_t u;
	char buf[96];
};

/* Every member but the scratch buffer: zeroing all of struct val for each
 * field of each record was the largest single cost of formatting one. */
static inline void val_none(struct val *v)
{
	v->type = V_NONE;
	v->s = NULL;
	v->n = 0;
	v->u = 0;
}

typedef void (*getter_fn)(const struct format_input *in, const struct format_ctx *ctx,
			  struct val *v);

struct field {
	const char *key;	/* JSON path; NULL: table only */
	const char *column;	/* table header; NULL: JSON only */
	int width;		/* table column width */
	getter_fn get;
};

static void set_str(struct val *v, const char *s)
{
	if (!s)
		return;
	v->type = V_STR;
	v->s = s;
	v->n = strlen(s);
}

static void set_uint(struct val *v, uint64_t u)
{
	v->type = V_UINT;
	v->u = u;
}

static bool is_connect(const struct ps_event *ev)
{
	return ev->kind == PS_EV_CONNECT || ev->kind == PS_EV_CONNECT_RESULT;
}

static bool has_addr(const struct ps_event *ev)
{
	return !(ev->flags & PS_F_NO_ADDR) && names__family(ev->family);
}

static void get_time(const struct format_input *in, const struct format_ctx *ctx,
struct val *v)
{
	const struct ps_event *ev = in->ev;
	v->type = V_TIME;
	v->u = (uint64_t)((int64_t)ev->ts_ns + ctx->mono_offset);
}

static void get_pid(const struct format_input *in, const struct format_ctx *ctx,
struct val *v)
{
	const struct ps_event *ev = in->ev;
	set_uint(v, ev->pid);
}

static void get_tid(const struct format_input *in, const struct format_ctx *ctx,
struct val *v)
{
	const struct ps_event *ev = in->ev;
	set_uint(v, ev->tid);
}

static void get_ppid(const struct format_input *in, const struct format_ctx *ctx,
struct val *v)
{
	const struct ps_event *ev = in->ev;
	set_uint(v, ev->ppid);
}

static void get_comm(const struct format_input *in, const struct format_ctx *ctx,
struct val *v)
{
	const struct ps_event *ev = in->ev;
	v->type = V_TEXT;
	v->s = ev->comm;
	v->n = strnlen(ev->comm, sizeof(ev->comm));
}

/* The calling thread's own name, when it differs from the process's. */
static void get_thread_name(const struct format_input *in, const struct format_ctx *ctx,
			    struct val *v)
{
	const struct ps_event *ev = in->ev;

	v->n = strnlen(ev->tcomm, sizeof(ev->tcomm));
	if (v->n) {
		v->type = V_TEXT;
		v->s = ev->tcomm;
	}
}

static void get_start(const struct format_input *in, const struct format_ctx *ctx,
struct val *v)
{
	const struct ps_event *ev = in->ev;
	if (!ev->start_ns)
		return;
	v->type = V_TIME;
	v->u = (uint64_t)((int64_t)ev->start_ns + ctx->boot_offset);
}

static void text_or_none(struct val *v, const char *s);

static void get_host(const struct format_input *in, const struct format_ctx *ctx,
		     struct val *v)
{
	if (ctx->host)
		text_or_none(v, ctx->host);
}

static void get_ev_kind(const struct format_input *in, const struct format_ctx *ctx,
struct val *v)
{
	set_str(v, "event");
}

static void get_action(const struct format_input *in, const struct format_ctx *ctx,
struct val *v)
{
	const struct ps_event *ev = in->ev;
	set_str(v, names__kind(ev->kind));
}

static void get_outcome(const struct format_input *in, const struct format_ctx *ctx,
struct val *v)
{
	const struct ps_event *ev = in->ev;
	if (ev->kind == PS_EV_CLOSE)
		return;
	if (ev->err == EINPROGRESS)
		set_str(v, "unknown");
	else
		set_str(v, ev->err ? "failure" : "success");
}

static void get_transport(const struct format_input *in, const struct format_ctx *ctx,
struct val *v)
{
	const struct ps_event *ev = in->ev;
	set_str(v, names__proto(ev->proto, v->buf, sizeof(v->buf)));
}

static void get_net_type(const struct format_input *in, const struct format_ctx *ctx,
struct val *v)
{
	const struct ps_event *ev = in->ev;
	set_str(v, names__family(ev->family));
}

/* "tcp4", "udp6", "mptcp6": protocol and family in one narrow column. */
static void get_proto_col(const struct format_input *in, const struct format_ctx *ctx,
struct val *v)
{
	const struct ps_event *ev = in->ev;
	char p[16];

	snprintf(v->buf, sizeof(v->buf), "%s%s", names__proto(ev->proto, p, sizeof(p)),
		 ev->family == AF_INET ? "4" : ev->family == AF_INET6 ? "6" : "");
	set_str(v, v->buf);
}

static void endpoint(const struct ps_event *ev, bool remote, struct val *v)
{
	if (!has_addr(ev))
		return;
	set_str(v, names__endpoint(ev->family, remote ? ev->raddr : ev->laddr,
				   remote ? ev->rport : ev->lport, v->buf, sizeof(v->buf)));
}

static void get_local(const struct format_input *in, const struct format_ctx *ctx,
struct val *v)
{
	const struct ps_event *ev = in->ev;
	endpoint(ev, false, v);
}

static void get_remote(const struct format_input *in, const struct format_ctx *ctx,
struct val *v)
{
	const struct ps_event *ev = in->ev;
	if (is_connect(ev))
		endpoint(ev, true, v);
}

static void get_result(const struct format_input *in, const struct format_ctx *ctx,
struct val *v)
{
	const struct ps_event *ev = in->ev;
	if (ev->err && in->nholders)
		v->type = V_HOLDERS;	/* "EADDRINUSE held by ..." */
	else if (ev->err)
		set_str(v, names__errno(ev->err, v->buf, sizeof(v->buf)));
	else if (ev->kind == PS_EV_CONNECT_RESULT)
		set_str(v, "established");
	else if (ev->kind != PS_EV_CLOSE)
		set_str(v, "ok");
	/* How long the connect took: "established 0.153ms". */
	if (ev->kind == PS_EV_CONNECT_RESULT && v->type == V_STR) {
		size_t n = strlen(v->s);
		char head[48];

		snprintf(head, sizeof(head), "%.*s", (int)n, v->s);
		snprintf(v->buf, sizeof(v->buf), "%s %llu.%03llums", head,
			 (unsigned long long)(ev->duration_ns / 1000000),
			 (unsigned long long)(ev->duration_ns / 1000 % 1000));
		set_str(v, v->buf);
	}
}

/* ECS event.duration: the connect's, in ns, on its outcome. */
static void get_duration(const struct format_input *in, const struct format_ctx *ctx,
			 struct val *v)
{
	if (in->ev->kind == PS_EV_CONNECT_RESULT)
		set_uint(v, in->ev->duration_ns);
}

static void get_holders(const struct format_input *in, const struct format_ctx *ctx,
			struct val *v)
{
	if (in->nholders)
		v->type = V_HOLDERS;
}

static void get_holders_gone(const struct format_input *in, const struct format_ctx *ctx,
			     struct val *v)
{
	if (in->nholders && in->holders_gone) {
		v->type = V_BOOL;
		v->u = 1;
	}
}

static void get_error(const struct format_input *in, const struct format_ctx *ctx,
struct val *v)
{
	const struct ps_event *ev = in->ev;
	if (ev->err)
		set_str(v, names__errno(ev->err, v->buf, sizeof(v->buf)));
}

/* Bound and listening sockets are servers; connects have two ends (ECS). */
static void ip_of(const struct ps_event *ev, bool want_connect, bool remote,
		  struct val *v)
{
	if (is_connect(ev) == want_connect && has_addr(ev))
		set_str(v, names__addr(ev->family, remote ? ev->raddr : ev->laddr,
				       v->buf, sizeof(v->buf)));
}

static void port_of(const struct ps_event *ev, bool want_connect, bool remote,
		    struct val *v)
{
	if (is_connect(ev) == want_connect && has_addr(ev))
		set_uint(v, remote ? ev->rport : ev->lport);
}

#define ENDPOINT_GETTERS(name, want_connect, remote)                                 \
	static void get_##name##_ip(const struct format_input *in,                   \
				    const struct format_ctx *ctx, struct val *v)     \
	{                                                                            \
		ip_of(in->ev, want_connect, remote, v);                              \
	}                                                                            \
	static void get_##name##_port(const struct format_input *in,                 \
				      const struct format_ctx *ctx, struct val *v)   \
	{                                                                            \
		port_of(in->ev, want_connect, remote, v);                            \
	}

ENDPOINT_GETTERS(server, false, false)
ENDPOINT_GETTERS(source, true, false)
ENDPOINT_GETTERS(dest, true, true)

static void get_uid(const struct format_input *in, const struct format_ctx *ctx,
struct val *v)
{
	const struct ps_event *ev = in->ev;
	set_uint(v, ev->uid);
}

static void get_gid(const struct format_input *in, const struct format_ctx *ctx,
struct val *v)
{
	const struct ps_event *ev = in->ev;
	set_uint(v, ev->gid);
}

static void get_requested(const struct format_input *in, const struct format_ctx *ctx,
struct val *v)
{
	const struct ps_event *ev = in->ev;
	if (ev->flags & PS_F_REQUESTED) {
		v->type = V_BOOL;
		v->u = 1;
	}
}

static void get_backlog(const struct format_input *in, const struct format_ctx *ctx,
struct val *v)
{
	const struct ps_event *ev = in->ev;
	if (ev->kind == PS_EV_LISTEN)
		set_uint(v, ev->backlog);
}

static void get_netns(const struct format_input *in, const struct format_ctx *ctx,
struct val *v)
{
	const struct ps_event *ev = in->ev;
	if (ev->netns)
		set_uint(v, ev->netns);
}

static void get_cgroup(const struct format_input *in, const struct format_ctx *ctx,
struct val *v)
{
	const struct ps_event *ev = in->ev;
	if (ev->cgroup_id)
		set_uint(v, ev->cgroup_id);
}

static void get_cookie(const struct format_input *in, const struct format_ctx *ctx,
struct val *v)
{
	const struct ps_event *ev = in->ev;
	if (ev->cookie)
		set_uint(v, ev->cookie);
}

/* The command line to show: /proc's whole one, else the kernel's head. */
static bool cmdline_of(const struct format_input *in, const char **s, size_t *n,
		       bool *cut)
{
	*cut = false;
	if (in->proc && in->proc->cmdline_len) {
		*s = in->proc->cmdline;
		*n = in->proc->cmdline_len;
		*cut = in->proc->cmdline_cut;
	} else if (in->argv_len) {
		*s = in->argv;
		*n = in->argv_len;
		*cut = in->ev->flags & PS_F_ARGV_TRUNCATED;
	} else {
		return false;
	}
	if ((*s)[*n - 1] == '\0')
		(*n)--;		/* the terminator of the last argument */
	return true;
}

static void get_args(const struct format_input *in, const struct format_ctx *ctx,
		     struct val *v)
{
	bool cut;

	if (cmdline_of(in, &v->s, &v->n, &cut))
		v->type = V_ARGS;
}

/* One line: the arguments joined by spaces (each still escaped on output). */
static void get_command_line(const struct format_input *in, const struct format_ctx *ctx,
			     struct val *v)
{
	get_args(in, ctx, v);
	if (v->type == V_ARGS)
		v->type = V_TEXT;	/* rendered with NULs shown as spaces */
}

static void get_args_count(const struct format_input *in, const struct format_ctx *ctx,
			   struct val *v)
{
	const char *s;
	size_t n, count = 1;
	bool cut;

	if (!cmdline_of(in, &s, &n, &cut))
		return;
	for (size_t i = 0; i < n; i++)
		count += s[i] == '\0';
	set_uint(v, count);
}

static void get_args_cut(const struct format_input *in, const struct format_ctx *ctx,
			 struct val *v)
{
	const char *s;
	size_t n;
	bool cut;

	if (cmdline_of(in, &s, &n, &cut) && cut) {
		v->type = V_BOOL;
		v->u = 1;
	}
}

static void get_pcomm(const struct format_input *in, const struct format_ctx *ctx,
		      struct val *v)
{
	v->type = V_TEXT;
	v->s = in->ev->pcomm;
	v->n = strnlen(in->ev->pcomm, sizeof(in->ev->pcomm));
	if (!v->n)
		v->type = V_NONE;
}

static void text_or_none(struct val *v, const char *s)
{
	if (s && *s) {
		v->type = V_TEXT;
		v->s = s;
		v->n = strlen(s);
	}
}

static void get_exe(const struct format_input *in, const struct format_ctx *ctx,
		    struct val *v)
{
	if (in->proc)
		text_or_none(v, in->proc->exe);
}

static void get_cgroup_path(const struct format_input *in, const struct format_ctx *ctx,
			    struct val *v)
{
	if (in->proc)
		text_or_none(v, in->proc->cgroup);
}

static void get_unit(const struct format_input *in, const struct format_ctx *ctx,
		     struct val *v)
{
	if (in->proc)
		text_or_none(v, in->proc->container.unit);
}

static void get_container_id(const struct format_input *in, const struct format_ctx *ctx,
			     struct val *v)
{
	if (in->proc && in->proc->container.id[0])
		set_str(v, in->proc->container.id);
}

static void get_container_rt(const struct format_input *in, const struct format_ctx *ctx,
			     struct val *v)
{
	if (in->proc)
		set_str(v, in->proc->container.runtime);
}

static void get_pod_uid(const struct format_input *in, const struct format_ctx *ctx,
			struct val *v)
{
	if (in->proc && in->proc->container.pod_uid[0])
		set_str(v, in->proc->container.pod_uid);
}

/* The kernel saw the executable unlinked (deleted or replaced) at the event. */
static void get_exe_deleted(const struct format_input *in, const struct format_ctx *ctx,
			    struct val *v)
{
	if (in->ev->flags & PS_F_EXE_DELETED) {
		v->type = V_BOOL;
		v->u = 1;
	}
}

static void get_user_name(const struct format_input *in, const struct format_ctx *ctx,
			  struct val *v)
{
	text_or_none(v, in->user_name);
}

static void get_ns_pid(const struct format_input *in, const struct format_ctx *ctx,
		       struct val *v)
{
	if (in->ev->ns_pid)
		set_uint(v, in->ev->ns_pid);
}

/* Unique across pid reuse and reboots: boot id, pid, start time. */
static void get_entity_id(const struct format_input *in, const struct format_ctx *ctx,
			  struct val *v)
{
	if (!ctx->boot_id || !in->ev->start_ns)
		return;
	snprintf(v->buf, sizeof(v->buf), "%s-%u-%llu", ctx->boot_id, in->ev->pid,
		 (unsigned long long)in->ev->start_ns);
	set_str(v, v->buf);
}

/*
 * The fields, in output order. JSON keys that share a prefix stay together
 * (the writer nests by prefix); table columns appear in this order too.
 */
static const struct field fields[] = {
	{ "@timestamp", "TIME", 12, get_time },
	{ "process.pid", "PID", 7, get_pid },
	{ "process.thread.id", NULL, 0, get_tid },
	{ "process.thread.name", NULL, 0, get_thread_name },
	{ "process.parent.pid", NULL, 0, get_ppid },
	{ "process.parent.name", NULL, 0, get_pcomm },
	{ "process.name", "COMM", 16, get_comm },
	{ "process.executable", NULL, 0, get_exe },
	{ "process.command_line", NULL, 0, get_command_line },
	{ "process.args", NULL, 0, get_args },
	{ "process.args_count", NULL, 0, get_args_count },
	{ "process.start", NULL, 0, get_start },
	{ "process.entity_id", NULL, 0, get_entity_id },
	{ "event.kind", NULL, 0, get_ev_kind },
	{ "event.action", "EVENT", 8, get_action },
	{ "event.outcome", NULL, 0, get_outcome },
	{ "event.duration", NULL, 0, get_duration },
	{ "network.transport", NULL, 0, get_transport },
	{ "network.type", NULL, 0, get_net_type },
	{ NULL, "PROTO", 6, get_proto_col },
	{ NULL, "LOCAL", 24, get_local },
	{ NULL, "REMOTE", 24, get_remote },
	{ NULL, "RESULT", 0, get_result },
	{ "error.code", NULL, 0, get_error },
	{ "server.ip", NULL, 0, get_server_ip },
	{ "server.port", NULL, 0, get_server_port },
	{ "source.ip", NULL, 0, get_source_ip },
	{ "source.port", NULL, 0, get_source_port },
	{ "destination.ip", NULL, 0, get_dest_ip },
	{ "destination.port", NULL, 0, get_dest_port },
	{ "host.name", NULL, 0, get_host },
	{ "user.id", NULL, 0, get_uid },
	{ "user.name", NULL, 0, get_user_name },
	{ "group.id", NULL, 0, get_gid },
	{ "container.id", NULL, 0, get_container_id },
	{ "container.runtime", NULL, 0, get_container_rt },
	{ "kubernetes.pod.uid", NULL, 0, get_pod_uid },
	{ "portsnoop.requested", NULL, 0, get_requested },
	{ "portsnoop.backlog", NULL, 0, get_backlog },
	{ "portsnoop.holders", NULL, 0, get_holders },
	{ "portsnoop.holders_gone", NULL, 0, get_holders_gone },
	{ "portsnoop.netns", NULL, 0, get_netns },
	{ "portsnoop.cgroup.id", NULL, 0, get_cgroup },
	{ "portsnoop.cgroup.path", NULL, 0, get_cgroup_path },
	{ "portsnoop.systemd_unit", NULL, 0, get_unit },
	{ "portsnoop.ns_pid", NULL, 0, get_ns_pid },
	{ "portsnoop.args_truncated", NULL, 0, get_args_cut },
	{ "portsnoop.executable_deleted", NULL, 0, get_exe_deleted },
	{ "portsnoop.cookie", NULL, 0, get_cookie },
};

#define NFIELDS (sizeof(fields) / sizeof(fields[0]))

/* A value as one-line text, safe for a terminal: the table and syslog. */
static void text_value(struct sbuf *b, const struct val *v, const struct format_input *in,
		       bool syslog)
{
	char t[112];

	switch (v->type) {
	case V_NONE:
		sbuf__putc(b, '-');
		break;
	case V_STR:
		sbuf__put(b, v->s, v->n);
		break;
	case V_TEXT:
	case V_ARGS:
		/* A table cell must not pass for several; a quoted value may hold spaces. */
		escape__parts(b, v->s, v->n, ' ', syslog ? escape__text : escape__cell);
		break;
	case V_UINT:
		sbuf__u64(b, v->u);
		break;
	case V_BOOL:
		sbuf__puts(b, v->u ? "yes" : "no");
		break;
	case V_TIME:
		if (syslog)
			timefmt__rfc3339((int64_t)v->u, t, sizeof(t));
		else
			timefmt__clock((int64_t)v->u, t, sizeof(t));
		sbuf__puts(b, t);
		break;
	case V_HOLDERS:
		sbuf__puts(b, names__errno(in->ev->err, t, sizeof(t)));
		sbuf__puts(b, " held by ");
		format__owners_text(b, in->holders, in->nholders);
		if (in->holders_gone)
			sbuf__puts(b, " (gone since)");
		break;
	}
}

static bool first_of_pid(const struct ps_owner *o, size_t i)
{
	return i == 0 || o[i].pid != o[i - 1].pid;
}

void format__owners_text(struct sbuf *b, const struct ps_owner *o, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (!first_of_pid(o, i))
			continue;
		if (i)
			sbuf__putc(b, ',');
		escape__cell(b, o[i].comm, strnlen(o[i].comm, sizeof(o[i].comm)));
		sbuf__putc(b, '[');
		sbuf__u64(b, o[i].pid);
		sbuf__putc(b, ']');
	}
}

void format__owners_json(struct sbuf *b, const struct ps_owner *o, size_t n, bool with_fd)
{
	struct jw w;

	sbuf__putc(b, '[');
	for (size_t i = 0; i < n; i++) {
		if (!first_of_pid(o, i))
			continue;
		if (i)
			sbuf__putc(b, ',');
		jw__begin(&w, b);
		jw__uint(&w, "pid", o[i].pid);
		jw__str(&w, "name", o[i].comm, strnlen(o[i].comm, sizeof(o[i].comm)));
		if (with_fd)
			jw__uint(&w, "fd", o[i].fd);
		jw__end(&w);
	}
	sbuf__putc(b, ']');
}

static void cell(struct sbuf *b, const struct field *f, const struct val *v, bool last,
		 const struct format_input *in)
{
	size_t start = b->len;

	text_value(b, v, in, false);
	if (!last) {
		sbuf__pad(b, start, (size_t)f->width);
		sbuf__putc(b, ' ');
	}
}

/* Index of the table's last column: it is not padded. */
static size_t last_column_index(void)
{
	static size_t last = NFIELDS;

	if (last == NFIELDS)
		for (size_t k = 0; k < NFIELDS; k++)
			if (fields[k].column)
				last = k;
	return last;
}

static bool last_column(size_t i)
{
	return i == last_column_index();
}

void format__header(struct sbuf *b, const struct format_ctx *ctx)
{
	if (ctx->mode != FORMAT_TABLE)
		return;
	for (size_t i = 0; i < NFIELDS; i++) {
		size_t start = b->len;

		if (!fields[i].column)
			continue;
		sbuf__puts(b, fields[i].column);
		if (!last_column(i)) {
			sbuf__pad(b, start, (size_t)fields[i].width);
			sbuf__putc(b, ' ');
		}
	}
	sbuf__putc(b, '\n');
}

static void json_member(struct jw *w, const char *key, const struct val *v,
			const struct format_input *in)
{
	char t[112];

	switch (v->type) {
	case V_NONE:
		break;
	case V_STR:
		jw__str(w, key, v->s, v->n);
		break;
	case V_TEXT:
		jw__text(w, key, v->s, v->n);
		break;
	case V_ARGS:
		jw__str_list(w, key, v->s, v->n);
		break;
	case V_UINT:
		jw__uint(w, key, v->u);
		break;
	case V_BOOL:
		jw__bool(w, key, v->u != 0);
		break;
	case V_TIME:
		timefmt__rfc3339((int64_t)v->u, t, sizeof(t));
		jw__cstr(w, key, t);
		break;
	case V_HOLDERS: {
		struct sbuf list = { 0 };

		format__owners_json(&list, in->holders, in->nholders, false);
		jw__raw(w, key, list.p, list.len);
		sbuf__free(&list);
		break;
	}
	}
}

/* RFC 5424 PARAM-VALUE: '"', '\\' and ']' are backslash-escaped. */
static void sd_value(struct sbuf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"' || s[i] == '\\' || s[i] == ']')
			sbuf__putc(b, '\\');
		sbuf__putc(b, s[i]);
	}
}

/*
 * <PRI>1 TIMESTAMP HOST portsnoop PROCID MSGID [portsnoop@32473 k="v" ...] MSG
 * daemon facility; warning for failures, info otherwise; the fields as
 * structured data under the JSON names; MSG is the table's line. 32473 is
 * the enterprise number RFC 5612 sets aside for documentation.
 */
void format__syslog_head(struct sbuf *b, const struct format_ctx *ctx, int64_t ts,
			 const char *msgid, bool failure)
{
	char t[112];
	size_t n;

	timefmt__rfc3339(ts, t, sizeof(t));
	n = strlen(t);
	if (n > 27)	/* TIME-SECFRAC has at most 6 digits */
		memmove(t + 26, t + n - 1, 2);
	sbuf__printf(b, "<%d>1 %s ", 3 * 8 + (failure ? 4 : 6), t);
	if (ctx->host && *ctx->host)
		escape__cell(b, ctx->host, strlen(ctx->host));
	else
		sbuf__putc(b, '-');
	sbuf__printf(b, " portsnoop %d %s [portsnoop@32473", (int)getpid(), msgid);
}

static void syslog_event(struct sbuf *b, const struct format_ctx *ctx,
			 const struct format_input *in)
{
	const struct ps_event *ev = in->ev;
	struct format_ctx table = *ctx;
	struct sbuf tmp = { 0 };

	format__syslog_head(b, ctx, (int64_t)ev->ts_ns + ctx->mono_offset,
		    names__kind(ev->kind) ? names__kind(ev->kind) : "-",
		    ev->err && ev->err != EINPROGRESS);
	for (size_t i = 0; i < NFIELDS; i++) {
		const struct field *f = &fields[i];
		struct val v;

		if (!f->key || f->key[0] == '@')
			continue;
		val_none(&v);
		f->get(in, ctx, &v);
		if (v.type == V_NONE)
			continue;
		sbuf__reset(&tmp);
		text_value(&tmp, &v, in, true);
		sbuf__printf(b, " %s=\"", f->key);
		sd_value(b, tmp.p, tmp.len);
		sbuf__putc(b, '"');
	}
	sbuf__puts(b, "] ");
	sbuf__free(&tmp);
	table.mode = FORMAT_TABLE;
	format__event(b, &table, in);	/* ends the line */
}

/* "process.parent.pid" -> "PROCESS_PARENT_PID": a journal field name. */
static void journal_name(struct sbuf *b, const char *key)
{
	for (const char *p = key; *p; p++) {
		char c = *p;

		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		else if (!(c >= 'A' && c <= 'Z') && !(c >= '0' && c <= '9'))
			c = '_';
		sbuf__putc(b, c);
	}
}

/* One journal field: NAME=value and a newline; values are already text
 * escaped, so none holds a newline and the short form always fits. */
static void journal_field(struct sbuf *b, const char *name, const char *v, size_t n)
{
	sbuf__puts(b, name);
	sbuf__putc(b, '=');
	sbuf__put(b, v, n);
	sbuf__putc(b, '\n');
}

/* A MESSAGE_ID per action, so journalctl MESSAGE_ID=... finds one kind. */
static const char *const journal_ids[PS_EV__MAX] = {
	[PS_EV_BIND] = "6f1d3a0c2b8e4d7a9c5e1f2a3b4c5d01",
	[PS_EV_LISTEN] = "6f1d3a0c2b8e4d7a9c5e1f2a3b4c5d02",
	[PS_EV_CONNECT] = "6f1d3a0c2b8e4d7a9c5e1f2a3b4c5d03",
	[PS_EV_CONNECT_RESULT] = "6f1d3a0c2b8e4d7a9c5e1f2a3b4c5d04",
	[PS_EV_CLOSE] = "6f1d3a0c2b8e4d7a9c5e1f2a3b4c5d05",
};

static void journal_event(struct sbuf *b, const struct format_ctx *ctx,
			  const struct format_input *in)
{
	const struct ps_event *ev = in->ev;
	struct format_ctx table = *ctx;
	struct sbuf tmp = { 0 };
	char a[NAMES_ADDR_LEN], num[24];

	table.mode = FORMAT_TABLE;
	format__event(&tmp, &table, in);
	if (tmp.len)
		journal_field(b, "MESSAGE", tmp.p, tmp.len - 1);
	if (ev->kind < PS_EV__MAX && journal_ids[ev->kind])
		journal_field(b, "MESSAGE_ID", journal_ids[ev->kind], 32);
	journal_field(b, "PRIORITY", ev->err && ev->err != EINPROGRESS ? "4" : "6", 1);
	journal_field(b, "SYSLOG_IDENTIFIER", "portsnoop", 9);
	/* The short names people filter on. */
	sbuf__reset(&tmp);
	escape__text(&tmp, ev->comm, strnlen(ev->comm, sizeof(ev->comm)));
	journal_field(b, "COMM", tmp.p, tmp.len);
	snprintf(num, sizeof(num), "%u", ev->pid);
	journal_field(b, "PID", num, strlen(num));
	if (!(ev->flags & PS_F_NO_ADDR) && names__family(ev->family)) {
		names__addr(ev->family, ev->laddr, a, sizeof(a));
		journal_field(b, "LOCAL_ADDR", a, strlen(a));
		snprintf(num, sizeof(num), "%u", ev->lport);
		journal_field(b, "LOCAL_PORT", num, strlen(num));
		if (ev->kind == PS_EV_CONNECT || ev->kind == PS_EV_CONNECT_RESULT) {
			names__addr(ev->family, ev->raddr, a, sizeof(a));
			journal_field(b, "REMOTE_ADDR", a, strlen(a));
			snprintf(num, sizeof(num), "%u", ev->rport);
			journal_field(b, "REMOTE_PORT", num, strlen(num));
		}
	}
	/* ERRNO is a number in systemd.journal-fields(7); the name is ERROR_CODE. */
	if (ev->err && ev->err != EINPROGRESS) {
		snprintf(num, sizeof(num), "%d", ev->err);
		journal_field(b, "ERRNO", num, strlen(num));
	}
	/* And every JSON field under its own name. */
	for (size_t i = 0; i < NFIELDS; i++) {
		const struct field *f = &fields[i];
		struct val v;
		struct sbuf name = { 0 };

		if (!f->key || f->key[0] == '@')
			continue;
		val_none(&v);
		f->get(in, ctx, &v);
		if (v.type == V_NONE)
			continue;
		sbuf__reset(&tmp);
		text_value(&tmp, &v, in, true);
		journal_name(&name, f->key);
		journal_field(b, sbuf__str(&name), tmp.p, tmp.len);
		sbuf__free(&name);
	}
	sbuf__free(&tmp);
}

void format__event(struct sbuf *b, const struct format_ctx *ctx,
		   const struct format_input *in)
{
	struct jw w;

	if (ctx->mode == FORMAT_SYSLOG) {
		syslog_event(b, ctx, in);
		return;
	}
	if (ctx->mode == FORMAT_JOURNAL) {
		journal_event(b, ctx, in);
		return;
	}

	if (ctx->mode == FORMAT_JSON)
		jw__begin(&w, b);
	for (size_t i = 0; i < NFIELDS; i++) {
		const struct field *f = &fields[i];
		struct val v;

		if (ctx->mode == FORMAT_TABLE ? !f->column : !f->key)
			continue;
		val_none(&v);
		f->get(in, ctx, &v);
		if (ctx->mode == FORMAT_TABLE)
			cell(b, f, &v, last_column(i), in);
		else
			json_member(&w, f->key, &v, in);
	}
	if (ctx->mode == FORMAT_JSON)
		jw__end(&w);
	sbuf__putc(b, '\n');
}

/* "@timestamp", event.kind/action, host.name: the head of in-band records. */
static void record_head(struct jw *w, struct sbuf *b, const struct format_ctx *ctx,
			const char *kind, const char *action)
{
	char t[112];

	timefmt__rfc3339(timefmt__now(), t, sizeof(t));
	jw__begin(w, b);
	jw__cstr(w, "@timestamp", t);
	jw__cstr(w, "event.kind", kind);
	jw__cstr(w, "event.action", action);
	if (ctx->host)
		jw__str(w, "host.name", ctx->host, strlen(ctx->host));
}

void format__start(struct sbuf *b, const struct format_ctx *ctx, const char *hooks,
		   const char *notes, size_t notes_len)
{
	struct jw w;

	if (ctx->mode != FORMAT_JSON)
		return;
	record_head(&w, b, ctx, "event", "start");
	jw__cstr(&w, "portsnoop.version", PS_VERSION);
	jw__uint(&w, "portsnoop.abi", PS_ABI_VERSION);
	{
		/* "bind=tracepoint listen=..." -> {"bind":"tracepoint",...} */
		struct sbuf obj = { 0 };
		const char *p = hooks;
		bool first = true;

		sbuf__putc(&obj, '{');
		while (*p) {
			const char *eq = strchr(p, '='), *end = strchr(p, ' ');

			if (!end)
				end = p + strlen(p);
			if (eq && eq < end) {
				if (!first)
					sbuf__putc(&obj, ',');
				first = false;
				escape__json(&obj, p, (size_t)(eq - p));
				sbuf__putc(&obj, ':');
				escape__json(&obj, eq + 1, (size_t)(end - eq - 1));
			}
			p = *end ? end + 1 : end;
		}
		sbuf__putc(&obj, '}');
		jw__raw(&w, "portsnoop.hooks", obj.p, obj.len);
		sbuf__free(&obj);
	}
	if (notes_len)
		jw__str_list(&w, "portsnoop.fallbacks", notes, notes_len - 1);
	jw__end(&w);
	sbuf__putc(b, '\n');
}

void format__stop(struct sbuf *b, const struct format_ctx *ctx,
		  const struct format_totals *t)
{
	struct jw w;

	if (ctx->mode != FORMAT_JSON)
		return;
	record_head(&w, b, ctx, "metric", "stop");
	jw__uint(&w, "portsnoop.events", t->events);
	jw__uint(&w, "portsnoop.lost_total", t->lost);
	jw__uint(&w, "portsnoop.initial", t->initial);
	jw__uint(&w, "portsnoop.malformed", t->malformed);
	jw__uint(&w, "portsnoop.unwritten", t->unwritten);
	jw__uint(&w, "portsnoop.skipped", t->skipped);
	jw__end(&w);
	sbuf__putc(b, '\n');
}

void format__lost(struct sbuf *b, const struct format_ctx *ctx, uint64_t lost,
		  uint64_t total_lost)
{
	struct jw w;

	if (ctx->mode == FORMAT_SYSLOG) {
		format__syslog_head(b, ctx, timefmt__now(), "lost", true);
		sbuf__printf(b, " portsnoop.lost=\"%llu\" portsnoop.lost_total=\"%llu\"] ",
			     (unsigned long long)lost, (unsigned long long)total_lost);
	}
	if (ctx->mode == FORMAT_JOURNAL) {
		sbuf__printf(b, "MESSAGE=portsnoop: %llu events lost (ring buffer full), %llu in "
			     "all\nPRIORITY=4\nSYSLOG_IDENTIFIER=portsnoop\nPORTSNOOP_LOST=%llu\n",
			     (unsigned long long)lost, (unsigned long long)total_lost,
			     (unsigned long long)lost);
		return;
	}
	if (ctx->mode != FORMAT_JSON) {
		sbuf__printf(b, "-- portsnoop: %llu events lost (ring buffer full), "
			     "%llu in all --\n", (unsigned long long)lost,
			     (unsigned long long)total_lost);
		return;
	}
	record_head(&w, b, ctx, "metric", "lost");
	jw__uint(&w, "portsnoop.lost", lost);
	jw__uint(&w, "portsnoop.lost_total", total_lost);
	jw__end(&w);
	sbuf__putc(b, '\n');
}
