// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "kernel/btfscan.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define BTF_MAGIC 0xeB9F
#define WINDOW (64 * 1024)

/* The BTF kinds (include/uapi/linux/btf.h) whose records we step over. */
enum {
	K_INT = 1, K_PTR, K_ARRAY, K_STRUCT, K_UNION, K_ENUM, K_FWD, K_TYPEDEF,
	K_VOLATILE, K_CONST, K_RESTRICT, K_FUNC, K_FUNC_PROTO, K_VAR, K_DATASEC,
	K_FLOAT, K_DECL_TAG, K_TYPE_TAG, K_ENUM64,
};

/* The file mapped whole (map), or a window over it: at most WINDOW bytes
 * read at a time. */
struct reader {
	int fd;
	const unsigned char *map;
	uint64_t size;		/* of the map */
	uint64_t at;		/* file offset of buf[0] */
	size_t have;
	unsigned char *buf;
};

/* n bytes at file offset off, or NULL (read error: *err; short: -EPROTO). */
static const unsigned char *get(struct reader *r, uint64_t off, size_t n, int *err)
{
	if (n > WINDOW) {
		*err = -EPROTO;
		return NULL;
	}
	if (r->map) {
		if (off > r->size || n > r->size - off) {
			*err = -EPROTO;
			return NULL;
		}
		return r->map + off;
	}
	if (off < r->at || off + n > r->at + r->have) {
		r->at = off;
		r->have = 0;
		/* sysfs hands out at most a page per read */
		while (r->have < WINDOW) {
			ssize_t got = pread(r->fd, r->buf + r->have, WINDOW - r->have,
					    (off_t)(off + r->have));

			if (got < 0 && errno == EINTR)
				continue;
			if (got < 0) {
				*err = -errno;
				r->have = 0;
				return NULL;
			}
			if (got == 0)
				break;
			r->have += (size_t)got;
		}
		if (r->have < n) {
			*err = -EPROTO;
			return NULL;
		}
	}
	return r->buf + (off - r->at);
}

