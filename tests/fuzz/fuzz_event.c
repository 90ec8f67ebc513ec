// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* libFuzzer: ring buffer records, decoded and rendered in every format. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "kernel/event.h"
#include "output/format.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum format_mode modes[] = { FORMAT_TABLE, FORMAT_JSON, FORMAT_SYSLOG,
						  FORMAT_JOURNAL };
	struct ps_owner holders[2] = { { .pid = 1, .comm = "a\"b" }, { .pid = 2 } };
	uint64_t *buf = malloc(size + 8);
	struct event_view v;
	struct sbuf b = { 0 };

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	if (!event__decode(buf, size, &v)) {
		struct format_input in = { .ev = &v.ev, .argv = v.argv, .argv_len = v.argv_len,
					   .holders = holders, .nholders = size & 1 ? 2 : 0 };

		for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
			struct format_ctx ctx = { .mode = modes[i], .host = "h", .boot_id = "b" };

			sbuf__reset(&b);
			format__event(&b, &ctx, &in);
			/* One record, one line: no newline but the last (journal
			 * entries are NAME=value lines instead). */
			if (modes[i] != FORMAT_JOURNAL && !b.oom &&
			    memchr(b.p, '\n', b.len) != b.p + b.len - 1)
				abort();
		}
	}
	sbuf__free(&b);
	free(buf);
	return 0;
}
