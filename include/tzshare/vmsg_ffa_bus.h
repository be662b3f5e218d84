/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * virtio-msg bus over FF-A, both roles (portable core). The carriage
 * (FFA_MSG_SEND_DIRECT_REQ2 x4..x17, or FFA_MSG_SEND2 through RX/TX) and
 * the FF-A memory calls are the host's: the cores see whole messages as
 * bytes and call struct *_ops for everything else.
 *
 * Backend (device role, in the secure partition): answers VERSION (v2
 * negotiation), GET_DEVICES, PING, RESET, EVENT_CONFIGURE, EVENT_POLL,
 * AREA_SHARE / AREA_UNSHARE, and routes transport messages by dev_num to
 * the registered devices. Areas: on AREA_SHARE the backend asks the host to
 * retrieve and map the FF-A handle and keeps it mapped while the area lives
 * (mapping is expensive); AREA_UNSHARE answers BUSY while a device still
 * uses the area and AREA_RELEASE is emitted once it is let go. Bus address
 * = area_id << 48 | offset; translate() resolves it for the virtqueues.
 * Device events (EVENT_USED, EVENT_CONFIG, EVENT_DEVICE, AREA_RELEASE)
 * queue up for EVENT_POLL; with EVENT_CONFIGURE NOTIF the host raises an
 * FF-A notification when the queue becomes non-empty.
 *
 * Frontend (driver role, in the VM): discovery is the host's (partition
 * info by the bus UUID); the core negotiates VERSION, enumerates devices
 * with GET_DEVICES windows (any number of devices), configures events
 * (NOTIF preferred, POLL fallback), drains EVENT_POLL, handles hotplug
 * (EVENT_DEVICE READY / REMOVED), PING, bus RESET, allocates tokens and
 * matches responses (dev_num, token), and manages areas (share + AREA_SHARE,
 * AREA_UNSHARE + reclaim, late AREA_RELEASE).
 */
#ifndef TZSHARE_VMSG_FFA_BUS_H
#define TZSHARE_VMSG_FFA_BUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <tzshare/virtq.h>
#include <tzshare/vmsg.h>
#include <tzshare/vmsg_transport.h>

#define VMSG_FFA_BUS_VERSION 0x00010000u /* 1.0 */
#define VMSG_TRANSPORT_REVISION 1u
#define VMSG_FFA_MAX_DEVICES 64
#define VMSG_FFA_MAX_AREAS 64
#define VMSG_FFA_EVENT_QUEUE 64

/* ---------------------------------------------------------------------- */
/* Backend (device role)                                                   */

struct vmsg_ffa_backend_ops {
	/* Retrieve and map an FF-A memory transaction; return a host pointer
	 * to page_count * 4K bytes or NULL (the backend answers ERROR). */
	uint8_t *(*area_map)(void *ctx, uint64_t handle, uint64_t tag,
			     uint32_t page_count, uint32_t attrs);
	/* Unmap and relinquish a mapping area_map returned. */
	void (*area_unmap)(void *ctx, uint8_t *va, uint32_t page_count,
			   uint64_t handle);
	/* The event queue became non-empty and the driver asked for NOTIF:
	 * raise FF-A notification @notify_id to the driver. Optional. */
	void (*notify)(void *ctx, uint16_t notify_id);
};

struct vmsg_ffa_area {
	bool used;
	bool unshare_pending; /* UNSHARE answered BUSY: release later */
	uint16_t id;
	uint64_t handle;
	uint32_t page_count;
	uint32_t attrs;
	uint8_t *va;
	uint32_t users; /* devices/queues referencing it */
};

struct vmsg_ffa_backend {
	const struct vmsg_ffa_backend_ops *ops;
	void *ctx;
	enum vmsg_profile profile;
	bool negotiated;
	uint32_t ffa_version;
	uint32_t bus_features;
	uint8_t event_method;
	uint16_t notify_id;
	struct vmsg_devt *devices[VMSG_FFA_MAX_DEVICES]; /* by dev_num */
	struct vmsg_ffa_area areas[VMSG_FFA_MAX_AREAS];
	/* Pending device-to-driver events (encoded), oldest first. */
	uint32_t ev_head, ev_count;
	uint8_t ev_buf[VMSG_FFA_EVENT_QUEUE][VMSG_MAX_SIZE];
	uint16_t ev_len[VMSG_FFA_EVENT_QUEUE];
	struct virtq_mem_ops mem; /* translate() over areas */
	struct vmsg_ffa_backend_stats {
		uint64_t messages;
		uint64_t dropped; /* malformed, unknown, before VERSION */
		uint64_t events_lost; /* queue full */
	} stats;
};

