// SPDX-License-Identifier: BSD-2-Clause
/*
 * Our FF-A codec against the real-peer vectors in shared/testdata/ffa/
 * (Hafnium and Linux encoders; README.md there). For every vector listed in
 * manifest.json: the .bin has the listed size, our decoders give exactly
 * the manifest's `fields` (every leaf of `fields` must be checked, or the
 * test fails), and clean vectors re-encode with our encoders to the same
 * bytes. Mismatches are reported per vector and field, all at once.
 *
 * Vectors are read into exact-size heap buffers so that the sanitizer build
 * catches any decoder read outside [buf, buf + len).
 */
#include "test.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>

#include <tzshare/ffa.h>
#include <tzshare/lib.h>

#include "ffa_vectors.h"
#include "json.h"

#define MAX_CONSUMED 4096

/* The one vector whose reserved bytes are dirty (README, item 2). */
#define STALE_TX_VECTOR "linux_v11_share_sg2_stale_tx"

/* virtio-msg FF-A bus UUID c66028b5-2498-4aa1-9de7-77da6122abf0 (README). */
static const uint8_t uuid_bus[16] = { 0xc6, 0x60, 0x28, 0xb5, 0x24, 0x98,
				      0x4a, 0xa1, 0x9d, 0xe7, 0x77, 0xda,
				      0x61, 0x22, 0xab, 0xf0 };

enum kind {
	K_UNKNOWN,
	K_SEND,
	K_RETRIEVE_REQ,
	K_RETRIEVE_RESP,
	K_RELINQUISH,
	K_MSG_SEND2,
	K_PART_INFO,
	K_REGS,
};

/* Shared state of one TEST: the manifest and the mismatch count. */
struct ctx {
	struct fv_manifest m;
	unsigned int failures;
	unsigned int vectors_seen;
	const struct json_value *consumed[MAX_CONSUMED];
	size_t consumed_count;
};

/* One vector: its manifest entry and bytes. */
struct vec {
	const struct json_value *j;
	const struct json_value *fields;
	const char *name;
	const char *abi;
	const char *version_str;
	uint32_t version;
	enum kind kind;
	uint8_t *data;
	size_t len;
};

__attribute__((format(printf, 3, 4))) static void
mismatch(struct ctx *c, const struct vec *v, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "  [%s] ", v ? v->name : "manifest");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	c->failures++;
}

static void finish(struct ctx *c)
{
	unsigned int failures = c->failures;
	unsigned int seen = c->vectors_seen;

	fv_close(&c->m);
	free(c);
	if (failures) {
		test_fail(__FILE__, __LINE__, "%u mismatch(es), see above",
			  failures);
	}
	if (!seen) {
		test_fail(__FILE__, __LINE__, "no vector of this kind");
	}
}

static struct ctx *ctx_load(void)
{
	struct fv_manifest m;
	struct ctx *c = NULL;

	fv_open(&m); /* may skip the TEST: before allocating */
	c = calloc(1, sizeof(*c));
	ASSERT_TRUE(c != NULL);
	c->m = m;
	return c;
}

/* ---- manifest field access; every leaf read is marked consumed ------ */

static void consume(struct ctx *c, const struct json_value *v)
{
	if (v && c->consumed_count < MAX_CONSUMED) {
		c->consumed[c->consumed_count++] = v;
	}
}

static bool is_consumed(const struct ctx *c, const struct json_value *v)
{
	size_t i = 0;

	for (i = 0; i < c->consumed_count; i++) {
		if (c->consumed[i] == v) {
			return true;
		}
	}
	return false;
}

/* Every scalar under @v must have been compared by some check. */
static void check_all_consumed(struct ctx *c, const struct vec *vec,
			       const struct json_value *v, const char *path)
{
	size_t i = 0;

	if (v->type != JSON_OBJECT && v->type != JSON_ARRAY) {
		if (!is_consumed(c, v)) {
			mismatch(c, vec, "field %s was not checked", path);
		}
		return;
	}
	for (i = 0; i < v->count; i++) {
		char sub[256];

		if (v->type == JSON_OBJECT) {
			snprintf(sub, sizeof(sub), "%s.%s", path, v->keys[i]);
		} else {
			snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
		}
		check_all_consumed(c, vec, v->items[i], sub);
	}
}

/*
 * Leading number of a field: a JSON integer, or a string starting with a
 * hex ("0x2f (normal,...)") or decimal ("32 (implicit, v1.0)") number that
 * is followed by nothing or by " (".
 */
static bool value_u64(const struct json_value *v, uint64_t *out)
{
	const char *s = NULL;
	char *end = NULL;

	if (!v) {
		return false;
	}
	if (v->type == JSON_NUMBER) {
		if (!v->is_integer || v->integer < 0) {
			return false;
		}
		*out = (uint64_t)v->integer;
		return true;
	}
	s = json_str(v);
	if (!s || !((s[0] >= '0' && s[0] <= '9'))) {
		return false;
	}
	errno = 0;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		if (!strchr("0123456789abcdefABCDEF", s[2]) || !s[2]) {
			return false;
		}
		*out = strtoull(s + 2, &end, 16);
	} else {
		*out = strtoull(s, &end, 10);
	}
	if (errno) {
		return false;
	}
	return *end == '\0' || (end[0] == ' ' && end[1] == '(');
}

static const struct json_value *field(struct ctx *c, const struct vec *v,
				      const struct json_value *obj,
				      const char *key)
{
	const struct json_value *f = json_get(obj, key);

	if (!f) {
		mismatch(c, v, "manifest field %s missing", key);
	}
	return f;
}

