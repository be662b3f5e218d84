// SPDX-License-Identifier: BSD-2-Clause
/*
 * Tests of core/spmc/mem_send.c: FFA_MEM_SHARE/LEND/DONATE validation in
 * the order of ffa.md §3.3 and the page state after completion. Every
 * rejection asserts the exact error and that nothing changed.
 *
 * v1.2 layout used for byte patches (one EMAD): header 0..47, EMAD 48..79,
 * composite 80..95, constituents from 96.
 */
#include <tzshare/ffa.h>
#include <tzshare/lib.h>
#include <tzshare/spmc.h>

#include "mem_util.h"
#include "spmc_fixture.h"
#include "test.h"

#define EMAD0 48
#define COMP 80
#define CONS 96

/* Send @s with a byte patch applied after encoding. */
static struct ffa_regs send_patched(uint32_t fid, const struct mt_send *s,
				    uint32_t off, uint8_t val)
{
	uint32_t len = mt_put(s);

	fx_tx(&fx, s->sender)[off] = val;
	return mt_call_send(s->sender, fid, len, len);
}

static void expect_rejected(uint32_t fid, const struct mt_send *s, int err)
{
	struct ffa_regs r = mt_send(fid, s);

	ASSERT_FFA_ERROR(&r, err);
	mt_assert_unchanged(0, FX_VM1, FX_SP1, MT_VM1_PA, 1);
}

static void expect_patch_rejected(uint32_t fid, const struct mt_send *s,
				  uint32_t off, uint8_t val, int err)
{
	struct ffa_regs r = send_patched(fid, s, off, val);

	ASSERT_FFA_ERROR(&r, err);
	mt_assert_unchanged(0, FX_VM1, FX_SP1, MT_VM1_PA, 1);
}

/* ---- successful sends ------------------------------------------------ */

TEST(share_vm_to_sp_returns_spmc_handle_and_keeps_owner_access)
{
	uint64_t h = 0;

	mt_init();
	h = mt_share(FX_VM1, FX_SP1, MT_VM1_PA, 2);
	ASSERT_EQ(h >> 63, 0);
	ASSERT_EQ(mt_live(), 1);
	ASSERT_EQ(spmc_page_owner(fx.spmc, MT_VM1_PA), FX_VM1);
	/* Owner-SA keeps access; the borrower has none before retrieve. */
	ASSERT_EQ(mt_access(FX_VM1, MT_VM1_PA, 2 * MT_PAGE), FFA_PERM_DATA_RW);
	ASSERT_EQ(mt_access(FX_SP1, MT_VM1_PA, MT_PAGE), 0);
	mt_fini();
}

TEST(lend_vm_to_sp_removes_owner_access)
{
	mt_init();
	mt_lend(FX_VM1, FX_SP1, MT_VM1_PA, 3, 0);
	ASSERT_EQ(mt_live(), 1);
	ASSERT_EQ(spmc_page_owner(fx.spmc, MT_VM1_PA + 2 * MT_PAGE), FX_VM1);
	ASSERT_EQ(mt_access(FX_VM1, MT_VM1_PA, MT_PAGE), 0);
	/* The page after the lent range is untouched. */
	ASSERT_EQ(mt_access(FX_VM1, MT_VM1_PA + 3 * MT_PAGE, MT_PAGE),
		  FFA_PERM_DATA_RW);
	mt_fini();
}

TEST(donate_vm_to_sp_removes_owner_access_until_retrieve)
{
	mt_init();
	mt_donate(FX_VM1, FX_SP1, MT_VM1_PA, 1);
	ASSERT_EQ(mt_live(), 1);
	ASSERT_EQ(spmc_page_owner(fx.spmc, MT_VM1_PA), FX_VM1);
	ASSERT_EQ(mt_access(FX_VM1, MT_VM1_PA, MT_PAGE), 0);
	mt_fini();
}

TEST(share_with_32bit_function_id_succeeds)
{
	struct mt_send s;
	struct ffa_regs r;

	mt_init();
	s = mt_desc(FFA_MEM_SHARE_32, FX_VM1, FX_SP1, MT_VM1_PA, 1);
	r = mt_send(FFA_MEM_SHARE_32, &s);
	ASSERT_FFA_SUCCESS(&r);
	ASSERT_EQ(mt_live(), 1);
	mt_fini();
}

/* SPs may share/lend/donate their own memory to SPs (ffa.md §3.1). */
TEST(sp_share_lend_donate_to_sp_succeed)
{
	mt_init();
	mt_share(FX_SP1, FX_SP2, MT_SP1_PA, 1);
	mt_lend(FX_SP1, FX_SP2, MT_SP1_PA + MT_PAGE, 1, 0);
	mt_donate(FX_SP1, FX_SP2, MT_SP1_PA + 2 * MT_PAGE, 1);
	ASSERT_EQ(mt_live(), 3);
	mt_fini();
}

/* A VM may SHARE to an SP and one VM together (ffa.md §3.1). */
TEST(vm_share_to_sp_and_one_vm_succeeds)
{
	struct mt_send s;

	mt_init();
	s = mt_desc(FFA_MEM_SHARE_64, FX_VM1, FX_SP1, MT_VM1_PA, 1);
	s.emad_count = 2;
	s.emads[1] = mt_emad(FX_VM2, FFA_PERM_DATA_RO);
	mt_send_ok(FFA_MEM_SHARE_64, &s);
	mt_fini();
}

/* The descriptor is copied at the call: changing TX later has no effect
 * (ACS "relayer must copy TX at call time"). */
TEST(send_copies_tx_before_use)
{
	struct ffa_regs r;
	struct mt_resp m;
	uint64_t h = 0;

	mt_init();
	h = mt_share(FX_VM1, FX_SP1, MT_VM1_PA, 1);
	memset(fx_tx(&fx, FX_VM1), 0xA5, MT_PAGE);
	r = mt_retrieve(FX_SP1, FX_VM1, h, FFA_MEM_KIND_SHARE);
	ASSERT_EQ(r.x[0], FFA_MEM_RETRIEVE_RESP);
	mt_parse_resp(FX_SP1, FFA_VERSION_1_2, (uint32_t)r.x[2], &m);
	ASSERT_EQ(mt_resp_cons(FX_SP1, &m, 0).address, MT_VM1_PA);
	mt_fini();
}

/* Ranges that continue each other are merged (order kept). */
TEST(send_merges_contiguous_constituents)
{
	struct mt_send s;
	struct ffa_regs r;
	struct mt_resp m;
	uint64_t h = 0;

	mt_init();
	s = mt_desc(FFA_MEM_SHARE_64, FX_VM1, FX_SP1, MT_VM1_PA, 1);
	s.cons_count = 3;
	s.cons[1] = mt_cons(MT_VM1_PA + MT_PAGE, 2);
	s.cons[2] = mt_cons(MT_VM1_PA + 0x10000, 1);
	h = mt_send_ok(FFA_MEM_SHARE_64, &s);
	r = mt_retrieve(FX_SP1, FX_VM1, h, FFA_MEM_KIND_SHARE);
	ASSERT_EQ(r.x[0], FFA_MEM_RETRIEVE_RESP);
	mt_parse_resp(FX_SP1, FFA_VERSION_1_2, (uint32_t)r.x[2], &m);
	ASSERT_EQ(m.comp.page_count, 4);
	ASSERT_EQ(m.comp.constituent_count, 2);
	ASSERT_EQ(mt_resp_cons(FX_SP1, &m, 0).page_count, 3);
	ASSERT_EQ(mt_resp_cons(FX_SP1, &m, 1).address, MT_VM1_PA + 0x10000);
	mt_fini();
}

