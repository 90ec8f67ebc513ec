// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* What history and who --at print: every text from the log escaped as
 * live output escapes it (output/escape.h): a log is untrusted input. */
#include "history/out.h"

#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "output/escape.h"
#include "output/names.h"
#include "lib/timefmt.h"
#include "proc/procinfo.h"
#include "sockets/holds.h"

#define STATE_START_SLACK_NS 1000000000LL

static void cell(struct sbuf *b, struct logstr s)
{
	if (s.p && s.n)
		escape__cell(b, s.p, s.n);
	else
		sbuf__putc(b, '-');
}

static struct logstr str_c(const char *s)
{
	return (struct logstr){ s, s ? strlen(s) : 0 };
}

static void cell_c(struct sbuf *b, const char *s)
{
	cell(b, str_c(s));
}

/* The process's columns, "PID COMM USER EXE ": "-" for what is not known;
 * a user by name, else by uid. */
static void process_cells(struct sbuf *b, uint32_t pid, struct logstr comm,
			  struct logstr user_name, bool has_uid, uint32_t uid, struct logstr exe)
{
	if (pid)
		sbuf__printf(b, "%u ", pid);
	else
		sbuf__puts(b, "- ");
	cell(b, comm);
	sbuf__putc(b, ' ');
	if (user_name.p)
		cell(b, user_name);
	else if (has_uid)
		sbuf__printf(b, "%u", uid);
	else
		sbuf__putc(b, '-');
	sbuf__putc(b, ' ');
	cell(b, exe);
	sbuf__putc(b, ' ');
}

/* "10.0.0.1:8080", "[::1]:8080", "-" */
static void endpoint(struct sbuf *b, struct logstr ip, uint16_t port)
{
	bool v6 = ip.p && memchr(ip.p, ':', ip.n);

	if (!ip.p && !port) {
		sbuf__putc(b, '-');
		return;
	}
	if (v6)
		sbuf__putc(b, '[');
	if (ip.p)
		escape__cell(b, ip.p, ip.n);
	else
		sbuf__putc(b, '*');
	if (v6)
		sbuf__putc(b, ']');
	sbuf__printf(b, ":%u", port);
}

static void when(struct sbuf *b, int64_t ns)
{
	char t[48];

	timefmt__rfc3339(ns, t, sizeof(t));
	sbuf__puts(b, t);
}

void history__header(struct sbuf *b, const struct history_out *o)
{
	if (!o->json)
		sbuf__puts(b, "TIME HOST EVENT RESULT PROTO LOCAL PEER PID PROCESS USER "
			   "EXECUTABLE CONTAINER UNIT COMMAND\n");
}

static void result(struct sbuf *b, const struct logrec *r)
{
	if (r->error.p)
		cell(b, r->error);
	else if (logstr__is(r->outcome, "success"))
		sbuf__puts(b, "ok");
	else if (logstr__is(r->outcome, "unknown"))
		sbuf__puts(b, "pending");
	else if (r->outcome.p)
		cell(b, r->outcome);
	else
		sbuf__putc(b, '-');
}

void history__record(struct sbuf *b, const struct history_out *o, const struct logrec *r,
		     const char *line, size_t len)
{
	bool conn = logstr__is(r->action, "connect") || logstr__is(r->action, "outcome");

	if (o->json) {
		sbuf__put(b, line, len);
		sbuf__putc(b, '\n');
		return;
	}
	when(b, r->ts_ns);
	sbuf__putc(b, ' ');
	cell(b, r->host);
	sbuf__putc(b, ' ');
	if (logstr__is(r->kind, "state"))
		sbuf__puts(b, "state:");
	cell(b, r->action);
	sbuf__putc(b, ' ');
	result(b, r);
	sbuf__putc(b, ' ');
	cell(b, r->transport);
	sbuf__putc(b, ' ');
	if (conn) {
		endpoint(b, r->source_ip, r->source_port);
		sbuf__putc(b, ' ');
		endpoint(b, r->dest_ip, r->dest_port);
	} else {
		endpoint(b, r->server_ip, r->server_port);
		sbuf__puts(b, " -");
	}
	sbuf__putc(b, ' ');
	process_cells(b, r->pid, r->comm, r->user_name, r->has_uid, r->uid, r->exe);
	cell(b, r->container_name.p ? r->container_name : r->container_id);
	sbuf__putc(b, ' ');
	cell(b, r->unit);
	sbuf__putc(b, ' ');
	/* The last column: spaces stay spaces. */
	if (r->cmdline.p && r->cmdline.n)
		escape__text(b, r->cmdline.p, r->cmdline.n);
	else
		sbuf__putc(b, '-');
	sbuf__putc(b, '\n');
}

