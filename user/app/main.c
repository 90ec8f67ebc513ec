// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* portsnoop: parse, check, attach, stream until told to stop, summarise. */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include "proc/caps.h"
#include "app/cli.h"
#include "app/commands.h"
#include "loader/event.h"
#include "output/format.h"
#include "sockets/holders.h"
#include "sockets/listing.h"
#include "proc/mounts.h"
#include "proc/pcache.h"
#include "proc/procview.h"
#include "sockets/snapshot.h"
#include "output/sbuf.h"
#include "output/sink.h"
#include "output/timefmt.h"
#include "loader/tracer.h"
#include "proc/users.h"

#define STATS_INTERVAL_MS 1000
/* Lines of one batch go out in one write(2), and no later than its end. */
#define FLUSH_BYTES (64 * 1024)
/* Processes whose /proc details are kept; the kernel watches as many exits. */
#define PROC_CACHE_ENTRIES 8192

/* Set by SIGINT/SIGTERM (stop) and SIGHUP (reopen the output file); the
 * wake pipe tells the event loop. */
static volatile sig_atomic_t stopping, reopen;
static int wake_pipe[2] = { -1, -1 };

struct app {
	struct ps_opts opts;
	struct format_ctx fmt;
	struct sbuf line;
	struct sink *out;
	struct tracer *tracer;
	struct pcache *procs;
	struct procview *view;	/* the kernel's executable and cgroup, with /proc's */
	int cgroup_fd;
	struct users *users;
	struct holders *holders;
	char boot_id[40];
	char host[256];
	__u64 events;
	__u64 initial;		/* state records of sockets that existed */
	__u64 malformed;
	__u64 stats[PS_STAT__MAX];
	__u64 oom_lost;		/* formatted, but memory ran out before output */
	__u64 pending_lines;	/* lines in `line` not yet written */
	__u64 last_ts;		/* the stamp of the last record read */
	__u64 read_to;		/* every record stamped before this was read */
	bool reader_gone;	/* stdout's reader left: stop quietly, exit 0 */
	int write_err;		/* the first write error, reported once */
	__u64 unwritten;	/* lines the sink refused (disk full, ...) */
	__u64 skipped;		/* program runs the kernel skipped (recursion) */
};

/* Write out the lines gathered in app->line; remember why output stopped. */
static int flush_lines(struct app *a)
{
	size_t done;
	__u64 lines;
	int err;

	if (!a->line.len)
		return 0;
	if (a->line.oom) {
		/* Lines were cut short: count them lost, never print half a line. */
		a->oom_lost += a->pending_lines;
		a->pending_lines = 0;
		sbuf__reset(&a->line);
		return 0;
	}
	a->pending_lines = 0;
	err = sink__write(a->out, a->line.p, a->line.len, &done);
	/* A datagram holds one record (a journal entry has a newline per field). */
	lines = 0;
	if (sink__datagram(a->out))
		lines = done < a->line.len;
	else
		for (size_t i = done; i < a->line.len; i++)
			lines += a->line.p[i] == '\n';
	sbuf__reset(&a->line);
	if (err == -EPIPE || (err == -ETIMEDOUT && stopping)) {
		a->reader_gone = true;	/* gone, or not reading while we stop */
	} else if (err) {
		/* Say it once, count what is lost, keep tracing: the disk may
		 * get space again, logrotate may move the file. */
		if (!a->write_err) {
			fprintf(stderr, "portsnoop: cannot write output: %s (counting lost "
				"lines, still tracing)\n", strerror(-err));
			a->write_err = err;
		}
		a->unwritten += lines;
		return 0;
	}
	return err;
}