/* Ranges in descending order are fine (checked by sorting a copy) and
 * the borrower sees them in the sender's order. */
TEST(send_keeps_the_order_of_unsorted_constituents)
{
	struct mt_send s;
	struct ffa_regs r;
	struct mt_resp m;
	uint64_t h = 0;

	mt_init();
	s = mt_desc(FFA_MEM_SHARE_64, FX_VM1, FX_SP1, MT_VM1_PA + 0x20000, 2);
	s.cons_count = 3;
	s.cons[1] = mt_cons(MT_VM1_PA, 1);
	s.cons[2] = mt_cons(MT_VM1_PA + 0x10000, 1);
	h = mt_send_ok(FFA_MEM_SHARE_64, &s);
	r = mt_retrieve(FX_SP1, FX_VM1, h, FFA_MEM_KIND_SHARE);
	ASSERT_EQ(r.x[0], FFA_MEM_RETRIEVE_RESP);
	mt_parse_resp(FX_SP1, FFA_VERSION_1_2, (uint32_t)r.x[2], &m);
	ASSERT_EQ(m.comp.constituent_count, 3);
	ASSERT_EQ(mt_resp_cons(FX_SP1, &m, 0).address, MT_VM1_PA + 0x20000);
	ASSERT_EQ(mt_resp_cons(FX_SP1, &m, 0).page_count, 2);
	ASSERT_EQ(mt_resp_cons(FX_SP1, &m, 1).address, MT_VM1_PA);
	ASSERT_EQ(mt_resp_cons(FX_SP1, &m, 2).address, MT_VM1_PA + 0x10000);
	mt_fini();
}

/* ---- step 1-2: buffer and lengths ------------------------------------ */

TEST(send_with_dynamic_buffer_is_invalid)
{
	struct mt_send s;
	struct ffa_regs r;
	uint32_t len = 0;

	mt_init();
	s = mt_desc(FFA_MEM_SHARE_64, FX_VM1, FX_SP1, MT_VM1_PA, 1);
	len = mt_put(&s);
	r = fx_call(&fx, FX_VM1, FFA_MEM_SHARE_64, len, len, MT_VM1_PA, 0, 0, 0,
		    0);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	r = fx_call(&fx, FX_VM1, FFA_MEM_SHARE_64, len, len, 0, 1, 0, 0, 0);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	mt_assert_unchanged(0, FX_VM1, FX_SP1, MT_VM1_PA, 1);
	mt_fini();
}

TEST(send_fragment_longer_than_total_is_invalid)
{
	struct mt_send s;
	struct ffa_regs r;
	uint32_t len = 0;

	mt_init();
	s = mt_desc(FFA_MEM_SHARE_64, FX_VM1, FX_SP1, MT_VM1_PA, 1);
	len = mt_put(&s);
	r = mt_call_send(FX_VM1, FFA_MEM_SHARE_64, len - 16, len);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	mt_assert_unchanged(0, FX_VM1, FX_SP1, MT_VM1_PA, 1);
	mt_fini();
}

TEST(send_fragment_larger_than_tx_is_invalid)
{
	struct ffa_regs r;

	mt_init();
	r = mt_call_send(FX_VM1, FFA_MEM_SHARE_64, 2 * MT_PAGE, MT_PAGE + 16);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	mt_assert_unchanged(0, FX_VM1, FX_SP1, MT_VM1_PA, 1);
	mt_fini();
}

TEST(send_without_tx_buffer_is_invalid)
{
	struct mt_send s;
	struct ffa_regs r;
	uint32_t len = 0;

	mt_init();
	s = mt_desc(FFA_MEM_SHARE_64, FX_VM1, FX_SP1, MT_VM1_PA, 1);
	len = mt_put(&s);
	r = fx_call(&fx, FX_VM1, FFA_RXTX_UNMAP, 0, 0, 0, 0, 0, 0, 0);
	ASSERT_FFA_SUCCESS(&r);
	r = mt_call_send(FX_VM1, FFA_MEM_SHARE_64, len, len);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	ASSERT_EQ(mt_live(), 0);
	mt_fini();
}

TEST(send_shorter_than_header_is_invalid)
{
	struct ffa_regs r;

	mt_init();
	memset(fx_tx(&fx, FX_VM1), 0, MT_PAGE);
	r = mt_call_send(FX_VM1, FFA_MEM_SHARE_64, 32, 32);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	r = mt_call_send(FX_VM1, FFA_MEM_SHARE_64, 0, 0);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	mt_assert_unchanged(0, FX_VM1, FX_SP1, MT_VM1_PA, 1);
	mt_fini();
}

/* ---- step 4: header sanity ------------------------------------------- */

TEST(send_header_reserved_byte_is_invalid)
{
	struct mt_send s;

	mt_init();
	s = mt_desc(FFA_MEM_SHARE_64, FX_VM1, FX_SP1, MT_VM1_PA, 1);
	expect_patch_rejected(FFA_MEM_SHARE_64, &s, 40, 1,
			      FFA_INVALID_PARAMETERS);
	mt_fini();
}

/* Attribute bits [15:7] MBZ, enforced strictly (ffa.md §7.3). */
TEST(send_attribute_mbz_bits_are_invalid)
{
	struct mt_send s;

	mt_init();
	s = mt_desc(FFA_MEM_SHARE_64, FX_VM1, FX_SP1, MT_VM1_PA, 1);
	expect_patch_rejected(FFA_MEM_SHARE_64, &s, 2, 0xAF,
			      FFA_INVALID_PARAMETERS);
	expect_patch_rejected(FFA_MEM_SHARE_64, &s, 3, 0x80,
			      FFA_INVALID_PARAMETERS);
	mt_fini();
}

TEST(send_emad_size_other_than_16_or_32_is_invalid)
{
	struct mt_send s;

	mt_init();
	s = mt_desc(FFA_MEM_SHARE_64, FX_VM1, FX_SP1, MT_VM1_PA, 1);
	expect_patch_rejected(FFA_MEM_SHARE_64, &s, 24, 24,
			      FFA_INVALID_PARAMETERS);
	expect_patch_rejected(FFA_MEM_SHARE_64, &s, 24, 48,
			      FFA_INVALID_PARAMETERS);
	mt_fini();
}

/* The descriptor version (from the EMAD size) may not exceed the
 * caller's negotiated version (ffa.md §2.1). */
TEST(send_v12_emads_from_v11_caller_is_invalid)
{
	struct fx_opts o = { .version = FFA_VERSION_1_1 };
	struct mt_send s;

	mt_init_opts(&o);
	s = mt_desc(FFA_MEM_SHARE_64, FX_VM1, FX_SP1, MT_VM1_PA, 1);
	s.version = FFA_VERSION_1_2;
	expect_rejected(FFA_MEM_SHARE_64, &s, FFA_INVALID_PARAMETERS);
	mt_fini();
}

TEST(send_v11_descriptor_from_v12_caller_succeeds)
{
	struct mt_send s;

	mt_init();
	s = mt_desc(FFA_MEM_SHARE_64, FX_VM1, FX_SP1, MT_VM1_PA, 1);
	s.version = FFA_VERSION_1_1;
	mt_send_ok(FFA_MEM_SHARE_64, &s);
	mt_fini();
}

TEST(send_emad_offset_inside_header_is_invalid)
{
	struct mt_send s;

	mt_init();
	s = mt_desc(FFA_MEM_SHARE_64, FX_VM1, FX_SP1, MT_VM1_PA, 1);
	expect_patch_rejected(FFA_MEM_SHARE_64, &s, 32, 32,
			      FFA_INVALID_PARAMETERS);
	mt_fini();
}

