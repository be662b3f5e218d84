// SPDX-License-Identifier: BSD-2-Clause
/*
 * core/vmsg/codec.c dispatch: which (class, direction, msg_id) exist, and
 * which payload sizes each message accepts in each profile, checked
 * exhaustively against tables restated from virtio-msg.md §1.2-§2.3.
 */
#include "test.h"

#include <tzshare/vmsg.h>

static const enum vmsg_profile profiles[] = { VMSG_PROFILE_V2,
					      VMSG_PROFILE_PR28 };
static const char *const profile_names[] = { "V2", "PR28" };

#define NONE 0xffff

/* Payload sizes accepted with an all-zero payload (counts 0). */
struct sizes {
	uint8_t type;
	uint8_t id;
	uint16_t v2[2];
	uint16_t pr28[2];
};

static const struct sizes table[] = {
	/* transport requests */
	{ 0x00, VMSG_GET_DEVICE_INFO, { 0, NONE }, { 0, NONE } },
	{ 0x00, VMSG_GET_DEVICE_FEATURES, { 8, NONE }, { 8, NONE } },
	{ 0x00, VMSG_SET_DRIVER_FEATURES, { 8, NONE }, { 8, NONE } },
	{ 0x00, VMSG_GET_CONFIG, { 8, NONE }, { 8, NONE } },
	{ 0x00, VMSG_SET_CONFIG, { 12, NONE }, { 12, NONE } },
	{ 0x00, VMSG_GET_DEVICE_STATUS, { 0, NONE }, { 0, NONE } },
	{ 0x00, VMSG_SET_DEVICE_STATUS, { 4, NONE }, { 4, NONE } },
	{ 0x00, VMSG_GET_VQUEUE, { 4, NONE }, { 4, NONE } },
	{ 0x00, VMSG_SET_VQUEUE, { 40, NONE }, { 40, NONE } },
	{ 0x00, VMSG_RESET_VQUEUE, { 4, NONE }, { 4, NONE } },
	{ 0x00, VMSG_GET_SHM, { 4, NONE }, { 4, NONE } },
	{ 0x00, VMSG_EVENT_CONFIG, { 16, NONE }, { 16, NONE } },
	{ 0x00, VMSG_EVENT_AVAIL, { 8, NONE }, { 8, NONE } },
	{ 0x00, VMSG_EVENT_USED, { 4, NONE }, { 4, NONE } },
	/* transport responses */
	{ 0x01, VMSG_GET_DEVICE_INFO, { 44, NONE }, { 24, NONE } },
	{ 0x01, VMSG_GET_DEVICE_FEATURES, { 8, NONE }, { 8, NONE } },
	{ 0x01, VMSG_SET_DRIVER_FEATURES, { 0, NONE }, { 0, NONE } },
	{ 0x01, VMSG_GET_CONFIG, { 12, NONE }, { 12, NONE } },
	{ 0x01, VMSG_SET_CONFIG, { 12, NONE }, { 12, NONE } },
	{ 0x01, VMSG_GET_DEVICE_STATUS, { 4, NONE }, { 4, NONE } },
	{ 0x01, VMSG_SET_DEVICE_STATUS, { 4, NONE }, { 4, NONE } },
	{ 0x01, VMSG_GET_VQUEUE, { 40, NONE }, { 40, NONE } },
	{ 0x01, VMSG_SET_VQUEUE, { 0, NONE }, { 0, NONE } },
	{ 0x01, VMSG_RESET_VQUEUE, { 0, NONE }, { 0, NONE } },
	{ 0x01, VMSG_GET_SHM, { 24, NONE }, { 12, NONE } },
	/* generic bus */
	{ 0x02, VMSG_BUS_GET_DEVICES, { 4, NONE }, { 4, NONE } },
	{ 0x03, VMSG_BUS_GET_DEVICES, { 6, NONE }, { 6, NONE } },
	{ 0x02, VMSG_BUS_PING, { 4, NONE }, { 4, NONE } },
	{ 0x03, VMSG_BUS_PING, { 4, NONE }, { 4, NONE } },
	{ 0x02, VMSG_BUS_EVENT_DEVICE, { 4, NONE }, { 4, NONE } },
	/* FF-A bus */
	{ 0x02, VMSG_FFA_VERSION, { 8, 12 }, { 8, NONE } },
	{ 0x03, VMSG_FFA_VERSION, { 18, 22 }, { 18, NONE } },
	{ 0x02, VMSG_FFA_AREA_SHARE, { 26, NONE }, { 26, NONE } },
	{ 0x03, VMSG_FFA_AREA_SHARE, { 4, NONE }, { 4, NONE } },
	{ 0x02, VMSG_FFA_AREA_UNSHARE, { 2, NONE }, { 2, NONE } },
	{ 0x03, VMSG_FFA_AREA_UNSHARE, { 4, NONE }, { 4, NONE } },
	{ 0x02, VMSG_FFA_RESET, { 0, NONE }, { 0, NONE } },
	{ 0x03, VMSG_FFA_RESET, { 2, NONE }, { 2, NONE } },
	{ 0x02, VMSG_FFA_EVENT_POLL, { 0, NONE }, { 0, NONE } },
	{ 0x03, VMSG_FFA_EVENT_POLL, { 0, NONE }, { 0, NONE } },
	{ 0x02, VMSG_FFA_EVENT_CONFIGURE, { 4, NONE }, { 4, NONE } },
	{ 0x03, VMSG_FFA_EVENT_CONFIGURE, { 2, NONE }, { 2, NONE } },
	{ 0x02, VMSG_FFA_FIFO_CONFIGURE, { 12, NONE }, { 12, NONE } },
	{ 0x03, VMSG_FFA_FIFO_CONFIGURE, { 4, NONE }, { 4, NONE } },
	{ 0x03, VMSG_FFA_ERROR, { 2, NONE }, { 2, NONE } },
	{ 0x02, VMSG_FFA_AREA_RELEASE, { 2, NONE }, { 2, NONE } },
};

