// SPDX-License-Identifier: BSD-2-Clause
/*
 * Tests of core/spmc/mem_retrieve.c: FFA_MEM_RETRIEVE_REQ validation (ffa.md
 * §3.3 retrieve steps), the response layout (§4) and the hypervisor
 * retrieve request (§6). A rejected request must leave the borrower
 * without access and its RX buffer free: the valid request that follows
 * still succeeds.
 */
#include <tzshare/ffa.h>
#include <tzshare/lib.h>
#include <tzshare/spmc.h>

#include "mem_util.h"
#include "spmc_fixture.h"
#include "test.h"

static void expect_req_rejected(uint16_t caller, const struct mt_req *q,
				int err)
{
	struct ffa_regs r = mt_retrieve_req(caller, q);

	ASSERT_FFA_ERROR(&r, err);
	ASSERT_EQ(mt_access(caller, MT_VM1_PA, MT_PAGE), 0);
}

/* The valid request after rejections: succeeds, so nothing was taken. */
static void expect_retrieve_works(uint16_t caller, uint16_t sender, uint64_t h,
				  enum ffa_mem_kind kind)
{
	mt_retrieve_ok(caller, sender, h, kind);
}

/* ---- response content ------------------------------------------------ */

TEST(retrieve_share_response_describes_the_transaction)
{
	struct mt_send s;
	struct ffa_regs r;
	struct mt_resp m;
	struct ffa_constituent c;
	uint64_t h = 0;

	mt_init();
	s = mt_desc(FFA_MEM_SHARE_64, FX_VM1, FX_SP1, MT_VM1_PA, 2);
	s.tag = 0x1234567890ull;
	s.cons_count = 2;
	s.cons[1] = mt_cons(MT_VM1_PA + 0x10000, 1);
	h = mt_send_ok(FFA_MEM_SHARE_64, &s);
	{
		struct mt_req q = mt_req(FX_VM1, FX_SP1, h, FFA_MEM_KIND_SHARE);

		q.tag = s.tag;
		r = mt_retrieve_req(FX_SP1, &q);
	}
	ASSERT_EQ(r.x[0], FFA_MEM_RETRIEVE_RESP);
	ASSERT_EQ(r.x[1], 48 + 32 + 16 + 2 * 16);
	ASSERT_EQ(r.x[2], r.x[1]);
	mt_parse_resp(FX_SP1, FFA_VERSION_1_2, (uint32_t)r.x[2], &m);
	ASSERT_EQ(m.mtd.sender, FX_VM1);
	/* Sender attributes plus the NS bit (memory is non-secure). */
	ASSERT_EQ(m.mtd.attributes,
		  FFA_MEM_ATTR_NORMAL_WB_IS | FFA_MEM_ATTR_NS);
	ASSERT_EQ(m.mtd.flags, FFA_MEM_FLAG_TYPE_SHARE);
	ASSERT_EQ(m.mtd.handle, h);
	/* Deliberate deviation from Hafnium (tag 0): the tag is echoed. */
	ASSERT_EQ(m.mtd.tag, 0x1234567890ull);
	ASSERT_EQ(m.mtd.emad_size, 32);
	ASSERT_EQ(m.mtd.emad_count, 1);
	ASSERT_EQ(m.emad[0].receiver, FX_SP1);
	ASSERT_EQ(m.emad[0].perms, FFA_PERM_DATA_RW | FFA_PERM_INSTR_NX);
	ASSERT_EQ(m.emad[0].composite_offset, 80);
	ASSERT_EQ(m.comp.page_count, 3);
	ASSERT_EQ(m.comp.constituent_count, 2);
	c = mt_resp_cons(FX_SP1, &m, 1);
	ASSERT_EQ(c.address, MT_VM1_PA + 0x10000);
	ASSERT_EQ(c.page_count, 1);
	/* The borrower now has access; the owner keeps it (SHARE). */
	ASSERT_EQ(mt_access(FX_SP1, MT_VM1_PA, 2 * MT_PAGE), FFA_PERM_DATA_RW);
	ASSERT_EQ(mt_access(FX_VM1, MT_VM1_PA, 2 * MT_PAGE), FFA_PERM_DATA_RW);
	mt_fini();
}

/* Secure memory: no NS bit; SP->SP lend may grant X (ffa.md §3.1). */
TEST(retrieve_sp_lend_of_secure_memory_grants_x)
{
	struct mt_req q;
	struct ffa_regs r;
	struct mt_resp m;
	uint64_t h = 0;

	mt_init();
	h = mt_lend(FX_SP1, FX_SP2, MT_SP1_PA, 1, 0);
	q = mt_req(FX_SP1, FX_SP2, h, FFA_MEM_KIND_LEND);
	q.emads[0].perms = FFA_PERM_DATA_RO | FFA_PERM_INSTR_X;
	r = mt_retrieve_req(FX_SP2, &q);
	ASSERT_EQ(r.x[0], FFA_MEM_RETRIEVE_RESP);
	mt_parse_resp(FX_SP2, FFA_VERSION_1_2, (uint32_t)r.x[2], &m);
	ASSERT_EQ(m.mtd.attributes & FFA_MEM_ATTR_NS, 0);
	ASSERT_EQ(m.emad[0].perms, FFA_PERM_DATA_RO | FFA_PERM_INSTR_X);
	ASSERT_EQ(mt_access(FX_SP2, MT_SP1_PA, MT_PAGE), FFA_PERM_DATA_RO);
	ASSERT_EQ(mt_access(FX_SP1, MT_SP1_PA, MT_PAGE), 0);
	mt_fini();
}

/* Hafnium: X refused on non-secure memory it cannot move to the secure
 * PAS -> INVALID_PARAMETERS. */
TEST(retrieve_x_on_non_secure_memory_is_invalid)
{
	struct mt_req q;
	uint64_t h = 0;

	mt_init();
	h = mt_lend(FX_VM1, FX_SP1, MT_VM1_PA, 1, 0);
	q = mt_req(FX_VM1, FX_SP1, h, FFA_MEM_KIND_LEND);
	q.emads[0].perms = FFA_PERM_DATA_RW | FFA_PERM_INSTR_X;
	expect_req_rejected(FX_SP1, &q, FFA_INVALID_PARAMETERS);
	expect_retrieve_works(FX_SP1, FX_VM1, h, FFA_MEM_KIND_LEND);
	mt_fini();
}

/* The RX tail after the response is zeroed (Hafnium stale-data fix). */
TEST(retrieve_zeroes_rx_after_the_response)
{
	struct ffa_regs r;
	uint8_t *rx = NULL;
	uint64_t h = 0;

	mt_init();
	rx = fx_rx(&fx, FX_SP1);
	memset(rx, 0xEE, MT_PAGE);
	h = mt_share(FX_VM1, FX_SP1, MT_VM1_PA, 1);
	r = mt_retrieve(FX_SP1, FX_VM1, h, FFA_MEM_KIND_SHARE);
	ASSERT_EQ(r.x[0], FFA_MEM_RETRIEVE_RESP);
	ASSERT_TRUE(tzs_is_zero(rx + r.x[2], MT_PAGE - r.x[2]));
	mt_fini();
}

