/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * `portsnoop history` and `portsnoop who PORT --at T`: questions asked of
 * portsnoop's own JSON Lines logs rather than of the running system
 * (docs/history.md). They take their own options; main() hands them argv.
 */
#ifndef PS_HISTORY_H
#define PS_HISTORY_H

#include <stdbool.h>

/* Is this command line one of ours (`history ...`, `who ... --at T`)? */
bool history__wants(int argc, char **argv);
/* Run it; the exit status. */
int history__main(int argc, char **argv);

#endif
