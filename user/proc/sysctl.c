// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "proc/sysctl.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <unistd.h>
#include "proc/procinfo.h"

#define RANGE_MAX 64	/* "65535\t65535\n" is 12 bytes */

/* One decimal number at *p (after blanks), at most 65535 + 1 kept. */
static int number(const char **p, const char *end, unsigned int *out)
{
	unsigned long v = 0;
	const char *s;

	while (*p < end && (**p == ' ' || **p == '\t'))
		(*p)++;
	s = *p;
	for (; *p < end && **p >= '0' && **p <= '9'; (*p)++)
		if (v <= 65535)
			v = v * 10 + (unsigned long)(**p - '0');
	if (*p == s)
		return -EINVAL;
	*out = v > 65535 ? 65536 : (unsigned int)v;
	return 0;
}

int sysctl__parse_port_range(const char *buf, size_t len, unsigned int *lo,
			     unsigned int *hi)
{
	const char *p = buf, *end = buf + len;
	unsigned int a, b;

	if (number(&p, end, &a) || number(&p, end, &b))
		return -EINVAL;
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n'))
		p++;
	if (p != end || a > b || b > 65535)
		return -EINVAL;
	*lo = a;
	*hi = b;
	return 0;
}

int sysctl__port_range(const char *proc_root, unsigned int *lo, unsigned int *hi)
{
	char path[PATH_MAX], buf[RANGE_MAX];
	size_t n;
	long got;
	int fd;

	snprintf(path, sizeof(path), "%s/sys/net/ipv4/ip_local_port_range", proc_root);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	got = procinfo__fill(fd, buf, sizeof(buf));
	close(fd);
	if (got < 0)
		return (int)got;
	n = (size_t)got;
	if (n == sizeof(buf))
		return -EFBIG;
	return sysctl__parse_port_range(buf, n, lo, hi);
}