/* Compare numeric field @key of @obj with @got. */
static void check_num(struct ctx *c, const struct vec *v,
		      const struct json_value *obj, const char *key,
		      uint64_t got)
{
	const struct json_value *f = json_get(obj, key);
	uint64_t want = 0;

	if (!f) {
		mismatch(c, v, "manifest field %s missing", key);
		return;
	}
	consume(c, f);
	if (!value_u64(f, &want)) {
		mismatch(c, v, "field %s: cannot parse manifest value", key);
		return;
	}
	if (got != want) {
		mismatch(c, v,
			 "field %s: decoded 0x%" PRIx64 ", manifest 0x%" PRIx64,
			 key, got, want);
	}
}

/* Optional numeric field: compared when present. */
static void check_num_opt(struct ctx *c, const struct vec *v,
			  const struct json_value *obj, const char *key,
			  uint64_t got)
{
	if (json_get(obj, key)) {
		check_num(c, v, obj, key, got);
	}
}

/* Hex string -> bytes; false on odd length or a non-hex digit. */
static bool hex_bytes(const char *s, uint8_t *out, size_t cap, size_t *len)
{
	size_t n = strlen(s), i = 0;

	if (n % 2 || n / 2 > cap) {
		return false;
	}
	for (i = 0; i < n / 2; i++) {
		char two[3] = { s[2 * i], s[2 * i + 1], 0 };
		char *end = NULL;

		if (!strchr("0123456789abcdefABCDEF", two[0]) || !two[0] ||
		    !strchr("0123456789abcdefABCDEF", two[1]) || !two[1]) {
			return false;
		}
		out[i] = (uint8_t)strtoul(two, &end, 16);
	}
	*len = n / 2;
	return true;
}

static void check_hex_value(struct ctx *c, const struct vec *v,
			    const struct json_value *f, const char *key,
			    const uint8_t *got, size_t got_len)
{
	uint8_t want[256];
	size_t want_len = 0;

	consume(c, f);
	if (!json_str(f) ||
	    !hex_bytes(json_str(f), want, sizeof(want), &want_len)) {
		mismatch(c, v, "field %s: cannot parse hex", key);
		return;
	}
	if (want_len != got_len || memcmp(want, got, got_len) != 0) {
		mismatch(c, v, "field %s: decoded bytes differ from manifest",
			 key);
	}
}

static void check_hex(struct ctx *c, const struct vec *v,
		      const struct json_value *obj, const char *key,
		      const uint8_t *got, size_t got_len)
{
	const struct json_value *f = field(c, v, obj, key);

	if (f) {
		check_hex_value(c, v, f, key, got, got_len);
	}
}

/* Member whose key starts with @prefix ("u32_at_40 (Hf: ...)"). */
static const struct json_value *get_prefix(const struct json_value *obj,
					   const char *prefix)
{
	size_t i = 0;

	for (i = 0; obj && obj->type == JSON_OBJECT && i < obj->count; i++) {
		if (strncmp(obj->keys[i], prefix, strlen(prefix)) == 0) {
			return obj->items[i];
		}
	}
	return NULL;
}

/* ---- vectors ---------------------------------------------------------- */

static enum kind classify(const char *abi, const struct json_value *fields)
{
	static const char *const sends[] = {
		"FFA_MEM_SHARE",   "FFA_MEM_SHARE_64", "FFA_MEM_LEND",
		"FFA_MEM_LEND_64", "FFA_MEM_DONATE",   "FFA_MEM_DONATE_64",
	};
	size_t i = 0;

	for (i = 0; i < sizeof(sends) / sizeof(sends[0]); i++) {
		if (strcmp(abi, sends[i]) == 0) {
			return K_SEND;
		}
	}
	if (strcmp(abi, "FFA_MEM_RETRIEVE_REQ") == 0) {
		return K_RETRIEVE_REQ;
	}
	if (strcmp(abi, "FFA_MEM_RETRIEVE_RESP") == 0) {
		return K_RETRIEVE_RESP;
	}
	if (strcmp(abi, "FFA_MEM_RELINQUISH") == 0) {
		return K_RELINQUISH;
	}
	if (strcmp(abi, "FFA_MSG_SEND2") == 0) {
		return K_MSG_SEND2;
	}
	if (strcmp(abi, "FFA_MSG_SEND_DIRECT_REQ2") == 0) {
		return K_REGS;
	}
	if (strcmp(abi, "FFA_PARTITION_INFO_GET") == 0) {
		/* Either RX contents or the caller's register image. */
		return json_get(fields, "x0") ? K_REGS : K_PART_INFO;
	}
	return K_UNKNOWN;
}

/*
 * "1.0", "1.1", "1.2", "1.1/1.2", "1.1+ (...)", "1.2 (used for ...)": the
 * leading major.minor. "1.1/1.2" vectors use the 48-byte header of both,
 * and their EMAD size is read from the header.
 */
static bool parse_version(const char *s, uint32_t *version)
{
	unsigned long major = 0, minor = 0;
	char *end = NULL;

	if (!s || s[0] < '0' || s[0] > '9') {
		return false;
	}
	major = strtoul(s, &end, 10);
	if (*end != '.' || end[1] < '0' || end[1] > '9') {
		return false;
	}
	minor = strtoul(end + 1, &end, 10);
	if (major != 1 || minor > 0xffff) {
		return false;
	}
	*version = FFA_VERSION_MAKE(major, minor);
	return true;
}

