// SPDX-License-Identifier: BSD-2-Clause
/*
 * Every FF-A descriptor layout (ffa.md §2) against a byte image written by
 * hand from the tables, independent of the codec: decode the image and
 * check every field, then encode the fields and get the image back, byte
 * for byte, without touching the byte after it.
 */
#include "test.h"

#include <tzshare/ffa.h>
#include <tzshare/lib.h>

_Static_assert(FFA_MTD_SIZE == 48,
	       "FF-A v1.1/v1.2 memory transaction descriptor (ffa.md 2.1)");
_Static_assert(FFA_MTD_V1_0_SIZE == 32,
	       "FF-A v1.0 memory transaction descriptor header (ffa.md 2.1)");
_Static_assert(FFA_EMAD_V1_0_SIZE == 16,
	       "FF-A v1.0/v1.1 endpoint memory access descriptor (ffa.md 2.2)");
_Static_assert(FFA_EMAD_V1_2_SIZE == 32,
	       "FF-A v1.2 endpoint memory access descriptor (ffa.md 2.2)");
_Static_assert(FFA_COMPOSITE_SIZE == 16,
	       "FF-A composite memory region descriptor header (ffa.md 2.3)");
_Static_assert(FFA_CONSTITUENT_SIZE == 16,
	       "FF-A constituent memory region descriptor (ffa.md 2.3)");
_Static_assert(FFA_RELINQUISH_HDR_SIZE == 16,
	       "FF-A relinquish descriptor without endpoint IDs (ffa.md 2.8)");
_Static_assert(FFA_PART_INFO_V1_0_SIZE == 8,
	       "FF-A v1.0 partition information descriptor (ffa.md 2.9)");
_Static_assert(FFA_PART_INFO_SIZE == 24,
	       "FF-A v1.1/v1.2 partition information descriptor (ffa.md 2.9)");
_Static_assert(FFA_MSG_SEND2_HDR_V1_1_SIZE == 20,
	       "FF-A v1.1 indirect message header (ffa.md 2.10)");
_Static_assert(FFA_MSG_SEND2_HDR_V1_2_SIZE == 40,
	       "FF-A v1.2 indirect message header (ffa.md 2.10)");
_Static_assert(FFA_UUID_SIZE == 16, "RFC 4122 UUID");
_Static_assert(FFA_REG_COUNT == 18, "SMCCC v1.2 x0..x17");
/* The composite follows 16-byte aligned EMAD arrays (ffa.md 2.3). */
_Static_assert(FFA_MTD_SIZE % 16 == 0 && FFA_MTD_V1_0_SIZE % 16 == 0,
	       "EMAD array offsets are 16-byte aligned");
_Static_assert(FFA_EMAD_V1_0_SIZE % 16 == 0 && FFA_EMAD_V1_2_SIZE % 16 == 0,
	       "EMAD strides keep 16-byte alignment");

#define FILL 0xEE

/* virtio-msg FF-A bus UUID c66028b5-2498-4aa1-9de7-77da6122abf0. */
static const uint8_t uuid_bus[16] = { 0xc6, 0x60, 0x28, 0xb5, 0x24, 0x98,
				      0x4a, 0xa1, 0x9d, 0xe7, 0x77, 0xda,
				      0x61, 0x22, 0xab, 0xf0 };

/* @n bytes in @buf equal @want and the next byte still holds FILL. */
static void assert_image(const uint8_t *buf, const uint8_t *want, size_t n,
			 size_t written)
{
	ASSERT_EQ(written, n);
	ASSERT_MEM_EQ(buf, want, n);
	ASSERT_EQ(buf[n], FILL);
}

