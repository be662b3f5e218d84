// SPDX-License-Identifier: BSD-2-Clause
/*
 * core/vmsg/hdr.c and the header checks of vmsg_decode()/vmsg_encode()
 * (virtio-msg.md §1.1): field order, reserved type bits, msg_size bounds
 * and the order in which those rules apply.
 */
#include "test.h"

#include <tzshare/vmsg.h>

static const enum vmsg_profile profiles[] = { VMSG_PROFILE_V2,
					      VMSG_PROFILE_PR28 };

/* A header with dev_num 1 and token 0x1234. */
static void put_hdr(uint8_t *b, uint8_t type, uint8_t id, uint16_t size)
{
	b[0] = type;
	b[1] = id;
	b[2] = 0x01;
	b[3] = 0x00;
	b[4] = 0x34;
	b[5] = 0x12;
	b[6] = (uint8_t)size;
	b[7] = (uint8_t)(size >> 8);
}

TEST(hdr_decode_reads_every_field_little_endian_at_its_offset)
{
	static const uint8_t b[] = { 0x03, 0x87, 0x02, 0x01, 0x04,
				     0x03, 0x0a, 0x00, 0x09, 0x00 };
	struct vmsg_hdr h;

	memset(&h, 0xff, sizeof(h));
	ASSERT_EQ(vmsg_hdr_decode(b, sizeof(b), &h), VMSG_OK);
	ASSERT_EQ(h.type, 0x03);
	ASSERT_EQ(h.msg_id, 0x87);
	ASSERT_EQ(h.dev_num, 0x0102);
	ASSERT_EQ(h.token, 0x0304);
	ASSERT_EQ(h.msg_size, 10);
}

TEST(hdr_decode_routes_messages_whose_payload_it_does_not_check)
{
	/* Unknown ID, odd payload: routing needs only the header. */
	uint8_t b[40] = { 0 };
	struct vmsg_hdr h;

	put_hdr(b, 0x02, 0x9f, 37);
	ASSERT_EQ(vmsg_hdr_decode(b, sizeof(b), &h), VMSG_OK);
	ASSERT_EQ(h.msg_id, 0x9f);
	ASSERT_EQ(h.msg_size, 37);
}

TEST(buffer_shorter_than_the_header_is_truncated)
{
	uint8_t full[8];

	put_hdr(full, 0x00, 0x07, 8);
	for (size_t len = 0; len < 8; len++) {
		uint8_t *b = malloc(len ? len : 1);
		struct vmsg_hdr h;
		struct vmsg m;

		memcpy(b, full, len);
		ASSERT_EQ(vmsg_hdr_decode(b, len, &h), VMSG_E_TRUNCATED);
		for (size_t p = 0; p < 2; p++) {
			ASSERT_EQ(vmsg_decode(profiles[p], b, len, &m),
				  VMSG_E_TRUNCATED);
		}
		free(b);
	}
}

TEST(each_reserved_type_bit_is_malformed)
{
	for (unsigned int bit = 2; bit < 8; bit++) {
		uint8_t b[8];
		struct vmsg_hdr h;
		struct vmsg m;

		put_hdr(b, (uint8_t)(1u << bit), 0x07, 8);
		ASSERT_EQ(vmsg_hdr_decode(b, sizeof(b), &h), VMSG_E_MALFORMED);
		for (size_t p = 0; p < 2; p++) {
			ASSERT_EQ(vmsg_decode(profiles[p], b, sizeof(b), &m),
				  VMSG_E_MALFORMED);
		}
	}
}

TEST(encoder_rejects_reserved_type_bits_as_malformed)
{
	for (unsigned int bit = 2; bit < 8; bit++) {
		struct vmsg m = { .hdr = { .type = (uint8_t)(1u << bit),
					   .msg_id = VMSG_GET_DEVICE_STATUS } };
		uint8_t b[16];

		memset(b, 0xee, sizeof(b));
		for (size_t p = 0; p < 2; p++) {
			ASSERT_EQ(vmsg_encode(profiles[p], &m, b, sizeof(b)),
				  VMSG_E_MALFORMED);
		}
		ASSERT_EQ(b[0], 0xee);
	}
}

TEST(msg_size_below_the_header_size_is_malformed)
{
	for (unsigned int size = 0; size < 8; size++) {
		uint8_t b[8];
		struct vmsg_hdr h;
		struct vmsg m;

		put_hdr(b, 0x00, 0x07, (uint16_t)size);
		ASSERT_EQ(vmsg_hdr_decode(b, sizeof(b), &h), VMSG_E_MALFORMED);
		ASSERT_EQ(vmsg_decode(VMSG_PROFILE_V2, b, sizeof(b), &m),
			  VMSG_E_MALFORMED);
	}
}

