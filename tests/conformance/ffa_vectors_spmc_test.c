// SPDX-License-Identifier: BSD-2-Clause
/*
 * Our SPMC against the real-peer vectors in shared/testdata/ffa/ (Hafnium
 * and Linux encoders; README.md there). Every vector whose ABI the SPMC
 * answers is replayed under its manifest preconditions on a fresh fixture
 * and must get exactly the manifest's `expect`: FFA_SUCCESS (or
 * FFA_MEM_RETRIEVE_RESP / delivery) for "accept", otherwise FFA_ERROR with
 * the named code. Accepted calls are followed by checks of the resulting
 * state (page owner and access, retrieve response contents, what the
 * receiver got). Vectors the SPMC never receives (retrieve responses,
 * partition-info descriptors in RX) are listed as not applicable; the
 * codec test (ffa_vectors_decode_test.c) covers them.
 *
 * One line per vector run is printed ("name[@version]: expect ok|FAIL");
 * a TEST fails listing every vector that disagreed. Vectors whose version
 * reads "1.1/1.2", "1.1+" or ">= 1.1" run once per version they name.
 */
#include "test.h"

#include <stdarg.h>

#include <tzshare/ffa.h>
#include <tzshare/lib.h>
#include <tzshare/spmc.h>

#include "ffa_vectors.h"
#include "json.h"
#include "spmc_fixture.h"

#define MAX_CALLERS 4
#define MAX_FAILED 128
#define PAGE 4096u
#define MB_SIZE 4096u /* fixture mailboxes are one page */
#define ANSWER_OTHER 1 /* neither the success FID nor FFA_ERROR */
#define BORROWER_FILL 0x5A /* what a borrower writes before relinquishing */
#define STALE_FILL 0xEE /* an RX buffer's left-overs from an earlier message */

/* What the SPMC is asked to do with a vector (one TEST group each). */
enum group {
	G_UNKNOWN,
	G_NOT_APPLICABLE,
	G_SEND,
	G_RETRIEVE,
	G_HYP_RETRIEVE,
	G_RELINQUISH,
	G_MSG_SEND2,
	G_DIRECT_REQ2,
	G_PART_INFO_REGS,
};

/* The manifest and the result list of one TEST. */
struct ctx {
	struct fv_manifest m;
	unsigned int runs;
	unsigned int failed_count;
	char failed[MAX_FAILED][80];
};

/* One manifest entry and its bytes. */
struct vec {
	const char *name;
	const char *abi;
	const char *version_str;
	const char *preconditions;
	const char *pairs_with;
	bool linux_peer; /* sender 0x0000 (LX-SEND) instead of 0x0001 */
	int expect; /* FFA_OK = accept, else the FF-A error code */
	enum group group;
	uint32_t min_version; /* run at every version min..max */
	uint32_t max_version;
	uint8_t *data;
	size_t len;
};

/* A paired send, replayed first, and the handle the SPMC gave it. */
struct pair {
	struct vec v;
	uint32_t fid;
	enum ffa_mem_kind kind;
	struct fv_mem d;
	uint64_t handle;
};

/* One run of one vector at one negotiated version. */
struct run {
	struct ctx *c;
	const struct vec *v;
	uint32_t version;
	struct fx fx;
	bool fx_up;
	char why[320];
};

/* ---- reporting -------------------------------------------------------- */

__attribute__((format(printf, 3, 4))) static bool
fail_at(struct run *r, int line, const char *fmt, ...)
{
	va_list ap;
	int n = 0;

	if (r->why[0]) {
		return false; /* keep the first reason */
	}
	n = snprintf(r->why, sizeof(r->why), "line %d: ", line);
	va_start(ap, fmt);
	vsnprintf(r->why + n, sizeof(r->why) - (size_t)n, fmt, ap);
	va_end(ap);
	return false;
}

/* Inside a bool step function: stop the run with a reason. */
#define VERIFY(r, cond, ...)                                        \
	do {                                                        \
		if (!(cond)) {                                      \
			return fail_at((r), __LINE__, __VA_ARGS__); \
		}                                                   \
	} while (0)

static const char *answer_name(int a)
{
	if (a == FFA_OK) {
		return "accept";
	}
	if (a == ANSWER_OTHER) {
		return "an unexpected frame";
	}
	return ffa_error_name(a);
}

/* FFA_OK for @ok_fid (either FFA_SUCCESS for FFA_SUCCESS_32), the code of
 * an FFA_ERROR, or ANSWER_OTHER. */
static int answer_of(const struct ffa_regs *res, uint32_t ok_fid)
{
	uint32_t fid = (uint32_t)res->x[0];

	if (fid == FFA_ERROR) {
		return (int32_t)(uint32_t)res->x[2];
	}
	if (fid == ok_fid ||
	    (ok_fid == FFA_SUCCESS_32 && fid == FFA_SUCCESS_64)) {
		return FFA_OK;
	}
	return ANSWER_OTHER;
}

/* The call carrying the vector: the SPMC must answer the manifest's expect. */
static bool verdict(struct run *r, const struct ffa_regs *res, uint32_t ok_fid)
{
	int got = answer_of(res, ok_fid);

	VERIFY(r, got == r->v->expect,
	       "SPMC answered %s (x0=0x%" PRIx64 " x2=0x%" PRIx64
	       "), manifest expects %s",
	       answer_name(got), res->x[0], res->x[2],
	       answer_name(r->v->expect));
	return true;
}

/* A call around the vector (precondition or follow-up) must give @want. */
static bool step(struct run *r, const struct ffa_regs *res, uint32_t ok_fid,
		 int want, const char *what)
{
	int got = answer_of(res, ok_fid);

	VERIFY(r, got == want,
	       "%s: SPMC answered %s (x2=0x%" PRIx64 "), want %s", what,
	       answer_name(got), res->x[2], answer_name(want));
	return true;
}

/* ---- manifest ---------------------------------------------------------- */

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

/* "1.2" at @s: the version, or 0. */
static uint32_t parse_one_version(const char *s)
{
	unsigned long minor = 0;
	char *end = NULL;

	if (!s || s[0] != '1' || s[1] != '.' || s[2] < '0' || s[2] > '9') {
		return 0;
	}
	minor = strtoul(s + 2, &end, 10);
	return minor > 0xffff ? 0 : FFA_VERSION_MAKE(1, minor);
}

/*
 * "1.0" -> 1.0 only. "1.1/1.2", "1.1+ (...)" -> 1.1 and 1.2.
 * "1.2 (used for every negotiated version >= 1.1)" -> 1.1 and 1.2.
 */
static bool parse_versions(const char *s, uint32_t *lo, uint32_t *hi)
{
	const char *ge = s ? strstr(s, ">= ") : NULL;

	*lo = parse_one_version(s);
	*hi = *lo;
	if (!*lo) {
		return false;
	}
	if (strchr(s, '/') || strchr(s, '+') || ge) {
		*hi = FFA_VERSION_COMPILED;
	}
	if (ge) {
		*lo = parse_one_version(ge + 3);
	}
	return *lo && *lo <= *hi;
}