TEST(send_without_emad_is_invalid)
{
	struct mt_send s;

	mt_init();
	s = mt_desc(FFA_MEM_SHARE_64, FX_VM1, FX_SP1, MT_VM1_PA, 1);
	expect_patch_rejected(FFA_MEM_SHARE_64, &s, 28, 0,
			      FFA_INVALID_PARAMETERS);
	mt_fini();
}

/* MAX_MEM_SHARE_RECIPIENTS (cfg.max_borrowers, default 2). */
TEST(send_more_emads_than_max_borrowers_is_invalid)
{
	struct mt_send s;

	mt_init();
	s = mt_desc(FFA_MEM_SHARE_64, FX_VM1, FX_SP1, MT_VM1_PA, 1);
	s.emad_count = 3;
	s.emads[1] = mt_emad(FX_SP2, FFA_PERM_DATA_RW);
	s.emads[2] = mt_emad(FX_VM2, FFA_PERM_DATA_RW);
	expect_rejected(FFA_MEM_SHARE_64, &s, FFA_INVALID_PARAMETERS);
	mt_fini();
}

/* An EMAD count whose array ends beyond the fragment (Hf fix: header
 * size checked before iterating receivers). */
TEST(send_emad_array_beyond_fragment_is_invalid)
{
	struct fx_opts o = { .cfg = { .max_borrowers = 8 } };
	struct mt_send s;

	mt_init_opts(&o);
	s = mt_desc(FFA_MEM_SHARE_64, FX_VM1, FX_SP1, MT_VM1_PA, 1);
	/* 3 EMADs end at 144, the fragment at 112. */
	expect_patch_rejected(FFA_MEM_SHARE_64, &s, 28, 3,
			      FFA_INVALID_PARAMETERS);
	/* A count that would overflow 32-bit offset arithmetic. */
	expect_patch_rejected(FFA_MEM_SHARE_64, &s, 31, 0x10,
			      FFA_INVALID_PARAMETERS);
	mt_fini();
}

TEST(send_emad_reserved_bytes_are_invalid)
{
	struct mt_send s;

	mt_init();
	s = mt_desc(FFA_MEM_SHARE_64, FX_VM1, FX_SP1, MT_VM1_PA, 1);
	expect_patch_rejected(FFA_MEM_SHARE_64, &s, EMAD0 + 24, 1,
			      FFA_INVALID_PARAMETERS);
	expect_patch_rejected(FFA_MEM_SHARE_64, &s, EMAD0 + 31, 0x80,
			      FFA_INVALID_PARAMETERS);
	mt_fini();
}

/* Old Linux left EMAD bytes 8..15 stale at v1.1 (ffa.md §7.2). */
TEST(send_v11_emad_with_stale_reserved_bytes_is_invalid)
{
	struct fx_opts o = { .version = FFA_VERSION_1_1 };
	struct mt_send s;

	mt_init_opts(&o);
	s = mt_desc(FFA_MEM_SHARE_64, FX_VM1, FX_SP1, MT_VM1_PA, 1);
	expect_patch_rejected(FFA_MEM_SHARE_64, &s, 48 + 9, 0x5A,
			      FFA_INVALID_PARAMETERS);
	mt_fini();
}

TEST(send_emad_receiver_flags_are_invalid)
{
	struct mt_send s;

	mt_init();
	s = mt_desc(FFA_MEM_SHARE_64, FX_VM1, FX_SP1, MT_VM1_PA, 1);
	expect_patch_rejected(FFA_MEM_SHARE_64, &s, EMAD0 + 3, 1,
			      FFA_INVALID_PARAMETERS);
	mt_fini();
}

TEST(send_composite_offset_zero_inside_emads_or_past_fragment_is_invalid)
{
	struct mt_send s;

	mt_init();
	s = mt_desc(FFA_MEM_SHARE_64, FX_VM1, FX_SP1, MT_VM1_PA, 1);
	expect_patch_rejected(FFA_MEM_SHARE_64, &s, EMAD0 + 4, 0,
			      FFA_INVALID_PARAMETERS);
	expect_patch_rejected(FFA_MEM_SHARE_64, &s, EMAD0 + 4, 64,
			      FFA_INVALID_PARAMETERS);
	expect_patch_rejected(FFA_MEM_SHARE_64, &s, EMAD0 + 4, 112,
			      FFA_INVALID_PARAMETERS);
	mt_fini();
}

TEST(send_composite_offsets_that_differ_are_invalid)
{
	struct mt_send s;

	mt_init();
	s = mt_desc(FFA_MEM_SHARE_64, FX_VM1, FX_SP1, MT_VM1_PA, 1);
	s.emad_count = 2;
	s.emads[1] = mt_emad(FX_SP2, FFA_PERM_DATA_RW);
	/* Second EMAD at 80: point it at 96 instead of 112. */
	expect_patch_rejected(FFA_MEM_SHARE_64, &s, 80 + 4, 96,
			      FFA_INVALID_PARAMETERS);
	mt_fini();
}

/* ---- step 5: flags ---------------------------------------------------- */

TEST(share_with_clear_flag_is_invalid)
{
	struct mt_send s;

	mt_init();
	s = mt_desc(FFA_MEM_SHARE_64, FX_VM1, FX_SP1, MT_VM1_PA, 1);
	s.flags = FFA_MEM_FLAG_CLEAR;
	expect_rejected(FFA_MEM_SHARE_64, &s, FFA_INVALID_PARAMETERS);
	mt_fini();
}

/* Hafnium ffa_validate_mbz: flags 0xffffffff for all three kinds. */
TEST(send_with_all_flags_set_is_invalid_for_every_kind)
{
	static const uint32_t fids[] = { FFA_MEM_SHARE_64, FFA_MEM_LEND_64,
					 FFA_MEM_DONATE_64 };
	struct mt_send s;
	unsigned int i = 0;

	mt_init();
	for (i = 0; i < 3; i++) {
		s = mt_desc(fids[i], FX_VM1, FX_SP1, MT_VM1_PA, 1);
		s.flags = 0xFFFFFFFFu;
		expect_rejected(fids[i], &s, FFA_INVALID_PARAMETERS);
		s.flags = 1u << 2;
		expect_rejected(fids[i], &s, FFA_INVALID_PARAMETERS);
	}
	mt_fini();
}

/* Time slicing (bit1) is accepted: our operations never need slicing. */
TEST(send_with_time_slice_flag_is_accepted)
{
	struct mt_send s;

	mt_init();
	s = mt_desc(FFA_MEM_LEND_64, FX_VM1, FX_SP1, MT_VM1_PA, 1);
	s.flags = FFA_MEM_FLAG_TIME_SLICE;
	mt_send_ok(FFA_MEM_LEND_64, &s);
	mt_fini();
}

TEST(donate_to_two_borrowers_is_invalid)
{
	struct mt_send s;

	mt_init();
	s = mt_desc(FFA_MEM_DONATE_64, FX_VM1, FX_SP1, MT_VM1_PA, 1);
	s.emad_count = 2;
	s.emads[1] = mt_emad(FX_SP2, 0);
	expect_rejected(FFA_MEM_DONATE_64, &s, FFA_INVALID_PARAMETERS);
	mt_fini();
}

/* ---- step 6: receivers and worlds ------------------------------------ */

