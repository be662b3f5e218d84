// SPDX-License-Identifier: BSD-2-Clause
/*
 * core/vmsg/transport_msg.c: counts that disagree with the payload or
 * overflow, the SET_CONFIG echo, values a profile cannot carry, and
 * reserved words (virtio-msg.md §1.2, §1.3). The byte-exact layouts are in
 * vectors_test.c.
 */
#include "test.h"

#include <tzshare/lib.h>
#include <tzshare/vmsg.h>

#define V2 VMSG_PROFILE_V2
#define PR28 VMSG_PROFILE_PR28
#define REQ 0x00
#define RSP 0x01

/* Decode header (@type, @id) + @plen payload bytes from an exact buffer. */
static int dec(enum vmsg_profile p, uint8_t type, uint8_t id, const uint8_t *pl,
	       size_t plen, struct vmsg *m)
{
	size_t len = VMSG_HDR_SIZE + plen;
	uint8_t *b = calloc(1, len);
	int rc = 0;

	ASSERT_TRUE(b != NULL);
	b[0] = type;
	b[1] = id;
	le16_put(b + 6, (uint16_t)len);
	if (plen) {
		memcpy(b + VMSG_HDR_SIZE, pl, plen);
	}
	rc = vmsg_decode(p, b, len, m);
	free(b);
	return rc;
}

static int enc(enum vmsg_profile p, const struct vmsg *m, uint8_t *out)
{
	return vmsg_encode(p, m, out, VMSG_MAX_SIZE);
}

/* ---- feature blocks ---------------------------------------------------- */

/* A features payload: block_index 0, @num_blocks, @words words i + 1. */
static size_t features_payload(uint8_t *pl, uint32_t num_blocks, size_t words)
{
	le32_put(pl, 0);
	le32_put(pl + 4, num_blocks);
	for (size_t i = 0; i < words; i++) {
		le32_put(pl + 8 + 4 * i, (uint32_t)i + 1);
	}
	return 8 + 4 * words;
}

TEST(sixteen_feature_blocks_are_the_most_a_message_carries)
{
	uint8_t pl[8 + 4 * 16];
	size_t n = features_payload(pl, 16, 16);
	struct vmsg m;

	ASSERT_EQ(dec(V2, RSP, VMSG_GET_DEVICE_FEATURES, pl, n, &m), VMSG_OK);
	ASSERT_EQ(m.u.features.num_blocks, 16);
	ASSERT_EQ(m.u.features.features[15], 16);
	ASSERT_EQ(dec(PR28, REQ, VMSG_SET_DRIVER_FEATURES, pl, n, &m), VMSG_OK);
	ASSERT_EQ(m.u.features.features[0], 1);
}

TEST(seventeen_feature_blocks_are_a_size_error_even_if_consistent)
{
	uint8_t pl[8 + 4 * 17];
	size_t n = features_payload(pl, 17, 17);
	struct vmsg m;

	ASSERT_EQ(dec(V2, RSP, VMSG_GET_DEVICE_FEATURES, pl, n, &m),
		  VMSG_E_SIZE);
	ASSERT_EQ(dec(PR28, REQ, VMSG_SET_DRIVER_FEATURES, pl, n, &m),
		  VMSG_E_SIZE);
}

TEST(feature_block_count_whose_size_wraps_32_bits_is_a_size_error)
{
	uint8_t pl[16];
	struct vmsg m;

	/* 8 + 4 * 0x40000002 = 16 modulo 2^32. */
	features_payload(pl, 0x40000002, 2);
	ASSERT_EQ(dec(V2, RSP, VMSG_GET_DEVICE_FEATURES, pl, 16, &m),
		  VMSG_E_SIZE);
	/* 8 + 4 * 0xfffffffe = 0 modulo 2^32, 8 + 4 * 0xffffffff = 4. */
	features_payload(pl, 0xfffffffe, 0);
	ASSERT_EQ(dec(V2, REQ, VMSG_SET_DRIVER_FEATURES, pl, 8, &m),
		  VMSG_E_SIZE);
	features_payload(pl, 0xffffffff, 0);
	ASSERT_EQ(dec(PR28, REQ, VMSG_SET_DRIVER_FEATURES, pl, 8, &m),
		  VMSG_E_SIZE);
}