/* ffa.md §7.5: flags = sender flags | type; LEND keeps type-0 attrs. */
TEST(retrieve_lend_response_has_sender_flags_and_type)
{
	struct mt_send s;
	struct mt_req q;
	struct ffa_regs r;
	struct mt_resp m;
	uint64_t h = 0;

	mt_init();
	s = mt_desc(FFA_MEM_LEND_64, FX_VM1, FX_SP1, MT_VM1_PA, 1);
	s.attributes = 0x0F;
	s.flags = FFA_MEM_FLAG_CLEAR;
	s.tag = 0xA5A5F00D;
	h = mt_send_ok(FFA_MEM_LEND_64, &s);
	q = mt_req(FX_VM1, FX_SP1, h, FFA_MEM_KIND_LEND);
	q.tag = s.tag;
	q.flags |= FFA_MEM_FLAG_CLEAR;
	q.attributes = FFA_MEM_ATTR_NORMAL_WB_IS;
	r = mt_retrieve_req(FX_SP1, &q);
	ASSERT_EQ(r.x[0], FFA_MEM_RETRIEVE_RESP);
	mt_parse_resp(FX_SP1, FFA_VERSION_1_2, (uint32_t)r.x[2], &m);
	ASSERT_EQ(m.mtd.attributes, 0x4F);
	ASSERT_EQ(m.mtd.flags, FFA_MEM_FLAG_CLEAR | FFA_MEM_FLAG_TYPE_LEND);
	ASSERT_EQ(m.emad[0].perms, FFA_PERM_DATA_RW | FFA_PERM_INSTR_NX);
	mt_fini();
}

/* v1.2 impdef must be echoed in the response (ffa.md §6). */
TEST(retrieve_echoes_impdef)
{
	struct mt_send s;
	struct mt_req q;
	struct ffa_regs r;
	struct mt_resp m;
	uint64_t h = 0;

	mt_init();
	s = mt_desc(FFA_MEM_SHARE_64, FX_VM1, FX_SP1, MT_VM1_PA, 1);
	s.emads[0].impdef[0] = 0x8001;
	s.emads[0].impdef[1] = 0xDEADBEEFCAFEull;
	h = mt_send_ok(FFA_MEM_SHARE_64, &s);
	q = mt_req(FX_VM1, FX_SP1, h, FFA_MEM_KIND_SHARE);
	q.emads[0].impdef[0] = 0x8001;
	q.emads[0].impdef[1] = 0xDEADBEEFCAFEull;
	r = mt_retrieve_req(FX_SP1, &q);
	ASSERT_EQ(r.x[0], FFA_MEM_RETRIEVE_RESP);
	mt_parse_resp(FX_SP1, FFA_VERSION_1_2, (uint32_t)r.x[2], &m);
	ASSERT_EQ(m.emad[0].impdef[0], 0x8001);
	ASSERT_EQ(m.emad[0].impdef[1], 0xDEADBEEFCAFEull);
	mt_fini();
}

TEST(retrieve_with_impdef_mismatch_is_invalid)
{
	struct mt_send s;
	struct mt_req q;
	uint64_t h = 0;

	mt_init();
	s = mt_desc(FFA_MEM_SHARE_64, FX_VM1, FX_SP1, MT_VM1_PA, 1);
	s.emads[0].impdef[0] = 7;
	h = mt_send_ok(FFA_MEM_SHARE_64, &s);
	q = mt_req(FX_VM1, FX_SP1, h, FFA_MEM_KIND_SHARE);
	expect_req_rejected(FX_SP1, &q, FFA_INVALID_PARAMETERS);
	q.emads[0].impdef[0] = 7;
	q.emads[0].impdef[1] = 1;
	expect_req_rejected(FX_SP1, &q, FFA_INVALID_PARAMETERS);
	q.emads[0].impdef[1] = 0;
	{
		struct ffa_regs r = mt_retrieve_req(FX_SP1, &q);

		ASSERT_EQ(r.x[0], FFA_MEM_RETRIEVE_RESP);
	}
	mt_fini();
}

/* A v1.1-layout request of a v1.2 send: impdef is not compared. */
TEST(retrieve_v11_layout_skips_impdef_check)
{
	struct mt_send s;
	struct mt_req q;
	struct ffa_regs r;
	struct mt_resp m;
	uint64_t h = 0;

	mt_init();
	s = mt_desc(FFA_MEM_SHARE_64, FX_VM1, FX_SP1, MT_VM1_PA, 1);
	s.emads[0].impdef[0] = 9;
	h = mt_send_ok(FFA_MEM_SHARE_64, &s);
	q = mt_req(FX_VM1, FX_SP1, h, FFA_MEM_KIND_SHARE);
	q.version = FFA_VERSION_1_1;
	r = mt_retrieve_req(FX_SP1, &q);
	ASSERT_EQ(r.x[0], FFA_MEM_RETRIEVE_RESP);
	/* The response uses the request's 16-byte EMADs. */
	mt_parse_resp(FX_SP1, FFA_VERSION_1_2, (uint32_t)r.x[2], &m);
	ASSERT_EQ(m.mtd.emad_size, 16);
	ASSERT_EQ(m.emad[0].composite_offset, 64);
	mt_fini();
}

/* ---- step 1: buffers ------------------------------------------------- */

TEST(retrieve_with_dynamic_buffer_or_fragmented_request_is_invalid)
{
	struct mt_req q;
	struct ffa_regs r;
	uint32_t len = 0;
	uint64_t h = 0;

	mt_init();
	h = mt_share(FX_VM1, FX_SP1, MT_VM1_PA, 1);
	q = mt_req(FX_VM1, FX_SP1, h, FFA_MEM_KIND_SHARE);
	len = mt_put_req(FX_SP1, &q);
	r = fx_call(&fx, FX_SP1, FFA_MEM_RETRIEVE_REQ_64, len, len, MT_SP1_PA,
		    1, 0, 0, 0);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	r = fx_call(&fx, FX_SP1, FFA_MEM_RETRIEVE_REQ_64, len + 16, len, 0, 0,
		    0, 0, 0);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	r = fx_call(&fx, FX_SP1, FFA_MEM_RETRIEVE_REQ_64, 2 * MT_PAGE,
		    2 * MT_PAGE, 0, 0, 0, 0, 0);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	expect_retrieve_works(FX_SP1, FX_VM1, h, FFA_MEM_KIND_SHARE);
	mt_fini();
}

