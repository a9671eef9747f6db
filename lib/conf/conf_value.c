/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Value converters. Each takes one token and either stores a value or
 * reports, through conf_error(), the key, the token and what was wanted.
 * Nothing here is lenient: "12abc" is not 12, "010" is not 8, and a
 * number that does not fit is an error, never a wrap.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "lib/conf/conf_impl.h"

/* Decimal digits only, at most 19 of them (no overflow in uint64_t). */
static int parse_digits(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (len == 0 || len > 19)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = v;
	return 0;
}

static size_t count_digits(const char *s)
{
	size_t i = 0;

	while (s[i] >= '0' && s[i] <= '9')
		i++;
	return i;
}

int conf_val_u32(struct ordo_conf_parser *p, const char *key,
		 const struct tok *t, uint32_t min, uint32_t max,
		 uint32_t *out)
{
	uint64_t v;

	if (t->type != TOK_WORD || parse_digits(t->s, t->len, &v) < 0)
		return conf_error(p, "'%s' wants a number, got '%s'", key,
				  conf_q(t));
	if (v < min || v > max)
		return conf_error(p, "'%s' is %s, outside %u..%u", key,
				  conf_q(t), min, max);
	*out = (uint32_t)v;
	return 0;
}

int conf_val_size(struct ordo_conf_parser *p, const char *key,
		  const struct tok *t, uint64_t min, uint64_t max,
		  uint64_t *out)
{
	size_t nd = count_digits(t->s);
	const char *u = t->s + nd;
	unsigned shift = 0;
	uint64_t v;

	if (t->type != TOK_WORD || parse_digits(t->s, nd, &v) < 0)
		goto bad;
	if (*u != '\0') {
		switch (*u) {
		case 'k': case 'K': shift = 10; break;
		case 'm': case 'M': shift = 20; break;
		case 'g': case 'G': shift = 30; break;
		default: goto bad;
		}
		u++;
		if (*u != '\0' && strcmp(u, "iB") != 0)
			goto bad;
	}
	if (v > (UINT64_MAX >> shift) || (v << shift) < min ||
	    (v << shift) > max)
		return conf_error(p,
				  "'%s' is %s, outside %llu..%llu bytes", key,
				  conf_q(t), (unsigned long long)min,
				  (unsigned long long)max);
	*out = v << shift;
	return 0;
bad:
	return conf_error(p,
			  "'%s' wants a size (bytes, or with K, M, G: 1024-based), got '%s'",
			  key, conf_q(t));
}

int conf_val_duration(struct ordo_conf_parser *p, const char *key,
		      const struct tok *t, uint64_t min_ns, uint64_t max_ns,
		      uint64_t *out_ns)
{
	size_t nd = count_digits(t->s);
	const char *u = t->s + nd;
	uint64_t v, mul;

	if (t->type != TOK_WORD || parse_digits(t->s, nd, &v) < 0)
		goto bad;
	if (strcmp(u, "ns") == 0)
		mul = 1;
	else if (strcmp(u, "us") == 0)
		mul = 1000;
	else if (strcmp(u, "ms") == 0)
		mul = 1000000;
	else if (strcmp(u, "s") == 0)
		mul = 1000000000;
	else
		goto bad;
	if (v > UINT64_MAX / mul || v * mul < min_ns || v * mul > max_ns)
		return conf_error(p, "'%s' is %s, outside %lluns..%lluns", key,
				  conf_q(t), (unsigned long long)min_ns,
				  (unsigned long long)max_ns);
	*out_ns = v * mul;
	return 0;
bad:
	return conf_error(p,
			  "'%s' wants a duration with a unit (ns, us, ms, s), got '%s'",
			  key, conf_q(t));
}

