// SPDX-License-Identifier: BSD-2-Clause
/* Strict recursive-descent JSON reader; see json.h for what it rejects. */
#include "json.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct parser {
	const char *p;
	const char *end;
	const char *start;
	char *err;
	size_t err_len;
	bool failed;
};

/* A growable byte buffer for string contents. */
struct sbuf {
	char *data;
	size_t len;
	size_t cap;
};

static struct json_value *parse_value(struct parser *ps, unsigned int depth);

__attribute__((format(printf, 2, 3))) static void fail(struct parser *ps,
						       const char *fmt, ...)
{
	va_list ap;
	int n = 0;

	if (ps->failed) {
		return;
	}
	ps->failed = true;
	if (!ps->err || !ps->err_len) {
		return;
	}
	n = snprintf(ps->err, ps->err_len,
		     "offset %zu: ", (size_t)(ps->p - ps->start));
	if (n < 0 || (size_t)n >= ps->err_len) {
		return;
	}
	va_start(ap, fmt);
	vsnprintf(ps->err + n, ps->err_len - (size_t)n, fmt, ap);
	va_end(ap);
}

static void skip_ws(struct parser *ps)
{
	while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' ||
				   *ps->p == '\n' || *ps->p == '\r')) {
		ps->p++;
	}
}

static bool literal(struct parser *ps, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n) != 0) {
		fail(ps, "invalid literal");
		return false;
	}
	ps->p += n;
	return true;
}

static struct json_value *new_value(struct parser *ps, enum json_type type)
{
	struct json_value *v = calloc(1, sizeof(*v));

	if (!v) {
		fail(ps, "out of memory");
		return NULL;
	}
	v->type = type;
	return v;
}

static bool sbuf_put(struct parser *ps, struct sbuf *sb, const char *src,
		     size_t n)
{
	if (sb->cap - sb->len <= n) {
		size_t cap = sb->cap ? sb->cap : 16;
		char *data = NULL;

		while (cap - sb->len <= n) {
			if (cap > SIZE_MAX / 2) {
				fail(ps, "string too long");
				return false;
			}
			cap *= 2;
		}
		data = realloc(sb->data, cap);
		if (!data) {
			fail(ps, "out of memory");
			return false;
		}
		sb->data = data;
		sb->cap = cap;
	}
	memcpy(sb->data + sb->len, src, n);
	sb->len += n;
	sb->data[sb->len] = '\0';
	return true;
}

static bool put_utf8(struct parser *ps, struct sbuf *sb, uint32_t cp)
{
	char out[4];
	size_t n = 0;

	if (cp < 0x80) {
		out[n++] = (char)cp;
	} else if (cp < 0x800) {
		out[n++] = (char)(0xC0 | cp >> 6);
		out[n++] = (char)(0x80 | (cp & 0x3F));
	} else if (cp < 0x10000) {
		out[n++] = (char)(0xE0 | cp >> 12);
		out[n++] = (char)(0x80 | (cp >> 6 & 0x3F));
		out[n++] = (char)(0x80 | (cp & 0x3F));
	} else {
		out[n++] = (char)(0xF0 | cp >> 18);
		out[n++] = (char)(0x80 | (cp >> 12 & 0x3F));
		out[n++] = (char)(0x80 | (cp >> 6 & 0x3F));
		out[n++] = (char)(0x80 | (cp & 0x3F));
	}
	return sbuf_put(ps, sb, out, n);
}

static bool hex4(struct parser *ps, uint32_t *out)
{
	uint32_t v = 0;
	int i = 0;

	if (ps->end - ps->p < 4) {
		fail(ps, "truncated \\u escape");
		return false;
	}
	for (i = 0; i < 4; i++) {
		char c = ps->p[i];

		v <<= 4;
		if (c >= '0' && c <= '9') {
			v |= (uint32_t)(c - '0');
		} else if (c >= 'a' && c <= 'f') {
			v |= (uint32_t)(c - 'a' + 10);
		} else if (c >= 'A' && c <= 'F') {
			v |= (uint32_t)(c - 'A' + 10);
		} else {
			fail(ps, "bad hex digit in \\u escape");
			return false;
		}
	}
	ps->p += 4;
	*out = v;
	return true;
}

