// SPDX-License-Identifier: BSD-2-Clause
/*
 * core/vsock/hdr.c: the 44-byte packet header (every op, byte-exact), the
 * odd-bit report, whole-packet length checks, device config and events
 * (virtio-msg.md §4). Short inputs live in heap buffers of their exact
 * size so the sanitizer build catches any read past the end.
 */
#include "test.h"

#include <tzshare/vsock.h>

struct vec {
	const char *name;
	uint8_t b[VSOCK_HDR_SIZE];
	struct vsock_hdr h;
};

/* Shapes as Linux sends them (capture in ecosystem.md §4a), plus SHMEM. */
static const struct vec vecs[] = {
	{ "INVALID",
	  { 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00,
	    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0xd2, 0x04,
	    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
	    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 },
	  { 3, 2, 1024, 1234, 0, 1, VSOCK_OP_INVALID, 0, 0, 0u } },
	{ "REQUEST",
	  { 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00,
	    0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x04, 0x00, 0x00, 0xd2, 0x04,
	    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00,
	    0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00 },
	  { 3, 2, 1025, 1234, 0, 1, VSOCK_OP_REQUEST, 0, 262144, 0u } },
	{ "RESPONSE",
	  { 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00,
	    0x00, 0x00, 0x00, 0x00, 0x00, 0xd2, 0x04, 0x00, 0x00, 0x01, 0x04,
	    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x02, 0x00, 0x00,
	    0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00 },
	  { 2, 3, 1234, 1025, 0, 1, VSOCK_OP_RESPONSE, 0, 262144, 0u } },
	{ "RST",
	  { 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00,
	    0x00, 0x00, 0x00, 0x00, 0x00, 0xd2, 0x04, 0x00, 0x00, 0x02, 0x04,
	    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x03, 0x00, 0x00,
	    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 },
	  { 2, 3, 1234, 1026, 0, 1, VSOCK_OP_RST, 0, 0, 0u } },
	{ "SHUTDOWN",
	  { 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00,
	    0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x04, 0x00, 0x00, 0xd2, 0x04,
	    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x04, 0x00, 0x03,
	    0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x0b, 0x00, 0x00, 0x00 },
	  { 3, 2, 1025, 1234, 0, 1, VSOCK_OP_SHUTDOWN, 3, 262144, 11u } },
	{ "RW",
	  { 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00,
	    0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x04, 0x00, 0x00, 0xd2, 0x04,
	    0x00, 0x00, 0x0b, 0x00, 0x00, 0x00, 0x02, 0x00, 0x05, 0x00, 0x03,
	    0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00 },
	  { 3, 2, 1025, 1234, 11, 2, VSOCK_OP_RW, 3, 262144, 0u } },
	{ "CREDIT_UPDATE",
	  { 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00,
	    0x00, 0x00, 0x00, 0x00, 0x00, 0xd2, 0x04, 0x00, 0x00, 0x01, 0x04,
	    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x06, 0x00, 0x00,
	    0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x0b, 0x00, 0x00, 0x00 },
	  { 2, 3, 1234, 1025, 0, 1, VSOCK_OP_CREDIT_UPDATE, 0, 262144, 11u } },
	{ "CREDIT_REQUEST",
	  { 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00,
	    0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x04, 0x00, 0x00, 0xd2, 0x04,
	    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x07, 0x00, 0x00,
	    0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x10, 0x00, 0x00 },
	  { 3, 2, 1025, 1234, 0, 1, VSOCK_OP_CREDIT_REQUEST, 0, 65536,
	    4096u } },
	{ "SHMEM",
	  { 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00,
	    0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x04, 0x00, 0x00, 0xd2, 0x04,
	    0x00, 0x00, 0x38, 0x00, 0x00, 0x00, 0x01, 0x00, 0x08, 0x00, 0x00,
	    0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x01, 0x00, 0x00, 0x80 },
	  { 3, 2, 1025, 1234, 56, 1, VSOCK_OP_SHMEM, 0, 4096, 0x80000001u } },
};

