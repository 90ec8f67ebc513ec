// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Logs read back (issue 27): a line to its fields, times, the replay that
 * answers who --at, and what is printed of untrusted text. */
#include <errno.h>
#include <stdlib.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include "unit.h"

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include "history/out.h"
#include "history/logfiles.h"
#include "history/logrec.h"
#include "history/replay.h"

#define T0 "2026-12-07T03:12:00"

static char scratch[4096];

static struct logrec parse_ok(const char *line)
{
	struct logrec r;

	assert_int_equal(logrec__parse(line, strlen(line), &r, scratch, NULL), 0);
	return r;
}

static void test_fields(void **st)
{
	struct logrec r = parse_ok(
		"{\"@timestamp\":\"" T0 ".000000123Z\",\"process\":{\"pid\":4242,"
		"\"name\":\"ngin\\u0078\",\"executable\":\"/usr/sbin/nginx\",\"args\":[\"a\",{\"pid\":1}]},"
		"\"event\":{\"kind\":\"event\",\"action\":\"bind\",\"outcome\":\"failure\"},"
		"\"error\":{\"code\":\"EADDRINUSE\"},\"network\":{\"transport\":\"tcp\","
		"\"type\":\"ipv6\"},\"server\":{\"ip\":\"::\",\"port\":8080},"
		"\"host\":{\"name\":\"web1\"},\"user\":{\"id\":0},"
		"\"portsnoop\":{\"ipv6_only\":false,\"cookie\":77,\"owners\":[{\"pid\":9}]}}");

	(void)st;
	assert_true(r.has_ts);
	assert_int_equal(r.ts_ns, 1796613120LL * 1000000000LL + 123);
	assert_int_equal(r.pid, 4242);	/* not the array's pid 1 nor owners' 9 */
	assert_true(logstr__is(r.comm, "nginx"));
	assert_true(logstr__is(r.exe, "/usr/sbin/nginx"));
	assert_true(logstr__is(r.error, "EADDRINUSE"));
	assert_true(logstr__is(r.host, "web1"));
	assert_int_equal(r.server_port, 8080);
	assert_int_equal(r.cookie, 77);
	assert_int_equal(r.v6only, 0);
	assert_true(r.has_uid);
}

static void test_rejects(void **st)
{
	static const char *const bad[] = {
		"", "{", "{\"a\":1", "{\"a\":1}}", "[1]", "{\"a\":\"x\ny\"}", "{\"a\":01}",
		"{\"a\":\"\\q\"}", "{\"a\":tru}", "{\"a\":1,}", "{\"@timestamp\":\"x\"}x",
		"{\"a\":[[[[[[[[[[1]]]]]]]]]]}",
	};
	struct logrec r;

	(void)st;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(logrec__parse(bad[i], strlen(bad[i]), &r, scratch, NULL),
				 -EBADMSG);
	/* A bad @timestamp is not fatal to the line, but it has no time. */
	r = parse_ok("{\"@timestamp\":\"2026-12-07 03:12\"}");
	assert_false(r.has_ts);
}

static void test_rejson_escapes(void **st)
{
	/* Raw ESC and U+2028 inside a valid JSON string, an escaped NUL:
	 * printed as live output prints them. */
	const char *line = "{\"process\":{\"name\":\"a\x1b[31m\xe2\x80\xa8\\u0000\"},\"n\":[1,true,null]}";
	struct sbuf b = { 0 };
	struct logrec r;

	(void)st;
	/* The raw ESC is a control character: not JSON. */
	assert_int_equal(logrec__parse(line, strlen(line), &r, scratch, &b), -EBADMSG);
	sbuf__reset(&b);
	line = "{\"process\":{\"name\":\"a\\u001b[31m\xe2\x80\xa8\\u0000\"},\"n\":[1,true,null]}";
	assert_int_equal(logrec__parse(line, strlen(line), &r, scratch, &b), 0);
	assert_string_equal(sbuf__str(&b),
			    "{\"process\":{\"name\":\"a\\u001b[31m\\u2028\\u0000\"},\"n\":[1,true,null]}");
	sbuf__free(&b);
}