void history__holder_header(struct sbuf *b, const struct history_out *o)
{
	if (!o->json)
		sbuf__puts(b, "HOST STATE PROTO LOCAL PID PROCESS USER EXECUTABLE SINCE "
			   "RUNNING CONTAINER UNIT COMMAND\n");
}

/* "<boot id>-<pid>-<start ns>" */
static bool parse_entity(const char *id, char *boot, size_t bootsz, uint32_t *pid,
			 uint64_t *start_ns)
{
	const char *a = id ? strchr(id, '-') : NULL;
	const char *c = a ? strchr(a + 1, '-') : NULL;
	char *end;

	if (!c || (size_t)(a - id) >= bootsz)
		return false;
	memcpy(boot, id, (size_t)(a - id));
	boot[a - id] = '\0';
	*pid = (uint32_t)strtoul(a + 1, &end, 10);
	if (end != c)
		return false;
	*start_ns = strtoull(c + 1, &end, 10);
	return !*end;
}

const char *history__still_runs(const struct history_out *o, const struct replay_sock *s)
{
	char boot[64], *stat = NULL;
	uint32_t pid;
	uint64_t start_ns, tick = procinfo__tick_ns();
	struct proc_stat st;
	long n;
	bool same;

	if (!s->pid || !o->local_host || !s->host || strcmp(o->local_host, s->host))
		return "unknown";
	n = procinfo__read("/proc", s->pid, "stat", 4096, &stat);
	if (n <= 0 || procinfo__parse_stat(stat, (size_t)n, &st)) {
		free(stat);
		return "no";	/* no such pid here now */
	}
	free(stat);
	if (!parse_entity(s->entity_id, boot, sizeof(boot), &pid, &start_ns) || pid != s->pid) {
		/* A state record: its start is logged to the clock tick, on the
		 * wall clock of then, with no boot id. Another process of the
		 * same pid started within a second is not a case to fear; a
		 * wall clock stepped by a second or more since makes it "no". */
		int64_t started = (int64_t)(st.start_ticks * tick) + timefmt__boot_offset();

		if (s->start_ns)
			return llabs(started - s->start_ns) < STATE_START_SLACK_NS ? "yes" : "no";
		return started > s->since_ns + (int64_t)tick ? "no" : "unknown";
	}
	if (!o->boot_id || strcmp(boot, o->boot_id))
		return "no";	/* another boot */
	same = st.start_ticks == start_ns / tick;
	return same ? "yes" : "no";
}

static const char *state_name(const struct replay_sock *s)
{
	return holds__state_name(&s->d);
}

static void json_str(struct sbuf *b, const char *key, const char *v, bool *first)
{
	if (!v)
		return;
	sbuf__printf(b, "%s\"%s\":", *first ? "" : ",", key);
	escape__json(b, v, strlen(v));
	*first = false;
}

/* A container's 64-hex id (JSON's container.id); a name is the table's only. */
static bool container_id(const char *c)
{
	if (!c || strlen(c) != 64)
		return false;
	for (; *c; c++)
		if (!((*c >= '0' && *c <= '9') || (*c >= 'a' && *c <= 'f')))
			return false;
	return true;
}

