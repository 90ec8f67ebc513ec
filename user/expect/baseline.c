// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Reading a baseline file (both forms, line by line) and matching it. */
#include "expect/baseline.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/jsonr.h"
#include "lib/array.h"
#include "lib/port.h"

/* ls --json writes 3 levels; objects and arrays nested deeper: refused. */
#define BASELINE_JSON_DEPTH 16

#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif

struct baseline {
	struct expect_key *v;
	size_t n, cap;
};

/* A line being read: where errors point. */
struct where {
	const char *name;
	size_t line;
	char *err;
	size_t errsz;
};

static int bad(const struct where *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int bad(const struct where *w, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (w->line)
		snprintf(w->err, w->errsz, "%s:%zu: %s", w->name, w->line, msg);
	else
		snprintf(w->err, w->errsz, "%s: %s", w->name, msg);
	return -EINVAL;
}

static enum expect_scope scope4(const uint8_t *a)
{
	static const uint8_t zero[4];

	return !memcmp(a, zero, 4) ? SCOPE_ANY : a[0] == 127 ? SCOPE_LOOPBACK : SCOPE_HOST;
}

enum expect_scope baseline__scope(unsigned int family, const uint8_t addr[16])
{
	static const uint8_t zero[16], v6lo[16] = { [15] = 1 };
	static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };

	if (family == AF_INET6 && !memcmp(addr, mapped, sizeof(mapped)))
		return scope4(addr + 12);
	if (family == AF_INET)
		return scope4(addr);
	return !memcmp(addr, zero, 16) ? SCOPE_ANY : !memcmp(addr, v6lo, 16) ? SCOPE_LOOPBACK
									      : SCOPE_HOST;
}

const char *baseline__scope_name(enum expect_scope s)
{
	return s == SCOPE_ANY ? "any" : s == SCOPE_LOOPBACK ? "loopback" : "host";
}

static int parse_proto(const char *s, uint16_t *out)
{
	*out = !strcmp(s, "tcp") ? IPPROTO_TCP : !strcmp(s, "udp") ? IPPROTO_UDP
		: !strcmp(s, "mptcp") ? IPPROTO_MPTCP : 0;
	return *out ? 0 : -EINVAL;
}

/* "127.0.0.1", "::", "[::1]", "loopback", "host", "any", "*" */
static int parse_scope(const char *s, enum expect_scope *out)
{
	uint8_t a[16] = { 0 };
	char v6[INET6_ADDRSTRLEN];
	size_t n = strlen(s);

	if (!strcmp(s, "loopback") || !strcmp(s, "host") || !strcmp(s, "any") || !strcmp(s, "*")) {
		*out = s[0] == 'l' ? SCOPE_LOOPBACK : s[0] == 'h' ? SCOPE_HOST : SCOPE_ANY;
		return 0;
	}
	if (inet_pton(AF_INET, s, a) == 1) {
		*out = baseline__scope(AF_INET, a);
		return 0;
	}
	if (n >= 2 && s[0] == '[' && s[n - 1] == ']' && n - 2 < sizeof(v6)) {
		memcpy(v6, s + 1, n - 2);
		v6[n - 2] = '\0';
		s = v6;
	}
	if (inet_pton(AF_INET6, s, a) == 1) {
		*out = baseline__scope(AF_INET6, a);
		return 0;
	}
	return -EINVAL;
}

static int add(struct baseline *b, const struct where *w, const struct expect_key *k)
{
	struct expect_key *v;
	struct expect_key e = *k;

	if (b->n == BASELINE_MAX_ENTRIES)
		return bad(w, "more than %d listeners", BASELINE_MAX_ENTRIES);
	v = array__reserve(b->v, b->n, &b->cap, sizeof(*v), 64);
	if (!v)
		return -ENOMEM;
	b->v = v;
	e.exe = e.exe ? strdup(e.exe) : NULL;
	e.unit = e.unit ? strdup(e.unit) : NULL;
	e.image = e.image ? strdup(e.image) : NULL;
	e.comm = e.comm ? strdup(e.comm) : NULL;
	b->v[b->n++] = e;
	if ((k->exe && !e.exe) || (k->unit && !e.unit) || (k->image && !e.image) ||
	    (k->comm && !e.comm))
		return -ENOMEM;
	return 0;
}