TEST(mtd_v1_0_layout_is_byte_exact)
{
	static const uint8_t img[32] = {
		0x34, 0x12, 0x2f, 0x00,
		0x02, 0x00, 0x00, 0x00, /* sender attr rsv flags */
		0x88, 0x77, 0x66, 0x55,
		0x44, 0x33, 0x22, 0x11, /* handle */
		0x00, 0xff, 0xee, 0xdd,
		0xcc, 0xbb, 0xaa, 0x99, /* tag */
		0x00, 0x00, 0x00, 0x00,
		0x03, 0x00, 0x00, 0x00, /* rsv, count */
	};
	struct ffa_mtd m = { 0 };
	uint8_t buf[64];

	ASSERT_EQ(ffa_mtd_decode(img, sizeof(img), FFA_VERSION_1_0, &m),
		  FFA_OK);
	ASSERT_EQ(m.sender, 0x1234);
	ASSERT_EQ(m.attributes, 0x2f);
	ASSERT_EQ(m.flags, 2);
	ASSERT_EQ(m.handle, 0x1122334455667788ull);
	ASSERT_EQ(m.tag, 0x99aabbccddeeff00ull);
	ASSERT_EQ(m.emad_size, 16);
	ASSERT_EQ(m.emad_count, 3);
	ASSERT_EQ(m.emad_offset, 32);
	ASSERT_FALSE(m.reserved_nonzero);

	memset(buf, FILL, sizeof(buf));
	assert_image(buf, img, sizeof(img),
		     ffa_mtd_encode(buf, sizeof(buf), FFA_VERSION_1_0, &m));
}

TEST(mtd_v1_1_layout_is_byte_exact)
{
	static const uint8_t img[48] = {
		0x01, 0x00, 0x2f, 0x4a,
		0x11, 0x00, 0x00, 0x00, /* sender attr flags */
		0x05, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x80, /* handle */
		0x0d, 0xf0, 0xa5, 0xa5,
		0x00, 0x00, 0x00, 0x00, /* tag */
		0x10, 0x00, 0x00, 0x00,
		0x02, 0x00, 0x00, 0x00, /* size, count */
		0x30, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, /* offset, rsv */
		0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00,
	};
	struct ffa_mtd m = { 0 };
	uint8_t buf[64];

	ASSERT_EQ(ffa_mtd_decode(img, sizeof(img), FFA_VERSION_1_1, &m),
		  FFA_OK);
	ASSERT_EQ(m.sender, 0x0001);
	/* u16 at v1.1: both bytes count (0x4a is MBZ, but that is the
	 * validator's business, not the codec's). */
	ASSERT_EQ(m.attributes, 0x4a2f);
	ASSERT_EQ(m.flags, 0x11);
	ASSERT_EQ(m.handle, 0x8000000000000005ull);
	ASSERT_EQ(m.tag, 0xa5a5f00dull);
	ASSERT_EQ(m.emad_size, 16);
	ASSERT_EQ(m.emad_count, 2);
	ASSERT_EQ(m.emad_offset, 48);
	ASSERT_FALSE(m.reserved_nonzero);

	memset(buf, FILL, sizeof(buf));
	assert_image(buf, img, sizeof(img),
		     ffa_mtd_encode(buf, sizeof(buf), FFA_VERSION_1_1, &m));
}

TEST(mtd_v1_2_layout_is_byte_exact)
{
	static const uint8_t img[48] = {
		0x00, 0x00, 0x6f, 0x00,
		0x08, 0x04, 0x00, 0x00, /* sender attr flags */
		0x00, 0x00, 0x00, 0x00,
		0x01, 0x00, 0x00, 0x00, /* handle */
		0x01, 0x00, 0x00, 0x88,
		0x01, 0x00, 0x00, 0x00, /* tag */
		0x20, 0x00, 0x00, 0x00,
		0x01, 0x00, 0x00, 0x00, /* size, count */
		0x40, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, /* offset, rsv */
		0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00,
	};
	struct ffa_mtd m = { 0 };
	uint8_t buf[64];

	ASSERT_EQ(ffa_mtd_decode(img, sizeof(img), FFA_VERSION_1_2, &m),
		  FFA_OK);
	ASSERT_EQ(m.sender, 0);
	ASSERT_EQ(m.attributes, 0x6f);
	ASSERT_EQ(m.flags, 0x408);
	ASSERT_EQ(m.handle, 0x100000000ull);
	ASSERT_EQ(m.tag, 0x188000001ull);
	ASSERT_EQ(m.emad_size, 32);
	ASSERT_EQ(m.emad_count, 1);
	ASSERT_EQ(m.emad_offset, 64);
	ASSERT_FALSE(m.reserved_nonzero);

	memset(buf, FILL, sizeof(buf));
	assert_image(buf, img, sizeof(img),
		     ffa_mtd_encode(buf, sizeof(buf), FFA_VERSION_1_2, &m));
}

