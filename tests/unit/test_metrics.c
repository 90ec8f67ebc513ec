// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The --metrics text and the request the endpoint reads. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include "unit.h"

#include "metrics/httpreq.h"
#include "metrics/metrics.h"
#include "metrics/server.h"

static struct ps_event ev(unsigned int kind, int err, unsigned int proto, uint16_t port)
{
	return (struct ps_event){ .kind = kind, .err = err, .proto = proto, .lport = port,
				  .family = AF_INET };
}

static const char *render(struct metrics *m, struct sbuf *b, bool om)
{
	sbuf__reset(b);
	metrics__render(m, b, om);
	return sbuf__str(b);
}

/* The line that starts with prefix, whole (without its newline), or "". */
static const char *line(const char *text, const char *prefix, char *out, size_t sz)
{
	size_t pl = strlen(prefix);

	for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		if (!strncmp(p, prefix, pl)) {
			size_t n = strcspn(p, "\n");

			snprintf(out, sz, "%.*s", (int)n, p);
			return out;
		}
	}
	out[0] = '\0';
	return out;
}

static void test_events_by_action_result_protocol(void **state)
{
	struct metrics *m = metrics__new("1.2.3");
	struct sbuf b = { 0 };
	struct ps_event e1 = ev(PS_EV_BIND, 0, IPPROTO_TCP, 8080),
			e2 = ev(PS_EV_BIND, EADDRINUSE, IPPROTO_UDP, 53),
			e3 = ev(PS_EV_CONNECT, EINPROGRESS, IPPROTO_TCP, 0);
	const char *t;
	char l[256];

	metrics__event(m, &e1);
	metrics__event(m, &e1);
	metrics__event(m, &e2);
	metrics__event(m, &e3);
	e3.err = EADDRNOTAVAIL;
	metrics__event(m, &e3);
	t = render(m, &b, true);
	assert_string_equal(line(t, "portsnoop_connect_failures_total", l, sizeof(l)),
			    "portsnoop_connect_failures_total{errno=\"EADDRNOTAVAIL\"} 1");
	assert_string_equal(line(t, "portsnoop_events_total{action=\"bind\",result=\"success\"", l,
				 sizeof(l)),
			    "portsnoop_events_total{action=\"bind\",result=\"success\","
			    "protocol=\"tcp\"} 2");
	assert_string_equal(line(t, "portsnoop_events_total{action=\"bind\",result=\"failure\"", l,
				 sizeof(l)),
			    "portsnoop_events_total{action=\"bind\",result=\"failure\","
			    "protocol=\"udp\"} 1");
	assert_string_equal(line(t, "portsnoop_events_total{action=\"connect\",result=\"unknown\"", l,
				 sizeof(l)),
			    "portsnoop_events_total{action=\"connect\",result=\"unknown\","
			    "protocol=\"tcp\"} 1");
	assert_string_equal(line(t, "portsnoop_bind_failures_total", l, sizeof(l)),
			    "portsnoop_bind_failures_total{errno=\"EADDRINUSE\"} 1");
	assert_string_equal(line(t, "portsnoop_addr_in_use_total", l, sizeof(l)),
			    "portsnoop_addr_in_use_total{port=\"53\"} 1");
	assert_string_equal(line(t, "portsnoop_build_info", l, sizeof(l)),
			    "portsnoop_build_info{version=\"1.2.3\"} 1");
	sbuf__free(&b);
	metrics__free(m);
}

static void test_openmetrics_and_text_families(void **state)
{
	struct metrics *m = metrics__new("0.1.0");
	struct sbuf b = { 0 };
	const char *t;

	t = render(m, &b, true);
	assert_non_null(strstr(t, "# TYPE portsnoop_events counter\n"));
	assert_non_null(strstr(t, "# TYPE portsnoop_build info\n"));
	assert_int_equal(strcmp(t + strlen(t) - 6, "# EOF\n"), 0);
	t = render(m, &b, false);
	assert_non_null(strstr(t, "# TYPE portsnoop_events_total counter\n"));
	assert_non_null(strstr(t, "# TYPE portsnoop_build_info gauge\n"));
	assert_null(strstr(t, "# EOF"));
	sbuf__free(&b);
	metrics__free(m);
}

static void test_inuse_ports_bounded(void **state)
{
	struct metrics *m = metrics__new("0");
	struct sbuf b = { 0 };
	const char *t;
	char l[128];
	int n = 0;

	for (uint16_t p = 1000; p < 1000 + METRICS_INUSE_PORTS + 10; p++) {
		struct ps_event e = ev(PS_EV_LISTEN, EADDRINUSE, IPPROTO_TCP, p);

		metrics__event(m, &e);
	}
	t = render(m, &b, true);
	for (const char *p = t; (p = strstr(p, "portsnoop_addr_in_use_total{")); p++)
		n++;
	assert_int_equal(n, METRICS_INUSE_PORTS + 1);
	assert_string_equal(line(t, "portsnoop_addr_in_use_total{port=\"other\"", l, sizeof(l)),
			    "portsnoop_addr_in_use_total{port=\"other\"} 10");
	sbuf__free(&b);
	metrics__free(m);
}

