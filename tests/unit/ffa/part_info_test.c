// SPDX-License-Identifier: BSD-2-Clause
/* core/ffa/part_info.c: partition information descriptors (ffa.md §2.9). */
#include "test.h"

#include <tzshare/ffa.h>
#include <tzshare/lib.h>

static const struct ffa_partition_info sp1 = {
	.id = 0x8001,
	.exec_count = 2,
	.props = FFA_PART_PROP_DIRECT_REQ_RECV | FFA_PART_PROP_AARCH64,
	.uuid = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 },
};

static int decode_exact(const uint8_t *img, size_t len, size_t desc_size,
			struct ffa_partition_info *info)
{
	uint8_t *p = malloc(len ? len : 1);
	int rc = 0;

	ASSERT_TRUE(p != NULL);
	memcpy(p, img, len);
	rc = ffa_partition_info_decode(p, len, desc_size, info);
	free(p);
	return rc;
}

TEST(partition_info_encode_accepts_only_8_and_24_byte_layouts)
{
	static const size_t bad[] = { 0, 7, 9, 16, 23, 25, 48 };
	uint8_t buf[64];
	size_t i = 0;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ASSERT_EQ(ffa_partition_info_encode(buf, sizeof(buf), bad[i],
						    &sp1),
			  0);
	}
	ASSERT_EQ(ffa_partition_info_encode(buf, sizeof(buf), 8, &sp1), 8);
	ASSERT_EQ(ffa_partition_info_encode(buf, sizeof(buf), 24, &sp1), 24);
}

TEST(partition_info_encode_rejects_small_cap)
{
	uint8_t buf[24];

	memset(buf, 0x5a, sizeof(buf));
	ASSERT_EQ(ffa_partition_info_encode(buf, 7, 8, &sp1), 0);
	ASSERT_EQ(ffa_partition_info_encode(buf, 23, 24, &sp1), 0);
	ASSERT_EQ(buf[0], 0x5a);
}

TEST(partition_info_v1_0_descriptor_has_no_uuid)
{
	struct ffa_partition_info back;
	uint8_t buf[32];

	memset(buf, 0xee, sizeof(buf));
	ASSERT_EQ(ffa_partition_info_encode(buf, sizeof(buf), 8, &sp1), 8);
	ASSERT_EQ(buf[8], 0xee);
	memset(&back, 0xff, sizeof(back));
	ASSERT_EQ(decode_exact(buf, 8, 8, &back), FFA_OK);
	ASSERT_EQ(back.id, sp1.id);
	ASSERT_EQ(back.exec_count, sp1.exec_count);
	ASSERT_EQ(back.props, sp1.props);
	ASSERT_TRUE(ffa_uuid_is_nil(back.uuid));
}

TEST(partition_info_decode_rejects_sizes_between_8_and_24)
{
	uint8_t img[48] = { 0 };
	struct ffa_partition_info p = { 0 };
	size_t size = 0;

	for (size = 0; size < 24; size++) {
		if (size == 8) {
			continue;
		}
		ASSERT_EQ(decode_exact(img, sizeof(img), size, &p),
			  FFA_INVALID_PARAMETERS);
	}
}

TEST(partition_info_decode_rejects_buffer_shorter_than_desc_size)
{
	uint8_t img[48] = { 0 };
	struct ffa_partition_info p = { 0 };

	ASSERT_EQ(decode_exact(img, 7, 8, &p), FFA_INVALID_PARAMETERS);
	ASSERT_EQ(decode_exact(img, 23, 24, &p), FFA_INVALID_PARAMETERS);
	/* A 48-byte descriptor must be whole even though 24 are read. */
	ASSERT_EQ(decode_exact(img, 47, 48, &p), FFA_INVALID_PARAMETERS);
	ASSERT_EQ(decode_exact(img, 0, 24, &p), FFA_INVALID_PARAMETERS);
}

TEST(partition_info_decode_of_48_byte_descriptor_ignores_the_tail)
{
	/* Current Hafnium's extended descriptor (ffa.md 7, item 4). */
	uint8_t img[48];
	struct ffa_partition_info p = { 0 };

	memset(img, 0xab, sizeof(img));
	ASSERT_EQ(ffa_partition_info_encode(img, sizeof(img), 24, &sp1), 24);
	ASSERT_EQ(decode_exact(img, 48, 48, &p), FFA_OK);
	ASSERT_EQ(p.id, 0x8001);
	ASSERT_EQ(p.props, sp1.props);
	ASSERT_MEM_EQ(p.uuid, sp1.uuid, 16);
}
