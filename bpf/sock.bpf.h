/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* A socket: from an fd, its identity and addresses, tracked for its close. Included by common.bpf.h. */
#ifndef PS_SOCK_BPF_H
#define PS_SOCK_BPF_H

/*
 * The socket behind a file descriptor of the current task, or NULL when the
 * fd is not a socket. Walks task->files->fdt the way fget() does; past the
 * fd array the pointers are untyped, so the last hops are probe reads.
 */
static __always_inline struct sock *sock_from_fd(int fd)
{
	struct task_struct *task = current_task();
	struct fdtable *fdt = TASK_READ(task, files, fdt);
	struct file **fds, *file;
	struct socket *sock;
	umode_t mode;

	if (fd < 0 || (unsigned int)fd >= TASK_READ(fdt, max_fds))
		return NULL;
	fds = TASK_READ(fdt, fd);
	if (bpf_probe_read_kernel(&file, sizeof(file), &fds[fd]) || !file)
		return NULL;
	mode = BPF_CORE_READ(file, f_inode, i_mode);
	if ((mode & S_IFMT) != S_IFSOCK)
		return NULL;
	sock = BPF_CORE_READ(file, private_data);
	return sock ? BPF_CORE_READ(sock, sk) : NULL;
}

static __always_inline __u16 sk_family(struct sock *sk)
{
	return BPF_CORE_READ(sk, __sk_common.skc_family);
}

static __always_inline bool family_inet(__u16 family)
{
	return family == AF_INET || family == AF_INET6;
}

/* 1 << NETDEV_HASHBITS (include/linux/netdevice.h, unchanged since 2.6). */
#define PS_NETDEV_HASHENTRIES 256
/* Devices that share a bucket of net->dev_index_head: one per 256 ifindexes. */
#define PS_DEV_CHAIN_MAX 8

/*
 * The name of device e->ifindex in namespace net, as dev_get_by_index()
 * finds it: the ifindex hash chain. Read now, because the device (a veth,
 * a namespace's last one) can be gone by the time anyone reads the record.
 * Unlocked probe reads: a device renamed at this instant may be seen
 * half-written, which the reader's escaping makes visible, never unsafe.
 */
static __always_inline void fill_ifname(struct ps_event *e, struct net *net)
{
	__u32 link = bpf_core_field_offset(struct net_device, index_hlist);
	struct hlist_head *heads = BPF_CORE_READ(net, dev_index_head);
	struct hlist_node *n = NULL;

	e->ifname[0] = '\0';
	if (!heads || bpf_probe_read_kernel(&n, sizeof(n),
					    &heads[e->ifindex & (PS_NETDEV_HASHENTRIES - 1)].first))
		return;
	for (int i = 0; i < PS_DEV_CHAIN_MAX && n; i++) {
		struct net_device *dev = (struct net_device *)((char *)n - link);

		if (BPF_CORE_READ(dev, ifindex) == (int)e->ifindex) {
			bpf_probe_read_kernel_str(e->ifname, sizeof(e->ifname),
						  __builtin_preserve_access_index(&dev->name));
			return;
		}
		n = BPF_CORE_READ(n, next);
	}
}

/*
 * Socket identity and addresses as the socket holds them now, from one
 * copy of sock_common (field offsets are still CO-RE relocated). When a
 * failed connect() has already given its ephemeral port back, inet_num is
 * 0 but inet_sport still says which port the attempt used.
 */
static __always_inline void fill_sock(struct ps_event *e, struct sock *sk, bool remote)
{
	/* Room for the running kernel's sock_common, whatever its size. */
	__u64 buf[20];
	struct sock_common *c = (struct sock_common *)buf;
	__u32 size = bpf_core_type_size(struct sock_common);

	if (size > sizeof(buf))
		size = sizeof(buf);
	if (bpf_probe_read_kernel(buf, size, &sk->__sk_common))
		return;
	e->family = c->skc_family;
	sk_proto_type(sk, &e->proto, &e->sock_type);
	e->netns = BPF_CORE_READ(c->skc_net.net, ns.inum);
	e->cookie = c->skc_cookie.counter;
	e->ifindex = c->skc_bound_dev_if;
	if (e->ifindex)
		fill_ifname(e, c->skc_net.net);
	e->lport = c->skc_num;
	if (!e->lport)
		e->lport = bpf_ntohs(BPF_CORE_READ((struct inet_sock *)sk, inet_sport));
	if (e->family == AF_INET)
		__builtin_memcpy(e->laddr, &c->skc_rcv_saddr, 4);
	else
		__builtin_memcpy(e->laddr, &c->skc_v6_rcv_saddr, 16);
	/* Dual-stack or IPv6-only: "*:80" or "[::]:80" to the reader. */
	if (e->family == AF_INET6) {
		e->flags |= PS_F_V6ONLY_KNOWN;
		if (BPF_CORE_READ_BITFIELD(c, skc_ipv6only))
			e->flags |= PS_F_V6ONLY;
	}
	if (!remote)
		return;
	e->rport = bpf_ntohs(c->skc_dport);
	if (e->family == AF_INET)
		__builtin_memcpy(e->raddr, &c->skc_daddr, 4);
	else
		__builtin_memcpy(e->raddr, &c->skc_v6_daddr, 16);
}

/*
 * Keep what e's socket's close will need. A bind's socket is tracked
 * nowhere yet; a listen's may be, by its bind: where it is, it is updated
 * in place, so that its close finds it once.
 */
static __always_inline void track_sock(const struct ps_event *e, bool maybe_tracked)
{
	struct ps_tracked t = {
		.netns = e->netns,
		.family = e->family,
		.proto = e->proto,
		.sock_type = e->sock_type,
		.lport = e->lport,
		.flags = e->flags & (PS_F_V6ONLY_KNOWN | PS_F_V6ONLY),
	};
	__u64 cookie = e->cookie;	/* a key from the stack: e may be in the ring */
	struct ps_slot *s;

	if (!cookie)
		return;
	__builtin_memcpy(t.laddr, e->laddr, sizeof(t.laddr));
	t.ifindex = e->ifindex;
	__builtin_memcpy(t.ifname, e->ifname, sizeof(t.ifname));
	s = slot_of(cookie);
	if (!s)
		return;
	/* Only this socket's own calls write its slot, and they cannot run
	 * at once with its close (the file is held until the call returns). */
	if (maybe_tracked && READ_ONCE(s->cookie) == cookie) {
		s->t = t;
		return;
	}
	if (!maybe_tracked || !bpf_map_lookup_elem(&tracked, &cookie)) {
		if (slot_swap(s, 0, cookie)) {
			s->t = t;
			return;
		}
	}
	if (bpf_map_update_elem(&tracked, &cookie, &t, BPF_ANY))
		stat_inc(PS_STAT_TRACK_FULL);
}

#endif /* PS_SOCK_BPF_H */
