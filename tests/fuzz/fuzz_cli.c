// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* libFuzzer: the command line, split on NUL bytes into arguments. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = malloc(size + 1), *argv[34];
	FILE *null = fopen("/dev/null", "w");
	struct ps_opts *o = malloc(sizeof(*o));
	struct ps_target t;
	int argc = 1;

	if (!copy || !null || !o)
		goto out;
	memcpy(copy, data, size);
	copy[size] = '\0';
	argv[0] = (char *)"portsnoop";
	for (char *p = copy; p < copy + size && argc < 33; p += strlen(p) + 1)
		argv[argc++] = p;
	argv[argc] = NULL;
	cli__parse(o, argc, argv, null, null);
	cli__parse_target(copy, &t);
out:
	if (null)
		fclose(null);
	free(o);
	free(copy);
	return 0;
}