/* -- the hand-written form ------------------------------------------------ */

static int hand_who(const struct where *w, char *tok, struct expect_key *k)
{
	static const char *const keys[] = { "exe=", "unit=", "image=", "comm=" };
	const char **slot[] = { &k->exe, &k->unit, &k->image, &k->comm };

	if (!strcmp(tok, "*"))
		return 0;
	for (size_t i = 0; i < 4; i++)
		if (!strncmp(tok, keys[i], strlen(keys[i])) && tok[strlen(keys[i])]) {
			*slot[i] = tok + strlen(keys[i]);
			return 0;
		}
	return bad(w, "'%.60s': expected exe=PATH, unit=NAME, image=NAME, comm=NAME or *", tok);
}

static int hand_line(struct baseline *b, const struct where *w, char *line)
{
	struct expect_key k = { 0 };
	char *save = NULL, *proto = strtok_r(line, " \t", &save);
	char *addr = strtok_r(NULL, " \t", &save), *colon, *tok;
	bool who = false;

	if (!proto)
		return 0;	/* a blank line */
	if (parse_proto(proto, &k.proto))
		return bad(w, "'%.20s': expected tcp, udp or mptcp first", proto);
	colon = addr ? strrchr(addr, ':') : NULL;
	if (!colon)
		return bad(w, "expected ADDRESS:PORT after the protocol");
	*colon = '\0';
	if (parse_scope(addr, &k.scope) || port__parse(colon + 1, &k.port))
		return bad(w, "'%.60s:%.10s': expected loopback, host, any or an address, then a "
			   "port from 1 to 65535", addr, colon + 1);
	while ((tok = strtok_r(NULL, " \t", &save))) {
		if (hand_who(w, tok, &k))
			return -EINVAL;
		who = true;
	}
	if (!who)
		return bad(w, "say who listens: exe=PATH, unit=NAME, image=NAME, comm=NAME or *");
	return add(b, w, &k);
}

/* -- what ls --json prints -------------------------------------------------- */

struct json_rec {
	const struct where *w;
	char kind[16], action[16], transport[8], ip[INET6_ADDRSTRLEN + 2];
	bool has_port;
	uint16_t port;
	char *exe, *unit, *image, *comm;
	char *text;		/* the value at hand, decoded: as long as the line */
	const char *why;	/* what JSON rule the line breaks */
};

static int json_text(struct json_rec *r, const char *path, enum jsonr_type t,
		     const char *s, size_t n, char *buf, size_t bufsz)
{
	if (t != JSONR_STRING)
		return bad(r->w, "%s is not a string", path);
	if (n >= bufsz || memchr(s, '\0', n))
		return bad(r->w, "%s is not a %s", path, bufsz > 64 ? "path or name" : "known value");
	memcpy(buf, s, n + 1);
	return 0;
}

static int json_dup(struct json_rec *r, const char *path, enum jsonr_type t, const char *s,
		    size_t n, char **out)
{
	if (t != JSONR_STRING)
		return bad(r->w, "%s is not a string", path);
	if (memchr(s, '\0', n))
		return bad(r->w, "%s holds a NUL", path);
	free(*out);
	*out = strdup(s);
	return *out ? 0 : -ENOMEM;
}