/* "accept" or an FF-A error name. */
static bool parse_expect(const char *s, int *expect)
{
	int e = 0;

	if (!s) {
		return false;
	}
	if (strcmp(s, "accept") == 0) {
		*expect = FFA_OK;
		return true;
	}
	for (e = FFA_NOT_SUPPORTED; e >= FFA_NOT_READY; e--) {
		if (strcmp(s, ffa_error_name(e)) == 0) {
			*expect = e;
			return true;
		}
	}
	return false;
}

static bool is_send_abi(const char *abi)
{
	return strncmp(abi, "FFA_MEM_SHARE", 13) == 0 ||
	       strncmp(abi, "FFA_MEM_LEND", 12) == 0 ||
	       strncmp(abi, "FFA_MEM_DONATE", 14) == 0;
}

static enum group classify(const struct json_value *j, const uint8_t *data,
			   size_t len)
{
	const char *abi = json_str(json_get(j, "abi"));

	if (is_send_abi(abi)) {
		return G_SEND;
	}
	if (strcmp(abi, "FFA_MEM_RETRIEVE_REQ") == 0) {
		/* EMAD count 0 (offset 28 in every layout): hypervisor. */
		return len >= 32 && le32_get(data + 28) == 0 ? G_HYP_RETRIEVE :
							       G_RETRIEVE;
	}
	if (strcmp(abi, "FFA_MEM_RELINQUISH") == 0) {
		return G_RELINQUISH;
	}
	if (strcmp(abi, "FFA_MSG_SEND2") == 0) {
		return G_MSG_SEND2;
	}
	if (strcmp(abi, "FFA_MSG_SEND_DIRECT_REQ2") == 0) {
		return G_DIRECT_REQ2;
	}
	if (strcmp(abi, "FFA_PARTITION_INFO_GET") == 0) {
		/* A caller's register image, or descriptors as RX holds them. */
		return json_get(json_get(j, "fields"), "x0") ?
			       G_PART_INFO_REGS :
			       G_NOT_APPLICABLE;
	}
	if (strcmp(abi, "FFA_MEM_RETRIEVE_RESP") == 0) {
		return G_NOT_APPLICABLE;
	}
	return G_UNKNOWN;
}

/* Why a vector is not replayed against the SPMC (printed by the census). */
static const char *not_applicable_reason(const struct vec *v)
{
	if (strcmp(v->abi, "FFA_MEM_RETRIEVE_RESP") == 0) {
		return "retrieve response: the borrower parses it";
	}
	return "partition info in RX: the caller parses it";
}

/* Fill @v from manifest entry @j. Returns NULL or what is wrong. */
static const char *vec_load(const struct ctx *c, const struct json_value *j,
			    struct vec *v)
{
	const char *file = json_str(json_get(j, "file"));
	const char *peer = json_str(json_get(j, "peer"));

	memset(v, 0, sizeof(*v));
	v->name = json_str(json_get(j, "name"));
	v->abi = json_str(json_get(j, "abi"));
	v->version_str = json_str(json_get(j, "version"));
	v->preconditions = json_str(json_get(j, "preconditions"));
	v->pairs_with = json_str(json_get(j, "pairs_with"));
	if (!v->name || !v->abi || !file || !peer) {
		return "entry lacks name/abi/file/peer";
	}
	v->linux_peer = strcmp(peer, "Linux") == 0;
	if (!parse_versions(v->version_str, &v->min_version, &v->max_version)) {
		return "unparseable version";
	}
	if (!parse_expect(json_str(json_get(j, "expect")), &v->expect)) {
		return "unparseable expect";
	}
	v->data = fv_read(&c->m, file, &v->len);
	if (!v->data) {
		return "cannot read the .bin file";
	}
	v->group = classify(j, v->data, v->len);
	return NULL;
}

static void vec_free(struct vec *v)
{
	free(v->data);
	v->data = NULL;
}

/*
 * The paired send for a run at @version: `pairs_with` names a hf_v1x_*
 * vector; "1.1/1.2" vectors name the v1.2 one, so the digit is replaced by
 * the run's minor version.
 */
static void pair_name(const char *pairs_with, uint32_t version, char *out,
		      size_t cap)
{
	snprintf(out, cap, "%s", pairs_with);
	if (strncmp(out, "hf_v1", 5) == 0 && out[5] >= '0' && out[5] <= '9') {
		out[5] = (char)('0' + FFA_VERSION_MINOR(version));
	}
}

/*
 * The callers the preconditions name: "caller is 0x8001", "caller
 * 0x8001", "caller is 0x8001 or 0x8002"; "As <vector>; ..." refers to that
 * vector's preconditions. Returns how many were found.
 */
static unsigned int callers_of(const struct ctx *c, const char *pre,
			       uint16_t *ids, unsigned int depth)
{
	const char *s = pre;
	unsigned int n = 0;

	while (s && (s = strstr(s, "caller")) != NULL) {
		s += strlen("caller");
		s += strncmp(s, " is", 3) == 0 ? 3 : 0;
		while (*s == ' ' && strncmp(s + 1, "0x", 2) == 0 &&
		       n < MAX_CALLERS) {
			char *end = NULL;

			ids[n++] = (uint16_t)strtoul(s + 1, &end, 16);
			s = end;
			s += strncmp(s, " or", 3) == 0 ? 3 : 0;
		}
		if (n) {
			return n;
		}
	}
	if (pre && strncmp(pre, "As ", 3) == 0 && depth == 0) {
		char name[64];
		size_t k = strcspn(pre + 3, ";, ");

		snprintf(name, sizeof(name), "%.*s", (int)k, pre + 3);
		return callers_of(c,
				  json_str(json_get(fv_find(&c->m, name),
						    "preconditions")),
				  ids, depth + 1);
	}
	return 0;
}

/* ---- descriptors and memory state -------------------------------------- */

static const struct ffa_emad *emad_of(const struct fv_mem *d, uint16_t id)
{
	uint32_t i = 0;

	for (i = 0; i < d->mtd.emad_count; i++) {
		if (d->emads[i].receiver == id) {
			return &d->emads[i];
		}
	}
	return NULL;
}

static uint32_t send_fid(const char *abi)
{
	bool smc64 = strstr(abi, "_64") != NULL;

	if (strncmp(abi, "FFA_MEM_DONATE", 14) == 0) {
		return smc64 ? FFA_MEM_DONATE_64 : FFA_MEM_DONATE_32;
	}
	if (strncmp(abi, "FFA_MEM_LEND", 12) == 0) {
		return smc64 ? FFA_MEM_LEND_64 : FFA_MEM_LEND_32;
	}
	return smc64 ? FFA_MEM_SHARE_64 : FFA_MEM_SHARE_32;
}

static enum ffa_mem_kind kind_of(uint32_t fid)
{
	switch (FFA_FID_SMC32(fid)) {
	case FFA_MEM_DONATE_32:
		return FFA_MEM_KIND_DONATE;
	case FFA_MEM_LEND_32:
		return FFA_MEM_KIND_LEND;
	default:
		return FFA_MEM_KIND_SHARE;
	}
}

