// SPDX-License-Identifier: BSD-2-Clause
/* core/ffa/msg_send2.c: FFA_MSG_SEND2 header (ffa.md §2.10, §7 item 7). */
#include "test.h"

#include <tzshare/ffa.h>
#include <tzshare/lib.h>

static int decode_exact(const uint8_t *img, size_t len,
			struct ffa_msg_send2_hdr *h)
{
	uint8_t *p = malloc(len ? len : 1);
	int rc = 0;

	ASSERT_TRUE(p != NULL);
	memcpy(p, img, len);
	rc = ffa_msg_send2_hdr_decode(p, len, h);
	free(p);
	return rc;
}

/* A header with payload offset @off and a UUID of 0x11 bytes at 24. */
static void image(uint8_t *img, uint32_t off)
{
	memset(img, 0, 64);
	le32_put(img + 8, off);
	le16_put(img + 12, 0x8001);
	le16_put(img + 14, 0x0001);
	le32_put(img + 16, 12);
	memset(img + 24, 0x11, 16);
}

TEST(msg_send2_decode_rejects_every_length_below_20)
{
	uint8_t img[64];
	struct ffa_msg_send2_hdr h = { 0 };
	size_t len = 0;

	image(img, 20);
	for (len = 0; len < 20; len++) {
		ASSERT_EQ(decode_exact(img, len, &h), FFA_INVALID_PARAMETERS);
	}
	ASSERT_EQ(decode_exact(img, 20, &h), FFA_OK);
}

TEST(msg_send2_payload_offset_below_40_selects_the_20_byte_layout)
{
	/* Hafnium at v1.1: payload right after a 20-byte header. */
	uint8_t img[64];
	struct ffa_msg_send2_hdr h;

	image(img, 20);
	memset(&h, 0xff, sizeof(h));
	ASSERT_EQ(decode_exact(img, 64, &h), FFA_OK);
	ASSERT_FALSE(h.has_uuid);
	ASSERT_EQ(h.reserved2, 0);
	ASSERT_TRUE(ffa_uuid_is_nil(h.uuid));
	ASSERT_EQ(h.payload_offset, 20);
	image(img, 39);
	ASSERT_EQ(decode_exact(img, 64, &h), FFA_OK);
	ASSERT_FALSE(h.has_uuid);
}

TEST(msg_send2_short_buffer_selects_the_20_byte_layout)
{
	uint8_t img[64];
	struct ffa_msg_send2_hdr h = { 0 };
	size_t len = 0;

	image(img, 40);
	for (len = 20; len < 40; len++) {
		ASSERT_EQ(decode_exact(img, len, &h), FFA_OK);
		ASSERT_FALSE(h.has_uuid);
		ASSERT_EQ(h.payload_offset, 40);
	}
}

TEST(msg_send2_payload_offset_of_40_or_more_selects_the_40_byte_layout)
{
	/* Linux writes the 40-byte header at every version >= v1.1. */
	uint8_t img[64];
	uint8_t want[16];
	struct ffa_msg_send2_hdr h = { 0 };

	memset(want, 0x11, sizeof(want));
	image(img, 40);
	le32_put(img + 20, 0xdeadbeef);
	ASSERT_EQ(decode_exact(img, 40, &h), FFA_OK);
	ASSERT_TRUE(h.has_uuid);
	ASSERT_EQ(h.reserved2, 0xdeadbeef);
	ASSERT_MEM_EQ(h.uuid, want, 16);
	ASSERT_EQ(h.receiver, 0x8001);
	ASSERT_EQ(h.sender, 0x0001);
	ASSERT_EQ(h.payload_size, 12);
	image(img, UINT32_MAX);
	ASSERT_EQ(decode_exact(img, 64, &h), FFA_OK);
	ASSERT_TRUE(h.has_uuid);
	ASSERT_EQ(h.payload_offset, UINT32_MAX);
}

TEST(msg_send2_decode_reports_reserved_fields_as_sent)
{
	uint8_t img[64];
	struct ffa_msg_send2_hdr h = { 0 };

	image(img, 20);
	le32_put(img + 0, 0x2);
	le32_put(img + 4, 0x5a5a5a5a);
	ASSERT_EQ(decode_exact(img, 20, &h), FFA_OK);
	ASSERT_EQ(h.flags, 0x2);
	ASSERT_EQ(h.reserved, 0x5a5a5a5a);
}

TEST(msg_send2_encode_accepts_only_20_and_40_byte_headers)
{
	struct ffa_msg_send2_hdr h = { .payload_offset = 40 };
	uint8_t buf[64];

	ASSERT_EQ(ffa_msg_send2_hdr_encode(buf, sizeof(buf), 0, &h), 0);
	ASSERT_EQ(ffa_msg_send2_hdr_encode(buf, sizeof(buf), 24, &h), 0);
	ASSERT_EQ(ffa_msg_send2_hdr_encode(buf, sizeof(buf), 48, &h), 0);
	ASSERT_EQ(ffa_msg_send2_hdr_encode(buf, sizeof(buf), 20, &h), 20);
	ASSERT_EQ(ffa_msg_send2_hdr_encode(buf, sizeof(buf), 40, &h), 40);
}

TEST(msg_send2_encode_rejects_small_cap)
{
	struct ffa_msg_send2_hdr h = { .payload_offset = 40 };
	uint8_t buf[40];

	memset(buf, 0x5a, sizeof(buf));
	ASSERT_EQ(ffa_msg_send2_hdr_encode(buf, 19, 20, &h), 0);
	ASSERT_EQ(ffa_msg_send2_hdr_encode(buf, 39, 40, &h), 0);
	ASSERT_EQ(buf[0], 0x5a);
}

TEST(msg_send2_encode_writes_reserved_fields_as_zero)
{
	struct ffa_msg_send2_hdr h = { .flags = 0x2,
				       .reserved = UINT32_MAX,
				       .payload_offset = 40,
				       .receiver = 0x8002,
				       .sender = 0x0002,
				       .payload_size = 100,
				       .reserved2 = UINT32_MAX,
				       .uuid = { 9 },
				       .has_uuid = true };
	struct ffa_msg_send2_hdr back = { 0 };
	uint8_t buf[48];

	memset(buf, 0xff, sizeof(buf));
	ASSERT_EQ(ffa_msg_send2_hdr_encode(buf, sizeof(buf), 40, &h), 40);
	ASSERT_EQ(le32_get(buf + 4), 0);
	ASSERT_EQ(le32_get(buf + 20), 0);
	ASSERT_EQ(buf[40], 0xff);
	ASSERT_EQ(ffa_msg_send2_hdr_decode(buf, 40, &back), FFA_OK);
	ASSERT_EQ(back.flags, 0x2);
	ASSERT_EQ(back.payload_size, 100);
	ASSERT_EQ(back.receiver, 0x8002);
	ASSERT_EQ(back.sender, 0x0002);
	ASSERT_EQ(back.uuid[0], 9);
	ASSERT_TRUE(back.has_uuid);
}
