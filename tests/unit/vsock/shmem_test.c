// SPDX-License-Identifier: BSD-2-Clause
/*
 * core/vsock/shmem_msg.c: the 56-byte OP_SHMEM payload we defined
 * (architecture.md §3), byte-exact for every subop and kind, and every
 * rejection in its documented order.
 */
#include "test.h"

#include <tzshare/vsock.h>

/*
 * OFFER, FF-A, SHARE, writable; offer_id 0x0102030405060708, bus address
 * area 3 offset 0x1000 (area_id << 48, architecture.md §3), 12 KiB,
 * SPMC handle 0x8000000000000005, tag 0x1122334455667788.
 */
static const uint8_t offer[VSOCK_SHMEM_SIZE] = {
	0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x01, 0x00, 0x00, 0x00, 0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01,
	0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x30, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80,
	0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11,
};

static const struct vsock_shmem offer_fields = {
	.subop = VSOCK_SHMEM_OFFER,
	.type = VSOCK_SHMEM_TYPE_FFA,
	.kind = VSOCK_SHMEM_SHARE,
	.flags = VSOCK_SHMEM_F_WRITABLE,
	.offer_id = 0x0102030405060708ull,
	.bus_addr = 0x0003000000001000ull,
	.size = 0x3000,
	.ffa_handle = 0x8000000000000005ull,
	.ffa_tag = 0x1122334455667788ull,
};

static void assert_shmem_eq(const struct vsock_shmem *a,
			    const struct vsock_shmem *b)
{
	ASSERT_EQ(a->subop, b->subop);
	ASSERT_EQ(a->type, b->type);
	ASSERT_EQ(a->kind, b->kind);
	ASSERT_EQ(a->flags, b->flags);
	ASSERT_EQ(a->offer_id, b->offer_id);
	ASSERT_EQ(a->bus_addr, b->bus_addr);
	ASSERT_EQ(a->size, b->size);
	ASSERT_EQ(a->ffa_handle, b->ffa_handle);
	ASSERT_EQ(a->ffa_tag, b->ffa_tag);
}

/* The offer vector with a different le32 at byte @off. */
static void patched(uint8_t *b, size_t off, uint32_t v)
{
	memcpy(b, offer, VSOCK_SHMEM_SIZE);
	b[off] = (uint8_t)v;
	b[off + 1] = (uint8_t)(v >> 8);
	b[off + 2] = (uint8_t)(v >> 16);
	b[off + 3] = (uint8_t)(v >> 24);
}

TEST(offer_vector_decodes_to_its_fields)
{
	struct vsock_shmem m;
	uint32_t odd = 0xff;

	ASSERT_EQ(vsock_shmem_decode(offer, sizeof(offer), &m, &odd), VSOCK_OK);
	assert_shmem_eq(&m, &offer_fields);
	ASSERT_EQ(odd, 0);
}

TEST(offer_fields_encode_to_the_exact_vector)
{
	uint8_t b[VSOCK_SHMEM_SIZE + 1];

	memset(b, 0xa5, sizeof(b));
	ASSERT_EQ(vsock_shmem_encode(&offer_fields, b, VSOCK_SHMEM_SIZE),
		  VSOCK_SHMEM_SIZE);
	ASSERT_MEM_EQ(b, offer, sizeof(offer));
	ASSERT_EQ(b[VSOCK_SHMEM_SIZE], 0xa5);
}

TEST(every_subop_is_byte_exact_at_offset_0)
{
	for (uint32_t s = 0; s <= VSOCK_SHMEM_SUBOP_MAX; s++) {
		struct vsock_shmem m = offer_fields, d;
		uint8_t want[VSOCK_SHMEM_SIZE], got[VSOCK_SHMEM_SIZE];

		m.subop = s;
		patched(want, 0, s);
		ASSERT_EQ(vsock_shmem_encode(&m, got, sizeof(got)),
			  VSOCK_SHMEM_SIZE);
		ASSERT_MEM_EQ(got, want, sizeof(want));
		ASSERT_EQ(vsock_shmem_decode(want, sizeof(want), &d, NULL),
			  VSOCK_OK);
		assert_shmem_eq(&d, &m);
	}
	ASSERT_EQ(VSOCK_SHMEM_REVOKE, 1);
	ASSERT_EQ(VSOCK_SHMEM_REVOKE_DONE, 2);
	ASSERT_EQ(VSOCK_SHMEM_OFFER_REJECT, 3);
}

