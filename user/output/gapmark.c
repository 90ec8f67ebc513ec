// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "output/gapmark.h"

#include <string.h>
#include "output/json.h"
#include "output/names.h"
#include "lib/timefmt.h"

void gapmark__format(struct sbuf *b, const struct format_ctx *ctx, uint64_t n,
		     uint64_t total, int err)
{
	char t[112];
	struct jw w;

	if (ctx->mode != FORMAT_JSON) {
		/* The errno's name: the line stays within 80 columns. */
		sbuf__printf(b, "-- portsnoop: %llu line%s not written here (%s), %llu in "
			     "all --\n", (unsigned long long)n, n == 1 ? "" : "s",
			     names__errno(-err, t, sizeof(t)), (unsigned long long)total);
		return;
	}
	timefmt__rfc3339(timefmt__now(), t, sizeof(t));
	jw__begin(&w, b);
	jw__cstr(&w, "@timestamp", t);
	jw__cstr(&w, "event.kind", "metric");
	jw__cstr(&w, "event.action", "unwritten");
	if (ctx->host)
		jw__str(&w, "host.name", ctx->host, strlen(ctx->host));
	jw__cstr(&w, "error.code", names__errno(-err, t, sizeof(t)));
	jw__uint(&w, "portsnoop.unwritten", n);
	jw__uint(&w, "portsnoop.unwritten_total", total);
	jw__end(&w);
	sbuf__putc(b, '\n');
}
