// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Reads the request of the metrics endpoint: the request line, then header
 * lines up to a blank one; every byte checked, nothing past len read. */
#include "metrics/httpreq.h"

#include <string.h>
#include <strings.h>

#define PATH "/metrics"
#define OPENMETRICS "application/openmetrics-text"

/* The end of the header block (just past its blank line), or 0. CRLF is
 * the rule; a bare LF is accepted as most servers do. */
static size_t head_end(const char *buf, size_t len)
{
	for (size_t i = 0; i + 1 < len; i++) {
		if (buf[i] != '\n')
			continue;
		if (buf[i + 1] == '\n')
			return i + 2;
		if (buf[i + 1] == '\r' && i + 2 < len && buf[i + 2] == '\n')
			return i + 3;
	}
	return 0;
}

/* One line [p, end) without its CR LF; its length. */
static size_t line_len(const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	size_t n = (size_t)((nl ? nl : end) - p);

	return n && p[n - 1] == '\r' ? n - 1 : n;
}

static const char *next_line(const char *p, const char *stop)
{
	return (const char *)memchr(p, '\n', (size_t)(stop - p)) + 1;
}

static bool printable(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (((unsigned char)p[i] < 0x20 && p[i] != '\t') || p[i] == 0x7f)
			return false;
	return true;
}

static bool has_prefix(const char *p, size_t n, const char *pre)
{
	size_t l = strlen(pre);

	return n >= l && !memcmp(p, pre, l);
}

/* "METHOD SP TARGET SP HTTP/1.x" */
static enum httpreq_verdict request_line(const char *p, size_t n)
{
	const char *sp1 = memchr(p, ' ', n), *sp2;
	size_t tlen;

	if (!sp1 || !printable(p, n))
		return HTTPREQ_BAD;
	sp2 = memchr(sp1 + 1, ' ', n - (size_t)(sp1 + 1 - p));
	if (!sp2 || sp2 == sp1 + 1)
		return HTTPREQ_BAD;
	if ((size_t)(p + n - (sp2 + 1)) != 8 || !has_prefix(sp2 + 1, 8, "HTTP/1.") ||
	    (sp2[8] != '0' && sp2[8] != '1'))
		return HTTPREQ_BAD;
	if (sp1 - p != 3 || memcmp(p, "GET", 3))
		return HTTPREQ_BAD_METHOD;
	tlen = (size_t)(sp2 - (sp1 + 1));
	if (tlen == strlen(PATH) || (tlen > strlen(PATH) && sp1[1 + strlen(PATH)] == '?'))
		if (has_prefix(sp1 + 1, tlen, PATH))
			return HTTPREQ_METRICS;
	return HTTPREQ_NOT_FOUND;
}

/* Case-insensitive search of a header value, bounded by n. */
static bool value_has(const char *p, size_t n, const char *needle)
{
	size_t l = strlen(needle);

	for (size_t i = 0; i + l <= n; i++)
		if (!strncasecmp(p + i, needle, l))
			return true;
	return false;
}

static bool header(const char *p, size_t n, struct httpreq *r)
{
	const char *colon = memchr(p, ':', n);

	if (!colon || colon == p || !printable(p, n) || memchr(p, ' ', (size_t)(colon - p)))
		return false;
	if (colon - p == 6 && !strncasecmp(p, "accept", 6))
		r->openmetrics |= value_has(colon + 1, n - (size_t)(colon + 1 - p), OPENMETRICS);
	return true;
}

enum httpreq_verdict httpreq__parse(const char *buf, size_t len, struct httpreq *r)
{
	size_t end = head_end(buf, len), n;
	const char *p = buf, *stop = buf + end;
	enum httpreq_verdict v;

	*r = (struct httpreq){ 0 };
	if (!end)
		return len >= HTTPREQ_MAX ? HTTPREQ_TOO_LARGE : HTTPREQ_MORE;
	if (end > HTTPREQ_MAX)
		return HTTPREQ_TOO_LARGE;
	n = line_len(p, stop);
	v = request_line(p, n);
	if (v == HTTPREQ_BAD)
		return v;
	/* Every line up to stop ends in '\n': the block's last byte is one. */
	for (p = next_line(p, stop); p < stop; p = next_line(p, stop)) {
		n = line_len(p, stop);
		if (!n)
			break;		/* the blank line */
		if (!header(p, n, r))
			return HTTPREQ_BAD;
	}
	return v;
}

const char *httpreq__status(enum httpreq_verdict v)
{
	switch (v) {
	case HTTPREQ_METRICS:
		return "200 OK";
	case HTTPREQ_NOT_FOUND:
		return "404 Not Found";
	case HTTPREQ_BAD_METHOD:
		return "405 Method Not Allowed";
	case HTTPREQ_TOO_LARGE:
		return "431 Request Header Fields Too Large";
	case HTTPREQ_MORE:
	case HTTPREQ_BAD:
		break;
	}
	return "400 Bad Request";
}
