// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The field table (see fields.h): every key and column of every record.
 * Getters exist only where a value is computed; what is read straight
 * from the record is an offset and a type tag.
 */
#include "output/fields.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/tcp.h>
#include "output/names.h"
#include "lib/records.h"


/* -- process -------------------------------------------------------------- */

static void get_time(GET_ARGS)
{
	v->type = V_TIME;
	v->u = (uint64_t)((int64_t)in->ev->ts_ns + ctx->mono_offset);
	v->u2 = 9;
}

static void get_pid(GET_ARGS)
{
	if (is_event(in) || in->ev->pid)
		set_uint(v, in->ev->pid);
}

/* A held record whose holder could not be named has no process: no
 * parent, no user (never a made-up 0). */
static bool has_process(const struct format_input *in)
{
	return is_event(in) || in->ev->pid;
}

static void get_ppid(GET_ARGS)
{
	if (has_process(in))
		set_uint(v, in->ev->ppid);
}

static void get_uid(GET_ARGS)
{
	if (has_process(in) || in->rec == FORMAT_REC_STATE)
		set_uint(v, in->ev->uid);
}

static void get_comm(GET_ARGS)
{
	v->s = in->ev->comm;
	v->n = strnlen(in->ev->comm, sizeof(in->ev->comm));
	v->type = v->n || is_event(in) ? V_TEXT : V_NONE;
}

/* The process start, at the precision it is known: the kernel's ns for
 * events; /proc's clock ticks for who, ls and state records, printed to
 * the tick. */
static void get_start(GET_ARGS)
{
	int64_t t;
	unsigned int digits = 9;

	if (!in->ev->start_ns)
		return;
	t = (int64_t)in->ev->start_ns + ctx->boot_offset;
	if (in->start_prec_ns > 1) {
		t -= t % (int64_t)in->start_prec_ns;
		for (uint32_t p = in->start_prec_ns; p > 1 && digits; p /= 10)
			digits--;
	}
	v->type = V_TIME;
	v->u = (uint64_t)t;
	v->u2 = digits;
}

/* Unique across pid reuse and reboots: boot id, pid, start time. */
static void get_entity_id(GET_ARGS)
{
	if (!ctx->boot_id || !in->ev->start_ns)
		return;
	/* By hand, not snprintf: every event carries it. Room for the two
	 * numbers (10 and 20 digits) and their dashes is kept. */
	size_t n = strnlen(ctx->boot_id, sizeof(v->buf) - 33);
	char *p = v->buf;

	memcpy(p, ctx->boot_id, n);
	p += n;
	*p++ = '-';
	p = sbuf__decimal(p, in->ev->pid);
	*p++ = '-';
	p = sbuf__decimal(p, in->ev->start_ns);
	*p = '\0';
	set_str(v, v->buf);
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
	/* nginx-style titles pad argv with spaces (or NULs) to its old length. */
	while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\0'))
		(*n)--;
	return *n > 0;
}

static void get_args(GET_ARGS)
{
	bool cut;

	if (cmdline_of(in, &v->s, &v->n, &cut))
		v->type = V_ARGS;
}

/* One line: the arguments joined by spaces (each still escaped on output). */
static void get_command_line(GET_ARGS)
{
	get_args(in, ctx, v);
	if (v->type == V_ARGS) {
		v->type = V_TEXT;	/* rendered with NULs shown as spaces */
		v->u2 = V_TEXT_ARGV;
	}
}

static void get_args_count(GET_ARGS)
{
	const char *s;
	size_t n, count = 1;
	bool cut;

	if (!cmdline_of(in, &s, &n, &cut))
		return;
	/* memchr: a word at a time, where a byte loop took most of the field. */
	for (const char *p = s, *end = s + n; (p = memchr(p, '\0', (size_t)(end - p))); p++)
		count++;
	set_uint(v, count);
}

static void get_args_cut(GET_ARGS)
{
	const char *s;
	size_t n;
	bool cut;

	if (cmdline_of(in, &s, &n, &cut) && cut)
		set_bool(v, true);
}

static void get_exe(GET_ARGS)
{
	if (in->proc)
		text_or_none(v, in->proc->exe);
}

static void get_cwd(GET_ARGS)
{
	if (in->held)
		text_or_none(v, in->held->cwd);
}

/* The fds through which this process holds the socket (lsof's FD). */
static void get_fds(GET_ARGS)
{
	const struct ps_owner *o = in->holders;

	for (size_t i = 0; i < in->nholders; i++) {
		if (o[i].pid != in->ev->pid)
			continue;
		if (v->type == V_NONE) {
			v->type = V_UINTS;
			v->u = i;
		}
		v->n++;
	}
}