static void assert_hdr_eq(const struct vsock_hdr *a, const struct vsock_hdr *b)
{
	ASSERT_EQ(a->src_cid, b->src_cid);
	ASSERT_EQ(a->dst_cid, b->dst_cid);
	ASSERT_EQ(a->src_port, b->src_port);
	ASSERT_EQ(a->dst_port, b->dst_port);
	ASSERT_EQ(a->len, b->len);
	ASSERT_EQ(a->type, b->type);
	ASSERT_EQ(a->op, b->op);
	ASSERT_EQ(a->flags, b->flags);
	ASSERT_EQ(a->buf_alloc, b->buf_alloc);
	ASSERT_EQ(a->fwd_cnt, b->fwd_cnt);
}

/* A heap copy of exactly @len bytes (at least 1 allocated). */
static uint8_t *exact(const uint8_t *src, size_t len)
{
	uint8_t *p = malloc(len ? len : 1);

	ASSERT_TRUE(p != NULL);
	memcpy(p, src, len);
	return p;
}

TEST(every_op_vector_decodes_to_its_fields_with_nothing_odd)
{
	ASSERT_EQ(sizeof(vecs) / sizeof(vecs[0]), VSOCK_OP_MAX + 1);
	for (size_t i = 0; i < sizeof(vecs) / sizeof(vecs[0]); i++) {
		struct vsock_hdr h;
		uint32_t odd = 0xff;
		uint8_t *b = exact(vecs[i].b, VSOCK_HDR_SIZE);

		ASSERT_EQ(vecs[i].h.op, i);
		ASSERT_EQ(vsock_hdr_decode(b, VSOCK_HDR_SIZE, &h, &odd),
			  VSOCK_OK);
		assert_hdr_eq(&h, &vecs[i].h);
		ASSERT_EQ(odd, 0);
		ASSERT_TRUE(strcmp(vsock_op_name(h.op), vecs[i].name) == 0);
		free(b);
	}
}

TEST(every_op_vector_encodes_to_its_exact_bytes)
{
	for (size_t i = 0; i < sizeof(vecs) / sizeof(vecs[0]); i++) {
		uint8_t b[VSOCK_HDR_SIZE + 4];

		memset(b, 0xa5, sizeof(b));
		ASSERT_EQ(vsock_hdr_encode(&vecs[i].h, b, VSOCK_HDR_SIZE),
			  VSOCK_HDR_SIZE);
		ASSERT_MEM_EQ(b, vecs[i].b, VSOCK_HDR_SIZE);
		/* Nothing written past the header. */
		ASSERT_EQ(b[VSOCK_HDR_SIZE], 0xa5);
	}
}

TEST(hdr_fields_are_little_endian_at_their_offsets)
{
	uint8_t b[VSOCK_HDR_SIZE], again[VSOCK_HDR_SIZE];
	struct vsock_hdr h;

	for (int i = 0; i < VSOCK_HDR_SIZE; i++) {
		b[i] = (uint8_t)(0x10 + i);
	}
	b[30] = VSOCK_OP_RW; /* a known op */
	b[31] = 0;
	ASSERT_EQ(vsock_hdr_decode(b, sizeof(b), &h, NULL), VSOCK_OK);
	ASSERT_EQ(h.src_cid, 0x1716151413121110ull);
	ASSERT_EQ(h.dst_cid, 0x1f1e1d1c1b1a1918ull);
	ASSERT_EQ(h.src_port, 0x23222120u);
	ASSERT_EQ(h.dst_port, 0x27262524u);
	ASSERT_EQ(h.len, 0x2b2a2928u);
	ASSERT_EQ(h.type, 0x2d2cu);
	ASSERT_EQ(h.op, VSOCK_OP_RW);
	ASSERT_EQ(h.flags, 0x33323130u);
	ASSERT_EQ(h.buf_alloc, 0x37363534u);
	ASSERT_EQ(h.fwd_cnt, 0x3b3a3938u);
	ASSERT_EQ(vsock_hdr_encode(&h, again, sizeof(again)), VSOCK_HDR_SIZE);
	ASSERT_MEM_EQ(again, b, sizeof(b));
}

