// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * portsnoop history [PORT] and who PORT --at T, over the JSON Lines logs
 * portsnoop wrote: one stream per log (its rotated files oldest first),
 * streams of several hosts merged by time, each line read once, in bounded
 * memory. What could not be used is counted and said, one line per kind.
 */
#include "app/history.h"
#include "history/out.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include "history/logfiles.h"
#include "history/logread.h"
#include "cli/cli.h"
#include "proc/bootid.h"
#include "lib/timefmt.h"
#include "portsnoop.h"

#define DEFAULT_DIR "/var/log/portsnoop"
#define DEFAULT_BASE "events.json"

struct hopts {
	bool at_mode, json, failed, has_target;
	struct ps_target target;
	int64_t since, until, at;
	uint32_t pid;
	const char *comm, *container, *host;
	char **files;
	size_t nfiles;
};

/* One log: its files, the record read ahead, what was wrong in it. */
struct hstream {
	struct logread *rd;
	struct logrec rec;
	char *scratch;		/* grown to the longest line parsed */
	size_t scratch_cap;
	const char *line;
	size_t len;
	bool pending;
	bool other_abi;		/* after a start record of another ABI */
	int64_t last_ts;
};

struct counts {
	uint64_t not_json, no_ts, other_abi, out_of_order, matched;
	uint64_t lost;		/* events the logs say portsnoop lost */
	uint32_t abi_seen;
};

static const char usage[] =
	"usage: portsnoop history [PORT|ADDR:PORT][/tcp|/udp] [--since T] [--until T] [-p PID]\n"
	"                         [--comm NAME] [--container NAME] [--host NAME] [--failed]\n"
	"                         [-j] [FILE|DIR...]\n"
	"       portsnoop who PORT --at T [--host NAME] [-j] [FILE|DIR...]\n"
	"T: RFC 3339 (2026-12-07T03:12:00Z), local 'YYYY-MM-DD HH:MM[:SS]', or 2h, 30m, 90s, 1d\n"
	"ago. Without FILE: " DEFAULT_DIR "/" DEFAULT_BASE " and its rotated files.\n";

bool history__wants(int argc, char **argv)
{
	if (argc < 2)
		return false;
	if (!strcmp(argv[1], "history"))
		return true;
	if (strcmp(argv[1], "who"))
		return false;
	for (int i = 2; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "--at") || !strncmp(argv[i], "--at=", 5))
			return true;
	return false;
}

__attribute__((format(printf, 1, 2)))
static int bad(const char *fmt, ...)
{
	va_list ap;

	fputs("portsnoop: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\n", stderr);
	fputs(usage, stderr);
	return 2;
}

static int parse_time(const char *opt, const char *s, int64_t *ns)
{
	if (logrec__time(s, timefmt__now(), ns)) {
		fprintf(stderr, "portsnoop: invalid %s '%s': expected RFC 3339, "
			"'YYYY-MM-DD HH:MM[:SS]' (local) or 2h, 30m, 90s, 1d\n", opt, s);
		return 2;
	}
	return 0;
}

enum { O_SINCE = 256, O_UNTIL, O_AT, O_COMM, O_CONTAINER, O_HOST, O_FAILED };

