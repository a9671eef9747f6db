/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The Prometheus text exposition format (metrics.h), from samples and the
 * catalogue of include/ordo/ctrl_stats.h. Nothing here knows a metric by
 * name: a new catalogue line is rendered like the others.
 *
 *   # HELP ordo_port_drops_total Frames the dataplane dropped ...
 *   # TYPE ordo_port_drops_total counter
 *   ordo_port_drops_total{node="n1",port="0",reason="runt"} 0
 *
 * Label values are escaped as the format says (backslash, double quote,
 * newline); they come from the network (client names, group names) and
 * must not be able to break a line or forge a series.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "ctrl/metrics.h"

struct mx_desc {
	const char *name, *key_label, *text_label, *help;
	enum ordo_stat_type type;
};

static const struct mx_desc descs[ORDO_STAT_ID_MAX] = {
#define MX_DESC(num, id, typ, nm, key, text, hlp)                        \
	[num] = { .name = nm, .key_label = key, .text_label = text,      \
		  .help = hlp, .type = ORDO_STAT_##typ },
	ORDO_STATS(MX_DESC)
#undef MX_DESC
};

const char *mx_name(uint16_t id)
{
	return id < ORDO_STAT_ID_MAX ? descs[id].name : NULL;
}

void mx_add(struct mx_set *set, uint16_t id, uint32_t key, const char *label,
	    uint64_t value)
{
	struct mx_sample *x;

	if (set->n == set->cap) {
		size_t cap = set->cap ? 2 * set->cap : 256;
		void *s = realloc(set->s, cap * sizeof(*set->s));

		if (s == NULL) {
			set->failed = 1;
			return;
		}
		set->s = s;
		set->cap = cap;
	}
	x = &set->s[set->n++];
	memset(x, 0, sizeof(*x));
	x->id = id;
	x->key = key;
	x->value = value;
	if (label != NULL) {
		size_t n = strnlen(label, sizeof(x->label) - 1);

		memcpy(x->label, label, n);
	}
}

void mx_free(struct mx_set *set)
{
	free(set->s);
	memset(set, 0, sizeof(*set));
}

static int cmp(const void *a, const void *b)
{
	const struct mx_sample *x = a, *y = b;

	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return strcmp(x->label, y->label);
}

static void label_value(struct sbuf *out, const char *v)
{
	sbuf_printf(out, "\"");
	for (; *v; v++) {
		if (*v == '\\')
			sbuf_printf(out, "\\\\");
		else if (*v == '"')
			sbuf_printf(out, "\\\"");
		else if (*v == '\n')
			sbuf_printf(out, "\\n");
		else
			sbuf_printf(out, "%c", *v);
	}
	sbuf_printf(out, "\"");
}

/* HELP text escapes backslash and newline only. */
static void help_text(struct sbuf *out, const char *v)
{
	for (; *v; v++) {
		if (*v == '\\')
			sbuf_printf(out, "\\\\");
		else if (*v == '\n')
			sbuf_printf(out, "\\n");
		else
			sbuf_printf(out, "%c", *v);
	}
}

size_t mx_text(struct mx_set *set, const char *node, struct sbuf *out)
{
	size_t i, written = 0;
	int last_id = -1;

	qsort(set->s, set->n, sizeof(*set->s), cmp);
	for (i = 0; i < set->n; i++) {
		const struct mx_sample *x = &set->s[i];
		const struct mx_desc *d;

		if (x->id >= ORDO_STAT_ID_MAX || descs[x->id].name == NULL)
			continue; /* a newer ordod's: not ours to name */
		if (i > 0 && cmp(x, &set->s[i - 1]) == 0)
			continue;
		d = &descs[x->id];
		if (x->id != last_id) {
			sbuf_printf(out, "# HELP ordo_%s ", d->name);
			help_text(out, d->help);
			sbuf_printf(out, "\n# TYPE ordo_%s %s\n", d->name,
				    d->type == ORDO_STAT_COUNTER ? "counter" :
								   "gauge");
			last_id = x->id;
		}
		sbuf_printf(out, "ordo_%s{node=", d->name);
		label_value(out, node);
		if (d->key_label != NULL)
			sbuf_printf(out, ",%s=\"%" PRIu32 "\"", d->key_label, x->key);
		if (d->text_label != NULL) {
			sbuf_printf(out, ",%s=", d->text_label);
			label_value(out, x->label);
		}
		sbuf_printf(out, "} %" PRIu64 "\n", x->value);
		written++;
	}
	return written;
}
