// SPDX-License-Identifier: BSD-2-Clause
/* core/ffa/relinquish.c: FFA_MEM_RELINQUISH descriptor (ffa.md §2.8). */
#include "test.h"

#include <tzshare/ffa.h>
#include <tzshare/lib.h>

static int decode_exact(const uint8_t *img, size_t len,
			struct ffa_relinquish *r)
{
	uint8_t *p = malloc(len ? len : 1);
	int rc = 0;

	ASSERT_TRUE(p != NULL);
	memcpy(p, img, len);
	rc = ffa_relinquish_decode(p, len, r);
	free(p);
	return rc;
}

/* Header for @count endpoints followed by IDs 0x8001, 0x8002, ... */
static size_t image(uint8_t *img, uint32_t count, uint32_t ids)
{
	uint32_t i = 0;

	memset(img, 0, 16);
	le64_put(img, 0x3);
	le32_put(img + 12, count);
	for (i = 0; i < ids; i++) {
		le16_put(img + 16 + 2 * i, (uint16_t)(0x8001 + i));
	}
	return 16 + 2 * ids;
}

TEST(relinquish_decode_rejects_every_length_below_the_header)
{
	uint8_t img[18];
	struct ffa_relinquish r = { 0 };
	size_t len = 0;

	image(img, 0, 1);
	for (len = 0; len < 16; len++) {
		ASSERT_EQ(decode_exact(img, len, &r), FFA_INVALID_PARAMETERS);
	}
	/* Count 0 is structurally fine; the SPMC rejects it. */
	ASSERT_EQ(decode_exact(img, 16, &r), FFA_OK);
	ASSERT_EQ(r.endpoint_count, 0);
}

TEST(relinquish_decode_rejects_endpoint_list_past_the_end)
{
	uint8_t img[20];
	struct ffa_relinquish r = { 0 };

	image(img, 2, 2);
	ASSERT_EQ(decode_exact(img, 18, &r), FFA_INVALID_PARAMETERS);
	ASSERT_EQ(decode_exact(img, 19, &r), FFA_INVALID_PARAMETERS);
	ASSERT_EQ(decode_exact(img, 20, &r), FFA_OK);
	ASSERT_EQ(r.endpoint_count, 2);
	ASSERT_EQ(r.endpoints[1], 0x8002);
}

TEST(relinquish_decode_rejects_huge_endpoint_count)
{
	uint8_t img[32];
	struct ffa_relinquish r = { 0 };

	image(img, UINT32_MAX, 8);
	ASSERT_EQ(decode_exact(img, sizeof(img), &r), FFA_INVALID_PARAMETERS);
	image(img, 0x80000000u, 8);
	ASSERT_EQ(decode_exact(img, sizeof(img), &r), FFA_INVALID_PARAMETERS);
}

TEST(relinquish_decode_keeps_first_8_ids_and_the_real_count)
{
	uint8_t img[16 + 2 * 10];
	struct ffa_relinquish r = { 0 };
	uint32_t i = 0;

	image(img, 10, 10);
	ASSERT_EQ(decode_exact(img, sizeof(img), &r), FFA_OK);
	ASSERT_EQ(r.endpoint_count, 10);
	for (i = 0; i < 8; i++) {
		ASSERT_EQ(r.endpoints[i], 0x8001 + i);
	}
}

TEST(relinquish_decode_clears_unused_id_slots)
{
	uint8_t img[18];
	struct ffa_relinquish r;
	uint32_t i = 0;

	memset(&r, 0xff, sizeof(r));
	image(img, 1, 1);
	ASSERT_EQ(decode_exact(img, sizeof(img), &r), FFA_OK);
	ASSERT_EQ(r.handle, 3);
	ASSERT_EQ(r.flags, 0);
	ASSERT_EQ(r.endpoints[0], 0x8001);
	for (i = 1; i < 8; i++) {
		ASSERT_EQ(r.endpoints[i], 0);
	}
}

TEST(relinquish_encode_writes_16_plus_2_bytes_per_endpoint)
{
	struct ffa_relinquish r = { .handle = 0x8000000000000007ull,
				    .flags = FFA_MEM_RELINQUISH_FLAG_CLEAR,
				    .endpoint_count = 3,
				    .endpoints = { 0x8001, 0x8002, 0x8003 } };
	struct ffa_relinquish back = { 0 };
	uint8_t buf[32];

	memset(buf, 0xee, sizeof(buf));
	ASSERT_EQ(ffa_relinquish_encode(buf, sizeof(buf), &r), 22);
	ASSERT_EQ(buf[22], 0xee);
	ASSERT_EQ(ffa_relinquish_decode(buf, 22, &back), FFA_OK);
	ASSERT_EQ(back.handle, r.handle);
	ASSERT_EQ(back.flags, r.flags);
	ASSERT_EQ(back.endpoint_count, 3);
	ASSERT_EQ(back.endpoints[2], 0x8003);
}

TEST(relinquish_encode_rejects_small_cap)
{
	struct ffa_relinquish r = { .handle = 3,
				    .endpoint_count = 1,
				    .endpoints = { 0x8001 } };
	uint8_t buf[18];

	memset(buf, 0x5a, sizeof(buf));
	ASSERT_EQ(ffa_relinquish_encode(buf, 17, &r), 0);
	ASSERT_EQ(ffa_relinquish_encode(buf, 0, &r), 0);
	ASSERT_EQ(buf[0], 0x5a);
	ASSERT_EQ(ffa_relinquish_encode(buf, 18, &r), 18);
}

TEST(relinquish_encode_rejects_more_ids_than_the_struct_holds)
{
	struct ffa_relinquish r = { .endpoint_count = 9 };
	uint8_t buf[64];

	ASSERT_EQ(ffa_relinquish_encode(buf, sizeof(buf), &r), 0);
	r.endpoint_count = UINT32_MAX;
	ASSERT_EQ(ffa_relinquish_encode(buf, sizeof(buf), &r), 0);
	r.endpoint_count = 8;
	ASSERT_EQ(ffa_relinquish_encode(buf, sizeof(buf), &r), 32);
}