static void test_times(void **st)
{
	int64_t ns, now = 1796613120LL * 1000000000LL;

	(void)st;
	assert_int_equal(logrec__time(T0 "Z", now, &ns), 0);
	assert_int_equal(ns, now);
	assert_int_equal(logrec__time(T0 ".5+01:00", now, &ns), 0);
	assert_int_equal(ns, now - 3600LL * 1000000000LL + 500000000LL);
	assert_int_equal(logrec__time("2h", now, &ns), 0);
	assert_int_equal(ns, now - 7200LL * 1000000000LL);
	assert_int_equal(logrec__time("30m", now, &ns), 0);
	assert_int_equal(ns, now - 1800LL * 1000000000LL);
	setenv("TZ", "UTC", 1);
	assert_int_equal(logrec__time("2026-12-07 03:12", now, &ns), 0);
	assert_int_equal(ns, now);
	assert_int_equal(logrec__time("2026-12-07 03:12:07", now, &ns), 0);
	assert_int_equal(ns, now + 7000000000LL);
	for (const char *const *b = (const char *const[]){ "yesterday", "2h30", "-1h", "h",
			  "2026-13-01T00:00:00Z", "9999-01-01T00:00:00Z", "2026-12-07T03:12Z",
			  "99999999999999999999d", NULL }; *b; b++)
		assert_int_equal(logrec__time(*b, now, &ns), -EINVAL);
}

#define EV(ts, act, extra)                                                           \
	"{\"@timestamp\":\"" T0 "." ts "Z\",\"event\":{\"kind\":\"event\",\"action\":\"" act \
	"\"" extra "},\"host\":{\"name\":\"h\"},\"network\":{\"transport\":\"tcp\"},"   \
	"\"server\":{\"ip\":\"0.0.0.0\",\"port\":8080}"

static void apply(struct replay *rp, const char *line)
{
	struct logrec r = parse_ok(line);

	assert_int_equal(replay__apply(rp, &r), 0);
}

static size_t holders(const struct replay *rp, const char *ip, uint16_t port)
{
	struct holds_query q = { .port = port, .family = AF_INET };
	size_t n = 0;

	inet_pton(AF_INET, ip, q.addr);
	for (size_t i = 0; i < rp->n; i++)
		n += replay__holds(rp, i, &q);
	return n;
}

static void test_replay(void **st)
{
	struct replay rp = { 0 };

	(void)st;
	apply(&rp, EV("1", "bind", ",\"outcome\":\"success\"") ",\"process\":{\"pid\":10},"
		   "\"portsnoop\":{\"cookie\":5}}");
	apply(&rp, EV("2", "listen", ",\"outcome\":\"success\"") ",\"process\":{\"pid\":10},"
		   "\"portsnoop\":{\"cookie\":5}}");
	assert_int_equal(rp.n, 1);
	assert_int_equal(rp.socks[0].d.state, TCP_LISTEN);
	assert_int_equal(holders(&rp, "127.0.0.1", 8080), 1);	/* 0.0.0.0 overlaps */
	assert_int_equal(holders(&rp, "127.0.0.1", 8081), 0);
	/* A failed bind holds nothing. */
	apply(&rp, EV("3", "bind", ",\"outcome\":\"failure\"") ",\"process\":{\"pid\":11},"
		   "\"portsnoop\":{\"cookie\":6}}");
	assert_int_equal(rp.n, 1);
	/* The state record written first in the next file changes nothing. */
	apply(&rp, "{\"@timestamp\":\"" T0 ".4Z\",\"event\":{\"kind\":\"state\",\"action\":"
		   "\"listening\"},\"host\":{\"name\":\"h\"},\"process\":{\"pid\":10},"
		   "\"server\":{\"ip\":\"0.0.0.0\",\"port\":8080},\"portsnoop\":{\"cookie\":5}}");
	assert_int_equal(rp.n, 1);
	assert_false(rp.socks[0].from_state);
	/* Another host's socket of the same cookie is another socket. */
	apply(&rp, "{\"@timestamp\":\"" T0 ".5Z\",\"event\":{\"kind\":\"state\",\"action\":"
		   "\"listening\"},\"host\":{\"name\":\"g\"},\"process\":{\"pid\":20},"
		   "\"server\":{\"ip\":\"0.0.0.0\",\"port\":8080},\"portsnoop\":{\"cookie\":5}}");
	assert_int_equal(rp.n, 2);
	apply(&rp, EV("6", "close", "") ",\"process\":{\"pid\":10},\"portsnoop\":{\"cookie\":5}}");
	assert_int_equal(rp.n, 1);
	assert_int_equal(rp.socks[0].pid, 20);
	/* portsnoop restarted on g: what it knew of g is forgotten. */
	apply(&rp, "{\"@timestamp\":\"" T0 ".7Z\",\"event\":{\"kind\":\"event\",\"action\":"
		   "\"start\"},\"host\":{\"name\":\"g\"},\"portsnoop\":{\"abi\":5}}");
	assert_int_equal(rp.n, 0);
	replay__free(&rp);
}