TEST(feature_words_fewer_or_more_than_num_blocks_are_a_size_error)
{
	uint8_t pl[8 + 4 * 4];
	struct vmsg m;

	features_payload(pl, 2, 3);
	ASSERT_EQ(dec(V2, RSP, VMSG_GET_DEVICE_FEATURES, pl, 12, &m),
		  VMSG_E_SIZE);
	ASSERT_EQ(dec(V2, RSP, VMSG_GET_DEVICE_FEATURES, pl, 20, &m),
		  VMSG_E_SIZE);
	ASSERT_EQ(dec(V2, RSP, VMSG_GET_DEVICE_FEATURES, pl, 16, &m), VMSG_OK);
	/* Fewer than the 8-byte head. */
	ASSERT_EQ(dec(V2, REQ, VMSG_SET_DRIVER_FEATURES, pl, 7, &m),
		  VMSG_E_SIZE);
}

TEST(feature_request_block_count_is_not_bounded)
{
	uint8_t pl[8];
	uint8_t out[VMSG_MAX_SIZE];
	struct vmsg m;

	/* The request only asks; the response must fit. */
	features_payload(pl, 0xffffffff, 0);
	ASSERT_EQ(dec(V2, REQ, VMSG_GET_DEVICE_FEATURES, pl, 8, &m), VMSG_OK);
	ASSERT_EQ(m.u.features.num_blocks, 0xffffffff);
	ASSERT_EQ(enc(V2, &m, out), 16);
	ASSERT_EQ(le32_get(out + 12), 0xffffffff);
}

TEST(encoder_rejects_more_feature_blocks_than_a_message_carries)
{
	struct vmsg m = { .hdr = { .type = RSP,
				   .msg_id = VMSG_GET_DEVICE_FEATURES },
			  .u.features = { .num_blocks = 17 } };
	uint8_t out[VMSG_MAX_SIZE];

	ASSERT_EQ(enc(V2, &m, out), VMSG_E_SIZE);
	m.hdr.type = REQ;
	m.hdr.msg_id = VMSG_SET_DRIVER_FEATURES;
	m.u.features.num_blocks = 0xffffffff;
	ASSERT_EQ(enc(PR28, &m, out), VMSG_E_SIZE);
	m.u.features.num_blocks = 16;
	ASSERT_EQ(enc(PR28, &m, out), 8 + 8 + 64);
}

/* ---- config ------------------------------------------------------------ */

/* generation 1, offset 0, @length, then @data_len bytes 0xc0 + i. */
static size_t config_payload(uint8_t *pl, uint32_t length, size_t data_len)
{
	le32_put(pl, 1);
	le32_put(pl + 4, 0);
	le32_put(pl + 8, length);
	for (size_t i = 0; i < data_len; i++) {
		pl[12 + i] = (uint8_t)(0xc0 + i);
	}
	return 12 + data_len;
}

TEST(config_length_disagreeing_with_the_data_is_a_size_error)
{
	static const uint8_t ids[][2] = { { RSP, VMSG_GET_CONFIG },
					  { REQ, VMSG_SET_CONFIG } };
	uint8_t pl[32];
	struct vmsg m;

	for (size_t i = 0; i < 2; i++) {
		size_t n = config_payload(pl, 5, 4);

		ASSERT_EQ(dec(V2, ids[i][0], ids[i][1], pl, n, &m),
			  VMSG_E_SIZE);
		n = config_payload(pl, 3, 4);
		ASSERT_EQ(dec(PR28, ids[i][0], ids[i][1], pl, n, &m),
			  VMSG_E_SIZE);
		/* 12 + 0xfffffff4 wraps to 0, 12 + 0xffffffff to 11. */
		n = config_payload(pl, 0xfffffff4, 0);
		ASSERT_EQ(dec(V2, ids[i][0], ids[i][1], pl, n, &m),
			  VMSG_E_SIZE);
		n = config_payload(pl, 0xffffffff, 4);
		ASSERT_EQ(dec(V2, ids[i][0], ids[i][1], pl, n, &m),
			  VMSG_E_SIZE);
		/* Shorter than the 12-byte head. */
		ASSERT_EQ(dec(V2, ids[i][0], ids[i][1], pl, 11, &m),
			  VMSG_E_SIZE);
	}
}