int conf_val_bool(struct ordo_conf_parser *p, const char *key,
		  const struct tok *t, bool *out)
{
	static const char *const yes[] = { "yes", "true", "on" };
	static const char *const no[] = { "no", "false", "off" };
	size_t i;

	for (i = 0; i < 3; i++) {
		if (strcasecmp(t->s, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcasecmp(t->s, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	return conf_error(p, "'%s' wants yes or no, got '%s'", key,
			  conf_q(t));
}

int conf_val_string(struct ordo_conf_parser *p, const char *key,
		    const struct tok *t, char *out, size_t outlen)
{
	if (t->len == 0)
		return conf_error(p, "'%s' must not be empty", key);
	if (t->len >= outlen)
		return conf_error(p, "'%s' is too long (%zu bytes, at most %zu)",
				  key, t->len, outlen - 1);
	memcpy(out, t->s, t->len + 1);
	return 0;
}

int conf_val_path(struct ordo_conf_parser *p, const char *key,
		  const struct tok *t, bool absolute, char *out,
		  size_t outlen)
{
	if (absolute && t->s[0] != '/')
		return conf_error(p, "'%s' wants an absolute path, got '%s'",
				  key, conf_q(t));
	return conf_val_string(p, key, t, out, outlen);
}

int conf_val_word(struct ordo_conf_parser *p, const char *key,
		  const struct tok *t, const char *const *words, int *out)
{
	char list[160];
	size_t o = 0;
	int i;

	for (i = 0; words[i] != NULL; i++) {
		if (strcasecmp(t->s, words[i]) == 0) {
			*out = i;
			return 0;
		}
	}
	list[0] = '\0';
	for (i = 0; words[i] != NULL && o < sizeof(list); i++)
		o += (size_t)snprintf(list + o, sizeof(list) - o, "%s%s",
				      i ? ", " : "", words[i]);
	return conf_error(p, "'%s' wants one of %s, got '%s'", key, list,
			  conf_q(t));
}

/* ---- pure parsers -------------------------------------------------------- */

int conf_parse_ipv4(const char *s, uint32_t *out)
{
	uint32_t addr = 0, part;
	int i, nd;

	for (i = 0; i < 4; i++) {
		if (i > 0) {
			if (*s != '.')
				return -EINVAL;
			s++;
		}
		part = 0;
		for (nd = 0; s[nd] >= '0' && s[nd] <= '9'; nd++) {
			if (nd == 3)
				return -EINVAL;
			part = part * 10 + (uint32_t)(s[nd] - '0');
		}
		/* No empty parts, no leading zeros (inet_aton reads those
		 * as octal; we refuse to guess). */
		if (nd == 0 || part > 255 || (nd > 1 && s[0] == '0'))
			return -EINVAL;
		addr = (addr << 8) | part;
		s += nd;
	}
	if (*s != '\0')
		return -EINVAL;
	*out = addr;
	return 0;
}

int conf_parse_ipv4_port(const char *s, uint32_t *addr, uint16_t *port)
{
	char ip[16];
	const char *c = strchr(s, ':');
	uint64_t v;
	size_t n;

	if (c == NULL) {
		*port = CONF_DEFAULT_PORT;
		return conf_parse_ipv4(s, addr);
	}
	n = (size_t)(c - s);
	if (n >= sizeof(ip))
		return -EINVAL;
	memcpy(ip, s, n);
	ip[n] = '\0';
	if (conf_parse_ipv4(ip, addr) < 0)
		return -EINVAL;
	if (parse_digits(c + 1, strlen(c + 1), &v) < 0 || v < 1 ||
	    v > 65535 || (c[1] == '0'))
		return -EINVAL;
	*port = (uint16_t)v;
	return 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int conf_parse_mac(const char *s, uint8_t mac[6])
{
	int i, hi, lo;

	for (i = 0; i < 6; i++) {
		hi = hexval(s[0]);
		lo = hi < 0 ? -1 : hexval(s[1]);
		if (lo < 0)
			return -EINVAL;
		mac[i] = (uint8_t)(hi << 4 | lo);
		s += 2;
		if (i < 5 && *s++ != ':')
			return -EINVAL;
	}
	return *s == '\0' ? 0 : -EINVAL;
}

/* DPDK's -l syntax: "2", "2,4", "2-5,8". Lcore ids below 1024. */
int conf_parse_lcores(const char *s)
{
	uint64_t a, b;
	size_t n;

	for (;;) {
		n = count_digits(s);
		if (parse_digits(s, n, &a) < 0 || a >= 1024)
			return -EINVAL;
		s += n;
		if (*s == '-') {
			s++;
			n = count_digits(s);
			if (parse_digits(s, n, &b) < 0 || b >= 1024 || b < a)
				return -EINVAL;
			s += n;
		}
		if (*s == '\0')
			return 0;
		if (*s++ != ',')
			return -EINVAL;
	}
}

bool conf_valid_name(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s; s++) {
		char c = *s;

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '-' ||
		      c == '.'))
			return false;
	}
	return true;
}

void conf_format_ipv4(uint32_t a, char out[16])
{
	snprintf(out, 16, "%u.%u.%u.%u", a >> 24, (a >> 16) & 0xff,
		 (a >> 8) & 0xff, a & 0xff);
}
