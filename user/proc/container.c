// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "proc/container.h"

#include <stdbool.h>
#include <string.h>

static bool hex64(const char *s, size_t n)
{
	if (n != 64)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return false;
	}
	return true;
}

static bool ends_with(const char *s, size_t n, const char *suffix)
{
	size_t k = strlen(suffix);

	return n >= k && !memcmp(s + n - k, suffix, k);
}

/* A pod UID as the kubelet writes it: 8-4-4-4-12 lower hex, with '-' or
 * (systemd driver, where '-' separates slice levels) '_' between groups. */
static bool pod_uid(const char *s, size_t n, char out[37])
{
	char uid[37];

	if (n != 36)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? c != '-' && c != '_'
			 : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return false;
		uid[i] = dash ? '-' : c;
	}
	uid[n] = '\0';
	memcpy(out, uid, sizeof(uid));
	return true;
}

/* "kubepods-burstable-pod<uid>.slice" or "pod<uid>": the pod's UID. */
static void pod_component(const char *s, size_t n, struct container *out)
{
	if (n > 8 && !memcmp(s, "kubepods", 8) && ends_with(s, n, ".slice")) {
		size_t k = n - 6;	/* without ".slice" */

		for (size_t i = k - 3; i-- > 0;)	/* the last "-pod" */
			if (!memcmp(s + i, "-pod", 4)) {
				pod_uid(s + i + 4, k - i - 4, out->pod_uid);
				return;
			}
	} else if (n > 3 && !memcmp(s, "pod", 3)) {
		pod_uid(s + 3, n - 3, out->pod_uid);
	}
}

/* One path component: is it a container, a unit, or neither? */
static void component(const char *s, size_t n, const char *parent, size_t plen,
		      struct container *out)
{
	static const struct {
		const char *prefix;
		const char *runtime;
	} scopes[] = {
		{ "docker-", "docker" },
		{ "cri-containerd-", "containerd" },
		{ "crio-", "cri-o" },
		{ "libpod-", "podman" },
	};
	size_t core = n;

	pod_component(s, n, out);
	if (ends_with(s, n, ".scope"))
		core = n - 6;
	for (size_t i = 0; i < sizeof(scopes) / sizeof(scopes[0]); i++) {
		size_t k = strlen(scopes[i].prefix);

		if (core > k && !memcmp(s, scopes[i].prefix, k) && hex64(s + k, core - k)) {
			out->runtime = scopes[i].runtime;
			memcpy(out->id, s + k, 64);
			out->id[64] = '\0';
			return;
		}
	}
	/* cgroupfs drivers: /docker/<id>; under /kubepods/.../pod<uid>/<id> the
	 * runtime is not in the path, so none is claimed. */
	if (hex64(s, n)) {
		out->runtime = plen == 6 && !memcmp(parent, "docker", 6) ? "docker" : NULL;
		memcpy(out->id, s, 64);
		out->id[64] = '\0';
		return;
	}
	if ((ends_with(s, n, ".service") || ends_with(s, n, ".scope")) &&
	    n < sizeof(out->unit)) {
		memcpy(out->unit, s, n);
		out->unit[n] = '\0';
	}
}

void container__classify(const char *path, struct container *out)
{
	const char *parent = "";
	size_t plen = 0;

	memset(out, 0, sizeof(*out));
	for (const char *p = path; *p;) {
		const char *slash;
		size_t n;

		while (*p == '/')
			p++;
		if (!*p)
			break;
		slash = strchr(p, '/');
		n = slash ? (size_t)(slash - p) : strlen(p);
		component(p, n, parent, plen, out);
		parent = p;
		plen = n;
		p += n;
	}
}
