/* SPDX-License-Identifier: BSD-3-Clause
 *
 * A growing text buffer for ordo-ctrld's answers, with JSON string
 * escaping. An allocation failure is sticky (failed = true) and checked
 * once at the end, so the formatting code reads straight through.
 */
#ifndef ORDO_CTRLD_SBUF_H
#define ORDO_CTRLD_SBUF_H

#include <stdbool.h>
#include <stddef.h>

struct sbuf {
	char  *s;
	size_t len, cap;
	bool   failed;
};

void sbuf_printf(struct sbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* A JSON string literal, quotes included. */
void sbuf_json_str(struct sbuf *b, const char *s);
void sbuf_free(struct sbuf *b);

#endif /* ORDO_CTRLD_SBUF_H */
