/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Run findings; see report.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tests/sim/report.h"

const char *chk_kind_name(enum chk_kind k)
{
	static const char *const names[CHK_KIND_MAX] = {
		[CHK_SIM] = "sim",
		[CHK_WIRE] = "wire",
		[CHK_SUBMIT] = "submit",
		[CHK_INVENTED] = "invented",
		[CHK_CORRUPT] = "corrupt",
		[CHK_METADATA] = "metadata",
		[CHK_DUPLICATE] = "duplicate",
		[CHK_FIFO] = "fifo",
		[CHK_ORDER] = "order",
		[CHK_GAP] = "gap",
		[CHK_CAUSAL] = "causal",
		[CHK_SAFE] = "safe",
		[CHK_CONFIG] = "config",
		[CHK_AGREE] = "config-agree",
		[CHK_TRANS] = "transitional",
		[CHK_VSYNC] = "vsync",
		[CHK_CROSS] = "crossing",
		[CHK_REFORM] = "reform",
		[CHK_SPLIT] = "healthy-split",
		[CHK_ALONE] = "ring-of-one",
		[CHK_CHANGES] = "ring-changes",
		[CHK_G_ONCE] = "g-once",
		[CHK_G_MEMBER] = "g-member",
		[CHK_G_VIEW] = "g-view",
		[CHK_G_ORDER] = "g-order",
		[CHK_G_TRANS] = "g-trans",
		[CHK_G_SYNC] = "g-sync",
		[CHK_G_SELF] = "g-self",
		[CHK_G_SAFE] = "g-safe",
		[CHK_G_FINAL] = "g-final",
		[CHK_G_LIVE] = "g-live",
	};

	return (unsigned)k < CHK_KIND_MAX ? names[k] : "unknown";
}

void report_clear(struct report *r)
{
	memset(r, 0, sizeof(*r));
}

void report_violation(struct report *r, enum chk_kind k, const char *fmt, ...)
{
	va_list ap;
	int n;

	r->violations++;
	r->by_kind[k]++;
	if (r->violations > 1)
		return;
	/* "kind: what happened", so a failing seed's line names the property. */
	n = snprintf(r->first, sizeof(r->first), "%s: ", chk_kind_name(k));
	va_start(ap, fmt);
	vsnprintf(r->first + n, sizeof(r->first) - (size_t)n, fmt, ap);
	va_end(ap);
}

void report_undelivered(struct report *r, uint64_t pairs, const char *fmt, ...)
{
	va_list ap;

	if (pairs == 0)
		return;
	if (r->undelivered == 0) {
		va_start(ap, fmt);
		vsnprintf(r->first_undelivered, sizeof(r->first_undelivered),
			  fmt, ap);
		va_end(ap);
	}
	r->undelivered += pairs;
}

void report_merge(struct report *dst, const struct report *src)
{
	uint32_t k;

	if (dst->violations == 0 && src->violations > 0)
		memcpy(dst->first, src->first, sizeof(dst->first));
	if (dst->undelivered == 0 && src->undelivered > 0)
		memcpy(dst->first_undelivered, src->first_undelivered,
		       sizeof(dst->first_undelivered));
	dst->violations += src->violations;
	dst->undelivered += src->undelivered;
	for (k = 0; k < CHK_KIND_MAX; k++)
		dst->by_kind[k] += src->by_kind[k];
}
