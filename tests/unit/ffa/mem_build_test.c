// SPDX-License-Identifier: BSD-2-Clause
/*
 * core/ffa/mem_build.c: whole MEM_SHARE/LEND/DONATE descriptors and retrieve
 * requests (ffa.md §2.1-2.3, §4), their lengths, placement of the
 * composite, and the length/count overflow and small-buffer paths.
 */
#include "test.h"

#include <tzshare/ffa.h>
#include <tzshare/lib.h>

static const uint32_t versions[] = { FFA_VERSION_1_0, FFA_VERSION_1_1,
				     FFA_VERSION_1_2 };
#define VERSION_COUNT (sizeof(versions) / sizeof(versions[0]))

static const struct ffa_emad emads2[] = {
	{ .receiver = 0x8001,
	  .perms = FFA_PERM_DATA_RW,
	  .impdef = { 0x8001, 0x8002 } },
	{ .receiver = 0x8002,
	  .perms = FFA_PERM_DATA_RO,
	  .impdef = { 0x8002, 0x8003 } },
};

static const struct ffa_constituent cons3[] = {
	{ .address = 0x88000000, .page_count = 1 },
	{ .address = 0x88002000, .page_count = 2 },
	{ .address = 0x880a0000, .page_count = 4 },
};

static struct ffa_mem_send_desc send_desc(uint32_t version, uint32_t emad_count,
					  uint32_t cons_count)
{
	struct ffa_mem_send_desc d = {
		.version = version,
		.sender = 0x0001,
		.attributes = FFA_MEM_ATTR_NORMAL_WB_IS,
		.flags = 0,
		.tag = 0x1234,
		.emad_count = emad_count,
		.emads = emads2,
		.constituent_count = cons_count,
		.constituents = cons3,
	};

	return d;
}

static struct ffa_mem_retrieve_req_desc retrieve_desc(uint32_t version,
						      uint32_t emad_count)
{
	struct ffa_mem_retrieve_req_desc d = {
		.version = version,
		.sender = 0x0001,
		.attributes = FFA_MEM_ATTR_NORMAL_WB_IS,
		.flags = FFA_MEM_FLAG_TYPE_SHARE,
		.handle = 0x5,
		.tag = 0xa5a5f00d,
		.emad_count = emad_count,
		.emads = emads2,
	};

	return d;
}

TEST(send_desc_len_follows_the_version_layout)
{
	/* Same sizes as the Linux vectors linux_v1x_share_sg2. */
	struct ffa_mem_send_desc d = send_desc(FFA_VERSION_1_0, 1, 2);

	ASSERT_EQ(ffa_mem_send_desc_len(&d), 32 + 16 + 16 + 2 * 16);
	d.version = FFA_VERSION_1_1;
	ASSERT_EQ(ffa_mem_send_desc_len(&d), 48 + 16 + 16 + 2 * 16);
	d.version = FFA_VERSION_1_2;
	ASSERT_EQ(ffa_mem_send_desc_len(&d), 48 + 32 + 16 + 2 * 16);
	d.emad_count = 2;
	d.constituent_count = 3;
	ASSERT_EQ(ffa_mem_send_desc_len(&d), 48 + 64 + 16 + 3 * 16);
}

TEST(send_desc_composite_follows_emad_array_16_byte_aligned)
{
	size_t v = 0;
	uint32_t count = 0;

	for (v = 0; v < VERSION_COUNT; v++) {
		for (count = 1; count <= 2; count++) {
			struct ffa_mem_send_desc d =
				send_desc(versions[v], count, 3);
			uint32_t off = ffa_emad_offset_for_version(versions[v]);
			uint32_t size = ffa_emad_size_for_version(versions[v]);
			uint32_t want = off + count * size;
			struct ffa_mtd m = { 0 };
			struct ffa_emad e = { 0 };
			uint8_t buf[256];
			uint32_t i = 0;

			ASSERT_EQ(
				ffa_mem_send_desc_encode(buf, sizeof(buf), &d),
				want + 16 + 3 * 16);
			ASSERT_EQ(ffa_mtd_decode(buf, sizeof(buf), versions[v],
						 &m),
				  FFA_OK);
			ASSERT_EQ(m.emad_offset, off);
			ASSERT_EQ(m.emad_size, size);
			for (i = 0; i < count; i++) {
				ASSERT_EQ(ffa_emad_decode(buf, sizeof(buf), &m,
							  i, &e),
					  FFA_OK);
				ASSERT_EQ(e.composite_offset, want);
			}
			ASSERT_EQ(want % 16, 0);
		}
	}
}