static void test_row_escapes(void **st)
{
	struct history_out o = { 0 };
	struct sbuf b = { 0 };
	struct logrec r = parse_ok(EV("1", "bind", ",\"outcome\":\"success\"")
				   ",\"process\":{\"pid\":10,\"name\":\"a b\\u001b\","
				   "\"command_line\":\"x\\ny\"}}");

	(void)st;
	history__record(&b, &o, &r, NULL, 0);
	assert_string_equal(sbuf__str(&b), T0 ".100000000Z h bind ok tcp 0.0.0.0:8080 - 10 "
			    "a\\x20b\\x1b - - - - x\\x0ay\n");
	sbuf__free(&b);
}

static void test_rotations(void **st)
{
	char base[64];

	(void)st;
	assert_int_equal(logfiles__rotation("events.json", "events.json"), 0);
	assert_int_equal(logfiles__rotation("events.json", "events.json.1"), 1);
	assert_int_equal(logfiles__rotation("events.json", "events.json.12.gz"), 12);
	assert_int_equal(logfiles__rotation("events.json", "events.json.gz"), -1);
	assert_int_equal(logfiles__rotation("events.json", "events.json.1.bak"), -1);
	assert_int_equal(logfiles__rotation("events.json", "events.jsonx"), -1);
	logfiles__base("events.json.2.gz", base, sizeof(base));
	assert_string_equal(base, "events.json");
	logfiles__base("node-a.json.1", base, sizeof(base));
	assert_string_equal(base, "node-a.json");
	logfiles__base("app.2024.log", base, sizeof(base));
	assert_string_equal(base, "app.2024.log");
}

/* A directory of two hosts' logs: grouped by log, each oldest first. */
static void test_directory(void **st)
{
	static const char *const names[] = { "b.json", "a.json.1", "b.json.2.gz", "a.json",
					     "b.json.10.gz", "b.json.1" };
	static const char *const order[] = { "a.json.1", "a.json", "b.json.10.gz",
					     "b.json.2.gz", "b.json.1", "b.json" };
	char dir[] = "/tmp/portsnoop-unit-XXXXXX", path[128];
	struct logfiles l = { 0 };
	char *arg[] = { dir };

	(void)st;
	assert_non_null(mkdtemp(dir));
	for (size_t i = 0; i < 6; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		close(open(path, O_CREAT | O_WRONLY, 0600));
	}
	assert_int_equal(logfiles__list(&l, arg, 1, NULL, NULL), 0);
	assert_int_equal(l.n, 6);
	for (size_t i = 0; i < 6; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, order[i]);
		assert_string_equal(l.v[i].path, path);
		unlink(path);
	}
	logfiles__free(&l);
	rmdir(dir);
}

UNIT_MAIN("history", NULL, NULL, cmocka_unit_test(test_fields), cmocka_unit_test(test_rejects),
	  cmocka_unit_test(test_rejson_escapes), cmocka_unit_test(test_times),
	  cmocka_unit_test(test_replay), cmocka_unit_test(test_row_escapes),
	  cmocka_unit_test(test_rotations), cmocka_unit_test(test_directory))
