// SPDX-License-Identifier: BSD-2-Clause
/*
 * Our virtio-msg codec against the real-peer vectors in
 * shared/testdata/virtio-msg/ (QEMU's RFC packers, PR28 layouts; README.md
 * there). For every vector in manifest.json:
 *
 * - the .bin has the manifest size, and every .bin has an entry;
 * - it decodes in VMSG_PROFILE_PR28 ("expect": "accept") to exactly the
 *   manifest's `fields`: every field must be checked, and every field we
 *   decode must be in the manifest, so neither side can drift unseen;
 * - the decoded message re-encodes to the same bytes;
 * - every truncation of it is rejected;
 * - in VMSG_PROFILE_V2 the messages whose layout changed (testdata README
 *   item 4) are rejected, all others decode and re-encode the same.
 *
 * Vectors are read into exact-size heap buffers so that the sanitizer build
 * catches any read past the end. Mismatches are reported all at once.
 */
#include "test.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>

#include <tzshare/lib.h>
#include <tzshare/vmsg.h>

#include "json.h"

#define MAX_FIELDS 32
#define MAX_CONSUMED 256

struct ctx {
	char dir[4096];
	struct json_value *root;
	const struct json_value *vectors;
	unsigned int failures;
	unsigned int vectors_seen;
};

struct vec {
	const struct json_value *j;
	const struct json_value *fields;
	const char *name;
	uint8_t *data;
	size_t len;
	bool accept;
};

/* A decoded numeric field under its manifest name. */
struct kv {
	const char *key;
	uint64_t val;
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

	json_free(c->root);
	free(c);
	if (failures) {
		test_fail(__FILE__, __LINE__, "%u mismatch(es), see above",
			  failures);
	}
	if (!seen) {
		test_fail(__FILE__, __LINE__, "no vector checked");
	}
}

static struct ctx *ctx_load(void)
{
	const char *base = test_testdata_dir();
	struct ctx *c = NULL;
	char path[4200];
	char err[256];

	if (!base) {
		test_skip("../shared/testdata absent");
	}
	c = calloc(1, sizeof(*c));
	ASSERT_TRUE(c != NULL);
	snprintf(c->dir, sizeof(c->dir), "%s/virtio-msg", base);
	snprintf(path, sizeof(path), "%s/manifest.json", c->dir);
	c->root = json_parse_file(path, err, sizeof(err));
	if (!c->root) {
		test_fail(__FILE__, __LINE__, "manifest: %s", err);
	}
	c->vectors = json_get(c->root, "vectors");
	if (!c->vectors || c->vectors->type != JSON_ARRAY ||
	    !c->vectors->count) {
		test_fail(__FILE__, __LINE__, "manifest has no vectors array");
	}
	return c;
}

static uint8_t *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *data = NULL;
	long size = 0;

	if (!f) {
		return NULL;
	}
	if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0) {
		/* Exact size (1 for an empty file): ASan bounds the codec. */
		data = malloc(size ? (size_t)size : 1);
		if (data && fread(data, 1, (size_t)size, f) != (size_t)size) {
			free(data);
			data = NULL;
		}
	}
	fclose(f);
	*len = (size_t)size;
	return data;
}

static bool vec_load(struct ctx *c, size_t i, struct vec *v)
{
	char path[4400];
	const char *file = NULL;
	const char *expect = NULL;

	memset(v, 0, sizeof(*v));
	v->j = json_at(c->vectors, i);
	v->name = json_str(json_get(v->j, "name"));
	v->fields = json_get(v->j, "fields");
	file = json_str(json_get(v->j, "file"));
	expect = json_str(json_get(v->j, "expect"));
	if (!v->name || !file || !expect || !v->fields ||
	    v->fields->type != JSON_OBJECT) {
		v->name = v->name ? v->name : "?";
		mismatch(c, v, "entry %zu lacks name/file/expect/fields", i);
		return false;
	}
	v->accept = strcmp(expect, "accept") == 0;
	snprintf(path, sizeof(path), "%s/%s", c->dir, file);
	v->data = read_file(path, &v->len);
	if (!v->data) {
		mismatch(c, v, "cannot read %s", path);
		return false;
	}
	return true;
}

