// SPDX-License-Identifier: BSD-2-Clause
/*
 * The SPMC memory-transaction module against descriptors written by real
 * peers (shared/testdata/ffa: Hafnium's and Linux's own encoders). Every
 * memory send, retrieve request, hypervisor retrieve request and relinquish
 * vector is replayed through spmc_call() under its manifest preconditions
 * and must give the manifest's `expect` (FFA_SUCCESS / RETRIEVE_RESP for
 * "accept", else the named error). Retrieve requests, relinquishes and
 * hypervisor requests first replay their paired send and get the handle
 * our SPMC returned patched in (README "Conventions").
 */
#include <tzshare/ffa.h>
#include <tzshare/lib.h>
#include <tzshare/spmc.h>

#include "json.h"
#include "mem_util.h"
#include "spmc_fixture.h"
#include "test.h"

#define HYP_MB_BASE 0x20000000ull

static struct json_value *root;
static const struct json_value *vectors;
static char vdir[4200];

static void load(void)
{
	const char *base = test_testdata_dir();
	char path[4300];
	char err[256];

	if (!base) {
		test_skip("../shared/testdata absent");
	}
	snprintf(vdir, sizeof(vdir), "%s/ffa", base);
	snprintf(path, sizeof(path), "%s/manifest.json", vdir);
	root = json_parse_file(path, err, sizeof(err));
	if (!root) {
		test_fail(__FILE__, __LINE__, "manifest: %s", err);
	}
	vectors = json_get(root, "vectors");
	ASSERT_TRUE(vectors && vectors->type == JSON_ARRAY);
}

static const char *jstr(const struct json_value *v, const char *key)
{
	const char *s = json_str(json_get(v, key));

	return s ? s : "";
}

static const struct json_value *find(const char *name)
{
	size_t i = 0;

	for (i = 0; i < vectors->count; i++) {
		if (!strcmp(jstr(json_at(vectors, i), "name"), name)) {
			return json_at(vectors, i);
		}
	}
	test_fail(__FILE__, __LINE__, "vector %s not in manifest", name);
}