/* After "\u": one code point, combining a surrogate pair. */
static bool unicode_escape(struct parser *ps, struct sbuf *sb)
{
	uint32_t hi = 0, lo = 0;

	if (!hex4(ps, &hi)) {
		return false;
	}
	if (hi >= 0xDC00 && hi <= 0xDFFF) {
		fail(ps, "unpaired low surrogate");
		return false;
	}
	if (hi < 0xD800 || hi > 0xDBFF) {
		return put_utf8(ps, sb, hi);
	}
	if (ps->end - ps->p < 2 || ps->p[0] != '\\' || ps->p[1] != 'u') {
		fail(ps, "unpaired high surrogate");
		return false;
	}
	ps->p += 2;
	if (!hex4(ps, &lo)) {
		return false;
	}
	if (lo < 0xDC00 || lo > 0xDFFF) {
		fail(ps, "high surrogate not followed by a low one");
		return false;
	}
	return put_utf8(ps, sb,
			0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00));
}

static bool escape(struct parser *ps, struct sbuf *sb)
{
	static const char from[] = "\"\\/bfnrt";
	static const char to[] = "\"\\/\b\f\n\r\t";
	const char *hit = NULL;
	char c = 0;

	if (ps->p == ps->end) {
		fail(ps, "truncated escape");
		return false;
	}
	c = *ps->p++;
	if (c == 'u') {
		return unicode_escape(ps, sb);
	}
	hit = c ? strchr(from, c) : NULL;
	if (!hit) {
		ps->p--;
		fail(ps, "invalid escape");
		return false;
	}
	return sbuf_put(ps, sb, &to[hit - from], 1);
}

/*
 * Length of the well-formed UTF-8 sequence at p (RFC 3629: no overlongs,
 * no surrogates, nothing above U+10FFFF), or 0.
 */
static size_t utf8_seq_len(const unsigned char *p, size_t avail)
{
	size_t n = 0, i = 0;
	unsigned char lo = 0x80, hi = 0xBF;

	if (p[0] >= 0xC2 && p[0] <= 0xDF) {
		n = 2;
	} else if (p[0] >= 0xE0 && p[0] <= 0xEF) {
		n = 3;
		lo = p[0] == 0xE0 ? 0xA0 : 0x80;
		hi = p[0] == 0xED ? 0x9F : 0xBF;
	} else if (p[0] >= 0xF0 && p[0] <= 0xF4) {
		n = 4;
		lo = p[0] == 0xF0 ? 0x90 : 0x80;
		hi = p[0] == 0xF4 ? 0x8F : 0xBF;
	} else {
		return 0;
	}
	if (avail < n || p[1] < lo || p[1] > hi) {
		return 0;
	}
	for (i = 2; i < n; i++) {
		if (p[i] < 0x80 || p[i] > 0xBF) {
			return 0;
		}
	}
	return n;
}

/* At the opening quote. Returns the contents in a malloc'd buffer. */
static bool parse_string_raw(struct parser *ps, char **out, size_t *out_len)
{
	struct sbuf sb = { NULL, 0, 0 };

	ps->p++;
	if (!sbuf_put(ps, &sb, "", 0)) {
		return false;
	}
	for (;;) {
		unsigned char c = 0;
		size_t n = 1;

		if (ps->p == ps->end) {
			fail(ps, "unterminated string");
			goto out_free;
		}
		c = (unsigned char)*ps->p;
		if (c == '"') {
			ps->p++;
			break;
		}
		if (c == '\\') {
			ps->p++;
			if (!escape(ps, &sb)) {
				goto out_free;
			}
			continue;
		}
		if (c < 0x20) {
			fail(ps, "control character in string");
			goto out_free;
		}
		if (c >= 0x80) {
			n = utf8_seq_len((const unsigned char *)ps->p,
					 (size_t)(ps->end - ps->p));
			if (!n) {
				fail(ps, "invalid UTF-8");
				goto out_free;
			}
		}
		if (!sbuf_put(ps, &sb, ps->p, n)) {
			goto out_free;
		}
		ps->p += n;
	}
	*out = sb.data;
	*out_len = sb.len;
	return true;

out_free:
	free(sb.data);
	return false;
}

static size_t digits(struct parser *ps)
{
	const char *s = ps->p;

	while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9') {
		ps->p++;
	}
	return (size_t)(ps->p - s);
}

/* Exact int64 value of an integer token, or false if it does not fit. */
static bool token_int64(const char *s, size_t n, int64_t *out)
{
	bool neg = s[0] == '-';
	uint64_t limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	uint64_t v = 0;
	size_t i = neg ? 1 : 0;

	for (; i < n; i++) {
		uint64_t d = (uint64_t)(s[i] - '0');

		if (v > (limit - d) / 10) {
			return false;
		}
		v = v * 10 + d;
	}
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	return true;
}

static struct json_value *parse_number(struct parser *ps)
{
	const char *s = ps->p;
	bool integer = true;
	struct json_value *v = NULL;
	char tmp[512];
	size_t n = 0;

