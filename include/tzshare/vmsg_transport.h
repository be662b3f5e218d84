/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * virtio-msg transport, both sides (portable core).
 *
 * Device side: a generic device model. A device (vsock, the test echo
 * device, ...) registers its identity, features, config space, queues and
 * callbacks in a struct vmsg_device; struct vmsg_devt runs the transport
 * for it: answers every transport request, keeps status / features /
 * config generation, builds the device-side virtqueues at DRIVER_OK from
 * SET_VQUEUE bus addresses (translated by the bus), and resets cleanly
 * (status 0 or RESET_VQUEUE). Responses come back in request order (one
 * per request; the caller answers synchronously). Which message is valid
 * in which state, and what is dropped, is listed at the top of
 * core/vmsg_transport/devt.c. Queues hold the bus memory their rings lie
 * in (struct vmsg_devt_bus_ops) from SET_VQUEUE until they are dropped.
 *
 * Driver side: struct vmsg_drvt runs the init sequence against one device
 * (GET_DEVICE_INFO, feature blocks, FEATURES_OK check, config with
 * generation, GET/SET_VQUEUE per queue, DRIVER_OK), config change events,
 * reset and RESET_VQUEUE, GET_SHM. It talks through a bus that carries one
 * request and returns its response (token matching and timeouts are the
 * bus's; a timeout surfaces here as VMSG_T_E_TIMEOUT).
 */
#ifndef TZSHARE_VMSG_TRANSPORT_H
#define TZSHARE_VMSG_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <tzshare/virtq.h>
#include <tzshare/vmsg.h>

#define VMSG_MAX_QUEUES 8
#define VMSG_MAX_CONFIG 256

/* Transport-level results (negative), beyond the codec's. */
enum vmsg_t_error {
	VMSG_T_OK = 0,
	VMSG_T_E_TIMEOUT = -20, /* the bus gave up on a response */
	VMSG_T_E_PROTO = -21, /* peer answered something invalid */
	VMSG_T_E_REFUSED = -22, /* device refused (FEATURES_OK cleared, ...) */
	VMSG_T_E_STATE = -23, /* call not valid in this state */
	VMSG_T_E_NOMEM = -24,
	VMSG_T_E_BUS = -25, /* carriage failed (FF-A error, peer gone) */
};

/* Transport feature bits (bus VERSION transport_features). */
#define VMSG_TRANSPORT_F_STRICT_CONFIG_GENERATION (1u << 0)

/* V2 GET_VQUEUE / SET_VQUEUE flags word (PR28: reserved, MBZ). */
#define VMSG_VQUEUE_F_ENABLED (1u << 0)

/* ---------------------------------------------------------------------- */
/* Device side                                                             */

struct vmsg_device;

struct vmsg_device_ops {
	/* Driver made buffers available on queue @vq (EVENT_AVAIL). */
	void (*queue_notify)(struct vmsg_device *dev, uint32_t vq);
	/* Status went to 0 or a queue was reset (vq = index) / all (-1):
	 * drop every reference into the queues. */
	void (*reset)(struct vmsg_device *dev, int32_t vq);
	/* DRIVER_OK reached: queues are live. Optional. */
	void (*ready)(struct vmsg_device *dev);
	/* Driver wrote config [offset, offset + len). Optional (read-only
	 * config refuses writes). */
	bool (*config_write)(struct vmsg_device *dev, uint32_t offset,
			     const uint8_t *data, uint32_t len);
};

/** What a device registers. */
struct vmsg_device {
	uint32_t device_id;
	uint32_t vendor_id;
	uint8_t uuid[16];
	uint64_t features; /* offered (bits 0..63) */
	uint32_t config_size;
	uint8_t config[VMSG_MAX_CONFIG];
	uint32_t num_queues;
	uint16_t queue_max_size[VMSG_MAX_QUEUES];
	/* Device storage for each queue's in-flight record: queue_max_size[i]
	 * entries (virtq_dev_set_inflight). */
	uint64_t *inflight[VMSG_MAX_QUEUES];
	const struct vmsg_device_ops *ops;
	void *priv;
	/* Filled by the transport: */
	struct vmsg_devt *t;
};

/**
 * What the device transport needs from its bus (all optional):
 * @emit_event: queue a device-to-driver event (EVENT_USED, EVENT_CONFIG);
 *	the bus delivers it (event queue + notification, poll, ...).
 * @mem_hold: a queue's ring [addr, addr + len) will be used until the
 *	matching @mem_release: keep that memory mapped (the FF-A bus answers
 *	AREA_UNSHARE with BUSY meanwhile). Returns false when the range is
 *	not memory the bus can hold (unknown area, unshare pending): the
 *	transport then refuses the queue.
 * @mem_info: what the bus knows about the memory [addr, addr + len) lies
 *	in (struct vmsg_devt_mem_info). Returns false when the range is not
 *	inside one mapped area (unknown area, outside it, overflowing). Used
 *	by devices that accept memory from the driver (vsock OP_SHMEM).
 */
struct vmsg_devt_mem_info {
	uint64_t handle; /* FF-A handle the area was shared with */
	uint64_t tag; /* FF-A tag of the share (0: none) */
	uint32_t attrs; /* VMSG_AREA_ATTR_* as shared (bits 1:0: type) */
	bool writable; /* the device may write it */
	bool releasing; /* unshare pending: no new holds */
};

struct vmsg_devt_bus_ops {
	void (*emit_event)(void *bus_ctx, const struct vmsg *ev);
	bool (*mem_hold)(void *bus_ctx, uint64_t addr, uint64_t len);
	void (*mem_release)(void *bus_ctx, uint64_t addr, uint64_t len);
	bool (*mem_info)(void *bus_ctx, uint64_t addr, uint64_t len,
			 struct vmsg_devt_mem_info *info);
};

/** One queue of the device transport. */
struct vmsg_devt_queue {
	uint32_t size; /* 0 = not configured */
	bool enabled; /* PR28: set by SET_VQUEUE; V2: flags bit 0 */
	bool held; /* rings held through bus->mem_hold */
	bool live; /* q is bound (DRIVER_OK reached) */
	uint64_t desc_addr, driver_addr, device_addr;
	struct virtq_dev q;
};

/**
 * Device transport state. Queues are live between DRIVER_OK and reset;
 * vq[i].q then validates every ring access through the bus's translate().
 */
struct vmsg_devt {
	struct vmsg_device *dev;
	enum vmsg_profile profile;
	uint16_t dev_num;
	uint32_t status;
	uint64_t driver_features;
	bool feature_excess; /* driver set a bit beyond bit 63 */
	uint32_t generation;
	/* SET_CONFIG with a stale generation is rejected (see devt.c). */
	bool strict_generation;
	/* Largest message the bus carries (responses and events). */
	uint32_t max_msg_size;
	const struct virtq_mem_ops *mem; /* the bus's area translation */
	void *mem_ctx;
	const struct vmsg_devt_bus_ops *bus;
	void *bus_ctx;
	struct vmsg_devt_queue vq[VMSG_MAX_QUEUES];
	struct vmsg_devt_stats {
		uint64_t requests;
		uint64_t dropped; /* malformed / unknown / invalid in state */
		uint64_t
			refused; /* answered but not applied (status, config) */
		uint64_t events; /* events emitted */
	} stats;
};

/**
 * vmsg_devt_init() - bind @t to @dev as device number @dev_num. The
 * profile and strict_generation may be changed by the bus later (after
 * VERSION negotiation), before the driver talks to the device.
 */
void vmsg_devt_init(struct vmsg_devt *t, struct vmsg_device *dev,
		    uint16_t dev_num, enum vmsg_profile profile,
		    const struct virtq_mem_ops *mem, void *mem_ctx,
		    const struct vmsg_devt_bus_ops *bus, void *bus_ctx);

/**
 * vmsg_devt_handle() - one decoded transport request (or EVENT_AVAIL).
 * Returns true with *resp filled (same dev_num and token, type | RESPONSE)
 * when the request gets a response; false for events and for requests that
 * are dropped (counted in stats.dropped, never acted on).
 */
bool vmsg_devt_handle(struct vmsg_devt *t, const struct vmsg *req,
		      struct vmsg *resp);

/** Device reset from the bus side (bus RESET, device removal): status 0. */
void vmsg_devt_reset(struct vmsg_devt *t);

/** Device side helpers for device implementations. */
/* The live queue @vq, or NULL (not live, broken, out of range). */
struct virtq_dev *vmsg_devt_queue(struct vmsg_devt *t, uint32_t vq);
/* After pushing used buffers: emit EVENT_USED if the driver wants it. */
void vmsg_devt_used(struct vmsg_devt *t, uint32_t vq);
/* Change config bytes: bumps the generation, emits EVENT_CONFIG. */
void vmsg_devt_config_changed(struct vmsg_devt *t, uint32_t offset,
			      uint32_t len);
/* The device cannot go on: set NEEDS_RESET, tell the driver (EVENT_CONFIG). */
void vmsg_devt_needs_reset(struct vmsg_devt *t);

/* ---------------------------------------------------------------------- */
/* Driver side                                                             */

/** How the driver transport reaches the device: one request, one answer. */
struct vmsg_drv_bus_ops {
	/* Send @req (hdr.dev_num set by the caller; token by the bus) and wait
	 * for its response. Returns VMSG_T_OK or a negative vmsg_t_error. */
	int (*request)(void *ctx, struct vmsg *req, struct vmsg *resp);
	/* Send an event (EVENT_AVAIL): no response. */
	int (*event)(void *ctx, struct vmsg *ev);
	/* Largest message the bus carries (0: VMSG_MIN_MAX_SIZE). Config
	 * reads and writes are split to fit. */
	uint32_t max_msg_size;
	/* SET_CONFIG carries the generation (PR28 profile, or V2 with
	 * VIRTIO_MSG_F_STRICT_CONFIG_GENERATION); else the field is MBZ and
	 * sent as 0. Set by the bus at negotiation. */
	bool strict_generation;
};

struct vmsg_drvt {
	const struct vmsg_drv_bus_ops *bus;
	void *bus_ctx;
	uint16_t dev_num;
	struct vmsg_dev_info info;
	uint64_t device_features;
	uint64_t driver_features;
	uint32_t status;
	uint32_t generation; /* last config generation seen */
	bool config_changed; /* EVENT_CONFIG arrived */
	struct vmsg_drvt_stats {
		uint64_t requests;
		uint64_t events_sent;
		uint64_t config_events;
	} stats;
};

void vmsg_drvt_init(struct vmsg_drvt *t, const struct vmsg_drv_bus_ops *bus,
		    void *bus_ctx, uint16_t dev_num);
/* GET_DEVICE_INFO + feature blocks -> t->info, t->device_features. */
int vmsg_drvt_probe(struct vmsg_drvt *t);
/* ACK|DRIVER, SET_DRIVER_FEATURES(@features & offered), FEATURES_OK and
 * check the returned status keeps it (else VMSG_T_E_REFUSED). */
int vmsg_drvt_negotiate(struct vmsg_drvt *t, uint64_t features);
/* Config access with generation (retries a read that straddled a change). */
int vmsg_drvt_config_read(struct vmsg_drvt *t, uint32_t offset, void *buf,
			  uint32_t len);
int vmsg_drvt_config_write(struct vmsg_drvt *t, uint32_t offset,
			   const void *buf, uint32_t len);
/* GET_VQUEUE (max size) then SET_VQUEUE with bus addresses. */
int vmsg_drvt_queue_max(struct vmsg_drvt *t, uint32_t vq, uint32_t *max);
int vmsg_drvt_queue_setup(struct vmsg_drvt *t, uint32_t vq, uint32_t size,
			  uint64_t desc, uint64_t driver, uint64_t device);
int vmsg_drvt_driver_ok(struct vmsg_drvt *t);
/* Status 0 (device reset); RESET_VQUEUE for one queue. */
int vmsg_drvt_reset(struct vmsg_drvt *t);
int vmsg_drvt_queue_reset(struct vmsg_drvt *t, uint32_t vq);
int vmsg_drvt_get_shm(struct vmsg_drvt *t, uint32_t idx, uint64_t *addr,
		      uint64_t *len);
/* EVENT_AVAIL for @vq. */
int vmsg_drvt_notify(struct vmsg_drvt *t, uint32_t vq);
/* A device event for this device (EVENT_CONFIG / EVENT_USED) arrived;
 * returns the vq index for EVENT_USED, -1 otherwise. */
int vmsg_drvt_event(struct vmsg_drvt *t, const struct vmsg *ev);

#endif /* TZSHARE_VMSG_TRANSPORT_H */