static void vec_free(struct vec *v)
{
	free(v->data);
	v->data = NULL;
}

/* Run @fn on every loadable vector. */
static void for_each(struct ctx *c, void (*fn)(struct ctx *, struct vec *))
{
	for (size_t i = 0; i < c->vectors->count; i++) {
		struct vec v;

		if (!vec_load(c, i, &v)) {
			continue;
		}
		c->vectors_seen++;
		fn(c, &v);
		vec_free(&v);
	}
}

/* ---- manifest values ---------------------------------------------------- */

/*
 * Leading number of a field: a JSON integer, or a string starting with a
 * hex ("0x02 (GET_DEVICE_INFO)") or decimal ("1 (READY)") number followed
 * by nothing or by " (". @note gets the text in parentheses, if any.
 */
static bool value_u64(const struct json_value *v, uint64_t *out,
		      const char **note)
{
	const char *s = NULL;
	char *end = NULL;

	*note = NULL;
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
	if (!s || s[0] < '0' || s[0] > '9') {
		return false;
	}
	errno = 0;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		if (!s[2] || !strchr("0123456789abcdefABCDEF", s[2])) {
			return false;
		}
		*out = strtoull(s + 2, &end, 16);
	} else {
		*out = strtoull(s, &end, 10);
	}
	if (errno) {
		return false;
	}
	if (end[0] == ' ' && end[1] == '(') {
		*note = end + 2;
		return true;
	}
	return *end == '\0';
}

/* The parenthesised note "(...)" equals @want. */
static bool note_is(const char *note, const char *want)
{
	size_t n = strlen(want);

	return note && strncmp(note, want, n) == 0 && note[n] == ')' &&
	       note[n + 1] == '\0';
}

/* Hex string -> bytes; false on odd length or a non-hex digit. */
static bool hex_bytes(const char *s, uint8_t *out, size_t cap, size_t *len)
{
	size_t n = strlen(s);

	if (n % 2 || n / 2 > cap) {
		return false;
	}
	for (size_t i = 0; i < n / 2; i++) {
		char two[3] = { s[2 * i], s[2 * i + 1], 0 };

		if (!strchr("0123456789abcdefABCDEF", two[0]) ||
		    !strchr("0123456789abcdefABCDEF", two[1])) {
			return false;
		}
		out[i] = (uint8_t)strtoul(two, NULL, 16);
	}
	*len = n / 2;
	return true;
}

/* ---- what we decoded, under the manifest's names ----------------------- */

#define KV(k, v) (kv[n++] = (struct kv){ (k), (uint64_t)(v) })