	if (ps->p < ps->end && *ps->p == '-') {
		ps->p++;
	}
	if (ps->p < ps->end && *ps->p == '0') {
		ps->p++;
		if (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9') {
			fail(ps, "leading zero in number");
			return NULL;
		}
	} else if (!digits(ps)) {
		fail(ps, "invalid number");
		return NULL;
	}
	if (ps->p < ps->end && *ps->p == '.') {
		ps->p++;
		integer = false;
		if (!digits(ps)) {
			fail(ps, "digit expected after '.'");
			return NULL;
		}
	}
	if (ps->p < ps->end && (*ps->p == 'e' || *ps->p == 'E')) {
		ps->p++;
		integer = false;
		if (ps->p < ps->end && (*ps->p == '+' || *ps->p == '-')) {
			ps->p++;
		}
		if (!digits(ps)) {
			fail(ps, "digit expected in exponent");
			return NULL;
		}
	}
	n = (size_t)(ps->p - s);
	if (n >= sizeof(tmp)) {
		fail(ps, "number too long");
		return NULL;
	}
	v = new_value(ps, JSON_NUMBER);
	if (!v) {
		return NULL;
	}
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	v->number = strtod(tmp, NULL);
	v->is_integer = integer && token_int64(tmp, n, &v->integer);
	return v;
}

static bool grow(struct parser *ps, struct json_value *v, size_t *cap,
		 bool with_keys)
{
	size_t ncap = *cap ? *cap * 2 : 8;
	struct json_value **items = NULL;

	if (v->count < *cap) {
		return true;
	}
	items = realloc(v->items, ncap * sizeof(*items));
	if (!items) {
		fail(ps, "out of memory");
		return false;
	}
	v->items = items;
	if (with_keys) {
		char **keys = realloc(v->keys, ncap * sizeof(*keys));
		size_t *lens = NULL;

		if (!keys) {
			fail(ps, "out of memory");
			return false;
		}
		v->keys = keys;
		lens = realloc(v->key_lens, ncap * sizeof(*lens));
		if (!lens) {
			fail(ps, "out of memory");
			return false;
		}
		v->key_lens = lens;
	}
	*cap = ncap;
	return true;
}

/* At '[' or '{': consume it; true when the container closes right away. */
static bool open_container(struct parser *ps, char close)
{
	ps->p++;
	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == close) {
		ps->p++;
		return true;
	}
	return false;
}

/* After an element: ',' continues (false), @close ends (true). */
static bool next_or_close(struct parser *ps, char close, bool *done)
{
	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == ',') {
		ps->p++;
		*done = false;
		return true;
	}
	if (ps->p < ps->end && *ps->p == close) {
		ps->p++;
		*done = true;
		return true;
	}
	fail(ps, "expected ',' or '%c'", close);
	return false;
}

static struct json_value *parse_array(struct parser *ps, unsigned int depth)
{
	struct json_value *v = new_value(ps, JSON_ARRAY);
	size_t cap = 0;
	bool done = false;

	if (!v) {
		return NULL;
	}
	if (open_container(ps, ']')) {
		return v;
	}
	while (!done) {
		struct json_value *item = NULL;

		if (!grow(ps, v, &cap, false)) {
			goto out_free;
		}
		item = parse_value(ps, depth + 1);
		if (!item) {
			goto out_free;
		}
		v->items[v->count++] = item;
		if (!next_or_close(ps, ']', &done)) {
			goto out_free;
		}
	}
	return v;

out_free:
	json_free(v);
	return NULL;
}

static bool has_key(const struct json_value *obj, const char *key,
		    size_t key_len)
{
	size_t i = 0;

	for (i = 0; i < obj->count; i++) {
		if (obj->key_lens[i] == key_len &&
		    memcmp(obj->keys[i], key, key_len) == 0) {
			return true;
		}
	}
	return false;
}

static bool parse_member(struct parser *ps, struct json_value *v,
			 unsigned int depth)
{
	char *key = NULL;
	size_t key_len = 0;
	struct json_value *item = NULL;

	skip_ws(ps);
	if (ps->p == ps->end || *ps->p != '"') {
		fail(ps, "object key expected");
		return false;
	}
	if (!parse_string_raw(ps, &key, &key_len)) {
		return false;
	}
	if (has_key(v, key, key_len)) {
		fail(ps, "duplicate key \"%s\"", key);
		goto out_free;
	}
	skip_ws(ps);
	if (ps->p == ps->end || *ps->p != ':') {
		fail(ps, "':' expected");
		goto out_free;
	}
	ps->p++;
	item = parse_value(ps, depth + 1);
	if (!item) {
		goto out_free;
	}
	v->keys[v->count] = key;
	v->key_lens[v->count] = key_len;
	v->items[v->count++] = item;
	return true;

out_free:
	free(key);
	return false;
}

