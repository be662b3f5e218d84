/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * virtio-msg bus over FF-A, both roles (portable core). The carriage
 * (FFA_MSG_SEND_DIRECT_REQ2 x4..x17, or FFA_MSG_SEND2 through RX/TX) and
 * the FF-A memory calls are the host's: the cores see whole messages as
 * bytes and call struct *_ops for everything else. Neither side locks:
 * the host runs one message (or one device call) at a time per instance.
 *
 * Backend (device role, in the secure partition): answers VERSION (v2
 * probe/echo negotiation, v1 = PR28 profile fallback), GET_DEVICES
 * (windows, any number of devices), PING, RESET, EVENT_CONFIGURE (POLL,
 * NOTIF), EVENT_POLL, AREA_SHARE / AREA_UNSHARE, and routes transport
 * messages by dev_num to the registered devices (struct vmsg_devt). A
 * refused well-formed request gets the FF-A bus ERROR message in the V2
 * profile; malformed or unknown messages get nothing (backend.c).
 * Areas: on AREA_SHARE the backend asks the host to retrieve and map the
 * FF-A handle and keeps it mapped while the area lives (mapping is
 * expensive); queues hold the areas their rings lie in, AREA_UNSHARE
 * answers BUSY while held and AREA_RELEASE is emitted once the last holder
 * lets go (backend_area.c). Bus address = area_id << 48 | offset;
 * translate() resolves it for the virtqueues. Device events (EVENT_USED,
 * EVENT_CONFIG, EVENT_DEVICE, AREA_RELEASE) queue up for EVENT_POLL; with
 * EVENT_CONFIGURE NOTIF the host raises an FF-A notification when the
 * queue becomes non-empty (backend_event.c). Bus RESET resets every
 * device and releases every area.
 *
 * Frontend (driver role, in the VM): discovery is the host's (partition
 * info by the bus UUID); the core negotiates VERSION, enumerates devices
 * with GET_DEVICES windows (any number of devices), configures events
 * (NOTIF preferred, POLL fallback), drains EVENT_POLL, handles hotplug
 * (EVENT_DEVICE READY / REMOVED), PING, bus RESET, allocates tokens and
 * matches responses (dev_num, token), manages areas (share + AREA_SHARE,
 * AREA_UNSHARE + reclaim, late AREA_RELEASE), and offers fe->drv_bus so a
 * struct vmsg_drvt runs over it. DMA helpers for the static pool and
 * dynamic per-buffer areas are at the end of this header.
 */
#ifndef TZSHARE_VMSG_FFA_BUS_H
#define TZSHARE_VMSG_FFA_BUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <tzshare/buddy.h>
#include <tzshare/virtq.h>
#include <tzshare/vmsg.h>
#include <tzshare/vmsg_transport.h>

#define VMSG_FFA_BUS_VERSION 0x00010000u /* 1.0 */
#define VMSG_TRANSPORT_REVISION 1u
#define VMSG_FFA_MAX_DEVICES 64
#define VMSG_FFA_MAX_AREAS 64
#define VMSG_FFA_EVENT_QUEUE 64
#define VMSG_FFA_DEFAULT_FFA_VERSION 0x00010002u /* FF-A v1.2 */
#define VMSG_FFA_PAGE_SIZE 4096u

/* What a driver normally shares: SHARE, RW, inner WB normal, NS. */
#define VMSG_FFA_AREA_ATTRS_RW                                      \
	(VMSG_AREA_ATTR_WRITABLE | VMSG_AREA_ATTR_INNER_SHAREABLE | \
	 VMSG_AREA_ATTR_WRITE_BACK | VMSG_AREA_ATTR_NORMAL |        \
	 VMSG_AREA_ATTR_NON_SECURE)

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
	 * raise FF-A notification @notify_id to the driver. Optional (NOTIF
	 * is refused without it). */
	void (*notify)(void *ctx, uint16_t notify_id);
};

/**
 * An area the driver shared (AREA_SHARE). Lifecycle: AREA_SHARE maps it
 * (ops->area_map) and it stays mapped; queues hold it while their rings
 * lie in it (users). AREA_UNSHARE with users == 0 unmaps it at once (OK);
 * with users it answers BUSY and marks it unshare_pending: translation
 * still works for the queues that hold it, no new queue may hold it, and
 * when the last user lets go (queue or device reset, device removal) it
 * is unmapped and AREA_RELEASE is queued for the driver. Bus RESET unmaps
 * every area without AREA_RELEASE (the driver reclaims all).
 */
struct vmsg_ffa_area {
	bool used;
	bool unshare_pending; /* UNSHARE answered BUSY: release later */
	bool writable; /* the device may write (translate(.., write)) */
	uint16_t id;
	uint64_t handle;
	uint64_t tag; /* FF-A tag from AREA_SHARE */
	uint32_t page_count;
	uint32_t attrs;
	uint8_t *va;
	uint32_t users; /* holds: live queues' rings, vsock offers */
};