TEST(send_to_unknown_receiver_is_invalid)
{
	struct mt_send s;

	mt_init();
	s = mt_desc(FFA_MEM_SHARE_64, FX_VM1, 0x8009, MT_VM1_PA, 1);
	expect_rejected(FFA_MEM_SHARE_64, &s, FFA_INVALID_PARAMETERS);
	mt_fini();
}

/* Hafnium {donate,lend,share}_to_self. */
TEST(send_to_self_is_invalid_for_every_kind)
{
	static const uint32_t fids[] = { FFA_MEM_SHARE_64, FFA_MEM_LEND_64,
					 FFA_MEM_DONATE_64 };
	struct mt_send s;
	unsigned int i = 0;

	mt_init();
	for (i = 0; i < 3; i++) {
		s = mt_desc(fids[i], FX_VM1, FX_VM1, MT_VM1_PA, 1);
		expect_rejected(fids[i], &s, FFA_INVALID_PARAMETERS);
	}
	mt_fini();
}

/* Hafnium as SPMC: SP -> VM anything is DENIED (invalid_from_sp). */
TEST(sp_send_to_vm_is_denied_for_every_kind)
{
	static const uint32_t fids[] = { FFA_MEM_SHARE_64, FFA_MEM_LEND_64,
					 FFA_MEM_DONATE_64 };
	struct mt_send s;
	struct ffa_regs r;
	unsigned int i = 0;

	mt_init();
	for (i = 0; i < 3; i++) {
		s = mt_desc(fids[i], FX_SP1, FX_VM1, MT_SP1_PA, 1);
		r = mt_send(fids[i], &s);
		ASSERT_FFA_ERROR(&r, FFA_DENIED);
	}
	ASSERT_EQ(mt_live(), 0);
	mt_share(FX_SP1, FX_SP2, MT_SP1_PA, 1);
	mt_fini();
}

TEST(vm_lend_or_donate_to_vm_is_denied)
{
	struct mt_send s;

	mt_init();
	s = mt_desc(FFA_MEM_LEND_64, FX_VM1, FX_VM2, MT_VM1_PA, 1);
	expect_rejected(FFA_MEM_LEND_64, &s, FFA_DENIED);
	s = mt_desc(FFA_MEM_DONATE_64, FX_VM1, FX_VM2, MT_VM1_PA, 1);
	expect_rejected(FFA_MEM_DONATE_64, &s, FFA_DENIED);
	/* A LEND naming an SP and a VM is still denied. */
	s = mt_desc(FFA_MEM_LEND_64, FX_VM1, FX_SP1, MT_VM1_PA, 1);
	s.attributes = FFA_MEM_ATTR_NORMAL_WB_IS;
	s.emad_count = 2;
	s.emads[1] = mt_emad(FX_VM2, FFA_PERM_DATA_RW);
	expect_rejected(FFA_MEM_LEND_64, &s, FFA_DENIED);
	mt_fini();
}

/* VM-only shares are the hypervisor's business, not the SPMC's. */
TEST(vm_share_to_vm_only_is_denied)
{
	struct mt_send s;

	mt_init();
	s = mt_desc(FFA_MEM_SHARE_64, FX_VM1, FX_VM2, MT_VM1_PA, 1);
	expect_rejected(FFA_MEM_SHARE_64, &s, FFA_DENIED);
	mt_fini();
}

/* Hafnium multiple borrowers: one receiver is the sender itself. */
TEST(send_with_the_sender_among_several_receivers_is_invalid)
{
	struct mt_send s;

	mt_init();
	s = mt_desc(FFA_MEM_SHARE_64, FX_VM1, FX_SP1, MT_VM1_PA, 1);
	s.emad_count = 2;
	s.emads[1] = mt_emad(FX_VM1, FFA_PERM_DATA_RW);
	expect_rejected(FFA_MEM_SHARE_64, &s, FFA_INVALID_PARAMETERS);
	mt_fini();
}

/* ---- step 7-9: lengths, sender --------------------------------------- */

TEST(send_length_not_multiple_of_16_is_invalid)
{
	struct mt_send s;
	struct ffa_regs r;
	uint32_t len = 0;

	mt_init();
	s = mt_desc(FFA_MEM_SHARE_64, FX_VM1, FX_SP1, MT_VM1_PA, 1);
	len = mt_put(&s);
	r = mt_call_send(FX_VM1, FFA_MEM_SHARE_64, len + 8, len + 8);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	r = mt_call_send(FX_VM1, FFA_MEM_SHARE_64, len + 16, len + 8);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	mt_assert_unchanged(0, FX_VM1, FX_SP1, MT_VM1_PA, 1);
	mt_fini();
}

/* The first fragment must hold header, one EMAD and the composite. */
TEST(first_fragment_without_composite_is_invalid)
{
	struct mt_send s;
	struct ffa_regs r;
	uint32_t len = 0;

	mt_init();
	s = mt_desc(FFA_MEM_SHARE_64, FX_VM1, FX_SP1, MT_VM1_PA, 1);
	len = mt_put(&s);
	r = mt_call_send(FX_VM1, FFA_MEM_SHARE_64, len, COMP);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	mt_assert_unchanged(0, FX_VM1, FX_SP1, MT_VM1_PA, 1);
	mt_fini();
}

/* ACS: sender != owner -> DENIED (step 8). */
TEST(send_with_foreign_sender_id_is_denied)
{
	struct mt_send s;
	struct ffa_regs r;
	uint32_t len = 0;

	mt_init();
	/* VM 1 names VM 2 as sender of VM 2's pages: impersonation. */
	s = mt_desc(FFA_MEM_SHARE_64, FX_VM2, FX_SP1, MT_VM2_PA, 1);
	len = mt_encode(&s, fx_tx(&fx, FX_VM1), MT_PAGE);
	r = mt_call_send(FX_VM1, FFA_MEM_SHARE_64, len, len);
	ASSERT_FFA_ERROR(&r, FFA_DENIED);
	mt_assert_unchanged(0, FX_VM2, FX_SP1, MT_VM2_PA, 1);
	mt_fini();
}

TEST(send_total_length_without_constituent_is_invalid)
{
	struct mt_send s;

	mt_init();
	s = mt_desc(FFA_MEM_SHARE_64, FX_VM1, FX_SP1, MT_VM1_PA, 1);
	s.cons_count = 0;
	expect_rejected(FFA_MEM_SHARE_64, &s, FFA_INVALID_PARAMETERS);
	mt_fini();
}

/* Composite at 88 (after 8 padding bytes): not 16-byte aligned. */
TEST(send_misaligned_composite_offset_is_invalid)
{
	struct mt_send s;
	struct ffa_regs r;
	uint8_t *tx = NULL;
	uint32_t len = 0;

	mt_init();
	s = mt_desc(FFA_MEM_SHARE_64, FX_VM1, FX_SP1, MT_VM1_PA, 1);
	len = mt_put(&s);
	tx = fx_tx(&fx, FX_VM1);
	memmove(tx + COMP + 8, tx + COMP, len - COMP);
	memset(tx + COMP, 0, 8);
	le32_put(tx + EMAD0 + 4, COMP + 8);
	r = mt_call_send(FX_VM1, FFA_MEM_SHARE_64, len + 16, len + 16);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	mt_assert_unchanged(0, FX_VM1, FX_SP1, MT_VM1_PA, 1);
	mt_fini();
}

TEST(send_total_length_not_matching_constituent_count_is_invalid)
{
	struct mt_send s;

	mt_init();
	s = mt_desc(FFA_MEM_SHARE_64, FX_VM1, FX_SP1, MT_VM1_PA, 1);
	expect_patch_rejected(FFA_MEM_SHARE_64, &s, COMP + 4, 2,
			      FFA_INVALID_PARAMETERS);
	mt_fini();
}