static int parse_opts(struct hopts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "since", required_argument, NULL, O_SINCE },
		{ "until", required_argument, NULL, O_UNTIL },
		{ "at", required_argument, NULL, O_AT },
		{ "pid", required_argument, NULL, 'p' },
		{ "comm", required_argument, NULL, O_COMM },
		{ "container", required_argument, NULL, O_CONTAINER },
		{ "host", required_argument, NULL, O_HOST },
		{ "failed", no_argument, NULL, O_FAILED },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	bool given_at = false, history_only = false;
	uint64_t v;
	int c, rc;

	memset(o, 0, sizeof(*o));
	o->at_mode = !strcmp(argv[1], "who");
	o->since = INT64_MIN;
	o->until = INT64_MAX;
	opterr = 0;
	optind = 2;
	while ((c = getopt_long(argc, argv, ":jp:h", longopts, NULL)) != -1) {
		switch (c) {
		case O_SINCE:
		case O_UNTIL:
			history_only = true;
			rc = parse_time(c == O_SINCE ? "--since" : "--until", optarg,
					c == O_SINCE ? &o->since : &o->until);
			if (rc)
				return rc;
			break;
		case O_AT:
			given_at = true;
			if ((rc = parse_time("--at", optarg, &o->at)))
				return rc;
			break;
		case 'p':
			history_only = true;
			if (cli__parse_uint(optarg, 1, 4194304, &v))
				return bad("invalid pid '%s': a process id from 1 to 4194304", optarg);
			o->pid = (uint32_t)v;
			break;
		case O_COMM:
			history_only = true;
			o->comm = optarg;
			break;
		case O_CONTAINER:
			history_only = true;
			o->container = optarg;
			break;
		case O_HOST:
			o->host = optarg;
			break;
		case O_FAILED:
			history_only = true;
			o->failed = true;
			break;
		case 'j':
			o->json = true;
			break;
		case 'h':
			fputs(usage, stdout);
			return -1;
		case ':':
			return bad("option '%s' needs a value", argv[optind - 1]);
		default:
			return bad("unknown option '%s' for history or who --at", argv[optind - 1]);
		}
	}
	if (o->at_mode && history_only)
		return bad("%s: who --at takes --host, -j and files; the other filters are "
			   "history's", "who");
	if (!o->at_mode && given_at)
		return bad("%s: --at is who's (who PORT --at T)", "history");
	if (optind < argc && !cli__parse_target(argv[optind], &o->target)) {
		o->has_target = true;
		optind++;
	} else if (o->at_mode) {
		return bad("who --at needs a port first: who PORT --at T, not '%s'",
			   optind < argc ? argv[optind] : "");
	}
	o->files = argv + optind;
	o->nfiles = (size_t)(argc - optind);
	return 0;
}

/* Where a record's event.action is: after "@timestamp" and event.kind. */
#define HEAD_BYTES 128

/* Can this line matter? `"port":N` (or a start record): the rest are not
 * parsed at all, which is what makes history as fast as grep. A line that
 * is not even shaped like an object is counted as not JSON either way. */
static bool may_match(const struct hopts *o, const char *line, size_t n, struct counts *c)
{
	char needle[16];
	int k;
	const char *p = line, *end = line + n;

	while (n && (line[n - 1] == ' ' || line[n - 1] == '\t'))
		n--;
	if (n < 2 || line[0] != '{' || line[n - 1] != '}') {
		c->not_json++;
		return false;
	}
	if (!o->has_target)
		return true;
	/* A start or lost record names its action at its head (@timestamp,
	 * event.kind, event.action come first): look there only, not through
	 * every line twice more. */
	if (memmem(line, n < HEAD_BYTES ? n : HEAD_BYTES, "\"action\":\"start\"", 16) ||
	    memmem(line, n < HEAD_BYTES ? n : HEAD_BYTES, "\"action\":\"lost\"", 15))
		return true;
	k = snprintf(needle, sizeof(needle), "\"port\":%u", o->target.port);
	while ((p = memmem(p, (size_t)(end - p), needle, (size_t)k))) {
		p += k;
		if (p == end || *p < '0' || *p > '9')
			return true;
	}
	return false;
}

/* A buffer of at least n bytes in *p (grown, never shrunk); NULL: no memory. */
static char *room_for(char **p, size_t *cap, size_t n)
{
	if (n > *cap || !*p) {
		size_t want = n < 4096 ? 4096 : n;
		char *q = realloc(*p, want);

		if (!q)
			return NULL;
		*p = q;
		*cap = want;
	}
	return *p;
}