struct vmsg_ffa_backend {
	const struct vmsg_ffa_backend_ops *ops;
	void *ctx;
	enum vmsg_profile profile;
	bool negotiated;
	uint32_t ffa_version; /* ours, sent in VERSION (V2) */
	uint32_t peer_ffa_version; /* the driver's, from VERSION (V2) */
	uint32_t bus_features;
	/* Advertised in VERSION (V2); bit 0 STRICT_CONFIG_GENERATION makes
	 * the devices reject stale SET_CONFIG. 0 by default (Linux v2). */
	uint32_t transport_features;
	uint32_t max_msg_size; /* carriage limit (VMSG_FFA_DIRECT_MAX) */
	uint8_t event_method;
	uint16_t notify_id;
	struct vmsg_devt *devices[VMSG_FFA_MAX_DEVICES]; /* by dev_num */
	struct vmsg_ffa_area areas[VMSG_FFA_MAX_AREAS];
	/* Pending device-to-driver events (encoded), oldest first. */
	uint32_t ev_head, ev_count;
	uint8_t ev_buf[VMSG_FFA_EVENT_QUEUE][VMSG_MAX_SIZE];
	uint16_t ev_len[VMSG_FFA_EVENT_QUEUE];
	struct virtq_mem_ops mem; /* translate() over areas */
	struct vmsg_devt_bus_ops devt_bus; /* events + area holds */
	struct vmsg_ffa_backend_stats {
		uint64_t messages;
		uint64_t dropped; /* malformed, unknown, wrong direction */
		uint64_t errors; /* requests answered with ERROR (0x87) */
		uint64_t events_lost; /* queue full */
		uint64_t events_merged; /* identical event already pending */
	} stats;
};

/**
 * vmsg_ffa_backend_init() - a backend advertising @bus_features
 * (VMSG_FFA_BUS_F_*), FF-A v1.2, no transport features, 104-byte messages.
 * Change ffa_version / transport_features / max_msg_size before the
 * driver's VERSION if needed.
 */
void vmsg_ffa_backend_init(struct vmsg_ffa_backend *be,
			   const struct vmsg_ffa_backend_ops *ops, void *ctx,
			   uint32_t bus_features);
/**
 * Add (READY event) or remove (REMOVED event) a device at run time; the
 * events are queued only once VERSION was negotiated (before that the
 * driver enumerates). Removal resets the device first (its queues let go
 * of their areas) and drops its pending events. Returns 0, or -1 for a bad
 * or busy dev_num / unknown device.
 */
int vmsg_ffa_backend_add(struct vmsg_ffa_backend *be, uint16_t dev_num,
			 struct vmsg_device *dev, struct vmsg_devt *t);
int vmsg_ffa_backend_remove(struct vmsg_ffa_backend *be, uint16_t dev_num);
/**
 * vmsg_ffa_backend_handle() - one message from the driver. Writes the
 * response into @resp and returns its length, or 0 when nothing is to be
 * sent back: events, undecodable or unknown messages, responses, and (in
 * the PR28 profile) refused requests. A well-formed request that is
 * refused (before VERSION, unknown device, invalid in the device's state)
 * is answered with the FF-A bus ERROR message (0x87) naming it, as Linux
 * PoC v2 does; the carriage decides what "nothing" means on its channel.
 */
size_t vmsg_ffa_backend_handle(struct vmsg_ffa_backend *be, const uint8_t *msg,
			       size_t len, uint8_t *resp, size_t cap);
/**
 * Bus address -> host pointer inside a mapped area, or NULL (unknown area,
 * range outside it or overflowing, write to a read-only area). Also the
 * virtq_mem_ops translate of be->mem (ctx = be).
 */
uint8_t *vmsg_ffa_backend_translate(struct vmsg_ffa_backend *be, uint64_t addr,
				    uint64_t len, bool write);
/** The area with @area_id, or NULL. */
struct vmsg_ffa_area *vmsg_ffa_backend_area(struct vmsg_ffa_backend *be,
					    uint16_t area_id);
/** Pending events (for a host that polls instead of being notified). */
static inline uint32_t
vmsg_ffa_backend_pending(const struct vmsg_ffa_backend *be)
{
	return be->ev_count;
}

/* ---------------------------------------------------------------------- */
/* Frontend (driver role)                                                  */