TEST(send_composite_reserved_is_invalid)
{
	struct mt_send s;

	mt_init();
	s = mt_desc(FFA_MEM_SHARE_64, FX_VM1, FX_SP1, MT_VM1_PA, 1);
	expect_patch_rejected(FFA_MEM_SHARE_64, &s, COMP + 12, 1,
			      FFA_INVALID_PARAMETERS);
	mt_fini();
}

/* ---- step 10: EMADs ---------------------------------------------------- */

TEST(send_repeated_receiver_is_invalid)
{
	struct mt_send s;

	mt_init();
	s = mt_desc(FFA_MEM_SHARE_64, FX_VM1, FX_SP1, MT_VM1_PA, 1);
	s.emad_count = 2;
	s.emads[1] = mt_emad(FX_SP1, FFA_PERM_DATA_RO);
	expect_rejected(FFA_MEM_SHARE_64, &s, FFA_INVALID_PARAMETERS);
	mt_fini();
}

/* Permission bits [7:4] MBZ, enforced strictly (ffa.md §7.3). */
TEST(send_permission_mbz_bits_are_invalid)
{
	struct mt_send s;

	mt_init();
	s = mt_desc(FFA_MEM_SHARE_64, FX_VM1, FX_SP1, MT_VM1_PA, 1);
	s.emads[0].perms = FFA_PERM_DATA_RW | 0x60;
	expect_rejected(FFA_MEM_SHARE_64, &s, FFA_INVALID_PARAMETERS);
	mt_fini();
}

TEST(send_reserved_permission_values_are_invalid)
{
	struct mt_send s;

	mt_init();
	s = mt_desc(FFA_MEM_SHARE_64, FX_VM1, FX_SP1, MT_VM1_PA, 1);
	s.emads[0].perms = FFA_PERM_DATA_RESERVED;
	expect_rejected(FFA_MEM_SHARE_64, &s, FFA_INVALID_PARAMETERS);
	s.emads[0].perms = FFA_PERM_DATA_RW | FFA_PERM_INSTR_RESERVED;
	expect_rejected(FFA_MEM_SHARE_64, &s, FFA_INVALID_PARAMETERS);
	mt_fini();
}

/* Hafnium permission matrix: the sender never names instruction access
 * (share X, share NX_RW, lend RW_X, lend RO_X). */
TEST(send_with_instruction_access_is_invalid)
{
	struct mt_send s;

	mt_init();
	s = mt_desc(FFA_MEM_SHARE_64, FX_VM1, FX_SP1, MT_VM1_PA, 1);
	s.emads[0].perms = FFA_PERM_DATA_RW | FFA_PERM_INSTR_X;
	expect_rejected(FFA_MEM_SHARE_64, &s, FFA_INVALID_PARAMETERS);
	s.emads[0].perms = FFA_PERM_DATA_RW | FFA_PERM_INSTR_NX;
	expect_rejected(FFA_MEM_SHARE_64, &s, FFA_INVALID_PARAMETERS);
	s = mt_desc(FFA_MEM_LEND_64, FX_VM1, FX_SP1, MT_VM1_PA, 1);
	s.emads[0].perms = FFA_PERM_DATA_RW | FFA_PERM_INSTR_X;
	expect_rejected(FFA_MEM_LEND_64, &s, FFA_INVALID_PARAMETERS);
	s.emads[0].perms = FFA_PERM_DATA_RO | FFA_PERM_INSTR_X;
	expect_rejected(FFA_MEM_LEND_64, &s, FFA_INVALID_PARAMETERS);
	mt_fini();
}

TEST(share_or_lend_without_data_access_is_invalid)
{
	struct mt_send s;

	mt_init();
	s = mt_desc(FFA_MEM_SHARE_64, FX_VM1, FX_SP1, MT_VM1_PA, 1);
	s.emads[0].perms = 0;
	expect_rejected(FFA_MEM_SHARE_64, &s, FFA_INVALID_PARAMETERS);
	s = mt_desc(FFA_MEM_LEND_64, FX_VM1, FX_SP1, MT_VM1_PA, 1);
	s.emads[0].perms = 0;
	expect_rejected(FFA_MEM_LEND_64, &s, FFA_INVALID_PARAMETERS);
	mt_fini();
}

TEST(donate_with_data_access_is_invalid)
{
	struct mt_send s;

	mt_init();
	s = mt_desc(FFA_MEM_DONATE_64, FX_VM1, FX_SP1, MT_VM1_PA, 1);
	s.emads[0].perms = FFA_PERM_DATA_RW;
	expect_rejected(FFA_MEM_DONATE_64, &s, FFA_INVALID_PARAMETERS);
	s.emads[0].perms = FFA_PERM_DATA_RO;
	expect_rejected(FFA_MEM_DONATE_64, &s, FFA_INVALID_PARAMETERS);
	mt_fini();
}

/* ---- step 11: attributes ----------------------------------------------- */

TEST(send_with_ns_bit_is_invalid)
{
	struct mt_send s;

	mt_init();
	s = mt_desc(FFA_MEM_SHARE_64, FX_VM1, FX_SP1, MT_VM1_PA, 1);
	s.attributes |= FFA_MEM_ATTR_NS;
	expect_rejected(FFA_MEM_SHARE_64, &s, FFA_INVALID_PARAMETERS);
	mt_fini();
}

TEST(donate_or_single_lend_with_memory_type_is_invalid)
{
	struct mt_send s;

	mt_init();
	s = mt_desc(FFA_MEM_LEND_64, FX_VM1, FX_SP1, MT_VM1_PA, 1);
	s.attributes = FFA_MEM_ATTR_NORMAL_WB_IS;
	expect_rejected(FFA_MEM_LEND_64, &s, FFA_INVALID_PARAMETERS);
	s = mt_desc(FFA_MEM_DONATE_64, FX_VM1, FX_SP1, MT_VM1_PA, 1);
	s.attributes = FFA_MEM_ATTR_TYPE_DEVICE;
	expect_rejected(FFA_MEM_DONATE_64, &s, FFA_INVALID_PARAMETERS);
	mt_fini();
}

/* ffa.md §7.1: Hafnium's tests send 0x0F; only the type field counts. */
TEST(lend_and_donate_with_attributes_0x0f_are_accepted)
{
	struct mt_send s;

	mt_init();
	s = mt_desc(FFA_MEM_LEND_64, FX_VM1, FX_SP1, MT_VM1_PA, 1);
	s.attributes = 0x0F;
	mt_send_ok(FFA_MEM_LEND_64, &s);
	s = mt_desc(FFA_MEM_DONATE_64, FX_VM1, FX_SP1, MT_VM1_PA + MT_PAGE, 1);
	s.attributes = 0x0F;
	mt_send_ok(FFA_MEM_DONATE_64, &s);
	mt_fini();
}

/* Hafnium ffa_validate_attributes: NC, non/outer shareable, device other
 * than nGnRnE -> DENIED for SHARE and multi-borrower LEND. */