static void holder_json(struct sbuf *b, const struct history_out *o,
			const struct replay_sock *s, int64_t at_ns)
{
	char t[48], ip[64];
	bool first = true;
	const char *runs = history__still_runs(o, s);

	timefmt__rfc3339(at_ns, t, sizeof(t));
	sbuf__printf(b, "{\"@timestamp\":\"%s\",\"event\":{\"kind\":\"state\","
		     "\"action\":\"held\"}", t);
	if (s->host) {
		sbuf__puts(b, ",\"host\":{\"name\":");
		escape__json(b, s->host, strlen(s->host));
		sbuf__putc(b, '}');
	}
	if (s->pid) {
		sbuf__printf(b, ",\"process\":{\"pid\":%u", s->pid);
		first = false;
		json_str(b, "name", s->comm, &first);
		json_str(b, "executable", s->exe, &first);
		json_str(b, "command_line", s->cmdline, &first);
		json_str(b, "entity_id", s->entity_id, &first);
		sbuf__putc(b, '}');
	}
	if (s->user_name || s->has_uid) {
		sbuf__puts(b, ",\"user\":{");
		first = true;
		if (s->has_uid) {
			sbuf__printf(b, "\"id\":%u", s->uid);
			first = false;
		}
		json_str(b, "name", s->user_name, &first);
		sbuf__putc(b, '}');
	}
	names__addr(s->d.family, s->d.laddr, ip, sizeof(ip));
	sbuf__printf(b, ",\"network\":{\"transport\":\"%s\",\"type\":\"%s\"}"
		     ",\"server\":{\"ip\":\"%s\",\"port\":%u}",
		     s->d.proto == IPPROTO_UDP ? "udp" : "tcp",
		     s->d.family == AF_INET6 ? "ipv6" : "ipv4", ip, s->d.lport);
	timefmt__rfc3339(s->since_ns, t, sizeof(t));
	sbuf__printf(b, ",\"portsnoop\":{\"state\":\"%s\",\"since\":\"%s\","
		     "\"since_state_record\":%s,\"still_running\":\"%s\"",
		     state_name(s), t, s->from_state ? "true" : "false", runs);
	sbuf__printf(b, ",\"netns\":%u", s->d.netns);
	if (s->d.cookie)
		sbuf__printf(b, ",\"cookie\":%" PRIu64, s->d.cookie);
	first = false;
	json_str(b, "systemd_unit", s->unit, &first);
	sbuf__putc(b, '}');
	if (container_id(s->container)) {
		sbuf__puts(b, ",\"container\":{\"id\":");
		escape__json(b, s->container, strlen(s->container));
		sbuf__putc(b, '}');
	}
	sbuf__puts(b, "}\n");
}

void history__holder(struct sbuf *b, const struct history_out *o, const struct replay_sock *s,
		     int64_t at_ns)
{
	char ip[64];

	if (o->json) {
		holder_json(b, o, s, at_ns);
		return;
	}
	cell_c(b, s->host);
	sbuf__printf(b, " %s %s ", state_name(s), s->d.proto == IPPROTO_UDP ? "udp" : "tcp");
	names__addr(s->d.family, s->d.laddr, ip, sizeof(ip));
	sbuf__printf(b, s->d.family == AF_INET6 ? "[%s]:%u " : "%s:%u ", ip, s->d.lport);
	process_cells(b, s->pid, str_c(s->comm), str_c(s->user_name), s->has_uid, s->uid,
		      str_c(s->exe));
	when(b, s->since_ns);
	sbuf__printf(b, "%s %s ", s->from_state ? "(state)" : "", history__still_runs(o, s));
	cell_c(b, s->container);
	sbuf__putc(b, ' ');
	cell_c(b, s->unit);
	sbuf__putc(b, ' ');
	if (s->cmdline && *s->cmdline)
		escape__text(b, s->cmdline, strlen(s->cmdline));
	else
		sbuf__putc(b, '-');
	sbuf__putc(b, '\n');
}
