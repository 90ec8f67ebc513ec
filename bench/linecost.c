// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The reader's formatting cost per line, without the kernel: N records as
 * a bind/close loop makes them (one process with an executable, a command
 * line, a container and a unit; binds and closes in turn, the port and the
 * time changing on every one) rendered as JSON or table lines into one
 * buffer. Built against any commit's objects (bench/run_bench.py linecost
 * --against DIR), so that callgrind's instruction counts of two builds,
 * taken in one run, give a ratio that does not drift with the machine's load.
 * Usage: linecost N json|table [print]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include "output/format.h"
#include "proc/pcache.h"

static char exe[] = "/usr/local/bin/bindloop";
static char cmdline[] = "/usr/local/bin/bindloop\0--port\0" "8080\0--mode=tcp";
static char cgroup[] = "/system.slice/docker-"
	"4c9e0a4d2c7f6e1b8a3d5f7c9e0b2a4d6f8e1c3b5a7d9f0e2c4b6a8d0f1e3c5b.scope";

int main(int argc, char **argv)
{
	struct proc_info pi = {
		.exe = exe, .cmdline = cmdline, .cmdline_len = sizeof(cmdline),
		.cgroup = cgroup,
		.container = { .runtime = "docker",
			       .id = "4c9e0a4d2c7f6e1b8a3d5f7c9e0b2a4d6f8e1c3b5a7d9f0e2c4b6a8d0f1e3c5b",
			       .unit = "docker-4c9e0a4d2c7f.scope" },
	};
	struct ps_event e = {
		.ts_ns = 1795236626123456789ULL, .start_ns = 229073499637ULL,
		.pid = 8844, .tid = 8844, .ppid = 8705, .uid = 0, .gid = 0,
		.netns = 4026531833u, .cgroup_id = 1, .cookie = 482784, .ns_pid = 8844,
		.family = AF_INET, .proto = IPPROTO_TCP, .sock_type = SOCK_STREAM,
		.laddr = { 127, 0, 0, 1 },
	};
	struct format_ctx ctx = { .mode = FORMAT_JSON, .boot_id = "f692320b8d7046ce8ac09f02ef334d20",
				  .host = "node-17.example" };
	struct sbuf b = { 0 };
	unsigned long n = argc > 1 ? strtoul(argv[1], NULL, 10) : 100000;
	size_t bytes = 0;

	if (argc > 2 && !strcmp(argv[2], "table"))
		ctx.mode = FORMAT_TABLE;
	strcpy(e.comm, "bindloop");
	strcpy(e.tcomm, "bindloop");
	strcpy(e.pcomm, "bash");
	for (unsigned long i = 0; i < n; i++) {
		struct format_input in = { .ev = &e, .proc = &pi, .user_name = "root" };

		e.kind = i & 1 ? PS_EV_CLOSE : PS_EV_BIND;
		e.lport = (uint16_t)(32768 + (i / 2) % 28000);
		e.ts_ns += 6093;
		e.cookie += i & 1;
		format__event(&b, &ctx, &in);
		if (b.len > 1 << 20) {
			bytes += b.len;
			sbuf__reset(&b);
		}
	}
	bytes += b.len;
	if (argc > 3)
		fwrite(b.p, 1, b.len, stdout);
	printf("{\"lines\":%lu,\"bytes\":%zu}\n", n, bytes);
	sbuf__free(&b);
	return 0;
}