TEST(retrieve_while_rx_is_full_is_busy)
{
	struct ffa_regs r;
	uint64_t h1 = 0;
	uint64_t h2 = 0;

	mt_init();
	h1 = mt_share(FX_VM1, FX_SP1, MT_VM1_PA, 1);
	h2 = mt_share(FX_VM1, FX_SP1, MT_VM1_PA + MT_PAGE, 1);
	r = mt_retrieve(FX_SP1, FX_VM1, h1, FFA_MEM_KIND_SHARE);
	ASSERT_EQ(r.x[0], FFA_MEM_RETRIEVE_RESP);
	r = mt_retrieve(FX_SP1, FX_VM1, h2, FFA_MEM_KIND_SHARE);
	ASSERT_FFA_ERROR(&r, FFA_BUSY);
	ASSERT_EQ(mt_access(FX_SP1, MT_VM1_PA + MT_PAGE, MT_PAGE), 0);
	r = mt_rx_release(FX_SP1);
	ASSERT_FFA_SUCCESS(&r);
	expect_retrieve_works(FX_SP1, FX_VM1, h2, FFA_MEM_KIND_SHARE);
	mt_fini();
}

/* ---- step 3: sanity ---------------------------------------------------- */

TEST(retrieve_with_nonzero_composite_offset_is_invalid)
{
	struct mt_req q;
	struct ffa_regs r;
	uint32_t len = 0;
	uint64_t h = 0;

	mt_init();
	h = mt_share(FX_VM1, FX_SP1, MT_VM1_PA, 1);
	q = mt_req(FX_VM1, FX_SP1, h, FFA_MEM_KIND_SHARE);
	len = mt_put_req(FX_SP1, &q);
	le32_put(fx_tx(&fx, FX_SP1) + 48 + 4, 80);
	r = fx_call(&fx, FX_SP1, FFA_MEM_RETRIEVE_REQ_64, len, len, 0, 0, 0, 0,
		    0);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	expect_retrieve_works(FX_SP1, FX_VM1, h, FFA_MEM_KIND_SHARE);
	mt_fini();
}

TEST(retrieve_with_reserved_fields_set_is_invalid)
{
	static const uint32_t offs[] = { 36, 47, 48 + 3, 48 + 24 };
	struct mt_req q;
	struct ffa_regs r;
	uint32_t len = 0;
	unsigned int i = 0;
	uint64_t h = 0;

	mt_init();
	h = mt_share(FX_VM1, FX_SP1, MT_VM1_PA, 1);
	q = mt_req(FX_VM1, FX_SP1, h, FFA_MEM_KIND_SHARE);
	for (i = 0; i < TZS_ARRAY_SIZE(offs); i++) {
		len = mt_put_req(FX_SP1, &q);
		fx_tx(&fx, FX_SP1)[offs[i]] = 2;
		r = fx_call(&fx, FX_SP1, FFA_MEM_RETRIEVE_REQ_64, len, len, 0,
			    0, 0, 0, 0);
		ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	}
	q.emads[0].perms = FFA_PERM_DATA_RW | 0x10;
	expect_req_rejected(FX_SP1, &q, FFA_INVALID_PARAMETERS);
	q.emads[0].perms = FFA_PERM_DATA_RESERVED;
	expect_req_rejected(FX_SP1, &q, FFA_INVALID_PARAMETERS);
	expect_retrieve_works(FX_SP1, FX_VM1, h, FFA_MEM_KIND_SHARE);
	mt_fini();
}

/* ---- step 4: handle -------------------------------------------------- */

TEST(retrieve_unknown_or_hypervisor_handle_is_invalid)
{
	struct mt_req q;
	uint64_t h = 0;

	mt_init();
	h = mt_share(FX_VM1, FX_SP1, MT_VM1_PA, 1);
	q = mt_req(FX_VM1, FX_SP1, h ^ (1ull << 40), FFA_MEM_KIND_SHARE);
	expect_req_rejected(FX_SP1, &q, FFA_INVALID_PARAMETERS);
	q.handle = h | FFA_HANDLE_ALLOCATOR_HYP;
	expect_req_rejected(FX_SP1, &q, FFA_INVALID_PARAMETERS);
	q.handle = FFA_HANDLE_INVALID;
	expect_req_rejected(FX_SP1, &q, FFA_INVALID_PARAMETERS);
	expect_retrieve_works(FX_SP1, FX_VM1, h, FFA_MEM_KIND_SHARE);
	mt_fini();
}

/* ---- step 5: header against the transaction ----------------------------- */

TEST(retrieve_with_length_not_matching_emads_is_invalid)
{
	struct mt_req q;
	struct ffa_regs r;
	uint32_t len = 0;
	uint64_t h = 0;

	mt_init();
	h = mt_share(FX_VM1, FX_SP1, MT_VM1_PA, 1);
	q = mt_req(FX_VM1, FX_SP1, h, FFA_MEM_KIND_SHARE);
	len = mt_put_req(FX_SP1, &q);
	r = fx_call(&fx, FX_SP1, FFA_MEM_RETRIEVE_REQ_64, len + 16, len + 16, 0,
		    0, 0, 0, 0);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	expect_retrieve_works(FX_SP1, FX_VM1, h, FFA_MEM_KIND_SHARE);
	mt_fini();
}

TEST(retrieve_naming_another_sender_is_denied)
{
	struct mt_req q;
	uint64_t h = 0;

	mt_init();
	h = mt_share(FX_VM1, FX_SP1, MT_VM1_PA, 1);
	q = mt_req(FX_VM2, FX_SP1, h, FFA_MEM_KIND_SHARE);
	expect_req_rejected(FX_SP1, &q, FFA_DENIED);
	expect_retrieve_works(FX_SP1, FX_VM1, h, FFA_MEM_KIND_SHARE);
	mt_fini();
}

/* Hafnium retrieve-request transaction type check. */
TEST(retrieve_with_wrong_transaction_type_is_invalid)
{
	struct mt_req q;
	uint64_t h = 0;

	mt_init();
	h = mt_share(FX_VM1, FX_SP1, MT_VM1_PA, 1);
	q = mt_req(FX_VM1, FX_SP1, h, FFA_MEM_KIND_SHARE);
	q.flags = FFA_MEM_FLAG_TYPE_LEND;
	expect_req_rejected(FX_SP1, &q, FFA_INVALID_PARAMETERS);
	q.flags = FFA_MEM_FLAG_TYPE_DONATE;
	expect_req_rejected(FX_SP1, &q, FFA_INVALID_PARAMETERS);
	/* Type "unspecified" is accepted. */
	q.flags = 0;
	{
		struct ffa_regs r = mt_retrieve_req(FX_SP1, &q);

		ASSERT_EQ(r.x[0], FFA_MEM_RETRIEVE_RESP);
	}
	mt_fini();
}

/* ACS *_invalid_handle_tag: the tag must match the sender's. */
TEST(retrieve_with_tag_mismatch_is_invalid)
{
	struct mt_send s;
	struct mt_req q;
	uint64_t h = 0;

	mt_init();
	s = mt_desc(FFA_MEM_SHARE_64, FX_VM1, FX_SP1, MT_VM1_PA, 1);
	s.tag = 42;
	h = mt_send_ok(FFA_MEM_SHARE_64, &s);
	q = mt_req(FX_VM1, FX_SP1, h, FFA_MEM_KIND_SHARE);
	expect_req_rejected(FX_SP1, &q, FFA_INVALID_PARAMETERS);
	q.tag = 42 | 1ull << 32;
	expect_req_rejected(FX_SP1, &q, FFA_INVALID_PARAMETERS);
	q.tag = 42;
	{
		struct ffa_regs r = mt_retrieve_req(FX_SP1, &q);

		ASSERT_EQ(r.x[0], FFA_MEM_RETRIEVE_RESP);
	}
	mt_fini();
}

