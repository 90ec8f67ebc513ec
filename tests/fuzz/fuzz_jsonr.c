// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* libFuzzer: the one JSON reader (lib/jsonr.h) every caller uses: what it
 * accepts, it hands out whole; what it refuses, it says why. */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include "lib/jsonr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every value of v, stepped into as the runtimes' parsers step. */
static void descend(const struct jsonr *v, int depth)
{
	struct jsonr e;
	size_t pos = 0;
	char out[64];

	if (depth > JSONR_MAX_DEPTH + 1)
		__builtin_trap();
	jsonr__string(v, out, sizeof(out));
	jsonr__member(v, "annotations", &e);
	while (jsonr__next(v, &pos, &e))
		descend(&e, depth + 1);
}

struct seen {
	const char *buf;
	size_t len;
	int open;	/* objects and arrays entered, not yet left */
	int deepest;
};

/* Every step as the baseline and the log reader take them. */
static int step(void *ctx, const struct jsonr_step *st)
{
	struct seen *s = ctx;
	const struct jsonr *v = st->v;
	char out[256];
	uint64_t u;
	int n;

	if (v->p < s->buf || v->p + v->n > s->buf + s->len || !v->n)
		__builtin_trap();	/* a slice outside the text */
	if (st->path && (st->in_array || strlen(st->path) >= JSONR_MAX_PATH))
		__builtin_trap();
	if (v->type == JSONR_OBJECT || v->type == JSONR_ARRAY) {
		s->open += st->leave ? -1 : 1;
		if (s->open > s->deepest)
			s->deepest = s->open;
	}
	n = jsonr__decode(v, out, sizeof(out), true);
	if (v->type == JSONR_STRING && n == -EINVAL)
		__builtin_trap();
	if (n >= 0 && ((size_t)n > v->n - 2 || out[n]))
		__builtin_trap();	/* longer than its text, or not terminated */
	jsonr__decode(v, out, sizeof(out), false);
	if (!jsonr__u64(v, &u) && v->type != JSONR_NUMBER)
		__builtin_trap();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	int depth = size ? data[0] % (JSONR_MAX_DEPTH + 1) : 0;
	struct seen s = { buf, size, 0, 0 };
	const char *why = NULL;
	struct jsonr v;
	int rc;

	if (!jsonr__parse(buf, size, &v))
		descend(&v, 0);
	rc = jsonr__check(buf, size, depth, &v, &why);
	if (rc && (!why || (rc != -EINVAL && rc != -ELOOP)))
		__builtin_trap();	/* a refusal says why */
	if (!rc) {
		if (jsonr__walk(&v, step, &s) || s.open || s.deepest > depth)
			__builtin_trap();
	}
	return 0;
}
