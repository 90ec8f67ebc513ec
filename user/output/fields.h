/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The one description of every output field (private to output/): its
 * JSON key, its table column and width, which records carry it, and how
 * to read it from a record. format.c renders the rows; nothing else names
 * a key or a column.
 *
 * A new field is one row of fields[] in fields.c: an offset into struct
 * ps_event with a type tag (EV_U32, EV_U64, EV_COMM) or, where the value
 * is computed, a getter.
 */
#ifndef PS_FIELDS_H
#define PS_FIELDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "output/format.h"
#include "output/names.h"

enum val_type {
	V_NONE,		/* absent: "-" in the table, left out of JSON */
	V_STR,		/* text we made */
	V_TEXT,		/* text from another process: always escaped; u2 V_TEXT_ARGV: a command line */
	V_UINT,
	V_BOOL,
	V_TIME,		/* CLOCK_REALTIME ns; u2 = digits of the fraction (9: ns) */
	V_ARGS,		/* NUL-separated, from another process: a JSON array */
	V_OWNERS,	/* the processes holding a socket: "nginx[812]/6,..." */
	V_HELD_BY,	/* EADDRINUSE and who holds the port */
	V_STATE,	/* "listening, held by ..." (a state row's RESULT) */
	V_UINTS,	/* the fds of this process: u = first index, n = count */
	V_LIST,		/* NUL-separated text from another process: an array, a line each */
};

#define V_TEXT_ARGV 1	/* V_TEXT of NUL-separated arguments, shown joined by spaces */

struct val {
	enum val_type type;
	const char *s;
	size_t n;
	uint64_t u;
	unsigned int u2;
	char buf[96];
};

/* Every member but the scratch buffer: zeroing all of struct val for each
 * field of each record was the largest single cost of formatting one. */
static inline void val_none(struct val *v)
{
	v->type = V_NONE;
	v->s = NULL;
	v->n = 0;
	v->u = 0;
	v->u2 = 0;
}

typedef void (*getter_fn)(const struct format_input *in, const struct format_ctx *ctx,
			  struct val *v);

#define GET_ARGS const struct format_input *in, const struct format_ctx *ctx, struct val *v

/* A string of the given type; none without one. */
static inline void set_string(struct val *v, enum val_type type, const char *s)
{
	if (!s)
		return;
	v->type = type;
	v->s = s;
	v->n = strlen(s);
}

static inline void set_str(struct val *v, const char *s)
{
	set_string(v, V_STR, s);
}

/* Our own words or ids: none when empty. */
static inline void str_or_none(struct val *v, const char *s)
{
	if (s && *s)
		set_str(v, s);
}

static inline void set_uint(struct val *v, uint64_t u)
{
	v->type = V_UINT;
	v->u = u;
}

static inline void set_bool(struct val *v, bool b)
{
	v->type = V_BOOL;
	v->u = b;
}

/* Text from another process, even empty; none without it. */
static inline void set_text(struct val *v, const char *s)
{
	set_string(v, V_TEXT, s);
}

static inline void text_or_none(struct val *v, const char *s)
{
	if (s && *s)
		set_text(v, s);
}

static inline bool is_event(const struct format_input *in)
{
	return in->rec == FORMAT_REC_EVENT;
}

static inline bool is_connect(const struct ps_event *ev)
{
	return ev->kind == PS_EV_CONNECT || ev->kind == PS_EV_CONNECT_RESULT;
}

static inline bool has_addr(const struct ps_event *ev)
{
	return !(ev->flags & PS_F_NO_ADDR) && names__family(ev->family);
}

/* IPV6_V6ONLY of an AF_INET6 socket: 1, 0, or -1 when not known. */

/* fields_net.c: the getters that read a socket. */
void get_transport(GET_ARGS);
void get_net_type(GET_ARGS);
void get_proto_col(GET_ARGS);
void get_local(GET_ARGS);
void get_remote(GET_ARGS);
void get_address(GET_ARGS);
void get_server_ip(GET_ARGS);
void get_server_port(GET_ARGS);
void get_source_ip(GET_ARGS);
void get_source_port(GET_ARGS);
void get_dest_ip(GET_ARGS);
void get_dest_port(GET_ARGS);
void get_v6only(GET_ARGS);
void get_ifname(GET_ARGS);
void get_rqueue(GET_ARGS);
void get_wqueue(GET_ARGS);
void get_inode(GET_ARGS);

