// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "loader/libbpf_log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>

static bool verbose;
static char refused_prog[64];
static char refused_why[160];

/*
 * libbpf 1.x logs "prog 'NAME': -- BEGIN PROG LOAD LOG --" with the
 * verifier's log, then "prog 'NAME': failed to load: -ERR".
 */
void libbpf_log__note(const char *msg)
{
	const char *end, *line, *prog = strstr(msg, "prog '");
	char name[64];
	int err;

	if (prog && sscanf(prog, "prog '%63[^']': failed to load: %d", name, &err) == 2) {
		snprintf(refused_prog, sizeof(refused_prog), "%s", name);
		if (!refused_why[0])
			snprintf(refused_why, sizeof(refused_why), "%s", strerror(-err));
		return;
	}
	if (!strstr(msg, "-- BEGIN PROG LOAD LOG --"))
		return;
	/* The verifier's complaint is the line before its statistics. */
	end = strstr(msg, "\nprocessed ");
	if (!end)
		end = strstr(msg, "-- END PROG LOAD LOG --");
	if (!end)
		return;
	while (end > msg && end[-1] == '\n')
		end--;
	for (line = end; line > msg && line[-1] != '\n'; line--)
		;
	snprintf(refused_why, sizeof(refused_why), "%.*s", (int)(end - line), line);
}

static int print(enum libbpf_print_level level, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

static int print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	va_list again;
	char *msg;
	int n, rc;

	if (level == LIBBPF_DEBUG)
		return 0;
	/* A verifier log can be megabytes: its last lines are the ones wanted. */
	va_copy(again, ap);
	n = vsnprintf(NULL, 0, fmt, again);
	va_end(again);
	msg = n >= 0 ? malloc((size_t)n + 1) : NULL;
	if (!msg)
		return 0;
	vsnprintf(msg, (size_t)n + 1, fmt, ap);
	libbpf_log__note(msg);
	/* The verifier's log comes at WARN when a load fails; keep the user's
	 * terminal clean unless asked. */
	rc = verbose ? fputs(msg, stderr) : 0;
	free(msg);
	return rc;
}

void libbpf_log__setup(bool v)
{
	verbose = v;
	libbpf_set_print(print);
}

void libbpf_log__forget(void)
{
	refused_prog[0] = refused_why[0] = '\0';
}

const char *libbpf_log__refused(const char **why)
{
	*why = refused_why[0] ? refused_why : NULL;
	return refused_prog[0] ? refused_prog : NULL;
}
