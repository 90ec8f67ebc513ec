/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Into a network namespace and back, for a sock_diag socket there; which
 * namespaces there are is proc/nspaths.h's.
 */
#ifndef PS_NETNS_H
#define PS_NETNS_H

#include "proc/nspaths.h"
#include "proc/sockstat.h"

/*
 * A sock_diag socket inside the namespace at path, entered and left again
 * through the fd `home`, and (counts not NULL) how many sockets of each
 * kind the namespace has (proc/sockstat.h). Returns the socket, or -errno.
 */
int netns__diag_socket(const char *path, int home, struct sockstat *counts);
/* The same for a namespace fd (an nsfs file: SIOCGSKNS's, /proc/PID/ns/net). */
int netns__diag_socket_fd(int nsfd, int home, struct sockstat *counts);

#endif