/* fields_nat.c: the DNAT rule a who record was reached through. */
void get_nat_port(GET_ARGS);
void get_nat_family(GET_ARGS);
void get_nat_table(GET_ARGS);
void get_nat_chain(GET_ARGS);
void get_nat_handle(GET_ARGS);
void get_nat_encoding(GET_ARGS);
void get_nat_to_ip(GET_ARGS);
void get_nat_to_port(GET_ARGS);
void get_nat_via(GET_ARGS);

/* fields_who.c: who and where. */
void get_host(GET_ARGS);
void get_user_name(GET_ARGS);
void get_owner_users(GET_ARGS);
void get_owners(GET_ARGS);
void get_owners_cell(GET_ARGS);
void get_owner_unknown(GET_ARGS);
void get_cgroup_path(GET_ARGS);
void get_unit(GET_ARGS);
void get_container_id(GET_ARGS);
void get_container_rt(GET_ARGS);
/* fields_ctr.c: a container's names from its runtime's state on disk. */
void get_container_name(GET_ARGS);
void get_container_image(GET_ARGS);
void get_container_note(GET_ARGS);
void get_container_who(GET_ARGS);
void get_orch_type(GET_ARGS);
void get_orch_ns(GET_ARGS);
void get_orch_res_type(GET_ARGS);
void get_orch_res_name(GET_ARGS);
/* fields_serves.c: who serves behind a port keeper (who's records). */
void get_serves_how(GET_ARGS);
void get_serves_ctr_id(GET_ARGS);
void get_serves_ctr_name(GET_ARGS);
void get_serves_ctr_image(GET_ARGS);
void get_serves_ctr_rt(GET_ARGS);
void get_serves_pid(GET_ARGS);
void get_serves_comm(GET_ARGS);
void get_serves_exe(GET_ARGS);
void get_serves_ip(GET_ARGS);
void get_serves_port(GET_ARGS);
void get_serves_netns(GET_ARGS);
#define SERVES_FIELDS \
	GET("portsnoop.serves.how", get_serves_how, R_ALL, COL("serves", 0, T_WHO)), \
	GET("portsnoop.serves.container.id", get_serves_ctr_id, R_ALL), \
	GET("portsnoop.serves.container.name", get_serves_ctr_name, R_ALL), \
	GET("portsnoop.serves.container.image.name", get_serves_ctr_image, R_ALL), \
	GET("portsnoop.serves.container.runtime", get_serves_ctr_rt, R_ALL), \
	GET("portsnoop.serves.process.pid", get_serves_pid, R_ALL), \
	GET("portsnoop.serves.process.name", get_serves_comm, R_ALL), \
	GET("portsnoop.serves.process.executable", get_serves_exe, R_ALL), \
	GET("portsnoop.serves.ip", get_serves_ip, R_ALL), \
	GET("portsnoop.serves.port", get_serves_port, R_ALL), \
	GET("portsnoop.serves.netns", get_serves_netns, R_ALL)
#define CONTAINER_NAME_FIELDS \
	GET("container.name", get_container_name, R_ALL), \
	GET("container.image.name", get_container_image, R_ALL), \
	COLUMN("container", 0, T_WHO, get_container_who)
#define ORCHESTRATOR_FIELDS \
	GET("orchestrator.type", get_orch_type, R_EVENT | R_HELD), \
	GET("orchestrator.namespace", get_orch_ns, R_EVENT | R_HELD), \
	GET("orchestrator.resource.type", get_orch_res_type, R_EVENT | R_HELD), \
	GET("orchestrator.resource.name", get_orch_res_name, R_EVENT | R_HELD, \
	    COL("pod", 0, T_WHO)), \
	GET("portsnoop.container_note", get_container_note, R_EVENT | R_HELD)