static int on_event(void *ctx, const void *data, size_t len)
{
	struct app *a = ctx;
	struct event_view v;
	struct format_input in;
	struct ps_owner held[HOLDERS_MAX];
	struct proc_view pv;

	if (event__decode(data, len, &v)) {
		a->malformed++;
		return 0;
	}
	a->last_ts = v.ev.ts_ns;
	if (v.ev.kind == PS_EV_EXIT) {
		pcache__exited(a->procs, v.ev.pid, v.ev.ts_ns);
		return 0;
	}
	if (v.ev.kind == PS_EV_EXEC) {
		procview__exec(a->view, &v.ev, v.argv, v.argv_len);
		return 0;
	}
	if (a->opts.comm && strcmp(v.ev.comm, a->opts.comm))
		return 0;	/* the one filter the kernel cannot apply cheaply */
	a->events++;
	in = (struct format_input){
		.ev = &v.ev,
		.argv = v.argv,
		.argv_len = v.argv_len,
		.proc = procview__merge(a->view, &v.ev,
					pcache__get(a->procs, v.ev.pid, v.ev.start_ns, v.ev.exec_id),
					&pv),
		.user_name = users__name(a->users, v.ev.uid),
	};
	/* Who is in the way: asked of the system now, once a second at most. */
	if (v.ev.err == EADDRINUSE && (v.ev.kind == PS_EV_BIND || v.ev.kind == PS_EV_LISTEN) &&
	    !(v.ev.flags & PS_F_NO_ADDR)) {
		in.holders = held;
		in.nholders = holders__find(a->holders, v.ev.netns, v.ev.proto, v.ev.lport, held);
	}
	format__event(&a->line, &a->fmt, &in);
	a->pending_lines++;
	return a->line.len >= FLUSH_BYTES || a->line.oom || sink__datagram(a->out)
		       ? flush_lines(a) : 0;
}

/* The filters that can be asked of a socket that already exists. */
static bool state_wanted(const struct app *a, const struct diag_sock *d,
			 const struct ps_owner *o, size_t n)
{
	const struct ps_filter *f = &a->opts.filter;
	bool pid = !f->tgid, comm = !a->opts.comm;

	/* A state record is no bind, listen, ... nor a failure; and which
	 * cgroup or ancestry its holders have is not known here. */
	if (f->kinds || f->failed_only || f->cgroup_id || f->children)
		return false;
	if ((f->has_uid && d->uid != f->uid) || (f->netns && d->netns != f->netns) ||
	    !cli__port_wanted(f, d->lport))
		return false;
	if (f->protos && !(f->protos & (d->proto == IPPROTO_UDP ? PS_PROTO_UDP :
					d->proto == IPPROTO_TCP ? PS_PROTO_TCP : PS_PROTO_MPTCP)))
		return false;
	if (f->families && !(f->families & (d->family == AF_INET ? PS_FAMILY_INET
								  : PS_FAMILY_INET6)))
		return false;
	for (size_t i = 0; i < n; i++) {
		pid |= o[i].pid == f->tgid;
		comm |= a->opts.comm && !strcmp(o[i].comm, a->opts.comm);
	}
	return pid && comm;
}

/*
 * The sockets that existed before we attached, as state records ahead of
 * the live events; their releases are reported from now on too.
 */
static void initial_state(struct app *a)
{
	struct snapshot_opts so = { .tcp = true, .udp = true };
	struct snapshot snap;
	char err[256];

	if (snapshot__collect(&snap, &so, err, sizeof(err))) {
		fprintf(stderr, "portsnoop: no initial state: %s\n", err);
		snapshot__free(&snap);
		return;	/* live tracing still works */
	}
	for (size_t i = 0; i < snap.n; i++) {
		const struct diag_sock *d = &snap.socks[i];
		struct ps_tracked t = {
			.netns = d->netns, .family = d->family, .proto = d->proto,
			.sock_type = d->proto == IPPROTO_UDP ? SOCK_DGRAM : SOCK_STREAM,
			.lport = d->lport,
		};
		size_t n;
		const struct ps_owner *o = owners__find(&snap.owners, d->inode, &n);

		memcpy(t.laddr, d->laddr, sizeof(t.laddr));
		if (d->cookie)
			tracer__track(a->tracer, d->cookie, &t);
		if (!state_wanted(a, d, o, n))
			continue;
		listing__state(&a->line, &a->fmt, d, o, n);
		a->initial++;
		a->pending_lines++;
		if ((a->line.len >= FLUSH_BYTES || sink__datagram(a->out)) && flush_lines(a))
			break;
	}
	snapshot__free(&snap);
	flush_lines(a);
}

static void watch_exit(void *ctx, const struct pcache_proc *p, bool on)
{
	struct ps_watch w = {
		.start_ns = p->start_ns, .exec_id = p->exec_id, .has_cmdline = p->has_cmdline,
	};

	tracer__watch(ctx, p->pid, on ? &w : NULL);
}

