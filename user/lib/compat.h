/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* What older libc headers lack (glibc before 2.32 has no IPPROTO_MPTCP). */
#ifndef PS_LIB_COMPAT_H
#define PS_LIB_COMPAT_H

#include <netinet/in.h>

#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif

#endif