static void get_files(GET_ARGS)
{
	if (!in->held || !in->held->files_len)
		return;		/* none: no member, not [""] */
	v->type = V_LIST;
	v->s = in->held->files ? in->held->files : "";
	v->n = in->held->files_len;
}

/* -- event ---------------------------------------------------------------- */

static void get_ev_kind(GET_ARGS)
{
	set_str(v, is_event(in) ? "event" : "state");
}

/* who: the socket's state in a word (names.h): "listening", "bound",
 * "established", ... */
static void get_sock_state(GET_ARGS)
{
	if (in->sock)
		set_str(v, names__sock_state(in->sock->proto, in->sock->state,
					     in->sock->rport != 0));
}

static const char *state_name(const struct format_input *in)
{
	if (in->rec == FORMAT_REC_HELD)
		return "held";
	return in->sock && in->sock->state == TCP_LISTEN ? "listening" : "bound";
}

static void get_action(GET_ARGS)
{
	set_str(v, is_event(in) ? names__kind(in->ev->kind) : state_name(in));
}

/* The event table's EVENT: a state record is a "state" row. */
static void get_event_col(GET_ARGS)
{
	static const char *const marked[PS_EV__MAX] = {
		[PS_EV_BIND] = "bind!", [PS_EV_LISTEN] = "listen!",
	};

	/* "!": a listener the baseline (--expect) does not hold. */
	if (is_event(in) && in->expected < 0 && in->ev->kind < PS_EV__MAX &&
	    marked[in->ev->kind])
		set_str(v, marked[in->ev->kind]);
	else
		set_str(v, is_event(in) ? names__kind(in->ev->kind) : "state");
}

static void get_expected(GET_ARGS)
{
	if (in->expected)
		set_bool(v, in->expected > 0);
}

static void get_outcome(GET_ARGS)
{
	const struct ps_event *ev = in->ev;

	if (ev->kind == PS_EV_CLOSE)
		return;
	if (ev->err == EINPROGRESS)
		set_str(v, "unknown");
	else
		set_str(v, ev->err ? "failure" : "success");
}

static void get_error(GET_ARGS)
{
	if (in->ev->err)
		set_str(v, names__errno(in->ev->err, v->buf, sizeof(v->buf)));
}

static void get_result(GET_ARGS)
{
	const struct ps_event *ev = in->ev;

	if (!is_event(in))
		v->type = V_STATE;	/* "listening, held by ..." */
	else if (ev->err && in->nholders)
		v->type = V_HELD_BY;	/* "EADDRINUSE held by ..." */
	else if (ev->err)
		set_str(v, names__errno(ev->err, v->buf, sizeof(v->buf)));
	else if (ev->kind == PS_EV_CONNECT_RESULT)
		set_str(v, "established");
	else if (ev->kind != PS_EV_CLOSE)
		set_str(v, "ok");
	/* How long the connect took: "established 0.153ms". */
	if (is_event(in) && ev->kind == PS_EV_CONNECT_RESULT && v->type == V_STR) {
		char head[48];

		/* v->s may be v->buf (an errno name): copied out first. */
		snprintf(head, sizeof(head), "%.*s", (int)v->n, v->s);
		snprintf(v->buf, sizeof(v->buf), "%s %llu.%03llums", head,
			 (unsigned long long)(ev->duration_ns / 1000000),
			 (unsigned long long)(ev->duration_ns / 1000 % 1000));
		set_str(v, v->buf);
	}
}

static void get_holders(GET_ARGS)
{
	if (in->nholders)
		v->type = V_OWNERS;
}

/* The EADDRINUSE holders are the binds the trace saw: their socket was
 * gone when the failure was read. */
static void get_holders_gone(GET_ARGS)
{
	if (in->nholders && in->holders_gone)
		set_bool(v, true);
}

static void get_requested(GET_ARGS)
{
	if (in->ev->flags & PS_F_REQUESTED)
		set_bool(v, true);
}

static void get_backlog(GET_ARGS)
{
	if (is_event(in) && in->ev->kind == PS_EV_LISTEN)
		set_uint(v, in->ev->backlog);
	else if (in->sock && in->sock->state == TCP_LISTEN)
		set_uint(v, in->sock->wqueue);
}

/* -- the table ------------------------------------------------------------ */

