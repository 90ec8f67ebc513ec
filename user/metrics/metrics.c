// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The counters behind --metrics and their OpenMetrics text. */
#include "metrics/metrics.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <netinet/in.h>

#include "output/names.h"

/* The actions an event has (enum ps_kind 1..5) and the protocols counted by
 * name; any other protocol is "other". */
#define N_KIND 6
#define N_PROTO 4
#define N_RESULT 3
/* Connect durations: the buckets' upper bounds in nanoseconds. */
static const uint64_t bucket_ns[] = {
	100000ull, 1000000ull, 10000000ull, 100000000ull, 1000000000ull, 3000000000ull,
	10000000000ull, 60000000000ull,
};
static const char *const bucket_le[] = {
	"0.0001", "0.001", "0.01", "0.1", "1.0", "3.0", "10.0", "60.0",
};
#define N_BUCKET (sizeof(bucket_ns) / sizeof(bucket_ns[0]))

static const char *const results[N_RESULT] = { "success", "failure", "unknown" };
static const char *const protos[N_PROTO] = { "tcp", "udp", "mptcp", "other" };

struct metrics {
	uint64_t events[N_KIND][N_RESULT][N_PROTO];
	uint64_t failed_bind[METRICS_ERRNO_MAX + 1];	/* last: "other" */
	uint64_t outcome[METRICS_ERRNO_MAX + 1];	/* 0: success */
	uint64_t outcome_other;
	uint64_t failed_connect[METRICS_ERRNO_MAX + 1];	/* last: "other" */
	uint16_t inuse_port[METRICS_INUSE_PORTS];	/* 0: free slot */
	uint64_t inuse[METRICS_INUSE_PORTS + 1];	/* last: "other" */
	uint64_t bucket[N_BUCKET];			/* not cumulative */
	uint64_t duration_count, duration_sum_ns;
	uint64_t unexpected;
	struct metrics_totals totals;
	char version[32];
	metrics_gauges_fn gauges;
	void *gauges_ctx;
};

static inline void bump(uint64_t *c, uint64_t by)
{
	__atomic_fetch_add(c, by, __ATOMIC_RELAXED);
}

static inline uint64_t load(const uint64_t *c)
{
	return __atomic_load_n(c, __ATOMIC_RELAXED);
}

struct metrics *metrics__new(const char *version)
{
	struct metrics *m = calloc(1, sizeof(*m));

	if (m)
		snprintf(m->version, sizeof(m->version), "%s", version);
	return m;
}

void metrics__free(struct metrics *m)
{
	free(m);
}

static unsigned int proto_index(unsigned int proto)
{
	return proto == IPPROTO_TCP ? 0 : proto == IPPROTO_UDP ? 1
	       : proto == 262 /* IPPROTO_MPTCP */ ? 2 : 3;
}

static unsigned int result_index(const struct ps_event *ev)
{
	if (!ev->err)
		return 0;
	return ev->kind == PS_EV_CONNECT && ev->err == EINPROGRESS ? 2 : 1;
}

/* The port's slot: a known one, a free one taken now, or the "other" slot.
 * Only the event loop writes the ports; the server reads them. */
static unsigned int inuse_slot(struct metrics *m, uint16_t port)
{
	for (unsigned int i = 0; i < METRICS_INUSE_PORTS; i++) {
		uint16_t p = __atomic_load_n(&m->inuse_port[i], __ATOMIC_ACQUIRE);

		if (p == port)
			return i;
		if (!p) {
			__atomic_store_n(&m->inuse_port[i], port, __ATOMIC_RELEASE);
			return i;
		}
	}
	return METRICS_INUSE_PORTS;
}

static void outcome(struct metrics *m, const struct ps_event *ev)
{
	int err = ev->err;

	if (err >= 0 && err < METRICS_ERRNO_MAX)
		bump(&m->outcome[err], 1);
	else
		bump(&m->outcome_other, 1);
	for (unsigned int i = 0; i < N_BUCKET; i++)
		if (ev->duration_ns <= bucket_ns[i]) {
			bump(&m->bucket[i], 1);
			break;
		}
	bump(&m->duration_sum_ns, ev->duration_ns);
	bump(&m->duration_count, 1);
}

