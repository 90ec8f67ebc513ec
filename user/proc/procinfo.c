// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "proc/procinfo.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int procinfo__parse_stat(const char *buf, size_t len, struct proc_stat *st)
{
	const char *p = NULL, *end = buf + len;
	unsigned long long v;
	int field = 2;	/* the ')' ends field 2, comm */

	for (size_t i = len; i > 0; i--) {
		if (buf[i - 1] == ')') {
			p = buf + i;
			break;
		}
	}
	if (!p)
		return -EINVAL;
	memset(st, 0, sizeof(*st));
	while (p < end) {
		char num[24];
		size_t n = 0;

		while (p < end && *p == ' ')
			p++;
		if (p >= end)
			break;
		field++;
		while (p < end && *p != ' ' && *p != '\n' && n < sizeof(num) - 1)
			num[n++] = *p++;
		num[n] = '\0';
		while (p < end && *p != ' ')
			p++;
		if (field != 4 && field != 22)
			continue;
		if (n == 0 || num[0] < '0' || num[0] > '9')
			return -EINVAL;
		v = strtoull(num, NULL, 10);
		if (field == 4) {
			st->ppid = (uint32_t)v;
		} else {
			st->start_ticks = v;
			return 0;
		}
	}
	return -EINVAL;
}

const char *procinfo__after(const char *text, const char *name)
{
	size_t len = strlen(name);

	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, name, len))
			return p + len;
	return NULL;
}

int procinfo__status_field(const char *status, const char *name, uint32_t *out)
{
	const char *v = procinfo__after(status, name);

	if (!v)
		return -ENOENT;
	*out = (uint32_t)strtoul(v, NULL, 10);
	return 0;
}

int procinfo__parse_cgroup(const char *buf, size_t len, char *out, size_t outsz)
{
	const char *end = buf + len;

	for (const char *line = buf; line < end;) {
		const char *eol = memchr(line, '\n', (size_t)(end - line));
		size_t n;

		if (!eol)
			eol = end;
		n = (size_t)(eol - line);
		if (n >= 3 && !memcmp(line, "0::", 3)) {
			if (n - 3 >= outsz)
				return -ENAMETOOLONG;
			memcpy(out, line + 3, n - 3);
			out[n - 3] = '\0';
			return 0;
		}
		line = eol + 1;
	}
	return -ENOENT;
}

long procinfo__fill(int fd, char *buf, size_t sz)
{
	size_t n = 0;

	while (n < sz) {
		ssize_t r = read(fd, buf + n, sz - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			break;
		n += (size_t)r;
	}
	return (long)n;
}

long procinfo__read(const char *root, uint32_t pid, const char *name, size_t max,
		    char **out)
{
	char path[PATH_MAX];
	size_t n;
	long got;
	char *buf;
	int fd;

	snprintf(path, sizeof(path), "%s/%u/%s", root, pid, name);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	buf = malloc(max + 1);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	got = procinfo__fill(fd, buf, max);
	close(fd);
	if (got < 0) {
		free(buf);
		return got;
	}
	n = (size_t)got;
	buf[n] = '\0';
	*out = buf;
	return (long)n;
}

/* The pids of one thread's children file ("12 345 "), appended to out. */
static size_t children_of(const char *buf, uint32_t *out, size_t n, size_t max)
{
	const char *p = buf;

	while (n < max && *p) {
		char *end;
		unsigned long v = strtoul(p, &end, 10);

		if (end == p)
			break;
		if (v && v <= UINT32_MAX)
			out[n++] = (uint32_t)v;
		p = end + strspn(end, " \n");
	}
	return n;
}

long procinfo__children(const char *root, uint32_t pid, uint32_t *out, size_t max)
{
	char path[PATH_MAX];
	struct dirent *de;
	size_t n = 0;
	DIR *d;

	snprintf(path, sizeof(path), "%s/%u/task", root, pid);
	d = opendir(path);
	if (!d)
		return -errno;
	while (n < max && (de = readdir(d))) {
		char name[300], *buf = NULL;

		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(name, sizeof(name), "task/%s/children", de->d_name);
		if (procinfo__read(root, pid, name, 4096, &buf) > 0)
			n = children_of(buf, out, n, max);
		free(buf);
	}
	closedir(d);
	return (long)n;
}

int procinfo__link(const char *root, uint32_t pid, const char *name, char *out,
		   size_t outsz)
{
	char path[PATH_MAX];
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%u/%s", root, pid, name);
	n = readlink(path, out, outsz - 1);
	if (n < 0)
		return -errno;
	out[n] = '\0';
	return 0;
}

uint32_t procinfo__tick_ns(void)
{
	static long hz;

	if (!hz)
		hz = sysconf(_SC_CLK_TCK);
	if (hz <= 0)
		hz = 100;
	return (uint32_t)(1000000000UL / (unsigned long)hz);
}

uint64_t procinfo__ticks(uint64_t boottime_ns)
{
	/* The kernel's nsec_to_clock_t() truncates the same way. */
	return boottime_ns / procinfo__tick_ns();
}