/* Fill @v from manifest entry @i; false (with a mismatch) when unusable. */
static bool vec_load(struct ctx *c, size_t i, struct vec *v)
{
	const char *file = NULL;

	memset(v, 0, sizeof(*v));
	v->j = json_at(c->m.vectors, i);
	v->name = json_str(json_get(v->j, "name"));
	v->abi = json_str(json_get(v->j, "abi"));
	v->version_str = json_str(json_get(v->j, "version"));
	v->fields = json_get(v->j, "fields");
	file = json_str(json_get(v->j, "file"));
	if (!v->name || !v->abi || !v->version_str || !file || !v->fields) {
		v->name = v->name ? v->name : "?";
		mismatch(c, v, "entry %zu lacks name/abi/version/file/fields",
			 i);
		return false;
	}
	v->kind = classify(v->abi, v->fields);
	if (!parse_version(v->version_str, &v->version)) {
		mismatch(c, v, "unparseable version \"%s\"", v->version_str);
		return false;
	}
	v->data = fv_read(&c->m, file, &v->len);
	if (!v->data) {
		mismatch(c, v, "cannot read %s/%s", c->m.dir, file);
		return false;
	}
	return true;
}

static void vec_free(struct vec *v)
{
	free(v->data);
	v->data = NULL;
}

/* ---- decoding whole objects with our codec ---------------------------- */

static bool mem_reserved_clean(const struct fv_mem *d)
{
	uint32_t i = 0;

	if (d->mtd.reserved_nonzero) {
		return false;
	}
	for (i = 0; i < d->mtd.emad_count; i++) {
		if (d->emads[i].reserved_nonzero) {
			return false;
		}
	}
	if (!d->has_composite) {
		return true;
	}
	if (d->comp.reserved) {
		return false;
	}
	for (i = 0; i < d->comp.constituent_count; i++) {
		if (d->cons[i].reserved) {
			return false;
		}
	}
	return true;
}

/* The MEM_* function ID named by @abi, for the recorded w0. */
static uint32_t abi_fid(const char *abi)
{
	static const struct {
		const char *abi;
		uint32_t fid;
	} fids[] = {
		{ "FFA_MEM_SHARE", FFA_MEM_SHARE_32 },
		{ "FFA_MEM_SHARE_64", FFA_MEM_SHARE_64 },
		{ "FFA_MEM_LEND", FFA_MEM_LEND_32 },
		{ "FFA_MEM_LEND_64", FFA_MEM_LEND_64 },
		{ "FFA_MEM_DONATE", FFA_MEM_DONATE_32 },
		{ "FFA_MEM_DONATE_64", FFA_MEM_DONATE_64 },
		{ "FFA_MSG_SEND2", FFA_MSG_SEND2 },
	};
	size_t i = 0;

	for (i = 0; i < sizeof(fids) / sizeof(fids[0]); i++) {
		if (strcmp(abi, fids[i].abi) == 0) {
			return fids[i].fid;
		}
	}
	return 0;
}

/* ---- per-kind comparison with the manifest ---------------------------- */

static void check_emad(struct ctx *c, const struct vec *v,
		       const struct json_value *je, const struct ffa_emad *e,
		       uint32_t emad_size)
{
	const struct json_value *impdef = json_get(je, "impdef");

	check_num(c, v, je, "receiver", e->receiver);
	check_num(c, v, je, "perms", e->perms);
	check_num(c, v, je, "receiver_flags", e->flags);
	check_num(c, v, je, "composite_offset", e->composite_offset);
	if (impdef) {
		uint8_t raw[16];

		le64_put(raw, e->impdef[0]);
		le64_put(raw + 8, e->impdef[1]);
		check_hex_value(c, v, impdef, "impdef", raw, sizeof(raw));
	} else if (emad_size >= FFA_EMAD_V1_2_SIZE) {
		mismatch(c, v, "32-byte EMAD but no impdef in manifest");
	}
}

static void check_composite(struct ctx *c, const struct vec *v,
			    const struct fv_mem *d)
{
	const struct json_value *jc = field(c, v, v->fields, "composite");
	const struct json_value *list = json_get(jc, "constituents");
	uint32_t i = 0;

	if (!jc) {
		return;
	}
	check_num(c, v, jc, "offset", d->comp_off);
	check_num(c, v, jc, "total_page_count", d->comp.page_count);
	check_num(c, v, jc, "constituent_count", d->comp.constituent_count);
	if (!list || list->count != d->comp.constituent_count) {
		mismatch(c, v, "constituents: manifest lists %zu, decoded %u",
			 list ? list->count : 0, d->comp.constituent_count);
		return;
	}
	for (i = 0; i < d->comp.constituent_count; i++) {
		check_num(c, v, json_at(list, i), "address",
			  d->cons[i].address);
		check_num(c, v, json_at(list, i), "page_count",
			  d->cons[i].page_count);
	}
}

/* Registers recorded with a send: w0 names the ABI, w1 = w2 = length. */
static void check_send_registers(struct ctx *c, const struct vec *v)
{
	const struct json_value *r = json_get(v->fields, "registers");

	if (!r) {
		return;
	}
	check_num(c, v, r, "w0", abi_fid(v->abi));
	check_num(c, v, r, "w1_total", v->len);
	check_num(c, v, r, "w2_frag", v->len);
	/* x3 = w4 = 0: the descriptor is in TX, so the .bin is TX. */
	check_num(c, v, r, "x3", 0);
	check_num(c, v, r, "w4", 0);
}