/* The next record of s worth looking at, read ahead. */
static void pull(const struct hopts *o, struct hstream *s, struct counts *c)
{
	s->pending = false;
	while (logread__next(s->rd, &s->line, &s->len) == 1) {
		struct logrec *r = &s->rec;

		if (!may_match(o, s->line, s->len, c))
			continue;
		if (!room_for(&s->scratch, &s->scratch_cap, s->len) ||
		    logrec__parse(s->line, s->len, r, s->scratch, NULL)) {
			c->not_json++;
			continue;
		}
		if (logstr__is(r->kind, "event") && logstr__is(r->action, "start")) {
			s->other_abi = r->abi && r->abi != PS_ABI_VERSION;
			if (s->other_abi)
				c->abi_seen = r->abi;
		}
		if (s->other_abi) {
			c->other_abi++;
			continue;
		}
		if (logstr__is(r->kind, "metric")) {	/* not a socket's record */
			if (logstr__is(r->action, "lost"))
				c->lost += r->lost;
			continue;
		}
		if (!r->has_ts) {
			c->no_ts++;
			continue;
		}
		if (r->ts_ns < s->last_ts)
			c->out_of_order++;
		else
			s->last_ts = r->ts_ns;
		s->pending = true;
		return;
	}
}

static bool host_ok(const struct hopts *o, const struct logrec *r)
{
	return !o->host || (r->host.p && logstr__is(r->host, o->host));
}

static bool target_ok(const struct hopts *o, const struct logrec *r)
{
	struct holds_query q = { .port = o->target.port, .proto = o->target.proto,
				 .family = o->target.family };
	struct diag_sock d;

	if (!o->has_target)
		return true;
	memcpy(q.addr, o->target.addr, sizeof(q.addr));
	return replay__sock_of(r, &d) && holds__match(&q, &d);
}

static bool wanted(const struct hopts *o, const struct logrec *r)
{
	size_t cn = o->container ? strlen(o->container) : 0;

	if ((!logstr__is(r->kind, "event") && !logstr__is(r->kind, "state")) ||
	    logstr__is(r->action, "start") || logstr__is(r->action, "stop") ||
	    logstr__is(r->action, "held") || r->ts_ns < o->since || r->ts_ns >= o->until)
		return false;
	if (!host_ok(o, r) || !target_ok(o, r) || (o->pid && r->pid != o->pid))
		return false;
	if (o->comm && !logstr__is(r->comm, o->comm))
		return false;
	if (o->failed && !logstr__is(r->outcome, "failure"))
		return false;
	/* A container by name, or by its id or an id's prefix (as docker ps shows). */
	if (o->container && !logstr__is(r->container_name, o->container) &&
	    !(r->container_id.p && r->container_id.n >= cn && cn >= 4 &&
	      !memcmp(r->container_id.p, o->container, cn)))
		return false;
	return true;
}

struct run {
	const struct hopts *o;
	struct history_out out;
	struct replay seen;	/* history: sockets already shown (no repeated state) */
	struct sbuf b, json;
	char *rescratch;
	size_t rescratch_cap;
	struct counts c;
	bool write_failed;
};

static void flush(struct run *r, bool force)
{
	if (r->b.len && (force || r->b.len > 64 * 1024)) {
		if (fwrite(r->b.p, 1, r->b.len, stdout) != r->b.len)
			r->write_failed = true;
		sbuf__reset(&r->b);
	}
}

/* history: one record, shown when it is news (a state record of a socket
 * already on the timeline is not). */
static void history_one(struct run *r, const struct hstream *s)
{
	const struct logrec *rec = &s->rec;
	bool state = logstr__is(rec->kind, "state");
	bool known = false;
	struct diag_sock d;

	if (logstr__is(rec->kind, "event") && logstr__is(rec->action, "start")) {
		replay__apply(&r->seen, rec);
		return;
	}
	if (!wanted(r->o, rec))
		return;
	if (state && replay__sock_of(rec, &d))
		known = replay__find(&r->seen, rec->host, d.cookie) >= 0;
	/* Only what a state record can repeat: a client's connects would
	 * grow the table when their closes are not in the log. */
	if (!logstr__is(rec->action, "connect") && !logstr__is(rec->action, "outcome"))
		replay__apply(&r->seen, rec);
	if (known)
		return;
	r->c.matched++;
	if (r->out.json) {
		struct logrec again;

		sbuf__reset(&r->json);
		if (room_for(&r->rescratch, &r->rescratch_cap, s->len))
			logrec__parse(s->line, s->len, &again, r->rescratch, &r->json);
		history__record(&r->b, &r->out, rec, r->json.p, r->json.len);
	} else {
		history__record(&r->b, &r->out, rec, NULL, 0);
	}
	flush(r, false);
}