TEST(send_desc_composite_page_count_is_sum_of_constituents)
{
	struct ffa_mem_send_desc d = send_desc(FFA_VERSION_1_2, 1, 3);
	struct ffa_composite c = { 0 };
	uint8_t buf[256];

	ASSERT_EQ(ffa_mem_send_desc_encode(buf, sizeof(buf), &d), 144);
	ASSERT_EQ(ffa_composite_decode(buf, 144, 80, &c), FFA_OK);
	ASSERT_EQ(c.page_count, 1 + 2 + 4);
	ASSERT_EQ(c.constituent_count, 3);
}

TEST(send_desc_encode_rejects_page_count_sum_above_u32)
{
	struct ffa_constituent big[2] = {
		{ .address = 0x80000000, .page_count = 0xfffffffe },
		{ .address = 0x90000000, .page_count = 1 },
	};
	struct ffa_mem_send_desc d = send_desc(FFA_VERSION_1_2, 1, 2);
	struct ffa_composite c = { 0 };
	uint8_t buf[256];
	uint8_t ref[256];

	d.constituents = big;
	ASSERT_EQ(ffa_mem_send_desc_encode(buf, sizeof(buf), &d), 128);
	ASSERT_EQ(ffa_composite_decode(buf, 128, 80, &c), FFA_OK);
	ASSERT_EQ(c.page_count, 0xffffffff);

	big[1].page_count = 2;
	memset(buf, 0x5a, sizeof(buf));
	memcpy(ref, buf, sizeof(ref));
	ASSERT_EQ(ffa_mem_send_desc_encode(buf, sizeof(buf), &d), 0);
	ASSERT_MEM_EQ(buf, ref, sizeof(buf));
}

TEST(send_desc_counts_beyond_32_bit_lengths_are_rejected_before_reading)
{
	/* NULL arrays: the encoder must give up before touching them. */
	struct ffa_mem_send_desc d = send_desc(FFA_VERSION_1_2, UINT32_MAX, 1);
	uint8_t buf[64];

	d.emads = NULL;
	ASSERT_EQ(ffa_mem_send_desc_len(&d), 0);
	ASSERT_EQ(ffa_mem_send_desc_encode(buf, SIZE_MAX, &d), 0);

	d = send_desc(FFA_VERSION_1_0, 1, UINT32_MAX);
	d.constituents = NULL;
	ASSERT_EQ(ffa_mem_send_desc_len(&d), 0);
	ASSERT_EQ(ffa_mem_send_desc_encode(buf, SIZE_MAX, &d), 0);

	d = send_desc(FFA_VERSION_1_2, UINT32_MAX, UINT32_MAX);
	d.emads = NULL;
	d.constituents = NULL;
	ASSERT_EQ(ffa_mem_send_desc_len(&d), 0);
}

TEST(send_desc_len_is_exact_up_to_the_32_bit_limit)
{
	/* 48 + 32 + 16 + 16 * n: the largest n still fits in a u32 w1. */
	struct ffa_mem_send_desc d = send_desc(FFA_VERSION_1_2, 1, 0xffffff9);

	ASSERT_EQ(ffa_mem_send_desc_len(&d), 0xfffffff0ull);
	d.constituent_count++;
	ASSERT_EQ(ffa_mem_send_desc_len(&d), 0);
}

