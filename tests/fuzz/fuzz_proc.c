// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* libFuzzer: /proc files and /etc/passwd, which other users' processes shape. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "proc/container.h"
#include "proc/mounts.h"
#include "proc/procinfo.h"
#include "proc/sockstat.h"
#include "proc/sysctl.h"
#include "proc/written.h"
#include "output/users.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct proc_stat st;
	struct container c;
	char out[256], *z;
	struct users *u;
	struct sockstat counts = { 0 };
	unsigned int lo, hi;

	procinfo__parse_stat(s, size, &st);
	if (!sysctl__parse_port_range(s, size, &lo, &hi) && (lo > hi || hi > 65535))
		abort();
	/* Not NUL-terminated, as read: no byte past size may be read. */
	sockstat__parse(&counts, s, size);
	sockstat__parse_protocols(&counts, s, size);
	if (!procinfo__parse_cgroup(s, size, out, sizeof(out)))
		container__classify(out, &c);
	mounts__find(s, size, "cgroup2", out, sizeof(out));
	z = malloc(size + 1);
	if (z) {
		memcpy(z, data, size);
		z[size] = '\0';
		container__classify(z, &c);
		{
			unsigned long fl;
			uint32_t v;

			procinfo__status_field(z, "Uid:", &v);
			written__flags(z, &fl);
		}
		free(z);
	}
	u = users__new(NULL);
	if (u) {
		users__parse(u, s, size);
		users__name(u, 0);
		users__free(u);
	}
	return 0;
}
