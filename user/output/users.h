/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * uid -> user name from a passwd file, read by us (no NSS modules, which
 * could block the event loop on a network directory). Reloaded when the
 * file changes.
 */
#ifndef PS_USERS_H
#define PS_USERS_H

#include <stddef.h>
#include <stdint.h>

struct users;

struct users *users__new(const char *passwd_path);
/* The name for uid, or NULL when the file has none. */
const char *users__name(struct users *u, uint32_t uid);
/* The uid of a user name (the first entry of that name), or -ENOENT. */
int users__uid(struct users *u, const char *name, uint32_t *uid);
/* Parse passwd text into u (replacing what it had); a seam for tests. */
int users__parse(struct users *u, const char *buf, size_t len);
void users__free(struct users *u);

#endif
