// SPDX-License-Identifier: BSD-2-Clause
/* tests/harness/json.c: the strict JSON reader used by conformance tests. */
#include "test.h"

#include "json.h"

/* Parse from an exact-size heap copy so ASan sees any read past the end. */
static struct json_value *parse(const char *text, size_t len, char *err,
				size_t err_len)
{
	char *copy = malloc(len ? len : 1);
	struct json_value *v = NULL;

	ASSERT_TRUE(copy != NULL);
	memcpy(copy, text, len);
	v = json_parse(copy, len, err, err_len);
	free(copy);
	return v;
}

static struct json_value *parse_str(const char *text)
{
	char err[160];
	struct json_value *v = parse(text, strlen(text), err, sizeof(err));

	if (!v) {
		test_fail(__FILE__, __LINE__, "parse of %s failed: %s", text,
			  err);
	}
	return v;
}

TEST(json_reads_nested_objects_arrays_and_scalars)
{
	struct json_value *v = parse_str(
		" {\"name\":\"hf\",\"size\":80,\"ok\":true,\"no\":false,"
		"\"nil\":null,\"list\":[1,{\"x\":\"y\"},[]],\"o\":{}}\n");
	const struct json_value *list = json_get(v, "list");

	ASSERT_EQ(v->type, JSON_OBJECT);
	ASSERT_EQ(v->count, 7);
	ASSERT_TRUE(strcmp(json_str(json_get(v, "name")), "hf") == 0);
	ASSERT_EQ(json_get(v, "size")->integer, 80);
	ASSERT_TRUE(json_get(v, "size")->is_integer);
	ASSERT_EQ(json_get(v, "ok")->type, JSON_BOOL);
	ASSERT_TRUE(json_get(v, "ok")->boolean);
	ASSERT_FALSE(json_get(v, "no")->boolean);
	ASSERT_EQ(json_get(v, "nil")->type, JSON_NULL);
	ASSERT_EQ(list->type, JSON_ARRAY);
	ASSERT_EQ(list->count, 3);
	ASSERT_TRUE(strcmp(json_str(json_get(json_at(list, 1), "x")), "y") ==
		    0);
	ASSERT_EQ(json_at(list, 2)->count, 0);
	ASSERT_EQ(json_get(v, "o")->type, JSON_OBJECT);
	ASSERT_TRUE(json_get(v, "missing") == NULL);
	json_free(v);
}

TEST(json_lookups_on_wrong_types_return_null)
{
	struct json_value *v = parse_str("[\"a\",{\"k\":1}]");

	ASSERT_TRUE(json_get(v, "k") == NULL);
	ASSERT_TRUE(json_at(v, 2) == NULL);
	ASSERT_TRUE(json_at(json_at(v, 1), 0) == NULL);
	ASSERT_TRUE(json_str(json_at(v, 1)) == NULL);
	ASSERT_TRUE(json_get(NULL, "k") == NULL);
	ASSERT_TRUE(json_at(NULL, 0) == NULL);
	json_free(v);
}

TEST(json_string_escapes_decode_to_utf8)
{
	struct json_value *v =
		parse_str("\"q\\\" b\\\\ s\\/ \\b\\f\\n\\r\\t \\u00e9 \\u20AC "
			  "\\ud83d\\ude00 \\u0000!\"");
	static const char want[] = "q\" b\\ s/ \b\f\n\r\t \xc3\xa9 "
				   "\xe2\x82\xac \xf0\x9f\x98\x80 \0!";

	ASSERT_EQ(v->type, JSON_STRING);
	ASSERT_EQ(v->string_len, sizeof(want) - 1);
	ASSERT_MEM_EQ(v->string, want, sizeof(want) - 1);
	ASSERT_EQ(v->string[v->string_len], 0);
	json_free(v);
}

TEST(json_raw_utf8_in_strings_is_kept)
{
	struct json_value *v =
		parse_str("\"\xc2\xa7 \xe2\x80\x94 \xf0\x9f\x98\x80\"");

	ASSERT_EQ(v->string_len, 2 + 1 + 3 + 1 + 4);
	json_free(v);
}

TEST(json_integers_are_exact_and_other_numbers_are_not_integers)
{
	struct json_value *v = parse_str(
		"[0,-0,42,-17,9223372036854775807,-9223372036854775808,"
		"9223372036854775808,1.5,-2e3,1E+2,0.0]");

	ASSERT_EQ(json_at(v, 0)->integer, 0);
	ASSERT_TRUE(json_at(v, 1)->is_integer);
	ASSERT_EQ(json_at(v, 2)->integer, 42);
	ASSERT_EQ(json_at(v, 3)->integer, (uint64_t)(int64_t)-17);
	ASSERT_EQ(json_at(v, 4)->integer, INT64_MAX);
	ASSERT_EQ(json_at(v, 5)->integer, (uint64_t)INT64_MIN);
	ASSERT_TRUE(json_at(v, 5)->is_integer);
	ASSERT_FALSE(json_at(v, 6)->is_integer);
	ASSERT_FALSE(json_at(v, 7)->is_integer);
	ASSERT_TRUE(json_at(v, 7)->number == 1.5);
	ASSERT_TRUE(json_at(v, 8)->number == -2000.0);
	ASSERT_FALSE(json_at(v, 9)->is_integer);
	ASSERT_TRUE(json_at(v, 9)->number == 100.0);
	ASSERT_FALSE(json_at(v, 10)->is_integer);
	json_free(v);
}