/* This boot's id, dashes and newline dropped, for process.entity_id. */
static void read_boot_id(char *out, size_t outsz)
{
	char buf[64] = "";
	FILE *f = fopen("/proc/sys/kernel/random/boot_id", "re");
	size_t o = 0;

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

/* One batch of records, written out before we sleep again. */
/* A program stamps its record at most this long before it commits it. */
#define STAMP_TO_COMMIT_NS (10ull * 1000 * 1000)

/*
 * One batch. How far the ring has been read (for the /proc cache): a
 * batch that emptied the ring read everything stamped before it began;
 * a full one everything stamped before the last record it took. Records
 * come in the order they were reserved, a little after their stamp.
 */
static int consume(struct app *a)
{
	__u64 start = timefmt__mono_ns();
	int n = tracer__consume(a->tracer);
	__u64 upto = n >= 0 && n < TRACER_BATCH ? start : a->last_ts;

	if (upto > STAMP_TO_COMMIT_NS && upto - STAMP_TO_COMMIT_NS > a->read_to)
		a->read_to = upto - STAMP_TO_COMMIT_NS;
	flush_lines(a);
	return n;
}

/* Read the kernel's counters; say in the stream when events were lost. */
static void check_stats(struct app *a)
{
	__u64 now[PS_STAT__MAX];
	__u64 lost;

	if (tracer__stats(a->tracer, now))
		return;
	lost = now[PS_STAT_RB_DROPS] - a->stats[PS_STAT_RB_DROPS];
	memcpy(a->stats, now, sizeof(now));
	a->fmt.mono_offset = timefmt__mono_offset();
	a->fmt.boot_offset = timefmt__boot_offset();
	pcache__sweep(a->procs, a->read_to);
	if (!lost || a->reader_gone)
		return;
	format__lost(&a->line, &a->fmt, lost, now[PS_STAT_RB_DROPS]);
	flush_lines(a);
}


/* Interrupts a write blocked on a full pipe (no SA_RESTART) and wakes the
 * event loop through the pipe, so a stop is never missed between checks. */
static void on_signal(int sig)
{
	int saved = errno;

	if (sig == SIGHUP)
		reopen = 1;
	else
		stopping = 1;
	if (write(wake_pipe[1], "", 1) < 0) {
		/* full: a wakeup is pending already */
	}
	errno = saved;
}

static int setup_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	if (pipe2(wake_pipe, O_NONBLOCK | O_CLOEXEC))
		return -errno;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, &sa, NULL) || sigaction(SIGTERM, &sa, NULL) ||
	    sigaction(SIGHUP, &sa, NULL))
		return -errno;
	return 0;
}

static int watch(int ep, int fd, __u32 events)
{
	struct epoll_event e = { .events = events, .data.fd = fd };

	return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e) ? -errno : 0;
}

static __u64 now_ms(void)
{
	return timefmt__mono_ns() / 1000000;
}

/* Until SIGINT/SIGTERM, the reader leaving, or a write error. */
static int run_loop(struct app *a)
{
	int ep, sfd, rbfd = tracer__fd(a->tracer), err = 0;
	__u64 last_stats = now_ms();
	bool got = false;	/* the last look found records: more may follow unannounced */
	bool full = false;	/* it stopped at a full batch: more are waiting */

	sink__set_stopping(a->out, &stopping);
	sfd = wake_pipe[0];
	ep = epoll_create1(EPOLL_CLOEXEC);
	if (ep < 0) {
		err = -errno;
		goto out;
	}
	err = watch(ep, sfd, EPOLLIN);
	if (!err)
		err = watch(ep, rbfd, EPOLLIN);
	if (err)
		goto out;
	/* A pipe's write end reports EPOLLERR once the reader is gone; a
	 * regular file cannot be watched (EPERM) and needs no watching. */
	watch(ep, sink__poll_fd(a->out), 0);

	while (!a->reader_gone) {
		struct epoll_event evs[4];
		bool stop = false;
		int n = epoll_wait(ep, evs, 4, full ? 0 : got ? TRACER_LINGER_MS
							     : STATS_INTERVAL_MS);

		if (n < 0 && errno != EINTR) {
			err = -errno;
			break;
		}
		for (int i = 0; i < n; i++) {
			if (evs[i].data.fd == sfd) {
				char drain[64];

				while (read(sfd, drain, sizeof(drain)) > 0)
					;
				stop = stopping;
			}
			else if (evs[i].data.fd == sink__poll_fd(a->out))
				a->reader_gone = true;
		}
		if (reopen) {
			/* Lines consumed so far went to the old file, whole; the next
			 * batch goes to the new one. */
			reopen = 0;
			flush_lines(a);
			err = sink__reopen(a->out);
			if (err)
				fprintf(stderr, "portsnoop: cannot reopen %s: %s (still writing "
					"to the old file)\n", a->opts.output, strerror(-err));
			err = 0;
		}
		n = consume(a);
		got = n > 0;
		full = n >= TRACER_BATCH;
		if (now_ms() - last_stats >= STATS_INTERVAL_MS) {
			check_stats(a);
			last_stats = now_ms();
		}
		if (stop || stopping)
			break;
	}
	/* Whatever the kernel handed over before we stopped still goes out;
	 * detached first, so a flood that goes on cannot hold the exit. */
	tracer__detach(a->tracer);
	while (!a->reader_gone && consume(a) >= TRACER_BATCH)
		;
	check_stats(a);
out:
	if (ep >= 0)
		close(ep);
	return err;
}

