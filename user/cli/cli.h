/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Command line: what the user asked for, checked before anything loads. */
#ifndef PS_CLI_H
#define PS_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <linux/types.h>
#include "portsnoop.h"
#include "lib/version.h"
#include "kernel/strategy.h"

enum ps_cmd {
	CMD_TRACE = 0,		/* stream events (the default) */
	CMD_LS,			/* list listening/bound sockets and owners */
	CMD_WHO,		/* who holds a port */
	CMD_CHECK,		/* the listeners now against a baseline */
};

/* What `who` asks about: PORT, PORT/tcp, PORT/udp, ADDR:PORT, [ADDR6]:PORT. */
struct ps_target {
	uint16_t port;
	uint16_t proto;		/* IPPROTO_TCP, IPPROTO_UDP, or 0 for both */
	uint16_t family;	/* of addr; 0 when no address was given */
	uint8_t addr[16];
	char scope[16];		/* [fe80::1]%eth0:80: the device, as who prints it */
};

struct ps_opts {
	enum ps_cmd cmd;
	struct ps_target target;	/* who */
	bool tcp, udp;		/* ls: only these (neither given: both) */
	bool no_initial;	/* streaming: no state records first */
	bool json;
	bool verbose;
	bool nat;		/* ls: the published ports after the table */
	uint32_t pid;		/* 0 = every process */
	struct ps_filter filter;	/* in-kernel filters, pid included (cli/filter.h) */
	const char *comm;	/* --comm: only this process name (userspace) */
	const char *cgroup;	/* --cgroup PATH, resolved by the loader */
	uint32_t ringbuf_bytes;	/* 0 = default */
	const char *btf;	/* --btf FILE, or NULL */
	int probe;		/* --probe: enum strategy, or STRAT_AUTO */
	const char *output;	/* --output FILE, or NULL for stdout */
	const char *syslog;	/* --syslog[=PATH]: the socket, or NULL */
	const char *journal;	/* --journald[=PATH]: the socket, or NULL */
	const char *metrics;	/* --metrics ADDR:PORT (checked), or NULL */
	const char *expect;	/* --expect FILE, check FILE: the baseline; or NULL */
};

enum cli_result {
	CLI_RUN = 0,		/* go on with opts */
	CLI_DONE = 1,		/* --help or --version was printed to out */
	CLI_USAGE = 2,		/* a usage error was printed to err */
};

enum cli_result cli__parse(struct ps_opts *opts, int argc, char **argv,
			   FILE *out, FILE *err);

/* Where --uid NAME is looked up (a seam for tests); /etc/passwd by default. */
extern const char *cli__passwd;
/* Where -p PID is looked for; /proc by default. */
extern const char *cli__proc;

/* Strict number parsing: digits only, no sign, no junk, within [min, max]. */
int cli__parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out);
/* PORT, PORT/tcp, PORT/udp, ADDR:PORT, [ADDR6]:PORT, [ADDR6]%DEV:PORT (and
 * /proto after, /TCP too): what portsnoop itself prints. -ERANGE for the
 * port, -EPROTONOSUPPORT for the protocol, -EINVAL for the address. */
int cli__parse_target(const char *s, struct ps_target *t);
/* "80", "80,443", "8000-8100,9090": set bits in a 65536-bit map. */
int cli__parse_ports(const char *s, uint8_t map[8192]);
/* A comma-separated list of names from names[] (NULL-terminated, index =
 * bit): the bits set. */
int cli__parse_list(const char *s, const char *const *names, uint8_t *bits);
/* A size like 4096, 256K or 8M: a power of two between 4 KiB and 1 GiB. */
/* --metrics ADDR:PORT: checked, kept as given. 0 or -EINVAL. */
int cli__parse_metrics(const char *s, const char **out);
int cli__parse_ringbuf(const char *s, uint32_t *out);

#endif