TEST(share_with_non_wb_is_attributes_is_denied)
{
	static const uint16_t bad[] = {
		FFA_MEM_ATTR_TYPE_NORMAL | FFA_MEM_ATTR_NORMAL_NC |
			FFA_MEM_ATTR_INNER_SHAREABLE,
		FFA_MEM_ATTR_TYPE_NORMAL | FFA_MEM_ATTR_NORMAL_WB |
			FFA_MEM_ATTR_NON_SHAREABLE,
		FFA_MEM_ATTR_TYPE_NORMAL | FFA_MEM_ATTR_NORMAL_WB |
			FFA_MEM_ATTR_OUTER_SHAREABLE,
		FFA_MEM_ATTR_TYPE_DEVICE | FFA_MEM_ATTR_DEV_NGNRE |
			FFA_MEM_ATTR_INNER_SHAREABLE,
	};
	struct mt_send s;
	unsigned int i = 0;

	mt_init();
	for (i = 0; i < TZS_ARRAY_SIZE(bad); i++) {
		s = mt_desc(FFA_MEM_SHARE_64, FX_VM1, FX_SP1, MT_VM1_PA, 1);
		s.attributes = bad[i];
		expect_rejected(FFA_MEM_SHARE_64, &s, FFA_DENIED);
	}
	s = mt_desc(FFA_MEM_LEND_64, FX_VM1, FX_SP1, MT_VM1_PA, 1);
	s.emad_count = 2;
	s.emads[1] = mt_emad(FX_SP2, FFA_PERM_DATA_RW);
	s.attributes = bad[0];
	expect_rejected(FFA_MEM_LEND_64, &s, FFA_DENIED);
	s.attributes = FFA_MEM_ATTR_NORMAL_WB_IS;
	mt_send_ok(FFA_MEM_LEND_64, &s);
	mt_fini();
}

/* Deliberate strictness: memory type 3 is reserved. */
TEST(share_with_reserved_memory_type_is_invalid)
{
	struct mt_send s;

	mt_init();
	s = mt_desc(FFA_MEM_SHARE_64, FX_VM1, FX_SP1, MT_VM1_PA, 1);
	s.attributes = FFA_MEM_ATTR_TYPE_MASK | FFA_MEM_ATTR_NORMAL_WB |
		       FFA_MEM_ATTR_INNER_SHAREABLE;
	expect_rejected(FFA_MEM_SHARE_64, &s, FFA_INVALID_PARAMETERS);
	mt_fini();
}

/* ---- step 12: pool ---------------------------------------------------- */

TEST(send_when_pool_is_exhausted_is_no_memory)
{
	struct fx_opts o = { .cfg = { .max_mem_shares = 2,
				      .max_shares_per_sender = 2 } };
	struct mt_send s;
	struct ffa_regs r;
	uint64_t h = 0;

	mt_init_opts(&o);
	h = mt_share(FX_VM1, FX_SP1, MT_VM1_PA, 1);
	mt_share(FX_VM1, FX_SP1, MT_VM1_PA + MT_PAGE, 1);
	s = mt_desc(FFA_MEM_SHARE_64, FX_VM1, FX_SP1, MT_VM1_PA + 2 * MT_PAGE,
		    1);
	r = mt_send(FFA_MEM_SHARE_64, &s);
	ASSERT_FFA_ERROR(&r, FFA_NO_MEMORY);
	ASSERT_EQ(mt_live(), 2);
	ASSERT_EQ(mt_access(FX_VM1, MT_VM1_PA + 2 * MT_PAGE, MT_PAGE),
		  FFA_PERM_DATA_RW);
	r = mt_reclaim(FX_VM1, h, 0);
	ASSERT_FFA_SUCCESS(&r);
	mt_send_ok(FFA_MEM_SHARE_64, &s);
	mt_fini();
}

/* ---- step 13: constituents and page state ----------------------------- */

/* Hafnium give_and_get_back_unaligned: offsets 1, 2, 4, 8, 2K, 4K-1. */
TEST(send_unaligned_address_is_invalid)
{
	static const uint32_t offs[] = { 1, 2, 4, 8, 2048, 4095 };
	struct mt_send s;
	unsigned int i = 0;

	mt_init();
	for (i = 0; i < TZS_ARRAY_SIZE(offs); i++) {
		s = mt_desc(FFA_MEM_LEND_64, FX_VM1, FX_SP1,
			    MT_VM1_PA + offs[i], 1);
		expect_rejected(FFA_MEM_LEND_64, &s, FFA_INVALID_PARAMETERS);
	}
	mt_fini();
}

TEST(send_constituent_of_zero_pages_is_invalid)
{
	struct mt_send s;

	mt_init();
	s = mt_desc(FFA_MEM_SHARE_64, FX_VM1, FX_SP1, MT_VM1_PA, 1);
	s.cons_count = 2;
	s.cons[1] = mt_cons(MT_VM1_PA + 0x10000, 0);
	expect_rejected(FFA_MEM_SHARE_64, &s, FFA_INVALID_PARAMETERS);
	mt_fini();
}

/* Hafnium fail_inconsistent_page_count. */
TEST(send_page_count_not_matching_composite_is_invalid)
{
	struct mt_send s;

	mt_init();
	s = mt_desc(FFA_MEM_SHARE_64, FX_VM1, FX_SP1, MT_VM1_PA, 2);
	expect_patch_rejected(FFA_MEM_SHARE_64, &s, COMP, 3,
			      FFA_INVALID_PARAMETERS);
	expect_patch_rejected(FFA_MEM_SHARE_64, &s, COMP, 1,
			      FFA_INVALID_PARAMETERS);
	mt_fini();
}

/* Hafnium fail_page_overlap: the same page twice, or partial overlap. */
TEST(send_overlapping_constituents_is_invalid)
{
	struct mt_send s;

	mt_init();
	s = mt_desc(FFA_MEM_SHARE_64, FX_VM1, FX_SP1, MT_VM1_PA, 1);
	s.cons_count = 2;
	s.cons[1] = mt_cons(MT_VM1_PA, 1);
	expect_rejected(FFA_MEM_SHARE_64, &s, FFA_INVALID_PARAMETERS);
	s.cons[0] = mt_cons(MT_VM1_PA + 0x10000, 4);
	s.cons[1] = mt_cons(MT_VM1_PA + 0x12000, 4);
	expect_rejected(FFA_MEM_SHARE_64, &s, FFA_INVALID_PARAMETERS);
	/* Overlap hidden behind a merged run: [0,2)+[2,4) then [1,2). */
	s.cons_count = 3;
	s.cons[0] = mt_cons(MT_VM1_PA, 2);
	s.cons[1] = mt_cons(MT_VM1_PA + 2 * MT_PAGE, 2);
	s.cons[2] = mt_cons(MT_VM1_PA + MT_PAGE, 1);
	expect_rejected(FFA_MEM_SHARE_64, &s, FFA_INVALID_PARAMETERS);
	mt_fini();
}

/* page_count x 4K must not wrap the address space. */
TEST(send_constituent_address_overflow_is_invalid)
{
	struct mt_send s;

	mt_init();
	s = mt_desc(FFA_MEM_SHARE_64, FX_VM1, FX_SP1, 0xFFFFFFFFFFFFF000ull, 2);
	expect_rejected(FFA_MEM_SHARE_64, &s, FFA_INVALID_PARAMETERS);
	mt_fini();
}

TEST(send_constituent_reserved_is_invalid)
{
	struct mt_send s;

	mt_init();
	s = mt_desc(FFA_MEM_SHARE_64, FX_VM1, FX_SP1, MT_VM1_PA, 1);
	expect_patch_rejected(FFA_MEM_SHARE_64, &s, CONS + 12, 1,
			      FFA_INVALID_PARAMETERS);
	mt_fini();
}

