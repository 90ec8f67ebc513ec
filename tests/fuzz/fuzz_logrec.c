// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* libFuzzer: a line of a log read back by history and who --at (a log is
 * untrusted input), the replay it feeds and what is printed of it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "history/out.h"
#include "history/logrec.h"
#include "history/replay.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void no_controls(const struct sbuf *b, bool newline_ok)
{
	for (size_t i = 0; i < b->len; i++)
		if (((unsigned char)b->p[i] < 0x20 && !(newline_ok && b->p[i] == '\n')) ||
		    b->p[i] == 0x7f)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *line = (const char *)data;
	char *scratch = malloc(size + 1), *again = NULL, *t;
	struct sbuf json = { 0 }, out = { 0 };
	struct history_out ho = { .json = false };
	struct replay rp = { 0 };
	struct logrec r, r2;
	int64_t ns;

	if (!scratch)
		return 0;
	if (!logrec__parse(line, size, &r, scratch, &json)) {
		/* What -j prints parses again, to the same fields, and has no
		 * raw control character. */
		no_controls(&json, false);
		again = malloc(json.len + 1);
		if (!again || logrec__parse(json.p, json.len, &r2, again, NULL))
			abort();
		if (r2.pid != r.pid || r2.server_port != r.server_port || r2.ts_ns != r.ts_ns ||
		    r2.cookie != r.cookie || r2.has_ts != r.has_ts)
			abort();
		history__record(&out, &ho, &r, NULL, 0);
		no_controls(&out, true);
		if (out.len && memchr(out.p, '\n', out.len - 1))
			abort();	/* one row per record */
		replay__apply(&rp, &r);
		for (size_t i = 0; i < rp.n; i++) {
			struct holds_query q = { .port = rp.socks[i].d.lport };

			if (!replay__holds(&rp, i, &q) && holds__state(&rp.socks[i].d))
				abort();
			sbuf__reset(&out);
			history__holder(&out, &ho, &rp.socks[i], r.ts_ns);
			no_controls(&out, true);
		}
	}
	t = strndup(line, size);
	if (t)
		logrec__time(t, 0, &ns);
	free(t);
	replay__free(&rp);
	sbuf__free(&json);
	sbuf__free(&out);
	free(again);
	free(scratch);
	return 0;
}