static void test_connect_histogram(void **state)
{
	struct metrics *m = metrics__new("0");
	struct sbuf b = { 0 };
	struct ps_event fast = ev(PS_EV_CONNECT_RESULT, 0, IPPROTO_TCP, 0),
			slow = ev(PS_EV_CONNECT_RESULT, ETIMEDOUT, IPPROTO_TCP, 0);
	const char *t;
	char l[128];

	fast.duration_ns = 50000;		/* 50 us */
	slow.duration_ns = 2500000000ull;	/* 2.5 s */
	metrics__event(m, &fast);
	metrics__event(m, &slow);
	t = render(m, &b, true);
	assert_string_equal(line(t, "portsnoop_connect_duration_seconds_bucket{le=\"0.0001\"}", l,
				 sizeof(l)), "portsnoop_connect_duration_seconds_bucket{le=\"0.0001\"} 1");
	assert_string_equal(line(t, "portsnoop_connect_duration_seconds_bucket{le=\"1.0\"}", l,
				 sizeof(l)), "portsnoop_connect_duration_seconds_bucket{le=\"1.0\"} 1");
	assert_string_equal(line(t, "portsnoop_connect_duration_seconds_bucket{le=\"3.0\"}", l,
				 sizeof(l)), "portsnoop_connect_duration_seconds_bucket{le=\"3.0\"} 2");
	assert_string_equal(line(t, "portsnoop_connect_duration_seconds_sum", l, sizeof(l)),
			    "portsnoop_connect_duration_seconds_sum 2.500050000");
	assert_string_equal(line(t, "portsnoop_connect_outcomes_total{errno=\"ETIMEDOUT\"}", l,
				 sizeof(l)), "portsnoop_connect_outcomes_total{errno=\"ETIMEDOUT\"} 1");
	assert_string_equal(line(t, "portsnoop_connect_outcomes_total{errno=\"0\"}", l, sizeof(l)),
			    "portsnoop_connect_outcomes_total{errno=\"0\"} 1");
	sbuf__free(&b);
	metrics__free(m);
}

static void test_totals_and_unexpected(void **state)
{
	struct metrics *m = metrics__new("0");
	struct sbuf b = { 0 };
	const char *t;
	char l[128];

	metrics__totals(m, &(struct metrics_totals){ .lost = 7, .unwritten = 3 });
	metrics__unexpected(m);
	t = render(m, &b, true);
	assert_string_equal(line(t, "portsnoop_events_lost_total", l, sizeof(l)),
			    "portsnoop_events_lost_total 7");
	assert_string_equal(line(t, "portsnoop_lines_unwritten_total", l, sizeof(l)),
			    "portsnoop_lines_unwritten_total 3");
	assert_string_equal(line(t, "portsnoop_unexpected_listeners_total", l, sizeof(l)),
			    "portsnoop_unexpected_listeners_total 1");
	sbuf__free(&b);
	metrics__free(m);
}

static void test_label_escaping(void **state)
{
	struct sbuf b = { 0 };
	struct metrics *m = metrics__new("a\"b\\c\nd");
	char l[128];

	metrics__label(&b, "x\"y\\z\n");
	assert_string_equal(sbuf__str(&b), "x\\\"y\\\\z\\n");
	assert_string_equal(line(render(m, &b, true), "portsnoop_build_info", l, sizeof(l)),
			    "portsnoop_build_info{version=\"a\\\"b\\\\c\\nd\"} 1");
	sbuf__free(&b);
	metrics__free(m);
}

static enum httpreq_verdict parse(const char *s, struct httpreq *r)
{
	return httpreq__parse(s, strlen(s), r);
}

static void test_request_get_metrics(void **state)
{
	struct httpreq r;

	assert_int_equal(parse("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n", &r), HTTPREQ_METRICS);
	assert_false(r.openmetrics);
	assert_int_equal(parse("GET /metrics?x=1 HTTP/1.0\n\n", &r), HTTPREQ_METRICS);
	assert_int_equal(parse("GET /metrics HTTP/1.1\r\nACCEPT: application/OpenMetrics-text;"
			       "version=1.0.0,text/plain;q=0.5\r\n\r\n", &r), HTTPREQ_METRICS);
	assert_true(r.openmetrics);
	/* The header line is what counts, not the same words elsewhere. */
	assert_int_equal(parse("GET /metrics HTTP/1.1\r\nX: application/openmetrics-text\r\n\r\n",
			       &r), HTTPREQ_METRICS);
	assert_false(r.openmetrics);
}