/* The vector's bytes (exact-size heap copy). */
static uint8_t *bytes(const struct json_value *v, size_t *len)
{
	char path[4400];
	uint8_t *buf = NULL;
	FILE *f = NULL;
	long n = 0;

	snprintf(path, sizeof(path), "%s/%s", vdir, jstr(v, "file"));
	f = fopen(path, "rb");
	ASSERT_TRUE(f != NULL);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	ASSERT_TRUE(n > 0 && n <= (long)MT_PAGE);
	buf = malloc((size_t)n);
	ASSERT_TRUE(buf != NULL);
	ASSERT_EQ(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* "1.0", "1.1", "1.2", "1.1/1.2" (-> the newest). */
static uint32_t version_of(const struct json_value *v)
{
	const char *s = jstr(v, "version");

	if (!strncmp(s, "1.0", 3)) {
		return FFA_VERSION_1_0;
	}
	if (!strcmp(s, "1.1")) {
		return FFA_VERSION_1_1;
	}
	return FFA_VERSION_1_2;
}

static int expected(const struct json_value *v)
{
	static const struct {
		const char *name;
		int err;
	} map[] = {
		{ "accept", FFA_OK },
		{ "INVALID_PARAMETERS", FFA_INVALID_PARAMETERS },
		{ "DENIED", FFA_DENIED },
		{ "NO_MEMORY", FFA_NO_MEMORY },
		{ "NOT_SUPPORTED", FFA_NOT_SUPPORTED },
	};
	const char *e = jstr(v, "expect");
	size_t i = 0;

	for (i = 0; i < TZS_ARRAY_SIZE(map); i++) {
		if (!strcmp(e, map[i].name)) {
			return map[i].err;
		}
	}
	test_fail(__FILE__, __LINE__, "unknown expect %s", e);
}

static uint32_t send_fid(const struct json_value *v)
{
	const char *abi = jstr(v, "abi");

	if (!strncmp(abi, "FFA_MEM_DONATE", 14)) {
		return FFA_MEM_DONATE_64;
	}
	if (!strncmp(abi, "FFA_MEM_LEND", 12)) {
		return FFA_MEM_LEND_64;
	}
	return FFA_MEM_SHARE_64;
}

static bool is_send(const struct json_value *v)
{
	const char *abi = jstr(v, "abi");

	return !strncmp(abi, "FFA_MEM_SHARE", 13) ||
	       !strncmp(abi, "FFA_MEM_LEND", 12) ||
	       !strncmp(abi, "FFA_MEM_DONATE", 14);
}

static bool is_linux(const struct json_value *v)
{
	return !strncmp(jstr(v, "name"), "linux", 5);
}

static void setup_for(const struct json_value *v, bool hypervisor)
{
	struct fx_opts o;

	memset(&o, 0, sizeof(o));
	o.version = version_of(v);
	o.vm0_instead_of_vm1 = is_linux(v);
	if (hypervisor) {
		o.cfg.has_hypervisor = true;
		o.cfg.hypervisor_id = 0;
	}
	mt_init_opts(&o);
}

/* Replay send vector @v; returns the result frame. */
static struct ffa_regs replay_send(const struct json_value *v)
{
	struct ffa_regs r;
	uint16_t sender = 0;
	uint8_t *buf = NULL;
	size_t len = 0;

	buf = bytes(v, &len);
	sender = le16_get(buf);
	memset(fx_tx(&fx, sender), 0, MT_PAGE);
	memcpy(fx_tx(&fx, sender), buf, len);
	free(buf);
	r = mt_call_send(sender, send_fid(v), (uint32_t)len, (uint32_t)len);
	return r;
}

static void check_result(const struct json_value *v, const struct ffa_regs *r,
			 uint32_t ok_fid)
{
	int want = expected(v);

	if (want == FFA_OK && (uint32_t)r->x[0] != ok_fid &&
	    !(ok_fid == FFA_SUCCESS_32 &&
	      (uint32_t)r->x[0] == FFA_SUCCESS_64)) {
		test_fail(__FILE__, __LINE__,
			  "%s: expected accept, got x0=0x%llx x2=%d",
			  jstr(v, "name"), (unsigned long long)r->x[0],
			  (int)(int32_t)r->x[2]);
	}
	if (want != FFA_OK && ffa_regs_error_code(r) != want) {
		test_fail(__FILE__, __LINE__, "%s: expected %s, got x0=0x%llx",
			  jstr(v, "name"), jstr(v, "expect"),
			  (unsigned long long)r->x[0]);
	}
}

/* Every send vector, each on a fresh SPMC. */
TEST(peer_send_vectors_get_the_expected_result)
{
	unsigned int seen = 0;
	size_t i = 0;

	load();
	for (i = 0; i < vectors->count; i++) {
		const struct json_value *v = json_at(vectors, i);
		struct ffa_regs r;

		if (!is_send(v)) {
			continue;
		}
		setup_for(v, false);
		r = replay_send(v);
		check_result(v, &r, FFA_SUCCESS_32);
		ASSERT_EQ(mt_live(), expected(v) == FFA_OK ? 1 : 0);
		mt_fini();
		seen++;
	}
	ASSERT_TRUE(seen >= 30);
}

/* Replay the paired send; returns the handle our SPMC gave it. */
static uint64_t send_pair(const struct json_value *v)
{
	const struct json_value *pair = find(jstr(v, "pairs_with"));
	struct ffa_regs r = replay_send(pair);

	ASSERT_FFA_SUCCESS(&r);
	return mt_handle(&r);
}

static struct ffa_regs replay_retrieve(const struct json_value *v,
				       uint16_t caller, uint64_t handle)
{
	uint8_t *buf = NULL;
	size_t len = 0;

	buf = bytes(v, &len);
	le64_put(buf + 8, handle);
	memset(fx_tx(&fx, caller), 0, MT_PAGE);
	memcpy(fx_tx(&fx, caller), buf, len);
	free(buf);
	return fx_call(&fx, caller, FFA_MEM_RETRIEVE_REQ_64, len, len, 0, 0, 0,
		       0, 0);
}

/* The borrower named by the request's first EMAD is the caller. */
static uint16_t first_receiver(const struct json_value *v)
{
	uint8_t *buf = NULL;
	uint16_t id = 0;
	size_t len = 0;

	buf = bytes(v, &len);
	id = le16_get(buf + ffa_emad_offset_for_version(version_of(v)));
	free(buf);
	return id;
}

static bool is_retrieve(const struct json_value *v)
{
	return !strcmp(jstr(v, "abi"), "FFA_MEM_RETRIEVE_REQ");
}

static bool is_hyp(const struct json_value *v)
{
	return strstr(jstr(v, "name"), "_hyp_") != NULL;
}

TEST(peer_retrieve_vectors_get_the_expected_result)
{
	unsigned int seen = 0;
	size_t i = 0;

	load();
	for (i = 0; i < vectors->count; i++) {
		const struct json_value *v = json_at(vectors, i);
		struct ffa_regs r;
		uint16_t caller = 0;
		uint64_t h = 0;

		if (!is_retrieve(v) || is_hyp(v)) {
			continue;
		}
		setup_for(v, false);
		h = send_pair(v);
		caller = first_receiver(v);
		r = replay_retrieve(v, caller, h);
		check_result(v, &r, FFA_MEM_RETRIEVE_RESP);
		if (expected(v) == FFA_OK) {
			ASSERT_NE(mt_access(caller, 0x88000000ull, MT_PAGE), 0);
		}
		mt_fini();
		seen++;
	}
	ASSERT_TRUE(seen >= 14);
}

/* VM 0 as the hypervisor (ID 0), next to VM 1 the sender. */
static void add_hypervisor(void)
{
	struct spmc_partition_config pc;
	struct spmc_mem_region_config rc;
	struct ffa_regs r;

	memset(&pc, 0, sizeof(pc));
	pc.id = 0;
	pc.exec_count = 1;
	ASSERT_EQ(spmc_partition_add(fx.spmc, &pc), FFA_OK);
	memset(&rc, 0, sizeof(rc));
	rc.base = HYP_MB_BASE;
	rc.page_count = 2;
	rc.owner = 0;
	ASSERT_EQ(spmc_mem_region_add(fx.spmc, &rc), FFA_OK);
	r = fx_call(&fx, 0, FFA_VERSION, FFA_VERSION_1_2, 0, 0, 0, 0, 0, 0);
	ASSERT_EQ(r.x[0], FFA_VERSION_1_2);
	r = fx_call(&fx, 0, FFA_RXTX_MAP_64, HYP_MB_BASE, HYP_MB_BASE + MT_PAGE,
		    1, 0, 0, 0, 0);
	ASSERT_FFA_SUCCESS(&r);
}

TEST(peer_hypervisor_retrieve_vectors_get_the_expected_result)
{
	unsigned int seen = 0;
	size_t i = 0;

	load();
	for (i = 0; i < vectors->count; i++) {
		const struct json_value *v = json_at(vectors, i);
		struct ffa_regs r;
		uint8_t *buf = NULL;
		uint64_t h = 0;
		size_t len = 0;

		if (!is_retrieve(v) || !is_hyp(v)) {
			continue;
		}
		setup_for(v, true);
		add_hypervisor();
		h = send_pair(v);
		buf = bytes(v, &len);
		le64_put(buf + 8, h);
		memcpy(fx_pa(&fx, HYP_MB_BASE), buf, len);
		free(buf);
		r = fx_call(&fx, 0, FFA_MEM_RETRIEVE_REQ_64, len, len, 0, 0, 0,
			    0, 0);
		check_result(v, &r, FFA_MEM_RETRIEVE_RESP);
		mt_fini();
		seen++;
	}
	ASSERT_EQ(seen, 2);
}

TEST(peer_relinquish_vectors_get_the_expected_result)
{
	unsigned int seen = 0;
	size_t i = 0;

	load();
	for (i = 0; i < vectors->count; i++) {
		const struct json_value *v = json_at(vectors, i);
		const struct json_value *req = NULL;
		struct ffa_regs r;
		uint8_t *buf = NULL;
		size_t len = 0;
		uint64_t h = 0;

		if (strcmp(jstr(v, "abi"), "FFA_MEM_RELINQUISH")) {
			continue;
		}
		setup_for(v, false);
		h = send_pair(v);
		/* The paired LEND's own retrieve request maps it RW. */
		req = find("hf_v12_retrieve_req_lend");
		r = replay_retrieve(req, FX_SP1, h);
		ASSERT_EQ(r.x[0], FFA_MEM_RETRIEVE_RESP);
		mt_rx_release(FX_SP1);
		buf = bytes(v, &len);
		le64_put(buf, h);
		memset(fx_tx(&fx, FX_SP1), 0, MT_PAGE);
		memcpy(fx_tx(&fx, FX_SP1), buf, len);
		free(buf);
		r = fx_call(&fx, FX_SP1, FFA_MEM_RELINQUISH, 0, 0, 0, 0, 0, 0,
			    0);
		check_result(v, &r, FFA_SUCCESS_32);
		ASSERT_EQ(mt_access(FX_SP1, 0x88000000ull, MT_PAGE), 0);
		r = mt_reclaim(FX_VM1, h, 0);
		ASSERT_FFA_SUCCESS(&r);
		mt_fini();
		seen++;
	}
	ASSERT_EQ(seen, 2);
}

/* ffa.md §7.2: the stale-TX Linux vector is refused, the clean one of the
 * same shape accepted. */
TEST(linux_stale_tx_vector_is_invalid_and_clean_one_accepted)
{
	const struct json_value *v = NULL;
	struct ffa_regs r;

	load();
	v = find("linux_v11_share_sg2_stale_tx");
	setup_for(v, false);
	r = replay_send(v);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	ASSERT_EQ(mt_live(), 0);
	r = replay_send(find("linux_v11_share_sg2"));
	ASSERT_FFA_SUCCESS(&r);
	mt_fini();
}
