// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "proc/caps.h"

#include <errno.h>
#include <linux/capability.h>
#include <sys/auxv.h>
#include <sys/prctl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static bool has(uint64_t set, int cap)
{
	return (set >> cap) & 1;
}

int caps__missing(uint64_t eff, char *buf, size_t bufsz)
{
	static const struct {
		int cap;
		const char *name;
	} needed[] = {
		{ CAPS_BPF, "CAP_BPF" },
		{ CAPS_PERFMON, "CAP_PERFMON" },
		{ CAPS_NET_ADMIN, "CAP_NET_ADMIN" },
	};
	size_t off = 0;
	int missing = 0;

	if (bufsz)
		buf[0] = '\0';
	for (size_t i = 0; i < sizeof(needed) / sizeof(needed[0]); i++) {
		int cap = needed[i].cap;

		if (has(eff, cap) || (cap != CAPS_NET_ADMIN && has(eff, CAPS_SYS_ADMIN)))
			continue;
		if (off < bufsz) {
			int n = snprintf(buf + off, bufsz - off, "%s%s", missing ? ", " : "",
					 needed[i].name);
			if (n > 0)
				off += (size_t)n;
		}
		missing++;
	}
	return missing;
}

uint64_t caps__effective(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];

	memset(data, 0, sizeof(data));
	if (syscall(SYS_capget, &hdr, data))
		return 0;
	return (uint64_t)data[0].effective | ((uint64_t)data[1].effective << 32);
}

int caps__btf(const char *custom, char *msg, size_t msgsz)
{
	const char *path = custom ? custom : CAPS_KERNEL_BTF;
	int err;

	if (!access(path, R_OK))
		return 0;
	err = -errno;
	if (custom)
		snprintf(msg, msgsz, "cannot read the BTF file %s: %s", custom, strerror(-err));
	else
		snprintf(msg, msgsz, "this kernel exposes no BTF (%s is missing): it needs "
			 "CONFIG_DEBUG_INFO_BTF=y, or name a BTF file with --btf", path);
	return err;
}

int caps__limit(uint64_t keep)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -errno;
	/* The bounding set first: dropping from it takes CAP_SETPCAP. */
	for (int cap = 0; cap < 64; cap++) {
		if ((keep >> cap) & 1)
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) && errno == EINVAL)
			break;	/* past the kernel's last capability */
	}
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) && errno != EINVAL)
		return -errno;
	memset(data, 0, sizeof(data));
	if (syscall(SYS_capget, &hdr, data))
		return -errno;
	for (int i = 0; i < 2; i++) {
		__u32 k = (__u32)(keep >> (32 * i));

		data[i].effective &= k;
		data[i].permitted &= k;
		data[i].inheritable = 0;
	}
	return syscall(SYS_capset, &hdr, data) ? -errno : 0;
}

int caps__privileged_exec(void)
{
	return getauxval(AT_SECURE) != 0 || getuid() != geteuid() || getgid() != getegid();
}
