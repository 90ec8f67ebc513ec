/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Following DNAT rules to this host's namespaces, for who and ls: the rules
 * (sockets/nat.h), and, looked up once when first needed, which namespace
 * has each target address (sockets/nsaddr.h). An address held by no
 * namespace here, or by more than one, is said and not followed: which one a
 * packet reaches is the routing's business, not ours to guess.
 */
#ifndef PS_NAT_FOLLOW_H
#define PS_NAT_FOLLOW_H

#include <stdbool.h>
#include <stddef.h>
#include "output/sbuf.h"
#include "sockets/nat.h"
#include "sockets/nsaddr.h"

struct nat_follow {
	struct nat_rules rules;
	struct nsaddr_table addrs;
	int addrs_rc;		/* 1: not collected yet; else 0 or -errno */
	char err[160];		/* why the rules could not be read */
};

/* Reads the rules. Returns 0, or -errno with the reason in f->err. */
int nat_follow__open(struct nat_follow *f);
/*
 * The one namespace r's target is in (1, *netns set), or 0 with what
 * stops it in why (" sends it to 203.0.113.9:80, an address no ...").
 */
int nat_follow__where(struct nat_follow *f, const struct natrule *r, uint16_t port,
		      uint32_t *netns, char *why, size_t whysz);
/* "DNAT rule ip nat PREROUTING (handle 5, xt)", names escaped. */
void nat_follow__rule_name(struct sbuf *b, const struct natrule *r);
void nat_follow__close(struct nat_follow *f);

#endif