TEST(hdr_shorter_than_44_bytes_is_truncated_and_left_untouched)
{
	for (size_t len = 0; len < VSOCK_HDR_SIZE; len++) {
		uint8_t *b = exact(vecs[VSOCK_OP_RW].b, len);
		struct vsock_hdr h, before;
		uint32_t odd = 0x5a;

		memset(&h, 0xee, sizeof(h));
		before = h;
		ASSERT_EQ(vsock_hdr_decode(b, len, &h, &odd),
			  VSOCK_E_TRUNCATED);
		ASSERT_MEM_EQ(&h, &before, sizeof(h));
		ASSERT_EQ(odd, 0x5a);
		free(b);
	}
}

TEST(hdr_decode_reads_only_the_header_of_a_longer_buffer)
{
	uint8_t b[VSOCK_HDR_SIZE + 11];
	struct vsock_hdr h;

	memcpy(b, vecs[VSOCK_OP_RW].b, VSOCK_HDR_SIZE);
	memset(b + VSOCK_HDR_SIZE, 'x', 11);
	ASSERT_EQ(vsock_hdr_decode(b, sizeof(b), &h, NULL), VSOCK_OK);
	assert_hdr_eq(&h, &vecs[VSOCK_OP_RW].h);
}

TEST(op_above_shmem_is_unknown_op_with_the_header_filled)
{
	static const uint16_t ops[] = { 9, 0x100, 0xffff };

	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		uint8_t b[VSOCK_HDR_SIZE];
		struct vsock_hdr h;
		uint32_t odd = 0xff;

		memcpy(b, vecs[VSOCK_OP_REQUEST].b, sizeof(b));
		b[30] = (uint8_t)ops[i];
		b[31] = (uint8_t)(ops[i] >> 8);
		memset(&h, 0, sizeof(h));
		ASSERT_EQ(vsock_hdr_decode(b, sizeof(b), &h, &odd),
			  VSOCK_E_UNKNOWN_OP);
		ASSERT_EQ(h.op, ops[i]);
		/* The tuple is there to answer with RST. */
		ASSERT_EQ(h.src_cid, 3);
		ASSERT_EQ(h.dst_cid, 2);
		ASSERT_EQ(h.src_port, 1025);
		ASSERT_EQ(h.dst_port, 1234);
		ASSERT_EQ(h.type, VSOCK_TYPE_STREAM);
		ASSERT_EQ(odd, 0);
		ASSERT_FALSE(vsock_op_known(ops[i]));
		ASSERT_TRUE(strcmp(vsock_op_name(ops[i]), "?") == 0);
	}
}

TEST(encode_refuses_an_unknown_op_before_checking_room)
{
	struct vsock_hdr h = vecs[VSOCK_OP_RW].h;
	uint8_t b[VSOCK_HDR_SIZE];

	memset(b, 0xa5, sizeof(b));
	h.op = 9;
	ASSERT_EQ(vsock_hdr_encode(&h, b, sizeof(b)), VSOCK_E_UNKNOWN_OP);
	ASSERT_EQ(vsock_hdr_encode(&h, b, 0), VSOCK_E_UNKNOWN_OP);
	ASSERT_EQ(b[0], 0xa5);
}

TEST(encode_into_fewer_than_44_bytes_is_nospace_and_writes_nothing)
{
	uint8_t b[VSOCK_HDR_SIZE];

	memset(b, 0xa5, sizeof(b));
	ASSERT_EQ(vsock_hdr_encode(&vecs[VSOCK_OP_RW].h, b, VSOCK_HDR_SIZE - 1),
		  VSOCK_E_NOSPACE);
	for (size_t i = 0; i < sizeof(b); i++) {
		ASSERT_EQ(b[i], 0xa5);
	}
}

