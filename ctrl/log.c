/* SPDX-License-Identifier: BSD-3-Clause
 *
 * ordo-ctrld's log: one line per event (a client attached or detached,
 * the link up or down, a ring change), to stderr or EventLogFile, with a
 * wall-clock timestamp. Lines are written with one write(2) so that they
 * do not interleave with other writers of the same file.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ctrl/ctrld.h"

static const char *const level_names[] = { "error", "warning", "info", "debug" };

int ctrld_log_level_parse(const char *s, enum ctrld_log_level *out)
{
	unsigned i;

	for (i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++)
		if (strcmp(s, level_names[i]) == 0) {
			*out = (enum ctrld_log_level)i;
			return 0;
		}
	if (strcmp(s, "warn") == 0) {
		*out = CLOG_WARN;
		return 0;
	}
	return -1;
}

uint64_t ctrld_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void ctrld_log(struct ctrld *d, enum ctrld_log_level lvl, const char *fmt, ...)
{
	char line[1024];
	struct timespec ts;
	struct tm tm;
	va_list ap;
	int n, m;

	if (lvl > d->log_level)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	n = (int)strftime(line, sizeof(line), "%Y-%m-%d %H:%M:%S", &tm);
	n += snprintf(line + n, sizeof(line) - (size_t)n, ".%03ld ordo-ctrld %s: ",
		      ts.tv_nsec / 1000000, level_names[lvl]);
	va_start(ap, fmt);
	m = vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (m < 0)
		m = 0;
	n += m;
	if (n > (int)sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	if (write(d->log_fd >= 0 ? d->log_fd : 2, line, (size_t)n) < 0) {
		/* Nowhere else to say it. */
	}
}