TEST(retrieve_by_non_borrower_is_invalid)
{
	struct mt_req q;
	uint64_t h = 0;

	mt_init();
	h = mt_share(FX_VM1, FX_SP1, MT_VM1_PA, 1);
	q = mt_req(FX_VM1, FX_SP2, h, FFA_MEM_KIND_SHARE);
	expect_req_rejected(FX_SP2, &q, FFA_INVALID_PARAMETERS);
	/* The owner itself is no borrower either. */
	q = mt_req(FX_VM1, FX_VM1, h, FFA_MEM_KIND_SHARE);
	{
		struct ffa_regs r = mt_retrieve_req(FX_VM1, &q);

		ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	}
	expect_retrieve_works(FX_SP1, FX_VM1, h, FFA_MEM_KIND_SHARE);
	mt_fini();
}

/* Alignment hints unsupported; bits [31:11] MBZ; bit10 only at v1.2. */
TEST(retrieve_with_hint_or_mbz_flags_is_invalid)
{
	static const uint32_t bad[] = { FFA_MEM_FLAG_HINT_VALID,
					1u << FFA_MEM_FLAG_HINT_SHIFT, 1u << 11,
					1u << 31 };
	struct mt_req q;
	unsigned int i = 0;
	uint64_t h = 0;

	mt_init();
	h = mt_lend(FX_VM1, FX_SP1, MT_VM1_PA, 1, 0);
	for (i = 0; i < TZS_ARRAY_SIZE(bad); i++) {
		q = mt_req(FX_VM1, FX_SP1, h, FFA_MEM_KIND_LEND);
		q.flags |= bad[i];
		expect_req_rejected(FX_SP1, &q, FFA_INVALID_PARAMETERS);
	}
	expect_retrieve_works(FX_SP1, FX_VM1, h, FFA_MEM_KIND_LEND);
	mt_fini();
}

TEST(retrieve_bypass_flag_from_v11_caller_is_invalid)
{
	struct fx_opts o = { .version = FFA_VERSION_1_1 };
	struct mt_send s;
	struct mt_req q;
	uint64_t h = 0;

	mt_init_opts(&o);
	s = mt_desc(FFA_MEM_SHARE_64, FX_VM1, FX_SP1, MT_VM1_PA, 1);
	s.emad_count = 2;
	s.emads[1] = mt_emad(FX_SP2, FFA_PERM_DATA_RW);
	h = mt_send_ok(FFA_MEM_SHARE_64, &s);
	q = mt_req(FX_VM1, FX_SP1, h, FFA_MEM_KIND_SHARE);
	q.flags |= FFA_MEM_FLAG_BYPASS_BORROWER_CHECK;
	expect_req_rejected(FX_SP1, &q, FFA_INVALID_PARAMETERS);
	mt_fini();
}

/* Hafnium share_clear: zeroing flags on a SHARE retrieve. */
TEST(retrieve_share_with_clear_flags_is_invalid)
{
	struct mt_req q;
	uint64_t h = 0;

	mt_init();
	h = mt_share(FX_VM1, FX_SP1, MT_VM1_PA, 1);
	q = mt_req(FX_VM1, FX_SP1, h, FFA_MEM_KIND_SHARE);
	q.flags |= FFA_MEM_FLAG_CLEAR;
	expect_req_rejected(FX_SP1, &q, FFA_INVALID_PARAMETERS);
	q.flags = FFA_MEM_FLAG_TYPE_SHARE | FFA_MEM_FLAG_CLEAR_RELINQUISH;
	expect_req_rejected(FX_SP1, &q, FFA_INVALID_PARAMETERS);
	expect_retrieve_works(FX_SP1, FX_VM1, h, FFA_MEM_KIND_SHARE);
	mt_fini();
}

/* Clear before retrieve needs the sender's clear flag (Hafnium DENIED). */
TEST(retrieve_clear_without_sender_clear_is_denied)
{
	struct mt_req q;
	uint64_t h = 0;

	mt_init();
	h = mt_lend(FX_VM1, FX_SP1, MT_VM1_PA, 1, 0);
	q = mt_req(FX_VM1, FX_SP1, h, FFA_MEM_KIND_LEND);
	q.flags |= FFA_MEM_FLAG_CLEAR;
	expect_req_rejected(FX_SP1, &q, FFA_DENIED);
	expect_retrieve_works(FX_SP1, FX_VM1, h, FFA_MEM_KIND_LEND);
	mt_fini();
}

TEST(retrieve_with_ns_bit_is_invalid)
{
	struct mt_req q;
	uint64_t h = 0;

	mt_init();
	h = mt_share(FX_VM1, FX_SP1, MT_VM1_PA, 1);
	q = mt_req(FX_VM1, FX_SP1, h, FFA_MEM_KIND_SHARE);
	q.attributes = FFA_MEM_ATTR_NORMAL_WB_IS | FFA_MEM_ATTR_NS;
	expect_req_rejected(FX_SP1, &q, FFA_INVALID_PARAMETERS);
	expect_retrieve_works(FX_SP1, FX_VM1, h, FFA_MEM_KIND_SHARE);
	mt_fini();
}

/* ACS {lend,share}_{cache,shareability}_attr: requests the SPMC cannot
 * honour are DENIED. */
TEST(retrieve_with_non_wb_is_attributes_is_denied)
{
	struct mt_req q;
	uint64_t h = 0;

	mt_init();
	h = mt_share(FX_VM1, FX_SP1, MT_VM1_PA, 1);
	q = mt_req(FX_VM1, FX_SP1, h, FFA_MEM_KIND_SHARE);
	q.attributes = FFA_MEM_ATTR_TYPE_NORMAL | FFA_MEM_ATTR_NORMAL_NC |
		       FFA_MEM_ATTR_INNER_SHAREABLE;
	expect_req_rejected(FX_SP1, &q, FFA_DENIED);
	q.attributes = FFA_MEM_ATTR_TYPE_NORMAL | FFA_MEM_ATTR_NORMAL_WB |
		       FFA_MEM_ATTR_OUTER_SHAREABLE;
	expect_req_rejected(FX_SP1, &q, FFA_DENIED);
	q.attributes = FFA_MEM_ATTR_NORMAL_WB_IS;
	{
		struct ffa_regs r = mt_retrieve_req(FX_SP1, &q);

		ASSERT_EQ(r.x[0], FFA_MEM_RETRIEVE_RESP);
	}
	mt_fini();
}

/* ---- step 6: EMAD list ----------------------------------------------- */

static uint64_t share_two(void)
{
	struct mt_send s;

	s = mt_desc(FFA_MEM_SHARE_64, FX_VM1, FX_SP1, MT_VM1_PA, 1);
	s.emad_count = 2;
	s.emads[1] = mt_emad(FX_SP2, FFA_PERM_DATA_RO);
	return mt_send_ok(FFA_MEM_SHARE_64, &s);
}

