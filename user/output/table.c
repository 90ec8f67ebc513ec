// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The tables: the event stream's (narrow or wide), ls's (sized to its
 * rows), and who's text blocks, all from the columns of fields.c.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include "output/escape.h"
#include "output/fields.h"
#include "output/fold.h"

#define MAX_COLUMNS 16

struct layout {
	unsigned int width;		/* asked for; 0: one line, no fitting */
	uint8_t bit;			/* T_* */
	size_t n;			/* columns */
	size_t idx[MAX_COLUMNS];	/* into fields[] */
	size_t w[MAX_COLUMNS];		/* their widths */
	size_t start[MAX_COLUMNS];	/* where each column begins */
};

static void layout_starts(struct layout *l)
{
	for (size_t k = 0, at = 0; k < l->n; k++) {
		l->start[k] = at;
		at += l->w[k] + 1;
	}
}

/*
 * Columns at their 80-column widths; whatever a wider terminal adds is
 * shared, a column at a time, by those that may grow (the addresses) up
 * to their full width; the last column takes the rest of the line.
 */
static void layout_compute(struct layout *l, uint8_t bit, unsigned int width)
{
	size_t used = 0;
	bool grew = true;

	l->width = width;
	l->bit = bit;
	l->n = 0;
	for (size_t i = 0; i < fields_count && l->n < MAX_COLUMNS; i++)
		if (fields[i].column && (fields[i].tables & bit))
			l->idx[l->n++] = i;
	for (size_t k = 0; k < l->n; k++) {
		l->w[k] = fields[l->idx[k]].width;
		used += l->w[k] + (k + 1 < l->n);
	}
	while (grew && used < width) {
		grew = false;
		for (size_t k = 0; k + 1 < l->n && used < width; k++) {
			if (l->w[k] < fields[l->idx[k]].grow) {
				l->w[k]++;
				used++;
				grew = true;
			}
		}
	}
	layout_starts(l);
}

/* Columns taken by the columns at their widths (the last at its least). */
static size_t layout_used(const struct layout *l)
{
	size_t used = 0;

	for (size_t k = 0; k < l->n; k++)
		used += l->w[k] + (k + 1 < l->n);
	return used;
}

static struct layout *layout_of(const struct format_ctx *ctx, enum format_table t)
{
	static struct layout cache[4];
	unsigned int width = ctx->mode == FORMAT_TABLE ? (ctx->width ? ctx->width : 80) : 0;
	uint8_t bit = t == FORMAT_TABLE_LS ? T_LS : (width && width < FIELDS_WIDE_MIN)
			? T_NARROW : width >= FIELDS_FULL_MIN ? T_FULL : T_WIDE;
	struct layout *l = &cache[bit == T_LS ? 2 : bit == T_NARROW ? 1 : bit == T_FULL ? 3 : 0];

	/* ls measures its rows (format__fit): it need not fill the terminal. */
	if (l->bit != bit || l->width != width)
		layout_compute(l, bit, bit == T_LS ? 0 : width);
	l->width = width;
	return l;
}

void format__fit(const struct format_ctx *ctx, enum format_table t,
		 const struct format_input *in)
{
	struct layout *l;
	struct sbuf cell = { 0 };	/* one allocation a row, not one a cell */
	bool changed = false;

	if (ctx->mode != FORMAT_TABLE || t == FORMAT_TABLE_WHO)
		return;
	l = layout_of(ctx, t);
	for (size_t k = 0; k + 1 < l->n; k++) {
		const struct field *f = &fields[l->idx[k]];
		struct val v;

		/* A column at its widest grows no more: no text to measure. */
		if (!f->grow || l->w[k] >= f->grow)
			continue;
		sbuf__reset(&cell);
		field__get(f, in, ctx, &v);
		value__text(&cell, &v, in, ctx, false);
		if (cell.len > l->w[k] && l->w[k] < f->grow) {
			size_t want = cell.len < f->grow ? cell.len : f->grow;

			/* Only as far as the width allows: a long address widens
			 * its own row, not every row of the table. */
			if (l->width && layout_used(l) + want - l->w[k] > l->width)
				want = l->w[k] + (l->width > layout_used(l) ?
						  l->width - layout_used(l) : 0);
			changed |= want != l->w[k];
			l->w[k] = want;
		}
	}
	sbuf__free(&cell);
	if (changed)
		layout_starts(l);
}

/*
 * Move to where column k starts. A cell longer than its column pushes the
 * next one along by what it overran; the row lines up again at the first
 * column with room to spare. A record stays one line (grep, syslog).
 */
static void next_column(struct sbuf *b, const struct layout *l, size_t k, size_t line)
{
	if (b->len - line >= l->start[k])
		sbuf__putc(b, ' ');
	else
		sbuf__pad(b, line, l->start[k]);
}

static void row(struct sbuf *b, const struct format_ctx *ctx, const struct layout *l,
		const struct format_input *in)
{
	size_t line = b->len;

	for (size_t k = 0; k < l->n; k++) {
		struct val v;

		if (k)
			next_column(b, l, k, line);
		field__get(&fields[l->idx[k]], in, ctx, &v);
		value__text(b, &v, in, ctx, false);
	}
	if (ctx->fit && l->n > 1)
		fold__line(b, line, l->width, l->start[1]);
	sbuf__putc(b, '\n');
}

void format__table_header(struct sbuf *b, const struct format_ctx *ctx, enum format_table t)
{
	const struct layout *l;
	size_t line = b->len;

	if (ctx->mode != FORMAT_TABLE || t == FORMAT_TABLE_WHO)
		return;
	l = layout_of(ctx, t);
	for (size_t k = 0; k < l->n; k++) {
		if (k)
			next_column(b, l, k, line);
		sbuf__puts(b, fields[l->idx[k]].column);
	}
	sbuf__putc(b, '\n');
}

