// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "proc/sockstat.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "proc/procinfo.h"

/* The decimal at p (before end), ending at a space or end: its end, or
 * NULL. The text is not NUL-terminated: strtoull() could read past it. */
static const char *decimal(const char *p, const char *end, uint64_t *out)
{
	uint64_t v = 0;
	const char *start = p;

	for (; p < end && *p >= '0' && *p <= '9'; p++) {
		if (v > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			return NULL;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (p == start || (p < end && *p != ' '))
		return NULL;
	*out = v;
	return p;
}

/* The number after "key " on the line that begins with label, if any. */
static bool number(const char *line, const char *end, const char *label, const char *key,
		   uint64_t *out)
{
	size_t ll = strlen(label), kl = strlen(key);
	const char *p;

	if ((size_t)(end - line) < ll || memcmp(line, label, ll))
		return false;
	for (p = line + ll; p + kl < end; p++) {
		if (p[-1] == ' ' && !memcmp(p, key, kl) && p[kl] == ' ')
			return decimal(p + kl + 1, end, out) != NULL;
	}
	return false;
}

void sockstat__parse(struct sockstat *st, const char *buf, size_t len)
{
	const char *end = buf + len;
	unsigned int seen4 = 0, seen6 = 0;

	for (const char *line = buf; line < end;) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		const char *le = nl ? nl : end;

		seen4 += number(line, le, "sockets:", "used", &st->used);
		seen4 += number(line, le, "TCP:", "inuse", &st->tcp);
		seen4 += number(line, le, "TCP:", "tw", &st->tcp_tw);
		seen4 += number(line, le, "UDP:", "inuse", &st->udp);
		seen6 += number(line, le, "TCP6:", "inuse", &st->tcp6);
		seen6 += number(line, le, "UDP6:", "inuse", &st->udp6);
		line = le + 1;
	}
	if (seen4 == 4)
		st->known4 = true;
	if (seen6 == 2)
		st->known6 = true;
}

/* The third column of the row named name (its first word), if any. */
static bool third(const char *line, const char *end, const char *name, uint64_t *out)
{
	size_t nl = strlen(name);
	const char *p = line + nl;

	if ((size_t)(end - line) <= nl || memcmp(line, name, nl) || *p != ' ')
		return false;
	while (p < end && *p == ' ')
		p++;
	while (p < end && *p != ' ')	/* the size column */
		p++;
	while (p < end && *p == ' ')
		p++;
	return decimal(p, end, out) != NULL;
}

void sockstat__parse_protocols(struct sockstat *st, const char *buf, size_t len)
{
	const char *end = buf + len;
	unsigned int seen = 0;

	for (const char *line = buf; line < end;) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		const char *le = nl ? nl : end;

		seen += third(line, le, "MPTCP", &st->mptcp);
		seen += third(line, le, "MPTCPv6", &st->mptcp6);
		line = le + 1;
	}
	if (seen == 2)
		st->known_mptcp = true;
}

/* The whole of a small /proc file into buf; its length, or 0. A file
 * that does not fit is cut short (its last lines unknown). */
static size_t read_small(const char *proc_root, const char *name, char *buf, size_t sz)
{
	char path[PATH_MAX];
	long got;
	int fd;

	snprintf(path, sizeof(path), "%s/thread-self/net/%s", proc_root, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	got = procinfo__fill(fd, buf, sz);
	close(fd);
	return got > 0 ? (size_t)got : 0;
}

void sockstat__read(struct sockstat *st, const char *proc_root)
{
	char buf[8192];
	size_t n;

	memset(st, 0, sizeof(*st));
	n = read_small(proc_root, "sockstat", buf, sizeof(buf));
	sockstat__parse(st, buf, n);
	n = read_small(proc_root, "sockstat6", buf, sizeof(buf));
	sockstat__parse(st, buf, n);
	n = read_small(proc_root, "protocols", buf, sizeof(buf));
	if (n < sizeof(buf))	/* whole: no row cut short */
		sockstat__parse_protocols(st, buf, n);
}