static size_t transport_fields(const struct vmsg *m, bool resp, struct kv *kv)
{
	size_t n = 0;

	switch (m->hdr.msg_id) {
	case VMSG_GET_DEVICE_INFO:
		if (resp) {
			KV("device_id", m->u.dev_info.device_id);
			KV("vendor_id", m->u.dev_info.vendor_id);
			KV("num_feature_bits", m->u.dev_info.num_feature_bits);
			KV("config_size", m->u.dev_info.config_size);
			KV("max_virtqueues", m->u.dev_info.max_vqs);
			KV("admin_vq_start", m->u.dev_info.admin_vq_start);
			KV("admin_vq_count", m->u.dev_info.admin_vq_count);
		}
		break;
	case VMSG_GET_DEVICE_FEATURES:
	case VMSG_SET_DRIVER_FEATURES:
		/* The SET_DRIVER_FEATURES response is empty. */
		if (m->hdr.msg_id == VMSG_GET_DEVICE_FEATURES || !resp) {
			KV("block_index", m->u.features.block_index);
			KV("num_blocks", m->u.features.num_blocks);
		}
		break;
	case VMSG_GET_CONFIG:
	case VMSG_SET_CONFIG:
	case VMSG_EVENT_CONFIG:
		if (m->hdr.msg_id == VMSG_EVENT_CONFIG) {
			KV("device_status", m->u.config.device_status);
		}
		if (resp || m->hdr.msg_id != VMSG_GET_CONFIG) {
			KV("generation", m->u.config.generation);
		}
		KV("offset", m->u.config.offset);
		KV("length", m->u.config.length);
		break;
	case VMSG_GET_DEVICE_STATUS:
	case VMSG_SET_DEVICE_STATUS:
		if (resp || m->hdr.msg_id == VMSG_SET_DEVICE_STATUS) {
			KV("status", m->u.status);
		}
		break;
	case VMSG_GET_VQUEUE:
	case VMSG_SET_VQUEUE:
		/* GET response and SET request carry the queue. */
		if (resp == (m->hdr.msg_id == VMSG_GET_VQUEUE)) {
			KV("index", m->u.vqueue.index);
			if (resp) {
				KV("max_size", m->u.vqueue.max_size);
				KV("cur_size", m->u.vqueue.size);
			} else {
				KV("size", m->u.vqueue.size);
			}
			KV("desc_addr", m->u.vqueue.desc_addr);
			KV("driver_addr", m->u.vqueue.driver_addr);
			KV("device_addr", m->u.vqueue.device_addr);
		} else if (!resp) {
			KV("index", m->u.index);
		}
		break;
	case VMSG_RESET_VQUEUE:
		if (!resp) {
			KV("index", m->u.index);
		}
		break;
	case VMSG_GET_SHM:
		if (resp) {
			KV("index", m->u.shm.index);
			KV("length", m->u.shm.length);
			KV("address", m->u.shm.address);
		} else {
			KV("index", m->u.index);
		}
		break;
	case VMSG_EVENT_AVAIL:
		KV("vq_index", m->u.avail.vq_index);
		KV("next_offset", m->u.avail.next & 0x7fffffffu);
		KV("next_wrap", m->u.avail.next >> 31);
		break;
	case VMSG_EVENT_USED:
		KV("vq_index", m->u.index);
		break;
	default:
		break;
	}
	return n;
}

static size_t bus_fields(const struct vmsg *m, bool resp, struct kv *kv)
{
	size_t n = 0;

	switch (m->hdr.msg_id) {
	case VMSG_BUS_GET_DEVICES:
		KV("offset", m->u.devices.offset);
		KV("count", m->u.devices.count);
		if (resp) {
			KV("next_offset", m->u.devices.next_offset);
		}
		break;
	case VMSG_BUS_PING:
		KV("data", m->u.ping);
		break;
	case VMSG_BUS_EVENT_DEVICE:
		KV("device_number", m->u.event_device.dev_num);
		KV("state", m->u.event_device.state);
		break;
	default:
		break;
	}
	return n;
}

static size_t decoded_fields(const struct vmsg *m, struct kv *kv)
{
	bool resp = m->hdr.type & VMSG_TYPE_RESPONSE;
	size_t n = 0;

	KV("type", m->hdr.type);
	KV("msg_id", m->hdr.msg_id);
	KV("dev_num", m->hdr.dev_num);
	KV("token", m->hdr.token);
	KV("msg_size", m->hdr.msg_size);
	if (m->hdr.type & VMSG_TYPE_BUS) {
		return n + bus_fields(m, resp, kv + n);
	}
	return n + transport_fields(m, resp, kv + n);
}

#undef KV

/* ---- field checks ------------------------------------------------------ */

static const char *type_note(uint8_t type)
{
	static const char *const notes[] = {
		"transport request",
		"transport response",
		"bus request",
		"bus response",
	};

	return notes[type & 3u];
}

/* A parenthesised note must agree with what it names. */
static void check_note(struct ctx *c, const struct vec *v, const char *key,
		       const char *note, const struct vmsg *m)
{
	const char *want = NULL;

	if (!note) {
		return;
	}
	if (strcmp(key, "type") == 0) {
		want = type_note(m->hdr.type);
	} else if (strcmp(key, "msg_id") == 0) {
		want = vmsg_name(m->hdr.type, m->hdr.msg_id);
	} else if (strcmp(key, "state") == 0) {
		want = m->u.event_device.state == VMSG_DEVICE_READY ?
			       "READY" :
		       m->u.event_device.state == VMSG_DEVICE_REMOVED ?
			       "REMOVED" :
			       "?";
	}
	if (want && !note_is(note, want)) {
		mismatch(c, v, "field %s: manifest note \"(%s\", we say %s",
			 key, note, want);
	}
}