static uint32_t u32_at(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* Bytes that follow a type's 12-byte header, or -1 for a kind we do not know. */
static int64_t extra_bytes(unsigned kind, unsigned vlen)
{
	switch (kind) {
	case K_INT: case K_VAR: case K_DECL_TAG:
		return 4;
	case K_ARRAY:
		return 12;
	case K_STRUCT: case K_UNION: case K_DATASEC: case K_ENUM64:
		return 12 * (int64_t)vlen;
	case K_ENUM: case K_FUNC_PROTO:
		return 8 * (int64_t)vlen;
	case K_PTR: case K_FWD: case K_TYPEDEF: case K_VOLATILE: case K_CONST:
	case K_RESTRICT: case K_FUNC: case K_FLOAT: case K_TYPE_TAG:
		return 0;
	default:
		return -1;
	}
}

/* Names to find: every distinct type and member name of the items. */
struct names {
	const char *s[32];
	int64_t off[32];	/* string offset, -1 until found */
	int n;
};

static int name_index(struct names *nm, const char *s)
{
	for (int i = 0; i < nm->n; i++)
		if (!strcmp(nm->s[i], s))
			return i;
	if (nm->n == 32 || strlen(s) >= BTFSCAN_MAX_NAME)
		return -1;
	nm->s[nm->n] = s;
	nm->off[nm->n] = -1;
	return nm->n++;
}

/* find_strings() over the mapped file: each string's length from memchr,
 * compared only with the names of that length. */
static int find_strings_mapped(const struct reader *r, uint64_t start, uint64_t len,
			       struct names *nm)
{
	const unsigned char *p;
	size_t lens[32];

	if (!len)
		return 0;
	if (start > r->size || len > r->size - start)
		return -EPROTO;
	p = r->map + start;
	for (int k = 0; k < nm->n; k++)
		lens[k] = strlen(nm->s[k]);
	for (uint64_t at = 0; at < len;) {
		const unsigned char *z = memchr(p + at, 0, (size_t)(len - at));
		size_t n;

		if (!z)
			break;	/* not ended within the section: no name */
		n = (size_t)(z - (p + at));
		for (int k = 0; k < nm->n; k++)
			if (nm->off[k] < 0 && lens[k] == n && !memcmp(p + at, nm->s[k], n))
				nm->off[k] = (int64_t)at;
		at += n + 1;
	}
	return 0;
}

/* One pass over the string section: where each wanted name starts. */
static int find_strings(struct reader *r, uint64_t start, uint64_t len, struct names *nm)
{
	char cur[BTFSCAN_MAX_NAME];
	size_t curlen = 0;
	bool too_long = false;
	uint64_t str_at = 0;
	int err = 0;

	if (r->map)
		return find_strings_mapped(r, start, len, nm);
	for (uint64_t done = 0; done < len;) {
		size_t n = len - done > WINDOW ? WINDOW : (size_t)(len - done);
		const unsigned char *p = get(r, start + done, n, &err);

		if (!p)
			return err;
		for (size_t i = 0; i < n; i++) {
			if (p[i]) {
				if (curlen < sizeof(cur) - 1)
					cur[curlen++] = (char)p[i];
				else
					too_long = true;
				continue;
			}
			cur[curlen] = '\0';
			for (int k = 0; !too_long && k < nm->n; k++)
				if (nm->off[k] < 0 && !strcmp(cur, nm->s[k]))
					nm->off[k] = (int64_t)str_at;
			curlen = 0;
			too_long = false;
			str_at = done + i + 1;
		}
		done += n;
	}
	return 0;
}

static bool is_name(const struct names *nm, int idx, uint32_t name_off)
{
	return idx >= 0 && nm->off[idx] >= 0 && (uint64_t)nm->off[idx] == name_off;
}

static bool is_enumerator(const struct btfscan_item *it)
{
	return it->member && !it->member[0];
}

/* The values of one enum (ENUM: name, s32; ENUM64: name, lo32, hi32). */
static int find_enumerators(struct reader *r, uint64_t at, unsigned kind, unsigned vlen,
			    const struct names *nm, const int (*idx)[2],
			    struct btfscan_item *items, int n)
{
	size_t size = kind == K_ENUM ? 8 : 12;
	int err = 0;

	for (unsigned k = 0; k < vlen; k++) {
		const unsigned char *v = get(r, at + k * size, size, &err);

		if (!v)
			return err;
		for (int i = 0; i < n; i++) {
			if (!is_enumerator(&items[i]) || items[i].found >= 0 ||
			    !is_name(nm, idx[i][0], u32_at(v)))
				continue;
			items[i].found = kind == K_ENUM ? (int32_t)u32_at(v + 4)
				: (int64_t)((uint64_t)u32_at(v + 8) << 32 | u32_at(v + 4));
		}
	}
	return 0;
}

/* One pass over the type section: the FUNC ids and member offsets. */
static int find_types(struct reader *r, uint64_t start, uint64_t len, struct names *nm,
		      const int (*idx)[2], struct btfscan_item *items, int n)
{
	uint64_t pos = 0;
	int64_t id = 1;
	int err = 0;
	bool enums = false;

	for (int i = 0; i < n; i++)
		enums |= is_enumerator(&items[i]);
	while (pos < len) {
		const unsigned char *t = get(r, start + pos, 12, &err);
		uint32_t name_off, info;
		unsigned kind, vlen;
		int64_t extra;

		if (!t)
			return err;
		name_off = u32_at(t);
		info = u32_at(t + 4);
		kind = (info >> 24) & 0x1f;
		vlen = info & 0xffff;
		extra = extra_bytes(kind, vlen);
		if (extra < 0 || pos + 12 + (uint64_t)extra > len)
			return -EPROTO;
		for (int i = 0; i < n; i++) {
			if (items[i].found >= 0 || !is_name(nm, idx[i][0], name_off))
				continue;
			if (is_enumerator(&items[i]))
				continue;	/* matched on its values, below */
			if (!items[i].member && kind == K_FUNC) {
				items[i].found = id;
			} else if (items[i].member && kind == K_STRUCT) {
				const unsigned char *m = get(r, start + pos + 12, (size_t)extra, &err);

				if (!m)
					return err;
				for (unsigned k = 0; k < vlen; k++, m += 12) {
					uint32_t bits = u32_at(m + 8);

					if (!is_name(nm, idx[i][1], u32_at(m)))
						continue;
					/* kind_flag: bitfield size in the top 8 bits */
					if (info >> 31)
						bits &= 0xffffff;
					if (bits % 8 == 0)
						items[i].found = bits / 8;
					break;
				}
			}
		}
		if (enums && (kind == K_ENUM || kind == K_ENUM64) && vlen) {
			err = find_enumerators(r, start + pos + 12, kind, vlen, nm, idx, items, n);
			if (err)
				return err;
		}
		pos += 12 + (uint64_t)extra;
		id++;
	}
	return 0;
}

/*
 * The whole file mapped, where the kernel lets /sys/kernel/btf/vmlinux be
 * (6.16, "btf: Allow mmap of vmlinux btf"): sysfs hands out at most a page
 * per read, so reading its 5-6 MB takes over a thousand syscalls. The map's
 * pages are the kernel's own: they add nothing to our resident memory.
 */
static void map_whole(struct reader *r)
{
	struct stat st;
	void *p;

	if (fstat(r->fd, &st) || st.st_size < 24)
		return;
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, r->fd, 0);
	if (p == MAP_FAILED)
		return;
	r->map = p;
	r->size = (uint64_t)st.st_size;
}

