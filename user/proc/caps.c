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

int caps__missing(uint64_t eff, int last_cap, char *buf, size_t bufsz)
{
	static const struct {
		int cap;
		const char *name;
	} needed[] = {
		{ CAPS_BPF, "CAP_BPF" },
		{ CAPS_PERFMON, "CAP_PERFMON" },
		{ CAPS_NET_ADMIN, "CAP_NET_ADMIN" },
		{ CAPS_SYS_ADMIN, "CAP_SYS_ADMIN" },
		{ CAPS_SYS_PTRACE, "CAP_SYS_PTRACE" },
		{ CAPS_DAC_READ_SEARCH, "CAP_DAC_READ_SEARCH" },
	};
	size_t off = 0;
	int missing = 0;

	if (bufsz)
		buf[0] = '\0';
	for (size_t i = 0; i < sizeof(needed) / sizeof(needed[0]); i++) {
		int cap = needed[i].cap;

		/* A kernel before 5.8 has no CAP_BPF or CAP_PERFMON: CAP_SYS_ADMIN
		 * is what it asks for instead, and that one is required anyway. */
		if (has(eff, cap) || cap > last_cap)
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

int caps__last(void)
{
	FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "re");
	int last = 63;

	if (f) {
		if (fscanf(f, "%d", &last) != 1 || last < 0 || last > 63)
			last = 63;
		fclose(f);
	}
	return last;
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

/* --btf FILE: raw BTF (as /sys/kernel/btf/vmlinux) or an ELF file (a
 * vmlinux with its .BTF section); anything else is refused here, in words,
 * not by libbpf as "Unknown error 4001". */
static int btf_file_kind(const char *path, char *msg, size_t msgsz)
{
	unsigned char magic[4] = { 0 };
	FILE *f = fopen(path, "re");
	size_t n = f ? fread(magic, 1, sizeof(magic), f) : 0;

	if (f)
		fclose(f);
	if ((n >= 2 && magic[0] == 0x9f && magic[1] == 0xeb) ||	/* BTF_MAGIC, LE */
	    (n >= 2 && magic[0] == 0xeb && magic[1] == 0x9f) ||	/* big-endian */
	    (n == 4 && !memcmp(magic, "\x7f" "ELF", 4)))
		return 0;
	snprintf(msg, msgsz, "--btf %s: not a BTF file (raw BTF as in "
		 "/sys/kernel/btf/vmlinux, or an ELF file with a .BTF section)", path);
	return -EINVAL;
}

int caps__btf(const char *custom, char *msg, size_t msgsz)
{
	const char *path = custom ? custom : CAPS_KERNEL_BTF;
	int err;

	if (!access(path, R_OK))
		return custom ? btf_file_kind(custom, msg, msgsz) : 0;
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