/* Decode @h's encoding and return its odd bits (decode must succeed). */
static uint32_t odd_of(struct vsock_hdr h)
{
	uint8_t b[VSOCK_HDR_SIZE];
	struct vsock_hdr d;
	uint32_t odd = 0;

	ASSERT_EQ(vsock_hdr_encode(&h, b, sizeof(b)), VSOCK_HDR_SIZE);
	ASSERT_EQ(vsock_hdr_decode(b, sizeof(b), &d, &odd), VSOCK_OK);
	ASSERT_EQ(vsock_hdr_odd(&h), odd);
	return odd;
}

TEST(type_other_than_stream_or_seqpacket_is_odd)
{
	struct vsock_hdr h = vecs[VSOCK_OP_REQUEST].h;

	h.type = 0;
	ASSERT_EQ(odd_of(h), VSOCK_ODD_TYPE);
	h.type = 3;
	ASSERT_EQ(odd_of(h), VSOCK_ODD_TYPE);
	h.type = VSOCK_TYPE_SEQPACKET;
	ASSERT_EQ(odd_of(h), 0);
}

TEST(flags_on_an_op_that_defines_none_are_odd)
{
	for (uint16_t op = 0; op <= VSOCK_OP_MAX; op++) {
		struct vsock_hdr h = vecs[op].h;

		if (op == VSOCK_OP_SHUTDOWN || op == VSOCK_OP_RW) {
			continue;
		}
		h.flags = 1;
		ASSERT_EQ(odd_of(h), VSOCK_ODD_FLAGS);
		h.flags = 0x80000000u;
		ASSERT_EQ(odd_of(h), VSOCK_ODD_FLAGS);
	}
}

TEST(shutdown_flags_beyond_rcv_and_send_are_odd)
{
	struct vsock_hdr h = vecs[VSOCK_OP_SHUTDOWN].h;

	h.flags = VSOCK_SHUTDOWN_RCV;
	ASSERT_EQ(odd_of(h), 0);
	h.flags = VSOCK_SHUTDOWN_SEND;
	ASSERT_EQ(odd_of(h), 0);
	h.flags = 4;
	ASSERT_EQ(odd_of(h), VSOCK_ODD_FLAGS);
}

TEST(eom_and_eor_are_seqpacket_only_rw_flags)
{
	struct vsock_hdr h = vecs[VSOCK_OP_RW].h;

	h.flags = VSOCK_SEQ_EOM | VSOCK_SEQ_EOR;
	ASSERT_EQ(odd_of(h), 0);
	h.flags = 4;
	ASSERT_EQ(odd_of(h), VSOCK_ODD_FLAGS);
	h.type = VSOCK_TYPE_STREAM;
	h.flags = VSOCK_SEQ_EOM;
	ASSERT_EQ(odd_of(h), VSOCK_ODD_FLAGS);
	h.flags = 0;
	ASSERT_EQ(odd_of(h), 0);
}

TEST(upper_32_bits_of_either_cid_are_odd)
{
	struct vsock_hdr h = vecs[VSOCK_OP_REQUEST].h;

	h.src_cid = 0x100000003ull;
	ASSERT_EQ(odd_of(h), VSOCK_ODD_CID);
	h.src_cid = 3;
	h.dst_cid = 0x8000000000000002ull;
	ASSERT_EQ(odd_of(h), VSOCK_ODD_CID);
	h.dst_cid = VSOCK_CID_ANY; /* reserved value, but 32-bit: not odd */
	ASSERT_EQ(odd_of(h), 0);
}

TEST(payload_length_on_a_control_op_is_odd)
{
	for (uint16_t op = 0; op <= VSOCK_OP_MAX; op++) {
		struct vsock_hdr h = vecs[op].h;
		bool carries = op == VSOCK_OP_RW || op == VSOCK_OP_SHMEM;

		h.len = 1;
		ASSERT_EQ(odd_of(h), carries ? 0 : VSOCK_ODD_LEN);
	}
}

