/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The tool's version: --version, every JSON record, the packages (the
 * Makefile reads it from here). */
#ifndef PS_VERSION_H
#define PS_VERSION_H

#define PS_VERSION "0.1.0"

#endif