static void summary(const struct app *a)
{
	fprintf(stderr, "portsnoop: %llu events, %llu lost",
		(unsigned long long)a->events,
		(unsigned long long)a->stats[PS_STAT_RB_DROPS]);
	if (a->initial)
		fprintf(stderr, ", %llu sockets existed before", (unsigned long long)a->initial);
	if (a->malformed)
		fprintf(stderr, ", %llu malformed", (unsigned long long)a->malformed);
	if (a->oom_lost)
		fprintf(stderr, ", %llu not printed (out of memory)",
			(unsigned long long)a->oom_lost);
	if (a->unwritten)
		fprintf(stderr, ", %llu lines not written (%s)", (unsigned long long)a->unwritten,
			strerror(-a->write_err));
	if (a->stats[PS_STAT_TRACK_FULL])
		fprintf(stderr, ", %llu sockets untracked (no close event)",
			(unsigned long long)a->stats[PS_STAT_TRACK_FULL]);
	if (a->skipped)
		fprintf(stderr, ", %llu hook runs skipped by the kernel (BPF already running "
			"on that CPU)", (unsigned long long)a->skipped);
	if (a->stats[PS_STAT_RET_MISSED])
		fprintf(stderr, ", %llu calls not reported (kretprobe missed)",
			(unsigned long long)a->stats[PS_STAT_RET_MISSED]);
	if (a->stats[PS_STAT_PENDING_FULL])
		fprintf(stderr, ", %llu connects without outcome",
			(unsigned long long)a->stats[PS_STAT_PENDING_FULL]);
	if (a->stats[PS_STAT_EXEC_DROPS])
		fprintf(stderr, ", %llu execs not seen (their executables are /proc's)",
			(unsigned long long)a->stats[PS_STAT_EXEC_DROPS]);
	if (a->view && procview__cgroups_why_not(a->view))
		fprintf(stderr, "; cgroup paths from /proc only: %s",
			procview__cgroups_why_not(a->view));
	fputc('\n', stderr);
}