static uint32_t live_shares(struct run *r)
{
	struct spmc_stats st;

	spmc_stats_get(r->fx.spmc, &st);
	return st.live_shares;
}

/* Every page of every constituent belongs to @owner. */
static bool owned_by(struct run *r, const struct fv_mem *d, uint16_t owner)
{
	uint32_t i = 0, p = 0;

	for (i = 0; i < d->comp.constituent_count; i++) {
		for (p = 0; p < d->cons[i].page_count; p++) {
			uint64_t pa = d->cons[i].address + (uint64_t)p * PAGE;

			VERIFY(r, spmc_page_owner(r->fx.spmc, pa) == owner,
			       "page 0x%" PRIx64
			       " owned by 0x%04x, want 0x%04x",
			       pa, spmc_page_owner(r->fx.spmc, pa), owner);
		}
	}
	return true;
}

/* @ep may access every page with exactly data access @perm. */
static bool access_is(struct run *r, uint16_t ep, const struct fv_mem *d,
		      uint8_t perm)
{
	uint32_t i = 0;

	for (i = 0; i < d->comp.constituent_count; i++) {
		uint8_t got = 0;
		int rc = spmc_mem_access(r->fx.spmc, ep, d->cons[i].address,
					 (uint64_t)d->cons[i].page_count * PAGE,
					 &got);

		VERIFY(r, rc == FFA_OK && got == perm,
		       "0x%04x access to 0x%" PRIx64 ": %s/0x%x, want 0x%x", ep,
		       d->cons[i].address, ffa_error_name(rc), got, perm);
	}
	return true;
}

/* @ep may access no page at all. */
static bool no_access(struct run *r, uint16_t ep, const struct fv_mem *d)
{
	uint32_t i = 0, p = 0;

	for (i = 0; i < d->comp.constituent_count; i++) {
		for (p = 0; p < d->cons[i].page_count; p++) {
			uint64_t pa = d->cons[i].address + (uint64_t)p * PAGE;
			uint8_t got = 0;

			VERIFY(r,
			       spmc_mem_access(r->fx.spmc, ep, pa, PAGE,
					       &got) == FFA_DENIED,
			       "0x%04x still has access to 0x%" PRIx64, ep, pa);
		}
	}
	return true;
}

/* ---- calls ------------------------------------------------------------- */

static void fx_up(struct run *r, bool hypervisor)
{
	struct fx_opts o;

	memset(&o, 0, sizeof(o));
	o.version = r->version;
	o.vm0_instead_of_vm1 = r->v->linux_peer;
	if (hypervisor) {
		/* Owner VM 0x0001 plus the hypervisor 0x0000. */
		o.cfg.has_hypervisor = true;
		o.cfg.hypervisor_id = FFA_HYPERVISOR_ID;
		o.extra_vm0 = true;
	}
	fx_init(&r->fx, &o);
	r->fx_up = true;
}

/* Put @len bytes in @caller's TX and call @fid(w1, w2), x3 = w4 = 0. */
static struct ffa_regs call_tx(struct run *r, uint16_t caller, uint32_t fid,
			       const uint8_t *buf, size_t len, uint32_t w1,
			       uint32_t w2)
{
	memcpy(fx_tx(&r->fx, caller), buf, len);
	return fx_call(&r->fx, caller, fid, w1, w2, 0, 0, 0, 0, 0);
}

/* Leave stale bytes in @ep's RX: the SPMC must not let them show through. */
static void rx_dirty(struct run *r, uint16_t ep)
{
	memset(fx_rx(&r->fx, ep), STALE_FILL, MB_SIZE);
}

/* RX bytes [from, MB_SIZE) were zeroed by the SPMC. */
static bool rx_tail_zero(struct run *r, uint16_t ep, size_t from)
{
	const uint8_t *rx = fx_rx(&r->fx, ep);
	size_t i = 0;

	for (i = from; i < MB_SIZE; i++) {
		VERIFY(r, rx[i] == 0, "RX byte %zu after the message is 0x%02x",
		       i, rx[i]);
	}
	return true;
}

static uint64_t handle_of(const struct ffa_regs *res)
{
	return ffa_handle_make((uint32_t)res->x[2], (uint32_t)res->x[3]);
}

static bool rx_release(struct run *r, uint16_t ep)
{
	struct ffa_regs res =
		fx_call(&r->fx, ep, FFA_RX_RELEASE, 0, 0, 0, 0, 0, 0, 0);

	return step(r, &res, FFA_SUCCESS_32, FFA_OK, "FFA_RX_RELEASE");
}

/*
 * A copy of @v's bytes with the handle replaced: bytes 8..15 of a memory
 * transaction descriptor (ffa.md §2.1), bytes 0..7 of a relinquish
 * descriptor (§2.8).
 */
static uint8_t *patched(const struct vec *v, uint64_t handle)
{
	size_t at = v->group == G_RELINQUISH ? 0 : 8;
	uint8_t *buf = malloc(v->len);

	ASSERT_TRUE(buf != NULL && v->len >= at + 8);
	memcpy(buf, v->data, v->len);
	le64_put(buf + at, handle);
	return buf;
}

/* Load and send the paired vector; it must be accepted (precondition). */
static bool pair_send(struct run *r, struct pair *pr)
{
	const struct json_value *j = NULL;
	const char *err = NULL;
	struct ffa_regs res;
	char name[64];

	VERIFY(r, r->v->pairs_with, "no pairs_with");
	pair_name(r->v->pairs_with, r->version, name, sizeof(name));
	j = fv_find(&r->c->m, name);
	VERIFY(r, j, "paired vector %s not in the manifest", name);
	err = vec_load(r->c, j, &pr->v);
	VERIFY(r, !err, "paired vector %s: %s", name, err);
	VERIFY(r, pr->v.group == G_SEND && pr->v.expect == FFA_OK,
	       "paired vector %s is not an accepted send", name);
	VERIFY(r,
	       fv_mem_decode(pr->v.data, pr->v.len, r->version, true, &pr->d) ==
		       FFA_OK,
	       "paired vector %s does not decode at this version", name);
	pr->fid = send_fid(pr->v.abi);
	pr->kind = kind_of(pr->fid);
	res = call_tx(r, r->fx.vm1, pr->fid, pr->v.data, pr->v.len,
		      (uint32_t)pr->v.len, (uint32_t)pr->v.len);
	if (!step(r, &res, FFA_SUCCESS_32, FFA_OK, "paired send")) {
		return false;
	}
	pr->handle = handle_of(&res);
	return true;
}

/* ---- FFA_MEM_SHARE / LEND / DONATE ------------------------------------- */

/* A rejected send leaves no transaction and the owner's pages untouched. */
static bool send_left_no_trace(struct run *r, uint16_t owner,
			       const struct fv_mem *d)
{
	VERIFY(r, live_shares(r) == 0, "rejected send left %u transaction(s)",
	       live_shares(r));
	return owned_by(r, d, owner) &&
	       access_is(r, owner, d, FFA_PERM_DATA_RW);
}

