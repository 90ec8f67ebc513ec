// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The event loop: read the ring, enrich, write out; signals; the summary. */
#include "app/stream.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "app/seed.h"
#include "enrich/event.h"
#include "kernel/event.h"
#include "lib/timefmt.h"
#include "proc/mounts.h"
#include "proc/pcache.h"
#include "proc/procview.h"
#include "output/users.h"
#include "sockets/holders.h"
#include "app/serves.h"

#define STATS_INTERVAL_MS 1000
/* Processes whose /proc details are kept; the kernel watches as many exits. */
#define PROC_CACHE_ENTRIES 8192
/* A program stamps its record at most this long before it commits it. */
#define STAMP_TO_COMMIT_NS (10ull * 1000 * 1000)

/* Set by SIGINT/SIGTERM (stop) and SIGHUP (reopen the output file); the
 * wake pipe tells the event loop. */
static volatile sig_atomic_t stopping, reopen;
static int wake_pipe[2] = { -1, -1 };

struct stream {
	struct stream_opts o;
	struct tracer *tracer;
	struct pcache *procs;
	struct procview *view;	/* the kernel's executable and cgroup, with /proc's */
	int cgroup_fd;		/* the cgroup v2 mount, for cgroup paths by id; or -1 */
	struct users *users;
	struct holders *holders;
	__u64 events;
	__u64 initial;		/* state records of sockets that existed */
	__u64 malformed;
	__u64 stats[PS_STAT__MAX];
	__u64 last_ts;		/* the stamp of the last record read */
	__u64 read_to;		/* every record stamped before this was read */
};

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

int stream__signals(void)
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

struct stream *stream__new(const struct stream_opts *o)
{
	struct stream *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->o = *o;
	s->cgroup_fd = -1;
	s->users = users__new("/etc/passwd");
	s->holders = holders__new();
	if (!s->users || !s->holders) {
		stream__free(s);
		return NULL;
	}
	s->o.fmt->users = s->users;	/* the user names of state records too */
	return s;
}

int stream__on_event(void *ctx, const void *data, size_t len)
{
	struct stream *s = ctx;
	struct event_view v;
	struct format_input in;
	struct enrich_room room;

	if (event__decode(data, len, &v)) {
		s->malformed++;
		return 0;
	}
	s->last_ts = v.ev.ts_ns;
	if (v.ev.kind == PS_EV_EXIT) {
		pcache__exited(s->procs, v.ev.pid, v.ev.ts_ns);
		return 0;
	}
	if (v.ev.kind == PS_EV_EXEC) {
		procview__exec(s->view, &v.ev, v.argv, v.argv_len);
		return 0;
	}
	holders__saw(s->holders, &v.ev);
	if (!filter__comm(s->o.filter, v.ev.comm))
		return 0;	/* the one filter the kernel cannot apply cheaply */
	s->events++;
	metrics__event(s->o.metrics, &v.ev);
	enrich__event(&(struct enrich_sources){ .procs = s->procs, .view = s->view,
						.users = s->users, .holders = s->holders,
						.baseline = s->o.baseline,
						.serves = serves__for_event },
		      &v, &room, &in);
	if (in.expected < 0)
		metrics__unexpected(s->o.metrics);
	format__event(lines__buf(s->o.out), s->o.fmt, &in);
	return lines__added(s->o.out);
}

static void watch_exit(void *ctx, const struct pcache_proc *p, bool on)
{
	struct ps_watch w = {
		.start_ns = p->start_ns, .exec_id = p->exec_id, .has_cmdline = p->has_cmdline,
	};

	tracer__watch(ctx, p->pid, on ? &w : NULL);
}

/* The cgroup v2 mount, or -errno: without it cgroup paths come from /proc
 * alone (procview__cgroups_why_not says so in the summary). */
static int open_cgroup2(void)
{
	char path[4096];
	const char *note;

	return mounts__open_cgroup2(path, sizeof(path), &note);
}

int stream__start(struct stream *s, struct tracer *t)
{
	struct pcache_opts po = {
		.proc_root = "/proc",
		.max_entries = PROC_CACHE_ENTRIES,
		.watch = watch_exit,
		.ctx = t,
	};
	struct sbuf *b = lines__buf(s->o.out);

	s->tracer = t;
	s->procs = pcache__new(&po);
	s->cgroup_fd = open_cgroup2();
	s->view = procview__new(&(struct procview_opts){ .cgroup_fd = s->cgroup_fd });
	if (!s->procs || !s->view)
		return -ENOMEM;
	format__header(b, s->o.fmt);
	{
		size_t nlen;
		const char *notes = tracer__notes(t, &nlen);

		format__start(b, s->o.fmt, tracer__describe(t), notes, nlen);
	}
	/* When the reader is gone this only marks it so: stream__run sees it. */
	lines__flush(s->o.out);
	return 0;
}

