// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* libFuzzer: sock_diag replies as the kernel (or anyone) could send them. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "sockets/diag.h"

static int count(void *ctx, const struct diag_sock *s)
{
	(*(size_t *)ctx) += s->lport;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Aligned like a recv() buffer. */
	uint32_t *buf = malloc(size + 4);
	size_t n = 0;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	diag__parse(buf, size, 6, count, &n);
	free(buf);
	return 0;
}