TEST(send_desc_encode_rejects_cap_one_short_and_leaves_buffer_untouched)
{
	size_t v = 0;

	for (v = 0; v < VERSION_COUNT; v++) {
		struct ffa_mem_send_desc d = send_desc(versions[v], 2, 3);
		size_t len = ffa_mem_send_desc_len(&d);
		uint8_t *buf = malloc(len);

		ASSERT_TRUE(buf != NULL);
		memset(buf, 0x5a, len);
		ASSERT_EQ(ffa_mem_send_desc_encode(buf, len - 1, &d), 0);
		ASSERT_EQ(ffa_mem_send_desc_encode(buf, 0, &d), 0);
		ASSERT_EQ(buf[0], 0x5a);
		ASSERT_TRUE(memchr(buf, 0, len) == NULL);
		/* Exactly len fits (heap buffer: ASan checks the bound). */
		ASSERT_EQ(ffa_mem_send_desc_encode(buf, len, &d), len);
		free(buf);
	}
}

TEST(send_desc_encode_replaces_callers_composite_offsets)
{
	struct ffa_emad e[1] = { { .receiver = 0x8001,
				   .perms = FFA_PERM_DATA_RW,
				   .composite_offset = 0xdead } };
	struct ffa_mem_send_desc d = send_desc(FFA_VERSION_1_1, 1, 1);
	uint8_t buf[128];

	d.emads = e;
	ASSERT_EQ(ffa_mem_send_desc_encode(buf, sizeof(buf), &d), 96);
	ASSERT_EQ(le32_get(buf + 48 + 4), 64);
}

TEST(send_desc_without_constituents_has_an_empty_composite)
{
	struct ffa_mem_send_desc d = send_desc(FFA_VERSION_1_2, 1, 0);
	struct ffa_composite c = { .page_count = 9, .constituent_count = 9 };
	uint8_t buf[128];

	d.constituents = NULL;
	ASSERT_EQ(ffa_mem_send_desc_len(&d), 96);
	ASSERT_EQ(ffa_mem_send_desc_encode(buf, sizeof(buf), &d), 96);
	ASSERT_EQ(ffa_composite_decode(buf, 96, 80, &c), FFA_OK);
	ASSERT_EQ(c.page_count, 0);
	ASSERT_EQ(c.constituent_count, 0);
}

TEST(send_desc_v1_0_rejects_attributes_wider_than_a_byte)
{
	struct ffa_mem_send_desc d = send_desc(FFA_VERSION_1_0, 1, 1);
	uint8_t buf[128];

	d.attributes = 0x100;
	ASSERT_EQ(ffa_mem_send_desc_encode(buf, sizeof(buf), &d), 0);
	d.version = FFA_VERSION_1_1;
	ASSERT_EQ(ffa_mem_send_desc_encode(buf, sizeof(buf), &d), 96);
	ASSERT_EQ(le16_get(buf + 2), 0x100);
}