TEST(json_malformed_input_is_rejected_with_a_message)
{
	static const char *const bad[] = {
		"",
		" ",
		"{",
		"}",
		"[",
		"[1,]",
		"[,1]",
		"{\"a\":1,}",
		"{\"a\" 1}",
		"{\"a\":}",
		"{a:1}",
		"{1:2}",
		"[1 2]",
		"1 2",
		"01",
		"-01",
		"-",
		"1.",
		".5",
		"1e",
		"1e+",
		"+1",
		"0x10",
		"tru",
		"nul",
		"falsey",
		"True",
		"'a'",
		"\"abc",
		"\"\\x\"",
		"\"\\u12\"",
		"\"\\u12g4\"",
		"\"\\ud800\"",
		"\"\\udc00\"",
		"\"\\ud800\\u0041\"",
		"\"\\ud800x\"",
		"NaN",
		"Infinity",
		"-Infinity",
		"/*c*/1",
		"// c\n1",
		"{\"a\":1,\"a\":2}",
		"\"\xc0\xaf\"",
		"\"\xed\xa0\x80\"",
		"\"\xf4\x90\x80\x80\"",
		"\"\xe2\x82\"",
		"\"\xff\"",
		"\"\x80\"",
		"\"a\tb\"",
		"\"a\nb\"",
		"[1]x",
		"\xef\xbb\xbf[]",
	};
	size_t i = 0;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char err[160] = "";
		struct json_value *v =
			parse(bad[i], strlen(bad[i]), err, sizeof(err));

		if (v) {
			test_fail(__FILE__, __LINE__, "accepted bad input #%zu",
				  i);
		}
		if (!strstr(err, "offset ")) {
			test_fail(__FILE__, __LINE__, "no message for #%zu", i);
		}
	}
}

TEST(json_embedded_nul_byte_outside_strings_is_rejected)
{
	char err[160];

	ASSERT_TRUE(parse("[1,\0 2]", 7, err, sizeof(err)) == NULL);
	ASSERT_TRUE(parse("\"a\0\"", 4, err, sizeof(err)) == NULL);
}

TEST(json_every_truncated_prefix_of_a_document_is_rejected)
{
	static const char doc[] =
		"{\"a\":[1,true,null,\"x\\u0041\\ud83d\\ude00\"],"
		"\"b\":{\"c\":-1.5e3,\"d\":false},\"e\":\"\xc3\xa9\"}";
	size_t n = 0;

	for (n = 0; n < sizeof(doc) - 1; n++) {
		char err[160];

		if (parse(doc, n, err, sizeof(err))) {
			test_fail(__FILE__, __LINE__, "prefix %zu accepted", n);
		}
	}
	json_free(parse_str(doc));
}

TEST(json_nesting_is_limited_to_max_depth)
{
	char deep[2 * (JSON_MAX_DEPTH + 2)];
	char err[160];
	struct json_value *v = NULL;
	size_t d = 0;

	/* JSON_MAX_DEPTH + 1 nested arrays: the outermost is depth 0. */
	for (d = 0; d <= JSON_MAX_DEPTH; d++) {
		deep[d] = '[';
		deep[2 * (JSON_MAX_DEPTH + 1) - 1 - d] = ']';
	}
	v = parse(deep, 2 * (JSON_MAX_DEPTH + 1), err, sizeof(err));
	ASSERT_TRUE(v != NULL);
	json_free(v);

	memmove(deep + 1, deep, 2 * (JSON_MAX_DEPTH + 1));
	deep[0] = '[';
	deep[2 * (JSON_MAX_DEPTH + 1) + 1] = ']';
	ASSERT_TRUE(parse(deep, sizeof(deep), err, sizeof(err)) == NULL);
	ASSERT_TRUE(strstr(err, "nesting") != NULL);
}

TEST(json_error_buffer_may_be_tiny_or_absent)
{
	char err[4] = "zzz";

	ASSERT_TRUE(json_parse("[", 1, err, sizeof(err)) == NULL);
	ASSERT_EQ(strlen(err), 3);
	ASSERT_TRUE(json_parse("[", 1, NULL, 0) == NULL);
	ASSERT_TRUE(json_parse(NULL, 0, NULL, 0) == NULL);
}

TEST(json_missing_file_is_an_error)
{
	char err[256] = "";

	ASSERT_TRUE(json_parse_file("/nonexistent/manifest.json", err,
				    sizeof(err)) == NULL);
	ASSERT_TRUE(strstr(err, "/nonexistent/manifest.json") != NULL);
}