TEST(odd_bits_accumulate)
{
	struct vsock_hdr h = vecs[VSOCK_OP_RST].h;

	h.type = 7;
	h.flags = 1;
	h.src_cid = 1ull << 40;
	h.len = 5;
	ASSERT_EQ(odd_of(h), VSOCK_ODD_TYPE | VSOCK_ODD_FLAGS | VSOCK_ODD_CID |
				     VSOCK_ODD_LEN);
}

/* A packet: the RW header with len @plen, then @avail payload bytes. */
static uint8_t *packet(uint32_t plen, size_t avail)
{
	uint8_t *b = malloc(VSOCK_HDR_SIZE + avail);
	struct vsock_hdr h = vecs[VSOCK_OP_RW].h;

	ASSERT_TRUE(b != NULL);
	h.len = plen;
	ASSERT_EQ(vsock_hdr_encode(&h, b, VSOCK_HDR_SIZE), VSOCK_HDR_SIZE);
	memset(b + VSOCK_HDR_SIZE, 'p', avail);
	return b;
}

TEST(packet_with_exactly_len_payload_bytes_decodes)
{
	uint8_t *b = packet(11, 11);
	const uint8_t *payload = NULL;
	struct vsock_hdr h;
	uint32_t odd = 0xff;

	ASSERT_EQ(vsock_pkt_decode(b, VSOCK_HDR_SIZE + 11, &h, &payload, &odd),
		  VSOCK_OK);
	ASSERT_TRUE(payload == b + VSOCK_HDR_SIZE);
	ASSERT_EQ(h.len, 11);
	ASSERT_EQ(odd, 0);
	free(b);
}

TEST(packet_with_fewer_payload_bytes_than_len_is_truncated)
{
	uint8_t *b = packet(11, 10);
	const uint8_t *payload = NULL;
	struct vsock_hdr h;

	ASSERT_EQ(vsock_pkt_decode(b, VSOCK_HDR_SIZE + 10, &h, &payload, NULL),
		  VSOCK_E_TRUNCATED);
	ASSERT_TRUE(payload == NULL);
	free(b);
}

TEST(packet_with_len_near_u32_max_is_truncated_without_overflow)
{
	uint8_t *b = packet(0xffffffffu, 4);
	const uint8_t *payload = NULL;
	struct vsock_hdr h;

	ASSERT_EQ(vsock_pkt_decode(b, VSOCK_HDR_SIZE + 4, &h, &payload, NULL),
		  VSOCK_E_TRUNCATED);
	free(b);
}

TEST(packet_with_bytes_beyond_len_is_a_length_error)
{
	uint8_t *b = packet(11, 12);
	const uint8_t *payload = NULL;
	struct vsock_hdr h;

	ASSERT_EQ(vsock_pkt_decode(b, VSOCK_HDR_SIZE + 12, &h, &payload, NULL),
		  VSOCK_E_LENGTH);
	ASSERT_TRUE(payload == NULL);
	free(b);
}

TEST(packet_header_errors_come_first)
{
	uint8_t *b = packet(0, 0);
	const uint8_t *payload = NULL;
	struct vsock_hdr h;

	ASSERT_EQ(vsock_pkt_decode(b, VSOCK_HDR_SIZE - 1, &h, &payload, NULL),
		  VSOCK_E_TRUNCATED);
	b[30] = 9;
	ASSERT_EQ(vsock_pkt_decode(b, VSOCK_HDR_SIZE, &h, &payload, NULL),
		  VSOCK_E_UNKNOWN_OP);
	ASSERT_TRUE(payload == NULL);
	free(b);
}

TEST(config_guest_cid_is_le64)
{
	static const uint8_t v[] = { 0x03, 0, 0, 0, 0, 0, 0, 0 };
	uint8_t out[VSOCK_CONFIG_SIZE];
	uint64_t cid = 0;
	uint32_t odd = 0xff;

	ASSERT_EQ(vsock_config_decode(v, sizeof(v), &cid, &odd), VSOCK_OK);
	ASSERT_EQ(cid, 3);
	ASSERT_EQ(odd, 0);
	ASSERT_EQ(vsock_config_encode(3, out, sizeof(out)), VSOCK_CONFIG_SIZE);
	ASSERT_MEM_EQ(out, v, sizeof(v));
}

