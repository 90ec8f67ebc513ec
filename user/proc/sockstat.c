// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "proc/sockstat.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The number after "key " on the line that begins with label, if any. */
static bool number(const char *line, const char *end, const char *label, const char *key,
		   uint64_t *out)
{
	size_t ll = strlen(label), kl = strlen(key);
	const char *p;

	if ((size_t)(end - line) < ll || memcmp(line, label, ll))
		return false;
	for (p = line + ll; p + kl < end; p++) {
		if (p[-1] == ' ' && !memcmp(p, key, kl) && p[kl] == ' ') {
			char *num_end;
			unsigned long long v;

			errno = 0;
			v = strtoull(p + kl + 1, &num_end, 10);
			if (errno || num_end == p + kl + 1 || num_end > end)
				return false;
			*out = v;
			return true;
		}
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

static void read_one(struct sockstat *st, const char *proc_root, const char *name)
{
	char path[PATH_MAX], buf[1024];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/self/net/%s", proc_root, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n > 0)
		sockstat__parse(st, buf, (size_t)n);
}

void sockstat__read(struct sockstat *st, const char *proc_root)
{
	memset(st, 0, sizeof(*st));
	read_one(st, proc_root, "sockstat");
	read_one(st, proc_root, "sockstat6");
}