static void say_counts(const struct counts *c, const struct logread_stats *st)
{
	if (c->not_json)
		fprintf(stderr, "portsnoop: %" PRIu64 " line%s not a JSON object (garbage, binary, "
			"or cut short by a crash or a full disk): skipped\n", c->not_json,
			c->not_json == 1 ? "" : "s");
	if (st->too_long)
		fprintf(stderr, "portsnoop: %" PRIu64 " line%s longer than %u bytes: skipped\n",
			st->too_long, st->too_long == 1 ? "" : "s", LOGREAD_LINE_MAX);
	if (st->truncated)
		fprintf(stderr, "portsnoop: %" PRIu64 " file%s ended in a line without its "
			"newline (still being written, or cut): that line skipped\n",
			st->truncated, st->truncated == 1 ? "" : "s");
	if (c->other_abi)
		fprintf(stderr, "portsnoop: %" PRIu64 " record%s written by a portsnoop of ABI "
			"%u (this one reads ABI %u): skipped\n", c->other_abi,
			c->other_abi == 1 ? "" : "s", c->abi_seen, PS_ABI_VERSION);
	if (c->no_ts)
		fprintf(stderr, "portsnoop: %" PRIu64 " record%s without a valid @timestamp: "
			"skipped\n", c->no_ts, c->no_ts == 1 ? "" : "s");
	if (c->out_of_order)
		fprintf(stderr, "portsnoop: %" PRIu64 " record%s older than the record before "
			"them in the same log (clock stepped back, or files out of order): "
			"used where they were read\n", c->out_of_order,
			c->out_of_order == 1 ? "" : "s");
	if (c->lost)
		fprintf(stderr, "portsnoop: the logs say %" PRIu64 " event%s were lost (ring "
			"full): the answer may miss %s\n", c->lost, c->lost == 1 ? "" : "s",
			c->lost == 1 ? "it" : "them");
	if (st->read_errors)
		fprintf(stderr, "portsnoop: %" PRIu64 " file%s could not be read to the end\n",
			st->read_errors, st->read_errors == 1 ? "" : "s");
}

/* The stream whose read-ahead record is the oldest; -1 when all are done. */
static long oldest(struct hstream *s, size_t n)
{
	long best = -1;

	for (size_t i = 0; i < n; i++)
		if (s[i].pending && (best < 0 || s[i].rec.ts_ns < s[best].rec.ts_ns))
			best = (long)i;
	return best;
}

static void who_at(struct run *r, struct replay *rp)
{
	const struct hopts *o = r->o;
	struct holds_query q = { .port = o->target.port, .proto = o->target.proto,
				 .family = o->target.family };

	memcpy(q.addr, o->target.addr, sizeof(q.addr));
	history__holder_header(&r->b, &r->out);
	/* Listeners first, then bound, then connected: as who orders them. */
	for (int pass = 0; pass < 3; pass++)
		for (size_t i = 0; i < rp->n; i++) {
			const struct diag_sock *d = &rp->socks[i].d;
			int rank = d->proto != IPPROTO_UDP && d->state == TCP_LISTEN ? 0
				   : holds__connected(d) ? 2 : 1;

			if (rank != pass || !replay__holds(rp, i, &q) ||
			    (o->host && (!rp->socks[i].host || strcmp(rp->socks[i].host, o->host))))
				continue;
			history__holder(&r->b, &r->out, &rp->socks[i], o->at);
			r->c.matched++;
		}
	flush(r, true);
}