TEST(emad_16_layout_is_byte_exact)
{
	static const uint8_t img[16] = {
		0x01, 0x80, 0x06, 0x01, 0x50, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	};
	const struct ffa_mtd m = { .emad_size = 16, .emad_count = 1 };
	struct ffa_emad e = { 0 };
	uint8_t buf[32];

	ASSERT_EQ(ffa_emad_decode(img, sizeof(img), &m, 0, &e), FFA_OK);
	ASSERT_EQ(e.receiver, 0x8001);
	ASSERT_EQ(e.perms, FFA_PERM_DATA_RW | FFA_PERM_INSTR_NX);
	ASSERT_EQ(e.flags, FFA_EMAD_FLAG_RETRIEVER);
	ASSERT_EQ(e.composite_offset, 0x50);
	ASSERT_EQ(e.impdef[0], 0);
	ASSERT_EQ(e.impdef[1], 0);
	ASSERT_FALSE(e.reserved_nonzero);

	memset(buf, FILL, sizeof(buf));
	assert_image(buf, img, sizeof(img),
		     ffa_emad_encode(buf, sizeof(buf), 16, &e));
}

TEST(emad_32_layout_is_byte_exact)
{
	static const uint8_t img[32] = {
		0x02, 0x80, 0x01, 0x00,
		0x70, 0x00, 0x00, 0x00, /* id perm flags off */
		0x08, 0x07, 0x06, 0x05,
		0x04, 0x03, 0x02, 0x01, /* impdef[0] */
		0x18, 0x17, 0x16, 0x15,
		0x14, 0x13, 0x12, 0x11, /* impdef[1] */
		0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, /* reserved */
	};
	const struct ffa_mtd m = { .emad_size = 32, .emad_count = 1 };
	struct ffa_emad e = { 0 };
	uint8_t buf[48];

	ASSERT_EQ(ffa_emad_decode(img, sizeof(img), &m, 0, &e), FFA_OK);
	ASSERT_EQ(e.receiver, 0x8002);
	ASSERT_EQ(e.perms, FFA_PERM_DATA_RO);
	ASSERT_EQ(e.flags, 0);
	ASSERT_EQ(e.composite_offset, 0x70);
	/* Hafnium's impdef_init(a, b) puts a in the lower 8 bytes (ffa.md 7.8). */
	ASSERT_EQ(e.impdef[0], 0x0102030405060708ull);
	ASSERT_EQ(e.impdef[1], 0x1112131415161718ull);
	ASSERT_FALSE(e.reserved_nonzero);

	memset(buf, FILL, sizeof(buf));
	assert_image(buf, img, sizeof(img),
		     ffa_emad_encode(buf, sizeof(buf), 32, &e));
}

TEST(composite_layout_is_byte_exact)
{
	static const uint8_t img[16] = {
		0x07, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	};
	struct ffa_composite c = { 0 };
	uint8_t buf[32];

	ASSERT_EQ(ffa_composite_decode(img, sizeof(img), 0, &c), FFA_OK);
	ASSERT_EQ(c.page_count, 7);
	ASSERT_EQ(c.constituent_count, 3);
	ASSERT_EQ(c.reserved, 0);

	memset(buf, FILL, sizeof(buf));
	assert_image(buf, img, sizeof(img),
		     ffa_composite_encode(buf, sizeof(buf), &c));
}

