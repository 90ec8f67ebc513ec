// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "history/logread.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

/* What one read asks for; the buffer starts at two and grows (to
 * LOGREAD_LINE_MAX + CHUNK) only for a line that does not fit: many logs
 * merged (a fleet's) cost little each. */
#define CHUNK (64 * 1024)

struct logread {
	gzFile *files;
	char **names;
	size_t nfiles, cur;
	char *buf;
	size_t cap;		/* of buf: 2 * CHUNK up to LOGREAD_LINE_MAX + CHUNK */
	size_t start, end;	/* unread bytes */
	bool skipping;		/* in a line too long to keep */
	struct logread_stats st;
};

struct logread *logread__open(char *const *paths, size_t n)
{
	struct logread *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->files = calloc(n ? n : 1, sizeof(*r->files));
	r->names = calloc(n ? n : 1, sizeof(*r->names));
	r->cap = 2 * CHUNK;
	r->buf = malloc(r->cap);
	if (!r->files || !r->names || !r->buf) {
		logread__free(r);
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		int fd = open(paths[i], O_RDONLY | O_CLOEXEC);
		gzFile gz = fd < 0 ? NULL : gzdopen(fd, "rb");

		if (!gz) {
			fprintf(stderr, "portsnoop: cannot read %s: %s\n", paths[i],
				strerror(fd < 0 ? errno : ENOMEM));
			if (fd >= 0)
				close(fd);
			r->st.read_errors++;
			continue;
		}
		gzbuffer(gz, CHUNK);
		r->names[r->nfiles] = strdup(paths[i]);
		r->files[r->nfiles++] = gz;
	}
	return r;
}

/* The file ended: what is left had no newline. */
static void next_file(struct logread *r)
{
	if (r->end > r->start || r->skipping)
		r->st.truncated++;
	r->start = r->end = 0;
	r->skipping = false;
	gzclose(r->files[r->cur]);
	r->files[r->cur++] = NULL;
}

/* More bytes from the current file after the unread ones: false at its end. */
static bool fill(struct logread *r)
{
	size_t room;
	int got;

	if (r->start) {
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->end -= r->start;
		r->start = 0;
	}
	if (r->cap - r->end < CHUNK && r->cap < LOGREAD_LINE_MAX + CHUNK) {
		size_t cap = r->cap * 2 < LOGREAD_LINE_MAX + CHUNK ? r->cap * 2
								   : LOGREAD_LINE_MAX + CHUNK;
		char *p = realloc(r->buf, cap);

		if (p) {
			r->buf = p;
			r->cap = cap;
		}
	}
	room = r->cap - r->end;
	if (room > CHUNK)
		room = CHUNK;
	if (!room) {
		/* Out of memory for a longer line: skip it as too long. */
		r->st.too_long += !r->skipping;
		r->skipping = true;
		r->start = r->end = 0;
		room = CHUNK;
	}
	got = gzread(r->files[r->cur], r->buf + r->end, (unsigned)room);
	if (got < 0) {
		int zerr;
		const char *msg = gzerror(r->files[r->cur], &zerr);

		fprintf(stderr, "portsnoop: %s: read stopped: %s\n", r->names[r->cur], msg);
		r->st.read_errors++;
		gzclearerr(r->files[r->cur]);
		return false;
	}
	r->end += (size_t)got;
	return got > 0;
}

int logread__next(struct logread *r, const char **line, size_t *len)
{
	while (r->cur < r->nfiles) {
		char *s = r->buf + r->start;
		char *nl = memchr(s, '\n', r->end - r->start);

		if (nl) {
			size_t n = (size_t)(nl - s);

			r->start += n + 1;
			if (r->skipping) {
				r->skipping = false;
				continue;
			}
			r->st.lines++;
			if (n && s[n - 1] == '\r')
				n--;
			*line = s;
			*len = n;
			return 1;
		}
		if (r->end - r->start >= LOGREAD_LINE_MAX) {
			/* Too long: drop what we have, skip to its newline. */
			if (!r->skipping)
				r->st.too_long++;
			r->skipping = true;
			r->start = r->end = 0;
		}
		if (!fill(r))
			next_file(r);
	}
	return 0;
}

const struct logread_stats *logread__stats(const struct logread *r)
{
	return &r->st;
}

const char *logread__file(const struct logread *r)
{
	return r->cur < r->nfiles ? r->names[r->cur] : r->nfiles ? r->names[r->nfiles - 1] : "";
}

void logread__free(struct logread *r)
{
	if (!r)
		return;
	for (size_t i = 0; r->files && i < r->nfiles; i++) {
		if (r->files[i])
			gzclose(r->files[i]);
		free(r->names[i]);
	}
	free(r->files);
	free(r->names);
	free(r->buf);
	free(r);
}
