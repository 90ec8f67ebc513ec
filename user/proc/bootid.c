// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "proc/bootid.h"

#include <limits.h>
#include <stdio.h>

void bootid__read(const char *proc_root, char *out, size_t outsz)
{
	char path[PATH_MAX], buf[64] = "";
	FILE *f;
	size_t o = 0;

	if (!outsz)
		return;
	snprintf(path, sizeof(path), "%s/sys/kernel/random/boot_id", proc_root);
	f = fopen(path, "re");
	if (f) {
		if (!fgets(buf, sizeof(buf), f))
			buf[0] = '\0';
		fclose(f);
	}
	for (const char *p = buf; *p && o + 1 < outsz; p++)
		if (*p != '-' && *p != '\n')
			out[o++] = *p;
	out[o] = '\0';
}
