// SPDX-License-Identifier: BSD-2-Clause
/* Tests of core/spmc/part_info.c. */
#include <tzshare/ffa.h>
#include <tzshare/lib.h>
#include <tzshare/spmc.h>

#include "spmc_fixture.h"
#include "test.h"

static struct fx fx;

static struct ffa_regs info_get(uint16_t ep, const uint8_t *uuid,
				uint32_t flags)
{
	uint32_t w[4] = { 0, 0, 0, 0 };

	if (uuid) {
		ffa_uuid_to_w4(uuid, w);
	}
	return fx_call(&fx, ep, FFA_PARTITION_INFO_GET, w[0], w[1], w[2], w[3],
		       flags, 0, 0);
}

/* Nil UUID: one descriptor per (SP, UUID); SP1 and SP2 have two each. */
TEST(info_get_nil_uuid_lists_every_sp_service)
{
	struct ffa_partition_info info;
	struct ffa_regs r;

	fx_init(&fx, NULL);
	r = info_get(FX_VM1, NULL, 0);
	ASSERT_FFA_SUCCESS(&r);
	ASSERT_EQ(r.x[2], 4);
	ASSERT_EQ(r.x[3], FFA_PART_INFO_SIZE);
	ASSERT_EQ(ffa_partition_info_decode(fx_rx(&fx, FX_VM1), 24, 24, &info),
		  FFA_OK);
	ASSERT_EQ(info.id, FX_SP1);
	ASSERT_EQ(info.exec_count, 2);
	ASSERT_MEM_EQ(info.uuid, FX_UUID_A, 16);
	ASSERT_EQ(ffa_partition_info_decode(fx_rx(&fx, FX_VM1) + 72, 24, 24,
					    &info),
		  FFA_OK);
	ASSERT_EQ(info.id, FX_SP2);
	ASSERT_MEM_EQ(info.uuid, FX_UUID_SHARED, 16);
	fx_fini(&fx);
}

TEST(info_get_by_uuid_returns_matching_partitions)
{
	struct ffa_partition_info info;
	struct ffa_regs r;

	fx_init(&fx, NULL);
	r = info_get(FX_VM1, FX_UUID_B, 0);
	ASSERT_FFA_SUCCESS(&r);
	ASSERT_EQ(r.x[2], 1);
	ASSERT_EQ(ffa_partition_info_decode(fx_rx(&fx, FX_VM1), 24, 24, &info),
		  FFA_OK);
	ASSERT_EQ(info.id, FX_SP2);
	ASSERT_TRUE(info.props & FFA_PART_PROP_DIRECT_REQ2_RECV);
	ASSERT_EQ(
		fx_call(&fx, FX_VM1, FFA_RX_RELEASE, 0, 0, 0, 0, 0, 0, 0).x[0],
		FFA_SUCCESS_32);
	r = info_get(FX_VM1, FX_UUID_SHARED, 0);
	ASSERT_FFA_SUCCESS(&r);
	ASSERT_EQ(r.x[2], 2);
	fx_fini(&fx);
}

/* The tail of RX past the descriptors is zeroed (no stale data leak). */
TEST(info_get_zeroes_rest_of_rx)
{
	struct ffa_regs r;
	uint8_t *rx = NULL;

	fx_init(&fx, NULL);
	rx = fx_rx(&fx, FX_VM1);
	memset(rx, 0xA5, 4096);
	r = info_get(FX_VM1, FX_UUID_A, 0);
	ASSERT_FFA_SUCCESS(&r);
	ASSERT_TRUE(tzs_is_zero(rx + 24, 4096 - 24));
	fx_fini(&fx);
}

TEST(info_get_count_only_does_not_touch_rx)
{
	struct ffa_regs r;

	fx_init(&fx, NULL);
	memset(fx_rx(&fx, FX_VM1), 0x5A, 64);
	r = info_get(FX_VM1, NULL, FFA_PARTITION_INFO_FLAG_COUNT_ONLY);
	ASSERT_FFA_SUCCESS(&r);
	ASSERT_EQ(r.x[2], 4);
	ASSERT_EQ(fx_rx(&fx, FX_VM1)[0], 0x5A);
	/* RX stays the SPMC's: release is refused. */
	r = fx_call(&fx, FX_VM1, FFA_RX_RELEASE, 0, 0, 0, 0, 0, 0, 0);
	ASSERT_FFA_ERROR(&r, FFA_DENIED);
	fx_fini(&fx);
}

TEST(info_get_unknown_uuid_is_invalid)
{
	static const uint8_t nobody[16] = { 1, 2, 3 };
	struct ffa_regs r;

	fx_init(&fx, NULL);
	r = info_get(FX_VM1, nobody, 0);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	fx_fini(&fx);
}

TEST(info_get_reserved_flags_are_invalid)
{
	struct ffa_regs r;

	fx_init(&fx, NULL);
	r = info_get(FX_VM1, NULL, 0x2);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	fx_fini(&fx);
}

