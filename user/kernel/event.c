// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "kernel/event.h"

#include <errno.h>
#include <string.h>

int event__decode(const void *data, size_t len, struct event_view *v)
{
	struct ps_event *ev = &v->ev;

	if (!data || len < sizeof(*ev))
		return -EBADMSG;
	memcpy(ev, data, sizeof(*ev));
	if (ev->kind == 0 || ev->kind >= PS_EV__MAX)
		return -EBADMSG;
	if (ev->err < 0 || ev->err > 4095)
		return -EBADMSG;
	if (ev->argv_len > (ev->kind == PS_EV_EXEC ? PS_EXE_LEN : PS_ARGV_LEN) ||
	    ev->argv_len > len - sizeof(*ev))
		return -EBADMSG;
	ev->comm[PS_COMM_LEN - 1] = '\0';
	ev->pcomm[PS_COMM_LEN - 1] = '\0';
	ev->tcomm[PS_COMM_LEN - 1] = '\0';
	ev->ifname[PS_IFNAME_LEN - 1] = '\0';
	v->argv = (const char *)data + sizeof(*ev);
	v->argv_len = ev->argv_len;
	return 0;
}
