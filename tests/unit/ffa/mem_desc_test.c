// SPDX-License-Identifier: BSD-2-Clause
/*
 * core/ffa/mem_desc.c: structural decoding and encoding of the memory
 * transaction header, EMADs, composite and constituents (ffa.md §2.1-2.3).
 * Buffers handed to decoders are heap copies of the exact length, so the
 * sanitizer build catches any read outside [buf, buf + len).
 */
#include "test.h"

#include <tzshare/ffa.h>
#include <tzshare/lib.h>

/* Exact-length heap copy of @len bytes of @src (at least 1 byte). */
static uint8_t *dup_exact(const uint8_t *src, size_t len)
{
	uint8_t *p = malloc(len ? len : 1);

	ASSERT_TRUE(p != NULL);
	memcpy(p, src, len);
	return p;
}

static int mtd_decode_exact(const uint8_t *img, size_t len, uint32_t version,
			    struct ffa_mtd *m)
{
	uint8_t *p = dup_exact(img, len);
	int rc = ffa_mtd_decode(p, len, version, m);

	free(p);
	return rc;
}

static int emad_decode_exact(const uint8_t *img, size_t len,
			     const struct ffa_mtd *m, uint32_t index,
			     struct ffa_emad *e)
{
	uint8_t *p = dup_exact(img, len);
	int rc = ffa_emad_decode(p, len, m, index, e);

	free(p);
	return rc;
}

/* A clean v1.1+ header: one EMAD of @emad_size at 48. */
static void v11_header(uint8_t *img, uint32_t emad_size)
{
	memset(img, 0, FFA_MTD_SIZE);
	img[0] = 0x01;
	img[2] = 0x2f;
	le32_put(img + 24, emad_size);
	le32_put(img + 28, 1);
	le32_put(img + 32, FFA_MTD_SIZE);
}

TEST(mtd_decode_v1_0_rejects_every_length_below_32)
{
	uint8_t img[32] = { 0 };
	struct ffa_mtd m = { 0 };
	size_t len = 0;

	for (len = 0; len < sizeof(img); len++) {
		ASSERT_EQ(mtd_decode_exact(img, len, FFA_VERSION_1_0, &m),
			  FFA_INVALID_PARAMETERS);
	}
	ASSERT_EQ(mtd_decode_exact(img, 32, FFA_VERSION_1_0, &m), FFA_OK);
}

TEST(mtd_decode_v1_1_and_v1_2_reject_every_length_below_48)
{
	uint8_t img[48] = { 0 };
	struct ffa_mtd m = { 0 };
	size_t len = 0;

	for (len = 0; len < sizeof(img); len++) {
		ASSERT_EQ(mtd_decode_exact(img, len, FFA_VERSION_1_1, &m),
			  FFA_INVALID_PARAMETERS);
		ASSERT_EQ(mtd_decode_exact(img, len, FFA_VERSION_1_2, &m),
			  FFA_INVALID_PARAMETERS);
	}
	ASSERT_EQ(mtd_decode_exact(img, 48, FFA_VERSION_1_1, &m), FFA_OK);
	ASSERT_EQ(mtd_decode_exact(img, 48, FFA_VERSION_1_2, &m), FFA_OK);
}

TEST(mtd_decode_v1_0_reports_reserved_byte_3)
{
	uint8_t img[32] = { 0 };
	struct ffa_mtd m = { 0 };

	img[2] = 0x2f;
	img[3] = 0x80;
	ASSERT_EQ(mtd_decode_exact(img, 32, FFA_VERSION_1_0, &m), FFA_OK);
	/* v1.0 attributes are one byte: byte 3 is not part of them. */
	ASSERT_EQ(m.attributes, 0x2f);
	ASSERT_TRUE(m.reserved_nonzero);
}

TEST(mtd_decode_v1_0_reports_each_reserved_byte_24_to_27)
{
	uint8_t img[32] = { 0 };
	struct ffa_mtd m = { 0 };
	size_t i = 0;

	for (i = 24; i < 28; i++) {
		memset(img, 0, sizeof(img));
		img[i] = 1;
		ASSERT_EQ(mtd_decode_exact(img, 32, FFA_VERSION_1_0, &m),
			  FFA_OK);
		ASSERT_TRUE(m.reserved_nonzero);
		/* The implicit EMAD layout does not change. */
		ASSERT_EQ(m.emad_size, 16);
		ASSERT_EQ(m.emad_offset, 32);
	}
}