static int json_field(struct json_rec *r, const char *path, enum jsonr_type t, const char *s,
		      size_t n)
{
	char num[8];

	if (!strcmp(path, "event.kind"))
		return json_text(r, path, t, s, n, r->kind, sizeof(r->kind));
	if (!strcmp(path, "event.action"))
		return json_text(r, path, t, s, n, r->action, sizeof(r->action));
	if (!strcmp(path, "network.transport"))
		return json_text(r, path, t, s, n, r->transport, sizeof(r->transport));
	if (!strcmp(path, "server.ip"))
		return json_text(r, path, t, s, n, r->ip, sizeof(r->ip));
	if (!strcmp(path, "server.port")) {
		if (t != JSONR_NUMBER || n >= sizeof(num))
			return bad(r->w, "server.port is not a port number");
		memcpy(num, s, n + 1);
		if (port__parse(num, &r->port))
			return bad(r->w, "server.port %s is not from 1 to 65535", num);
		r->has_port = true;
		return 0;
	}
	if (!strcmp(path, "process.executable"))
		return json_dup(r, path, t, s, n, &r->exe);
	if (!strcmp(path, "portsnoop.systemd_unit"))
		return json_dup(r, path, t, s, n, &r->unit);
	if (!strcmp(path, "container.image.name"))
		return json_dup(r, path, t, s, n, &r->image);
	if (!strcmp(path, "process.name"))
		return json_dup(r, path, t, s, n, &r->comm);
	return 0;
}

static int json_entry(struct baseline *b, struct json_rec *r)
{
	struct expect_key k = { .exe = r->exe, .unit = r->unit, .image = r->image };

	if (strcmp(r->kind, "state"))
		return 0;	/* a trace's start/stop records and events: not listeners */
	if (!r->transport[0] || !r->ip[0] || !r->has_port)
		return bad(r->w, "a state record without network.transport, server.ip and "
			   "server.port");
	if (parse_proto(r->transport, &k.proto))
		return bad(r->w, "network.transport '%s' is not tcp, udp or mptcp", r->transport);
	if (k.proto != IPPROTO_UDP && strcmp(r->action, "listening"))
		return 0;	/* a TCP socket bound, not listening: no listener */
	if (parse_scope(r->ip, &k.scope))
		return bad(r->w, "server.ip '%s' is not an address", r->ip);
	k.port = r->port;
	/* The process name only when nothing steadier is known. */
	if (!k.exe && !k.unit && !k.image)
		k.comm = r->comm;
	return add(b, r->w, &k);
}

/* A member of the line's object (not inside an array), its strings decoded
 * strictly, for json_field. */
static int json_step(void *ctx, const struct jsonr_step *st)
{
	struct json_rec *r = ctx;
	const struct jsonr *v = st->v;
	int n = (int)v->n;

	if (st->leave || st->in_array || !st->key)
		return 0;
	if (!st->path) {
		r->why = "a key path longer than 127 bytes";
		return -EINVAL;
	}
	if (v->type == JSONR_STRING) {
		n = jsonr__decode(v, r->text, v->n, true);
		if (n < 0) {
			r->why = "a lone surrogate in a string";
			return -EINVAL;
		}
	} else if (v->type == JSONR_OBJECT || v->type == JSONR_ARRAY) {
		n = 0;
	} else {
		memcpy(r->text, v->p, v->n);
	}
	r->text[n] = '\0';
	return json_field(r, st->path, v->type, r->text, (size_t)n);
}

static int json_line(struct baseline *b, const struct where *w, const char *line, size_t n)
{
	struct json_rec r = { .w = w };
	struct jsonr top;
	int rc = jsonr__check(line, n, BASELINE_JSON_DEPTH, &top, &r.why);

	if (rc == -ELOOP)
		rc = -EINVAL, r.why = "objects nested more than 16 deep";
	else if (!rc && top.type != JSONR_OBJECT)
		rc = -EINVAL, r.why = "not a JSON object";
	if (!rc) {
		r.text = malloc(n + 1);	/* a value decoded is never longer than its text */
		rc = r.text ? jsonr__walk(&top, json_step, &r) : -ENOMEM;
	}
	if (rc == -EINVAL && r.why)
		rc = bad(w, "not JSON: %s", r.why);
	if (!rc)
		rc = json_entry(b, &r);
	free(r.text);
	free(r.exe);
	free(r.unit);
	free(r.image);
	free(r.comm);
	return rc;
}

/* -- the file --------------------------------------------------------------- */