/*
 * After an accepted send (ffa.md §3.1): the sender still owns every page,
 * keeps its access for SHARE (Owner-SA) and loses it for LEND/DONATE
 * (Owner-NA); no borrower has access before retrieving.
 */
static bool send_state(struct run *r, uint16_t owner, uint32_t fid,
		       const struct fv_mem *d, uint64_t handle)
{
	uint32_t i = 0;

	VERIFY(r, !(handle & FFA_HANDLE_ALLOCATOR_HYP),
	       "handle 0x%" PRIx64 " is not SPMC-allocated", handle);
	VERIFY(r, live_shares(r) == 1, "%u live transactions after one send",
	       live_shares(r));
	if (!owned_by(r, d, owner)) {
		return false;
	}
	if (kind_of(fid) == FFA_MEM_KIND_SHARE) {
		if (!access_is(r, owner, d, FFA_PERM_DATA_RW)) {
			return false;
		}
	} else if (!no_access(r, owner, d)) {
		return false;
	}
	for (i = 0; i < d->mtd.emad_count; i++) {
		if (!no_access(r, d->emads[i].receiver, d)) {
			return false;
		}
	}
	return true;
}

static bool do_send(struct run *r)
{
	const struct vec *v = r->v;
	uint32_t fid = send_fid(v->abi);
	uint16_t owner = 0;
	struct fv_mem d;
	struct ffa_regs res;

	VERIFY(r,
	       fv_mem_decode(v->data, v->len, r->version, true, &d) == FFA_OK,
	       "our codec cannot decode the vector");
	fx_up(r, false);
	owner = r->fx.vm1;
	res = call_tx(r, owner, fid, v->data, v->len, (uint32_t)v->len,
		      (uint32_t)v->len);
	if (!verdict(r, &res, FFA_SUCCESS_32)) {
		return false;
	}
	if (v->expect != FFA_OK) {
		return send_left_no_trace(r, owner, &d);
	}
	if (!send_state(r, owner, fid, &d, handle_of(&res))) {
		return false;
	}
	/* The pages are in a transaction: the owner is not Owner-EA. */
	res = call_tx(r, owner, fid, v->data, v->len, (uint32_t)v->len,
		      (uint32_t)v->len);
	if (!step(r, &res, FFA_SUCCESS_32, FFA_DENIED, "identical 2nd send")) {
		return false;
	}
	VERIFY(r, live_shares(r) == 1, "denied send changed the share count");
	return true;
}

/* ---- FFA_MEM_RETRIEVE_REQ ---------------------------------------------- */

/*
 * What the SPMC grants (ffa.md §3.1, §4): the data access asked for, or
 * the one sent (RW for DONATE, which sends none); NX unless X was asked.
 */
static uint8_t expected_grant(uint8_t sent, uint8_t req)
{
	uint8_t data = req & FFA_PERM_DATA_MASK;
	uint8_t instr = req & FFA_PERM_INSTR_MASK;

	if (!data) {
		data = sent & FFA_PERM_DATA_MASK;
	}
	if (!data) {
		data = FFA_PERM_DATA_RW;
	}
	return data | (instr ? instr : FFA_PERM_INSTR_NX);
}

/*
 * Retrieve-response header and memory region, common to borrower and
 * hypervisor retrieves: the sender's values with the relayer's NS bit
 * (memory is non-secure) and type bits (ffa.md §4, §7.5), the handle, and
 * the send's constituents. The tag is the sender's: our SPMC echoes it
 * (deliberate deviation from Hafnium's 0, see mem_retrieve.c).
 */
static bool resp_common(struct run *r, const struct pair *pr, uint16_t ep,
			const struct ffa_regs *res, struct fv_mem *d)
{
	const struct fv_mem *s = &pr->d;
	uint32_t total = (uint32_t)res->x[1];
	uint32_t frag = (uint32_t)res->x[2];
	uint32_t type = (uint32_t)pr->kind << FFA_MEM_FLAG_TYPE_SHIFT;
	uint32_t i = 0;

	VERIFY(r, total == frag && frag <= MB_SIZE,
	       "response w1 %u w2 %u: one fragment expected", total, frag);
	VERIFY(r,
	       fv_mem_decode(fx_rx(&r->fx, ep), frag, r->version, true, d) ==
		       FFA_OK,
	       "response in RX does not decode");
	/* RX tail zeroed: nothing stale leaks (ffa.md §3.3 retrieve 8). */
	if (!rx_tail_zero(r, ep, frag)) {
		return false;
	}
	VERIFY(r, d->mtd.sender == s->mtd.sender, "response sender 0x%04x",
	       d->mtd.sender);
	VERIFY(r, d->mtd.handle == pr->handle, "response handle 0x%" PRIx64,
	       d->mtd.handle);
	VERIFY(r, d->mtd.attributes & FFA_MEM_ATTR_NS,
	       "NS bit not set for non-secure memory (attributes 0x%x)",
	       d->mtd.attributes);
	VERIFY(r, (d->mtd.attributes & ~FFA_MEM_ATTR_NS) == s->mtd.attributes,
	       "attributes 0x%x, sent 0x%x", d->mtd.attributes,
	       s->mtd.attributes);
	VERIFY(r, d->mtd.flags == (s->mtd.flags | type),
	       "flags 0x%x, want sender flags 0x%x | type 0x%x", d->mtd.flags,
	       s->mtd.flags, type);
	VERIFY(r, d->mtd.tag == s->mtd.tag,
	       "tag 0x%" PRIx64 ", sent 0x%" PRIx64, d->mtd.tag, s->mtd.tag);
	VERIFY(r,
	       d->comp.page_count == s->comp.page_count &&
		       d->comp.constituent_count == s->comp.constituent_count,
	       "composite %u pages/%u ranges, sent %u/%u", d->comp.page_count,
	       d->comp.constituent_count, s->comp.page_count,
	       s->comp.constituent_count);
	for (i = 0; i < s->comp.constituent_count; i++) {
		VERIFY(r,
		       d->cons[i].address == s->cons[i].address &&
			       d->cons[i].page_count == s->cons[i].page_count,
		       "constituent %u differs from the send", i);
	}
	return true;
}

/* v1.2 impdef round-trips when both sides carry it (ffa.md §6). */
static bool impdef_echoed(struct run *r, const struct fv_mem *resp,
			  const struct ffa_emad *got, const struct pair *pr,
			  const struct ffa_emad *sent)
{
	if (resp->mtd.emad_size < FFA_EMAD_V1_2_SIZE ||
	    pr->d.mtd.emad_size < FFA_EMAD_V1_2_SIZE) {
		return true;
	}
	VERIFY(r,
	       got->impdef[0] == sent->impdef[0] &&
		       got->impdef[1] == sent->impdef[1],
	       "impdef of 0x%04x not echoed", got->receiver);
	return true;
}