TEST(msg_size_beyond_the_buffer_is_truncated)
{
	uint8_t b[12] = { 0 };
	struct vmsg_hdr h;
	struct vmsg m;

	/* GET_DEVICE_STATUS response, 12 bytes, in 11. */
	put_hdr(b, 0x01, 0x07, 12);
	ASSERT_EQ(vmsg_hdr_decode(b, 11, &h), VMSG_E_TRUNCATED);
	ASSERT_EQ(vmsg_decode(VMSG_PROFILE_PR28, b, 11, &m), VMSG_E_TRUNCATED);
	put_hdr(b, 0x01, 0x07, 0xffff);
	ASSERT_EQ(vmsg_decode(VMSG_PROFILE_V2, b, sizeof(b), &m),
		  VMSG_E_TRUNCATED);
	ASSERT_EQ(vmsg_decode(VMSG_PROFILE_V2, b, 12, &m), VMSG_E_TRUNCATED);
}

TEST(header_rules_apply_type_bits_then_msg_size_floor_then_length)
{
	uint8_t b[8];
	struct vmsg m;

	/* Reserved bit and a too small msg_size: the type wins. */
	put_hdr(b, 0x80, 0x07, 3);
	ASSERT_EQ(vmsg_decode(VMSG_PROFILE_V2, b, sizeof(b), &m),
		  VMSG_E_MALFORMED);
	/* Reserved bit and a msg_size past the buffer: still malformed. */
	put_hdr(b, 0x04, 0x07, 100);
	ASSERT_EQ(vmsg_decode(VMSG_PROFILE_V2, b, sizeof(b), &m),
		  VMSG_E_MALFORMED);
	/* Truncation comes before the message ID is looked at. */
	put_hdr(b, 0x00, 0xff, 100);
	ASSERT_EQ(vmsg_decode(VMSG_PROFILE_V2, b, sizeof(b), &m),
		  VMSG_E_TRUNCATED);
}

TEST(message_larger_than_max_size_is_a_size_error_whatever_its_id)
{
	uint8_t *b = calloc(1, VMSG_MAX_SIZE + 1);
	struct vmsg m;

	ASSERT_TRUE(b != NULL);
	/* GET_CONFIG response with 245 data bytes: 265 > 264. */
	put_hdr(b, 0x01, VMSG_GET_CONFIG, VMSG_MAX_SIZE + 1);
	b[16] = VMSG_MAX_SIZE + 1 - 20;
	ASSERT_EQ(vmsg_decode(VMSG_PROFILE_V2, b, VMSG_MAX_SIZE + 1, &m),
		  VMSG_E_SIZE);
	put_hdr(b, 0x00, 0xff, VMSG_MAX_SIZE + 1);
	ASSERT_EQ(vmsg_decode(VMSG_PROFILE_PR28, b, VMSG_MAX_SIZE + 1, &m),
		  VMSG_E_SIZE);
	/* 244 data bytes make exactly VMSG_MAX_SIZE: accepted. */
	put_hdr(b, 0x01, VMSG_GET_CONFIG, VMSG_MAX_SIZE);
	b[16] = VMSG_MAX_SIZE - 20;
	ASSERT_EQ(vmsg_decode(VMSG_PROFILE_V2, b, VMSG_MAX_SIZE, &m), VMSG_OK);
	ASSERT_EQ(m.u.config.data_len, VMSG_MAX_SIZE - 20);
	free(b);
}

TEST(token_and_dev_num_pass_through_unchecked)
{
	/* Token 0 on a bus request (QEMU, testdata README item 1). */
	static const uint8_t ping[] = { 0x02, 0x03, 0x00, 0x00, 0x00, 0x00,
					0x0c, 0x00, 0x01, 0x00, 0x00, 0x00 };
	struct vmsg m;
	uint8_t out[16];

	ASSERT_EQ(vmsg_decode(VMSG_PROFILE_V2, ping, sizeof(ping), &m),
		  VMSG_OK);
	ASSERT_EQ(m.hdr.token, 0);
	m.hdr.token = 0xffff;
	m.hdr.dev_num = 0xfffe;
	ASSERT_EQ(vmsg_encode(VMSG_PROFILE_V2, &m, out, sizeof(out)), 12);
	ASSERT_EQ(out[2], 0xfe);
	ASSERT_EQ(out[3], 0xff);
	ASSERT_EQ(out[4], 0xff);
	ASSERT_EQ(out[5], 0xff);
}

TEST(encoder_ignores_the_callers_msg_size)
{
	struct vmsg m = { .hdr = { .type = VMSG_TYPE_RESPONSE,
				   .msg_id = VMSG_GET_DEVICE_STATUS,
				   .msg_size = 200 },
			  .u.status = 0x0f };
	uint8_t out[16];

	ASSERT_EQ(vmsg_encode(VMSG_PROFILE_PR28, &m, out, sizeof(out)), 12);
	ASSERT_EQ(out[6], 12);
	ASSERT_EQ(out[7], 0);
}