static int preflight(const struct ps_opts *o)
{
	char missing[128], msg[256];

	if (caps__missing(caps__effective(), missing, sizeof(missing))) {
		fprintf(stderr, "portsnoop: needs root: missing %s (run it with sudo)\n",
			missing);
		return -EPERM;
	}
	if (caps__btf(o->btf, msg, sizeof(msg))) {
		fprintf(stderr, "portsnoop: %s\n", msg);
		return -ENOENT;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct app a = { .cgroup_fd = -1 };
	struct tracer_opts topts = { 0 };
	char err[256] = "";
	int rc, code = 1;

	if (caps__privileged_exec()) {
		fputs("portsnoop: refusing to run setuid, setgid or with file capabilities: "
		      "run it as root (sudo portsnoop)\n", stderr);
		return 1;
	}
	switch (cli__parse(&a.opts, argc, argv, stdout, stderr)) {
	case CLI_DONE:
		return 0;
	case CLI_USAGE:
		return 2;
	case CLI_RUN:
		break;
	}
	if (preflight(&a.opts))
		return 1;

	rc = a.opts.syslog ? sink__syslog(a.opts.syslog, &a.out)
	     : a.opts.journal ? sink__journal(a.opts.journal, &a.out)
	     : a.opts.output ? sink__file(a.opts.output, &a.out)
			     : sink__fd(STDOUT_FILENO, &a.out);
	if (rc) {
		const char *where = a.opts.syslog ? a.opts.syslog
				    : a.opts.journal ? a.opts.journal
				    : a.opts.output ? a.opts.output : "stdout";

		fprintf(stderr, "portsnoop: cannot open %s: %s\n", where,
			rc == -EINVAL ? "not a regular file" : strerror(-rc));
		goto cleanup;
	}
	signal(SIGPIPE, SIG_IGN);
	a.fmt.mode = a.opts.syslog ? FORMAT_SYSLOG : a.opts.journal ? FORMAT_JOURNAL
		     : a.opts.json ? FORMAT_JSON : FORMAT_TABLE;
	a.fmt.mono_offset = timefmt__mono_offset();
	a.fmt.boot_offset = timefmt__boot_offset();
	if (a.opts.cmd == CMD_LS || a.opts.cmd == CMD_WHO) {
		code = a.opts.cmd == CMD_LS ? cmd__ls(&a.opts, &a.fmt, a.out)
					    : cmd__who(&a.opts, &a.fmt, a.out);
		goto cleanup;
	}
	/* Before anything is attached: a SIGHUP from logrotate or a Ctrl-C
	 * during start-up must not kill the tracer the default way. */
	rc = setup_signals();
	if (rc) {
		fprintf(stderr, "portsnoop: cannot set up signals: %s\n", strerror(-rc));
		goto cleanup;
	}
	read_boot_id(a.boot_id, sizeof(a.boot_id));
	if (!gethostname(a.host, sizeof(a.host) - 1))
		a.fmt.host = a.host;
	a.fmt.boot_id = a.boot_id[0] ? a.boot_id : NULL;
	a.users = users__new("/etc/passwd");
	a.holders = holders__new();
	if (!a.users || !a.holders)
		goto cleanup;

	if (a.opts.cgroup) {
		uint64_t cgid = 0;
		uint32_t level = 0;

		rc = mounts__cgroup_id(a.opts.cgroup, &cgid, &level);
		a.opts.filter.cgroup_id = cgid;
		a.opts.filter.cgroup_level = level;
		if (rc) {
			fprintf(stderr, "portsnoop: --cgroup %s: %s\n", a.opts.cgroup,
				rc == -EXDEV ? "not in the cgroup v2 hierarchy" : strerror(-rc));
			goto cleanup;
		}
	}
	topts.filter = &a.opts.filter;
	topts.ringbuf_bytes = a.opts.ringbuf_bytes;
	topts.verbose = a.opts.verbose;
	topts.btf = a.opts.btf;
	topts.probe = a.opts.probe;
	topts.on_event = on_event;
	topts.ctx = &a;
	rc = tracer__open(&topts, &a.tracer, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "portsnoop: %s\n", err);
		goto cleanup;
	}
	if (a.opts.verbose)
		fprintf(stderr, "portsnoop: hooks: %s\n", tracer__describe(a.tracer));
	{
		struct pcache_opts po = {
			.proc_root = "/proc",
			.max_entries = PROC_CACHE_ENTRIES,
			.watch = watch_exit,
			.ctx = a.tracer,
		};

		a.procs = pcache__new(&po);
		if (!a.procs)
			goto cleanup;
	}
	{
		const char *note;
		char cgpath[4096];
		struct procview_opts vo = { .cgroup_fd = -1 };

		a.cgroup_fd = mounts__open_cgroup2(cgpath, sizeof(cgpath), &note);
		vo.cgroup_fd = a.cgroup_fd;
		a.view = procview__new(&vo);
		if (!a.view)
			goto cleanup;
	}

	format__header(&a.line, &a.fmt);
	format__start(&a.line, &a.fmt, tracer__describe(a.tracer));
	/* When the reader is gone these only set reader_gone: run_loop sees it. */
	flush_lines(&a);
	if (!a.opts.no_initial)
		initial_state(&a);
	/* Attached and seeded: from here on, only what running needs. */
	rc = caps__limit(CAPS_RUNNING_KEEP);
	if (rc && a.opts.verbose)
		fprintf(stderr, "portsnoop: cannot drop capabilities: %s\n", strerror(-rc));
	fprintf(stderr, "portsnoop: tracing, Ctrl-C to stop\n");
	rc = run_loop(&a);
	if (rc)
		fprintf(stderr, "portsnoop: event loop failed: %s\n", strerror(-rc));
	a.skipped = tracer__skipped(a.tracer);
	if (!a.reader_gone) {
		struct format_totals t = {
			.events = a.events, .lost = a.stats[PS_STAT_RB_DROPS],
			.initial = a.initial, .malformed = a.malformed,
			.unwritten = a.unwritten, .skipped = a.skipped,
		};

		format__stop(&a.line, &a.fmt, &t);
		flush_lines(&a);
	}
	summary(&a);
	code = rc || a.unwritten || a.oom_lost ? 1 : 0;
cleanup:
	pcache__free(a.procs);
	procview__free(a.view);
	if (a.cgroup_fd >= 0)
		close(a.cgroup_fd);
	users__free(a.users);
	holders__free(a.holders);
	tracer__free(a.tracer);
	sink__free(a.out);
	sbuf__free(&a.line);
	return code;
}
