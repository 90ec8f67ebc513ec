// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "proc/xtables.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

int xtables__has_table(const char *proc_root, const char *table)
{
	char path[PATH_MAX], *line = NULL;
	size_t cap = 0, want = strlen(table);
	ssize_t n;
	int found = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/net/ip_tables_names", proc_root);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (!found && (n = getline(&line, &cap, f)) > 0)
		found = (size_t)n == want + 1 && line[want] == '\n' && !memcmp(line, table, want);
	free(line);
	fclose(f);
	return found;
}
