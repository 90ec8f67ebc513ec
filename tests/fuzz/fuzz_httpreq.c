// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* libFuzzer: the request the metrics endpoint reads from anyone who connects. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "metrics/httpreq.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct httpreq r;
	enum httpreq_verdict v;
	char *copy;

	/* The server never hands over more than it buffers. */
	if (size > HTTPREQ_MAX)
		size = HTTPREQ_MAX;
	copy = malloc(size ? size : 1);	/* exactly size: ASan sees any read past it */
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	v = httpreq__parse(copy, size, &r);
	/* Only a request that begins "GET /metrics" is ever served. */
	if (v == HTTPREQ_METRICS && (size < 13 || memcmp(copy, "GET /metrics", 12)))
		abort();
	if (v == HTTPREQ_MORE && size >= HTTPREQ_MAX)
		abort();
	free(copy);
	return 0;
}
