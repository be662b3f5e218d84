// SPDX-License-Identifier: BSD-2-Clause
/*
 * virtio-msg codec entry points: vmsg_decode() and vmsg_encode() check the
 * header and the overall size, then hand the payload to its class
 * (transport_msg.c, bus_msg.c, ffa_bus_msg.c).
 *
 * Two layout profiles (vmsg.h, architecture.md §3). VMSG_PROFILE_V2 is the
 * newest public layout (Linux PoC v2, virtio-msg.md §1.3 last column, FF-A
 * bus v2 VERSION of §2.3). VMSG_PROFILE_PR28 is the PR28 text as QEMU puts
 * it on the wire (§1.2, §2.1, FF-A bus v1 VERSION), checked byte for byte
 * against shared/testdata/virtio-msg. Every deviation of PR28 from the
 * newest layouts (payload offsets; testdata README item 4):
 *
 * 1. GET_DEVICE_INFO response. PR28: 24 B {0 device_id, 4 vendor_id,
 *    8 num_feature_bits, 12 config_size, 16 max_virtqueues,
 *    20 admin_vq_start u16, 22 admin_vq_count u16}. V2: 44 B {0 device_id,
 *    4 vendor_id, 8 device_uuid[16], 24 num_feature_blocks (32 bits each),
 *    28 config_size, 32 max_virtqueues, 36 admin_vq_start u32,
 *    40 admin_vq_count u32}.
 * 2. GET_VQUEUE response: the word at 12 is reserved in PR28, flags in V2
 *    (bit0 ENABLED). Same 40 B otherwise.
 * 3. SET_VQUEUE request: the word at 4 is reserved ("unused" in QEMU) in
 *    PR28, flags in V2 (bit0 = enable). Same 40 B otherwise.
 * 4. GET_SHM response. PR28: 12 B {0 index, 4 length u32, 8 address u32}.
 *    V2: 24 B {0 shmid, 4 reserved, 8 length u64, 16 address u64}.
 * 5. GET_DEVICES (bus) response. PR28: {0 offset, 2 count, 4 next_offset,
 *    6 bitmap}. V2: {0 offset, 2 next_offset, 4 count, 6 bitmap}.
 *
 * The FF-A bus VERSION message follows the bus generation rather than the
 * transport: PR28 pairs with FF-A bus v1 (request 8 B, response 18 B), V2
 * with FF-A bus v2 (12 B and 22 B, with ffa_version at 8). It is the
 * message that selects the profile, so the V2 profile (what a bus speaks
 * before negotiation) also decodes the v1 sizes; see ffa_bus_msg.c.
 * SET_CONFIG's generation is MBZ in V2 unless STRICT_CONFIG_GENERATION was
 * negotiated; the layout is the same, so the codec carries the value and
 * the transport enforces the rule.
 *
 * Encoding a field that one profile's layout lacks (V2 device UUID,
 * vqueue flags, ffa_version, in PR28) writes nothing for it: the word is
 * reserved there and goes out as zero. A value the layout has but cannot
 * hold (PR28 admin_vq_start > 0xFFFF, GET_SHM length > 4 GiB; V2 feature
 * bits not a multiple of 32) is VMSG_E_RANGE rather than truncated.
 *
 * Decoding order (the first failing rule wins):
 * 1. header (hdr.c): VMSG_E_TRUNCATED, VMSG_E_MALFORMED;
 * 2. msg_size > VMSG_MAX_SIZE: VMSG_E_SIZE whatever the message, as we
 *    advertise no larger maximum (PR28: a bus "SHOULD NOT exceed 264");
 * 3. (class, direction, msg_id) undefined: VMSG_E_UNKNOWN. Events (0x40+
 *    with bit 6 set) exist only as requests, FF-A ERROR only as a
 *    response;
 * 4. payload size against the message and its counts: VMSG_E_SIZE;
 * 5. a value that struct vmsg cannot hold: VMSG_E_RANGE.
 * Reserved payload fields are ignored on receipt and written as zero.
 */
#include <tzshare/lib.h>
#include <tzshare/vmsg.h>

#include "vmsg_priv.h"