static struct mt_req req_two(uint16_t caller, uint64_t h)
{
	struct mt_req q = mt_req(FX_VM1, caller, h, FFA_MEM_KIND_SHARE);

	q.emad_count = 2;
	q.emads[0] = mt_emad(FX_SP1, FFA_PERM_DATA_RW);
	q.emads[1] = mt_emad(FX_SP2, FFA_PERM_DATA_RO);
	return q;
}

TEST(retrieve_multi_borrower_each_gets_its_own_emad)
{
	struct mt_req q;
	struct ffa_regs r;
	struct mt_resp m;
	uint64_t h = 0;

	mt_init();
	h = share_two();
	q = req_two(FX_SP1, h);
	r = mt_retrieve_req(FX_SP1, &q);
	ASSERT_EQ(r.x[0], FFA_MEM_RETRIEVE_RESP);
	mt_parse_resp(FX_SP1, FFA_VERSION_1_2, (uint32_t)r.x[2], &m);
	ASSERT_EQ(m.mtd.emad_count, 1);
	ASSERT_EQ(m.emad[0].receiver, FX_SP1);
	ASSERT_EQ(m.emad[0].perms, FFA_PERM_DATA_RW | FFA_PERM_INSTR_NX);
	q = req_two(FX_SP2, h);
	r = mt_retrieve_req(FX_SP2, &q);
	ASSERT_EQ(r.x[0], FFA_MEM_RETRIEVE_RESP);
	mt_parse_resp(FX_SP2, FFA_VERSION_1_2, (uint32_t)r.x[2], &m);
	ASSERT_EQ(m.emad[0].receiver, FX_SP2);
	ASSERT_EQ(m.emad[0].perms, FFA_PERM_DATA_RO | FFA_PERM_INSTR_NX);
	ASSERT_EQ(mt_access(FX_SP2, MT_VM1_PA, MT_PAGE), FFA_PERM_DATA_RO);
	mt_fini();
}

/* Without the bypass flag the request lists every borrower. */
TEST(retrieve_multi_borrower_with_one_emad_is_invalid)
{
	struct mt_req q;
	uint64_t h = 0;

	mt_init();
	h = share_two();
	q = mt_req(FX_VM1, FX_SP1, h, FFA_MEM_KIND_SHARE);
	expect_req_rejected(FX_SP1, &q, FFA_INVALID_PARAMETERS);
	q.flags |= FFA_MEM_FLAG_BYPASS_BORROWER_CHECK;
	{
		struct ffa_regs r = mt_retrieve_req(FX_SP1, &q);

		ASSERT_EQ(r.x[0], FFA_MEM_RETRIEVE_RESP);
	}
	mt_fini();
}

/* Hafnium: bypass with wrong count, bypass with a single receiver. */
TEST(retrieve_bypass_misuse_is_invalid)
{
	struct mt_req q;
	uint64_t h = 0;
	uint64_t h1 = 0;

	mt_init();
	h = share_two();
	q = req_two(FX_SP1, h);
	q.flags |= FFA_MEM_FLAG_BYPASS_BORROWER_CHECK;
	expect_req_rejected(FX_SP1, &q, FFA_INVALID_PARAMETERS);
	h1 = mt_share(FX_VM1, FX_SP1, MT_VM1_PA + MT_PAGE, 1);
	q = mt_req(FX_VM1, FX_SP1, h1, FFA_MEM_KIND_SHARE);
	q.flags |= FFA_MEM_FLAG_BYPASS_BORROWER_CHECK;
	expect_req_rejected(FX_SP1, &q, FFA_INVALID_PARAMETERS);
	/* Bypass listing only another borrower: caller's EMAD missing. */
	q = mt_req(FX_VM1, FX_SP2, h, FFA_MEM_KIND_SHARE);
	q.emads[0].perms = FFA_PERM_DATA_RO;
	q.flags |= FFA_MEM_FLAG_BYPASS_BORROWER_CHECK;
	expect_req_rejected(FX_SP1, &q, FFA_INVALID_PARAMETERS);
	expect_retrieve_works(FX_SP1, FX_VM1, h1, FFA_MEM_KIND_SHARE);
	mt_fini();
}

TEST(retrieve_emad_for_a_non_borrower_is_denied)
{
	struct mt_req q;
	uint64_t h = 0;

	mt_init();
	h = share_two();
	q = req_two(FX_SP1, h);
	q.emads[1] = mt_emad(FX_VM2, FFA_PERM_DATA_RO);
	expect_req_rejected(FX_SP1, &q, FFA_DENIED);
	mt_fini();
}

TEST(retrieve_without_callers_emad_is_invalid)
{
	struct mt_req q;
	uint64_t h = 0;

	mt_init();
	h = share_two();
	q = req_two(FX_SP1, h);
	q.emads[0] = mt_emad(FX_SP2, FFA_PERM_DATA_RO);
	expect_req_rejected(FX_SP1, &q, FFA_INVALID_PARAMETERS);
	mt_fini();
}

/* ACS {lend,share}_ro_retrieve_rw: escalation is DENIED, and a wrong
 * permission for another borrower too (Hafnium multi-borrower). */
TEST(retrieve_with_permission_escalation_is_denied)
{
	struct mt_req q;
	uint64_t h = 0;

	mt_init();
	h = share_two();
	q = req_two(FX_SP2, h);
	q.emads[1].perms = FFA_PERM_DATA_RW;
	expect_req_rejected(FX_SP2, &q, FFA_DENIED);
	q = req_two(FX_SP1, h);
	q.emads[1].perms = FFA_PERM_DATA_RW;
	expect_req_rejected(FX_SP1, &q, FFA_DENIED);
	mt_fini();
}

/* ACS {lend,share}_rw_retrieve_ro, and "not specified" gets the sent. */
TEST(retrieve_may_ask_less_or_unspecified_access)
{
	struct mt_req q;
	struct ffa_regs r;
	uint64_t h = 0;

	mt_init();
	h = mt_share(FX_VM1, FX_SP1, MT_VM1_PA, 1);
	q = mt_req(FX_VM1, FX_SP1, h, FFA_MEM_KIND_SHARE);
	q.emads[0].perms = FFA_PERM_DATA_RO;
	r = mt_retrieve_req(FX_SP1, &q);
	ASSERT_EQ(r.x[0], FFA_MEM_RETRIEVE_RESP);
	ASSERT_EQ(mt_access(FX_SP1, MT_VM1_PA, MT_PAGE), FFA_PERM_DATA_RO);
	ASSERT_EQ(fx_rx(&fx, FX_SP1)[48 + 2],
		  FFA_PERM_DATA_RO | FFA_PERM_INSTR_NX);
	h = mt_share(FX_VM1, FX_SP2, MT_VM1_PA + MT_PAGE, 1);
	q = mt_req(FX_VM1, FX_SP2, h, FFA_MEM_KIND_SHARE);
	q.emads[0].perms = 0;
	r = mt_retrieve_req(FX_SP2, &q);
	ASSERT_EQ(r.x[0], FFA_MEM_RETRIEVE_RESP);
	ASSERT_EQ(fx_rx(&fx, FX_SP2)[48 + 2],
		  FFA_PERM_DATA_RW | FFA_PERM_INSTR_NX);
	ASSERT_EQ(mt_access(FX_SP2, MT_VM1_PA + MT_PAGE, MT_PAGE),
		  FFA_PERM_DATA_RW);
	mt_fini();
}

