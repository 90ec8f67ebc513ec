/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Reading portsnoop's logs back, line by line, in bounded memory: one
 * stream is a log and its rotated files (events.json.3.gz, .2.gz, .1,
 * events.json: oldest first), plain or gzip'd (zlib reads both). Every
 * file of a stream is opened when the stream is made, so a rotation while
 * it is read renames what is open and changes nothing read.
 */
#ifndef PS_LOGREAD_H
#define PS_LOGREAD_H

#include <stddef.h>
#include <stdint.h>

/* Longer lines are skipped (and counted): portsnoop's own are far shorter. */
#define LOGREAD_LINE_MAX (256 * 1024)

struct logread;

struct logread_stats {
	uint64_t lines;
	uint64_t too_long;	/* longer than LOGREAD_LINE_MAX: skipped */
	uint64_t truncated;	/* a file's last line without its newline: skipped */
	uint64_t read_errors;	/* a file that could not be read to its end */
};

/* Open paths[0..n) (oldest first) as one stream; a file that cannot be
 * opened is said on stderr and left out. NULL: out of memory. */
struct logread *logread__open(char *const *paths, size_t n);
/* The next complete line, without its newline: 1, or 0 at the end. The
 * line stays valid until the next call. */
int logread__next(struct logread *r, const char **line, size_t *len);
const struct logread_stats *logread__stats(const struct logread *r);
/* The file being read, for messages. */
const char *logread__file(const struct logread *r);
void logread__free(struct logread *r);

#endif