TEST(mtd_decode_v1_1_reports_each_reserved_byte_36_to_47)
{
	uint8_t img[48];
	struct ffa_mtd m = { 0 };
	size_t i = 0;

	v11_header(img, 16);
	ASSERT_EQ(mtd_decode_exact(img, 48, FFA_VERSION_1_1, &m), FFA_OK);
	ASSERT_FALSE(m.reserved_nonzero);
	for (i = 36; i < 48; i++) {
		v11_header(img, 16);
		img[i] = 0xa5;
		ASSERT_EQ(mtd_decode_exact(img, 48, FFA_VERSION_1_2, &m),
			  FFA_OK);
		ASSERT_TRUE(m.reserved_nonzero);
	}
}

TEST(v1_1_header_read_at_v1_0_reports_emad_size_as_reserved)
{
	/*
	 * Offset 24 is MBZ at v1.0 but the EMAD size at v1.1: a v1.1
	 * descriptor presented by a v1.0 caller must not look clean
	 * (ffa.md 2.1, OP-TEE PR 6584).
	 */
	uint8_t img[48];
	struct ffa_mtd m = { 0 };

	v11_header(img, 16);
	ASSERT_EQ(mtd_decode_exact(img, 48, FFA_VERSION_1_0, &m), FFA_OK);
	ASSERT_TRUE(m.reserved_nonzero);
	ASSERT_EQ(m.emad_count, 1);
	ASSERT_EQ(m.emad_offset, 32);
}

TEST(mtd_decode_reads_u32_fields_at_their_full_width)
{
	uint8_t img[48];
	struct ffa_mtd m = { 0 };

	v11_header(img, 0xfedcba98);
	le32_put(img + 28, 0x87654321);
	le32_put(img + 32, 0xfffffff0);
	le32_put(img + 4, 0x80000001);
	ASSERT_EQ(mtd_decode_exact(img, 48, FFA_VERSION_1_2, &m), FFA_OK);
	ASSERT_EQ(m.emad_size, 0xfedcba98);
	ASSERT_EQ(m.emad_count, 0x87654321);
	ASSERT_EQ(m.emad_offset, 0xfffffff0);
	ASSERT_EQ(m.flags, 0x80000001);
}

TEST(emad_decode_rejects_emad_size_below_16)
{
	static const uint32_t sizes[] = { 0, 1, 8, 12, 15 };
	uint8_t img[128] = { 0 };
	struct ffa_emad e = { 0 };
	size_t i = 0;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		struct ffa_mtd m = { .emad_size = sizes[i],
				     .emad_count = 1,
				     .emad_offset = 48 };

		ASSERT_EQ(emad_decode_exact(img, sizeof(img), &m, 0, &e),
			  FFA_INVALID_PARAMETERS);
	}
}

TEST(emad_decode_rejects_index_not_below_count)
{
	uint8_t img[128] = { 0 };
	struct ffa_mtd m = { .emad_size = 16,
			     .emad_count = 2,
			     .emad_offset = 48 };
	struct ffa_emad e = { 0 };

	ASSERT_EQ(emad_decode_exact(img, sizeof(img), &m, 1, &e), FFA_OK);
	ASSERT_EQ(emad_decode_exact(img, sizeof(img), &m, 2, &e),
		  FFA_INVALID_PARAMETERS);
	ASSERT_EQ(emad_decode_exact(img, sizeof(img), &m, UINT32_MAX, &e),
		  FFA_INVALID_PARAMETERS);
	m.emad_count = 0;
	ASSERT_EQ(emad_decode_exact(img, sizeof(img), &m, 0, &e),
		  FFA_INVALID_PARAMETERS);
}

TEST(emad_decode_rejects_offset_that_runs_past_32_bits)
{
	/* 0xFFFFFFF0 + 16 wraps a u32; the array cannot lie in any buffer. */
	uint8_t img[256] = { 0 };
	struct ffa_mtd m = { .emad_size = 16,
			     .emad_count = 2,
			     .emad_offset = 0xfffffff0 };
	struct ffa_emad e = { 0 };

	ASSERT_EQ(emad_decode_exact(img, sizeof(img), &m, 0, &e),
		  FFA_INVALID_PARAMETERS);
	ASSERT_EQ(emad_decode_exact(img, sizeof(img), &m, 1, &e),
		  FFA_INVALID_PARAMETERS);
}