void vmsg_ffa_backend_init(struct vmsg_ffa_backend *be,
			   const struct vmsg_ffa_backend_ops *ops, void *ctx,
			   uint32_t bus_features);
/** Add (READY event) or remove (REMOVED event) a device at run time. */
int vmsg_ffa_backend_add(struct vmsg_ffa_backend *be, uint16_t dev_num,
			 struct vmsg_device *dev, struct vmsg_devt *t);
int vmsg_ffa_backend_remove(struct vmsg_ffa_backend *be, uint16_t dev_num);
/**
 * vmsg_ffa_backend_handle() - one message from the driver. Writes the
 * response into @resp and returns its length, or 0 when nothing is to be
 * sent back (event, or a dropped message).
 */
size_t vmsg_ffa_backend_handle(struct vmsg_ffa_backend *be, const uint8_t *msg,
			       size_t len, uint8_t *resp, size_t cap);

/* ---------------------------------------------------------------------- */
/* Frontend (driver role)                                                  */

struct vmsg_ffa_frontend_ops {
	/* Carry one message and return the response bytes (length in
	 * *resp_len); for events resp may be ignored. Negative vmsg_t_error
	 * on carriage failure. */
	int (*xfer)(void *ctx, const uint8_t *msg, size_t len, uint8_t *resp,
		    size_t cap, size_t *resp_len);
	/* FF-A share (or lend) @page_count pages at driver address @pa to the
	 * device partition; return the handle. */
	int (*mem_share)(void *ctx, uint64_t pa, uint32_t page_count, bool lend,
			 uint64_t *handle);
	int (*mem_reclaim)(void *ctx, uint64_t handle);
	/* Device added / removed / event for a device (hotplug, EVENT_USED,
	 * EVENT_CONFIG) surfaced to the host driver layer. */
	void (*device_event)(void *ctx, const struct vmsg *ev);
};

struct vmsg_ffa_frontend_area {
	bool used;
	bool release_pending; /* UNSHARE got BUSY: reclaim on AREA_RELEASE */
	uint16_t id;
	uint64_t pa;
	uint32_t page_count;
	uint64_t handle;
};

struct vmsg_ffa_frontend {
	const struct vmsg_ffa_frontend_ops *ops;
	void *ctx;
	enum vmsg_profile profile;
	uint32_t ffa_version;
	uint32_t peer_bus_features;
	uint8_t event_method;
	uint16_t next_token;
	uint8_t present[VMSG_FFA_MAX_DEVICES / 8]; /* device bitmap */
	struct vmsg_ffa_frontend_area areas[VMSG_FFA_MAX_AREAS];
	struct vmsg_drv_bus_ops drv_bus; /* for struct vmsg_drvt */
	struct vmsg_ffa_frontend_stats {
		uint64_t requests;
		uint64_t
			bad_responses; /* token / dev_num mismatch, malformed */
		uint64_t events;
	} stats;
};

void vmsg_ffa_frontend_init(struct vmsg_ffa_frontend *fe,
			    const struct vmsg_ffa_frontend_ops *ops, void *ctx,
			    uint32_t ffa_version);
/* VERSION (v2 negotiation; falls back to v1 / PR28 profile). */
int vmsg_ffa_frontend_version(struct vmsg_ffa_frontend *fe);
/* GET_DEVICES over all windows -> fe->present. */
int vmsg_ffa_frontend_enumerate(struct vmsg_ffa_frontend *fe);
/* EVENT_CONFIGURE: NOTIF with @notify_id if @notif, else POLL. */
int vmsg_ffa_frontend_configure_events(struct vmsg_ffa_frontend *fe, bool notif,
				       uint16_t notify_id);
/* Drain EVENT_POLL (at most @max events); returns events handled. */
int vmsg_ffa_frontend_poll(struct vmsg_ffa_frontend *fe, unsigned int max);
int vmsg_ffa_frontend_ping(struct vmsg_ffa_frontend *fe, uint32_t data);
int vmsg_ffa_frontend_reset(struct vmsg_ffa_frontend *fe);
/* Share [pa, pa + pages) as a new area; *bus_addr = area_id << 48. */
int vmsg_ffa_frontend_area_share(struct vmsg_ffa_frontend *fe, uint64_t pa,
				 uint32_t page_count, bool lend,
				 uint64_t *bus_addr);
/* AREA_UNSHARE + reclaim; VMSG_T_E_STATE (release pending) on BUSY. */
int vmsg_ffa_frontend_area_unshare(struct vmsg_ffa_frontend *fe,
				   uint16_t area_id);
bool vmsg_ffa_frontend_present(const struct vmsg_ffa_frontend *fe,
			       uint16_t dev_num);

#endif /* TZSHARE_VMSG_FFA_BUS_H */