/* A borrower's response: one EMAD, its own, with the granted access. */
static bool resp_borrower(struct run *r, const struct pair *pr, uint16_t caller,
			  const struct ffa_regs *res, uint8_t grant)
{
	const struct ffa_emad *sent = emad_of(&pr->d, caller);
	struct fv_mem d;

	if (!resp_common(r, pr, caller, res, &d)) {
		return false;
	}
	VERIFY(r, d.mtd.emad_count == 1 && d.emads[0].receiver == caller,
	       "response has %u EMADs, first for 0x%04x", d.mtd.emad_count,
	       d.emads[0].receiver);
	VERIFY(r, d.emads[0].perms == grant, "granted 0x%02x, want 0x%02x",
	       d.emads[0].perms, grant);
	return impdef_echoed(r, &d, &d.emads[0], pr, sent);
}

/* After an accepted retrieve: access granted; DONATE moved ownership. */
static bool retrieved_state(struct run *r, const struct pair *pr,
			    uint16_t caller, uint8_t grant)
{
	if (!access_is(r, caller, &pr->d, grant & FFA_PERM_DATA_MASK)) {
		return false;
	}
	if (pr->kind == FFA_MEM_KIND_DONATE) {
		VERIFY(r, live_shares(r) == 0,
		       "DONATE handle alive after its retrieve");
		return owned_by(r, &pr->d, caller);
	}
	return owned_by(r, &pr->d, pr->d.mtd.sender);
}

static bool retrieve_one(struct run *r, const struct pair *pr, uint16_t caller)
{
	const struct vec *v = r->v;
	uint8_t *buf = patched(v, pr->handle);
	const struct ffa_emad *want = NULL;
	const struct ffa_emad *sent = emad_of(&pr->d, caller);
	struct fv_mem q;
	struct ffa_regs res;
	uint8_t grant = 0;

	rx_dirty(r, caller);
	res = call_tx(r, caller, FFA_MEM_RETRIEVE_REQ_32, buf, v->len,
		      (uint32_t)v->len, (uint32_t)v->len);
	free(buf);
	if (!verdict(r, &res, FFA_MEM_RETRIEVE_RESP)) {
		return false;
	}
	if (v->expect != FFA_OK) {
		VERIFY(r, live_shares(r) == 1, "rejected retrieve freed it");
		return no_access(r, caller, &pr->d);
	}
	VERIFY(r,
	       fv_mem_decode(v->data, v->len, r->version, false, &q) == FFA_OK,
	       "our codec cannot decode the request");
	want = emad_of(&q, caller);
	VERIFY(r, want && sent, "caller 0x%04x not in request and send",
	       caller);
	grant = expected_grant(sent->perms, want->perms);
	return resp_borrower(r, pr, caller, &res, grant) &&
	       retrieved_state(r, pr, caller, grant) && rx_release(r, caller);
}

static bool do_retrieve(struct run *r)
{
	uint16_t callers[MAX_CALLERS];
	unsigned int n = callers_of(r->c, r->v->preconditions, callers, 0);
	struct pair pr;
	unsigned int i = 0;
	bool ok = true;

	memset(&pr, 0, sizeof(pr));
	VERIFY(r, n, "preconditions name no caller");
	fx_up(r, false);
	ok = pair_send(r, &pr);
	/* "caller is 0x8001 or 0x8002": each of them retrieves in turn. */
	for (i = 0; ok && i < n; i++) {
		ok = retrieve_one(r, &pr, callers[i]);
	}
	vec_free(&pr.v);
	return ok;
}

/* ---- Hypervisor retrieve request (EMAD count 0) ------------------------- */

/* The hypervisor sees the whole transaction as sent; nothing changes. */
static bool resp_hypervisor(struct run *r, const struct pair *pr,
			    const struct ffa_regs *res)
{
	struct fv_mem d;
	uint32_t i = 0;

	if (!resp_common(r, pr, FFA_HYPERVISOR_ID, res, &d)) {
		return false;
	}
	VERIFY(r, d.mtd.emad_count == pr->d.mtd.emad_count,
	       "%u EMADs in the response, %u sent", d.mtd.emad_count,
	       pr->d.mtd.emad_count);
	for (i = 0; i < d.mtd.emad_count; i++) {
		const struct ffa_emad *s = &pr->d.emads[i];
		/* The relayer stores NX for SHARE and multi-borrower LEND
		 * borrowers that left instruction access unspecified (ffa.md
		 * §3.1); the hypervisor sees the stored permissions. */
		uint8_t want = s->perms;

		if (!(want & FFA_PERM_INSTR_MASK)) {
			want |= FFA_PERM_INSTR_NX;
		}
		VERIFY(r,
		       d.emads[i].receiver == s->receiver &&
			       d.emads[i].perms == want,
		       "EMAD %u: 0x%04x/0x%02x, sent 0x%04x/0x%02x", i,
		       d.emads[i].receiver, d.emads[i].perms, s->receiver,
		       s->perms);
		if (!impdef_echoed(r, &d, &d.emads[i], pr, s) ||
		    !no_access(r, s->receiver, &pr->d)) {
			return false;
		}
	}
	VERIFY(r, live_shares(r) == 1, "hypervisor retrieve changed the state");
	return owned_by(r, &pr->d, pr->d.mtd.sender);
}

static bool do_hyp_retrieve(struct run *r)
{
	const struct vec *v = r->v;
	struct pair pr;
	struct ffa_regs res;
	uint8_t *buf = NULL;
	bool ok = false;

	memset(&pr, 0, sizeof(pr));
	VERIFY(r, !v->linux_peer,
	       "the fixture has no owner 0x0000 next to a hypervisor 0x0000");
	fx_up(r, true);
	if (!pair_send(r, &pr)) {
		vec_free(&pr.v);
		return false;
	}
	buf = patched(v, pr.handle);
	rx_dirty(r, FFA_HYPERVISOR_ID);
	res = call_tx(r, FFA_HYPERVISOR_ID, FFA_MEM_RETRIEVE_REQ_32, buf,
		      v->len, (uint32_t)v->len, (uint32_t)v->len);
	free(buf);
	ok = verdict(r, &res, FFA_MEM_RETRIEVE_RESP);
	if (ok && v->expect == FFA_OK) {
		ok = resp_hypervisor(r, &pr, &res);
	}
	vec_free(&pr.v);
	return ok;
}

/* ---- FFA_MEM_RELINQUISH ------------------------------------------------ */