TEST(emad_decode_rejects_huge_stride_times_index)
{
	uint8_t img[256] = { 0 };
	struct ffa_mtd m = { .emad_size = UINT32_MAX,
			     .emad_count = UINT32_MAX,
			     .emad_offset = UINT32_MAX };
	struct ffa_emad e = { 0 };

	ASSERT_EQ(emad_decode_exact(img, sizeof(img), &m, UINT32_MAX - 1, &e),
		  FFA_INVALID_PARAMETERS);
	ASSERT_EQ(emad_decode_exact(img, sizeof(img), &m, 0, &e),
		  FFA_INVALID_PARAMETERS);
}

TEST(emad_decode_rejects_every_truncation_of_16_byte_emad)
{
	uint8_t img[64] = { 0 };
	struct ffa_mtd m = { .emad_size = 16,
			     .emad_count = 1,
			     .emad_offset = 48 };
	struct ffa_emad e = { 0 };
	size_t len = 0;

	for (len = 0; len < sizeof(img); len++) {
		ASSERT_EQ(emad_decode_exact(img, len, &m, 0, &e),
			  FFA_INVALID_PARAMETERS);
	}
	ASSERT_EQ(emad_decode_exact(img, 64, &m, 0, &e), FFA_OK);
}

TEST(emad_decode_rejects_every_truncation_of_32_byte_emad)
{
	uint8_t img[80] = { 0 };
	struct ffa_mtd m = { .emad_size = 32,
			     .emad_count = 1,
			     .emad_offset = 48 };
	struct ffa_emad e = { 0 };
	size_t len = 0;

	for (len = 0; len < sizeof(img); len++) {
		ASSERT_EQ(emad_decode_exact(img, len, &m, 0, &e),
			  FFA_INVALID_PARAMETERS);
	}
	ASSERT_EQ(emad_decode_exact(img, 80, &m, 0, &e), FFA_OK);
}

TEST(emad_decode_16_reports_each_reserved_byte_8_to_15)
{
	/* The stale-TX bug of older Linux left exactly these bytes set
	 * (testdata README, item 2). */
	uint8_t img[16];
	struct ffa_mtd m = { .emad_size = 16, .emad_count = 1 };
	struct ffa_emad e = { 0 };
	size_t i = 0;

	for (i = 8; i < 16; i++) {
		memset(img, 0, sizeof(img));
		img[i] = 0xa5;
		ASSERT_EQ(emad_decode_exact(img, 16, &m, 0, &e), FFA_OK);
		ASSERT_TRUE(e.reserved_nonzero);
		/* A 16-byte EMAD has no impdef field. */
		ASSERT_EQ(e.impdef[0], 0);
		ASSERT_EQ(e.impdef[1], 0);
	}
}

TEST(emad_decode_32_reports_each_reserved_byte_24_to_31_but_not_impdef)
{
	uint8_t img[32];
	struct ffa_mtd m = { .emad_size = 32, .emad_count = 1 };
	struct ffa_emad e = { 0 };
	size_t i = 0;

	memset(img, 0, sizeof(img));
	memset(img + 8, 0xff, 16);
	ASSERT_EQ(emad_decode_exact(img, 32, &m, 0, &e), FFA_OK);
	ASSERT_FALSE(e.reserved_nonzero);
	ASSERT_EQ(e.impdef[0], UINT64_MAX);
	ASSERT_EQ(e.impdef[1], UINT64_MAX);
	for (i = 24; i < 32; i++) {
		memset(img, 0, sizeof(img));
		img[i] = 1;
		ASSERT_EQ(emad_decode_exact(img, 32, &m, 0, &e), FFA_OK);
		ASSERT_TRUE(e.reserved_nonzero);
	}
}