TEST(constituent_layout_is_byte_exact)
{
	static const uint8_t img[16] = {
		0x00, 0x00, 0x0a, 0x88, 0x12, 0x00, 0x00, 0x00,
		0x04, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,
	};
	struct ffa_constituent c = { 0 };
	uint8_t buf[32];

	ASSERT_EQ(ffa_constituent_decode(img, sizeof(img), 0, &c), FFA_OK);
	ASSERT_EQ(c.address, 0x12880a0000ull);
	ASSERT_EQ(c.page_count, 0x10004);
	ASSERT_EQ(c.reserved, 0);

	memset(buf, FILL, sizeof(buf));
	assert_image(buf, img, sizeof(img),
		     ffa_constituent_encode(buf, sizeof(buf), &c));
}

TEST(relinquish_layout_is_byte_exact)
{
	static const uint8_t img[20] = {
		0x03, 0x00, 0x00, 0x00,
		0x01, 0x00, 0x00, 0x80, /* handle */
		0x01, 0x00, 0x00, 0x00,
		0x02, 0x00, 0x00, 0x00, /* flags count */
		0x01, 0x80, 0x02, 0x80, /* IDs */
	};
	struct ffa_relinquish r = { 0 };
	uint8_t buf[32];

	ASSERT_EQ(ffa_relinquish_decode(img, sizeof(img), &r), FFA_OK);
	ASSERT_EQ(r.handle, 0x8000000100000003ull);
	ASSERT_EQ(r.flags, FFA_MEM_RELINQUISH_FLAG_CLEAR);
	ASSERT_EQ(r.endpoint_count, 2);
	ASSERT_EQ(r.endpoints[0], 0x8001);
	ASSERT_EQ(r.endpoints[1], 0x8002);

	memset(buf, FILL, sizeof(buf));
	assert_image(buf, img, sizeof(img),
		     ffa_relinquish_encode(buf, sizeof(buf), &r));
}

TEST(partition_info_8_layout_is_byte_exact)
{
	static const uint8_t img[8] = { 0x01, 0x80, 0x08, 0x00,
					0x07, 0x07, 0x00, 0x00 };
	struct ffa_partition_info p = { 0 };
	uint8_t buf[16];

	ASSERT_EQ(ffa_partition_info_decode(img, sizeof(img), 8, &p), FFA_OK);
	ASSERT_EQ(p.id, 0x8001);
	ASSERT_EQ(p.exec_count, 8);
	ASSERT_EQ(p.props, 0x707);
	ASSERT_TRUE(ffa_uuid_is_nil(p.uuid));

	memset(buf, FILL, sizeof(buf));
	assert_image(buf, img, sizeof(img),
		     ffa_partition_info_encode(buf, sizeof(buf), 8, &p));
}

TEST(partition_info_24_layout_is_byte_exact)
{
	static const uint8_t img[24] = {
		0x02, 0x80, 0x01, 0x00, 0x00, 0x03, 0x00, 0x00,
		0xc6, 0x60, 0x28, 0xb5, 0x24, 0x98, 0x4a, 0xa1,
		0x9d, 0xe7, 0x77, 0xda, 0x61, 0x22, 0xab, 0xf0,
	};
	struct ffa_partition_info p = { 0 };
	uint8_t buf[32];

	ASSERT_EQ(ffa_partition_info_decode(img, sizeof(img), 24, &p), FFA_OK);
	ASSERT_EQ(p.id, 0x8002);
	ASSERT_EQ(p.exec_count, 1);
	ASSERT_EQ(p.props,
		  FFA_PART_PROP_AARCH64 | FFA_PART_PROP_DIRECT_REQ2_RECV);
	ASSERT_MEM_EQ(p.uuid, uuid_bus, 16);

	memset(buf, FILL, sizeof(buf));
	assert_image(buf, img, sizeof(img),
		     ffa_partition_info_encode(buf, sizeof(buf), 24, &p));
}