TEST(every_kind_is_byte_exact_at_offset_8)
{
	for (uint32_t k = 0; k <= VSOCK_SHMEM_KIND_MAX; k++) {
		struct vsock_shmem m = offer_fields, d;
		uint8_t want[VSOCK_SHMEM_SIZE], got[VSOCK_SHMEM_SIZE];

		m.kind = k;
		patched(want, 8, k);
		ASSERT_EQ(vsock_shmem_encode(&m, got, sizeof(got)),
			  VSOCK_SHMEM_SIZE);
		ASSERT_MEM_EQ(got, want, sizeof(want));
		ASSERT_EQ(vsock_shmem_decode(want, sizeof(want), &d, NULL),
			  VSOCK_OK);
		assert_shmem_eq(&d, &m);
	}
	ASSERT_EQ(VSOCK_SHMEM_LEND, 1);
	ASSERT_EQ(VSOCK_SHMEM_SEND_SECURE, 2);
}

TEST(read_only_offer_has_flags_0)
{
	struct vsock_shmem m = offer_fields;
	uint8_t want[VSOCK_SHMEM_SIZE], got[VSOCK_SHMEM_SIZE];

	m.flags = 0;
	patched(want, 12, 0);
	ASSERT_EQ(vsock_shmem_encode(&m, got, sizeof(got)), VSOCK_SHMEM_SIZE);
	ASSERT_MEM_EQ(got, want, sizeof(want));
}

TEST(shmem_payload_shorter_than_56_is_truncated)
{
	for (size_t len = 0; len < VSOCK_SHMEM_SIZE; len++) {
		uint8_t *b = malloc(len ? len : 1);
		struct vsock_shmem m, before;

		ASSERT_TRUE(b != NULL);
		memcpy(b, offer, len);
		memset(&m, 0xee, sizeof(m));
		before = m;
		ASSERT_EQ(vsock_shmem_decode(b, len, &m, NULL),
			  VSOCK_E_TRUNCATED);
		ASSERT_MEM_EQ(&m, &before, sizeof(m));
		free(b);
	}
}

TEST(shmem_payload_longer_than_56_is_a_length_error)
{
	uint8_t b[VSOCK_SHMEM_SIZE + 1];
	struct vsock_shmem m;

	memcpy(b, offer, VSOCK_SHMEM_SIZE);
	b[VSOCK_SHMEM_SIZE] = 0;
	ASSERT_EQ(vsock_shmem_decode(b, sizeof(b), &m, NULL), VSOCK_E_LENGTH);
}

TEST(subop_above_offer_reject_is_unknown_subop)
{
	uint8_t b[VSOCK_SHMEM_SIZE];
	struct vsock_shmem m;

	patched(b, 0, 4);
	ASSERT_EQ(vsock_shmem_decode(b, sizeof(b), &m, NULL),
		  VSOCK_E_UNKNOWN_SUBOP);
	ASSERT_EQ(m.subop, 4);
	patched(b, 0, 0xffffffffu);
	ASSERT_EQ(vsock_shmem_decode(b, sizeof(b), &m, NULL),
		  VSOCK_E_UNKNOWN_SUBOP);
}

TEST(type_other_than_ffa_is_unknown_shm_type)
{
	static const uint32_t types[] = { 0, 2, 0x100 };
	uint8_t b[VSOCK_SHMEM_SIZE];
	struct vsock_shmem m;

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		patched(b, 4, types[i]);
		ASSERT_EQ(vsock_shmem_decode(b, sizeof(b), &m, NULL),
			  VSOCK_E_UNKNOWN_SHM_TYPE);
	}
}

TEST(kind_above_send_secure_is_unknown_kind)
{
	uint8_t b[VSOCK_SHMEM_SIZE];
	struct vsock_shmem m;

	patched(b, 8, 3);
	ASSERT_EQ(vsock_shmem_decode(b, sizeof(b), &m, NULL),
		  VSOCK_E_UNKNOWN_KIND);
}

