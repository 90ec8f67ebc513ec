// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libFuzzer: iptables-legacy entry blobs, as a kernel could hand them out or
 * anyone could forge them. The first byte picks the valid hooks, the next
 * ten their entries' offsets; the rest is the blob, copied to exactly its
 * size and aligned as the kernel's, so any read past it is caught.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "sockets/natlegacy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned int hook[NATLEGACY_HOOKS];
	struct nat_rules rules = { 0 };
	uint64_t *blob;
	size_t n;

	if (size < 11)
		return 0;
	for (int k = 0; k < NATLEGACY_HOOKS; k++)
		hook[k] = (unsigned int)(data[1 + 2 * k] | data[2 + 2 * k] << 8);
	n = size - 11;
	blob = malloc(n ? n : 1);
	if (!blob)
		return 0;
	memcpy(blob, data + 11, n);
	natlegacy__parse(blob, n, data[0], hook, &rules);
	for (size_t i = 0; i < rules.n; i++)
		if (rules.v[i].note && rules.v[i].to_family)
			abort();	/* a rule with a note must lead nowhere */
	free(rules.v);
	free(blob);
	return 0;
}