TEST(msg_send2_20_layout_is_byte_exact)
{
	static const uint8_t img[20] = {
		0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, /* flags rsv */
		0x14, 0x00, 0x00, 0x00,
		0x01, 0x80, 0x01, 0x00, /* off rcv snd */
		0x0c, 0x00, 0x00, 0x00, /* size */
	};
	struct ffa_msg_send2_hdr h = { 0 };
	uint8_t buf[32];

	ASSERT_EQ(ffa_msg_send2_hdr_decode(img, sizeof(img), &h), FFA_OK);
	ASSERT_EQ(h.flags, 0);
	ASSERT_EQ(h.reserved, 0);
	ASSERT_EQ(h.payload_offset, 20);
	ASSERT_EQ(h.receiver, 0x8001);
	ASSERT_EQ(h.sender, 0x0001);
	ASSERT_EQ(h.payload_size, 12);
	ASSERT_FALSE(h.has_uuid);
	ASSERT_TRUE(ffa_uuid_is_nil(h.uuid));

	memset(buf, FILL, sizeof(buf));
	assert_image(buf, img, sizeof(img),
		     ffa_msg_send2_hdr_encode(buf, sizeof(buf), 20, &h));
}

TEST(msg_send2_40_layout_is_byte_exact)
{
	static const uint8_t img[40] = {
		0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, /* flags rsv */
		0x28, 0x00, 0x00, 0x00,
		0x01, 0x80, 0x00, 0x00, /* off rcv snd */
		0x00, 0x10, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, /* size rsv2 */
		0xc6, 0x60, 0x28, 0xb5,
		0x24, 0x98, 0x4a, 0xa1, /* UUID */
		0x9d, 0xe7, 0x77, 0xda,
		0x61, 0x22, 0xab, 0xf0,
	};
	struct ffa_msg_send2_hdr h = { 0 };
	uint8_t buf[48];

	ASSERT_EQ(ffa_msg_send2_hdr_decode(img, sizeof(img), &h), FFA_OK);
	ASSERT_EQ(h.payload_offset, 40);
	ASSERT_EQ(h.receiver, 0x8001);
	ASSERT_EQ(h.sender, 0x0000);
	/* u32 at 12 = sender << 16 | receiver (ffa.md 2.10). */
	ASSERT_EQ(le32_get(img + 12), (uint32_t)h.sender << 16 | h.receiver);
	ASSERT_EQ(h.payload_size, 0x1000);
	ASSERT_EQ(h.reserved2, 0);
	ASSERT_TRUE(h.has_uuid);
	ASSERT_MEM_EQ(h.uuid, uuid_bus, 16);

	memset(buf, FILL, sizeof(buf));
	assert_image(buf, img, sizeof(img),
		     ffa_msg_send2_hdr_encode(buf, sizeof(buf), 40, &h));
}

TEST(uuid_w4_form_is_little_endian_words_of_rfc_bytes)
{
	/* ffa.md 2.9: w1 = bytes 0..3 read little-endian, and so on. */
	static const uint32_t want[4] = { 0xb52860c6, 0xa14a9824, 0xda77e79d,
					  0xf0ab2261 };
	uint32_t w[4] = { 0 };
	uint8_t back[16];

	ffa_uuid_to_w4(uuid_bus, w);
	ASSERT_MEM_EQ(w, want, sizeof(want));
	memset(back, FILL, sizeof(back));
	ffa_uuid_from_w4(want, back);
	ASSERT_MEM_EQ(back, uuid_bus, 16);
}

TEST(uuid_x2_form_is_little_endian_halves_of_rfc_bytes)
{
	/* ffa.md 2.9: x2 = bytes 0..7 with byte 0 in the LSB, x3 = 8..15. */
	static const uint64_t want[2] = { 0xa14a9824b52860c6ull,
					  0xf0ab2261da77e79dull };
	uint64_t x[2] = { 0 };
	uint8_t back[16];

	ffa_uuid_to_x2(uuid_bus, x);
	ASSERT_EQ(x[0], want[0]);
	ASSERT_EQ(x[1], want[1]);
	memset(back, FILL, sizeof(back));
	ffa_uuid_from_x2(want, back);
	ASSERT_MEM_EQ(back, uuid_bus, 16);
}