static void check_mem(struct ctx *c, const struct vec *v,
		      const struct fv_mem *d)
{
	const struct json_value *f = v->fields;
	const struct json_value *list = json_get(f, "emads");
	bool want_clean = strcmp(v->name, STALE_TX_VECTOR) != 0;
	uint32_t i = 0;

	check_num(c, v, f, "sender", d->mtd.sender);
	check_num(c, v, f, "attributes", d->mtd.attributes);
	check_num(c, v, f, "flags", d->mtd.flags);
	check_num(c, v, f, "handle", d->mtd.handle);
	check_num(c, v, f, "tag", d->mtd.tag);
	check_num(c, v, f, "emad_size", d->mtd.emad_size);
	check_num(c, v, f, "emad_count", d->mtd.emad_count);
	check_num(c, v, f, "emad_offset", d->mtd.emad_offset);
	if (!list || list->count != d->mtd.emad_count) {
		mismatch(c, v, "emads: manifest lists %zu, decoded %u",
			 list ? list->count : 0, d->mtd.emad_count);
	} else {
		for (i = 0; i < d->mtd.emad_count; i++) {
			check_emad(c, v, json_at(list, i), &d->emads[i],
				   d->mtd.emad_size);
		}
	}
	if (d->has_composite) {
		check_composite(c, v, d);
	}
	/* The object ends exactly at the end of the file (ffa.md 2.3). */
	check_num_opt(c, v, f, "total_length", d->end);
	check_num_opt(c, v, f, "w1_total_length", v->len);
	check_num_opt(c, v, f, "w2_fragment_length", v->len);
	if (d->end != v->len) {
		mismatch(c, v,
			 "decoded object ends at %" PRIu64 ", file has %zu",
			 d->end, v->len);
	}
	check_send_registers(c, v);
	if (mem_reserved_clean(d) != want_clean) {
		mismatch(c, v, "reserved bytes %s",
			 want_clean ? "dirty" : "clean");
	}
}

/* Iterate over the vectors of @kind, calling @fn on each loaded one. */
static void for_each(struct ctx *c, enum kind kind,
		     void (*fn)(struct ctx *c, struct vec *v))
{
	size_t i = 0;

	for (i = 0; i < c->m.vectors->count; i++) {
		struct vec v;

		if (!vec_load(c, i, &v)) {
			continue;
		}
		if (v.kind == kind) {
			c->vectors_seen++;
			fn(c, &v);
		}
		vec_free(&v);
	}
}

static void mem_decode_and_check(struct ctx *c, struct vec *v,
				 bool with_composite)
{
	struct fv_mem d;
	int rc = 0;

	memset(&d, 0, sizeof(d));
	rc = fv_mem_decode(v->data, v->len, v->version, with_composite, &d);
	if (rc) {
		mismatch(c, v, "decode failed: %s", ffa_error_name(rc));
		return;
	}
	check_mem(c, v, &d);
	check_all_consumed(c, v, v->fields, "fields");
}

static void send_decode(struct ctx *c, struct vec *v)
{
	mem_decode_and_check(c, v, true);
}

static void retrieve_req_decode(struct ctx *c, struct vec *v)
{
	mem_decode_and_check(c, v, false);
}

static void compare_bytes(struct ctx *c, const struct vec *v,
			  const uint8_t *got, size_t got_len,
			  const uint8_t *want, size_t want_len)
{
	size_t i = 0;

	if (got_len != want_len) {
		mismatch(c, v, "re-encoded %zu bytes, vector has %zu", got_len,
			 want_len);
		return;
	}
	for (i = 0; i < want_len; i++) {
		if (got[i] != want[i]) {
			mismatch(c, v,
				 "re-encoded byte %zu: 0x%02x, vector 0x%02x",
				 i, got[i], want[i]);
			return;
		}
	}
}

/* Re-encode a decoded send with ffa_mem_send_desc_encode(). */
static size_t send_reencode(const struct vec *v, const struct fv_mem *d,
			    uint8_t *buf, size_t cap)
{
	struct ffa_mem_send_desc s = {
		.version = v->version,
		.sender = d->mtd.sender,
		.attributes = d->mtd.attributes,
		.flags = d->mtd.flags,
		.tag = d->mtd.tag,
		.emad_count = d->mtd.emad_count,
		.emads = d->emads,
		.constituent_count = d->comp.constituent_count,
		.constituents = d->cons,
	};

	return ffa_mem_send_desc_encode(buf, cap, &s);
}

static void send_reencode_check(struct ctx *c, struct vec *v)
{
	struct fv_mem d;
	uint8_t buf[1024];
	size_t n = 0;

	memset(&d, 0, sizeof(d));
	if (fv_mem_decode(v->data, v->len, v->version, true, &d)) {
		mismatch(c, v, "decode failed");
		return;
	}
	if (!mem_reserved_clean(&d)) {
		return; /* dirty reserved bytes cannot come back */
	}
	if (d.mtd.handle) {
		mismatch(c, v, "send carries a handle; encoder writes 0");
	}
	n = send_reencode(v, &d, buf, sizeof(buf));
	compare_bytes(c, v, buf, n, v->data, v->len);
}

/* EMAD size from the header decides between 1.1 and 1.2 for "1.1/1.2". */
static uint32_t retrieve_version(const struct vec *v, const struct fv_mem *d)
{
	if (strchr(v->version_str, '/') &&
	    !ffa_version_uses_v1_0_mtd(v->version)) {
		return d->mtd.emad_size == FFA_EMAD_V1_2_SIZE ?
			       FFA_VERSION_1_2 :
			       FFA_VERSION_1_1;
	}
	return v->version;
}

