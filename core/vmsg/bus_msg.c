// SPDX-License-Identifier: BSD-2-Clause
/*
 * Generic virtio-msg bus messages (virtio-msg.md §2.1; type bit1 set,
 * msg_id below 0x80): GET_DEVICES, PING, EVENT_DEVICE. The FF-A bus IDs
 * (0x80+) are in ffa_bus_msg.c.
 *
 * GET_DEVICES response: the bitmap holds count / 8 bytes, so the payload
 * is exactly 6 + count / 8 with count a multiple of 8 and at most 256 (one
 * u8 device-number window of VMSG_MAX_BITMAP bytes). OP-TEE's skew (count
 * = number of present devices, bitmap sized by the request, §2.1) fails
 * that check: a bus that talks to it must special-case it before calling
 * the codec. The request's count is not checked: old Linux sends 0xFF and
 * the bus decides what window to answer with.
 */
#include <tzshare/lib.h>
#include <tzshare/vmsg.h>

#include "vmsg_priv.h"

/* GET_DEVICES request. */
#define DEVREQ_OFFSET 0
#define DEVREQ_COUNT 2
#define DEVREQ_SIZE 4
_Static_assert(DEVREQ_COUNT + 2 == DEVREQ_SIZE && DEVREQ_SIZE == 4,
	       "GET_DEVICES request payload (§2.1)");

/* GET_DEVICES response; the count and next_offset swap places in V2. */
#define DEV_OFFSET 0
#define DEV1_COUNT 2 /* PR28 (QEMU) */
#define DEV1_NEXT_OFFSET 4
#define DEV2_NEXT_OFFSET 2 /* V2 (Linux PoC v2) */
#define DEV2_COUNT 4
#define DEV_BITMAP 6
#define DEV_MAX_COUNT (VMSG_MAX_BITMAP * 8)
_Static_assert(DEV1_NEXT_OFFSET + 2 == DEV_BITMAP &&
		       DEV2_COUNT + 2 == DEV_BITMAP && DEV_BITMAP == 6,
	       "GET_DEVICES response: 6-byte head before the bitmap (§2.1)");
_Static_assert(DEV_MAX_COUNT == 256, "one window covers 256 devices");

/* PING request and response. */
#define PING_DATA 0
#define PING_SIZE 4
_Static_assert(PING_DATA + 4 == PING_SIZE && PING_SIZE == 4,
	       "PING payload: data u32 echoed (§2.1)");

/* EVENT_DEVICE. */
#define EVDEV_DEV_NUM 0
#define EVDEV_STATE 2
#define EVDEV_SIZE 4
_Static_assert(EVDEV_STATE + 2 == EVDEV_SIZE && EVDEV_SIZE == 4,
	       "EVENT_DEVICE payload (§2.1)");

static int devices_req_get(const uint8_t *pl, size_t plen,
			   struct vmsg_get_devices *d)
{
	if (plen != DEVREQ_SIZE) {
		return VMSG_E_SIZE;
	}
	d->offset = le16_get(pl + DEVREQ_OFFSET);
	d->count = le16_get(pl + DEVREQ_COUNT);
	return VMSG_OK;
}

/* Payload size of a response window of @count devices. */
static bool devices_size(uint16_t count, size_t *size)
{
	if (count % 8 || count > DEV_MAX_COUNT) {
		return false;
	}
	*size = DEV_BITMAP + count / 8u;
	return true;
}

static int devices_get(enum vmsg_profile profile, const uint8_t *pl,
		       size_t plen, struct vmsg_get_devices *d)
{
	size_t want = 0;
	bool pr28 = profile == VMSG_PROFILE_PR28;

	if (plen < DEV_BITMAP) {
		return VMSG_E_SIZE;
	}
	d->offset = le16_get(pl + DEV_OFFSET);
	d->count = le16_get(pl + (pr28 ? DEV1_COUNT : DEV2_COUNT));
	d->next_offset =
		le16_get(pl + (pr28 ? DEV1_NEXT_OFFSET : DEV2_NEXT_OFFSET));
	if (!devices_size(d->count, &want) || want != plen) {
		return VMSG_E_SIZE;
	}
	tzs_memcpy(d->bitmap, pl + DEV_BITMAP, d->count / 8u);
	return VMSG_OK;
}

