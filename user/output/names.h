/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Names for numbers: errnos, protocols, families, record kinds, addresses. */
#ifndef PS_NAMES_H
#define PS_NAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* "EADDRINUSE"; an errno the C library does not know is "E<n>" in buf. */
const char *names__errno(int err, char *buf, size_t bufsz);
/* "tcp", "udp", "mptcp", "sctp", "udplite", "raw", else the number in buf. */
const char *names__proto(unsigned int proto, char *buf, size_t bufsz);
/* "ipv4" / "ipv6" / NULL */
const char *names__family(unsigned int family);
/* "bind", "listen", "connect", "outcome", "close" / NULL */
const char *names__kind(unsigned int kind);
/* A socket's state in a word: "listening", "bound", "established",
 * "syn-sent", "close-wait", ... (TCP and MPTCP, by the kernel's state
 * number); UDP "connected" or "bound"; "unknown". */
const char *names__sock_state(unsigned int proto, unsigned int state, bool connected);

#define NAMES_ADDR_LEN 64	/* "[" INET6_ADDRSTRLEN "]:65535" and then some */

/* "192.0.2.1" or "2001:db8::1" (IPv4-mapped stays "::ffff:192.0.2.1"). */
const char *names__addr(unsigned int family, const uint8_t addr[16],
			char *buf, size_t bufsz);
/* "192.0.2.1:80" or "[2001:db8::1]:80". */
const char *names__endpoint(unsigned int family, const uint8_t addr[16],
			    unsigned int port, char *buf, size_t bufsz);

#endif