void metrics__event(struct metrics *m, const struct ps_event *ev)
{
	if (!m || ev->kind < PS_EV_BIND || ev->kind > PS_EV_CLOSE)
		return;
	bump(&m->events[ev->kind][result_index(ev)][proto_index(ev->proto)], 1);
	if (ev->kind == PS_EV_CONNECT_RESULT)
		outcome(m, ev);
	if (ev->kind == PS_EV_CONNECT && ev->err && ev->err != EINPROGRESS)
		bump(&m->failed_connect[ev->err > 0 && ev->err < METRICS_ERRNO_MAX
					? ev->err : METRICS_ERRNO_MAX], 1);
	if (!ev->err || (ev->kind != PS_EV_BIND && ev->kind != PS_EV_LISTEN))
		return;
	if (ev->kind == PS_EV_BIND)
		bump(&m->failed_bind[ev->err > 0 && ev->err < METRICS_ERRNO_MAX
				     ? ev->err : METRICS_ERRNO_MAX], 1);
	if (ev->err == EADDRINUSE)
		bump(&m->inuse[ev->lport ? inuse_slot(m, ev->lport) : METRICS_INUSE_PORTS], 1);
}

void metrics__unexpected(struct metrics *m)
{
	if (m)
		bump(&m->unexpected, 1);
}

void metrics__totals(struct metrics *m, const struct metrics_totals *t)
{
	if (!m)
		return;
	__atomic_store_n(&m->totals.lost, t->lost, __ATOMIC_RELAXED);
	__atomic_store_n(&m->totals.skipped, t->skipped, __ATOMIC_RELAXED);
	__atomic_store_n(&m->totals.unwritten, t->unwritten, __ATOMIC_RELAXED);
	__atomic_store_n(&m->totals.malformed, t->malformed, __ATOMIC_RELAXED);
	__atomic_store_n(&m->totals.untracked, t->untracked, __ATOMIC_RELAXED);
}

/* OpenMetrics names a counter's family without "_total" and has an info
 * type; Prometheus' older text format (what promtool and clients that do not
 * ask for OpenMetrics read) names the sample and has neither. */
void metrics__family(struct sbuf *b, bool om, const char *name, const char *type,
		     const char *help)
{
	const char *suffix = "";

	if (!om && !strcmp(type, "counter"))
		suffix = "_total";
	else if (!om && !strcmp(type, "info")) {
		suffix = "_info";
		type = "gauge";
	}
	sbuf__printf(b, "# TYPE portsnoop_%s%s %s\n# HELP portsnoop_%s%s %s\n", name, suffix,
		     type, name, suffix, help);
}

static void sample(struct sbuf *b, const char *name, const char *labels, uint64_t v)
{
	sbuf__printf(b, "portsnoop_%s%s%s%s %llu\n", name, labels[0] ? "{" : "", labels,
		     labels[0] ? "}" : "", (unsigned long long)v);
}

static void render_events(struct metrics *m, struct sbuf *b, bool om)
{
	char labels[96];

	metrics__family(b, om, "events", "counter",
			"Traced events by action, result and protocol.");
	for (unsigned int k = PS_EV_BIND; k <= PS_EV_CLOSE; k++)
		for (unsigned int r = 0; r < N_RESULT; r++)
			for (unsigned int p = 0; p < N_PROTO; p++) {
				uint64_t v = load(&m->events[k][r][p]);

				if (!v)
					continue;
				snprintf(labels, sizeof(labels),
					 "action=\"%s\",result=\"%s\",protocol=\"%s\"",
					 names__kind(k), results[r], protos[p]);
				sample(b, "events_total", labels, v);
			}
}

static void render_by_errno(struct sbuf *b, const char *name, const uint64_t *c,
			    unsigned int from, uint64_t other)
{
	char labels[64], nb[16];

	for (unsigned int e = from; e < METRICS_ERRNO_MAX; e++) {
		uint64_t v = load(&c[e]);

		if (!v)
			continue;
		snprintf(labels, sizeof(labels), "errno=\"%s\"",
			 e ? names__errno((int)e, nb, sizeof(nb)) : "0");
		sample(b, name, labels, v);
	}
	if (other)
		sample(b, name, "errno=\"other\"", other);
}

static void render_inuse(struct metrics *m, struct sbuf *b, bool om)
{
	char labels[32];

	metrics__family(b, om, "addr_in_use", "counter",
			"Binds and listens that failed with EADDRINUSE, by port (the first "
			"64 ports; later ones as port=\"other\").");
	for (unsigned int i = 0; i < METRICS_INUSE_PORTS; i++) {
		uint16_t p = __atomic_load_n(&m->inuse_port[i], __ATOMIC_ACQUIRE);
		uint64_t v = load(&m->inuse[i]);

		if (!p)
			break;
		if (!v)
			continue;
		snprintf(labels, sizeof(labels), "port=\"%u\"", p);
		sample(b, "addr_in_use_total", labels, v);
	}
	if (load(&m->inuse[METRICS_INUSE_PORTS]))
		sample(b, "addr_in_use_total", "port=\"other\"", load(&m->inuse[METRICS_INUSE_PORTS]));
}