void format__header(struct sbuf *b, const struct format_ctx *ctx)
{
	format__table_header(b, ctx, FORMAT_TABLE_EVENTS);
}

/* Under an ls row whose holder is a port keeper: what serves behind it,
 * on a line of its own, as who says it. */
static void ls_serves(struct sbuf *b, const struct format_ctx *ctx, const struct layout *l,
		      const struct format_input *in)
{
	const struct field *f;
	size_t line = b->len;
	struct val v;

	/* Most rows have no keeper: no lookup of the field by its key. */
	if (!in->serves || !(f = field__by_key("portsnoop.serves.how")))
		return;
	field__get(f, in, ctx, &v);
	if (v.type == V_NONE)
		return;
	sbuf__puts(b, "    serves   ");	/* as who labels it */
	value__text(b, &v, in, ctx, true);	/* a line: spaces stay */
	if (ctx->fit)
		fold__line(b, line, l->width, 13);
	sbuf__putc(b, '\n');
}

void table__row(struct sbuf *b, const struct format_ctx *ctx, enum format_table t,
		const struct format_input *in)
{
	const struct layout *l = layout_of(ctx, t);

	row(b, ctx, l, in);
	if (t == FORMAT_TABLE_LS)
		ls_serves(b, ctx, l, in);
}

/* prefix and f's value as text; nothing when it has none. */
static bool put_field(struct sbuf *b, const struct format_ctx *ctx,
		      const struct format_input *in, const char *prefix,
		      const struct field *f)
{
	struct val v;

	if (!f)
		return false;
	field__get(f, in, ctx, &v);
	if (v.type == V_NONE)
		return false;
	sbuf__puts(b, prefix);
	value__text(b, &v, in, ctx, false);
	return true;
}

/* put_field for a name followed by "[pid]": escaped as a list's entry, so
 * a name cannot pass for a pid or for another process. */
static bool put_name(struct sbuf *b, const struct format_ctx *ctx,
		     const struct format_input *in, const char *prefix, const char *key)
{
	const struct field *f = field__by_key(key);
	struct val v;

	if (!f)
		return false;
	field__get(f, in, ctx, &v);
	if (v.type != V_TEXT)
		return put_field(b, ctx, in, prefix, f);
	sbuf__puts(b, prefix);
	escape__item(b, v.s, v.n);
	return true;
}

/* "tcp4 0.0.0.0:8080 listening (netns 4026531840)",
 * "tcp6 [::1]:58960 established -> [::1]:2222 (netns 4026531840)" */
void format__who_socket(struct sbuf *b, const struct format_ctx *ctx,
			const struct format_input *in)
{
	if (ctx->mode != FORMAT_TABLE)
		return;
	put_field(b, ctx, in, "", field__by_column("PROTO"));
	put_field(b, ctx, in, " ", field__by_column("LOCAL"));
	put_field(b, ctx, in, " ", field__by_key("portsnoop.state"));
	put_field(b, ctx, in, " -> ", field__by_column("REMOTE"));
	if (put_field(b, ctx, in, " (netns ", field__by_key("portsnoop.netns")))
		sbuf__putc(b, ')');
	sbuf__putc(b, '\n');
}

/*
 *   nginx[812] fd 6, user root (0), started 2026-11-21T04:50:26.12Z, parent systemd[1]
 *     exe      /usr/sbin/nginx
 *     writing  /var/log/nginx/access.log
 */
void table__who(struct sbuf *b, const struct format_ctx *ctx,
		const struct format_input *in)
{
	sbuf__puts(b, "  ");
	if (!put_name(b, ctx, in, "", "process.name") ||
	    !put_field(b, ctx, in, "[", field__by_key("process.pid"))) {
		if (!put_field(b, ctx, in, "owner unknown: ",
			       field__by_key("portsnoop.owner_unknown")))
			sbuf__puts(b, "no process that portsnoop can see holds it");
		sbuf__putc(b, '\n');
		return;
	}
	sbuf__putc(b, ']');
	put_field(b, ctx, in, " fd ", field__by_key("portsnoop.fds"));
	put_field(b, ctx, in, ", user ", field__by_key("user.name"));
	put_field(b, ctx, in, in->user_name ? " (" : ", user (", field__by_key("user.id"));
	sbuf__putc(b, ')');
	put_field(b, ctx, in, ", started ", field__by_key("process.start"));
	if (put_name(b, ctx, in, ", parent ", "process.parent.name"))
		put_field(b, ctx, in, "[", field__by_key("process.parent.pid")) &&
			(sbuf__putc(b, ']'), true);
	sbuf__putc(b, '\n');
	for (size_t i = 0; i < fields_count; i++) {
		const struct field *f = &fields[i];
		struct val v;

		if (!(f->tables & T_WHO))
			continue;
		field__get(f, in, ctx, &v);
		if (v.type == V_NONE)
			continue;
		if (v.type != V_LIST) {
			sbuf__printf(b, "    %-8s ", f->column);
			value__text(b, &v, in, ctx, true);	/* a line: spaces stay */
			sbuf__putc(b, '\n');
			continue;
		}
		for (size_t k = 0; k < v.n;) {
			size_t len = strnlen(v.s + k, v.n - k);

			sbuf__printf(b, "    %-8s ", f->column);
			escape__text(b, v.s + k, len);
			sbuf__putc(b, '\n');
			k += len + 1;
		}
	}
}

