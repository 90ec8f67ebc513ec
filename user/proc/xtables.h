/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The iptables-legacy (x_tables) tables the calling process's network
 * namespace has (/proc/net/ip_tables_names, one name a line): asked before
 * reading one, since asking the kernel for a table that is not there would
 * load its module and make it.
 */
#ifndef PS_XTABLES_H
#define PS_XTABLES_H

/* Whether proc_root/net/ip_tables_names names table on a line of its own:
 * 1 it does, 0 it does not, or -errno when it cannot be read. */
int xtables__has_table(const char *proc_root, const char *table);

#endif