/* Retrieve the paired transaction as @caller with a request of our own. */
static bool relinquish_prepare(struct run *r, const struct pair *pr,
			       uint16_t caller)
{
	const struct ffa_emad *sent = emad_of(&pr->d, caller);
	struct ffa_mem_retrieve_req_desc q;
	struct ffa_emad e;
	struct ffa_regs res;
	size_t n = 0;
	bool single = pr->d.mtd.emad_count == 1;

	VERIFY(r, sent, "0x%04x is no borrower of the paired send", caller);
	e = *sent;
	e.composite_offset = 0;
	/* Single-borrower LEND/DONATE retrieves name instruction access. */
	e.perms = (sent->perms & FFA_PERM_DATA_MASK) |
		  (pr->kind != FFA_MEM_KIND_SHARE && single ?
			   FFA_PERM_INSTR_NX :
			   FFA_PERM_INSTR_NOT_SPECIFIED);
	memset(&q, 0, sizeof(q));
	q.version = r->version;
	q.sender = pr->d.mtd.sender;
	q.attributes = FFA_MEM_ATTR_NORMAL_WB_IS;
	q.flags = (uint32_t)pr->kind << FFA_MEM_FLAG_TYPE_SHIFT;
	q.handle = pr->handle;
	q.tag = pr->d.mtd.tag;
	q.emad_count = 1;
	q.emads = &e;
	n = ffa_mem_retrieve_req_encode(fx_tx(&r->fx, caller), MB_SIZE, &q);
	VERIFY(r, n, "cannot encode the retrieve request");
	res = fx_call(&r->fx, caller, FFA_MEM_RETRIEVE_REQ_32, n, n, 0, 0, 0, 0,
		      0);
	if (!step(r, &res, FFA_MEM_RETRIEVE_RESP, FFA_OK, "retrieve") ||
	    !rx_release(r, caller)) {
		return false;
	}
	/* The borrower writes the pages; a reclaim must wait for it. */
	memset(fx_pa(&r->fx, pr->d.cons[0].address), BORROWER_FILL, PAGE);
	res = fx_call(&r->fx, pr->d.mtd.sender, FFA_MEM_RECLAIM,
		      (uint32_t)pr->handle, (uint32_t)(pr->handle >> 32), 0, 0,
		      0, 0, 0);
	return step(r, &res, FFA_SUCCESS_32, FFA_DENIED,
		    "reclaim while retrieved");
}

/* First page after the relinquish: zeroed if asked (ffa.md §3.2). */
static bool relinquish_zeroing(struct run *r, const struct pair *pr,
			       uint32_t flags)
{
	const uint8_t *p = fx_pa(&r->fx, pr->d.cons[0].address);
	uint8_t want =
		flags & FFA_MEM_RELINQUISH_FLAG_CLEAR ? 0 : BORROWER_FILL;
	uint32_t i = 0;

	for (i = 0; i < PAGE; i++) {
		VERIFY(r, p[i] == want, "page byte %u is 0x%02x, want 0x%02x",
		       i, p[i], want);
	}
	return true;
}

/* The borrower lost access; the owner reclaims and is Owner-EA again. */
static bool relinquished_state(struct run *r, const struct pair *pr,
			       uint16_t caller, uint32_t flags)
{
	uint16_t owner = pr->d.mtd.sender;
	struct ffa_regs res;

	if (!no_access(r, caller, &pr->d) ||
	    !relinquish_zeroing(r, pr, flags)) {
		return false;
	}
	res = fx_call(&r->fx, owner, FFA_MEM_RECLAIM, (uint32_t)pr->handle,
		      (uint32_t)(pr->handle >> 32), 0, 0, 0, 0, 0);
	if (!step(r, &res, FFA_SUCCESS_32, FFA_OK, "reclaim by the owner")) {
		return false;
	}
	VERIFY(r, live_shares(r) == 0, "handle alive after reclaim");
	return owned_by(r, &pr->d, owner) &&
	       access_is(r, owner, &pr->d, FFA_PERM_DATA_RW);
}

static bool relinquish_run(struct run *r, const struct pair *pr,
			   uint16_t caller)
{
	const struct vec *v = r->v;
	struct ffa_relinquish rel;
	struct ffa_regs res;
	uint8_t *buf = NULL;

	VERIFY(r, ffa_relinquish_decode(v->data, v->len, &rel) == FFA_OK,
	       "our codec cannot decode the relinquish descriptor");
	if (!relinquish_prepare(r, pr, caller)) {
		return false;
	}
	buf = patched(v, pr->handle);
	res = call_tx(r, caller, FFA_MEM_RELINQUISH, buf, v->len, 0, 0);
	free(buf);
	if (!verdict(r, &res, FFA_SUCCESS_32)) {
		return false;
	}
	if (v->expect != FFA_OK) {
		return access_is(r, caller, &pr->d, FFA_PERM_DATA_RW);
	}
	return relinquished_state(r, pr, caller, rel.flags);
}

static bool do_relinquish(struct run *r)
{
	uint16_t callers[MAX_CALLERS];
	unsigned int n = callers_of(r->c, r->v->preconditions, callers, 0);
	struct pair pr;
	bool ok = false;

	memset(&pr, 0, sizeof(pr));
	VERIFY(r, n == 1, "preconditions name %u callers, want 1", n);
	fx_up(r, false);
	ok = pair_send(r, &pr) && relinquish_run(r, &pr, callers[0]);
	vec_free(&pr.v);
	return ok;
}

/* ---- FFA_MSG_SEND2 ----------------------------------------------------- */

static bool do_msg_send2(struct run *r)
{
	const struct vec *v = r->v;
	struct ffa_msg_send2_hdr hdr;
	struct ffa_regs res;
	const uint8_t *rx = NULL;

	VERIFY(r, ffa_msg_send2_hdr_decode(v->data, v->len, &hdr) == FFA_OK,
	       "our codec cannot decode the header");
	fx_up(r, false);
	VERIFY(r, hdr.sender == r->fx.vm1, "header sender 0x%04x", hdr.sender);
	rx_dirty(r, hdr.receiver);
	/* Linux: w1 = w2 = 0 (README); the message is in TX. */
	res = call_tx(r, hdr.sender, FFA_MSG_SEND2, v->data, v->len, 0, 0);
	if (!verdict(r, &res, FFA_SUCCESS_32)) {
		return false;
	}
	if (v->expect != FFA_OK) {
		return true;
	}
	/* Header + payload verbatim in the receiver's RX, the rest zero
	 * (ffa.md §2.10). */
	rx = fx_rx(&r->fx, hdr.receiver);
	VERIFY(r, memcmp(rx, v->data, v->len) == 0,
	       "receiver RX differs from the sent message");
	if (!rx_tail_zero(r, hdr.receiver, v->len)) {
		return false;
	}
	/* The receiver owns its RX now: a second message must wait. */
	res = call_tx(r, hdr.sender, FFA_MSG_SEND2, v->data, v->len, 0, 0);
	return step(r, &res, FFA_SUCCESS_32, FFA_BUSY, "2nd message, RX full");
}

/* ---- Register images --------------------------------------------------- */

static bool regs_load(struct run *r, unsigned int count, struct ffa_regs *in)
{
	unsigned int i = 0;

	VERIFY(r, r->v->len == (size_t)count * 8, "image is %zu bytes, want %u",
	       r->v->len, count * 8);
	memset(in, 0, sizeof(*in));
	for (i = 0; i < count; i++) {
		in->x[i] = le64_get(r->v->data + (size_t)i * 8);
	}
	return true;
}