static void retrieve_req_reencode_check(struct ctx *c, struct vec *v)
{
	struct fv_mem d;
	struct ffa_mem_retrieve_req_desc r = { 0 };
	uint8_t buf[1024];
	size_t n = 0;

	memset(&d, 0, sizeof(d));
	if (fv_mem_decode(v->data, v->len, v->version, false, &d)) {
		mismatch(c, v, "decode failed");
		return;
	}
	if (!mem_reserved_clean(&d)) {
		mismatch(c, v, "reserved bytes dirty");
		return;
	}
	r.version = retrieve_version(v, &d);
	r.sender = d.mtd.sender;
	r.attributes = d.mtd.attributes;
	r.flags = d.mtd.flags;
	r.handle = d.mtd.handle;
	r.tag = d.mtd.tag;
	r.emad_count = d.mtd.emad_count;
	r.emads = d.emads;
	n = ffa_mem_retrieve_req_encode(buf, sizeof(buf), &r);
	compare_bytes(c, v, buf, n, v->data, v->len);
}

/*
 * A retrieve response has a handle and is built by the relayer, so it is
 * re-encoded piece by piece with the primitive encoders at the offsets
 * the response itself names.
 */
static void retrieve_resp_reencode_check(struct ctx *c, struct vec *v)
{
	struct fv_mem d;
	uint8_t buf[1024];
	size_t cap = v->len;
	uint64_t off = 0;
	uint32_t i = 0;

	memset(&d, 0, sizeof(d));
	if (v->len > sizeof(buf) ||
	    fv_mem_decode(v->data, v->len, v->version, true, &d) ||
	    !mem_reserved_clean(&d)) {
		mismatch(c, v, "decode failed or reserved bytes dirty");
		return;
	}
	memset(buf, 0xee, sizeof(buf));
	if (!ffa_mtd_encode(buf, cap, v->version, &d.mtd)) {
		mismatch(c, v, "header encode failed");
	}
	for (i = 0; i < d.mtd.emad_count; i++) {
		off = d.mtd.emad_offset + (uint64_t)i * d.mtd.emad_size;
		if (!ffa_emad_encode(buf + off, cap - off, d.mtd.emad_size,
				     &d.emads[i])) {
			mismatch(c, v, "EMAD %u encode failed", i);
		}
	}
	off = d.comp_off;
	off += ffa_composite_encode(buf + off, cap - off, &d.comp);
	for (i = 0; i < d.comp.constituent_count; i++) {
		off += ffa_constituent_encode(buf + off, cap - off, &d.cons[i]);
	}
	compare_bytes(c, v, buf, off, v->data, v->len);
}

static void relinquish_check(struct ctx *c, struct vec *v)
{
	struct ffa_relinquish r;
	const struct json_value *ids = json_get(v->fields, "endpoints");
	uint8_t buf[64];
	uint32_t i = 0;
	int rc = ffa_relinquish_decode(v->data, v->len, &r);

	if (rc) {
		mismatch(c, v, "decode failed: %s", ffa_error_name(rc));
		return;
	}
	check_num(c, v, v->fields, "handle", r.handle);
	check_num(c, v, v->fields, "flags", r.flags);
	check_num(c, v, v->fields, "endpoint_count", r.endpoint_count);
	if (!ids || ids->count != r.endpoint_count || r.endpoint_count > 8) {
		mismatch(c, v, "endpoint list length");
		return;
	}
	for (i = 0; i < r.endpoint_count; i++) {
		uint64_t want = 0;

		consume(c, json_at(ids, i));
		if (!value_u64(json_at(ids, i), &want) ||
		    want != r.endpoints[i]) {
			mismatch(c, v, "endpoints[%u]: decoded 0x%x", i,
				 r.endpoints[i]);
		}
	}
	check_all_consumed(c, v, v->fields, "fields");
	if (16 + 2 * (size_t)r.endpoint_count != v->len) {
		mismatch(c, v, "length is not 16 + 2 * count");
	}
	compare_bytes(c, v, buf, ffa_relinquish_encode(buf, sizeof(buf), &r),
		      v->data, v->len);
}

static void msg_send2_check(struct ctx *c, struct vec *v)
{
	struct ffa_msg_send2_hdr h;
	const struct json_value *regs = json_get(v->fields, "registers");
	const struct json_value *payload = NULL;
	uint8_t buf[64];
	size_t hdr_size = 0;
	int rc = ffa_msg_send2_hdr_decode(v->data, v->len, &h);

	if (rc) {
		mismatch(c, v, "decode failed: %s", ffa_error_name(rc));
		return;
	}
	check_num(c, v, v->fields, "flags", h.flags);
	check_num(c, v, v->fields, "reserved_4", h.reserved);
	check_num(c, v, v->fields, "payload_offset", h.payload_offset);
	check_num(c, v, v->fields, "receiver", h.receiver);
	check_num(c, v, v->fields, "sender", h.sender);
	check_num(c, v, v->fields, "payload_size", h.payload_size);
	/* The manifest lists the v1.2 fields exactly for 40-byte headers. */
	if ((json_get(v->fields, "uuid_bytes") != NULL) != h.has_uuid) {
		mismatch(c, v, "header layout: has_uuid %d", h.has_uuid);
	}
	if (h.has_uuid) {
		check_num(c, v, v->fields, "reserved_20", h.reserved2);
		check_hex(c, v, v->fields, "uuid_bytes", h.uuid, 16);
	}
	if (!tzs_range_ok(h.payload_offset, h.payload_size, v->len) ||
	    (uint64_t)h.payload_offset + h.payload_size != v->len) {
		mismatch(c, v, "payload does not end the file");
	} else {
		payload = field(c, v, v->fields, "payload_hex");
		if (payload) {
			check_hex_value(c, v, payload, "payload_hex",
					v->data + h.payload_offset,
					h.payload_size);
		}
	}
	if (regs) {
		check_num(c, v, regs, "w0", FFA_MSG_SEND2);
		/* w1 (hypervisor-only sender) and w2 (flags) are zero. */
		check_num(c, v, regs, "w1", 0);
		check_num(c, v, regs, "w2", 0);
	}
	check_all_consumed(c, v, v->fields, "fields");
	hdr_size = h.has_uuid ? FFA_MSG_SEND2_HDR_V1_2_SIZE :
				FFA_MSG_SEND2_HDR_V1_1_SIZE;
	compare_bytes(c, v, buf,
		      ffa_msg_send2_hdr_encode(buf, sizeof(buf), hdr_size, &h),
		      v->data, hdr_size);
}