/* donate/lend_invalid_source: memory of another endpoint. */
TEST(send_memory_of_another_endpoint_is_denied)
{
	struct mt_send s;

	mt_init();
	s = mt_desc(FFA_MEM_LEND_64, FX_VM1, FX_SP1, MT_VM2_PA, 1);
	expect_rejected(FFA_MEM_LEND_64, &s, FFA_DENIED);
	/* A range that starts in VM 1's memory and runs into VM 2's. */
	s = mt_desc(FFA_MEM_SHARE_64, FX_VM1, FX_SP1, FX_VM2_BASE - MT_PAGE, 2);
	expect_rejected(FFA_MEM_SHARE_64, &s, FFA_DENIED);
	/* An SP sending VM memory. */
	s = mt_desc(FFA_MEM_SHARE_64, FX_SP1, FX_SP2, MT_VM1_PA, 1);
	expect_rejected(FFA_MEM_SHARE_64, &s, FFA_DENIED);
	/* TF-A forbidden ranges: a VM lending an SP's memory to that SP. */
	s = mt_desc(FFA_MEM_LEND_64, FX_VM1, FX_SP1, MT_SP1_PA, 1);
	expect_rejected(FFA_MEM_LEND_64, &s, FFA_DENIED);
	mt_fini();
}

TEST(send_memory_outside_every_region_is_denied)
{
	struct mt_send s;

	mt_init();
	s = mt_desc(FFA_MEM_SHARE_64, FX_VM1, FX_SP1, 0x40000000ull, 1);
	expect_rejected(FFA_MEM_SHARE_64, &s, FFA_DENIED);
	mt_fini();
}

/* Hafnium share_twice/lend_twice/donate_twice: any page already in a
 * transaction -> DENIED (owner no longer Owner-EA). */
TEST(send_of_pages_already_in_a_transaction_is_denied)
{
	static const uint32_t fids[] = { FFA_MEM_SHARE_64, FFA_MEM_LEND_64,
					 FFA_MEM_DONATE_64 };
	struct mt_send s;
	struct ffa_regs r;
	unsigned int i = 0;

	mt_init();
	mt_lend(FX_VM1, FX_SP1, MT_VM1_PA + MT_PAGE, 2, 0);
	for (i = 0; i < 3; i++) {
		/* Whole range, a subset, and a superset. */
		s = mt_desc(fids[i], FX_VM1, FX_SP2, MT_VM1_PA + MT_PAGE, 2);
		r = mt_send(fids[i], &s);
		ASSERT_FFA_ERROR(&r, FFA_DENIED);
		s = mt_desc(fids[i], FX_VM1, FX_SP1, MT_VM1_PA + 2 * MT_PAGE,
			    1);
		r = mt_send(fids[i], &s);
		ASSERT_FFA_ERROR(&r, FFA_DENIED);
		s = mt_desc(fids[i], FX_VM1, FX_SP1, MT_VM1_PA, 4);
		r = mt_send(fids[i], &s);
		ASSERT_FFA_ERROR(&r, FFA_DENIED);
	}
	ASSERT_EQ(mt_live(), 1);
	/* The pages around the lent range are still free to use. */
	mt_share(FX_VM1, FX_SP1, MT_VM1_PA, 1);
	mt_fini();
}

TEST(send_of_pages_with_mixed_memory_types_is_denied)
{
	struct mt_send s;

	mt_init();
	s = mt_desc(FFA_MEM_LEND_64, FX_VM1, FX_SP1, MT_VM1_PA, 1);
	s.cons_count = 2;
	s.cons[1] = mt_cons(FX_DEV_BASE, 1);
	expect_rejected(FFA_MEM_LEND_64, &s, FFA_DENIED);
	mt_fini();
}

/* Secure memory never goes to the normal world (ffa.md §3.1). */
TEST(send_of_secure_memory_to_a_vm_is_denied)
{
	struct spmc_mem_region_config rc = {
		.base = 0x20000000ull,
		.page_count = 4,
		.owner = FX_VM1,
		.secure = true,
	};
	struct mt_send s;
	struct ffa_regs r;

	mt_init();
	ASSERT_EQ(spmc_mem_region_add(fx.spmc, &rc), FFA_OK);
	s = mt_desc(FFA_MEM_SHARE_64, FX_VM1, FX_SP1, rc.base, 1);
	s.emad_count = 2;
	s.emads[1] = mt_emad(FX_VM2, FFA_PERM_DATA_RO);
	r = mt_send(FFA_MEM_SHARE_64, &s);
	ASSERT_FFA_ERROR(&r, FFA_DENIED);
	ASSERT_EQ(mt_live(), 0);
	/* The same memory to an SP alone is fine. */
	s.emad_count = 1;
	mt_send_ok(FFA_MEM_SHARE_64, &s);
	mt_fini();
}

/* Device memory: only LEND to a single borrower (ffa.md §3.1). */
TEST(device_memory_can_only_be_lent_to_one_borrower)
{
	struct mt_send s;
	struct ffa_regs r;

	mt_init();
	s = mt_desc(FFA_MEM_SHARE_64, FX_VM1, FX_SP1, FX_DEV_BASE, 1);
	s.attributes = FFA_MEM_ATTR_TYPE_DEVICE | FFA_MEM_ATTR_DEV_NGNRNE |
		       FFA_MEM_ATTR_INNER_SHAREABLE;
	r = mt_send(FFA_MEM_SHARE_64, &s);
	ASSERT_FFA_ERROR(&r, FFA_DENIED);
	s = mt_desc(FFA_MEM_LEND_64, FX_VM1, FX_SP1, FX_DEV_BASE, 1);
	s.attributes = FFA_MEM_ATTR_TYPE_DEVICE | FFA_MEM_ATTR_DEV_NGNRNE |
		       FFA_MEM_ATTR_INNER_SHAREABLE;
	s.emad_count = 2;
	s.emads[1] = mt_emad(FX_SP2, FFA_PERM_DATA_RW);
	r = mt_send(FFA_MEM_LEND_64, &s);
	ASSERT_FFA_ERROR(&r, FFA_DENIED);
	s = mt_desc(FFA_MEM_DONATE_64, FX_VM1, FX_SP1, FX_DEV_BASE, 1);
	r = mt_send(FFA_MEM_DONATE_64, &s);
	ASSERT_FFA_ERROR(&r, FFA_DENIED);
	ASSERT_EQ(mt_live(), 0);
	mt_lend(FX_VM1, FX_SP1, FX_DEV_BASE, 1, 0);
	ASSERT_EQ(mt_live(), 1);
	mt_fini();
}

/* Hafnium SP<->SP device lend + reclaim (secure device memory). */
TEST(sp_can_lend_its_device_memory_to_an_sp_and_reclaim_it)
{
	struct spmc_mem_region_config rc = {
		.base = 0x0A000000ull,
		.page_count = 2,
		.owner = FX_SP1,
		.type = SPMC_MEM_DEVICE,
		.secure = true,
	};
	struct mt_req q;
	struct ffa_regs r;
	uint64_t h = 0;

	mt_init();
	ASSERT_EQ(spmc_mem_region_add(fx.spmc, &rc), FFA_OK);
	h = mt_lend(FX_SP1, FX_SP2, rc.base, 2, 0);
	q = mt_req(FX_SP1, FX_SP2, h, FFA_MEM_KIND_LEND);
	q.attributes = FFA_MEM_ATTR_TYPE_DEVICE | FFA_MEM_ATTR_DEV_NGNRNE |
		       FFA_MEM_ATTR_INNER_SHAREABLE;
	r = mt_retrieve_req(FX_SP2, &q);
	ASSERT_EQ(r.x[0], FFA_MEM_RETRIEVE_RESP);
	ASSERT_EQ(mt_access(FX_SP2, rc.base, 2 * MT_PAGE), FFA_PERM_DATA_RW);
	r = mt_relinquish(FX_SP2, h, 0);
	ASSERT_FFA_SUCCESS(&r);
	r = mt_reclaim(FX_SP1, h, 0);
	ASSERT_FFA_SUCCESS(&r);
	ASSERT_EQ(mt_access(FX_SP1, rc.base, 2 * MT_PAGE), FFA_PERM_DATA_RW);
	mt_fini();
}

