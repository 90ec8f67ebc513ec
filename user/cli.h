/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Command line: what the user asked for, checked before anything loads. */
#ifndef PS_CLI_H
#define PS_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define PS_VERSION "0.1.0"

struct ps_opts {
	bool json;
	bool verbose;
	uint32_t pid;		/* 0 = every process */
	uint16_t port;		/* 0 = every port */
	uint32_t ringbuf_bytes;	/* 0 = default */
	const char *btf;	/* --btf FILE, or NULL */
};

enum cli_result {
	CLI_RUN = 0,		/* go on with opts */
	CLI_DONE = 1,		/* --help or --version was printed to out */
	CLI_USAGE = 2,		/* a usage error was printed to err */
};

enum cli_result cli__parse(struct ps_opts *opts, int argc, char **argv,
			   FILE *out, FILE *err);

/* Strict number parsing: digits only, no sign, no junk, within [min, max]. */
int cli__parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out);
/* A size like 4096, 256K or 8M: a power of two between 4 KiB and 1 GiB. */
int cli__parse_ringbuf(const char *s, uint32_t *out);

#endif