void get_pod_uid(GET_ARGS);
void get_exe_deleted(GET_ARGS);

/* fields_place.c: namespace names, container, ls's state. */
void get_netns_name(GET_ARGS);
void get_netns_col(GET_ARGS);
void get_container_col(GET_ARGS);
void get_ls_state(GET_ARGS);

/* Which records carry a key (JSON, syslog, journald). */
enum {
	R_EVENT = 1u << FORMAT_REC_EVENT,
	R_STATE = 1u << FORMAT_REC_STATE,
	R_HELD = 1u << FORMAT_REC_HELD,
	R_ALL = R_EVENT | R_STATE | R_HELD,
};

/* Which tables show a column. The event stream's table has three layouts:
 * narrow (one ADDRESS column) below FIELDS_WIDE_MIN columns, wide (LOCAL
 * and REMOTE) from there, full (NETNS and CONTAINER too) from
 * FIELDS_FULL_MIN. */
enum {
	T_NARROW = 1u << 0,
	T_WIDE = 1u << 1,
	T_FULL = 1u << 4,
	T_WIDER = T_WIDE | T_FULL,
	T_EVENTS = T_NARROW | T_WIDE | T_FULL,
	T_LS = 1u << 2,
	T_WHO = 1u << 3,	/* who's text block: a labelled line */
};

/* How a value is read: from struct ps_event at .off, or by .get. */
enum src {
	SRC_GET,
	SRC_U32,
	SRC_U64,
	SRC_COMM,	/* char[PS_COMM_LEN]: text from another process */
};

struct field {
	const char *key;	/* JSON path (ECS where ECS has one); NULL: a column only */
	const char *column;	/* table header, or who's label; NULL: JSON only */
	uint8_t width;		/* the column's width in an 80-column table */
	uint8_t grow;		/* as wide as this in a wider terminal; 0: fixed */
	uint8_t tables;		/* T_*: where .column shows */
	uint8_t recs;		/* R_*: records that carry .key */
	uint8_t src;		/* enum src */
	uint8_t nonzero;	/* SRC_U32/U64: left out when 0 */
	uint16_t off;		/* offsetof(struct ps_event, ...) */
	getter_fn get;		/* SRC_GET */
};

/* At most this many rows (fields.c asserts it): per-field state of the
 * JSON writer is sized by it. */
#define FIELDS_MAX 128
extern const struct field fields[];
extern const size_t fields_count;

/* The value of field f for record in, into v (val_none'd first). */
void field__get(const struct field *f, const struct format_input *in,
		const struct format_ctx *ctx, struct val *v);

const struct field *field__by_key(const char *key);
const struct field *field__by_column(const char *column);

/* values.c: v as text (a table cell; line: a value that may hold spaces,
 * as in syslog, journald and who's lines), or as a JSON member. */
void value__text(struct sbuf *b, const struct val *v, const struct format_input *in,
		 const struct format_ctx *ctx, bool line);
struct jw;
struct jw_key;
/* The last string value of one field, as it came and as JSON (m may be
 * NULL: no memo). Values longer than JSON_MEMO_MAX are not kept. */
#define JSON_MEMO_MAX 8192
struct json_memo {
	enum val_type type;
	char *raw, *json;
	size_t raw_len, json_len, raw_cap, json_cap;
};
void value__json(struct jw *w, const struct jw_key *k, const struct val *v,
		 const struct format_input *in, struct json_memo *m);
/* The value alone, its member named already (v not V_NONE). */
void value__json_body(struct sbuf *b, const struct val *v, const struct format_input *in,
		      struct json_memo *m);

/* table.c: a row of table t; who's block for one process. */
void table__row(struct sbuf *b, const struct format_ctx *ctx, enum format_table t,
		const struct format_input *in);
void table__who(struct sbuf *b, const struct format_ctx *ctx, const struct format_input *in);

/* Wide layout of the event table from this many columns on. */
#define FIELDS_WIDE_MIN 107
/* Full layout (the namespace and the container named) from this many. */
#define FIELDS_FULL_MIN 132

#endif
