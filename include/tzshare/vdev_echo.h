/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * "tzshare echo": a vendor-specific virtio device for testing the
 * virtio-msg transport and the FF-A bus end to end (portable core).
 *
 * Identity: device id 0xFFF0, vendor 0x545A ("TZ").
 * Queue 0 (requests): the driver posts chains of device-readable buffers
 *   followed by device-writable ones; the device copies the readable bytes
 *   into the writable ones (as far as they fit) and returns the chain with
 *   the number of bytes written. Chains are completed inside the
 *   EVENT_AVAIL call; the device keeps no chain across calls.
 * Features: VERSION_1, EVENT_IDX, INDIRECT_DESC, RING_RESET (RING_RESET so
 *   that RESET_VQUEUE can be exercised).
 * Config space (8 bytes, little-endian):
 *   0 u32 echo_count  chains completed, published on demand
 *                     (vdev_echo_publish_count) so that EVENT_CONFIG can be
 *                     tested; read-only for the driver.
 *   4 u32 flags       driver-writable; bit 0 VDEV_ECHO_F_UPPERCASE makes the
 *                     device upper-case ASCII letters while copying.
 */
#ifndef TZSHARE_VDEV_ECHO_H
#define TZSHARE_VDEV_ECHO_H

#include <stdbool.h>
#include <stdint.h>

#include <tzshare/vmsg_transport.h>

#define VDEV_ECHO_DEVICE_ID 0xFFF0u
#define VDEV_ECHO_VENDOR_ID 0x545Au /* "TZ" */
#define VDEV_ECHO_QUEUE_REQ 0u
#define VDEV_ECHO_QUEUE_MAX 256u
#define VDEV_ECHO_CONFIG_SIZE 8u
#define VDEV_ECHO_CFG_COUNT 0u
#define VDEV_ECHO_CFG_FLAGS 4u
#define VDEV_ECHO_F_UPPERCASE (1u << 0)

#define VDEV_ECHO_FEATURES                                             \
	((1ull << VIRTIO_F_VERSION_1) | (1ull << VIRTIO_F_EVENT_IDX) | \
	 (1ull << VIRTIO_F_INDIRECT_DESC) | (1ull << VIRTIO_F_RING_RESET))

struct vdev_echo {
	struct vmsg_device dev;
	uint32_t echo_count; /* chains completed since the last reset */
	uint32_t flags; /* copy of config flags */
	uint64_t inflight[VDEV_ECHO_QUEUE_MAX];
	struct vdev_echo_stats {
		uint64_t chains;
		uint64_t bytes;
		uint64_t notifies;
		uint64_t resets; /* device resets (vq -1) */
		uint64_t queue_resets;
		uint64_t broken; /* pops that found the queue broken */
	} stats;
};

/** Set up the device (identity, features, config, ops). */
void vdev_echo_init(struct vdev_echo *e);

/**
 * Write echo_count into config offset 0 and tell the driver (generation
 * bump + EVENT_CONFIG through the transport). The device must be bound to
 * a transport (e->dev.t).
 */
void vdev_echo_publish_count(struct vdev_echo *e);

#endif /* TZSHARE_VDEV_ECHO_H */