TEST(send_desc_decodes_back_to_its_input_at_every_version)
{
	size_t v = 0;

	for (v = 0; v < VERSION_COUNT; v++) {
		struct ffa_mem_send_desc d = send_desc(versions[v], 2, 3);
		bool v12 = versions[v] >= FFA_VERSION_1_2;
		struct ffa_mtd m = { 0 };
		struct ffa_composite c = { 0 };
		uint8_t buf[256];
		size_t len = 0;
		uint64_t off = 0;
		uint32_t i = 0;

		memset(buf, 0xff, sizeof(buf));
		len = ffa_mem_send_desc_encode(buf, sizeof(buf), &d);
		ASSERT_EQ(len, ffa_mem_send_desc_len(&d));
		ASSERT_EQ(ffa_mtd_decode(buf, len, versions[v], &m), FFA_OK);
		ASSERT_EQ(m.sender, 0x0001);
		ASSERT_EQ(m.attributes, FFA_MEM_ATTR_NORMAL_WB_IS);
		ASSERT_EQ(m.handle, 0);
		ASSERT_EQ(m.tag, 0x1234);
		ASSERT_EQ(m.emad_count, 2);
		ASSERT_FALSE(m.reserved_nonzero);
		for (i = 0; i < 2; i++) {
			struct ffa_emad e = { 0 };

			ASSERT_EQ(ffa_emad_decode(buf, len, &m, i, &e), FFA_OK);
			ASSERT_EQ(e.receiver, emads2[i].receiver);
			ASSERT_EQ(e.perms, emads2[i].perms);
			ASSERT_EQ(e.flags, 0);
			ASSERT_EQ(e.impdef[0], v12 ? emads2[i].impdef[0] : 0);
			ASSERT_EQ(e.impdef[1], v12 ? emads2[i].impdef[1] : 0);
			ASSERT_FALSE(e.reserved_nonzero);
			off = e.composite_offset;
		}
		ASSERT_EQ(ffa_composite_decode(buf, len, off, &c), FFA_OK);
		ASSERT_EQ(c.reserved, 0);
		ASSERT_EQ(c.constituent_count, 3);
		/* Total = composite offset + 16 + 16 * count (ffa.md 2.3). */
		ASSERT_EQ(len, off + 16 + 16 * 3);
		for (i = 0; i < 3; i++) {
			struct ffa_constituent k = { 0 };

			ASSERT_EQ(ffa_constituent_decode(buf, len,
							 off + 16 + 16 * i, &k),
				  FFA_OK);
			ASSERT_EQ(k.address, cons3[i].address);
			ASSERT_EQ(k.page_count, cons3[i].page_count);
			ASSERT_EQ(k.reserved, 0);
		}
	}
}

TEST(retrieve_req_len_follows_the_version_layout)
{
	struct ffa_mem_retrieve_req_desc d = retrieve_desc(FFA_VERSION_1_0, 1);

	ASSERT_EQ(ffa_mem_retrieve_req_len(&d), 48);
	d.version = FFA_VERSION_1_1;
	ASSERT_EQ(ffa_mem_retrieve_req_len(&d), 64);
	d.version = FFA_VERSION_1_2;
	ASSERT_EQ(ffa_mem_retrieve_req_len(&d), 80);
	d.emad_count = 2;
	ASSERT_EQ(ffa_mem_retrieve_req_len(&d), 112);
	d.emad_count = UINT32_MAX;
	ASSERT_EQ(ffa_mem_retrieve_req_len(&d), 0);
}

TEST(retrieve_req_encode_writes_zero_composite_offsets)
{
	/* A retrieve request has no composite (ffa.md 2.2). */
	struct ffa_emad e[2] = {
		{ .receiver = 0x8001, .composite_offset = 0x50 },
		{ .receiver = 0x8002, .composite_offset = 0x60 }
	};
	struct ffa_mem_retrieve_req_desc d = retrieve_desc(FFA_VERSION_1_2, 2);
	uint8_t buf[128];

	d.emads = e;
	ASSERT_EQ(ffa_mem_retrieve_req_encode(buf, sizeof(buf), &d), 112);
	ASSERT_EQ(le32_get(buf + 48 + 4), 0);
	ASSERT_EQ(le32_get(buf + 80 + 4), 0);
}