TEST(emad_decode_larger_emad_must_fit_and_its_tail_is_reserved)
{
	/* A future EMAD of 48 bytes: bytes 32..47 are unknown, so MBZ. */
	uint8_t img[48] = { 0 };
	struct ffa_mtd m = { .emad_size = 48, .emad_count = 1 };
	struct ffa_emad e = { 0 };

	le64_put(img + 8, 0x1111);
	ASSERT_EQ(emad_decode_exact(img, 48, &m, 0, &e), FFA_OK);
	ASSERT_FALSE(e.reserved_nonzero);
	ASSERT_EQ(e.impdef[0], 0x1111);
	img[47] = 1;
	ASSERT_EQ(emad_decode_exact(img, 48, &m, 0, &e), FFA_OK);
	ASSERT_TRUE(e.reserved_nonzero);
	ASSERT_EQ(emad_decode_exact(img, 47, &m, 0, &e),
		  FFA_INVALID_PARAMETERS);
}

TEST(emad_decode_sizes_between_16_and_32_have_no_impdef)
{
	uint8_t img[24] = { 0 };
	struct ffa_mtd m = { .emad_size = 24, .emad_count = 1 };
	struct ffa_emad e = { 0 };

	ASSERT_EQ(emad_decode_exact(img, 24, &m, 0, &e), FFA_OK);
	ASSERT_FALSE(e.reserved_nonzero);
	img[23] = 1;
	ASSERT_EQ(emad_decode_exact(img, 24, &m, 0, &e), FFA_OK);
	ASSERT_TRUE(e.reserved_nonzero);
	ASSERT_EQ(e.impdef[0], 0);
	ASSERT_EQ(e.impdef[1], 0);
}

TEST(emad_decode_steps_by_emad_size_from_emad_offset)
{
	uint8_t img[48 + 3 * 32] = { 0 };
	struct ffa_mtd m = { .emad_size = 32,
			     .emad_count = 3,
			     .emad_offset = 48 };
	struct ffa_emad e = { 0 };
	uint32_t i = 0;

	for (i = 0; i < 3; i++) {
		le16_put(img + 48 + 32 * i, (uint16_t)(0x8001 + i));
		img[48 + 32 * i + 2] = (uint8_t)(i + 1);
		le64_put(img + 48 + 32 * i + 16, 0x100 + i);
	}
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(emad_decode_exact(img, sizeof(img), &m, i, &e),
			  FFA_OK);
		ASSERT_EQ(e.receiver, 0x8001 + i);
		ASSERT_EQ(e.perms, i + 1);
		ASSERT_EQ(e.impdef[1], 0x100 + i);
	}
}

TEST(composite_decode_rejects_truncation_and_offset_overflow)
{
	uint8_t img[96] = { 0 };
	uint8_t *p = dup_exact(img, 95);
	struct ffa_composite c = { 0 };

	ASSERT_EQ(ffa_composite_decode(img, sizeof(img), 80, &c), FFA_OK);
	ASSERT_EQ(ffa_composite_decode(p, 95, 80, &c), FFA_INVALID_PARAMETERS);
	ASSERT_EQ(ffa_composite_decode(p, 95, 96, &c), FFA_INVALID_PARAMETERS);
	ASSERT_EQ(ffa_composite_decode(p, 95, UINT64_MAX - 7, &c),
		  FFA_INVALID_PARAMETERS);
	ASSERT_EQ(ffa_composite_decode(p, 95, UINT64_MAX, &c),
		  FFA_INVALID_PARAMETERS);
	free(p);
}

TEST(constituent_decode_rejects_truncation_and_offset_overflow)
{
	uint8_t img[112] = { 0 };
	uint8_t *p = dup_exact(img, 111);
	struct ffa_constituent c = { 0 };

	ASSERT_EQ(ffa_constituent_decode(img, sizeof(img), 96, &c), FFA_OK);
	ASSERT_EQ(ffa_constituent_decode(p, 111, 96, &c),
		  FFA_INVALID_PARAMETERS);
	ASSERT_EQ(ffa_constituent_decode(p, 111, UINT64_MAX - 15, &c),
		  FFA_INVALID_PARAMETERS);
	ASSERT_EQ(ffa_constituent_decode(p, 111, 1ull << 63, &c),
		  FFA_INVALID_PARAMETERS);
	free(p);
}

TEST(composite_and_constituent_decode_report_reserved_fields)
{
	uint8_t img[16] = { 0 };
	struct ffa_composite comp = { 0 };
	struct ffa_constituent cons = { 0 };

	le64_put(img + 8, 0x0102030405060708ull);
	ASSERT_EQ(ffa_composite_decode(img, 16, 0, &comp), FFA_OK);
	ASSERT_EQ(comp.reserved, 0x0102030405060708ull);
	ASSERT_EQ(ffa_constituent_decode(img, 16, 0, &cons), FFA_OK);
	ASSERT_EQ(cons.page_count, 0x05060708);
	ASSERT_EQ(cons.reserved, 0x01020304);
}