/* Hafnium cannot_share_device_memory: device memory sent as Normal. */
TEST(device_memory_sent_as_normal_is_denied)
{
	struct mt_send s;
	struct ffa_regs r;

	mt_init();
	s = mt_desc(FFA_MEM_SHARE_64, FX_VM1, FX_SP1, FX_DEV_BASE, 1);
	r = mt_send(FFA_MEM_SHARE_64, &s);
	ASSERT_FFA_ERROR(&r, FFA_DENIED);
	ASSERT_EQ(mt_live(), 0);
	mt_fini();
}

/* Zero-before-retrieve clears the pages at send completion (§3.2). */
TEST(lend_and_donate_with_clear_flag_zero_the_pages)
{
	struct mt_send s;

	mt_init();
	mt_fill(MT_VM1_PA, 3, 0x5A);
	mt_lend(FX_VM1, FX_SP1, MT_VM1_PA, 2, FFA_MEM_FLAG_CLEAR);
	ASSERT_TRUE(mt_is_filled(MT_VM1_PA, 2, 0));
	ASSERT_TRUE(mt_is_filled(MT_VM1_PA + 2 * MT_PAGE, 1, 0x5A));
	mt_fill(MT_VM1_PA + 0x10000, 1, 0x33);
	s = mt_desc(FFA_MEM_DONATE_64, FX_VM1, FX_SP1, MT_VM1_PA + 0x10000, 1);
	s.flags = FFA_MEM_FLAG_CLEAR;
	mt_send_ok(FFA_MEM_DONATE_64, &s);
	ASSERT_TRUE(mt_is_filled(MT_VM1_PA + 0x10000, 1, 0));
	mt_fini();
}

/* A rejected send with the clear flag must not have zeroed anything. */
TEST(rejected_lend_with_clear_flag_leaves_memory_intact)
{
	struct mt_send s;
	struct ffa_regs r;

	mt_init();
	mt_fill(MT_VM1_PA, 1, 0x77);
	s = mt_desc(FFA_MEM_LEND_64, FX_VM1, FX_SP1, MT_VM1_PA, 1);
	s.flags = FFA_MEM_FLAG_CLEAR;
	s.cons_count = 2;
	s.cons[1] = mt_cons(MT_VM2_PA, 1);
	r = mt_send(FFA_MEM_LEND_64, &s);
	ASSERT_FFA_ERROR(&r, FFA_DENIED);
	ASSERT_TRUE(mt_is_filled(MT_VM1_PA, 1, 0x77));
	mt_fini();
}

/* An owner holding donated pages read-only cannot have them zeroed or
 * grant RW (Hafnium cannot_zero_ro_memory). */
TEST(lend_of_read_only_memory_with_clear_or_rw_is_denied)
{
	struct mt_req q;
	struct ffa_regs r;
	struct mt_send s;
	uint64_t h = 0;

	mt_init();
	h = mt_donate(FX_SP1, FX_SP2, MT_SP1_PA, 1);
	q = mt_req(FX_SP1, FX_SP2, h, FFA_MEM_KIND_DONATE);
	q.emads[0].perms = FFA_PERM_DATA_RO | FFA_PERM_INSTR_NX;
	r = mt_retrieve_req(FX_SP2, &q);
	ASSERT_EQ(r.x[0], FFA_MEM_RETRIEVE_RESP);
	ASSERT_EQ(spmc_page_owner(fx.spmc, MT_SP1_PA), FX_SP2);
	ASSERT_EQ(mt_access(FX_SP2, MT_SP1_PA, MT_PAGE), FFA_PERM_DATA_RO);
	s = mt_desc(FFA_MEM_LEND_64, FX_SP2, FX_SP1, MT_SP1_PA, 1);
	s.flags = FFA_MEM_FLAG_CLEAR;
	s.emads[0].perms = FFA_PERM_DATA_RO;
	r = mt_send(FFA_MEM_LEND_64, &s);
	ASSERT_FFA_ERROR(&r, FFA_DENIED);
	s.flags = 0;
	s.emads[0].perms = FFA_PERM_DATA_RW;
	r = mt_send(FFA_MEM_LEND_64, &s);
	ASSERT_FFA_ERROR(&r, FFA_DENIED);
	ASSERT_EQ(mt_live(), 0);
	s.emads[0].perms = FFA_PERM_DATA_RO;
	mt_send_ok(FFA_MEM_LEND_64, &s);
	mt_fini();
}

/* ---- versions -------------------------------------------------------- */

TEST(v10_caller_can_share_lend_and_donate)
{
	struct fx_opts o = { .version = FFA_VERSION_1_0 };

	mt_init_opts(&o);
	mt_share(FX_VM1, FX_SP1, MT_VM1_PA, 1);
	mt_lend(FX_VM1, FX_SP1, MT_VM1_PA + MT_PAGE, 1, FFA_MEM_FLAG_CLEAR);
	mt_donate(FX_VM1, FX_SP1, MT_VM1_PA + 2 * MT_PAGE, 1);
	ASSERT_EQ(mt_live(), 3);
	mt_fini();
}

/* v1.0 header: byte 3 and bytes 24..27 are reserved (ffa.md §2.1). */
TEST(v10_header_reserved_bytes_are_invalid)
{
	struct fx_opts o = { .version = FFA_VERSION_1_0 };
	struct mt_send s;

	mt_init_opts(&o);
	s = mt_desc(FFA_MEM_SHARE_64, FX_VM1, FX_SP1, MT_VM1_PA, 1);
	expect_patch_rejected(FFA_MEM_SHARE_64, &s, 3, 1,
			      FFA_INVALID_PARAMETERS);
	expect_patch_rejected(FFA_MEM_SHARE_64, &s, 24, 16,
			      FFA_INVALID_PARAMETERS);
	mt_fini();
}

/* A v1.0 descriptor must fit one 4K page even with a larger TX. */
TEST(v10_send_larger_than_4k_is_invalid)
{
	struct fx_opts o = { .version = FFA_VERSION_1_0, .no_mailboxes = true };
	struct ffa_regs r;

	mt_init_opts(&o);
	r = fx_call(&fx, FX_VM1, FFA_RXTX_MAP_64, FX_VM1_BASE,
		    FX_VM1_BASE + 0x4000, 2, 0, 0, 0, 0);
	ASSERT_FFA_SUCCESS(&r);
	r = mt_call_send(FX_VM1, FFA_MEM_SHARE_64, 0x2000, 0x1010);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	ASSERT_EQ(mt_live(), 0);
	mt_fini();
}

TEST(v11_caller_can_share_lend_and_donate)
{
	struct fx_opts o = { .version = FFA_VERSION_1_1 };

	mt_init_opts(&o);
	mt_share(FX_VM1, FX_SP1, MT_VM1_PA, 1);
	mt_lend(FX_VM1, FX_SP1, MT_VM1_PA + MT_PAGE, 1, 0);
	mt_donate(FX_VM1, FX_SP1, MT_VM1_PA + 2 * MT_PAGE, 1);
	ASSERT_EQ(mt_live(), 3);
	mt_fini();
}