static void check_hex(struct ctx *c, const struct vec *v, const char *key,
		      const struct json_value *f, const uint8_t *got,
		      size_t got_len)
{
	uint8_t want[256];
	size_t want_len = 0;

	if (!json_str(f) ||
	    !hex_bytes(json_str(f), want, sizeof(want), &want_len)) {
		mismatch(c, v, "field %s: cannot parse hex", key);
		return;
	}
	if (want_len != got_len || memcmp(want, got, got_len) != 0) {
		mismatch(c, v, "field %s: decoded %zu bytes differ", key,
			 got_len);
	}
}

static void check_features(struct ctx *c, const struct vec *v,
			   const struct json_value *f, const struct vmsg *m)
{
	const struct vmsg_features *feat = &m->u.features;
	const char *note = NULL;

	if (f->type != JSON_ARRAY || f->count != feat->num_blocks) {
		mismatch(c, v, "features: %u decoded words, manifest differs",
			 feat->num_blocks);
		return;
	}
	for (size_t i = 0; i < f->count; i++) {
		uint64_t want = 0;

		if (!value_u64(f->items[i], &want, &note) ||
		    want != feat->features[i]) {
			mismatch(c, v, "features[%zu]: decoded 0x%08x", i,
				 feat->features[i]);
		}
	}
}

/* present_devices lists the set bits of the bitmap, ascending. */
static void check_present(struct ctx *c, const struct vec *v,
			  const struct json_value *f, const struct vmsg *m)
{
	const struct vmsg_get_devices *d = &m->u.devices;
	const char *note = NULL;
	size_t k = 0;

	if (f->type != JSON_ARRAY) {
		mismatch(c, v, "present_devices is not an array");
		return;
	}
	for (unsigned int bit = 0; bit < d->count; bit++) {
		uint64_t want = 0;

		if (!(d->bitmap[bit / 8] & (1u << (bit % 8)))) {
			continue;
		}
		if (k >= f->count || !value_u64(f->items[k], &want, &note) ||
		    want != d->offset + bit) {
			mismatch(c, v, "present_devices[%zu]: decoded %u", k,
				 d->offset + bit);
		}
		k++;
	}
	if (k != f->count) {
		mismatch(c, v, "present_devices: %zu decoded, %zu listed", k,
			 f->count);
	}
}

static bool is_config(const struct vmsg *m)
{
	return !(m->hdr.type & VMSG_TYPE_BUS) &&
	       (m->hdr.msg_id == VMSG_GET_CONFIG ||
		m->hdr.msg_id == VMSG_SET_CONFIG ||
		m->hdr.msg_id == VMSG_EVENT_CONFIG);
}

static bool is_features(const struct vmsg *m)
{
	return !(m->hdr.type & VMSG_TYPE_BUS) &&
	       (m->hdr.msg_id == VMSG_GET_DEVICE_FEATURES ||
		m->hdr.msg_id == VMSG_SET_DRIVER_FEATURES);
}

static bool is_devices_resp(const struct vmsg *m)
{
	return (m->hdr.type & VMSG_TYPE_BUS) &&
	       (m->hdr.type & VMSG_TYPE_RESPONSE) &&
	       m->hdr.msg_id == VMSG_BUS_GET_DEVICES;
}

/*
 * reserved_<off>: a payload word our codec ignores on receipt and writes
 * as zero. The manifest value is compared with the vector's bytes, and
 * the re-encoding test shows that we reproduce them.
 */