TEST(mtd_encode_rejects_cap_one_short_and_leaves_buffer_untouched)
{
	struct ffa_mtd m = {
		.sender = 1, .emad_size = 16, .emad_count = 1, .emad_offset = 48
	};
	uint8_t buf[48];
	uint8_t ref[48];

	memset(buf, 0x5a, sizeof(buf));
	memcpy(ref, buf, sizeof(ref));
	ASSERT_EQ(ffa_mtd_encode(buf, 31, FFA_VERSION_1_0, &m), 0);
	ASSERT_EQ(ffa_mtd_encode(buf, 47, FFA_VERSION_1_1, &m), 0);
	ASSERT_EQ(ffa_mtd_encode(buf, 47, FFA_VERSION_1_2, &m), 0);
	ASSERT_EQ(ffa_mtd_encode(buf, 0, FFA_VERSION_1_2, &m), 0);
	ASSERT_MEM_EQ(buf, ref, sizeof(buf));
	ASSERT_EQ(ffa_mtd_encode(buf, 32, FFA_VERSION_1_0, &m), 32);
	ASSERT_EQ(ffa_mtd_encode(buf, 48, FFA_VERSION_1_2, &m), 48);
}

TEST(mtd_encode_v1_0_rejects_attributes_wider_than_a_byte)
{
	/* v1.0 attributes are a u8 (ffa.md 2.4); 0x100 cannot be sent. */
	struct ffa_mtd m = { .attributes = 0x12f };
	uint8_t buf[48];

	ASSERT_EQ(ffa_mtd_encode(buf, sizeof(buf), FFA_VERSION_1_0, &m), 0);
	m.attributes = 0xff;
	ASSERT_EQ(ffa_mtd_encode(buf, sizeof(buf), FFA_VERSION_1_0, &m), 32);
	m.attributes = 0x12f;
	ASSERT_EQ(ffa_mtd_encode(buf, sizeof(buf), FFA_VERSION_1_1, &m), 48);
}

TEST(mtd_encode_writes_reserved_bytes_as_zero)
{
	struct ffa_mtd m = { .sender = 0xffff,
			     .attributes = 0xff,
			     .flags = UINT32_MAX,
			     .handle = UINT64_MAX,
			     .tag = UINT64_MAX,
			     .emad_size = UINT32_MAX,
			     .emad_count = UINT32_MAX,
			     .emad_offset = UINT32_MAX,
			     .reserved_nonzero = true };
	struct ffa_mtd back = { 0 };
	uint8_t buf[48];

	memset(buf, 0xff, sizeof(buf));
	ASSERT_EQ(ffa_mtd_encode(buf, sizeof(buf), FFA_VERSION_1_0, &m), 32);
	ASSERT_EQ(buf[3], 0);
	ASSERT_TRUE(tzs_is_zero(buf + 24, 4));
	ASSERT_EQ(ffa_mtd_decode(buf, 32, FFA_VERSION_1_0, &back), FFA_OK);
	ASSERT_FALSE(back.reserved_nonzero);

	memset(buf, 0xff, sizeof(buf));
	ASSERT_EQ(ffa_mtd_encode(buf, sizeof(buf), FFA_VERSION_1_2, &m), 48);
	ASSERT_TRUE(tzs_is_zero(buf + 36, 12));
	ASSERT_EQ(ffa_mtd_decode(buf, 48, FFA_VERSION_1_2, &back), FFA_OK);
	ASSERT_FALSE(back.reserved_nonzero);
}

