// SPDX-License-Identifier: BSD-2-Clause
/*
 * core/vmsg/bus_msg.c and ffa_bus_msg.c: GET_DEVICES windows, FF-A bus
 * VERSION generations, EVENT_POLL, EVENT_CONFIGURE and ERROR rules
 * (virtio-msg.md §2.1, §2.3). The byte-exact layouts are in vectors_test.c.
 */
#include "test.h"

#include <tzshare/lib.h>
#include <tzshare/vmsg.h>

#define V2 VMSG_PROFILE_V2
#define PR28 VMSG_PROFILE_PR28
#define REQ 0x02
#define RSP 0x03

static int dec_dev(enum vmsg_profile p, uint8_t type, uint8_t id,
		   uint16_t dev_num, const uint8_t *pl, size_t plen,
		   struct vmsg *m)
{
	size_t len = VMSG_HDR_SIZE + plen;
	uint8_t *b = calloc(1, len);
	int rc = 0;

	ASSERT_TRUE(b != NULL);
	b[0] = type;
	b[1] = id;
	le16_put(b + 2, dev_num);
	le16_put(b + 6, (uint16_t)len);
	if (plen) {
		memcpy(b + VMSG_HDR_SIZE, pl, plen);
	}
	rc = vmsg_decode(p, b, len, m);
	free(b);
	return rc;
}

static int dec(enum vmsg_profile p, uint8_t type, uint8_t id, const uint8_t *pl,
	       size_t plen, struct vmsg *m)
{
	return dec_dev(p, type, id, 0, pl, plen, m);
}

/* ---- GET_DEVICES -------------------------------------------------------- */

/* A response window: offset 0, @count, next 0, bitmap bytes 0x80 + i. */
static size_t devices_payload(enum vmsg_profile p, uint8_t *pl, uint16_t count,
			      size_t bitmap_len)
{
	le16_put(pl, 0);
	le16_put(pl + (p == PR28 ? 2 : 4), count);
	le16_put(pl + (p == PR28 ? 4 : 2), 0);
	for (size_t i = 0; i < bitmap_len; i++) {
		pl[6 + i] = (uint8_t)(0x80 + i);
	}
	return 6 + bitmap_len;
}

TEST(get_devices_count_not_a_multiple_of_8_is_a_size_error)
{
	uint8_t pl[64];
	struct vmsg m;

	for (int p = V2; p <= PR28; p++) {
		size_t n = devices_payload(p, pl, 9, 1);

		ASSERT_EQ(dec(p, RSP, VMSG_BUS_GET_DEVICES, pl, n, &m),
			  VMSG_E_SIZE);
		n = devices_payload(p, pl, 9, 2);
		ASSERT_EQ(dec(p, RSP, VMSG_BUS_GET_DEVICES, pl, n, &m),
			  VMSG_E_SIZE);
	}
}

TEST(get_devices_window_beyond_256_devices_is_a_size_error)
{
	uint8_t pl[64];
	struct vmsg m;

	for (int p = V2; p <= PR28; p++) {
		size_t n = devices_payload(p, pl, 264, 33);

		ASSERT_EQ(dec(p, RSP, VMSG_BUS_GET_DEVICES, pl, n, &m),
			  VMSG_E_SIZE);
		/* 6 + 0xfff8 / 8 = 8197 would not even fit a message. */
		n = devices_payload(p, pl, 0xfff8, 0);
		ASSERT_EQ(dec(p, RSP, VMSG_BUS_GET_DEVICES, pl, n, &m),
			  VMSG_E_SIZE);
	}
}

TEST(get_devices_full_window_of_256_devices_round_trips)
{
	uint8_t pl[64], out[VMSG_MAX_SIZE];
	struct vmsg m;

	for (int p = V2; p <= PR28; p++) {
		size_t n = devices_payload(p, pl, 256, 32);

		ASSERT_EQ(dec(p, RSP, VMSG_BUS_GET_DEVICES, pl, n, &m),
			  VMSG_OK);
		ASSERT_EQ(m.u.devices.count, 256);
		ASSERT_EQ(m.u.devices.bitmap[31], 0x80 + 31);
		ASSERT_EQ(vmsg_encode(p, &m, out, sizeof(out)), 8 + 38);
		ASSERT_MEM_EQ(out + 8, pl, 38);
	}
}

