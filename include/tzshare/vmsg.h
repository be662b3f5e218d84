/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * virtio-msg codec (portable): the 8-byte common header, every transport
 * message and every bus message (generic and FF-A bus), in two layout
 * profiles selected per bus at VERSION negotiation (virtio-msg.md §1.3):
 *
 *   VMSG_PROFILE_V2    newest layouts (Linux PoC v2 / OASIS v2 proposal):
 *                      GET_DEVICE_INFO with device UUID (44 B), vqueue flags,
 *                      64-bit GET_SHM (24 B), GET_DEVICES {offset,
 *                      next_offset, count}, FF-A bus VERSION v2 (22 B).
 *   VMSG_PROFILE_PR28  what QEMU's virtio-msg implements (PR28 text):
 *                      24 B GET_DEVICE_INFO, reserved vqueue word, 12 B
 *                      GET_SHM with u32 length/address, GET_DEVICES
 *                      {offset, count, next_offset}, FF-A bus VERSION v1.
 *
 * Decoding checks structure only (sizes, reserved type bits, known IDs);
 * what a message means is the transport's and the bus's business.
 */
#ifndef TZSHARE_VMSG_H
#define TZSHARE_VMSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum vmsg_profile {
	VMSG_PROFILE_V2 = 0,
	VMSG_PROFILE_PR28 = 1,
};

/* Codec results (negative). */
enum vmsg_error {
	VMSG_OK = 0,
	VMSG_E_TRUNCATED = -1, /* buffer shorter than header or msg_size */
	VMSG_E_MALFORMED = -2, /* reserved type bits, msg_size < 8 */
	VMSG_E_UNKNOWN = -3, /* msg_id not defined for this class */
	VMSG_E_SIZE = -4, /* payload size wrong for the message */
	VMSG_E_NOSPACE = -5, /* encoder: buffer too small */
	VMSG_E_RANGE = -6, /* a value does not fit the profile's field */
};

#define VMSG_HDR_SIZE 8
#define VMSG_MIN_MAX_SIZE 44 /* a bus must advertise at least this */
#define VMSG_MAX_SIZE 264 /* largest message we send or accept */
#define VMSG_FFA_DIRECT_MAX 104 /* FF-A bus carriage limit (Linux v2) */

/* Header type byte. */
#define VMSG_TYPE_RESPONSE 0x01u
#define VMSG_TYPE_BUS 0x02u
#define VMSG_TYPE_MBZ 0xFCu

/* Transport message IDs (virtio-msg.md §1.2). */
#define VMSG_GET_DEVICE_INFO 0x02u
#define VMSG_GET_DEVICE_FEATURES 0x03u
#define VMSG_SET_DRIVER_FEATURES 0x04u
#define VMSG_GET_CONFIG 0x05u
#define VMSG_SET_CONFIG 0x06u
#define VMSG_GET_DEVICE_STATUS 0x07u
#define VMSG_SET_DEVICE_STATUS 0x08u
#define VMSG_GET_VQUEUE 0x09u
#define VMSG_SET_VQUEUE 0x0Au
#define VMSG_RESET_VQUEUE 0x0Bu
#define VMSG_GET_SHM 0x0Cu
#define VMSG_EVENT_CONFIG 0x40u
#define VMSG_EVENT_AVAIL 0x41u
#define VMSG_EVENT_USED 0x42u

/* Bus message IDs: generic (§2.1) and FF-A bus (§2.3). */
#define VMSG_BUS_GET_DEVICES 0x02u
#define VMSG_BUS_PING 0x03u
#define VMSG_BUS_EVENT_DEVICE 0x40u
#define VMSG_FFA_VERSION 0x80u
#define VMSG_FFA_AREA_SHARE 0x81u
#define VMSG_FFA_AREA_UNSHARE 0x82u
#define VMSG_FFA_RESET 0x83u
#define VMSG_FFA_EVENT_POLL 0x84u
#define VMSG_FFA_EVENT_CONFIGURE 0x85u
#define VMSG_FFA_FIFO_CONFIGURE 0x86u
#define VMSG_FFA_ERROR 0x87u
#define VMSG_FFA_AREA_RELEASE 0xC0u

/* msg_id ranges: 0x40-0x7F and 0xC0-0xFF are events (no response). */
static inline bool vmsg_id_is_event(uint8_t msg_id)
{
	return (msg_id & 0x40u) != 0;
}

