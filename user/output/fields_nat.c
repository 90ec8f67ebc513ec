// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The getters of fields.c for a who record reached through a DNAT rule
 * (format_input.nat): absent on every other record. Table and chain names
 * are the ruleset's, set by whoever wrote it: text, escaped. */
#include "output/fields.h"

/* One getter per member of the record's nat, named after it. */
#define NAT_GETTER(member, setter)		\
	void get_nat_##member(GET_ARGS)		\
	{					\
		if (in->nat)			\
			setter(v, in->nat->member);	\
	}

NAT_GETTER(port, set_uint)
NAT_GETTER(family, set_str)
NAT_GETTER(table, set_text)
NAT_GETTER(chain, set_text)
NAT_GETTER(handle, set_uint)
NAT_GETTER(encoding, set_str)
NAT_GETTER(to_ip, set_str)
NAT_GETTER(to_port, set_uint)
NAT_GETTER(via, text_or_none)