struct vmsg_ffa_frontend_ops {
	/* Carry one message and return the response bytes (length in
	 * *resp_len, 0 = no response); for events the response is ignored.
	 * Negative vmsg_t_error on carriage failure. */
	int (*xfer)(void *ctx, const uint8_t *msg, size_t len, uint8_t *resp,
		    size_t cap, size_t *resp_len);
	/* FF-A share (type from @attrs bits 1:0: share / lend / donate;
	 * writable from VMSG_AREA_ATTR_WRITABLE) @page_count pages at driver
	 * address @pa to the device partition; return the handle. */
	int (*mem_share)(void *ctx, uint64_t pa, uint32_t page_count,
			 uint32_t attrs, uint64_t *handle);
	/* FF-A reclaim; negative vmsg_t_error when the borrower still holds
	 * the memory. */
	int (*mem_reclaim)(void *ctx, uint64_t handle);
	/* Device added / removed / event for a device (hotplug, EVENT_USED,
	 * EVENT_CONFIG) surfaced to the host driver layer. Optional. */
	void (*device_event)(void *ctx, const struct vmsg *ev);
};

struct vmsg_ffa_frontend_area {
	bool used;
	bool external; /* attached handle: never reclaimed by the bus */
	bool release_pending; /* UNSHARE got BUSY: reclaim on AREA_RELEASE */
	uint16_t id;
	uint64_t pa;
	uint32_t page_count;
	uint32_t attrs;
	uint64_t handle;
};

struct vmsg_ffa_frontend {
	const struct vmsg_ffa_frontend_ops *ops;
	void *ctx;
	enum vmsg_profile profile;
	bool negotiated;
	uint32_t ffa_version; /* ours */
	uint32_t peer_ffa_version;
	uint32_t peer_bus_features;
	uint32_t transport_features; /* the device's (V2 VERSION) */
	uint16_t peer_max_areas;
	uint8_t event_method;
	uint16_t next_token;
	uint16_t next_area_id;
	uint16_t window; /* GET_DEVICES count per request (multiple of 8) */
	uint32_t max_msg_size; /* carriage limit */
	uint8_t present[VMSG_FFA_MAX_DEVICES / 8]; /* device bitmap */
	struct vmsg_ffa_frontend_area areas[VMSG_FFA_MAX_AREAS];
	struct vmsg_drv_bus_ops drv_bus; /* for struct vmsg_drvt */
	struct vmsg_ffa_frontend_stats {
		uint64_t requests;
		uint64_t
			bad_responses; /* token / dev_num mismatch, malformed */
		uint64_t errors; /* ERROR (0x87) answers */
		uint64_t events;
		uint64_t bad_events; /* unknown / unexpected events dropped */
	} stats;
};

/**
 * Tokens: every request gets the next non-zero token (wrapping, 0 skipped;
 * events carry 0). A response must echo (dev_num, token) and the request's
 * msg_id with the response bit, else it is counted in bad_responses and
 * the call fails with VMSG_T_E_PROTO. An ERROR (0x87) answer naming the
 * request fails it with VMSG_T_E_REFUSED; no answer at all is
 * VMSG_T_E_TIMEOUT.
 */
void vmsg_ffa_frontend_init(struct vmsg_ffa_frontend *fe,
			    const struct vmsg_ffa_frontend_ops *ops, void *ctx,
			    uint32_t ffa_version);
/* VERSION (v2 probe + echo; falls back to v1 = PR28 profile). */
int vmsg_ffa_frontend_version(struct vmsg_ffa_frontend *fe);
/* GET_DEVICES over all windows -> fe->present. */
int vmsg_ffa_frontend_enumerate(struct vmsg_ffa_frontend *fe);
/* EVENT_CONFIGURE: NOTIF with @notify_id if @notif (POLL when the device
 * refuses NOTIF), else POLL. fe->event_method says which took. */
int vmsg_ffa_frontend_configure_events(struct vmsg_ffa_frontend *fe, bool notif,
				       uint16_t notify_id);
/* Drain EVENT_POLL (at most @max events); returns events handled or a
 * negative vmsg_t_error. EVENT_DEVICE updates fe->present, AREA_RELEASE
 * reclaims a release-pending area; every event except AREA_RELEASE goes to
 * ops->device_event. */
int vmsg_ffa_frontend_poll(struct vmsg_ffa_frontend *fe, unsigned int max);
int vmsg_ffa_frontend_ping(struct vmsg_ffa_frontend *fe, uint32_t data);
/* RESET: every device reset, every area released by the device; the
 * frontend then reclaims and forgets all its areas. */
int vmsg_ffa_frontend_reset(struct vmsg_ffa_frontend *fe);
/* Share [pa, pa + pages) as a new area (mem_share + AREA_SHARE) with
 * @attrs (VMSG_AREA_ATTR_*, e.g. VMSG_FFA_AREA_ATTRS_RW); *bus_addr =
 * area_id << 48. */
int vmsg_ffa_frontend_area_share(struct vmsg_ffa_frontend *fe, uint64_t pa,
				 uint32_t page_count, uint32_t attrs,
				 uint64_t *bus_addr);