TEST(event_config_length_disagreeing_with_the_data_is_a_size_error)
{
	uint8_t pl[32] = { 0 };
	struct vmsg m;

	le32_put(pl + 12, 4);
	ASSERT_EQ(dec(V2, REQ, VMSG_EVENT_CONFIG, pl, 20, &m), VMSG_OK);
	ASSERT_EQ(dec(V2, REQ, VMSG_EVENT_CONFIG, pl, 19, &m), VMSG_E_SIZE);
	/* 16 + 0xfffffff0 wraps to 0. */
	le32_put(pl + 12, 0xfffffff0);
	ASSERT_EQ(dec(PR28, REQ, VMSG_EVENT_CONFIG, pl, 16, &m), VMSG_E_SIZE);
	ASSERT_EQ(dec(PR28, REQ, VMSG_EVENT_CONFIG, pl, 15, &m), VMSG_E_SIZE);
}

TEST(set_config_response_echoes_all_the_data_or_none)
{
	uint8_t pl[32];
	struct vmsg m;
	size_t n = config_payload(pl, 4, 4);

	ASSERT_EQ(dec(V2, RSP, VMSG_SET_CONFIG, pl, n, &m), VMSG_OK);
	ASSERT_EQ(m.u.config.data_len, 4);
	ASSERT_EQ(m.u.config.data[3], 0xc3);
	ASSERT_EQ(dec(V2, RSP, VMSG_SET_CONFIG, pl, 12, &m), VMSG_OK);
	ASSERT_EQ(m.u.config.length, 4);
	ASSERT_EQ(m.u.config.data_len, 0);
	/* A partial echo is neither. */
	ASSERT_EQ(dec(PR28, RSP, VMSG_SET_CONFIG, pl, 14, &m), VMSG_E_SIZE);
	/* Without echo the length field is not a size: any value. */
	config_payload(pl, 0xffffffff, 0);
	ASSERT_EQ(dec(PR28, RSP, VMSG_SET_CONFIG, pl, 12, &m), VMSG_OK);
	ASSERT_EQ(m.u.config.length, 0xffffffff);
}

TEST(config_encoder_requires_the_data_to_match_the_length)
{
	struct vmsg m = { .hdr = { .type = RSP, .msg_id = VMSG_GET_CONFIG },
			  .u.config = { .length = 5, .data_len = 3 } };
	uint8_t out[VMSG_MAX_SIZE];

	ASSERT_EQ(enc(V2, &m, out), VMSG_E_SIZE);
	m.hdr.type = REQ;
	m.hdr.msg_id = VMSG_SET_CONFIG;
	ASSERT_EQ(enc(PR28, &m, out), VMSG_E_SIZE);
	m.hdr.msg_id = VMSG_EVENT_CONFIG;
	ASSERT_EQ(enc(V2, &m, out), VMSG_E_SIZE);
	/* SET_CONFIG response: no echo (data_len 0) or all of it. */
	m.hdr.type = RSP;
	m.hdr.msg_id = VMSG_SET_CONFIG;
	ASSERT_EQ(enc(V2, &m, out), VMSG_E_SIZE);
	m.u.config.data_len = 0;
	ASSERT_EQ(enc(V2, &m, out), 20);
	ASSERT_EQ(le32_get(out + 16), 5);
	m.u.config.data_len = 5;
	ASSERT_EQ(enc(V2, &m, out), 25);
	/* More data than struct vmsg_config holds. */
	m.u.config.length = VMSG_MAX_DATA + 1;
	m.u.config.data_len = VMSG_MAX_DATA + 1;
	ASSERT_EQ(enc(V2, &m, out), VMSG_E_SIZE);
}

TEST(config_messages_fill_at_most_max_size)
{
	struct vmsg m = { .hdr = { .type = RSP, .msg_id = VMSG_GET_CONFIG } };
	uint8_t out[VMSG_MAX_SIZE + 8];

	/* 8 + 12 + 244 = 264 = VMSG_MAX_SIZE. */
	m.u.config.length = m.u.config.data_len = 244;
	ASSERT_EQ(vmsg_encode(V2, &m, out, sizeof(out)), VMSG_MAX_SIZE);
	m.u.config.length = m.u.config.data_len = 245;
	ASSERT_EQ(vmsg_encode(V2, &m, out, sizeof(out)), VMSG_E_SIZE);
	/* EVENT_CONFIG has a 16-byte head: 240 bytes of data. */
	m.hdr.type = REQ;
	m.hdr.msg_id = VMSG_EVENT_CONFIG;
	m.u.config.length = m.u.config.data_len = 240;
	ASSERT_EQ(vmsg_encode(PR28, &m, out, sizeof(out)), VMSG_MAX_SIZE);
	m.u.config.length = m.u.config.data_len = 241;
	ASSERT_EQ(vmsg_encode(PR28, &m, out, sizeof(out)), VMSG_E_SIZE);
}

