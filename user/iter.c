// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The owners iterator: the only other module that speaks libbpf. */
#include "owners.h"

#include <errno.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "owners.skel.h"

static int silent(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return 0;
}

static int from_iter(struct owners *o)
{
	struct owners_bpf *skel;
	struct bpf_link *link = NULL;
	/* Whole records at a time, straight into o: no copy of the output. */
	static char buf[2048 * sizeof(struct ps_owner)];
	size_t len = 0;
	int fd = -1, err;

	skel = owners_bpf__open_and_load();
	if (!skel)
		return -errno;
	link = bpf_program__attach_iter(skel->progs.socket_owners, NULL);
	err = link ? 0 : -errno;
	if (!err) {
		fd = bpf_iter_create(bpf_link__fd(link));
		err = fd < 0 ? -errno : 0;
	}
	while (!err) {
		ssize_t n = read(fd, buf + len, sizeof(buf) - len);
		size_t whole;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = -errno;
			break;
		}
		if (n == 0) {
			err = len ? -EBADMSG : 0;	/* a record cut short */
			break;
		}
		len += (size_t)n;
		whole = len - len % sizeof(struct ps_owner);
		err = owners__from_records(o, buf, whole);
		memmove(buf, buf + whole, len - whole);
		len -= whole;
	}
	if (fd >= 0)
		close(fd);
	bpf_link__destroy(link);
	owners_bpf__destroy(skel);
	/* libbpf's copy of the kernel's BTF is the biggest thing we ever hold:
	 * give it back before the socket dumps grow. */
	malloc_trim(0);
	return err;
}

int owners__collect(struct owners *o, const char **how)
{
	libbpf_print_fn_t old = libbpf_set_print(silent);
	int err = from_iter(o);

	libbpf_set_print(old);
	if (!err) {
		*how = "bpf iterator";
	} else {
		o->n = 0;
		*how = "/proc";
		err = owners__from_proc(o, "/proc");
	}
	if (!err)
		owners__sort(o);
	return err;
}