/* The frame @ep got from the last call, or NULL. */
static const struct spmc_frame *frame_to(const struct fx *fx, uint16_t ep)
{
	unsigned int i = 0;

	for (i = 0; i < fx->out.frame_count; i++) {
		if (fx->out.frames[i].ep == ep) {
			return &fx->out.frames[i];
		}
	}
	return NULL;
}

/* The SP got x0..x17 as sent (UUID = the bus UUID it offers in x2/x3). */
static bool req2_delivered(struct run *r, const struct ffa_regs *in,
			   uint16_t sp, struct spmc_frame *got)
{
	const struct spmc_frame *f = frame_to(&r->fx, sp);
	uint64_t ux[2];
	unsigned int i = 0;

	VERIFY(r, f, "no frame for SP 0x%04x", sp);
	*got = *f;
	ffa_uuid_to_x2(FX_UUID_SHARED, ux);
	VERIFY(r, in->x[2] == ux[0] && in->x[3] == ux[1],
	       "image x2/x3 are not the virtio-msg bus UUID");
	for (i = 0; i < FFA_REG_COUNT; i++) {
		VERIFY(r, got->regs.x[i] == in->x[i],
		       "SP got x%u = 0x%" PRIx64 ", sent 0x%" PRIx64, i,
		       got->regs.x[i], in->x[i]);
	}
	return true;
}

/* The SP answers with DIRECT_RESP2: the VM's call completes with it. */
static bool req2_answer(struct run *r, const struct spmc_frame *req,
			uint16_t vm)
{
	const struct spmc_frame *f = NULL;
	struct ffa_regs resp = req->regs;

	resp.x[0] = FFA_MSG_SEND_DIRECT_RESP2;
	resp.x[1] = (uint64_t)req->ep << 16 | vm;
	resp.x[2] = 0;
	resp.x[3] = 0;
	fx_call_regs(&r->fx, req->ep, req->vcpu, &resp);
	f = frame_to(&r->fx, vm);
	VERIFY(r, f, "the VM's call was not completed by RESP2");
	return step(r, &f->regs, FFA_MSG_SEND_DIRECT_RESP2, FFA_OK,
		    "RESP2 back to the VM");
}

static bool do_direct_req2(struct run *r)
{
	struct spmc_frame got;
	struct ffa_regs in, res;
	uint16_t vm = 0;

	memset(&got, 0, sizeof(got));
	if (!regs_load(r, FFA_REG_COUNT, &in)) {
		return false;
	}
	fx_up(r, false);
	vm = r->fx.vm1;
	VERIFY(r, (uint16_t)(in.x[1] >> 16) == vm, "sender in x1 is not 0x%04x",
	       vm);
	fx_boot_sps(&r->fx);
	res = fx_call_regs(&r->fx, vm, 0, &in);
	/* Delivered: the caller blocks (no frame); else it gets FFA_ERROR. */
	if (!verdict(r, &res, 0)) {
		return false;
	}
	if (r->v->expect != FFA_OK) {
		return true;
	}
	return req2_delivered(r, &in, (uint16_t)in.x[1], &got) &&
	       req2_answer(r, &got, vm);
}

/* Two descriptors, SP1 and SP2, each with the UUID asked for. */
static bool part_info_in_rx(struct run *r, const struct ffa_regs *in,
			    const struct ffa_regs *res)
{
	const uint8_t *rx = fx_rx(&r->fx, r->fx.vm1);
	uint32_t w[4] = { (uint32_t)in->x[1], (uint32_t)in->x[2],
			  (uint32_t)in->x[3], (uint32_t)in->x[4] };
	struct ffa_partition_info info;
	uint8_t uuid[FFA_UUID_SIZE];
	uint32_t i = 0;

	ffa_uuid_from_w4(w, uuid);
	VERIFY(r, memcmp(uuid, FX_UUID_SHARED, FFA_UUID_SIZE) == 0,
	       "w1..w4 are not the virtio-msg bus UUID");
	VERIFY(r, (uint32_t)res->x[2] == 2 && (uint32_t)res->x[3] == 24,
	       "count %u size %u, want 2 descriptors of 24 bytes",
	       (uint32_t)res->x[2], (uint32_t)res->x[3]);
	for (i = 0; i < 2; i++) {
		VERIFY(r,
		       ffa_partition_info_decode(rx + i * 24, 24, 24, &info) ==
			       FFA_OK,
		       "descriptor %u does not decode", i);
		VERIFY(r, info.id == (i ? FX_SP2 : FX_SP1),
		       "descriptor %u is 0x%04x", i, info.id);
		VERIFY(r, memcmp(info.uuid, uuid, FFA_UUID_SIZE) == 0,
		       "descriptor %u has another UUID", i);
	}
	return rx_tail_zero(r, r->fx.vm1, 2 * 24) && rx_release(r, r->fx.vm1);
}

static bool do_part_info_regs(struct run *r)
{
	struct ffa_regs in, res;

	if (!regs_load(r, 6, &in)) {
		return false;
	}
	fx_up(r, false);
	rx_dirty(r, r->fx.vm1);
	res = fx_call_regs(&r->fx, r->fx.vm1, 0, &in);
	if (!verdict(r, &res, FFA_SUCCESS_32)) {
		return false;
	}
	if (r->v->expect != FFA_OK) {
		return true;
	}
	return part_info_in_rx(r, &in, &res);
}

/* ---- driver ------------------------------------------------------------ */

static bool dispatch(struct run *r)
{
	switch (r->v->group) {
	case G_SEND:
		return do_send(r);
	case G_RETRIEVE:
		return do_retrieve(r);
	case G_HYP_RETRIEVE:
		return do_hyp_retrieve(r);
	case G_RELINQUISH:
		return do_relinquish(r);
	case G_MSG_SEND2:
		return do_msg_send2(r);
	case G_DIRECT_REQ2:
		return do_direct_req2(r);
	case G_PART_INFO_REGS:
		return do_part_info_regs(r);
	default:
		return fail_at(r, __LINE__, "no replay for this vector");
	}
}

static void run_vector(struct ctx *c, const struct vec *v, uint32_t version)
{
	struct run *r = calloc(1, sizeof(*r));
	char label[80];
	bool ok = false;

	ASSERT_TRUE(r != NULL);
	r->c = c;
	r->v = v;
	r->version = version;
	ok = dispatch(r);
	if (v->min_version != v->max_version) {
		snprintf(label, sizeof(label), "%s@%u.%u", v->name,
			 FFA_VERSION_MAJOR(version),
			 FFA_VERSION_MINOR(version));
	} else {
		snprintf(label, sizeof(label), "%s", v->name);
	}
	printf("  %-48s %s %s%s%s\n", label, answer_name(v->expect),
	       ok ? "ok" : "FAIL", ok ? "" : ": ", ok ? "" : r->why);
	if (!ok && c->failed_count < MAX_FAILED) {
		snprintf(c->failed[c->failed_count++], sizeof(c->failed[0]),
			 "%s", label);
	}
	c->runs++;
	if (r->fx_up) {
		fx_fini(&r->fx);
	}
	free(r);
}

