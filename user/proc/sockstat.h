/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * How many sockets a network namespace has, by kind: /proc/net/sockstat
 * and sockstat6, and MPTCP's from /proc/net/protocols, whose counts are
 * the namespace's own (the kernel keeps them per namespace). Read from inside the namespace, they tell a
 * snapshot which sock_diag dumps can find nothing there: each dump walks
 * a table every namespace shares, whatever the namespace holds.
 */
#ifndef PS_SOCKSTAT_H
#define PS_SOCKSTAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sockstat {
	bool known4, known6;	/* sockstat, sockstat6 read */
	uint64_t used;		/* "sockets: used": every socket a process made */
	uint64_t tcp, tcp_tw;	/* TCP in a hash table (listening, connected
				 * ...), and in TIME-WAIT */
	uint64_t udp;		/* UDP sockets with a port */
	uint64_t tcp6, udp6;
	bool known_mptcp;	/* both MPTCP rows of protocols read */
	uint64_t mptcp, mptcp6;	/* MPTCP sockets hashed: listening, connected */
};

/*
 * Add what one file's text says (sockstat's or sockstat6's lines; len
 * bytes) to st, and mark that file known when its lines were there.
 */
void sockstat__parse(struct sockstat *st, const char *buf, size_t len);

/* MPTCP's counts from protocols' text (len bytes): the "sockets" column
 * of its rows "MPTCP" and "MPTCPv6". */
void sockstat__parse_protocols(struct sockstat *st, const char *buf, size_t len);

/* The counts of the namespace the caller is in now (proc_root: "/proc");
 * a file that cannot be read stays unknown. */
void sockstat__read(struct sockstat *st, const char *proc_root);

#endif