void stream__seeded(struct stream *s, __u64 initial)
{
	s->initial = initial;
}

/*
 * One batch. How far the ring has been read (for the /proc cache): a
 * batch that emptied the ring read everything stamped before it began;
 * a full one everything stamped before the last record it took. Records
 * come in the order they were reserved, a little after their stamp.
 */
static int consume(struct stream *s)
{
	__u64 start = timefmt__mono_ns();
	int n = tracer__consume(s->tracer);
	__u64 upto = n >= 0 && n < TRACER_BATCH ? start : s->last_ts;

	if (upto > STAMP_TO_COMMIT_NS && upto - STAMP_TO_COMMIT_NS > s->read_to)
		s->read_to = upto - STAMP_TO_COMMIT_NS;
	lines__flush(s->o.out);
	return n;
}

/* Read the kernel's counters; say in the stream when events were lost. */
static void check_stats(struct stream *s)
{
	__u64 now[PS_STAT__MAX];
	__u64 lost;

	if (tracer__stats(s->tracer, now))
		return;
	lost = now[PS_STAT_RB_DROPS] - s->stats[PS_STAT_RB_DROPS];
	memcpy(s->stats, now, sizeof(now));
	metrics__totals(s->o.metrics, &(struct metrics_totals){
		.lost = now[PS_STAT_RB_DROPS], .skipped = tracer__skipped(s->tracer),
		.unwritten = lines__totals(s->o.out)->unwritten, .malformed = s->malformed,
		.untracked = now[PS_STAT_TRACK_FULL] });
	s->o.fmt->mono_offset = timefmt__mono_offset();
	s->o.fmt->boot_offset = timefmt__boot_offset();
	pcache__sweep(s->procs, s->read_to);
	if (!lost || lines__reader_gone(s->o.out))
		return;
	format__lost(lines__buf(s->o.out), s->o.fmt, lost, now[PS_STAT_RB_DROPS]);
	lines__flush(s->o.out);
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

/* Lines consumed so far went to the old file, whole; the next batch goes
 * to the new one. */
static void reopen_output(struct stream *s)
{
	int err;

	reopen = 0;
	lines__flush(s->o.out);
	err = sink__reopen(lines__sink(s->o.out));
	if (err) {
		fprintf(stderr, "portsnoop: cannot reopen %s: %s (still writing to the old "
			"file)\n", s->o.output_path, strerror(-err));
		return;
	}
	if (sink__empty(lines__sink(s->o.out)))
		format__header(lines__buf(s->o.out), s->o.fmt);	/* a new file: a table's header */
	if (s->o.state_at_reopen)	/* each file answers on its own */
		seed__sockets(&(struct seed_opts){
			.filter = s->o.filter, .fmt = s->o.fmt, .out = s->o.out });
}

/* What woke us: true when told to stop. */
static bool woken(struct stream *s, const struct epoll_event *evs, int n)
{
	bool stop = false;

	for (int i = 0; i < n; i++) {
		if (evs[i].data.fd == wake_pipe[0]) {
			char drain[64];

			while (read(wake_pipe[0], drain, sizeof(drain)) > 0)
				;
			stop = stopping;
		} else if (evs[i].data.fd == sink__poll_fd(lines__sink(s->o.out))) {
			lines__set_reader_gone(s->o.out);
		}
	}
	return stop;
}

/* Until SIGINT/SIGTERM, the reader leaving, or an error of epoll. */
static int loop(struct stream *s, int ep)
{
	__u64 last_stats = now_ms();
	bool got = false;	/* the last look found records: more may follow unannounced */
	bool full = false;	/* it stopped at a full batch: more are waiting */

	while (!lines__reader_gone(s->o.out)) {
		struct epoll_event evs[4];
		int n = epoll_wait(ep, evs, 4, full ? 0 : got ? TRACER_LINGER_MS
							 : STATS_INTERVAL_MS);
		bool stop;

		if (n < 0 && errno != EINTR)
			return -errno;
		stop = woken(s, evs, n);
		if (reopen)
			reopen_output(s);
		n = consume(s);
		got = n > 0;
		full = n >= TRACER_BATCH;
		if (now_ms() - last_stats >= STATS_INTERVAL_MS) {
			check_stats(s);
			last_stats = now_ms();
		}
		if (stop || stopping)
			break;
	}
	return 0;
}

int stream__run(struct stream *s)
{
	int ep = epoll_create1(EPOLL_CLOEXEC), err;

	if (ep < 0)
		return -errno;
	lines__set_stopping(s->o.out, &stopping);
	err = watch(ep, wake_pipe[0], EPOLLIN);
	if (!err)
		err = watch(ep, tracer__fd(s->tracer), EPOLLIN);
	if (err) {
		close(ep);
		return err;
	}
	/* A pipe's write end reports EPOLLERR once the reader is gone; a
	 * regular file cannot be watched (EPERM) and needs no watching. */
	watch(ep, sink__poll_fd(lines__sink(s->o.out)), 0);
	err = loop(s, ep);
	/* Whatever the kernel handed over before we stopped still goes out;
	 * detached first, so a flood that goes on cannot hold the exit. */
	tracer__detach(s->tracer);
	while (!lines__reader_gone(s->o.out) && consume(s) >= TRACER_BATCH)
		;
	check_stats(s);
	close(ep);
	return err;
}

static void summary(const struct stream *s, __u64 skipped)
{
	const struct lines_totals *t = lines__totals(s->o.out);

	char n[48];

	fprintf(stderr, "portsnoop: %s, %llu lost",
		format__count(n, sizeof(n), s->events, "event", "events"),
		(unsigned long long)s->stats[PS_STAT_RB_DROPS]);
	if (s->initial)
		fprintf(stderr, ", %s before", format__count(n, sizeof(n), s->initial,
							      "socket existed",
							      "sockets existed"));
	if (s->malformed)
		fprintf(stderr, ", %llu malformed", (unsigned long long)s->malformed);
	if (t->oom_lost)
		fprintf(stderr, ", %llu not printed (out of memory)",
			(unsigned long long)t->oom_lost);
	if (t->unwritten)
		fprintf(stderr, ", %llu lines not written (%s)", (unsigned long long)t->unwritten,
			strerror(-t->write_err));
	if (s->stats[PS_STAT_TRACK_FULL])
		fprintf(stderr, ", %llu sockets untracked (no close event)",
			(unsigned long long)s->stats[PS_STAT_TRACK_FULL]);
	if (skipped)
		fprintf(stderr, ", %llu hook runs skipped by the kernel (BPF already running "
			"on that CPU)", (unsigned long long)skipped);
	if (s->stats[PS_STAT_RET_MISSED])
		fprintf(stderr, ", %llu calls not reported (kretprobe missed)",
			(unsigned long long)s->stats[PS_STAT_RET_MISSED]);
	if (s->stats[PS_STAT_PENDING_FULL])
		fprintf(stderr, ", %llu connects without outcome",
			(unsigned long long)s->stats[PS_STAT_PENDING_FULL]);
	if (s->stats[PS_STAT_EXEC_DROPS])
		fprintf(stderr, ", %llu execs not seen (their executables are /proc's)",
			(unsigned long long)s->stats[PS_STAT_EXEC_DROPS]);
	if (s->view && procview__cgroups_why_not(s->view))
		fprintf(stderr, "; cgroup paths from /proc only: %s",
			procview__cgroups_why_not(s->view));
	fputc('\n', stderr);
}

int stream__finish(struct stream *s, int run_err)
{
	const struct lines_totals *t = lines__totals(s->o.out);
	__u64 skipped = tracer__skipped(s->tracer);

	if (run_err)
		fprintf(stderr, "portsnoop: event loop failed: %s\n", strerror(-run_err));
	if (!lines__reader_gone(s->o.out)) {
		struct format_totals ft = {
			.events = s->events, .lost = s->stats[PS_STAT_RB_DROPS],
			.initial = s->initial, .malformed = s->malformed,
			.unwritten = t->unwritten, .skipped = skipped,
		};

		format__stop(lines__buf(s->o.out), s->o.fmt, &ft);
		lines__flush(s->o.out);
	}
	summary(s, skipped);
	return run_err || t->unwritten || t->oom_lost ? 1 : 0;
}

void stream__free(struct stream *s)
{
	if (!s)
		return;
	pcache__free(s->procs);
	procview__free(s->view);
	if (s->cgroup_fd >= 0)
		close(s->cgroup_fd);
	users__free(s->users);
	holders__free(s->holders);
	free(s);
}