static void test_request_refused(void **state)
{
	struct httpreq r;
	char big[HTTPREQ_MAX + 16];
	static const char nul[] = "GET /metrics HTTP/1.1\r\nA:\0\r\n\r\n";

	assert_int_equal(parse("GET /metrics HTTP/1.1\r\nHost: x\r\n", &r), HTTPREQ_MORE);
	assert_int_equal(parse("POST /metrics HTTP/1.1\r\n\r\n", &r), HTTPREQ_BAD_METHOD);
	assert_int_equal(parse("HEAD /metrics HTTP/1.1\r\n\r\n", &r), HTTPREQ_BAD_METHOD);
	assert_int_equal(parse("GET / HTTP/1.1\r\n\r\n", &r), HTTPREQ_NOT_FOUND);
	assert_int_equal(parse("GET /metricsx HTTP/1.1\r\n\r\n", &r), HTTPREQ_NOT_FOUND);
	assert_int_equal(parse("GET /metrics HTTP/2.0\r\n\r\n", &r), HTTPREQ_BAD);
	assert_int_equal(parse("GET /metrics\r\n\r\n", &r), HTTPREQ_BAD);
	assert_int_equal(parse("GET  HTTP/1.1\r\n\r\n", &r), HTTPREQ_BAD);
	assert_int_equal(parse("\r\n\r\n", &r), HTTPREQ_BAD);
	assert_int_equal(parse("GET /metrics HTTP/1.1\r\nno colon\r\n\r\n", &r), HTTPREQ_BAD);
	assert_int_equal(parse("GET /metrics HTTP/1.1\r\nA: b\x1b\r\n\r\n", &r), HTTPREQ_BAD);
	assert_int_equal(httpreq__parse(nul, sizeof(nul) - 1, &r), HTTPREQ_BAD);
	memset(big, 'a', sizeof(big));
	assert_int_equal(httpreq__parse(big, HTTPREQ_MAX, &r), HTTPREQ_TOO_LARGE);
	assert_int_equal(httpreq__parse(big, HTTPREQ_MAX - 1, &r), HTTPREQ_MORE);
	assert_string_equal(httpreq__status(HTTPREQ_TOO_LARGE),
			    "431 Request Header Fields Too Large");
	assert_string_equal(httpreq__status(HTTPREQ_BAD), "400 Bad Request");
}

static void test_listen_address(void **state)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
	socklen_t len;

	assert_int_equal(metrics_server__parse_addr("127.0.0.1:9464", &ss, &len), 0);
	assert_int_equal(a4->sin_family, AF_INET);
	assert_int_equal(ntohs(a4->sin_port), 9464);
	assert_int_equal(ntohl(a4->sin_addr.s_addr), 0x7f000001);
	assert_int_equal(metrics_server__parse_addr("[::1]:80", &ss, &len), 0);
	assert_int_equal(a6->sin6_family, AF_INET6);
	assert_int_equal(ntohs(a6->sin6_port), 80);
	assert_int_equal(a6->sin6_addr.s6_addr[15], 1);
	assert_int_equal(metrics_server__parse_addr(":9464", &ss, &len), 0);
	assert_int_equal(a4->sin_addr.s_addr, htonl(INADDR_ANY));
	assert_int_equal(metrics_server__parse_addr("127.0.0.1", &ss, &len), -EINVAL);
	assert_int_equal(metrics_server__parse_addr("127.0.0.1:0", &ss, &len), -EINVAL);
	assert_int_equal(metrics_server__parse_addr("127.0.0.1:65536", &ss, &len), -EINVAL);
	assert_int_equal(metrics_server__parse_addr("127.0.0.1:-1", &ss, &len), -EINVAL);
	assert_int_equal(metrics_server__parse_addr("::1:80", &ss, &len), -EINVAL);
	assert_int_equal(metrics_server__parse_addr("localhost:80", &ss, &len), -EINVAL);
}

UNIT_MAIN("metrics", NULL, NULL,
	  cmocka_unit_test(test_events_by_action_result_protocol),
	  cmocka_unit_test(test_openmetrics_and_text_families),
	  cmocka_unit_test(test_inuse_ports_bounded),
	  cmocka_unit_test(test_connect_histogram),
	  cmocka_unit_test(test_totals_and_unexpected),
	  cmocka_unit_test(test_label_escaping),
	  cmocka_unit_test(test_request_get_metrics),
	  cmocka_unit_test(test_request_refused),
	  cmocka_unit_test(test_listen_address))
