/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A small, strict JSON reader (RFC 8259) for test data such as
 * shared/testdata/ffa/manifest.json.
 *
 * Strict means: exactly one value surrounded by optional whitespace; no
 * comments, trailing commas, single quotes, leading zeros, NaN/Infinity,
 * raw control characters in strings, invalid UTF-8, unpaired surrogate
 * escapes or duplicate object keys. Malformed input yields NULL and a
 * message naming the byte offset, never a crash. Nesting is limited to
 * JSON_MAX_DEPTH so that hostile input cannot exhaust the stack.
 */
#ifndef TZS_JSON_H
#define TZS_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JSON_MAX_DEPTH 64

enum json_type {
	JSON_NULL,
	JSON_BOOL,
	JSON_NUMBER,
	JSON_STRING,
	JSON_ARRAY,
	JSON_OBJECT,
};

struct json_value {
	enum json_type type;
	bool boolean;
	double number;
	/* The number had no fraction or exponent and fits an int64_t. */
	bool is_integer;
	int64_t integer;
	/* Strings: UTF-8, NUL-terminated; \u0000 may embed a NUL. */
	char *string;
	size_t string_len;
	/* Arrays: count items. Objects: count keys[i] -> items[i]. */
	size_t count;
	struct json_value **items;
	char **keys;
	size_t *key_lens;
};

/**
 * json_parse() - parse @len bytes of @text (need not be NUL-terminated).
 * Returns the tree (free with json_free()) or NULL with a message in @err.
 */
struct json_value *json_parse(const char *text, size_t len, char *err,
			      size_t err_len);
/** json_parse_file() - read and parse a whole file. */
struct json_value *json_parse_file(const char *path, char *err, size_t err_len);
void json_free(struct json_value *v);

/** Member @key of an object, or NULL (also when @obj is not an object). */
const struct json_value *json_get(const struct json_value *obj,
				  const char *key);
/** Element @i of an array, or NULL. */
const struct json_value *json_at(const struct json_value *arr, size_t i);
/** The string of a JSON string value, or NULL for any other type. */
const char *json_str(const struct json_value *v);

#endif /* TZS_JSON_H */
