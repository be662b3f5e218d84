// SPDX-License-Identifier: BSD-2-Clause
/* core/ffa/uuid.c: UUIDs in FF-A registers (ffa.md §2.9). */
#include "test.h"

#include <tzshare/ffa.h>

static const uint8_t uuid_seq[16] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55,
				      0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb,
				      0xcc, 0xdd, 0xee, 0xff };

TEST(uuid_w4_and_x2_forms_agree)
{
	/* PARTITION_INFO_GET_REGS: x1 = w2 << 32 | w1 (testdata README). */
	uint32_t w[4] = { 0 };
	uint64_t x[2] = { 0 };

	ffa_uuid_to_w4(uuid_seq, w);
	ffa_uuid_to_x2(uuid_seq, x);
	ASSERT_EQ(w[0], 0x33221100);
	ASSERT_EQ(w[3], 0xffeeddcc);
	ASSERT_EQ(x[0], (uint64_t)w[1] << 32 | w[0]);
	ASSERT_EQ(x[1], (uint64_t)w[3] << 32 | w[2]);
}

TEST(uuid_round_trips_through_both_register_forms)
{
	uint32_t w[4] = { 0 };
	uint64_t x[2] = { 0 };
	uint8_t a[16], b[16];

	memset(a, 0, sizeof(a));
	memset(b, 0, sizeof(b));
	ffa_uuid_to_w4(uuid_seq, w);
	ffa_uuid_from_w4(w, a);
	ASSERT_MEM_EQ(a, uuid_seq, 16);
	ffa_uuid_to_x2(uuid_seq, x);
	ffa_uuid_from_x2(x, b);
	ASSERT_MEM_EQ(b, uuid_seq, 16);
}

TEST(uuid_is_nil_only_when_all_16_bytes_are_zero)
{
	uint8_t u[16];
	size_t i = 0;

	memset(u, 0, sizeof(u));
	ASSERT_TRUE(ffa_uuid_is_nil(u));
	for (i = 0; i < 16; i++) {
		memset(u, 0, sizeof(u));
		u[i] = 0x80;
		ASSERT_FALSE(ffa_uuid_is_nil(u));
	}
	ASSERT_FALSE(ffa_uuid_is_nil(uuid_seq));
}