TEST(shmem_rejections_apply_subop_then_type_then_kind)
{
	struct vsock_shmem m = offer_fields, d;
	uint8_t b[VSOCK_SHMEM_SIZE];

	m.subop = 9;
	m.type = 0;
	m.kind = 7;
	ASSERT_EQ(vsock_shmem_encode(&m, b, sizeof(b)), VSOCK_E_UNKNOWN_SUBOP);
	patched(b, 0, 9);
	b[4] = 0;
	b[8] = 7;
	ASSERT_EQ(vsock_shmem_decode(b, sizeof(b), &d, NULL),
		  VSOCK_E_UNKNOWN_SUBOP);
	b[0] = 0;
	ASSERT_EQ(vsock_shmem_decode(b, sizeof(b), &d, NULL),
		  VSOCK_E_UNKNOWN_SHM_TYPE);
	m.subop = 0;
	ASSERT_EQ(vsock_shmem_encode(&m, b, sizeof(b)),
		  VSOCK_E_UNKNOWN_SHM_TYPE);
	m.type = VSOCK_SHMEM_TYPE_FFA;
	ASSERT_EQ(vsock_shmem_encode(&m, b, sizeof(b)), VSOCK_E_UNKNOWN_KIND);
}

TEST(reserved_flag_bits_are_odd_not_rejected_and_round_trip)
{
	struct vsock_shmem m;
	uint8_t b[VSOCK_SHMEM_SIZE], again[VSOCK_SHMEM_SIZE];
	uint32_t odd = 0;

	patched(b, 12, 0x80000003u);
	ASSERT_EQ(vsock_shmem_decode(b, sizeof(b), &m, &odd), VSOCK_OK);
	ASSERT_EQ(odd, VSOCK_ODD_FLAGS);
	ASSERT_EQ(m.flags, 0x80000003u);
	ASSERT_EQ(vsock_shmem_encode(&m, again, sizeof(again)),
		  VSOCK_SHMEM_SIZE);
	ASSERT_MEM_EQ(again, b, sizeof(b));
}

TEST(shmem_encode_into_55_bytes_is_nospace_and_writes_nothing)
{
	uint8_t b[VSOCK_SHMEM_SIZE];

	memset(b, 0xa5, sizeof(b));
	ASSERT_EQ(vsock_shmem_encode(&offer_fields, b, VSOCK_SHMEM_SIZE - 1),
		  VSOCK_E_NOSPACE);
	for (size_t i = 0; i < sizeof(b); i++) {
		ASSERT_EQ(b[i], 0xa5);
	}
}

TEST(shmem_encode_checks_fields_before_room)
{
	struct vsock_shmem m = offer_fields;
	uint8_t b[1] = { 0xa5 };

	m.kind = 3;
	ASSERT_EQ(vsock_shmem_encode(&m, b, 0), VSOCK_E_UNKNOWN_KIND);
	ASSERT_EQ(b[0], 0xa5);
}

TEST(shmem_packet_header_and_payload_decode_together)
{
	struct vsock_hdr h = {
		.src_cid = 3,
		.dst_cid = 2,
		.src_port = 1025,
		.dst_port = 1234,
		.len = VSOCK_SHMEM_SIZE,
		.type = VSOCK_TYPE_STREAM,
		.op = VSOCK_OP_SHMEM,
		.buf_alloc = 4096,
	};
	uint8_t pkt[VSOCK_HDR_SIZE + VSOCK_SHMEM_SIZE];
	const uint8_t *payload = NULL;
	struct vsock_hdr d;
	struct vsock_shmem m;
	uint32_t odd = 0xff;

	ASSERT_EQ(vsock_hdr_encode(&h, pkt, sizeof(pkt)), VSOCK_HDR_SIZE);
	memcpy(pkt + VSOCK_HDR_SIZE, offer, sizeof(offer));
	ASSERT_EQ(vsock_pkt_decode(pkt, sizeof(pkt), &d, &payload, &odd),
		  VSOCK_OK);
	ASSERT_EQ(odd, 0);
	ASSERT_EQ(d.op, VSOCK_OP_SHMEM);
	ASSERT_EQ(vsock_shmem_decode(payload, d.len, &m, NULL), VSOCK_OK);
	assert_shmem_eq(&m, &offer_fields);
}