/* Instruction access: unspecified for SHARE and multi-borrower LEND,
 * specified for single LEND and DONATE (Hafnium
 * retrieve_instruction_access_not_specified). */
TEST(retrieve_instruction_access_rules)
{
	struct mt_req q;
	uint64_t hs = 0;
	uint64_t hl = 0;
	uint64_t hd = 0;

	mt_init();
	hs = mt_share(FX_VM1, FX_SP1, MT_VM1_PA, 1);
	q = mt_req(FX_VM1, FX_SP1, hs, FFA_MEM_KIND_SHARE);
	q.emads[0].perms = FFA_PERM_DATA_RW | FFA_PERM_INSTR_NX;
	expect_req_rejected(FX_SP1, &q, FFA_INVALID_PARAMETERS);
	hl = mt_lend(FX_VM1, FX_SP1, MT_VM1_PA + MT_PAGE, 1, 0);
	q = mt_req(FX_VM1, FX_SP1, hl, FFA_MEM_KIND_LEND);
	q.emads[0].perms = FFA_PERM_DATA_RW;
	expect_req_rejected(FX_SP1, &q, FFA_INVALID_PARAMETERS);
	hd = mt_donate(FX_VM1, FX_SP1, MT_VM1_PA + 2 * MT_PAGE, 1);
	q = mt_req(FX_VM1, FX_SP1, hd, FFA_MEM_KIND_DONATE);
	q.emads[0].perms = 0;
	expect_req_rejected(FX_SP1, &q, FFA_INVALID_PARAMETERS);
	expect_retrieve_works(FX_SP1, FX_VM1, hs, FFA_MEM_KIND_SHARE);
	mt_fini();
}

TEST(retrieve_multi_borrower_lend_with_instruction_access_is_invalid)
{
	struct mt_send s;
	struct mt_req q;
	uint64_t h = 0;

	mt_init();
	s = mt_desc(FFA_MEM_LEND_64, FX_VM1, FX_SP1, MT_VM1_PA, 1);
	s.attributes = FFA_MEM_ATTR_NORMAL_WB_IS;
	s.emad_count = 2;
	s.emads[1] = mt_emad(FX_SP2, FFA_PERM_DATA_RW);
	h = mt_send_ok(FFA_MEM_LEND_64, &s);
	q = mt_req(FX_VM1, FX_SP1, h, FFA_MEM_KIND_LEND);
	q.flags |= FFA_MEM_FLAG_BYPASS_BORROWER_CHECK;
	q.emads[0].perms = FFA_PERM_DATA_RW | FFA_PERM_INSTR_NX;
	expect_req_rejected(FX_SP1, &q, FFA_INVALID_PARAMETERS);
	q.emads[0].perms = FFA_PERM_DATA_RW;
	{
		struct ffa_regs r = mt_retrieve_req(FX_SP1, &q);

		ASSERT_EQ(r.x[0], FFA_MEM_RETRIEVE_RESP);
	}
	mt_fini();
}

/* Hafnium cannot_zero_ro_memory on retrieve. */
TEST(retrieve_read_only_with_clear_flags_is_denied)
{
	struct mt_req q;
	uint64_t h = 0;

	mt_init();
	h = mt_lend(FX_VM1, FX_SP1, MT_VM1_PA, 1, FFA_MEM_FLAG_CLEAR);
	q = mt_req(FX_VM1, FX_SP1, h, FFA_MEM_KIND_LEND);
	q.emads[0].perms = FFA_PERM_DATA_RO | FFA_PERM_INSTR_NX;
	q.flags |= FFA_MEM_FLAG_CLEAR;
	expect_req_rejected(FX_SP1, &q, FFA_DENIED);
	q.flags = FFA_MEM_FLAG_TYPE_LEND | FFA_MEM_FLAG_CLEAR_RELINQUISH;
	expect_req_rejected(FX_SP1, &q, FFA_DENIED);
	expect_retrieve_works(FX_SP1, FX_VM1, h, FFA_MEM_KIND_LEND);
	mt_fini();
}

/* ---- step 7: state ---------------------------------------------------- */

/* ACS lend_device_attr: device memory retrieved as Normal is DENIED. */
TEST(retrieve_device_memory_as_normal_is_denied)
{
	struct mt_req q;
	struct ffa_regs r;
	uint64_t h = 0;

	mt_init();
	h = mt_lend(FX_VM1, FX_SP1, FX_DEV_BASE, 1, 0);
	q = mt_req(FX_VM1, FX_SP1, h, FFA_MEM_KIND_LEND);
	q.attributes = FFA_MEM_ATTR_NORMAL_WB_IS;
	expect_req_rejected(FX_SP1, &q, FFA_DENIED);
	q.attributes = FFA_MEM_ATTR_TYPE_DEVICE | FFA_MEM_ATTR_DEV_NGNRNE |
		       FFA_MEM_ATTR_INNER_SHAREABLE;
	r = mt_retrieve_req(FX_SP1, &q);
	ASSERT_EQ(r.x[0], FFA_MEM_RETRIEVE_RESP);
	ASSERT_EQ(mt_access(FX_SP1, FX_DEV_BASE, MT_PAGE), FFA_PERM_DATA_RW);
	mt_fini();
}

/* Hafnium allows one outstanding retrieval per borrower. */
TEST(retrieve_twice_is_denied_until_relinquished)
{
	struct ffa_regs r;
	uint64_t h = 0;

	mt_init();
	h = mt_lend(FX_VM1, FX_SP1, MT_VM1_PA, 1, 0);
	mt_retrieve_ok(FX_SP1, FX_VM1, h, FFA_MEM_KIND_LEND);
	r = mt_retrieve(FX_SP1, FX_VM1, h, FFA_MEM_KIND_LEND);
	ASSERT_FFA_ERROR(&r, FFA_DENIED);
	/* A rejected retrieve must not have taken RX. */
	r = mt_rx_release(FX_SP1);
	ASSERT_FFA_ERROR(&r, FFA_DENIED);
	r = mt_relinquish(FX_SP1, h, 0);
	ASSERT_FFA_SUCCESS(&r);
	mt_retrieve_ok(FX_SP1, FX_VM1, h, FFA_MEM_KIND_LEND);
	ASSERT_EQ(mt_access(FX_SP1, MT_VM1_PA, MT_PAGE), FFA_PERM_DATA_RW);
	mt_fini();
}