/* EVENT_DEVICE states. */
#define VMSG_DEVICE_READY 1u
#define VMSG_DEVICE_REMOVED 2u

/* FF-A bus results (AREA_*, RESET, EVENT_CONFIGURE). */
#define VMSG_FFA_RESULT_OK 0u
#define VMSG_FFA_RESULT_ERROR 1u
#define VMSG_FFA_RESULT_BUSY 2u

/* FF-A bus features (VERSION bus_features). */
#define VMSG_FFA_BUS_F_DIRECT_RX (1u << 0)
#define VMSG_FFA_BUS_F_DIRECT_TX (1u << 1)
#define VMSG_FFA_BUS_F_INDIRECT_RX (1u << 2)
#define VMSG_FFA_BUS_F_INDIRECT_TX (1u << 3)
#define VMSG_FFA_BUS_F_NOTIF_RX (1u << 4)
#define VMSG_FFA_BUS_F_NOTIF_TX (1u << 5)
#define VMSG_FFA_BUS_F_FIFO (1u << 6)

/* EVENT_CONFIGURE methods. */
#define VMSG_EVENT_METHOD_POLL 0u
#define VMSG_EVENT_METHOD_NOTIF 1u
#define VMSG_EVENT_METHOD_INDIRECT 2u
#define VMSG_EVENT_METHOD_FIFO 3u

/* AREA_SHARE sharing_attrs (v2). */
#define VMSG_AREA_ATTR_TYPE_MASK 0x3u /* 0 share, 1 lend, 2 donate */
#define VMSG_AREA_ATTR_SHARE 0x0u
#define VMSG_AREA_ATTR_LEND 0x1u
#define VMSG_AREA_ATTR_DONATE 0x2u
#define VMSG_AREA_ATTR_WRITABLE (1u << 2)
#define VMSG_AREA_ATTR_EXECUTABLE (1u << 3)
#define VMSG_AREA_ATTR_INNER_SHAREABLE (3u << 4)
#define VMSG_AREA_ATTR_WRITE_BACK (3u << 6)
#define VMSG_AREA_ATTR_NORMAL (2u << 8)
#define VMSG_AREA_ATTR_NON_SECURE (1u << 10)
#define VMSG_AREA_ATTR_RETAIN (1u << 11)

/* FF-A bus address = area_id << 48 | offset (architecture.md §3). */
#define VMSG_BUS_ADDR_AREA_SHIFT 48
#define VMSG_BUS_ADDR_OFFSET_MASK ((1ull << 48) - 1)
static inline uint64_t vmsg_bus_addr(uint16_t area_id, uint64_t offset)
{
	return (uint64_t)area_id << VMSG_BUS_ADDR_AREA_SHIFT |
	       (offset & VMSG_BUS_ADDR_OFFSET_MASK);
}

/* Virtio device status bits. */
#define VIRTIO_STATUS_ACKNOWLEDGE 1u
#define VIRTIO_STATUS_DRIVER 2u
#define VIRTIO_STATUS_DRIVER_OK 4u
#define VIRTIO_STATUS_FEATURES_OK 8u
#define VIRTIO_STATUS_NEEDS_RESET 0x40u
#define VIRTIO_STATUS_FAILED 0x80u

#define VMSG_MAX_FEATURE_BLOCKS 16
#define VMSG_MAX_DATA 248 /* config bytes in one message */
#define VMSG_MAX_BITMAP 32 /* GET_DEVICES bitmap bytes (256 devices) */

struct vmsg_hdr {
	uint8_t type;
	uint8_t msg_id;
	uint16_t dev_num;
	uint16_t token;
	uint16_t msg_size; /* total, header included */
};

struct vmsg_dev_info {
	uint32_t device_id;
	uint32_t vendor_id;
	uint8_t uuid[16]; /* V2 only */
	uint32_t num_feature_bits; /* V2 carries blocks: bits = 32 * blocks */
	uint32_t config_size;
	uint32_t max_vqs;
	uint32_t admin_vq_start; /* u16 on the wire in PR28 */
	uint32_t admin_vq_count;
};

struct vmsg_features {
	uint32_t block_index;
	uint32_t num_blocks;
	uint32_t features[VMSG_MAX_FEATURE_BLOCKS]; /* num_blocks words */
};

struct vmsg_config {
	uint32_t device_status; /* EVENT_CONFIG only */
	uint32_t generation;
	uint32_t offset;
	uint32_t length; /* = data_len, except SET_CONFIG resp w/o echo */
	uint32_t data_len; /* bytes of data[] in the message */
	uint8_t data[VMSG_MAX_DATA];
};

