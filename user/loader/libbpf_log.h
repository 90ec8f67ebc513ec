/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * libbpf's messages: on stderr with --verbose only; and, whatever the
 * verbosity, the name of a program libbpf could not load and the
 * verifier's complaint about it, so that the loader moves that program's
 * hook down and says why.
 */
#ifndef PS_LIBBPF_LOG_H
#define PS_LIBBPF_LOG_H

#include <stdbool.h>

void libbpf_log__setup(bool verbose);
/* Before a load: forget the last refusal. */
void libbpf_log__forget(void);
/* The program libbpf last said it could not load, or NULL; *why the
 * verifier's last words about it (or NULL). */
const char *libbpf_log__refused(const char **why);
/* One message as libbpf formats it (exposed for the unit test). */
void libbpf_log__note(const char *msg);

#endif