static struct json_value *parse_object(struct parser *ps, unsigned int depth)
{
	struct json_value *v = new_value(ps, JSON_OBJECT);
	size_t cap = 0;
	bool done = false;

	if (!v) {
		return NULL;
	}
	if (open_container(ps, '}')) {
		return v;
	}
	while (!done) {
		if (!grow(ps, v, &cap, true) || !parse_member(ps, v, depth) ||
		    !next_or_close(ps, '}', &done)) {
			json_free(v);
			return NULL;
		}
	}
	return v;
}

static struct json_value *parse_string(struct parser *ps)
{
	struct json_value *v = new_value(ps, JSON_STRING);

	if (v && !parse_string_raw(ps, &v->string, &v->string_len)) {
		json_free(v);
		return NULL;
	}
	return v;
}

static struct json_value *parse_literal(struct parser *ps, const char *word,
					enum json_type type, bool b)
{
	struct json_value *v = NULL;

	if (!literal(ps, word)) {
		return NULL;
	}
	v = new_value(ps, type);
	if (v) {
		v->boolean = b;
	}
	return v;
}

static struct json_value *parse_value(struct parser *ps, unsigned int depth)
{
	if (depth > JSON_MAX_DEPTH) {
		fail(ps, "nesting deeper than %d", JSON_MAX_DEPTH);
		return NULL;
	}
	skip_ws(ps);
	if (ps->p == ps->end) {
		fail(ps, "value expected, end of input");
		return NULL;
	}
	switch (*ps->p) {
	case '{':
		return parse_object(ps, depth);
	case '[':
		return parse_array(ps, depth);
	case '"':
		return parse_string(ps);
	case 't':
		return parse_literal(ps, "true", JSON_BOOL, true);
	case 'f':
		return parse_literal(ps, "false", JSON_BOOL, false);
	case 'n':
		return parse_literal(ps, "null", JSON_NULL, false);
	default:
		if (*ps->p == '-' || (*ps->p >= '0' && *ps->p <= '9')) {
			return parse_number(ps);
		}
		fail(ps, "unexpected character 0x%02x",
		     (unsigned int)(unsigned char)*ps->p);
		return NULL;
	}
}

struct json_value *json_parse(const char *text, size_t len, char *err,
			      size_t err_len)
{
	struct parser ps = { text, text + len, text, err, err_len, false };
	struct json_value *v = NULL;

	if (err && err_len) {
		err[0] = '\0';
	}
	if (!text) {
		fail(&ps, "no input");
		return NULL;
	}
	v = parse_value(&ps, 0);
	if (!v) {
		return NULL;
	}
	skip_ws(&ps);
	if (ps.p != ps.end) {
		fail(&ps, "trailing characters after the value");
		json_free(v);
		return NULL;
	}
	return v;
}

struct json_value *json_parse_file(const char *path, char *err, size_t err_len)
{
	FILE *f = fopen(path, "rb");
	struct json_value *v = NULL;
	char *text = NULL;
	long size = 0;

	if (!f) {
		snprintf(err, err_len, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0) {
		snprintf(err, err_len, "%s: cannot size file", path);
		goto out_close;
	}
	text = malloc((size_t)size + 1);
	if (!text) {
		snprintf(err, err_len, "%s: out of memory", path);
		goto out_close;
	}
	if (fread(text, 1, (size_t)size, f) != (size_t)size) {
		snprintf(err, err_len, "%s: short read", path);
		goto out_free;
	}
	v = json_parse(text, (size_t)size, err, err_len);
out_free:
	free(text);
out_close:
	fclose(f);
	return v;
}

void json_free(struct json_value *v)
{
	size_t i = 0;

	if (!v) {
		return;
	}
	for (i = 0; i < v->count; i++) {
		json_free(v->items[i]);
		if (v->keys) {
			free(v->keys[i]);
		}
	}
	free(v->items);
	free(v->keys);
	free(v->key_lens);
	free(v->string);
	free(v);
}

const struct json_value *json_get(const struct json_value *obj, const char *key)
{
	size_t i = 0, n = 0;

	if (!obj || obj->type != JSON_OBJECT || !key) {
		return NULL;
	}
	n = strlen(key);
	for (i = 0; i < obj->count; i++) {
		if (obj->key_lens[i] == n &&
		    memcmp(obj->keys[i], key, n) == 0) {
			return obj->items[i];
		}
	}
	return NULL;
}

const struct json_value *json_at(const struct json_value *arr, size_t i)
{
	if (!arr || arr->type != JSON_ARRAY || i >= arr->count) {
		return NULL;
	}
	return arr->items[i];
}

const char *json_str(const struct json_value *v)
{
	return v && v->type == JSON_STRING ? v->string : NULL;
}