static bool check_reserved(struct ctx *c, const struct vec *v, const char *key,
			   const struct json_value *f)
{
	const char *note = NULL;
	uint64_t want = 0, off = 0;
	char *end = NULL;

	if (strncmp(key, "reserved_", 9) != 0) {
		return false;
	}
	off = strtoull(key + 9, &end, 10);
	if (*end || !value_u64(f, &want, &note) ||
	    !tzs_range_ok(VMSG_HDR_SIZE + off, 4, v->len)) {
		mismatch(c, v, "field %s: unusable", key);
		return true;
	}
	if (le32_get(v->data + VMSG_HDR_SIZE + off) != want) {
		mismatch(c, v, "field %s: bytes differ from manifest", key);
	}
	return true;
}

/* Special (non-scalar or raw) fields; true when @key was one. */
static bool check_special(struct ctx *c, const struct vec *v, const char *key,
			  const struct json_value *f, const struct vmsg *m)
{
	if (strcmp(key, "data") == 0 && is_config(m)) {
		check_hex(c, v, key, f, m->u.config.data, m->u.config.data_len);
		return true;
	}
	if (strcmp(key, "features") == 0 && is_features(m)) {
		check_features(c, v, f, m);
		return true;
	}
	if (strcmp(key, "bitmap") == 0 && is_devices_resp(m)) {
		check_hex(c, v, key, f, m->u.devices.bitmap,
			  m->u.devices.count / 8u);
		return true;
	}
	if (strcmp(key, "present_devices") == 0 && is_devices_resp(m)) {
		check_present(c, v, f, m);
		return true;
	}
	return check_reserved(c, v, key, f);
}

static const struct kv *find_kv(const struct kv *kv, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(kv[i].key, key) == 0) {
			return &kv[i];
		}
	}
	return NULL;
}

/* Every manifest field is checked; every decoded field is listed. */
static void check_fields(struct ctx *c, const struct vec *v,
			 const struct vmsg *m)
{
	struct kv kv[MAX_FIELDS];
	size_t n = decoded_fields(m, kv);
	const struct json_value *fields = v->fields;

	for (size_t i = 0; i < fields->count; i++) {
		const char *key = fields->keys[i];
		const struct json_value *f = fields->items[i];
		const struct kv *got = find_kv(kv, n, key);
		const char *note = NULL;
		uint64_t want = 0;

		if (!got) {
			if (!check_special(c, v, key, f, m)) {
				mismatch(c, v, "field %s was not checked", key);
			}
			continue;
		}
		if (!value_u64(f, &want, &note)) {
			mismatch(c, v, "field %s: cannot parse", key);
			continue;
		}
		if (got->val != want) {
			mismatch(c, v,
				 "field %s: decoded 0x%" PRIx64
				 ", manifest 0x%" PRIx64,
				 key, got->val, want);
		}
		check_note(c, v, key, note, m);
	}
	for (size_t i = 0; i < n; i++) {
		if (!json_get(fields, kv[i].key)) {
			mismatch(c, v, "decoded field %s not in the manifest",
				 kv[i].key);
		}
	}
}

/* ---- tests ------------------------------------------------------------- */

