/* SPDX-License-Identifier: BSD-3-Clause
 *
 * One line of a configuration file -> tokens. The line is untrusted: any
 * byte string is handled, and what is not text (NUL, control bytes,
 * invalid UTF-8) is an error that names its column rather than a token
 * that confuses the grammar later.
 *
 * Tokens: { } = ; (punctuation), "quoted strings" (escapes \" and \\),
 * and words: runs of anything else up to white space, punctuation, a
 * quote or '#', which starts a comment. As in Spread's spread.conf,
 * `Window=60` and `Window = 60` are the same.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lib/conf/conf_impl.h"

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0. Rejects
 * overlong forms, surrogates and code points above U+10FFFF. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	size_t need, i;
	uint32_t cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		need = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		need = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		need = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (n < need)
		return 0;
	for (i = 1; i < need; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((need == 3 && cp < 0x800) || (need == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return need;
}

static int check_text(const char *line, size_t len, char *err, size_t errlen)
{
	const unsigned char *s = (const unsigned char *)line;
	size_t i = 0, k;

	while (i < len) {
		if (s[i] == 0) {
			snprintf(err, errlen, "NUL byte at column %zu", i + 1);
			return -EINVAL;
		}
		if ((s[i] < 0x20 && s[i] != '\t') || s[i] == 0x7f) {
			snprintf(err, errlen,
				 "control character \\x%02x at column %zu",
				 s[i], i + 1);
			return -EINVAL;
		}
		k = utf8_seq(s + i, len - i);
		if (k == 0) {
			snprintf(err, errlen,
				 "invalid UTF-8 (byte \\x%02x) at column %zu",
				 s[i], i + 1);
			return -EINVAL;
		}
		i += k;
	}
	return 0;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

static bool ends_word(char c)
{
	return is_space(c) || c == '{' || c == '}' || c == '=' || c == ';' ||
	       c == '"' || c == '#';
}

int conf_lex(const char *line, size_t len, struct lexed_line *out, char *err,
	     size_t errlen)
{
	size_t i = 0, o = 0;
	struct tok *t;
	int rc;

	out->n = 0;
	if (len > 0 && line[len - 1] == '\r')
		len--;
	if (len > ORDO_CONF_LINE_MAX) {
		snprintf(err, errlen, "line too long (%zu bytes, at most %u)",
			 len, ORDO_CONF_LINE_MAX);
		return -EINVAL;
	}
	rc = check_text(line, len, err, errlen);
	if (rc < 0)
		return rc;

	for (;;) {
		while (i < len && is_space(line[i]))
			i++;
		if (i >= len || line[i] == '#')
			break;
		if (out->n >= CONF_MAX_TOKENS) {
			snprintf(err, errlen,
				 "too many tokens on one line (at most %u)",
				 CONF_MAX_TOKENS);
			return -EINVAL;
		}
		t = &out->toks[out->n++];
		t->col = (uint32_t)i + 1;
		t->s = &out->buf[o];

		switch (line[i]) {
		case '{': t->type = TOK_LBRACE; break;
		case '}': t->type = TOK_RBRACE; break;
		case '=': t->type = TOK_EQUALS; break;
		case ';': t->type = TOK_SEMI; break;
		case '"': t->type = TOK_STRING; break;
		default:  t->type = TOK_WORD; break;
		}

		if (t->type == TOK_STRING) {
			size_t start = i++;

			for (;;) {
				if (i >= len) {
					snprintf(err, errlen,
						 "unterminated string starting at column %zu",
						 start + 1);
					return -EINVAL;
				}
				if (line[i] == '"') {
					i++;
					break;
				}
				if (line[i] == '\\') {
					if (i + 1 < len &&
					    (line[i + 1] == '"' ||
					     line[i + 1] == '\\')) {
						out->buf[o++] = line[i + 1];
						i += 2;
						continue;
					}
					snprintf(err, errlen,
						 "unknown escape in string at column %zu (only \\\" and \\\\)",
						 i + 1);
					return -EINVAL;
				}
				out->buf[o++] = line[i++];
			}
		} else if (t->type == TOK_WORD) {
			while (i < len && !ends_word(line[i]))
				out->buf[o++] = line[i++];
		} else {
			out->buf[o++] = line[i++];
		}
		t->len = (size_t)(&out->buf[o] - t->s);
		out->buf[o++] = '\0';
	}

	t = &out->toks[out->n];
	t->type = TOK_EOL;
	t->s = "end of line";
	t->len = 11;
	t->col = (uint32_t)len + 1;
	return 0;
}