TEST(mtd_encode_then_decode_gives_the_same_header_at_every_version)
{
	static const uint32_t versions[] = { FFA_VERSION_1_0, FFA_VERSION_1_1,
					     FFA_VERSION_1_2 };
	size_t i = 0;

	for (i = 0; i < 3; i++) {
		uint32_t v = versions[i];
		struct ffa_mtd m = {
			.sender = 0x8003,
			.attributes = FFA_MEM_ATTR_NORMAL_WB_IS,
			.flags = FFA_MEM_FLAG_TYPE_LEND | FFA_MEM_FLAG_CLEAR,
			.handle = 0xffffffc0ull,
			.tag = 0xdeadbeefcafef00dull,
			.emad_size = ffa_emad_size_for_version(v),
			.emad_count = 4,
			.emad_offset = ffa_emad_offset_for_version(v),
		};
		struct ffa_mtd back = { 0 };
		uint8_t buf[48];
		size_t n = ffa_mtd_encode(buf, sizeof(buf), v, &m);

		ASSERT_EQ(n, v == FFA_VERSION_1_0 ? 32 : 48);
		ASSERT_EQ(mtd_decode_exact(buf, n, v, &back), FFA_OK);
		ASSERT_EQ(back.sender, m.sender);
		ASSERT_EQ(back.attributes, m.attributes);
		ASSERT_EQ(back.flags, m.flags);
		ASSERT_EQ(back.handle, m.handle);
		ASSERT_EQ(back.tag, m.tag);
		ASSERT_EQ(back.emad_size, m.emad_size);
		ASSERT_EQ(back.emad_count, m.emad_count);
		ASSERT_EQ(back.emad_offset, m.emad_offset);
		ASSERT_FALSE(back.reserved_nonzero);
	}
}

TEST(emad_encode_rejects_size_below_16_and_cap_too_small)
{
	struct ffa_emad e = { .receiver = 0x8001 };
	uint8_t buf[64];
	uint8_t ref[64];

	memset(buf, 0x5a, sizeof(buf));
	memcpy(ref, buf, sizeof(ref));
	ASSERT_EQ(ffa_emad_encode(buf, sizeof(buf), 0, &e), 0);
	ASSERT_EQ(ffa_emad_encode(buf, sizeof(buf), 15, &e), 0);
	ASSERT_EQ(ffa_emad_encode(buf, 15, 16, &e), 0);
	ASSERT_EQ(ffa_emad_encode(buf, 31, 32, &e), 0);
	ASSERT_EQ(ffa_emad_encode(buf, sizeof(buf), UINT32_MAX, &e), 0);
	ASSERT_MEM_EQ(buf, ref, sizeof(buf));
}

TEST(emad_encode_writes_reserved_as_zero_and_drops_impdef_at_16)
{
	struct ffa_emad e = { .receiver = 0x8001,
			      .perms = 2,
			      .composite_offset = 64,
			      .impdef = { UINT64_MAX, UINT64_MAX },
			      .reserved_nonzero = true };
	uint8_t buf[48];

	memset(buf, 0xff, sizeof(buf));
	ASSERT_EQ(ffa_emad_encode(buf, sizeof(buf), 16, &e), 16);
	ASSERT_TRUE(tzs_is_zero(buf + 8, 8));
	ASSERT_EQ(buf[16], 0xff);

	memset(buf, 0xff, sizeof(buf));
	ASSERT_EQ(ffa_emad_encode(buf, sizeof(buf), 32, &e), 32);
	ASSERT_EQ(le64_get(buf + 8), UINT64_MAX);
	ASSERT_TRUE(tzs_is_zero(buf + 24, 8));
	ASSERT_EQ(buf[32], 0xff);

	memset(buf, 0xff, sizeof(buf));
	ASSERT_EQ(ffa_emad_encode(buf, sizeof(buf), 48, &e), 48);
	ASSERT_TRUE(tzs_is_zero(buf + 24, 24));
}

TEST(composite_and_constituent_encode_reject_short_cap_and_zero_reserved)
{
	struct ffa_composite comp = { .page_count = 3,
				      .constituent_count = 2,
				      .reserved = UINT64_MAX };
	struct ffa_constituent cons = { .address = 0x88000000,
					.page_count = 2,
					.reserved = UINT32_MAX };
	uint8_t buf[16];

	ASSERT_EQ(ffa_composite_encode(buf, 15, &comp), 0);
	ASSERT_EQ(ffa_constituent_encode(buf, 15, &cons), 0);
	memset(buf, 0xff, sizeof(buf));
	ASSERT_EQ(ffa_composite_encode(buf, 16, &comp), 16);
	ASSERT_TRUE(tzs_is_zero(buf + 8, 8));
	memset(buf, 0xff, sizeof(buf));
	ASSERT_EQ(ffa_constituent_encode(buf, 16, &cons), 16);
	ASSERT_TRUE(tzs_is_zero(buf + 12, 4));
}
