// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* portsnoop: parse, check, open, attach, seed, stream, summarise. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "app/commands.h"
#include "app/fleet.h"
#include "app/history.h"
#include "cli/filter.h"
#include "app/seed.h"
#include "app/stream.h"
#include "loader/tracer.h"
#include "output/format.h"
#include "output/lines.h"
#include "output/sink.h"
#include "lib/timefmt.h"
#include "sockets/nsnames.h"
#include "proc/bootid.h"
#include "proc/caps.h"
#include "proc/mounts.h"
#include "sockets/snapshot.h"

static int preflight(const struct ps_opts *o)
{
	char missing[160], msg[256];

	if (caps__missing(caps__effective(), caps__last(), missing, sizeof(missing))) {
		fprintf(stderr, "portsnoop: needs root: missing %s (run it with sudo, or "
			"grant it CAP_BPF, CAP_PERFMON, CAP_NET_ADMIN, CAP_SYS_ADMIN, "
			"CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH)\n", missing);
		return -EPERM;
	}
	if (caps__btf(o->btf, msg, sizeof(msg))) {
		fprintf(stderr, "portsnoop: %s\n", msg);
		return -ENOENT;
	}
	return 0;
}

/* stdout, --output, --syslog or --journald; says why it cannot. */
static int open_sink(const struct ps_opts *o, struct sink **out)
{
	const char *where = o->syslog ? o->syslog : o->journal ? o->journal
			    : o->output ? o->output : "stdout";
	int rc = o->syslog ? sink__syslog(o->syslog, out)
		 : o->journal ? sink__journal(o->journal, out)
		 : o->output ? sink__file(o->output, out)
			     : sink__fd(STDOUT_FILENO, out);

	if (rc)
		fprintf(stderr, "portsnoop: cannot open %s: %s\n", where, sink__why(rc));
	return rc;
}

/* The host's name and boot id, for every record; buffers live in main. */
static void describe_host(struct format_ctx *fmt, char *boot_id, size_t idsz,
			  char *host, size_t hostsz)
{
	bootid__read("/proc", boot_id, idsz);
	if (!gethostname(host, hostsz - 1))
		fmt->host = host;
	fmt->boot_id = boot_id[0] ? boot_id : NULL;
}

/* --cgroup PATH: the kernel filters on the cgroup's id and depth. */
static int resolve_cgroup(struct ps_opts *o)
{
	uint64_t cgid = 0;
	uint32_t level = 0;
	int rc;

	if (!o->cgroup)
		return 0;
	rc = mounts__cgroup_id(o->cgroup, &cgid, &level);
	o->filter.cgroup_id = cgid;
	o->filter.cgroup_level = level;
	if (rc)
		fprintf(stderr, "portsnoop: --cgroup %s: %s\n", o->cgroup,
			rc == -EXDEV ? "not in the cgroup v2 hierarchy" : strerror(-rc));
	return rc;
}

static int open_tracer(const struct ps_opts *o, struct stream *s, struct tracer **t)
{
	struct tracer_opts topts = {
		.filter = &o->filter,
		.ringbuf_bytes = o->ringbuf_bytes,
		.verbose = o->verbose,
		.btf = o->btf,
		.probe = o->probe,
		.on_event = stream__on_event,
		.ctx = s,
	};
	char err[256] = "";
	int rc = tracer__open(&topts, t, err, sizeof(err));

	if (rc)
		fprintf(stderr, "portsnoop: %s\n", err);
	else if (o->verbose)
		fprintf(stderr, "portsnoop: hooks: %s\n", tracer__describe(*t));
	return rc;
}