/*
 * v1.0 descriptors are 8 bytes; a v1.1+ vector is one descriptor of
 * whatever size the SPMC reported in w3 (48 for current Hafnium), of which
 * the codec reads the first 24 (ffa.md 7 item 4).
 */
static void part_info_check(struct ctx *c, struct vec *v)
{
	struct ffa_partition_info p;
	size_t desc_size = ffa_version_uses_v1_0_mtd(v->version) ?
				   FFA_PART_INFO_V1_0_SIZE :
				   v->len;
	const struct json_value *extra = NULL;
	uint8_t buf[64];
	int rc = ffa_partition_info_decode(v->data, v->len, desc_size, &p);

	if (rc) {
		mismatch(c, v, "decode failed: %s", ffa_error_name(rc));
		return;
	}
	if (desc_size == FFA_PART_INFO_V1_0_SIZE && v->len != desc_size) {
		mismatch(c, v, "v1.0 descriptor is not 8 bytes");
	}
	check_num(c, v, v->fields, "id", p.id);
	check_num(c, v, v->fields, "exec_ctx_count", p.exec_count);
	check_num(c, v, v->fields, "properties", p.props);
	if (desc_size >= FFA_PART_INFO_SIZE) {
		check_hex(c, v, v->fields, "uuid_bytes", p.uuid, 16);
	}
	/* Beyond our 24 bytes: compared raw, the codec ignores them. */
	extra = get_prefix(v->fields, "bytes_24_39");
	if (extra && v->len >= 40) {
		check_hex_value(c, v, extra, "bytes_24_39", v->data + 24, 16);
	}
	extra = get_prefix(v->fields, "u32_at_40");
	if (extra && v->len >= 44) {
		uint64_t want = 0;

		consume(c, extra);
		if (!value_u64(extra, &want) ||
		    want != le32_get(v->data + 40)) {
			mismatch(c, v, "u32 at 40");
		}
	}
	extra = get_prefix(v->fields, "u32_at_44");
	if (extra && v->len >= 48) {
		uint64_t want = 0;

		consume(c, extra);
		if (!value_u64(extra, &want) ||
		    want != le32_get(v->data + 44)) {
			mismatch(c, v, "u32 at 44");
		}
	}
	check_all_consumed(c, v, v->fields, "fields");
	desc_size = desc_size == FFA_PART_INFO_V1_0_SIZE ? desc_size :
							   FFA_PART_INFO_SIZE;
	compare_bytes(
		c, v, buf,
		ffa_partition_info_encode(buf, sizeof(buf), desc_size, &p),
		v->data, desc_size);
}

/* x0..x17 as little-endian u64; UUID unpacked per ABI (ffa.md 2.9). */
static void regs_check(struct ctx *c, struct vec *v)
{
	struct ffa_regs r;
	size_t n = v->len / 8, i = 0;
	uint8_t uuid[16];

	memset(&r, 0, sizeof(r));
	if (v->len % 8 || n > FFA_REG_COUNT || n < 6) {
		mismatch(c, v, "register image of %zu bytes", v->len);
		return;
	}
	for (i = 0; i < n; i++) {
		char key[8];

		r.x[i] = le64_get(v->data + 8 * i);
		snprintf(key, sizeof(key), "x%zu", i);
		check_num(c, v, v->fields, key, r.x[i]);
	}
	check_all_consumed(c, v, v->fields, "fields");
	if (r.x[0] == FFA_MSG_SEND_DIRECT_REQ2) {
		uint64_t back[2] = { 0 };

		ffa_uuid_from_x2(&r.x[2], uuid);
		ffa_uuid_to_x2(uuid, back);
		if (back[0] != r.x[2] || back[1] != r.x[3]) {
			mismatch(c, v, "x2/x3 do not round-trip");
		}
	} else if (r.x[0] == FFA_PARTITION_INFO_GET) {
		uint32_t w[4] = { 0 }, back[4] = { 0 };

		for (i = 0; i < 4; i++) {
			if (r.x[1 + i] >> 32) {
				mismatch(c, v, "SMC32 x%zu has upper bits",
					 1 + i);
			}
			w[i] = (uint32_t)r.x[1 + i];
		}
		ffa_uuid_from_w4(w, uuid);
		ffa_uuid_to_w4(uuid, back);
		if (memcmp(w, back, sizeof(w)) != 0) {
			mismatch(c, v, "w1..w4 do not round-trip");
		}
		if (r.x[5] != 0) {
			mismatch(c, v, "w5 flags not 0 (full info)");
		}
	} else {
		mismatch(c, v, "unexpected x0 0x%" PRIx64, r.x[0]);
		return;
	}
	if (memcmp(uuid, uuid_bus, 16) != 0) {
		mismatch(c, v, "UUID is not the virtio-msg bus UUID");
	}
}