TEST(config_cid_with_upper_bits_is_odd_and_cid_0_is_not)
{
	static const uint8_t hi[] = { 0x03, 0, 0, 0, 0x01, 0, 0, 0 };
	static const uint8_t zero[8] = { 0 };
	uint64_t cid = 0;
	uint32_t odd = 0;

	ASSERT_EQ(vsock_config_decode(hi, sizeof(hi), &cid, &odd), VSOCK_OK);
	ASSERT_EQ(cid, 0x100000003ull);
	ASSERT_EQ(odd, VSOCK_ODD_CID);
	/* OP-TEE's device reports CID 0 (virtio-msg.md §4). */
	ASSERT_EQ(vsock_config_decode(zero, sizeof(zero), &cid, &odd),
		  VSOCK_OK);
	ASSERT_EQ(odd, 0);
	ASSERT_EQ(vsock_config_decode(zero, sizeof(zero), &cid, NULL),
		  VSOCK_OK);
}

TEST(config_of_wrong_size_is_rejected)
{
	uint8_t v[9] = { 3 };
	uint64_t cid = 0x77;

	for (size_t len = 0; len < VSOCK_CONFIG_SIZE; len++) {
		uint8_t *b = exact(v, len);

		ASSERT_EQ(vsock_config_decode(b, len, &cid, NULL),
			  VSOCK_E_TRUNCATED);
		free(b);
	}
	ASSERT_EQ(vsock_config_decode(v, 9, &cid, NULL), VSOCK_E_LENGTH);
	ASSERT_EQ(cid, 0x77);
	ASSERT_EQ(vsock_config_encode(3, v, VSOCK_CONFIG_SIZE - 1),
		  VSOCK_E_NOSPACE);
}

TEST(event_transport_reset_is_le32_zero)
{
	static const uint8_t v[] = { 0, 0, 0, 0 };
	uint8_t out[VSOCK_EVENT_SIZE] = { 0xa5, 0xa5, 0xa5, 0xa5 };
	uint32_t id = 0xff;

	ASSERT_EQ(vsock_event_decode(v, sizeof(v), &id), VSOCK_OK);
	ASSERT_EQ(id, VSOCK_EVENT_TRANSPORT_RESET);
	ASSERT_EQ(vsock_event_encode(VSOCK_EVENT_TRANSPORT_RESET, out,
				     sizeof(out)),
		  VSOCK_EVENT_SIZE);
	ASSERT_MEM_EQ(out, v, sizeof(v));
}

TEST(event_with_another_id_is_unknown_event)
{
	static const uint8_t v[] = { 0x01, 0x00, 0x00, 0x80 };
	uint8_t out[VSOCK_EVENT_SIZE];
	uint32_t id = 0;

	ASSERT_EQ(vsock_event_decode(v, sizeof(v), &id), VSOCK_E_UNKNOWN_EVENT);
	ASSERT_EQ(id, 0x80000001u);
	ASSERT_EQ(vsock_event_encode(1, out, sizeof(out)),
		  VSOCK_E_UNKNOWN_EVENT);
}

TEST(event_of_wrong_size_is_rejected)
{
	uint8_t v[5] = { 0 };
	uint32_t id = 0x77;

	for (size_t len = 0; len < VSOCK_EVENT_SIZE; len++) {
		uint8_t *b = exact(v, len);

		ASSERT_EQ(vsock_event_decode(b, len, &id), VSOCK_E_TRUNCATED);
		free(b);
	}
	ASSERT_EQ(vsock_event_decode(v, 5, &id), VSOCK_E_LENGTH);
	ASSERT_EQ(id, 0x77);
	ASSERT_EQ(vsock_event_encode(0, v, VSOCK_EVENT_SIZE - 1),
		  VSOCK_E_NOSPACE);
}
