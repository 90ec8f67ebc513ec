/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * What a DNAT rule does, read from its decoded expressions: the pure half of
 * nat.h (no netlink, no library), so unit tests and the fuzzer need no root.
 *
 * A rule is followed when it matches one transport protocol and one
 * destination port (or a range) and ends in a dnat to one address, with or
 * without a port. nft writes that as native expressions (meta l4proto, a
 * payload load of the transport header's bytes 2-3, cmp, immediate, nat);
 * iptables-nft writes the same match natively but its DNAT as an xtables
 * `target` expression carrying the kernel's nf_nat range struct (revision 0/1:
 * IPv4 multi-range; 1: nf_nat_range; 2: nf_nat_range2), and an older `-m tcp`
 * as a `match` expression with struct xt_tcp. Anything else in a rule that
 * has a dnat (a set or map lookup, a register from elsewhere) is not guessed
 * at: the rule is kept with a note saying why it cannot be followed.
 */
#ifndef PS_NATRULE_H
#define PS_NATRULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum natx_kind {
	NATX_OTHER,	/* any expression we do not read: name only */
	NATX_META,	/* meta load: key, dreg */
	NATX_PAYLOAD,	/* payload load: base, offset, len, dreg */
	NATX_CMP,	/* cmp: sreg, op, data */
	NATX_RANGE,	/* range: sreg, op, data (from), data2 (to) */
	NATX_IMMEDIATE,	/* immediate: dreg, data (no verdict) */
	NATX_NAT,	/* nat: type, family, reg_addr_min/max, reg_proto_min/max */
	NATX_TARGET,	/* xtables target: name, rev, info */
	NATX_MATCH,	/* xtables match: name, rev, info */
	NATX_LOOKUP,	/* set lookup: sreg (a set or map we do not read) */
};

/* An expression's dreg when it may have written any register. */
#define NATX_ALL_REGS 0xffffffffu

/* One decoded expression; what a kind does not use stays 0. */
struct natx {
	enum natx_kind kind;
	char name[32];		/* the expression's (or xtables extension's) name */
	uint32_t key, base, offset, len, op, type, family, rev;
	uint32_t sreg, dreg;	/* 0 when absent */
	uint32_t reg_addr_min, reg_addr_max, reg_proto_min, reg_proto_max;
	uint8_t data[16], data2[16];
	uint32_t data_len, data2_len;
	const uint8_t *info;	/* target/match info blob */
	size_t info_len;
};

/* Where a rule sits: "ip", "ip6", "inet"; a table and a chain. */
struct natrule_where {
	const char *family, *table, *chain;
	uint64_t handle;
};

struct natrule {
	char family[8], table[64], chain[64];	/* names as the kernel has them */
	uint64_t handle;
	const char *how;	/* "nft" (native nat) or "xt" (xtables target) */
	uint8_t proto;		/* IPPROTO_TCP / _UDP; 0 any */
	uint16_t port_lo, port_hi;	/* host order; 0: any port */
	uint8_t to_family;	/* AF_INET / AF_INET6; 0: not followed */
	uint8_t to_addr[16];
	uint16_t to_port;	/* host order; 0: the packet's own port */
	const char *note;	/* why it cannot be followed, or NULL */
};

/*
 * Reads one rule's expressions. Returns 1 and fills r when the rule has a
 * dnat (r->note set when it cannot be followed), 0 when it has none.
 * Never reads past n expressions or an info blob's info_len.
 */
int natrule__parse(const struct natrule_where *w, const struct natx *x, size_t n,
		   struct natrule *r);

/* Does rule r send TCP/UDP port `port` somewhere (proto 0: either)? */
bool natrule__matches(const struct natrule *r, uint8_t proto, uint16_t port);

/* The port a packet for `port` leaves r with. */
uint16_t natrule__to_port(const struct natrule *r, uint16_t port);

struct diag_sock;
/* Does socket s take what r sends to to_port: a listener (a bound UDP
 * socket) on r's target address or a wildcard covering it (holds.h)? */
bool natrule__reaches(const struct natrule *r, uint16_t to_port, const struct diag_sock *s);

#endif