/* ---- tests -------------------------------------------------------------- */

TEST(manifest_lists_every_bin_file_with_its_size_and_a_known_abi)
{
	struct ctx *c = ctx_load();
	DIR *dir = opendir(c->m.dir);
	struct dirent *de = NULL;
	size_t i = 0, bins = 0;

	for (i = 0; i < c->m.vectors->count; i++) {
		struct vec v;
		uint64_t size = 0;

		if (!vec_load(c, i, &v)) {
			continue;
		}
		c->vectors_seen++;
		if (!value_u64(json_get(v.j, "size"), &size) || size != v.len) {
			mismatch(c, &v,
				 "file has %zu bytes, manifest size %" PRIu64,
				 v.len, size);
		}
		if (v.kind == K_UNKNOWN) {
			mismatch(c, &v, "unknown abi %s", v.abi);
		}
		vec_free(&v);
	}
	ASSERT_TRUE(dir != NULL);
	while ((de = readdir(dir)) != NULL) {
		size_t n = strlen(de->d_name);

		if (n > 4 && strcmp(de->d_name + n - 4, ".bin") == 0) {
			bins++;
		}
	}
	closedir(dir);
	if (bins != c->m.vectors->count) {
		mismatch(c, NULL, "%zu .bin files, %zu manifest entries", bins,
			 c->m.vectors->count);
	}
	finish(c);
}

TEST(mem_send_vectors_decode_to_manifest_fields)
{
	struct ctx *c = ctx_load();

	for_each(c, K_SEND, send_decode);
	finish(c);
}

TEST(mem_send_vectors_reencode_byte_identical)
{
	struct ctx *c = ctx_load();

	for_each(c, K_SEND, send_reencode_check);
	finish(c);
}

TEST(retrieve_req_vectors_decode_to_manifest_fields)
{
	struct ctx *c = ctx_load();

	for_each(c, K_RETRIEVE_REQ, retrieve_req_decode);
	finish(c);
}

TEST(retrieve_req_vectors_reencode_byte_identical)
{
	struct ctx *c = ctx_load();

	for_each(c, K_RETRIEVE_REQ, retrieve_req_reencode_check);
	finish(c);
}

TEST(retrieve_resp_vectors_decode_to_manifest_fields)
{
	struct ctx *c = ctx_load();

	for_each(c, K_RETRIEVE_RESP, send_decode);
	finish(c);
}

TEST(retrieve_resp_vectors_reencode_byte_identical)
{
	struct ctx *c = ctx_load();

	for_each(c, K_RETRIEVE_RESP, retrieve_resp_reencode_check);
	finish(c);
}

TEST(relinquish_vectors_decode_and_reencode)
{
	struct ctx *c = ctx_load();

	for_each(c, K_RELINQUISH, relinquish_check);
	finish(c);
}

TEST(msg_send2_vectors_decode_and_reencode_header)
{
	struct ctx *c = ctx_load();

	for_each(c, K_MSG_SEND2, msg_send2_check);
	finish(c);
}

TEST(partition_info_vectors_decode_and_reencode)
{
	struct ctx *c = ctx_load();

	for_each(c, K_PART_INFO, part_info_check);
	finish(c);
}

TEST(register_image_vectors_decode_with_uuid_packing)
{
	struct ctx *c = ctx_load();

	for_each(c, K_REGS, regs_check);
	finish(c);
}

static void stale_check(struct ctx *c, struct vec *v)
{
	struct fv_mem d;
	uint8_t buf[256];
	size_t n = 0, i = 0;

	if (strcmp(v->name, STALE_TX_VECTOR) != 0) {
		c->vectors_seen--;
		return;
	}
	memset(&d, 0, sizeof(d));
	if (fv_mem_decode(v->data, v->len, v->version, true, &d)) {
		mismatch(c, v, "decode failed");
		return;
	}
	/* EMAD 0 bytes 8..15 (descriptor 56..63) hold stale TX bytes. */
	if (!d.emads[0].reserved_nonzero) {
		mismatch(c, v, "EMAD 0 reserved_nonzero not reported");
	}
	if (d.mtd.reserved_nonzero || d.comp.reserved || d.cons[0].reserved ||
	    d.cons[1].reserved) {
		mismatch(c, v, "reserved bytes outside EMAD 0 reported dirty");
	}
	/* A clean re-encode differs from the vector in exactly 56..63. */
	n = send_reencode(v, &d, buf, sizeof(buf));
	if (n != v->len) {
		mismatch(c, v, "re-encode length %zu", n);
		return;
	}
	for (i = 0; i < n; i++) {
		bool stale = i >= 56 && i < 64;

		if ((buf[i] != v->data[i]) != stale || (stale && buf[i] != 0)) {
			mismatch(c, v, "byte %zu after clean re-encode", i);
		}
	}
}

TEST(stale_tx_vector_reports_emad_reserved_nonzero)
{
	struct ctx *c = ctx_load();

	for_each(c, K_SEND, stale_check);
	finish(c);
}