static int scan(int fd, struct btfscan_item *items, int n, bool may_map)
{
	struct reader r = { .fd = fd };
	struct names nm = { .n = 0 };
	int idx[16][2];
	uint32_t hdr_len, type_off, type_len, str_off, str_len;
	const unsigned char *h;
	int err = 0;

	if (n > 16)
		return -E2BIG;
	for (int i = 0; i < n; i++) {
		items[i].found = -1;
		idx[i][0] = name_index(&nm, items[i].type);
		idx[i][1] = items[i].member && items[i].member[0] ? name_index(&nm, items[i].member) : -1;
	}
	if (may_map)
		map_whole(&r);
	r.buf = r.map ? NULL : malloc(WINDOW);
	if (!r.map && !r.buf)
		return -ENOMEM;
	h = get(&r, 0, 24, &err);
	if (!h)
		goto out;
	err = -EPROTO;
	if ((h[0] | h[1] << 8) != BTF_MAGIC || h[2] != 1)	/* little endian, v1 */
		goto out;
	hdr_len = u32_at(h + 4);
	type_off = u32_at(h + 8);
	type_len = u32_at(h + 12);
	str_off = u32_at(h + 16);
	str_len = u32_at(h + 20);
	if (hdr_len < 24)
		goto out;
	err = find_strings(&r, (uint64_t)hdr_len + str_off, str_len, &nm);
	if (!err)
		err = find_types(&r, (uint64_t)hdr_len + type_off, type_len, &nm,
				 (const int (*)[2])idx, items, n);
out:
	if (r.map)
		munmap((void *)r.map, (size_t)r.size);
	free(r.buf);
	return err;
}

int btfscan__fd(int fd, struct btfscan_item *items, int n)
{
	return scan(fd, items, n, true);
}

int btfscan__fd_read(int fd, struct btfscan_item *items, int n)
{
	return scan(fd, items, n, false);
}

int btfscan__enumerator(const char *name, int64_t *value)
{
	struct btfscan_item it = { name, BTFSCAN_ENUMERATOR, 0 };
	int fd = open("/sys/kernel/btf/vmlinux", O_RDONLY | O_CLOEXEC), err;

	if (fd < 0)
		return -errno;
	err = btfscan__fd(fd, &it, 1);
	close(fd);
	if (err)
		return err;
	if (it.found < 0)
		return -ENOENT;
	*value = it.found;
	return 0;
}