static int u32_get(const uint8_t *pl, size_t plen, uint32_t *v)
{
	if (plen != PING_SIZE) {
		return VMSG_E_SIZE;
	}
	*v = le32_get(pl + PING_DATA);
	return VMSG_OK;
}

static int event_device_get(const uint8_t *pl, size_t plen, struct vmsg *m)
{
	if (plen != EVDEV_SIZE) {
		return VMSG_E_SIZE;
	}
	m->u.event_device.dev_num = le16_get(pl + EVDEV_DEV_NUM);
	m->u.event_device.state = le16_get(pl + EVDEV_STATE);
	return VMSG_OK;
}

/** vmsg_bus_get() - decode a generic bus payload (vmsg_priv.h). */
int vmsg_bus_get(enum vmsg_profile profile, const uint8_t *pl, size_t plen,
		 struct vmsg *m)
{
	switch (vmsg_key(&m->hdr)) {
	case VMSG_REQ(VMSG_BUS_GET_DEVICES):
		return devices_req_get(pl, plen, &m->u.devices);
	case VMSG_RESP(VMSG_BUS_GET_DEVICES):
		return devices_get(profile, pl, plen, &m->u.devices);
	case VMSG_REQ(VMSG_BUS_PING):
	case VMSG_RESP(VMSG_BUS_PING):
		return u32_get(pl, plen, &m->u.ping);
	case VMSG_REQ(VMSG_BUS_EVENT_DEVICE):
		return event_device_get(pl, plen, m);
	default:
		return VMSG_E_UNKNOWN;
	}
}

static int devices_req_put(const struct vmsg_get_devices *d, uint8_t *pl,
			   size_t *plen)
{
	if (pl) {
		le16_put(pl + DEVREQ_OFFSET, d->offset);
		le16_put(pl + DEVREQ_COUNT, d->count);
	}
	return vmsg_fixed_size(plen, DEVREQ_SIZE);
}

static int devices_put(enum vmsg_profile profile,
		       const struct vmsg_get_devices *d, uint8_t *pl,
		       size_t *plen)
{
	size_t size = 0;
	bool pr28 = profile == VMSG_PROFILE_PR28;

	if (!devices_size(d->count, &size)) {
		return VMSG_E_SIZE;
	}
	if (pl) {
		le16_put(pl + DEV_OFFSET, d->offset);
		le16_put(pl + (pr28 ? DEV1_COUNT : DEV2_COUNT), d->count);
		le16_put(pl + (pr28 ? DEV1_NEXT_OFFSET : DEV2_NEXT_OFFSET),
			 d->next_offset);
		tzs_memcpy(pl + DEV_BITMAP, d->bitmap, d->count / 8u);
	}
	return vmsg_fixed_size(plen, size);
}

static int u32_put(uint32_t v, uint8_t *pl, size_t *plen)
{
	if (pl) {
		le32_put(pl + PING_DATA, v);
	}
	return vmsg_fixed_size(plen, PING_SIZE);
}

static int event_device_put(const struct vmsg *m, uint8_t *pl, size_t *plen)
{
	if (pl) {
		le16_put(pl + EVDEV_DEV_NUM, m->u.event_device.dev_num);
		le16_put(pl + EVDEV_STATE, m->u.event_device.state);
	}
	return vmsg_fixed_size(plen, EVDEV_SIZE);
}

/** vmsg_bus_put() - encode a generic bus payload (vmsg_priv.h). */
int vmsg_bus_put(enum vmsg_profile profile, const struct vmsg *m, uint8_t *pl,
		 size_t *plen)
{
	switch (vmsg_key(&m->hdr)) {
	case VMSG_REQ(VMSG_BUS_GET_DEVICES):
		return devices_req_put(&m->u.devices, pl, plen);
	case VMSG_RESP(VMSG_BUS_GET_DEVICES):
		return devices_put(profile, &m->u.devices, pl, plen);
	case VMSG_REQ(VMSG_BUS_PING):
	case VMSG_RESP(VMSG_BUS_PING):
		return u32_put(m->u.ping, pl, plen);
	case VMSG_REQ(VMSG_BUS_EVENT_DEVICE):
		return event_device_put(m, pl, plen);
	default:
		return VMSG_E_UNKNOWN;
	}
}