/* Decode @v from an exact-size copy of its first @len bytes. */
static int decode_prefix(const struct vec *v, size_t len)
{
	uint8_t *p = malloc(len ? len : 1);
	struct fv_mem d;
	struct ffa_relinquish r;
	struct ffa_msg_send2_hdr h;
	struct ffa_partition_info pi;
	int rc = FFA_OK;

	ASSERT_TRUE(p != NULL);
	memcpy(p, v->data, len);
	memset(&d, 0, sizeof(d));
	switch (v->kind) {
	case K_SEND:
	case K_RETRIEVE_RESP:
		rc = fv_mem_decode(p, len, v->version, true, &d);
		break;
	case K_RETRIEVE_REQ:
		rc = fv_mem_decode(p, len, v->version, false, &d);
		/* A retrieve request has nothing after its EMADs. */
		if (!rc && d.end > len) {
			rc = FFA_INVALID_PARAMETERS;
		}
		break;
	case K_RELINQUISH:
		rc = ffa_relinquish_decode(p, len, &r);
		break;
	case K_MSG_SEND2:
		rc = ffa_msg_send2_hdr_decode(p, len, &h);
		if (!rc &&
		    !tzs_range_ok(h.payload_offset, h.payload_size, len)) {
			rc = FFA_INVALID_PARAMETERS;
		}
		break;
	case K_PART_INFO:
		rc = ffa_partition_info_decode(
			p, len,
			ffa_version_uses_v1_0_mtd(v->version) ? 8 : v->len,
			&pi);
		break;
	default:
		rc = FFA_NOT_SUPPORTED;
		break;
	}
	free(p);
	return rc;
}

static void truncation_check(struct ctx *c, struct vec *v)
{
	size_t len = 0;

	if (decode_prefix(v, v->len) != FFA_OK) {
		mismatch(c, v, "whole vector does not decode");
		return;
	}
	for (len = 0; len < v->len; len++) {
		int rc = decode_prefix(v, len);

		if (rc != FFA_INVALID_PARAMETERS) {
			mismatch(c, v, "prefix of %zu bytes: %s", len,
				 ffa_error_name(rc));
		}
	}
}

TEST(every_truncated_vector_is_rejected_as_invalid_parameters)
{
	static const enum kind kinds[] = { K_SEND,	    K_RETRIEVE_REQ,
					   K_RETRIEVE_RESP, K_RELINQUISH,
					   K_MSG_SEND2,	    K_PART_INFO };
	struct ctx *c = ctx_load();
	size_t k = 0;

	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		for_each(c, kinds[k], truncation_check);
	}
	finish(c);
}

/* Overwrite u32 @at of a copy of @v with @val; full decode must fail. */
static void corrupt_u32(struct ctx *c, struct vec *v, size_t at, uint32_t val,
			const char *what)
{
	uint8_t *p = malloc(v->len);
	struct fv_mem d;
	int rc = 0;

	ASSERT_TRUE(p != NULL);
	memcpy(p, v->data, v->len);
	le32_put(p + at, val);
	memset(&d, 0, sizeof(d));
	rc = fv_mem_decode(p, v->len, v->version, true, &d);
	if (rc != FFA_INVALID_PARAMETERS) {
		mismatch(c, v, "%s = 0x%x: %s", what, val, ffa_error_name(rc));
	}
	free(p);
}

static void corruption_check(struct ctx *c, struct vec *v)
{
	struct fv_mem d;
	bool v10 = ffa_version_uses_v1_0_mtd(v->version);
	size_t emad0 = v10 ? 32 : 48;

	memset(&d, 0, sizeof(d));
	if (fv_mem_decode(v->data, v->len, v->version, true, &d)) {
		mismatch(c, v, "decode failed");
		return;
	}
	if (!v10) {
		corrupt_u32(c, v, 32, 0xfffffff0, "emad_offset");
		corrupt_u32(c, v, 32, (uint32_t)v->len, "emad_offset");
		corrupt_u32(c, v, 24, 0xffffffff, "emad_size");
		corrupt_u32(c, v, 24, 8, "emad_size");
	}
	corrupt_u32(c, v, emad0 + 4, 0xfffffff0, "composite_offset");
	corrupt_u32(c, v, emad0 + 4, (uint32_t)v->len - 8, "composite_offset");
	/* One constituent more than the file holds. */
	corrupt_u32(c, v, (size_t)d.comp_off + 4, d.comp.constituent_count + 1,
		    "constituent_count");
}

TEST(mem_vectors_with_overflowing_offsets_and_sizes_are_rejected)
{
	struct ctx *c = ctx_load();

	for_each(c, K_SEND, corruption_check);
	finish(c);
}

static void wrong_version_check(struct ctx *c, struct vec *v)
{
	struct fv_mem d;
	int rc = 0;

	memset(&d, 0, sizeof(d));
	if (v->version == FFA_VERSION_1_0) {
		/* Bytes 24..27 are 0 at v1.0: an EMAD size of 0. */
		rc = fv_mem_decode(v->data, v->len, FFA_VERSION_1_1, true, &d);
		if (rc != FFA_INVALID_PARAMETERS) {
			mismatch(c, v, "v1.0 vector decodes at v1.1: %s",
				 ffa_error_name(rc));
		}
		return;
	}
	/* The EMAD size at 24 is reserved at v1.0 and must be reported. */
	rc = ffa_mtd_decode(v->data, v->len, FFA_VERSION_1_0, &d.mtd);
	if (rc != FFA_OK || !d.mtd.reserved_nonzero) {
		mismatch(c, v, "v1.1+ header read at v1.0 looks clean");
	}
}

TEST(mem_send_vectors_do_not_decode_cleanly_at_the_wrong_version)
{
	struct ctx *c = ctx_load();

	for_each(c, K_SEND, wrong_version_check);
	finish(c);
}
