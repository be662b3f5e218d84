/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Split virtqueue (virtio 1.x §2.7), both sides, portable.
 *
 * Rings and buffers live in memory shared between driver and device and are
 * named by bus addresses (on the FF-A bus: area_id << 48 | offset). The
 * driver owns its rings and trusts them; the device treats everything in
 * them as hostile: it reads each index and descriptor once into a local
 * copy, bounds every chain walk, checks every index, length and address
 * against the areas it actually mapped (through virtq_mem_ops.translate),
 * and marks the queue broken on a protocol violation instead of crashing.
 *
 * Memory ordering: the publisher writes descriptors/ring entries, then a
 * release barrier, then the index; the consumer reads the index with an
 * acquire barrier before reading entries (comments at each barrier). The
 * index, flags and event fields the other side reads concurrently are
 * accessed with 16-bit atomics; a full barrier sits between "publish" and
 * "read the other side's suppression field" on both sides, so a side that
 * re-enables notifications and then sleeps cannot miss the other's work.
 *
 * Driver lifecycle: virtq_drv_init() (optionally
 * virtq_drv_set_indirect_pool()), then add/publish/get_used. For a queue
 * reset, virtq_drv_detach_unused() until NULL takes every outstanding token
 * back (all descriptors free again), then virtq_drv_init() afresh.
 *
 * Device lifecycle: virtq_dev_init(), virtq_dev_set_inflight() (required
 * before the first pop), then pop/push/notify_needed. The first protocol
 * violation marks the queue broken: pop and push return VIRTQ_E_BROKEN from
 * then on, until the device re-initialises it (virtio: DEVICE_NEEDS_RESET).
 */
#ifndef TZSHARE_VIRTQ_H
#define TZSHARE_VIRTQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VIRTQ_DESC_F_NEXT 1u
#define VIRTQ_DESC_F_WRITE 2u
#define VIRTQ_DESC_F_INDIRECT 4u
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1u
#define VIRTQ_USED_F_NO_NOTIFY 1u

#define VIRTIO_F_INDIRECT_DESC 28
#define VIRTIO_F_EVENT_IDX 29
#define VIRTIO_F_VERSION_1 32
#define VIRTIO_F_ACCESS_PLATFORM 33
#define VIRTIO_F_RING_RESET 40

#define VIRTQ_MAX_SIZE 32768u
#define VIRTQ_DESC_SIZE 16u
#define VIRTQ_MAX_CHAIN 64u /* iovecs one device chain may have */

/* Results (negative). */
enum virtq_error {
	VIRTQ_OK = 0,
	VIRTQ_E_EMPTY = -1, /* nothing available / used */
	VIRTQ_E_NOSPACE = -2, /* driver: not enough free descriptors */
	VIRTQ_E_BROKEN = -3, /* device: ring violated the protocol */
	VIRTQ_E_INVAL = -4, /* bad arguments (size not a power of 2, ...) */
};

/* Why a device queue broke (virtq_dev.reject); names: virtq_reject_name(). */
enum virtq_reject {
	VIRTQ_REJ_NONE = 0,
	VIRTQ_REJ_AVAIL_IDX, /* avail idx more than num ahead */
	VIRTQ_REJ_HEAD_RANGE, /* avail entry >= num */
	VIRTQ_REJ_HEAD_IN_FLIGHT, /* head made available twice */
	VIRTQ_REJ_NEXT_RANGE, /* next >= num */
	VIRTQ_REJ_CHAIN_LOOP, /* chain longer than num */
	VIRTQ_REJ_WRITE_ORDER, /* readable buffer after a writable one */
	VIRTQ_REJ_TOO_MANY_IOVS, /* more than VIRTQ_MAX_CHAIN buffers */
	VIRTQ_REJ_CHAIN_BYTES, /* readable or writable total > 4 GiB - 1 */
	VIRTQ_REJ_ADDR_OVERFLOW, /* addr + len wraps */
	VIRTQ_REJ_TRANSLATE, /* buffer outside the mapped areas */
	VIRTQ_REJ_INDIRECT_FEATURE, /* INDIRECT without INDIRECT_DESC */
	VIRTQ_REJ_INDIRECT_NEXT, /* INDIRECT together with NEXT */
	VIRTQ_REJ_INDIRECT_NESTED, /* INDIRECT inside an indirect table */
	VIRTQ_REJ_INDIRECT_LEN, /* table len 0, not 16*k, or > 16 * num */
	VIRTQ_REJ_INDIRECT_TRANSLATE, /* table outside the mapped areas */
	VIRTQ_REJ_INDIRECT_NEXT_RANGE, /* next beyond the table */
	VIRTQ_REJ_INDIRECT_LOOP, /* more steps than table entries */
};

const char *virtq_reject_name(enum virtq_reject r);

/* Ring layout sizes for @num entries (with EVENT_IDX fields). */
static inline uint64_t virtq_desc_bytes(uint32_t num)
{
	return (uint64_t)num * VIRTQ_DESC_SIZE;
}

