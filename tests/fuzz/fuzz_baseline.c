// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* libFuzzer: a baseline file (--expect, check), both forms. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "expect/baseline.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct baseline *b = NULL;
	char err[512];
	char *copy = malloc(size ? size : 1);	/* exactly size: ASan sees any read past it */
	int rc;

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	err[0] = '\0';
	rc = baseline__parse("fuzz", copy, size, &b, err, sizeof(err));
	/* Refused: one line that says so. Read: every entry is usable. */
	if (rc && (!err[0] || strchr(err, '\n')))
		abort();
	if (!rc) {
		struct expect_key k = { .proto = 6, .port = 22, .scope = SCOPE_ANY, .comm = "x" };

		if (!baseline__count(b))
			abort();
		for (size_t i = 0; i < baseline__count(b); i++) {
			const struct expect_key *e = baseline__entry(b, i);

			if (!e->port || e->scope > SCOPE_ANY)
				abort();
		}
		baseline__match(b, &k, NULL);
		baseline__free(b);
	}
	free(copy);
	return 0;
}