/*
 * AREA_SHARE of an FF-A transaction the caller already made and owns
 * (@handle, @tag, @page_count pages at @pa, type and access in @attrs):
 * no mem_share now, no mem_reclaim at unshare or RESET. Used for memory
 * whose FF-A lifetime is not the bus's, e.g. a protected heap pool.
 */
int vmsg_ffa_frontend_area_attach(struct vmsg_ffa_frontend *fe, uint64_t handle,
				  uint64_t tag, uint64_t pa,
				  uint32_t page_count, uint32_t attrs,
				  uint64_t *bus_addr);
/* AREA_UNSHARE + reclaim; VMSG_T_E_STATE (release pending: reclaimed when
 * AREA_RELEASE arrives) on BUSY; VMSG_T_E_REFUSED on ERROR. */
int vmsg_ffa_frontend_area_unshare(struct vmsg_ffa_frontend *fe,
				   uint16_t area_id);
struct vmsg_ffa_frontend_area *
vmsg_ffa_frontend_area(struct vmsg_ffa_frontend *fe, uint16_t area_id);
bool vmsg_ffa_frontend_present(const struct vmsg_ffa_frontend *fe,
			       uint16_t dev_num);

/* ---------------------------------------------------------------------- */
/* DMA modes (architecture.md §4), driver side                             */

/*
 * STATIC: one pool (a "restricted-dma-pool") is shared once as one area;
 *   rings and buffers are carved from it by a buddy allocator
 *   (include/tzshare/buddy.h, granule = unit bytes), so transfers cost no
 *   FF-A memory calls. Data
 *   lives in (or is bounced through) the pool.
 * DYNAMIC: every buffer is shared on demand as its own area
 *   (vmsg_ffa_dma_map: the pages covering it), zero copy, and unshared when
 *   the device returned it (vmsg_ffa_dma_unmap).
 *
 * The pool is plain state over caller storage (the allocator's metadata,
 * vmsg_ffa_dma_pool_map_bytes()), no allocation.
 */
struct vmsg_ffa_dma_pool {
	uint8_t *base; /* driver host pointer of the pool */
	uint64_t pa; /* driver address (for mem_share) */
	uint32_t page_count;
	uint32_t unit; /* allocation granule, power of 2 */
	uint32_t units;
	uint32_t used_units;
	struct tzs_buddy alloc; /* metadata in the caller's map */
	uint16_t area_id;
	bool shared;
	uint64_t bus_base; /* area_id << 48 once shared */
};

/* Bytes of @map a pool of @page_count pages in @unit granules needs: two
 * per unit, units rounded up to a power of 2 (0: no such pool). */
size_t vmsg_ffa_dma_pool_map_bytes(uint32_t page_count, uint32_t unit);
/* Pool over [base, base + page_count pages) at @pa; @map holds
 * vmsg_ffa_dma_pool_map_bytes() bytes. Returns 0 or VMSG_T_E_STATE (bad
 * args). */
int vmsg_ffa_dma_pool_init(struct vmsg_ffa_dma_pool *pool, uint8_t *base,
			   uint64_t pa, uint32_t page_count, uint32_t unit,
			   uint8_t *map, size_t map_len);
int vmsg_ffa_dma_pool_share(struct vmsg_ffa_frontend *fe,
			    struct vmsg_ffa_dma_pool *pool);
int vmsg_ffa_dma_pool_unshare(struct vmsg_ffa_frontend *fe,
			      struct vmsg_ffa_dma_pool *pool);
/* @len bytes (whole units, no rounding to a power of 2) aligned to @align
 * (power of 2, <= 4096) in the lowest buddy block that fits: host pointer
 * and bus address. VMSG_T_E_NOMEM when it does not fit. */
int vmsg_ffa_dma_pool_alloc(struct vmsg_ffa_dma_pool *pool, uint32_t len,
			    uint32_t align, uint8_t **host, uint64_t *bus_addr);
/* Give back what alloc returned (same @len, up to unit rounding).
 * VMSG_T_E_STATE when the range is not exactly one allocation of this pool
 * (nothing changes then). */
int vmsg_ffa_dma_pool_free(struct vmsg_ffa_dma_pool *pool, uint64_t bus_addr,
			   uint32_t len);
/* DYNAMIC: share the pages covering [pa, pa + len) as a new area;
 * *bus_addr keeps pa's offset in its page. */
int vmsg_ffa_dma_map(struct vmsg_ffa_frontend *fe, uint64_t pa, uint32_t len,
		     uint32_t attrs, uint64_t *bus_addr);
/* Unshare the area of @bus_addr (as vmsg_ffa_frontend_area_unshare). */
int vmsg_ffa_dma_unmap(struct vmsg_ffa_frontend *fe, uint64_t bus_addr);

#endif /* TZSHARE_VMSG_FFA_BUS_H */