#define TABLE_COUNT (sizeof(table) / sizeof(table[0]))

static const struct sizes *lookup(uint8_t type, uint8_t id)
{
	for (size_t i = 0; i < TABLE_COUNT; i++) {
		if (table[i].type == type && table[i].id == id) {
			return &table[i];
		}
	}
	return NULL;
}

/* Decode a message of @plen zero payload bytes. */
static int decode_zero(enum vmsg_profile p, uint8_t type, uint8_t id,
		       size_t plen)
{
	size_t len = VMSG_HDR_SIZE + plen;
	uint8_t *b = calloc(1, len);
	struct vmsg m;
	int rc = 0;

	ASSERT_TRUE(b != NULL);
	b[0] = type;
	b[1] = id;
	b[6] = (uint8_t)len;
	b[7] = (uint8_t)(len >> 8);
	rc = vmsg_decode(p, b, len, &m);
	free(b);
	return rc;
}

TEST(every_undefined_message_is_unknown_in_both_directions_and_profiles)
{
	unsigned int bad = 0, known = 0;

	for (unsigned int type = 0; type < 4; type++) {
		for (unsigned int id = 0; id < 256; id++) {
			bool defined = lookup((uint8_t)type, (uint8_t)id);
			struct vmsg m = { .hdr = { .type = (uint8_t)type,
						   .msg_id = (uint8_t)id } };
			uint8_t out[VMSG_MAX_SIZE];

			known += defined;
			for (size_t p = 0; p < 2; p++) {
				int drc =
					decode_zero(profiles[p], (uint8_t)type,
						    (uint8_t)id, 0);
				int erc = vmsg_encode(profiles[p], &m, out,
						      sizeof(out));

				if ((drc == VMSG_E_UNKNOWN) == defined ||
				    (erc == VMSG_E_UNKNOWN) == defined) {
					fprintf(stderr,
						"  type %u id 0x%02x %s: "
						"decode %d encode %d\n",
						type, id, profile_names[p], drc,
						erc);
					bad++;
				}
			}
		}
	}
	ASSERT_EQ(known, 46);
	ASSERT_EQ(bad, 0);
}

TEST(events_have_no_response_and_error_has_no_request)
{
	static const uint8_t transport_events[] = { VMSG_EVENT_CONFIG,
						    VMSG_EVENT_AVAIL,
						    VMSG_EVENT_USED };
	struct vmsg m = { .hdr = { .type = VMSG_TYPE_BUS,
				   .msg_id = VMSG_FFA_ERROR } };
	uint8_t out[32];

	for (size_t i = 0; i < sizeof(transport_events); i++) {
		ASSERT_EQ(decode_zero(VMSG_PROFILE_V2, 0x01,
				      transport_events[i], 4),
			  VMSG_E_UNKNOWN);
	}
	ASSERT_EQ(decode_zero(VMSG_PROFILE_V2, 0x03, VMSG_BUS_EVENT_DEVICE, 4),
		  VMSG_E_UNKNOWN);
	ASSERT_EQ(
		decode_zero(VMSG_PROFILE_PR28, 0x03, VMSG_FFA_AREA_RELEASE, 2),
		VMSG_E_UNKNOWN);
	ASSERT_EQ(decode_zero(VMSG_PROFILE_V2, 0x02, VMSG_FFA_ERROR, 2),
		  VMSG_E_UNKNOWN);
	ASSERT_EQ(vmsg_encode(VMSG_PROFILE_V2, &m, out, sizeof(out)),
		  VMSG_E_UNKNOWN);
	m.hdr.type |= VMSG_TYPE_RESPONSE;
	ASSERT_EQ(vmsg_encode(VMSG_PROFILE_V2, &m, out, sizeof(out)), 10);
}

TEST(transport_and_bus_ids_are_separate_namespaces)
{
	/* 0x80 is VERSION on the bus, nothing in the transport. */
	ASSERT_EQ(decode_zero(VMSG_PROFILE_V2, 0x00, 0x80, 8), VMSG_E_UNKNOWN);
	ASSERT_EQ(decode_zero(VMSG_PROFILE_V2, 0x02, 0x80, 8), VMSG_OK);
	/* 0x05 is GET_CONFIG in the transport, nothing on the bus. */
	ASSERT_EQ(decode_zero(VMSG_PROFILE_V2, 0x02, 0x05, 8), VMSG_E_UNKNOWN);
	ASSERT_EQ(decode_zero(VMSG_PROFILE_V2, 0x00, 0x05, 8), VMSG_OK);
}

static bool in(const uint16_t *set, size_t plen)
{
	return set[0] == plen || set[1] == plen;
}

TEST(each_message_accepts_exactly_its_payload_sizes_in_each_profile)
{
	unsigned int bad = 0;

	for (size_t i = 0; i < TABLE_COUNT; i++) {
		const struct sizes *s = &table[i];

		for (size_t p = 0; p < 2; p++) {
			const uint16_t *ok = p ? s->pr28 : s->v2;

			for (size_t plen = 0;
			     plen <= VMSG_MAX_SIZE - VMSG_HDR_SIZE; plen++) {
				int rc = decode_zero(profiles[p], s->type,
						     s->id, plen);
				int want = in(ok, plen) ? VMSG_OK : VMSG_E_SIZE;

				if (rc != want) {
					fprintf(stderr,
						"  %s %s payload %zu: rc %d\n",
						vmsg_name(s->type, s->id),
						profile_names[p], plen, rc);
					bad++;
				}
			}
		}
	}
	ASSERT_EQ(bad, 0);
}