TEST(info_get_without_mailbox_is_denied)
{
	struct fx_opts o = { .no_mailboxes = true };
	struct ffa_regs r;

	fx_init(&fx, &o);
	r = info_get(FX_VM1, NULL, 0);
	ASSERT_FFA_ERROR(&r, FFA_DENIED);
	/* Count-only needs no mailbox. */
	r = info_get(FX_VM1, NULL, FFA_PARTITION_INFO_FLAG_COUNT_ONLY);
	ASSERT_FFA_SUCCESS(&r);
	fx_fini(&fx);
}

/* A v1.0 caller gets 8-byte descriptors and w3 = 0. */
TEST(info_get_v1_0_caller_gets_8_byte_descriptors)
{
	struct fx_opts o = { .version = FFA_VERSION_1_0 };
	struct ffa_partition_info info;
	struct ffa_regs r;

	fx_init(&fx, &o);
	r = info_get(FX_VM1, FX_UUID_A, 0);
	ASSERT_FFA_SUCCESS(&r);
	ASSERT_EQ(r.x[2], 1);
	ASSERT_EQ(r.x[3], 0);
	ASSERT_EQ(ffa_partition_info_decode(fx_rx(&fx, FX_VM1), 8, 8, &info),
		  FFA_OK);
	ASSERT_EQ(info.id, FX_SP1);
	/* Only v1.0 property bits are visible. */
	ASSERT_EQ(info.props & ~0x7u, 0);
	ASSERT_TRUE(tzs_is_zero(fx_rx(&fx, FX_VM1) + 8, 64));
	fx_fini(&fx);
}

/* The Linux register image (testdata linux_partition_info_get_regs_in)
 * packs the UUID as four LE words; the bus UUID is FX_UUID_SHARED. */
TEST(info_get_accepts_linux_uuid_register_packing)
{
	struct ffa_regs r;

	fx_init(&fx, NULL);
	r = fx_call(&fx, FX_VM1, FFA_PARTITION_INFO_GET, 0xb52860c6u,
		    0xa14a9824u, 0xda77e79du, 0xf0ab2261u, 0, 0, 0);
	ASSERT_FFA_SUCCESS(&r);
	ASSERT_EQ(r.x[2], 2);
	fx_fini(&fx);
}

TEST(info_get_regs_returns_descriptors_in_registers)
{
	struct ffa_regs r;
	uint64_t ux[2];

	fx_init(&fx, NULL);
	r = fx_call(&fx, FX_VM1, FFA_PARTITION_INFO_GET_REGS, 0, 0, 0, 0, 0, 0,
		    0);
	ASSERT_EQ(r.x[0], FFA_SUCCESS_64);
	ASSERT_EQ(r.x[2] & 0xFFFF, 3); /* last index */
	ASSERT_EQ((r.x[2] >> 16) & 0xFFFF, 3); /* current index */
	ASSERT_EQ(r.x[2] >> 48, 24); /* descriptor size */
	ASSERT_EQ(r.x[3] & 0xFFFF, FX_SP1);
	ASSERT_EQ((r.x[3] >> 16) & 0xFFFF, 2);
	ffa_uuid_to_x2(FX_UUID_A, ux);
	ASSERT_EQ(r.x[4], ux[0]);
	ASSERT_EQ(r.x[5], ux[1]);
	ASSERT_EQ(r.x[12] & 0xFFFF, FX_SP2);
	fx_fini(&fx);
}

TEST(info_get_regs_start_index_past_end_is_invalid)
{
	struct ffa_regs r;

	fx_init(&fx, NULL);
	r = fx_call(&fx, FX_VM1, FFA_PARTITION_INFO_GET_REGS, 0, 0, 4, 0, 0, 0,
		    0);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	r = fx_call(&fx, FX_VM1, FFA_PARTITION_INFO_GET_REGS, 0, 0, 3, 0, 0, 0,
		    0);
	ASSERT_EQ(r.x[0], FFA_SUCCESS_64);
	ASSERT_EQ(r.x[3] & 0xFFFF, FX_SP2);
	fx_fini(&fx);
}

TEST(info_get_regs_nonzero_tag_is_invalid)
{
	struct ffa_regs r;

	fx_init(&fx, NULL);
	r = fx_call(&fx, FX_VM1, FFA_PARTITION_INFO_GET_REGS, 0, 0, 1u << 16, 0,
		    0, 0, 0);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	fx_fini(&fx);
}

TEST(info_get_regs_from_v1_1_caller_is_not_supported)
{
	struct fx_opts o = { .version = FFA_VERSION_1_1 };
	struct ffa_regs r;

	fx_init(&fx, &o);
	r = fx_call(&fx, FX_VM1, FFA_PARTITION_INFO_GET_REGS, 0, 0, 0, 0, 0, 0,
		    0);
	ASSERT_FFA_ERROR(&r, FFA_NOT_SUPPORTED);
	fx_fini(&fx);
}