/* ACS multiple_retrievals: the clear flag on a repeated retrieve. */
TEST(retrieve_clear_on_repeated_retrieve_is_invalid)
{
	struct mt_req q;
	struct ffa_regs r;
	uint64_t h = 0;

	mt_init();
	h = mt_lend(FX_VM1, FX_SP1, MT_VM1_PA, 1, FFA_MEM_FLAG_CLEAR);
	q = mt_req(FX_VM1, FX_SP1, h, FFA_MEM_KIND_LEND);
	q.flags |= FFA_MEM_FLAG_CLEAR;
	r = mt_retrieve_req(FX_SP1, &q);
	ASSERT_EQ(r.x[0], FFA_MEM_RETRIEVE_RESP);
	mt_rx_release(FX_SP1);
	r = mt_relinquish(FX_SP1, h, 0);
	ASSERT_FFA_SUCCESS(&r);
	expect_req_rejected(FX_SP1, &q, FFA_INVALID_PARAMETERS);
	expect_retrieve_works(FX_SP1, FX_VM1, h, FFA_MEM_KIND_LEND);
	mt_fini();
}

/* ---- DONATE --------------------------------------------------------- */

TEST(donate_retrieve_moves_ownership_and_frees_the_handle)
{
	struct ffa_regs r;
	uint64_t h = 0;

	mt_init();
	mt_fill(MT_VM1_PA, 2, 0x11);
	h = mt_donate(FX_VM1, FX_SP1, MT_VM1_PA, 2);
	mt_retrieve_ok(FX_SP1, FX_VM1, h, FFA_MEM_KIND_DONATE);
	ASSERT_EQ(mt_live(), 0);
	ASSERT_EQ(spmc_page_owner(fx.spmc, MT_VM1_PA + MT_PAGE), FX_SP1);
	ASSERT_EQ(mt_access(FX_SP1, MT_VM1_PA, 2 * MT_PAGE), FFA_PERM_DATA_RW);
	ASSERT_EQ(mt_access(FX_VM1, MT_VM1_PA, MT_PAGE), 0);
	ASSERT_TRUE(mt_is_filled(MT_VM1_PA, 2, 0x11));
	r = mt_relinquish(FX_SP1, h, 0);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	r = mt_reclaim(FX_VM1, h, 0);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	/* Hafnium donate_and_donate_elsewhere: the new owner may pass it on
	 * to another SP, but never back to a VM. */
	mt_donate(FX_SP1, FX_SP2, MT_VM1_PA, 1);
	{
		struct mt_send s = mt_desc(FFA_MEM_DONATE_64, FX_SP1, FX_VM1,
					   MT_VM1_PA + MT_PAGE, 1);

		r = mt_send(FFA_MEM_DONATE_64, &s);
		ASSERT_FFA_ERROR(&r, FFA_DENIED);
	}
	mt_fini();
}

/* ---- versions --------------------------------------------------------- */

/* A v1.0 borrower gets the v1.0 layout: 32-byte header, EMADs at 32. */
TEST(v10_borrower_gets_v10_response)
{
	struct fx_opts o = { .version = FFA_VERSION_1_0 };
	struct ffa_regs r;
	struct mt_resp m;
	uint64_t h = 0;

	mt_init_opts(&o);
	h = mt_share(FX_VM1, FX_SP1, MT_VM1_PA, 3);
	r = mt_retrieve(FX_SP1, FX_VM1, h, FFA_MEM_KIND_SHARE);
	ASSERT_EQ(r.x[0], FFA_MEM_RETRIEVE_RESP);
	ASSERT_EQ(r.x[1], 32 + 16 + 16 + 16);
	mt_parse_resp(FX_SP1, FFA_VERSION_1_0, (uint32_t)r.x[2], &m);
	ASSERT_FALSE(m.mtd.reserved_nonzero);
	ASSERT_EQ(m.mtd.attributes, 0x6F);
	ASSERT_EQ(m.emad[0].composite_offset, 48);
	ASSERT_EQ(m.comp.page_count, 3);
	ASSERT_EQ(mt_resp_cons(FX_SP1, &m, 0).address, MT_VM1_PA);
	mt_fini();
}

TEST(v11_borrower_gets_16_byte_emads)
{
	struct fx_opts o = { .version = FFA_VERSION_1_1 };
	struct ffa_regs r;
	struct mt_resp m;
	uint64_t h = 0;

	mt_init_opts(&o);
	h = mt_lend(FX_VM1, FX_SP1, MT_VM1_PA, 1, 0);
	r = mt_retrieve(FX_SP1, FX_VM1, h, FFA_MEM_KIND_LEND);
	ASSERT_EQ(r.x[0], FFA_MEM_RETRIEVE_RESP);
	ASSERT_EQ(r.x[1], 48 + 16 + 16 + 16);
	mt_parse_resp(FX_SP1, FFA_VERSION_1_1, (uint32_t)r.x[2], &m);
	ASSERT_EQ(m.mtd.emad_size, 16);
	ASSERT_EQ(m.mtd.emad_offset, 48);
	ASSERT_FALSE(m.emad[0].reserved_nonzero);
	mt_fini();
}

/* Hafnium ffa_secure_partitions: a v1.2 sender and a v1.0 borrower
 * (the borrower reconnected at v1.0). */
TEST(v12_sender_and_v10_borrower_interoperate)
{
	struct spmc_output out;
	struct ffa_regs r;
	struct mt_resp m;
	struct mt_req q;
	uint64_t h = 0;

	mt_init();
	h = mt_share(FX_VM1, FX_SP1, MT_VM1_PA, 1);
	spmc_partition_abort(fx.spmc, FX_SP1, &out);
	r = fx_call(&fx, FX_SP1, FFA_VERSION, FFA_VERSION_1_0, 0, 0, 0, 0, 0,
		    0);
	ASSERT_EQ(r.x[0], FFA_VERSION_1_2);
	r = fx_call(&fx, FX_SP1, FFA_RXTX_MAP_64, fx_tx_pa(FX_SP1),
		    fx_rx_pa(FX_SP1), 1, 0, 0, 0, 0);
	ASSERT_FFA_SUCCESS(&r);
	q = mt_req(FX_VM1, FX_SP1, h, FFA_MEM_KIND_SHARE);
	q.version = FFA_VERSION_1_0;
	r = mt_retrieve_req(FX_SP1, &q);
	ASSERT_EQ(r.x[0], FFA_MEM_RETRIEVE_RESP);
	mt_parse_resp(FX_SP1, FFA_VERSION_1_0, (uint32_t)r.x[2], &m);
	ASSERT_EQ(m.mtd.handle, h);
	ASSERT_EQ(m.emad[0].receiver, FX_SP1);
	mt_fini();
}