TEST(get_devices_bitmap_longer_or_shorter_than_count_is_a_size_error)
{
	uint8_t pl[64];
	struct vmsg m;

	for (int p = V2; p <= PR28; p++) {
		size_t n = devices_payload(p, pl, 16, 1);

		ASSERT_EQ(dec(p, RSP, VMSG_BUS_GET_DEVICES, pl, n, &m),
			  VMSG_E_SIZE);
		n = devices_payload(p, pl, 16, 3);
		ASSERT_EQ(dec(p, RSP, VMSG_BUS_GET_DEVICES, pl, n, &m),
			  VMSG_E_SIZE);
		/* Shorter than the 6-byte head. */
		ASSERT_EQ(dec(p, RSP, VMSG_BUS_GET_DEVICES, pl, 5, &m),
			  VMSG_E_SIZE);
	}
}

TEST(get_devices_request_count_is_not_checked)
{
	/* Old Linux asks for count 0xFF (virtio-msg.md §2.1). */
	static const uint8_t pl[] = { 0x00, 0x00, 0xff, 0x00 };
	struct vmsg m;

	ASSERT_EQ(dec(V2, REQ, VMSG_BUS_GET_DEVICES, pl, 4, &m), VMSG_OK);
	ASSERT_EQ(m.u.devices.count, 0xff);
}

TEST(encoder_rejects_a_get_devices_window_it_cannot_carry)
{
	struct vmsg m = { .hdr = { .type = RSP,
				   .msg_id = VMSG_BUS_GET_DEVICES },
			  .u.devices = { .count = 12 } };
	uint8_t out[VMSG_MAX_SIZE];

	ASSERT_EQ(vmsg_encode(V2, &m, out, sizeof(out)), VMSG_E_SIZE);
	m.u.devices.count = 264;
	ASSERT_EQ(vmsg_encode(PR28, &m, out, sizeof(out)), VMSG_E_SIZE);
	m.u.devices.count = 0;
	ASSERT_EQ(vmsg_encode(PR28, &m, out, sizeof(out)), 14);
}

TEST(pr28_get_devices_response_is_misread_as_v2)
{
	/* QEMU: offset 0, count 32, next 0, bitmap 06 00 00 00. */
	static const uint8_t pl[] = { 0x00, 0x00, 0x20, 0x00, 0x00,
				      0x00, 0x06, 0x00, 0x00, 0x00 };
	struct vmsg m;

	ASSERT_EQ(dec(PR28, RSP, VMSG_BUS_GET_DEVICES, pl, 10, &m), VMSG_OK);
	ASSERT_EQ(m.u.devices.count, 32);
	/* V2 reads count 0 and next_offset 32: 4 bitmap bytes too many. */
	ASSERT_EQ(dec(V2, RSP, VMSG_BUS_GET_DEVICES, pl, 10, &m), VMSG_E_SIZE);
}

/* ---- VERSION ------------------------------------------------------------ */

TEST(v2_profile_decodes_a_v1_version_request_and_answers_in_v2_layout)
{
	static const uint8_t pl[] = { 0x00, 0x00, 0x01, 0x00,
				      0x01, 0x00, 0x00, 0x00 };
	uint8_t out[VMSG_MAX_SIZE];
	struct vmsg m;

	ASSERT_EQ(dec(V2, REQ, VMSG_FFA_VERSION, pl, 8, &m), VMSG_OK);
	ASSERT_EQ(m.u.version.bus_version, 0x00010000);
	ASSERT_EQ(m.u.version.transport_revision, 1);
	ASSERT_EQ(m.u.version.ffa_version, 0);
	memset(out, 0xee, sizeof(out));
	ASSERT_EQ(vmsg_encode(V2, &m, out, sizeof(out)), 20);
	ASSERT_EQ(le32_get(out + 16), 0);
}

TEST(v2_profile_decodes_a_v1_version_response_by_its_size)
{
	uint8_t pl[18] = { 0 };
	struct vmsg m;

	le32_put(pl + 8, 0x11); /* v1: transport_features at 8 */
	le32_put(pl + 12, 0x21); /* bus_features */
	le16_put(pl + 16, 0xff);
	ASSERT_EQ(dec(V2, RSP, VMSG_FFA_VERSION, pl, 18, &m), VMSG_OK);
	ASSERT_EQ(m.u.version.ffa_version, 0);
	ASSERT_EQ(m.u.version.transport_features, 0x11);
	ASSERT_EQ(m.u.version.bus_features, 0x21);
	ASSERT_EQ(m.u.version.max_areas, 0xff);
}

TEST(pr28_profile_rejects_v2_version_layouts)
{
	uint8_t pl[22] = { 0 };
	struct vmsg m;

	ASSERT_EQ(dec(PR28, REQ, VMSG_FFA_VERSION, pl, 12, &m), VMSG_E_SIZE);
	ASSERT_EQ(dec(PR28, RSP, VMSG_FFA_VERSION, pl, 22, &m), VMSG_E_SIZE);
}

