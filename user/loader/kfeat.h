/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * What the running kernel lets us attach, found by trying: a two-
 * instruction program is loaded and attached to the function, then let go.
 * No version numbers, no config files.
 */
#ifndef PS_KFEAT_H
#define PS_KFEAT_H

struct btf;

/* fentry on fn (needs fn in the kernel's BTF). 0, or -errno. */
int kfeat__fentry(const struct btf *vmlinux, const char *fn);
/* kprobe on fn through the kprobe PMU. 0, or -errno. */
int kfeat__kprobe(const char *fn);
/*
 * What a trial's -errno means, for people: strerror(), except for the
 * kernel-internal codes libc does not know (ENOTSUPP, 524: what arm64
 * kernels before 6.4 answer to fentry, having no ftrace direct calls).
 */
const char *kfeat__strerror(int err);

#endif