static inline uint64_t virtq_avail_bytes(uint32_t num)
{
	return 6u + 2ull * num;
}

static inline uint64_t virtq_used_bytes(uint32_t num)
{
	return 6u + 8ull * num;
}

/* virtio 1.x §2.7.10: notify iff the event index was crossed. */
static inline bool virtq_need_event(uint16_t event_idx, uint16_t new_idx,
				    uint16_t old_idx)
{
	return (uint16_t)(new_idx - event_idx - 1) <
	       (uint16_t)(new_idx - old_idx);
}

/** How a side reaches shared memory. */
struct virtq_mem_ops {
	/*
	 * Host pointer for [addr, addr + len), or NULL unless the whole range
	 * lies in one mapping that allows the access (@write: device writes).
	 */
	uint8_t *(*translate)(void *ctx, uint64_t addr, uint64_t len,
			      bool write);
};

/** A buffer of a chain, as the driver names it. */
struct virtq_buf {
	uint64_t addr; /* bus address */
	uint32_t len;
};

/* ---------------------------------------------------------------------- */
/* Driver side                                                             */

struct virtq_drv {
	uint16_t num;
	bool event_idx;
	bool indirect;
	uint8_t *desc; /* host pointers to the rings (driver memory) */
	uint8_t *avail;
	uint8_t *used;
	uint64_t desc_addr; /* their bus addresses */
	uint64_t avail_addr;
	uint64_t used_addr;
	uint16_t free_head;
	uint16_t num_free;
	uint16_t avail_idx; /* next slot to publish (shadow) */
	uint16_t last_kick_idx; /* avail idx at the last publish */
	uint16_t last_used_idx;
	void **tokens; /* num entries, caller storage */
	uint16_t *chain_len; /* num entries: descriptors per head */
	bool cb_disabled; /* virtq_drv_disable_cb() in force */
	bool broken; /* the device returned a bad used entry */
	uint8_t *indirect_pool; /* see virtq_drv_set_indirect_pool() */
	uint64_t indirect_addr;
	uint32_t indirect_slot_len; /* bytes per head */
	uint16_t indirect_max; /* descriptors per slot (0: no pool) */
	struct virtq_drv_stats {
		uint64_t added;
		uint64_t used;
		uint64_t kicks;
		uint64_t kicks_suppressed;
		uint64_t indirect; /* chains added through an indirect table */
	} stats;
};

/**
 * virtq_drv_init() - set up a driver queue on rings the caller allocated
 * (host pointers + bus addresses, zeroed, aligned 16/2/4) and
 * num-entry arrays @tokens and @chain_len. @num is a power of 2.
 */
int virtq_drv_init(struct virtq_drv *vq, uint16_t num, uint8_t *desc,
		   uint64_t desc_addr, uint8_t *avail, uint64_t avail_addr,
		   uint8_t *used, uint64_t used_addr, bool event_idx,
		   bool indirect, void **tokens, uint16_t *chain_len);

/**
 * virtq_drv_set_indirect_pool() - memory for indirect descriptor tables.
 * The tables must be memory the device can translate, so the caller gives
 * @pool_len bytes at host pointer @pool / bus address @pool_addr (both 16
 * aligned). The pool is carved into num fixed slots, one per head, of
 * (@pool_len / num) rounded down to 16 bytes; a chain of more than one
 * buffer goes indirect when it fits its slot (and num), else it is added
 * directly. Needs @indirect at init; VIRTQ_E_INVAL otherwise, on bad
 * alignment, or when a slot cannot hold two descriptors.
 */
int virtq_drv_set_indirect_pool(struct virtq_drv *vq, uint8_t *pool,
				uint64_t pool_addr, uint64_t pool_len);

/**
 * virtq_drv_add() - expose a chain: @out_n device-readable buffers then
 * @in_n device-writable ones; @token comes back from virtq_drv_get_used().
 * Returns VIRTQ_OK, VIRTQ_E_NOSPACE, or VIRTQ_E_INVAL (no buffers, more
 * than num, NULL @token, queue broken). Not visible to the device until
 * virtq_drv_publish().
 */
int virtq_drv_add(struct virtq_drv *vq, const struct virtq_buf *out,
		  unsigned int out_n, const struct virtq_buf *in,
		  unsigned int in_n, void *token);

/**
 * virtq_drv_publish() - make added chains visible (release barrier, then
 * avail idx) and say whether the device wants a notification now
 * (EVENT_IDX avail_event / NO_NOTIFY). Batching: add many, publish once.
 */
bool virtq_drv_publish(struct virtq_drv *vq);

/**
 * Next completed chain: its token and bytes written, or NULL. The device's
 * used entry is checked (id names a head in flight, used idx at most num
 * ahead); a bad one marks the driver queue broken (NULL from then on).
 * @len is the device's claim: bound it by what the chain offered.
 */
void *virtq_drv_get_used(struct virtq_drv *vq, uint32_t *len);

/**
 * virtq_drv_enable_cb() - ask for used-buffer notifications again (clear
 * NO_INTERRUPT / set used_event). Returns false if used entries arrived
 * meanwhile (caller should process before sleeping).
 */
