/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The one HTTP request the metrics endpoint answers: GET /metrics. A pure
 * function over the bytes read so far, so it is unit-tested and fuzzed. */
#ifndef PS_HTTPREQ_H
#define PS_HTTPREQ_H

#include <stdbool.h>
#include <stddef.h>

/* The largest request read; one larger is refused (431). */
#define HTTPREQ_MAX 2048

enum httpreq_verdict {
	HTTPREQ_MORE,		/* no blank line yet: read on */
	HTTPREQ_METRICS,	/* GET /metrics: serve it */
	HTTPREQ_NOT_FOUND,	/* another path (404) */
	HTTPREQ_BAD_METHOD,	/* not GET (405) */
	HTTPREQ_TOO_LARGE,	/* HTTPREQ_MAX bytes and no end (431) */
	HTTPREQ_BAD,		/* not an HTTP/1.x request (400) */
};

struct httpreq {
	bool openmetrics;	/* Accept names application/openmetrics-text */
};

enum httpreq_verdict httpreq__parse(const char *buf, size_t len, struct httpreq *r);
/* The status line and reason for a verdict other than MORE. */
const char *httpreq__status(enum httpreq_verdict v);

#endif