_Static_assert(VMSG_MAX_SIZE <= 0xFFFF, "msg_size is a u16");
_Static_assert(VMSG_MAX_SIZE >= VMSG_MIN_MAX_SIZE,
	       "a bus must advertise at least 44 bytes (PR28)");

static bool profile_ok(enum vmsg_profile profile)
{
	return profile == VMSG_PROFILE_V2 || profile == VMSG_PROFILE_PR28;
}

/* The class codec of @hdr: FF-A bus IDs are the 0x80+ bus IDs. */
static bool is_ffa_bus(const struct vmsg_hdr *hdr)
{
	return (hdr->type & VMSG_TYPE_BUS) && (hdr->msg_id & 0x80u);
}

/**
 * vmsg_decode() - see vmsg.h and the decoding order above. On success the
 * union members the message does not use are zero; on failure *@m is
 * unspecified.
 */
int vmsg_decode(enum vmsg_profile profile, const uint8_t *buf, size_t len,
		struct vmsg *m)
{
	const uint8_t *pl = NULL;
	size_t plen = 0;
	int rc = VMSG_OK;

	/* The profile is ours, never the peer's. */
	CHECK(profile_ok(profile));
	tzs_memset(m, 0, sizeof(*m));
	rc = vmsg_hdr_decode(buf, len, &m->hdr);
	if (rc != VMSG_OK) {
		return rc;
	}
	if (m->hdr.msg_size > VMSG_MAX_SIZE) {
		return VMSG_E_SIZE;
	}
	/* hdr_decode checked 8 <= msg_size <= len. */
	pl = buf + VMSG_HDR_SIZE;
	plen = (size_t)m->hdr.msg_size - VMSG_HDR_SIZE;
	if (!(m->hdr.type & VMSG_TYPE_BUS)) {
		return vmsg_transport_get(profile, pl, plen, m);
	}
	if (is_ffa_bus(&m->hdr)) {
		return vmsg_ffa_bus_get(profile, pl, plen, m);
	}
	return vmsg_bus_get(profile, pl, plen, m);
}

static int class_put(enum vmsg_profile profile, const struct vmsg *m,
		     uint8_t *pl, size_t *plen)
{
	if (!(m->hdr.type & VMSG_TYPE_BUS)) {
		return vmsg_transport_put(profile, m, pl, plen);
	}
	if (is_ffa_bus(&m->hdr)) {
		return vmsg_ffa_bus_put(profile, m, pl, plen);
	}
	return vmsg_bus_put(profile, m, pl, plen);
}

/**
 * vmsg_encode() - see vmsg.h. Errors, in this order:
 * 1. VMSG_E_MALFORMED: a type bit 2-7 is set in @m->hdr.type.
 * 2. VMSG_E_UNKNOWN: (class, direction, msg_id) undefined.
 * 3. VMSG_E_SIZE: a count inconsistent with the message or too large for
 *    struct vmsg, or a message larger than VMSG_MAX_SIZE.
 * 4. VMSG_E_RANGE: a value the profile's field cannot hold.
 * 5. VMSG_E_NOSPACE: @cap is below the message size; nothing is written.
 * Bytes of @buf past the message are left alone.
 */
int vmsg_encode(enum vmsg_profile profile, const struct vmsg *m, uint8_t *buf,
		size_t cap)
{
	size_t plen = 0;
	uint64_t total = 0;
	int rc = VMSG_OK;

	CHECK(profile_ok(profile));
	if (m->hdr.type & VMSG_TYPE_MBZ) {
		return VMSG_E_MALFORMED;
	}
	rc = class_put(profile, m, NULL, &plen);
	if (rc != VMSG_OK) {
		return rc;
	}
	if (ovf_add(VMSG_HDR_SIZE, plen, &total) || total > VMSG_MAX_SIZE) {
		return VMSG_E_SIZE;
	}
	if (total > cap) {
		return VMSG_E_NOSPACE;
	}
	tzs_memset(buf, 0, (size_t)total);
	vmsg_hdr_put(&m->hdr, (uint16_t)total, buf);
	rc = class_put(profile, m, buf + VMSG_HDR_SIZE, &plen);
	/* Both passes validate the same message. */
	CHECK(rc == VMSG_OK && plen + VMSG_HDR_SIZE == total);
	return (int)total;
}