struct vmsg_vqueue {
	uint32_t index;
	uint32_t max_size; /* GET response */
	uint32_t size;
	uint32_t flags; /* V2: bit0 enabled / enable; PR28: reserved */
	uint64_t desc_addr;
	uint64_t driver_addr;
	uint64_t device_addr;
};

struct vmsg_shm {
	uint32_t index;
	uint64_t length;
	uint64_t address;
};

struct vmsg_event_avail {
	uint32_t vq_index;
	uint32_t next;
};

struct vmsg_get_devices {
	uint16_t offset;
	uint16_t count;
	uint16_t next_offset;
	uint8_t bitmap[VMSG_MAX_BITMAP]; /* count / 8 bytes */
};

struct vmsg_bus_version {
	uint32_t bus_version;
	uint32_t transport_revision;
	uint32_t ffa_version; /* V2 only */
	uint32_t transport_features;
	uint32_t bus_features;
	uint16_t max_areas;
};

struct vmsg_area_share {
	uint16_t area_id;
	uint64_t handle;
	uint64_t tag;
	uint32_t page_count;
	uint32_t attrs;
};

struct vmsg_event_configure {
	uint8_t method;
	uint16_t notify_id;
};

/**
 * A decoded message. Which union member is valid follows from
 * (hdr.type, hdr.msg_id); requests with an empty payload use none.
 * For EVENT_POLL responses carrying an event, the event itself is the
 * message: the bus re-decodes the bytes as that event.
 */
struct vmsg {
	struct vmsg_hdr hdr;
	union {
		struct vmsg_dev_info dev_info; /* GET_DEVICE_INFO resp */
		struct vmsg_features features; /* GET/SET features */
		struct vmsg_config config; /* GET/SET_CONFIG, EVENT_CONFIG */
		uint32_t status; /* GET/SET_DEVICE_STATUS */
		uint32_t
			index; /* GET_VQUEUE/RESET_VQUEUE/GET_SHM req, EVENT_USED */
		struct vmsg_vqueue vqueue; /* GET_VQUEUE resp, SET_VQUEUE req */
		struct vmsg_shm shm; /* GET_SHM resp */
		struct vmsg_event_avail avail; /* EVENT_AVAIL */
		struct vmsg_get_devices devices; /* GET_DEVICES */
		uint32_t ping; /* PING */
		struct {
			uint16_t dev_num;
			uint16_t state;
		} event_device; /* EVENT_DEVICE */
		struct vmsg_bus_version version; /* FF-A VERSION */
		struct vmsg_area_share area; /* AREA_SHARE req */
		struct {
			uint16_t area_id;
			uint16_t result;
		} area_result; /* AREA_SHARE/UNSHARE resp, UNSHARE req, AREA_RELEASE */
		uint16_t result; /* RESET / EVENT_CONFIGURE resp */
		struct vmsg_event_configure evcfg;
		struct {
			uint64_t handle;
			uint16_t page_count;
			uint16_t notif_id;
		} fifo; /* FIFO_CONFIGURE req */
		struct {
			uint16_t result;
			uint16_t notif_id; /* device_notif_id */
		} fifo_result; /* FIFO_CONFIGURE resp */
		uint16_t orig_msg_id; /* FF-A ERROR */
	} u;
};

/**
 * vmsg_decode() - decode the message at @buf. @len may exceed msg_size
 * (a carriage pads with zeros); bytes past msg_size are ignored. Returns
 * VMSG_OK or a negative enum vmsg_error. Never reads past @len.
 */
int vmsg_decode(enum vmsg_profile profile, const uint8_t *buf, size_t len,
		struct vmsg *m);

/**
 * vmsg_encode() - encode @m (its hdr.msg_size is ignored and written) into
 * @buf. Returns the message size or a negative enum vmsg_error.
 */
int vmsg_encode(enum vmsg_profile profile, const struct vmsg *m, uint8_t *buf,
		size_t cap);

/** Decode just the header (for routing before the profile is known). */
int vmsg_hdr_decode(const uint8_t *buf, size_t len, struct vmsg_hdr *hdr);

/** Name of a message ("GET_VQUEUE"), for traces. */
const char *vmsg_name(uint8_t type, uint8_t msg_id);

#endif /* TZSHARE_VMSG_H */