#define EV_OFF(m) .off = offsetof(struct ps_event, m)
#define EV_U32(k, m, r, ...) { .key = k, .src = SRC_U32, EV_OFF(m), .recs = r, __VA_ARGS__ }
#define EV_U64(k, m, r, ...) { .key = k, .src = SRC_U64, EV_OFF(m), .recs = r, __VA_ARGS__ }
#define EV_COMM(k, m, r, ...) { .key = k, .src = SRC_COMM, EV_OFF(m), .recs = r, __VA_ARGS__ }
#define GET(k, fn, r, ...) { .key = k, .get = fn, .recs = r, __VA_ARGS__ }
#define COL(c, w, t) .column = c, .width = w, .tables = t
#define COLUMN(c, w, t, fn, ...) { COL(c, w, t), .get = fn, __VA_ARGS__ }

/*
 * The fields, in output order. JSON keys that share a prefix stay together
 * (the writer nests by prefix); table columns appear in this order too.
 *
 * A row: how it is read, its JSON key and the records that carry it
 * (R_EVENT, R_STATE, R_HELD), then optionally its column:
 *   EV_U64("event.duration", duration_ns, R_EVENT, .nonzero = 1),
 *   GET("process.executable", get_exe, R_ALL, COL("exe", 0, T_WHO)),
 *   COLUMN("PROTO", 6, T_EVENTS | T_LS, get_proto_col),   (a column only)
 * A column's width is its width in 80 columns; .grow lets it widen.
 */
const struct field fields[] = {
	GET("@timestamp", get_time, R_ALL, COL("TIME", 12, T_EVENTS)),
	GET("process.pid", get_pid, R_ALL, COL("PID", 7, T_EVENTS)),
	EV_U32("process.thread.id", tid, R_EVENT),
	EV_COMM("process.thread.name", tcomm, R_EVENT),
	GET("process.parent.pid", get_ppid, R_EVENT | R_HELD),
	EV_COMM("process.parent.name", pcomm, R_EVENT | R_HELD),
	GET("process.name", get_comm, R_ALL, COL("COMM", 15, T_EVENTS)),
	GET("process.executable", get_exe, R_ALL, COL("exe", 0, T_WHO)),
	GET("process.command_line", get_command_line, R_ALL, COL("command", 0, T_WHO)),
	GET("process.args", get_args, R_ALL),
	GET("process.args_count", get_args_count, R_EVENT),
	GET("process.working_directory", get_cwd, R_HELD, COL("cwd", 0, T_WHO)),
	GET("process.start", get_start, R_ALL),
	GET("process.entity_id", get_entity_id, R_EVENT),
	GET("event.kind", get_ev_kind, R_ALL),
	GET("event.action", get_action, R_ALL),
	COLUMN("EVENT", 7, T_EVENTS, get_event_col),
	GET("event.outcome", get_outcome, R_EVENT),
	/* ECS event.duration: the connect's, in ns, on its outcome alone. */
	EV_U64("event.duration", duration_ns, R_EVENT, .nonzero = 1),
	GET("network.transport", get_transport, R_ALL),
	GET("network.type", get_net_type, R_ALL),
	COLUMN("PROTO", 6, T_EVENTS | T_LS, get_proto_col),
	COLUMN("ADDRESS", 15, T_NARROW, get_address),
	COLUMN("STATE", 6, T_LS, get_ls_state),
	COLUMN("LOCAL", 21, T_WIDER, get_local, .grow = 47),
	/* ls's LOCAL starts narrower: at 80 columns PROCESSES keeps 16. */
	COLUMN("LOCAL", 15, T_LS, get_local, .grow = 47),
	COLUMN("REMOTE", 21, T_WIDER, get_remote, .grow = 47),
	COLUMN("NETNS", 10, T_FULL, get_netns_col, .grow = 20),
	COLUMN("CONTAINER", 12, T_FULL, get_container_col),
	COLUMN("RESULT", 11, T_EVENTS, get_result),
	GET("error.code", get_error, R_EVENT),
	GET("server.ip", get_server_ip, R_ALL),
	GET("server.port", get_server_port, R_ALL),
	GET("source.ip", get_source_ip, R_EVENT),
	GET("source.port", get_source_port, R_EVENT),
	GET("destination.ip", get_dest_ip, R_ALL),
	GET("destination.port", get_dest_port, R_ALL),
	GET("host.name", get_host, R_ALL),
	GET("user.id", get_uid, R_ALL),
	GET("user.name", get_user_name, R_ALL),
	EV_U32("group.id", gid, R_EVENT),
	GET("container.id", get_container_id, R_ALL),
	GET("container.runtime", get_container_rt, R_ALL),
	CONTAINER_NAME_FIELDS,	/* fields_ctr.c */
	GET("kubernetes.pod.uid", get_pod_uid, R_EVENT),
	ORCHESTRATOR_FIELDS,
	GET("portsnoop.requested", get_requested, R_EVENT),
	GET("portsnoop.backlog", get_backlog, R_EVENT | R_STATE),
	GET("portsnoop.recv_q", get_rqueue, R_STATE, COL("RECV-Q", 6, T_LS)),
	GET("portsnoop.send_q", get_wqueue, R_STATE, COL("SEND-Q", 6, T_LS)),
	GET("portsnoop.ipv6_only", get_v6only, R_ALL),
	GET("portsnoop.interface", get_ifname, R_ALL),
	GET("portsnoop.holders", get_holders, R_EVENT),
	GET("portsnoop.holders_gone", get_holders_gone, R_EVENT),
	EV_U32("portsnoop.netns", netns, R_ALL, .nonzero = 1),
	GET("portsnoop.netns_name", get_netns_name, R_STATE | R_HELD),
	COLUMN("NETNS", 10, T_LS, get_netns_col, .grow = 32),
	COLUMN("USER", 8, T_LS, get_owner_users, .grow = 16),
	COLUMN("PROCESSES", 16, T_LS, get_owners_cell),
	EV_U64("portsnoop.cgroup.id", cgroup_id, R_EVENT, .nonzero = 1),
	GET("portsnoop.cgroup.path", get_cgroup_path, R_EVENT),
	GET("portsnoop.systemd_unit", get_unit, R_EVENT | R_STATE),
	EV_U32("portsnoop.ns_pid", ns_pid, R_EVENT, .nonzero = 1),
	GET("portsnoop.args_truncated", get_args_cut, R_EVENT),
	GET("portsnoop.executable_deleted", get_exe_deleted, R_EVENT),
	GET("portsnoop.expected", get_expected, R_EVENT),
	EV_U64("portsnoop.cookie", cookie, R_EVENT | R_STATE, .nonzero = 1),
	GET("portsnoop.state", get_sock_state, R_HELD),
	GET("portsnoop.inode", get_inode, R_STATE | R_HELD),
	GET("portsnoop.owner_unknown", get_owner_unknown, R_STATE | R_HELD),
	GET("portsnoop.owners", get_owners, R_STATE),
	GET("portsnoop.fds", get_fds, R_HELD),
	GET("portsnoop.files_written", get_files, R_HELD, COL("writing", 0, T_WHO)),
	/* Who, through a DNAT rule (docs/nat.md): the rule, and where it sends. */
	COLUMN("via", 0, T_WHO, get_nat_via),
	GET("portsnoop.nat.port", get_nat_port, R_HELD),
	GET("portsnoop.nat.rule.family", get_nat_family, R_HELD),
	GET("portsnoop.nat.rule.table", get_nat_table, R_HELD),
	GET("portsnoop.nat.rule.chain", get_nat_chain, R_HELD),
	GET("portsnoop.nat.rule.handle", get_nat_handle, R_HELD),
	GET("portsnoop.nat.rule.encoding", get_nat_encoding, R_HELD),
	GET("portsnoop.nat.to.ip", get_nat_to_ip, R_HELD),
	GET("portsnoop.nat.to.port", get_nat_to_port, R_HELD),
	SERVES_FIELDS,	/* fields_serves.c */
};