/* Hafnium ffa_secure_partitions: a v1.0 sender and a v1.2 borrower. */
TEST(v10_sender_and_v12_borrower_interoperate)
{
	struct fx_opts o = { .version = FFA_VERSION_1_0 };
	struct spmc_output out;
	struct ffa_regs r;
	struct mt_resp m;
	struct mt_req q;
	uint64_t h = 0;

	mt_init_opts(&o);
	h = mt_share(FX_VM1, FX_SP1, MT_VM1_PA, 1);
	spmc_partition_abort(fx.spmc, FX_SP1, &out);
	r = fx_call(&fx, FX_SP1, FFA_VERSION, FFA_VERSION_1_2, 0, 0, 0, 0, 0,
		    0);
	ASSERT_EQ(r.x[0], FFA_VERSION_1_2);
	r = fx_call(&fx, FX_SP1, FFA_RXTX_MAP_64, fx_tx_pa(FX_SP1),
		    fx_rx_pa(FX_SP1), 1, 0, 0, 0, 0);
	ASSERT_FFA_SUCCESS(&r);
	q = mt_req(FX_VM1, FX_SP1, h, FFA_MEM_KIND_SHARE);
	q.version = FFA_VERSION_1_2;
	r = mt_retrieve_req(FX_SP1, &q);
	ASSERT_EQ(r.x[0], FFA_MEM_RETRIEVE_RESP);
	mt_parse_resp(FX_SP1, FFA_VERSION_1_2, (uint32_t)r.x[2], &m);
	ASSERT_EQ(m.mtd.emad_size, 32);
	ASSERT_EQ(m.emad[0].impdef[0], 0);
	ASSERT_EQ(m.comp.page_count, 1);
	mt_fini();
}

/* Hafnium: RX tail zeroing on a multi-page mailbox. */
TEST(retrieve_zeroes_the_whole_tail_of_a_multi_page_rx)
{
	struct fx_opts o = { .no_mailboxes = true };
	struct ffa_regs r;
	uint64_t rx = FX_SP1_BASE + 0x4000;
	uint64_t h = 0;

	mt_init_opts(&o);
	r = fx_call(&fx, FX_VM1, FFA_RXTX_MAP_64, fx_tx_pa(FX_VM1),
		    fx_rx_pa(FX_VM1), 1, 0, 0, 0, 0);
	ASSERT_FFA_SUCCESS(&r);
	r = fx_call(&fx, FX_SP1, FFA_RXTX_MAP_64, fx_tx_pa(FX_SP1), rx, 2, 0, 0,
		    0, 0);
	ASSERT_FFA_SUCCESS(&r);
	memset(fx_pa(&fx, rx), 0xEE, 2 * MT_PAGE);
	h = mt_share(FX_VM1, FX_SP1, MT_VM1_PA, 1);
	r = mt_retrieve(FX_SP1, FX_VM1, h, FFA_MEM_KIND_SHARE);
	ASSERT_EQ(r.x[0], FFA_MEM_RETRIEVE_RESP);
	ASSERT_TRUE(tzs_is_zero(fx_pa(&fx, rx) + r.x[2], 2 * MT_PAGE - r.x[2]));
	mt_fini();
}

/* ---- hypervisor retrieve request --------------------------------------- */

static void hyp_init(void)
{
	struct fx_opts o = { .cfg = { .has_hypervisor = true,
				      .hypervisor_id = FX_VM2 } };

	mt_init_opts(&o);
}

static struct ffa_regs hyp_retrieve(uint16_t caller, uint64_t handle)
{
	struct mt_req q;

	memset(&q, 0, sizeof(q));
	q.version = mt_version;
	q.handle = handle;
	return mt_retrieve_req(caller, &q);
}

TEST(hypervisor_retrieve_returns_every_borrower)
{
	struct mt_send s;
	struct ffa_regs r;
	struct mt_resp m;
	uint64_t h = 0;

	hyp_init();
	s = mt_desc(FFA_MEM_SHARE_64, FX_VM1, FX_SP1, MT_VM1_PA, 2);
	s.emad_count = 2;
	s.emads[1] = mt_emad(FX_SP2, FFA_PERM_DATA_RO);
	h = mt_send_ok(FFA_MEM_SHARE_64, &s);
	r = hyp_retrieve(FX_VM2, h);
	ASSERT_EQ(r.x[0], FFA_MEM_RETRIEVE_RESP);
	mt_parse_resp(FX_VM2, FFA_VERSION_1_2, (uint32_t)r.x[2], &m);
	ASSERT_EQ(m.mtd.emad_count, 2);
	ASSERT_EQ(m.emad[0].receiver, FX_SP1);
	ASSERT_EQ(m.emad[1].receiver, FX_SP2);
	ASSERT_EQ(m.emad[1].perms, FFA_PERM_DATA_RO | FFA_PERM_INSTR_NX);
	ASSERT_EQ(m.comp.page_count, 2);
	/* It changes no state: the hypervisor has no access, borrowers can
	 * still retrieve, and it may ask again. */
	ASSERT_EQ(mt_access(FX_VM2, MT_VM1_PA, MT_PAGE), 0);
	mt_rx_release(FX_VM2);
	r = hyp_retrieve(FX_VM2, h);
	ASSERT_EQ(r.x[0], FFA_MEM_RETRIEVE_RESP);
	mt_fini();
}

TEST(hypervisor_retrieve_by_another_endpoint_is_denied)
{
	struct ffa_regs r;
	uint64_t h = 0;

	hyp_init();
	h = mt_share(FX_VM1, FX_SP1, MT_VM1_PA, 1);
	r = hyp_retrieve(FX_SP1, h);
	ASSERT_FFA_ERROR(&r, FFA_DENIED);
	r = hyp_retrieve(FX_VM1, h);
	ASSERT_FFA_ERROR(&r, FFA_DENIED);
	mt_fini();
}

TEST(hypervisor_retrieve_without_hypervisor_configured_is_denied)
{
	struct ffa_regs r;
	uint64_t h = 0;

	mt_init();
	h = mt_share(FX_VM1, FX_SP1, MT_VM1_PA, 1);
	r = hyp_retrieve(FX_VM2, h);
	ASSERT_FFA_ERROR(&r, FFA_DENIED);
	mt_fini();
}

/* ffa.md §7.6: every field but the handle must be 0. */
TEST(hypervisor_retrieve_with_fields_set_is_invalid)
{
	static const uint32_t offs[] = { 0, 2, 4, 16, 24, 32 };
	struct ffa_regs r;
	unsigned int i = 0;
	uint64_t h = 0;

	hyp_init();
	h = mt_share(FX_VM1, FX_SP1, MT_VM1_PA, 1);
	for (i = 0; i < TZS_ARRAY_SIZE(offs); i++) {
		uint8_t *tx = fx_tx(&fx, FX_VM2);

		memset(tx, 0, 48);
		le64_put(tx + 8, h);
		tx[offs[i]] = 1;
		r = fx_call(&fx, FX_VM2, FFA_MEM_RETRIEVE_REQ_64, 48, 48, 0, 0,
			    0, 0, 0);
		ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	}
	r = hyp_retrieve(FX_VM2, h | FFA_HANDLE_ALLOCATOR_HYP);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	r = hyp_retrieve(FX_VM2, h ^ 1);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	r = hyp_retrieve(FX_VM2, h);
	ASSERT_EQ(r.x[0], FFA_MEM_RETRIEVE_RESP);
	mt_fini();
}