/* ---- values one profile cannot carry ---------------------------------- */

TEST(v2_feature_block_count_beyond_32_bit_bits_is_a_range_error)
{
	uint8_t pl[44] = { 0 };
	struct vmsg m;

	le32_put(pl + 24, 0x08000000); /* 2^32 bits */
	ASSERT_EQ(dec(V2, RSP, VMSG_GET_DEVICE_INFO, pl, 44, &m), VMSG_E_RANGE);
	le32_put(pl + 24, 0x07ffffff);
	ASSERT_EQ(dec(V2, RSP, VMSG_GET_DEVICE_INFO, pl, 44, &m), VMSG_OK);
	ASSERT_EQ(m.u.dev_info.num_feature_bits, 0xffffffe0);
}

TEST(v2_cannot_encode_feature_bits_that_are_not_whole_blocks)
{
	struct vmsg m = { .hdr = { .type = RSP,
				   .msg_id = VMSG_GET_DEVICE_INFO },
			  .u.dev_info = { .num_feature_bits = 33 } };
	uint8_t out[VMSG_MAX_SIZE];

	ASSERT_EQ(enc(V2, &m, out), VMSG_E_RANGE);
	/* PR28 carries bits as they are. */
	ASSERT_EQ(enc(PR28, &m, out), 32);
	ASSERT_EQ(le32_get(out + 16), 33);
	m.u.dev_info.num_feature_bits = 96;
	ASSERT_EQ(enc(V2, &m, out), 52);
	ASSERT_EQ(le32_get(out + 32), 3);
}

TEST(pr28_cannot_encode_admin_queue_fields_above_u16)
{
	struct vmsg m = { .hdr = { .type = RSP,
				   .msg_id = VMSG_GET_DEVICE_INFO },
			  .u.dev_info = { .admin_vq_start = 0x10000 } };
	uint8_t out[VMSG_MAX_SIZE];

	ASSERT_EQ(enc(PR28, &m, out), VMSG_E_RANGE);
	ASSERT_EQ(enc(V2, &m, out), 52);
	m.u.dev_info.admin_vq_start = 0xffff;
	m.u.dev_info.admin_vq_count = 0x10000;
	ASSERT_EQ(enc(PR28, &m, out), VMSG_E_RANGE);
	m.u.dev_info.admin_vq_count = 0xffff;
	ASSERT_EQ(enc(PR28, &m, out), 32);
	ASSERT_EQ(le16_get(out + 28), 0xffff);
	ASSERT_EQ(le16_get(out + 30), 0xffff);
}

TEST(pr28_cannot_encode_shm_length_or_address_above_32_bits)
{
	struct vmsg m = { .hdr = { .type = RSP, .msg_id = VMSG_GET_SHM },
			  .u.shm = { .length = 0x100000000ull } };
	uint8_t out[VMSG_MAX_SIZE];

	ASSERT_EQ(enc(PR28, &m, out), VMSG_E_RANGE);
	ASSERT_EQ(enc(V2, &m, out), 32);
	m.u.shm.length = 0xffffffff;
	m.u.shm.address = 0x100000000ull;
	ASSERT_EQ(enc(PR28, &m, out), VMSG_E_RANGE);
	m.u.shm.address = 0xffffffff;
	ASSERT_EQ(enc(PR28, &m, out), 20);
}