int main(int argc, char **argv)
{
	struct ps_opts opts;
	struct format_ctx fmt = { 0 };
	struct filter filter;
	struct sink *out = NULL;
	struct lines *lines = NULL;
	struct stream *stream = NULL;
	struct tracer *tracer = NULL;
	struct fleet fleet = { 0 };
	char boot_id[40] = "", host[256] = "";
	int rc, code = 1;

	if (caps__privileged_exec()) {
		fputs("portsnoop: refusing to run setuid, setgid or with file capabilities: "
		      "run it as root (sudo portsnoop)\n", stderr);
		return 1;
	}
	snapshot__owners_from(cmd__owners);
	if (history__wants(argc, argv))
		return history__main(argc, argv);	/* over logs: app/history.h */
	switch (cli__parse(&opts, argc, argv, stdout, stderr)) {
	case CLI_DONE:
		return 0;
	case CLI_USAGE:
		return 2;
	case CLI_RUN:
		break;
	}
	filter = (struct filter){ .kernel = &opts.filter, .comm = opts.comm };
	/* ls and who do what the caller's privileges allow, and say what
	 * they left out; only tracing needs root. */
	if ((opts.cmd == CMD_TRACE && preflight(&opts)) || open_sink(&opts, &out))
		goto cleanup;
	signal(SIGPIPE, SIG_IGN);
	fmt.mode = opts.syslog ? FORMAT_SYSLOG : opts.journal ? FORMAT_JOURNAL
		   : opts.json ? FORMAT_JSON : FORMAT_TABLE;
	fmt.mono_offset = timefmt__mono_offset();
	fmt.boot_offset = timefmt__boot_offset();
	fmt.width = format__width(opts.output ? -1 : STDOUT_FILENO);
	fmt.fit = format__fits(opts.output ? -1 : STDOUT_FILENO);
	fmt.netns_name = nsnames__name;
	if (opts.cmd == CMD_LS || opts.cmd == CMD_WHO || opts.cmd == CMD_CHECK) {
		code = opts.cmd == CMD_LS ? cmd__ls(&opts, &filter, &fmt, out)
		       : opts.cmd == CMD_WHO ? cmd__who(&opts, &fmt, out) : cmd__check(&opts, out);
		goto cleanup;
	}
	rc = stream__signals();
	if (rc) {
		fprintf(stderr, "portsnoop: cannot set up signals: %s\n", strerror(-rc));
		goto cleanup;
	}
	if (fleet__open(&fleet, &opts))
		goto cleanup;
	describe_host(&fmt, boot_id, sizeof(boot_id), host, sizeof(host));
	lines = lines__new(out);
	if (lines)
		lines__mark_gaps(lines, &fmt);
	stream = lines ? stream__new(&(struct stream_opts){
		.fmt = &fmt, .out = lines, .filter = &filter, .output_path = opts.output,
		.metrics = fleet.metrics, .baseline = fleet.baseline,
		.state_at_reopen = opts.output && !opts.no_initial,
	}) : NULL;
	/* Its probe binds a socket: asked before our own binds are traced
	 * (and through the kernel's BTF, without the probe, where it can). */
	cmd__ask_bound_only();
	if (resolve_cgroup(&opts) ||
	    (opts.filter.netns && cmd__netns_exists(opts.filter.netns))) {
		code = 2;	/* a bad --cgroup is a usage error, as a bad -p */
		goto cleanup;
	}
	if (!stream || fleet__serve(&fleet, &opts) || open_tracer(&opts, stream, &tracer) ||
	    stream__start(stream, tracer))
		goto cleanup;
	if (!opts.no_initial)
		stream__seeded(stream, seed__sockets(&(struct seed_opts){
			.filter = &filter, .fmt = &fmt, .out = lines, .tracer = tracer,
		}));
	/* Attached and seeded: from here on, only what running needs. */
	rc = caps__limit(CAPS_RUNNING_KEEP);
	if (rc && opts.verbose)
		fprintf(stderr, "portsnoop: cannot drop capabilities: %s\n", strerror(-rc));
	fprintf(stderr, "portsnoop: tracing, Ctrl-C to stop\n");
	code = stream__finish(stream, stream__run(stream));
cleanup:
	fleet__free(&fleet);	/* its server thread stops before anything else goes */
	stream__free(stream);	/* before the tracer: the /proc cache unwatches */
	tracer__free(tracer);
	lines__free(lines);
	sink__free(out);
	return code;
}