TEST(manifest_lists_every_bin_file_with_its_size)
{
	struct ctx *c = ctx_load();
	DIR *dir = opendir(c->dir);
	struct dirent *de = NULL;
	size_t bins = 0;

	for (size_t i = 0; i < c->vectors->count; i++) {
		struct vec v;
		const char *note = NULL;
		uint64_t size = 0;

		if (!vec_load(c, i, &v)) {
			continue;
		}
		c->vectors_seen++;
		if (!value_u64(json_get(v.j, "size"), &size, &note) ||
		    size != v.len) {
			mismatch(c, &v, "file has %zu bytes, manifest %" PRIu64,
				 v.len, size);
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
	if (bins != c->vectors->count) {
		mismatch(c, NULL, "%zu .bin files, %zu manifest entries", bins,
			 c->vectors->count);
	}
	finish(c);
}

static void decode_check(struct ctx *c, struct vec *v)
{
	struct vmsg m;
	int rc = vmsg_decode(VMSG_PROFILE_PR28, v->data, v->len, &m);

	if (!v->accept) {
		if (rc == VMSG_OK) {
			mismatch(c, v, "decodes, manifest expects reject");
		}
		return;
	}
	if (rc != VMSG_OK) {
		mismatch(c, v, "decode failed: %d", rc);
		return;
	}
	check_fields(c, v, &m);
}

TEST(every_vector_decodes_in_pr28_to_exactly_its_manifest_fields)
{
	struct ctx *c = ctx_load();

	for_each(c, decode_check);
	finish(c);
}

static void reencode_check(struct ctx *c, struct vec *v)
{
	uint8_t out[VMSG_MAX_SIZE];
	struct vmsg m;
	int rc = 0;

	if (vmsg_decode(VMSG_PROFILE_PR28, v->data, v->len, &m) != VMSG_OK) {
		if (v->accept) {
			mismatch(c, v, "does not decode");
		}
		return;
	}
	memset(out, 0xee, sizeof(out));
	rc = vmsg_encode(VMSG_PROFILE_PR28, &m, out, sizeof(out));
	if (rc != (int)v->len || memcmp(out, v->data, v->len) != 0) {
		mismatch(c, v, "re-encoding differs (rc %d, %zu bytes)", rc,
			 v->len);
	}
}

TEST(every_vector_reencodes_byte_identical_in_pr28)
{
	struct ctx *c = ctx_load();

	for_each(c, reencode_check);
	finish(c);
}

static void truncation_check(struct ctx *c, struct vec *v)
{
	for (size_t len = 0; len < v->len; len++) {
		uint8_t *b = malloc(len ? len : 1);
		struct vmsg m;
		int rc = 0;

		ASSERT_TRUE(b != NULL);
		memcpy(b, v->data, len);
		rc = vmsg_decode(VMSG_PROFILE_PR28, b, len, &m);
		free(b);
		if (rc != VMSG_E_TRUNCATED) {
			mismatch(c, v, "cut to %zu bytes: rc %d", len, rc);
		}
	}
}

TEST(every_vector_cut_short_is_truncated)
{
	struct ctx *c = ctx_load();

	for_each(c, truncation_check);
	finish(c);
}

/* The three PR28 layouts whose size differs in V2 (README item 4). */
static bool v2_size_differs(const struct vmsg_hdr *h)
{
	if (!(h->type & VMSG_TYPE_RESPONSE)) {
		return false;
	}
	if (h->type & VMSG_TYPE_BUS) {
		return h->msg_id == VMSG_BUS_GET_DEVICES;
	}
	return h->msg_id == VMSG_GET_DEVICE_INFO || h->msg_id == VMSG_GET_SHM;
}

/*
 * The skew the README warns about: a V2 receiver must not accept the
 * PR28 GET_DEVICE_INFO, GET_SHM or GET_DEVICES responses. Everything else
 * (the vqueue word at 4/12 is 0 in these vectors) reads the same.
 */
static void v2_check(struct ctx *c, struct vec *v)
{
	struct vmsg_hdr h;
	struct vmsg m;
	uint8_t out[VMSG_MAX_SIZE];
	int rc = 0;

	if (!v->accept || vmsg_hdr_decode(v->data, v->len, &h) != VMSG_OK) {
		return;
	}
	rc = vmsg_decode(VMSG_PROFILE_V2, v->data, v->len, &m);
	if (v2_size_differs(&h)) {
		if (rc != VMSG_E_SIZE) {
			mismatch(c, v, "V2 decode: rc %d, want SIZE", rc);
		}
		return;
	}
	if (rc != VMSG_OK) {
		mismatch(c, v, "V2 decode failed: %d", rc);
		return;
	}
	rc = vmsg_encode(VMSG_PROFILE_V2, &m, out, sizeof(out));
	if (rc != (int)v->len || memcmp(out, v->data, v->len) != 0) {
		mismatch(c, v, "V2 re-encoding differs (rc %d)", rc);
	}
}

TEST(v2_profile_rejects_the_pr28_only_layouts_and_reads_the_rest_alike)
{
	struct ctx *c = ctx_load();

	for_each(c, v2_check);
	finish(c);
}