TEST(retrieve_req_hypervisor_request_is_header_with_only_the_handle)
{
	/*
	 * EMAD count 0 = hypervisor retrieve request: every field but the
	 * handle is zero, EMAD size and offset included, as in vector
	 * hf_v12_hyp_retrieve_req (testdata README, item 7).
	 */
	uint8_t want[48] = { 0 };
	struct ffa_mem_retrieve_req_desc d = { .version = FFA_VERSION_1_2,
					       .handle = 0x5 };
	uint8_t buf[64];

	want[8] = 0x05;
	memset(buf, 0xff, sizeof(buf));
	ASSERT_EQ(ffa_mem_retrieve_req_len(&d), 48);
	ASSERT_EQ(ffa_mem_retrieve_req_encode(buf, sizeof(buf), &d), 48);
	ASSERT_MEM_EQ(buf, want, 48);
	ASSERT_EQ(buf[48], 0xff);

	d.version = FFA_VERSION_1_1;
	ASSERT_EQ(ffa_mem_retrieve_req_encode(buf, sizeof(buf), &d), 48);
	ASSERT_MEM_EQ(buf, want, 48);

	d.version = FFA_VERSION_1_0;
	ASSERT_EQ(ffa_mem_retrieve_req_encode(buf, sizeof(buf), &d), 32);
	ASSERT_MEM_EQ(buf, want, 32);
}

TEST(retrieve_req_encode_rejects_cap_one_short_and_leaves_buffer_untouched)
{
	size_t v = 0;

	for (v = 0; v < VERSION_COUNT; v++) {
		struct ffa_mem_retrieve_req_desc d =
			retrieve_desc(versions[v], 2);
		size_t len = ffa_mem_retrieve_req_len(&d);
		uint8_t *buf = malloc(len);

		ASSERT_TRUE(buf != NULL);
		memset(buf, 0x5a, len);
		ASSERT_EQ(ffa_mem_retrieve_req_encode(buf, len - 1, &d), 0);
		ASSERT_TRUE(memchr(buf, 0, len) == NULL);
		ASSERT_EQ(ffa_mem_retrieve_req_encode(buf, len, &d), len);
		free(buf);
	}
}

TEST(retrieve_req_encode_rejects_emad_count_overflow_before_reading)
{
	struct ffa_mem_retrieve_req_desc d =
		retrieve_desc(FFA_VERSION_1_2, UINT32_MAX);
	uint8_t buf[64];

	d.emads = NULL;
	ASSERT_EQ(ffa_mem_retrieve_req_encode(buf, SIZE_MAX, &d), 0);
}

TEST(retrieve_req_v1_0_rejects_attributes_wider_than_a_byte)
{
	struct ffa_mem_retrieve_req_desc d = retrieve_desc(FFA_VERSION_1_0, 1);
	uint8_t buf[64];

	d.attributes = 0x12f;
	ASSERT_EQ(ffa_mem_retrieve_req_encode(buf, sizeof(buf), &d), 0);
}

TEST(retrieve_req_decodes_back_to_its_input_at_every_version)
{
	size_t v = 0;

	for (v = 0; v < VERSION_COUNT; v++) {
		struct ffa_mem_retrieve_req_desc d =
			retrieve_desc(versions[v], 2);
		struct ffa_mtd m = { 0 };
		uint8_t buf[128];
		size_t len = 0;
		uint32_t i = 0;

		memset(buf, 0xff, sizeof(buf));
		len = ffa_mem_retrieve_req_encode(buf, sizeof(buf), &d);
		ASSERT_EQ(len, ffa_mem_retrieve_req_len(&d));
		ASSERT_EQ(ffa_mtd_decode(buf, len, versions[v], &m), FFA_OK);
		ASSERT_EQ(m.sender, d.sender);
		ASSERT_EQ(m.attributes, d.attributes);
		ASSERT_EQ(m.flags, d.flags);
		ASSERT_EQ(m.handle, d.handle);
		ASSERT_EQ(m.tag, d.tag);
		ASSERT_EQ(m.emad_count, 2);
		ASSERT_EQ(m.emad_size, ffa_emad_size_for_version(versions[v]));
		ASSERT_FALSE(m.reserved_nonzero);
		for (i = 0; i < 2; i++) {
			struct ffa_emad e = { 0 };

			ASSERT_EQ(ffa_emad_decode(buf, len, &m, i, &e), FFA_OK);
			ASSERT_EQ(e.receiver, emads2[i].receiver);
			ASSERT_EQ(e.perms, emads2[i].perms);
			ASSERT_FALSE(e.reserved_nonzero);
		}
	}
}