TEST(pr28_leaves_out_the_v2_device_uuid)
{
	struct vmsg m = {
		.hdr = { .type = RSP, .msg_id = VMSG_GET_DEVICE_INFO },
		.u.dev_info = { .device_id = 19,
				.uuid = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
					  13, 14, 15, 16 },
				.num_feature_bits = 64 }
	};
	struct vmsg plain = m;
	uint8_t a[VMSG_MAX_SIZE], b[VMSG_MAX_SIZE];

	memset(plain.u.dev_info.uuid, 0, 16);
	ASSERT_EQ(enc(PR28, &m, a), 32);
	ASSERT_EQ(enc(PR28, &plain, b), 32);
	ASSERT_MEM_EQ(a, b, 32);
	ASSERT_EQ(le32_get(a + 16), 64);
}

/* ---- reserved words ----------------------------------------------------- */

TEST(pr28_writes_the_reserved_vqueue_words_as_zero)
{
	struct vmsg m = { .hdr = { .type = RSP, .msg_id = VMSG_GET_VQUEUE },
			  .u.vqueue = { .index = 1, .flags = 0xffffffff } };
	uint8_t out[VMSG_MAX_SIZE];

	memset(out, 0xee, sizeof(out));
	ASSERT_EQ(enc(PR28, &m, out), 48);
	ASSERT_EQ(le32_get(out + 8 + 12), 0);
	ASSERT_EQ(enc(V2, &m, out), 48);
	ASSERT_EQ(le32_get(out + 8 + 12), 0xffffffff);
	m.hdr.type = REQ;
	m.hdr.msg_id = VMSG_SET_VQUEUE;
	ASSERT_EQ(enc(PR28, &m, out), 48);
	ASSERT_EQ(le32_get(out + 8 + 4), 0);
	ASSERT_EQ(le32_get(out + 8 + 12), 0);
	ASSERT_EQ(enc(V2, &m, out), 48);
	ASSERT_EQ(le32_get(out + 8 + 4), 0xffffffff);
	ASSERT_EQ(le32_get(out + 8 + 12), 0);
}

TEST(reserved_vqueue_and_shm_words_are_ignored_on_receipt)
{
	uint8_t pl[40] = { 0 };
	struct vmsg m;

	le32_put(pl, 3);
	le32_put(pl + 4, 0xa5a5a5a5);
	le32_put(pl + 12, 0x5a5a5a5a);
	/* PR28 GET response: the word at 12 is reserved. */
	ASSERT_EQ(dec(PR28, RSP, VMSG_GET_VQUEUE, pl, 40, &m), VMSG_OK);
	ASSERT_EQ(m.u.vqueue.flags, 0);
	ASSERT_EQ(m.u.vqueue.max_size, 0xa5a5a5a5);
	/* PR28 SET request: both words at 4 and 12 are reserved. */
	ASSERT_EQ(dec(PR28, REQ, VMSG_SET_VQUEUE, pl, 40, &m), VMSG_OK);
	ASSERT_EQ(m.u.vqueue.flags, 0);
	ASSERT_EQ(m.u.vqueue.max_size, 0);
	/* V2 SET request: flags at 4, reserved at 12. */
	ASSERT_EQ(dec(V2, REQ, VMSG_SET_VQUEUE, pl, 40, &m), VMSG_OK);
	ASSERT_EQ(m.u.vqueue.flags, 0xa5a5a5a5);
	ASSERT_EQ(m.u.vqueue.index, 3);
	/* V2 GET_SHM response: reserved u32 at 4. */
	memset(pl + 8, 0, sizeof(pl) - 8);
	ASSERT_EQ(dec(V2, RSP, VMSG_GET_SHM, pl, 24, &m), VMSG_OK);
	ASSERT_EQ(m.u.shm.index, 3);
	ASSERT_EQ(m.u.shm.length, 0);
}

/* ---- profile skew (testdata README item 4) ---------------------------- */

TEST(device_info_and_shm_responses_of_one_profile_are_size_errors_in_other)
{
	uint8_t pl[44] = { 0 };
	struct vmsg m;

	ASSERT_EQ(dec(V2, RSP, VMSG_GET_DEVICE_INFO, pl, 24, &m), VMSG_E_SIZE);
	ASSERT_EQ(dec(PR28, RSP, VMSG_GET_DEVICE_INFO, pl, 44, &m),
		  VMSG_E_SIZE);
	ASSERT_EQ(dec(V2, RSP, VMSG_GET_SHM, pl, 12, &m), VMSG_E_SIZE);
	ASSERT_EQ(dec(PR28, RSP, VMSG_GET_SHM, pl, 24, &m), VMSG_E_SIZE);
}
