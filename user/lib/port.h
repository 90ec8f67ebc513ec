/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* A port number as a user or a file writes it. */
#ifndef PS_LIB_PORT_H
#define PS_LIB_PORT_H

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

/* s, decimal digits only, from 1 to 65535: 0 with *port (host order), or
 * -EINVAL. */
static inline int port__parse(const char *s, uint16_t *port)
{
	char *end;
	unsigned long v;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < 1 || v > 65535)
		return -EINVAL;
	*port = (uint16_t)v;
	return 0;
}

#endif