const size_t fields_count = sizeof(fields) / sizeof(fields[0]);
_Static_assert(sizeof(fields) / sizeof(fields[0]) <= FIELDS_MAX, "raise FIELDS_MAX");

void field__get(const struct field *f, const struct format_input *in,
		const struct format_ctx *ctx, struct val *v)
{
	const char *p = (const char *)in->ev + f->off;
	uint32_t u32;
	uint64_t u64;

	val_none(v);
	switch (f->src) {
	case SRC_GET:
		f->get(in, ctx, v);
		return;
	case SRC_U32:
		memcpy(&u32, p, sizeof(u32));
		if (u32 || !f->nonzero)
			set_uint(v, u32);
		return;
	case SRC_U64:
		memcpy(&u64, p, sizeof(u64));
		if (u64 || !f->nonzero)
			set_uint(v, u64);
		return;
	case SRC_COMM:
		v->s = p;
		v->n = strnlen(p, PS_COMM_LEN);
		v->type = v->n ? V_TEXT : V_NONE;
		return;
	}
}

const struct field *field__by_key(const char *key)
{
	for (size_t i = 0; i < fields_count; i++)
		if (fields[i].key && !strcmp(fields[i].key, key))
			return &fields[i];
	return NULL;
}

const struct field *field__by_column(const char *column)
{
	for (size_t i = 0; i < fields_count; i++)
		if (fields[i].column && !strcmp(fields[i].column, column))
			return &fields[i];
	return NULL;
}