TEST(version_request_of_another_size_is_a_size_error)
{
	/* Qualcomm OP-TEE expects an 18-byte request (§2.3 skew). */
	uint8_t pl[18] = { 0 };
	struct vmsg m;

	ASSERT_EQ(dec(V2, REQ, VMSG_FFA_VERSION, pl, 18, &m), VMSG_E_SIZE);
	ASSERT_EQ(dec(PR28, REQ, VMSG_FFA_VERSION, pl, 18, &m), VMSG_E_SIZE);
	ASSERT_EQ(dec(V2, REQ, VMSG_FFA_VERSION, pl, 10, &m), VMSG_E_SIZE);
}

TEST(pr28_encodes_version_without_ffa_version)
{
	struct vmsg m = { .hdr = { .type = REQ, .msg_id = VMSG_FFA_VERSION },
			  .u.version = { .bus_version = 0x00010000,
					 .transport_revision = 1,
					 .ffa_version = 0x00010002,
					 .transport_features = 3,
					 .bus_features = 1,
					 .max_areas = 8 } };
	uint8_t out[VMSG_MAX_SIZE];

	ASSERT_EQ(vmsg_encode(PR28, &m, out, sizeof(out)), 16);
	m.hdr.type = RSP;
	ASSERT_EQ(vmsg_encode(PR28, &m, out, sizeof(out)), 26);
	ASSERT_EQ(le32_get(out + 16), 3); /* transport_features at 8 */
	ASSERT_EQ(le16_get(out + 24), 8);
	ASSERT_EQ(vmsg_encode(V2, &m, out, sizeof(out)), 30);
	ASSERT_EQ(le32_get(out + 16), 0x00010002);
	ASSERT_EQ(le32_get(out + 20), 3);
}

/* ---- the rest of the FF-A bus ------------------------------------------ */

TEST(event_poll_response_carrying_a_payload_is_a_size_error)
{
	/* A pending event comes back as its own message, not inside. */
	static const uint8_t pl[] = { 0x01, 0x00, 0x00, 0x00 };
	struct vmsg m;

	ASSERT_EQ(dec(V2, RSP, VMSG_FFA_EVENT_POLL, pl, 4, &m), VMSG_E_SIZE);
	ASSERT_EQ(dec(PR28, RSP, VMSG_FFA_EVENT_POLL, pl, 0, &m), VMSG_OK);
}

TEST(event_configure_reserved_byte_is_ignored_and_sent_as_zero)
{
	static const uint8_t pl[] = { 0x03, 0xff, 0x07, 0x00 };
	uint8_t out[VMSG_MAX_SIZE];
	struct vmsg m;

	ASSERT_EQ(dec(V2, REQ, VMSG_FFA_EVENT_CONFIGURE, pl, 4, &m), VMSG_OK);
	ASSERT_EQ(m.u.evcfg.method, VMSG_EVENT_METHOD_FIFO);
	ASSERT_EQ(m.u.evcfg.notify_id, 7);
	memset(out, 0xee, sizeof(out));
	ASSERT_EQ(vmsg_encode(V2, &m, out, sizeof(out)), 12);
	ASSERT_EQ(out[9], 0);
}

TEST(error_response_names_the_failed_message_and_may_carry_a_device)
{
	static const uint8_t pl[] = { 0x0a, 0x00 };
	struct vmsg m;

	ASSERT_EQ(dec_dev(V2, RSP, VMSG_FFA_ERROR, 5, pl, 2, &m), VMSG_OK);
	ASSERT_EQ(m.hdr.dev_num, 5);
	ASSERT_EQ(m.u.orig_msg_id, VMSG_SET_VQUEUE);
	ASSERT_EQ(dec_dev(V2, RSP, VMSG_FFA_ERROR, 5, pl, 1, &m), VMSG_E_SIZE);
}

TEST(area_share_request_of_the_aligned_size_is_a_size_error)
{
	/* 26 bytes, unaligned; a padded 32-byte form is not it. */
	uint8_t pl[32] = { 0 };
	struct vmsg m;

	ASSERT_EQ(dec(V2, REQ, VMSG_FFA_AREA_SHARE, pl, 26, &m), VMSG_OK);
	ASSERT_EQ(dec(V2, REQ, VMSG_FFA_AREA_SHARE, pl, 32, &m), VMSG_E_SIZE);
	ASSERT_EQ(dec(PR28, REQ, VMSG_FFA_AREA_SHARE, pl, 28, &m), VMSG_E_SIZE);
}