static int one_line(struct baseline *b, const struct where *w, char *line, size_t n)
{
	char *p = line;

	if (n && line[n - 1] == '\r')
		line[--n] = '\0';
	if (memchr(line, '\0', n))
		return bad(w, "a NUL byte: not a text file");
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '#' || !*p)
		return 0;
	return *p == '{' ? json_line(b, w, p, n - (size_t)(p - line)) : hand_line(b, w, p);
}

int baseline__parse(const char *name, const char *text, size_t len, struct baseline **out,
		    char *err, size_t errsz)
{
	struct where w = { .name = name, .err = err, .errsz = errsz };
	struct baseline *b = calloc(1, sizeof(*b));
	char *line = malloc(BASELINE_MAX_LINE + 1);
	int rc = 0;

	if (!b || !line) {
		free(line);
		free(b);
		snprintf(err, errsz, "%s: out of memory", name);
		return -ENOMEM;
	}
	for (size_t off = 0; off < len && !rc;) {
		const char *nl = memchr(text + off, '\n', len - off);
		size_t n = (nl ? (size_t)(nl - text) : len) - off;

		w.line++;
		if (n > BASELINE_MAX_LINE) {
			rc = bad(&w, "a line longer than %d bytes", BASELINE_MAX_LINE);
			break;
		}
		memcpy(line, text + off, n);
		line[n] = '\0';
		rc = one_line(b, &w, line, n);
		off += n + 1;
	}
	free(line);
	if (rc == -ENOMEM)
		snprintf(err, errsz, "%s: out of memory", name);
	if (!rc && !b->n) {
		w.line = 0;
		rc = bad(&w, "no listeners in it (make one with 'portsnoop ls --json > FILE')");
	}
	if (rc) {
		baseline__free(b);
		return rc;
	}
	*out = b;
	return 0;
}

int baseline__load(const char *path, struct baseline **out, char *err, size_t errsz)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY), rc;
	struct stat st;
	char *text = NULL;
	size_t len = 0;

	if (fd < 0 || fstat(fd, &st)) {
		rc = -errno;
		snprintf(err, errsz, "%s: %s", path, strerror(-rc));
		goto out;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > BASELINE_MAX_BYTES) {
		rc = -EINVAL;
		snprintf(err, errsz, "%s: %s", path, S_ISREG(st.st_mode)
			 ? "larger than 16 MiB: not a baseline" : "not a regular file");
		goto out;
	}
	text = malloc((size_t)st.st_size + 1);
	if (!text) {
		rc = -ENOMEM;
		snprintf(err, errsz, "%s: out of memory", path);
		goto out;
	}
	while (len < (size_t)st.st_size) {
		ssize_t n = read(fd, text + len, (size_t)st.st_size - len);

		if (n <= 0) {
			rc = n < 0 ? -errno : -EIO;
			snprintf(err, errsz, "%s: %s", path, strerror(-rc));
			goto out;
		}
		len += (size_t)n;
	}
	rc = baseline__parse(path, text, len, out, err, errsz);
out:
	if (fd >= 0)
		close(fd);
	free(text);
	return rc;
}

void baseline__free(struct baseline *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->n; i++) {
		free((char *)b->v[i].exe);
		free((char *)b->v[i].unit);
		free((char *)b->v[i].image);
		free((char *)b->v[i].comm);
	}
	free(b->v);
	free(b);
}

size_t baseline__count(const struct baseline *b)
{
	return b->n;
}

const struct expect_key *baseline__entry(const struct baseline *b, size_t i)
{
	return &b->v[i];
}

static bool same(const char *want, const char *have)
{
	return !want || (have && !strcmp(want, have));
}

bool baseline__match(const struct baseline *b, const struct expect_key *k, bool *matched)
{
	bool any = false;

	for (size_t i = 0; i < b->n; i++) {
		const struct expect_key *e = &b->v[i];

		if (e->proto != k->proto || e->port != k->port || k->scope > e->scope ||
		    !same(e->exe, k->exe) || !same(e->unit, k->unit) ||
		    !same(e->image, k->image) || !same(e->comm, k->comm))
			continue;
		any = true;
		if (!matched)
			return true;
		matched[i] = true;
	}
	return any;
}