static void read_all(struct run *r, struct hstream *s, size_t n, struct replay *rp)
{
	long i;

	for (size_t k = 0; k < n; k++)
		pull(r->o, &s[k], &r->c);
	while ((i = oldest(s, n)) >= 0 && !r->write_failed) {
		const struct logrec *rec = &s[i].rec;

		if (rp) {
			if (rec->ts_ns >= r->o->at)
				break;	/* the oldest is past T: so is every other */
			if (host_ok(r->o, rec) || logstr__is(rec->action, "start"))
				replay__apply(rp, rec);
		} else {
			history_one(r, &s[i]);
		}
		pull(r->o, &s[i], &r->c);
	}
}

static int run_streams(struct run *r, struct logfile *files, size_t nfiles)
{
	struct hstream *s = calloc(nfiles ? nfiles : 1, sizeof(*s));
	struct logread_stats total = { 0 };
	struct replay rp = { 0 };
	size_t n = 0;
	int rc = 0;

	if (!s)
		return -ENOMEM;
	for (size_t i = 0; i < nfiles && !rc; n++) {
		char **paths = malloc(nfiles * sizeof(*paths));
		size_t k = 0;

		if (!paths) {
			rc = -ENOMEM;
			break;
		}
		for (size_t j = i; j < nfiles && !strcmp(files[j].group, files[i].group); j++)
			paths[k++] = files[j].path;
		s[n].rd = logread__open(paths, k);
		free(paths);
		s[n].last_ts = INT64_MIN;
		if (!s[n].rd)
			rc = -ENOMEM;
		i += k;
	}
	if (!rc)
		read_all(r, s, n, r->o->at_mode ? &rp : NULL);
	if (!rc && r->o->at_mode)
		who_at(r, &rp);
	flush(r, true);
	for (size_t k = 0; k < n; k++) {
		const struct logread_stats *st = s[k].rd ? logread__stats(s[k].rd) : &total;

		if (st != &total) {
			total.too_long += st->too_long;
			total.truncated += st->truncated;
			total.read_errors += st->read_errors;
		}
		logread__free(s[k].rd);
		free(s[k].scratch);
	}
	free(s);
	replay__free(&rp);
	say_counts(&r->c, &total);
	return rc;
}

int history__main(int argc, char **argv)
{
	struct hopts o;
	struct run r = { .o = &o };
	struct logfiles files = { 0 };
	char host[256] = "", boot[64] = "";
	struct rlimit rl;
	int rc = parse_opts(&o, argc, argv);

	if (rc)
		return rc < 0 ? 0 : rc;
	signal(SIGPIPE, SIG_IGN);
	/* Every file of every log is opened before reading: a fleet's
	 * directory may hold more than the default 1024. */
	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (!gethostname(host, sizeof(host) - 1))
		r.out.local_host = host;
	bootid__read("/proc", boot, sizeof(boot));
	r.out.boot_id = boot[0] ? boot : NULL;
	r.out.json = o.json;
	if (logfiles__list(&files, o.files, o.nfiles, DEFAULT_DIR, DEFAULT_BASE)) {
		logfiles__free(&files);
		return 1;
	}
	if (!files.n)
		fprintf(stderr, "portsnoop: no log files to read\n");
	if (!o.at_mode)
		history__header(&r.b, &r.out);
	rc = run_streams(&r, files.v, files.n);
	if (rc)
		fprintf(stderr, "portsnoop: %s\n", strerror(-rc));
	if (r.write_failed || fflush(stdout))
		r.write_failed = errno != EPIPE;
	if (r.write_failed)
		fprintf(stderr, "portsnoop: cannot write output: %s\n", strerror(errno));
	sbuf__free(&r.b);
	sbuf__free(&r.json);
	replay__free(&r.seen);
	free(r.rescratch);
	logfiles__free(&files);
	if (rc || r.write_failed)
		return 1;
	if (!r.c.matched && o.at_mode) {
		char when[48];

		timefmt__rfc3339(o.at, when, sizeof(when));
		fprintf(stderr, "portsnoop: nobody held port %u at %s, as the logs tell\n",
			o.target.port, when);
	}
	return r.c.matched ? 0 : 1;
}