/* Replay every vector of @group at @version (0: at every version it names). */
static void run_group(enum group group, uint32_t version)
{
	struct ctx *c = ctx_load();
	char list[MAX_FAILED * 82] = "";
	size_t i = 0;

	for (i = 0; i < c->m.vectors->count; i++) {
		struct vec v;
		uint32_t ver = 0;

		if (vec_load(c, json_at(c->m.vectors, i), &v)) {
			vec_free(&v);
			continue; /* the census test reports it */
		}
		for (ver = v.min_version;
		     v.group == group && ver <= v.max_version; ver++) {
			if (!version || ver == version) {
				run_vector(c, &v, ver);
			}
		}
		vec_free(&v);
	}
	fflush(stdout);
	for (i = 0; i < c->failed_count; i++) {
		strcat(list, i ? ", " : "");
		strcat(list, c->failed[i]);
	}
	if (c->failed_count) {
		test_fail(__FILE__, __LINE__, "%u vector run(s) disagree: %s",
			  c->failed_count, list);
	}
	if (!c->runs) {
		test_fail(__FILE__, __LINE__, "no vector in this group");
	}
	fv_close(&c->m);
	free(c);
}

/* ---- tests ------------------------------------------------------------- */

/*
 * Census: every manifest entry loads, has a replay (or is borrower/caller
 * side), and its preconditions are usable: paired sends exist at every
 * version it runs at, retrieve/relinquish preconditions name the caller.
 */
static const char *census_one(const struct ctx *c, const struct vec *v)
{
	uint16_t ids[MAX_CALLERS];
	uint32_t ver = 0;
	char name[64];

	if (v->group == G_UNKNOWN) {
		return "no replay for this ABI";
	}
	if (v->group == G_RETRIEVE || v->group == G_RELINQUISH) {
		if (!callers_of(c, v->preconditions, ids, 0)) {
			return "preconditions name no caller";
		}
	}
	if (v->group != G_RETRIEVE && v->group != G_HYP_RETRIEVE &&
	    v->group != G_RELINQUISH) {
		return NULL;
	}
	for (ver = v->min_version; ver <= v->max_version; ver++) {
		if (!v->pairs_with) {
			return "no pairs_with";
		}
		pair_name(v->pairs_with, ver, name, sizeof(name));
		if (!fv_find(&c->m, name)) {
			return "paired send missing for a version it runs at";
		}
	}
	return NULL;
}

TEST(every_manifest_vector_is_replayed_or_declared_not_applicable)
{
	struct ctx *c = ctx_load();
	unsigned int applicable = 0, na = 0, bad = 0;
	size_t i = 0;

	for (i = 0; i < c->m.vectors->count; i++) {
		const struct json_value *j = json_at(c->m.vectors, i);
		const char *err = NULL;
		struct vec v;

		err = vec_load(c, j, &v);
		if (!err) {
			err = census_one(c, &v);
		}
		if (err) {
			printf("  %-48s FAIL: %s\n",
			       v.name ? v.name : "(unnamed)", err);
			bad++;
		} else if (v.group == G_NOT_APPLICABLE) {
			printf("  %-48s n/a: %s\n", v.name,
			       not_applicable_reason(&v));
			na++;
		} else {
			applicable++;
		}
		vec_free(&v);
	}
	printf("  %u applicable, %u not applicable (ffa_vectors_decode_test)\n",
	       applicable, na);
	fflush(stdout);
	fv_close(&c->m);
	free(c);
	ASSERT_EQ(bad, 0);
	ASSERT_TRUE(applicable > 0);
}

TEST(mem_send_vectors_v1_0_get_the_manifest_answer_and_state)
{
	run_group(G_SEND, FFA_VERSION_1_0);
}

TEST(mem_send_vectors_v1_1_get_the_manifest_answer_and_state)
{
	run_group(G_SEND, FFA_VERSION_1_1);
}

TEST(mem_send_vectors_v1_2_get_the_manifest_answer_and_state)
{
	run_group(G_SEND, FFA_VERSION_1_2);
}

TEST(retrieve_req_vectors_v1_0_grant_what_was_sent)
{
	run_group(G_RETRIEVE, FFA_VERSION_1_0);
}

TEST(retrieve_req_vectors_v1_1_grant_what_was_sent)
{
	run_group(G_RETRIEVE, FFA_VERSION_1_1);
}

TEST(retrieve_req_vectors_v1_2_grant_what_was_sent_or_reject_bypass_misuse)
{
	run_group(G_RETRIEVE, FFA_VERSION_1_2);
}

TEST(hypervisor_retrieve_vectors_read_the_transaction_only_with_zero_fields)
{
	run_group(G_HYP_RETRIEVE, 0);
}

TEST(relinquish_vectors_end_borrower_access_and_let_the_owner_reclaim)
{
	run_group(G_RELINQUISH, 0);
}

TEST(msg_send2_vectors_deliver_header_and_payload_to_receiver_rx)
{
	run_group(G_MSG_SEND2, 0);
}

TEST(direct_req2_register_image_reaches_the_sp_unchanged)
{
	run_group(G_DIRECT_REQ2, 0);
}

TEST(partition_info_get_register_image_finds_both_bus_partitions)
{
	run_group(G_PART_INFO_REGS, 0);
}

/*
 * ffa.md §7.2: the stale-TX Linux vector is refused and leaves nothing
 * behind, so the same SPMC then accepts the clean vector of the same shape.
 */
TEST(linux_stale_tx_vector_is_invalid_and_clean_one_accepted)
{
	struct ctx *c = ctx_load();
	struct run *r = calloc(1, sizeof(*r));
	struct vec stale, clean;
	struct ffa_regs res;

	ASSERT_TRUE(r != NULL);
	ASSERT_TRUE(!vec_load(c, fv_find(&c->m, "linux_v11_share_sg2_stale_tx"),
			      &stale));
	ASSERT_TRUE(
		!vec_load(c, fv_find(&c->m, "linux_v11_share_sg2"), &clean));
	r->c = c;
	r->v = &stale;
	r->version = stale.min_version;
	fx_up(r, false);
	memset(fx_tx(&r->fx, r->fx.vm1), 0, MB_SIZE);
	res = call_tx(r, r->fx.vm1, send_fid(stale.abi), stale.data, stale.len,
		      (uint32_t)stale.len, (uint32_t)stale.len);
	ASSERT_FFA_ERROR(&res, FFA_INVALID_PARAMETERS);
	ASSERT_EQ(live_shares(r), 0);
	memset(fx_tx(&r->fx, r->fx.vm1), 0, MB_SIZE);
	res = call_tx(r, r->fx.vm1, send_fid(clean.abi), clean.data, clean.len,
		      (uint32_t)clean.len, (uint32_t)clean.len);
	ASSERT_FFA_SUCCESS(&res);
	fx_fini(&r->fx);
	vec_free(&stale);
	vec_free(&clean);
	fv_close(&c->m);
	free(c);
	free(r);
}