bool virtq_drv_enable_cb(struct virtq_drv *vq);
void virtq_drv_disable_cb(struct virtq_drv *vq);

/** Take back a chain that was never used (queue reset): token or NULL. */
void *virtq_drv_detach_unused(struct virtq_drv *vq);

/* ---------------------------------------------------------------------- */
/* Device side                                                             */

struct virtq_iov {
	uint8_t *ptr; /* host pointer (validated) */
	uint32_t len;
	bool write; /* device-writable */
};

/** One chain as the device sees it (copied and validated). */
struct virtq_chain {
	uint16_t head;
	uint16_t n_out; /* readable iovecs first ... */
	uint16_t n_in; /* ... then writable ones */
	uint32_t out_len;
	uint32_t in_len;
	struct virtq_iov iov[VIRTQ_MAX_CHAIN];
};

struct virtq_dev {
	uint16_t num;
	bool event_idx;
	bool indirect;
	bool broken;
	uint64_t desc_addr;
	uint64_t avail_addr;
	uint64_t used_addr;
	const struct virtq_mem_ops *ops;
	void *ctx;
	uint16_t last_avail_idx;
	uint16_t used_idx;
	uint16_t last_signalled_used;
	bool signalled_once; /* last_signalled_used is meaningful */
	bool notify_off; /* virtq_dev_disable_notify() in force */
	uint8_t *desc; /* host pointers, translated once at init */
	uint8_t *avail;
	uint8_t *used;
	uint64_t *inflight; /* num entries: 0 or 1 + in_len of a popped head */
	enum virtq_reject reject; /* why broken is set */
	/* Optional, set after init: told (with ctx) why the queue broke. */
	void (*log)(void *ctx, const char *msg);
	struct virtq_dev_stats {
		uint64_t popped;
		uint64_t pushed;
		uint64_t notifies;
		uint64_t notifies_suppressed;
		uint64_t rejected; /* protocol violations seen */
	} stats;
};

/**
 * virtq_dev_init() - bind to the driver's rings. Fails with VIRTQ_E_INVAL
 * when @num is not a power of 2 (or > VIRTQ_MAX_SIZE) or a ring does not
 * translate (not inside a mapped area, misaligned).
 */
int virtq_dev_init(struct virtq_dev *vq, uint16_t num, uint64_t desc_addr,
		   uint64_t avail_addr, uint64_t used_addr, bool event_idx,
		   bool indirect, const struct virtq_mem_ops *ops, void *ctx);

/**
 * virtq_dev_set_inflight() - caller storage of num uint64_t (zeroed here)
 * in which the device remembers each popped head's writable length, so
 * that push can check what it returns and pop can refuse a head made
 * available twice. Device-private memory, never shared with the driver.
 * Required before the first pop (pop and push return VIRTQ_E_INVAL
 * without it); call it again after every virtq_dev_init().
 */
void virtq_dev_set_inflight(struct virtq_dev *vq, uint64_t *inflight);

/**
 * virtq_dev_pop() - next available chain, validated: VIRTQ_OK,
 * VIRTQ_E_EMPTY, or VIRTQ_E_BROKEN (the queue is then broken for good:
 * loops, out-of-range head/next, avail idx running more than num ahead,
 * a head already in flight, a readable buffer after a writable one, nested
 * or chained indirect tables, bad indirect table lengths, INDIRECT without
 * the feature, lengths or addresses outside mapped areas, chain byte
 * totals above 4 GiB, too many iovecs). Zero-length buffers are accepted
 * and produce no iovec (see core/virtq/virtq_dev.c).
 */
int virtq_dev_pop(struct virtq_dev *vq, struct virtq_chain *c);

/**
 * virtq_dev_push() - return popped chain @head with @written bytes.
 * VIRTQ_E_INVAL when @head is not in flight or @written exceeds the
 * chain's writable length; VIRTQ_E_BROKEN on a broken queue.
 */
int virtq_dev_push(struct virtq_dev *vq, uint16_t head, uint32_t written);

/**
 * virtq_dev_pending() - chains the driver made available that we have not
 * popped: a hint read from the driver's ring (it may grow meanwhile), 0 on
 * a broken queue or an avail idx more than num ahead (the next pop breaks
 * the queue for that).
 */
uint16_t virtq_dev_pending(const struct virtq_dev *vq);

/**
 * virtq_dev_notify_needed() - after pushes: does the driver want a
 * used-buffer notification (EVENT_IDX used_event / NO_INTERRUPT)?
 */
bool virtq_dev_notify_needed(struct virtq_dev *vq);

/**
 * Ask for (or stop) avail notifications: NO_NOTIFY / avail_event.
 * virtq_dev_enable_notify() returns true when chains arrived meanwhile
 * (the caller should pop them before it sleeps).
 */
bool virtq_dev_enable_notify(struct virtq_dev *vq);
void virtq_dev_disable_notify(struct virtq_dev *vq);

#endif /* TZSHARE_VIRTQ_H */
