/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Expected listeners (--expect FILE, portsnoop check FILE). A baseline is
 * what `portsnoop ls --json` prints, or lines of a smaller form written by
 * hand, or both:
 *
 *   # PROTO  ADDRESS:PORT     WHO...
 *   tcp      any:22           exe=/usr/sbin/sshd
 *   udp      loopback:53      unit=systemd-resolved.service
 *   tcp      10.0.0.5:443     image=nginx:1.27
 *   tcp      [::1]:631        comm=cupsd
 *   tcp      any:8080         *
 *
 * A listener is matched by what survives a restart, never by pid: the
 * protocol, the port, the address scope (loopback < a host address < any:
 * an entry allows its scope and narrower ones, so widening is unexpected),
 * and every identity the entry names (executable, systemd unit, container
 * image, process name; none: any process).
 */
#ifndef PS_BASELINE_H
#define PS_BASELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What a baseline file may hold at most: more is refused, not cut. */
#define BASELINE_MAX_BYTES (16u << 20)
#define BASELINE_MAX_LINE 65536
#define BASELINE_MAX_ENTRIES 100000

enum expect_scope { SCOPE_LOOPBACK = 0, SCOPE_HOST = 1, SCOPE_ANY = 2 };

/* A listener: from an entry of the file, from an event, or from a socket. */
struct expect_key {
	const char *exe, *unit, *image, *comm;	/* NULL: not known / not named */
	uint16_t proto;				/* IPPROTO_TCP, _UDP, _MPTCP */
	uint16_t port;
	enum expect_scope scope;
};

struct baseline;

/* Read path: 0, or -errno with one line (no newline) in err naming the file
 * and, for bad content, its line and what is wrong there. */
int baseline__load(const char *path, struct baseline **out, char *err, size_t errsz);
/* The same over text in memory (name is what err calls it). */
int baseline__parse(const char *name, const char *text, size_t len, struct baseline **out,
		    char *err, size_t errsz);
void baseline__free(struct baseline *b);

size_t baseline__count(const struct baseline *b);
const struct expect_key *baseline__entry(const struct baseline *b, size_t i);
/* Whether k is expected; when matched is not NULL, each matching entry's
 * flag is set (check: what is missing is what no listener matched). */
bool baseline__match(const struct baseline *b, const struct expect_key *k, bool *matched);

/* The scope of a local address (family AF_INET/AF_INET6, network order). */
enum expect_scope baseline__scope(unsigned int family, const uint8_t addr[16]);
const char *baseline__scope_name(enum expect_scope s);

#endif
