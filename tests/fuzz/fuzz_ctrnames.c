// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* libFuzzer: the container runtimes' state files (lib/jsonr.h and the
 * parsers of proc/ctrnames.h) and the port keepers' command lines. */
#include <stdint.h>
#include <string.h>
#include "lib/jsonr.h"
#include "proc/ctrnames.h"
#include "proc/keeper.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every value of v, walked as the parsers walk them. */
static void walk(const struct jsonr *v, int depth)
{
	struct jsonr e;
	size_t pos = 0;
	char out[64];

	if (depth > JSONR_MAX_DEPTH + 1)
		__builtin_trap();
	jsonr__string(v, out, sizeof(out));
	jsonr__member(v, "annotations", &e);
	while (jsonr__next(v, &pos, &e))
		walk(&e, depth + 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char id[] = "bbbb000000000000000000000000000000000000000000000000000000000002";
	const char *s = (const char *)data;
	struct ctr_names n;
	struct keeper k;
	struct jsonr v;

	if (!jsonr__parse(s, size, &v))
		walk(&v, 0);
	memset(&n, 0, sizeof(n));
	ctrnames__docker(s, size, &n);
	memset(&n, 0, sizeof(n));
	ctrnames__oci(s, size, &n);
	memset(&n, 0, sizeof(n));
	ctrnames__storage(s, size, id, &n);
	/* what is found is whole text: NUL-terminated within its field */
	if (memchr(n.name, 0, sizeof(n.name)) == NULL || memchr(n.image, 0, sizeof(n.image)) == NULL)
		__builtin_trap();
	keeper__parse(s, size, &k);
	if (!memchr(k.id, 0, sizeof(k.id)) || !memchr(k.to_ip, 0, sizeof(k.to_ip)) ||
	    !memchr(k.program, 0, sizeof(k.program)) || (k.id[0] && strlen(k.id) != 64))
		__builtin_trap();
	return 0;
}