static void render_duration(struct metrics *m, struct sbuf *b, bool om)
{
	uint64_t cum = 0, sum = load(&m->duration_sum_ns), count = 0;
	char labels[32];

	metrics__family(b, om, "connect_duration_seconds", "histogram",
			"TCP connects, from SYN_SENT to their outcome.");
	for (unsigned int i = 0; i < N_BUCKET; i++) {
		cum += load(&m->bucket[i]);
		snprintf(labels, sizeof(labels), "le=\"%s\"", bucket_le[i]);
		sample(b, "connect_duration_seconds_bucket", labels, cum);
	}
	/* +Inf is the count, read once for both, so they agree even when a
	 * connect lands in between. */
	count = load(&m->duration_count);
	if (count < cum)
		count = cum;
	sample(b, "connect_duration_seconds_bucket", "le=\"+Inf\"", count);
	sbuf__printf(b, "portsnoop_connect_duration_seconds_sum %llu.%09llu\n",
		     (unsigned long long)(sum / 1000000000ull),
		     (unsigned long long)(sum % 1000000000ull));
	sample(b, "connect_duration_seconds_count", "", count);
}

static void render_totals(struct metrics *m, struct sbuf *b, bool om)
{
	static const struct { const char *name, *help; size_t off; } t[] = {
		{ "events_lost", "Events lost: the ring buffer was full.",
		  offsetof(struct metrics_totals, lost) },
		{ "hook_runs_skipped", "Hook runs the kernel skipped (BPF already running "
		  "on that CPU).", offsetof(struct metrics_totals, skipped) },
		{ "lines_unwritten", "Output lines not written.",
		  offsetof(struct metrics_totals, unwritten) },
		{ "records_malformed", "Ring buffer records that did not decode.",
		  offsetof(struct metrics_totals, malformed) },
		{ "sockets_untracked", "Sockets the kernel side could not track (no close "
		  "event).", offsetof(struct metrics_totals, untracked) },
	};
	char name[48];

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		metrics__family(b, om, t[i].name, "counter", t[i].help);
		snprintf(name, sizeof(name), "%s_total", t[i].name);
		sample(b, name, "", load((const uint64_t *)((const char *)&m->totals + t[i].off)));
	}
}

void metrics__set_gauges(struct metrics *m, metrics_gauges_fn fn, void *ctx)
{
	m->gauges = fn;
	m->gauges_ctx = ctx;
}

void metrics__label(struct sbuf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			sbuf__putc(b, '\\');
		if (*s == '\n')
			sbuf__puts(b, "\\n");
		else
			sbuf__putc(b, *s);
	}
}

void metrics__render(struct metrics *m, struct sbuf *b, bool om)
{
	metrics__family(b, om, "build", "info", "The running portsnoop.");
	sbuf__puts(b, "portsnoop_build_info{version=\"");
	metrics__label(b, m->version);
	sbuf__puts(b, "\"} 1\n");
	render_events(m, b, om);
	metrics__family(b, om, "bind_failures", "counter", "Failed binds by errno.");
	render_by_errno(b, "bind_failures_total", m->failed_bind, 1,
			load(&m->failed_bind[METRICS_ERRNO_MAX]));
	render_inuse(m, b, om);
	metrics__family(b, om, "connect_failures", "counter",
			"connect() calls that failed at once, by errno (EADDRNOTAVAIL: no "
			"local port was free).");
	render_by_errno(b, "connect_failures_total", m->failed_connect, 1,
			load(&m->failed_connect[METRICS_ERRNO_MAX]));
	metrics__family(b, om, "connect_outcomes", "counter",
			"Outcomes of TCP connects by errno (0: established).");
	render_by_errno(b, "connect_outcomes_total", m->outcome, 0, load(&m->outcome_other));
	render_duration(m, b, om);
	metrics__family(b, om, "unexpected_listeners", "counter",
			"Binds and listens the baseline (--expect) does not hold.");
	sample(b, "unexpected_listeners_total", "", load(&m->unexpected));
	render_totals(m, b, om);
	if (m->gauges)
		m->gauges(b, om, m->gauges_ctx);
	if (om)
		sbuf__puts(b, "# EOF\n");
}
