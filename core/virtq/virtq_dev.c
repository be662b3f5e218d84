// SPDX-License-Identifier: BSD-2-Clause
/*
 * Split virtqueue, device side (virtio 1.x §2.7; virtio-msg.md §4).
 *
 * Everything in the rings is written by the driver and treated as hostile.
 * Each avail entry and each descriptor is copied once into a local and only
 * the copy is checked and used; the chain walk is bounded (at most num
 * descriptors in the table plus, for one indirect descriptor, at most the
 * table's own entry count <= num); every buffer goes through
 * virtq_mem_ops.translate() for exactly [addr, addr + len) with the access
 * the device will make, so an iovec handed out is always inside a mapping.
 *
 * Lifecycle of a head: available (in the avail ring, not yet popped) ->
 * in flight (popped: inflight[head] = 1 + writable bytes) -> used (pushed:
 * inflight[head] = 0, entry in the used ring). A protocol violation marks
 * the queue broken: vq->reject says which rule, vq->log (if set) gets its
 * name, stats.rejected counts it once, pop and push return
 * VIRTQ_E_BROKEN from then on and no ring is touched again until
 * virtq_dev_init() (virtio 1.x §2.1.2: DEVICE_NEEDS_RESET).
 *
 * Choice: zero-length buffers are accepted and produce no iovec. virtio 1.x
 * does not forbid them, Linux vhost and QEMU accept them, and no byte is
 * accessed, so there is nothing to translate. They still count for the
 * readable-before-writable order and the chain length bound.
 */
#include <tzshare/virtq.h>

#include <tzshare/lib.h>

#include "virtq_priv.h"

/* A descriptor as copied out of shared memory. */
struct vq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

/* Copy first (one read of the shared bytes), then decode the copy. */
static void desc_read(const uint8_t *src, struct vq_desc *d)
{
	uint8_t b[VIRTQ_DESC_SIZE];

	tzs_memcpy(b, src, sizeof(b));
	d->addr = le64_get(b + VQ_DESC_ADDR);
	d->len = le32_get(b + VQ_DESC_LEN);
	d->flags = le16_get(b + VQ_DESC_FLAGS);
	d->next = le16_get(b + VQ_DESC_NEXT);
}

static const char *const reject_names[] = {
	[VIRTQ_REJ_NONE] = "none",
	[VIRTQ_REJ_AVAIL_IDX] = "avail idx more than num ahead",
	[VIRTQ_REJ_HEAD_RANGE] = "avail head out of range",
	[VIRTQ_REJ_HEAD_IN_FLIGHT] = "avail head already in flight",
	[VIRTQ_REJ_NEXT_RANGE] = "next out of range",
	[VIRTQ_REJ_CHAIN_LOOP] = "chain longer than the queue (loop)",
	[VIRTQ_REJ_WRITE_ORDER] = "readable buffer after a writable one",
	[VIRTQ_REJ_TOO_MANY_IOVS] = "more than VIRTQ_MAX_CHAIN buffers",
	[VIRTQ_REJ_CHAIN_BYTES] = "chain carries 4 GiB or more",
	[VIRTQ_REJ_ADDR_OVERFLOW] = "buffer address + length overflows",
	[VIRTQ_REJ_TRANSLATE] = "buffer outside the mapped areas",
	[VIRTQ_REJ_INDIRECT_FEATURE] = "indirect without INDIRECT_DESC",
	[VIRTQ_REJ_INDIRECT_NEXT] = "indirect descriptor with NEXT",
	[VIRTQ_REJ_INDIRECT_NESTED] = "indirect inside an indirect table",
	[VIRTQ_REJ_INDIRECT_LEN] = "bad indirect table length",
	[VIRTQ_REJ_INDIRECT_TRANSLATE] = "indirect table outside the areas",
	[VIRTQ_REJ_INDIRECT_NEXT_RANGE] = "indirect next out of the table",
	[VIRTQ_REJ_INDIRECT_LOOP] = "indirect chain loops",
};

/** virtq_reject_name() - a short text for a rejection reason. */
const char *virtq_reject_name(enum virtq_reject r)
{
	if ((unsigned int)r >= TZS_ARRAY_SIZE(reject_names)) {
		return "unknown";
	}
	return reject_names[r];
}

/* The first violation breaks the queue for good; counted and logged once. */
static int mark_broken(struct virtq_dev *vq, enum virtq_reject why)
{
	vq->broken = true;
	vq->reject = why;
	vq->stats.rejected++;
	if (vq->log) {
		vq->log(vq->ctx, virtq_reject_name(why));
	}
	return VIRTQ_E_BROKEN;
}

static bool ring_ok(uint8_t *p, uintptr_t align)
{
	return p && !((uintptr_t)p & (align - 1u));
}

/**
 * virtq_dev_init() - see virtq.h. The three rings are translated once
 * here (the avail ring read-only, the used ring writable) and kept.
 */
int virtq_dev_init(struct virtq_dev *vq, uint16_t num, uint64_t desc_addr,
		   uint64_t avail_addr, uint64_t used_addr, bool event_idx,
		   bool indirect, const struct virtq_mem_ops *ops, void *ctx)
{
	uint8_t *desc = NULL;
	uint8_t *avail = NULL;
	uint8_t *used = NULL;

	if (!vq_num_ok(num) || !ops || !ops->translate) {
		return VIRTQ_E_INVAL;
	}
	/* virtio 1.x §2.7: descriptor table align 16, avail 2, used 4. */
	if ((desc_addr & 15u) || (avail_addr & 1u) || (used_addr & 3u)) {
		return VIRTQ_E_INVAL;
	}
	desc = ops->translate(ctx, desc_addr, virtq_desc_bytes(num), false);
	avail = ops->translate(ctx, avail_addr, virtq_avail_bytes(num), false);
	used = ops->translate(ctx, used_addr, virtq_used_bytes(num), true);
	/* The 16-bit atomics need the host mappings aligned too. */
	if (!desc || !ring_ok(avail, 2) || !ring_ok(used, 4)) {
		return VIRTQ_E_INVAL;
	}
	tzs_memset(vq, 0, sizeof(*vq));
	vq->num = num;
	vq->event_idx = event_idx;
	vq->indirect = indirect;
	vq->desc_addr = desc_addr;
	vq->avail_addr = avail_addr;
	vq->used_addr = used_addr;
	vq->ops = ops;
	vq->ctx = ctx;
	vq->desc = desc;
	vq->avail = avail;
	vq->used = used;
	/* A fresh queue's used idx is 0 (§2.7.8), so 0 is a valid last one. */
	vq->signalled_once = true;
	return VIRTQ_OK;
}

/** virtq_dev_set_inflight() - see virtq.h. */
void virtq_dev_set_inflight(struct virtq_dev *vq, uint64_t *inflight)
{
	vq->inflight = inflight;
	if (inflight) {
		tzs_memset(inflight, 0, (size_t)vq->num * sizeof(*inflight));
	}
}

/*
 * One buffer of the chain: order rule, iovec limit, byte totals, then the
 * translation of exactly [addr, addr + len) for the access we will make.
 */
static enum virtq_reject add_buf(struct virtq_dev *vq, struct virtq_chain *c,
				 bool *seen_write, const struct vq_desc *d)
{
	bool write = d->flags & VIRTQ_DESC_F_WRITE;
	struct virtq_iov *iov = NULL;
	uint64_t total = 0;
	uint64_t end = 0;
	uint8_t *ptr = NULL;

	/*
	 * virtio 1.x §2.7.4.2: "The driver MUST place any device-writable
	 * descriptor elements after any device-readable descriptor elements."
	 */
	if (!write && *seen_write) {
		return VIRTQ_REJ_WRITE_ORDER;
	}
	*seen_write = write;
	if (!d->len) {
		return VIRTQ_REJ_NONE;
	}
	if (c->n_out + c->n_in >= VIRTQ_MAX_CHAIN) {
		return VIRTQ_REJ_TOO_MANY_IOVS;
	}
	/* used.len is a u32 (§2.7.8): no chain carries more bytes. */
	total = (uint64_t)(write ? c->in_len : c->out_len) + d->len;
	if (total > UINT32_MAX) {
		return VIRTQ_REJ_CHAIN_BYTES;
	}
	if (ovf_add(d->addr, d->len, &end)) {
		return VIRTQ_REJ_ADDR_OVERFLOW;
	}
	ptr = vq->ops->translate(vq->ctx, d->addr, d->len, write);
	if (!ptr) {
		return VIRTQ_REJ_TRANSLATE;
	}
	iov = &c->iov[c->n_out + c->n_in];
	iov->ptr = ptr;
	iov->len = d->len;
	iov->write = write;
	if (write) {
		c->n_in++;
		c->in_len = (uint32_t)total;
	} else {
		c->n_out++;
		c->out_len = (uint32_t)total;
	}
	return VIRTQ_REJ_NONE;
}

/* The indirect table @ind names; walked by index, at most its entries. */
static enum virtq_reject walk_indirect(struct virtq_dev *vq,
				       struct virtq_chain *c, bool *seen_write,
				       const struct vq_desc *ind)
{
	enum virtq_reject rej = VIRTQ_REJ_NONE;
	const uint8_t *table = NULL;
	struct vq_desc d;
	uint64_t end = 0;
	uint32_t n = ind->len / VIRTQ_DESC_SIZE;
	uint32_t count = 0;
	uint16_t i = 0;

	/* §2.7.5.3.1: "The driver MUST NOT set the VIRTQ_DESC_F_INDIRECT
	 * flag unless the VIRTIO_F_INDIRECT_DESC feature was negotiated." */
	if (!vq->indirect) {
		return VIRTQ_REJ_INDIRECT_FEATURE;
	}
	/* §2.7.5.3.1: "The driver MUST NOT set both VIRTQ_DESC_F_INDIRECT
	 * and VIRTQ_DESC_F_NEXT in flags." */
	if (ind->flags & VIRTQ_DESC_F_NEXT) {
		return VIRTQ_REJ_INDIRECT_NEXT;
	}
	/* A table of whole descriptors, no longer than the queue (the
	 * chain-length rule of §2.7.5.3.1); the WRITE flag is ignored. */
	if (!ind->len || ind->len % VIRTQ_DESC_SIZE || n > vq->num) {
		return VIRTQ_REJ_INDIRECT_LEN;
	}
	if (ovf_add(ind->addr, ind->len, &end)) {
		return VIRTQ_REJ_ADDR_OVERFLOW;
	}
	table = vq->ops->translate(vq->ctx, ind->addr, ind->len, false);
	if (!table) {
		return VIRTQ_REJ_INDIRECT_TRANSLATE;
	}
	for (count = 0;; count++) {
		/* More steps than entries: the next links form a loop. */
		if (count == n) {
			return VIRTQ_REJ_INDIRECT_LOOP;
		}
		desc_read(table + (size_t)i * VIRTQ_DESC_SIZE, &d);
		/* §2.7.5.3.1: "The driver MUST NOT set the
		 * VIRTQ_DESC_F_INDIRECT flag within an indirect descriptor." */
		if (d.flags & VIRTQ_DESC_F_INDIRECT) {
			return VIRTQ_REJ_INDIRECT_NESTED;
		}
		rej = add_buf(vq, c, seen_write, &d);
		if (rej) {
			return rej;
		}
		if (!(d.flags & VIRTQ_DESC_F_NEXT)) {
			return VIRTQ_REJ_NONE;
		}
		if (d.next >= n) {
			return VIRTQ_REJ_INDIRECT_NEXT_RANGE;
		}
		i = d.next;
	}
}

/* The chain at @head in the descriptor table; at most num steps. */
static enum virtq_reject walk_chain(struct virtq_dev *vq, uint16_t head,
				    struct virtq_chain *c)
{
	enum virtq_reject rej = VIRTQ_REJ_NONE;
	bool seen_write = false;
	struct vq_desc d;
	uint32_t count = 0;
	uint16_t i = head;

	for (count = 0;; count++) {
		/* §2.7.5.3.1: "A driver MUST NOT create a descriptor chain
		 * longer than the Queue Size of the device." Longer = loop. */
		if (count == vq->num) {
			return VIRTQ_REJ_CHAIN_LOOP;
		}
		desc_read(vq->desc + (size_t)i * VIRTQ_DESC_SIZE, &d);
		if (d.flags & VIRTQ_DESC_F_INDIRECT) {
			return walk_indirect(vq, c, &seen_write, &d);
		}
		rej = add_buf(vq, c, &seen_write, &d);
		if (rej) {
			return rej;
		}
		if (!(d.flags & VIRTQ_DESC_F_NEXT)) {
			return VIRTQ_REJ_NONE;
		}
		if (d.next >= vq->num) {
			return VIRTQ_REJ_NEXT_RANGE;
		}
		i = d.next;
	}
}

static uint8_t *avail_event_ptr(const struct virtq_dev *vq)
{
	return vq->used + vq_avail_event_off(vq->num);
}

/*
 * Under EVENT_IDX, ask to be notified when the driver publishes the entry
 * after the last one we popped, or park the event while notifications are
 * off (refreshed on every pop so a long run never crosses it).
 */
static void update_avail_event(struct virtq_dev *vq)
{
	uint16_t ev = vq->last_avail_idx;

	if (vq->notify_off) {
		ev = (uint16_t)(ev + VQ_EVENT_PARK);
	}
	vq_store16(avail_event_ptr(vq), ev);
}

/** virtq_dev_pending() - see virtq.h. */
uint16_t virtq_dev_pending(const struct virtq_dev *vq)
{
	uint16_t n = 0;

	if (vq->broken) {
		return 0;
	}
	n = (uint16_t)(vq_load16(vq->avail + VQ_RING_IDX) - vq->last_avail_idx);
	return n > vq->num ? 0 : n;
}

/** virtq_dev_pop() - see virtq.h. */
int virtq_dev_pop(struct virtq_dev *vq, struct virtq_chain *c)
{
	enum virtq_reject rej = VIRTQ_REJ_NONE;
	uint16_t avail_idx = 0;
	uint16_t slot = 0;
	uint16_t head = 0;

	if (vq->broken) {
		return VIRTQ_E_BROKEN;
	}
	if (!vq->inflight) {
		return VIRTQ_E_INVAL;
	}
	avail_idx = vq_load16(vq->avail + VQ_RING_IDX);
	if (avail_idx == vq->last_avail_idx) {
		return VIRTQ_E_EMPTY;
	}
	/* The driver cannot have more than num chains available (§2.7.6). */
	if ((uint16_t)(avail_idx - vq->last_avail_idx) > vq->num) {
		return mark_broken(vq, VIRTQ_REJ_AVAIL_IDX);
	}
	/*
	 * Acquire: read the avail slot, descriptors and indirect tables only
	 * after seeing the avail idx that published them (pairs with the
	 * release in virtq_drv_publish()).
	 */
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	slot = vq->last_avail_idx & (uint16_t)(vq->num - 1u);
	head = le16_get(vq->avail + VQ_RING_ENTRIES + 2u * slot);
	if (head >= vq->num) {
		return mark_broken(vq, VIRTQ_REJ_HEAD_RANGE);
	}
	/* A head is made available again only after we used it (§2.7.8). */
	if (vq->inflight[head]) {
		return mark_broken(vq, VIRTQ_REJ_HEAD_IN_FLIGHT);
	}
	c->head = head;
	c->n_out = 0;
	c->n_in = 0;
	c->out_len = 0;
	c->in_len = 0;
	rej = walk_chain(vq, head, c);
	if (rej) {
		return mark_broken(vq, rej);
	}
	vq->inflight[head] = 1u + (uint64_t)c->in_len;
	vq->last_avail_idx++;
	vq->stats.popped++;
	if (vq->event_idx) {
		update_avail_event(vq);
	}
	return VIRTQ_OK;
}

/** virtq_dev_push() - see virtq.h. */
int virtq_dev_push(struct virtq_dev *vq, uint16_t head, uint32_t written)
{
	uint8_t *e = NULL;

	if (vq->broken) {
		return VIRTQ_E_BROKEN;
	}
	if (!vq->inflight || head >= vq->num || !vq->inflight[head]) {
		return VIRTQ_E_INVAL;
	}
	/* §2.7.8.2: "The device MUST set len prior to updating the used
	 * idx" and must not claim more than the chain's writable bytes. */
	if (written > vq->inflight[head] - 1u) {
		return VIRTQ_E_INVAL;
	}
	e = vq->used + VQ_RING_ENTRIES +
	    (size_t)VQ_USED_ELEM_SIZE *
		    (vq->used_idx & (uint16_t)(vq->num - 1u));
	le32_put(e, head);
	le32_put(e + 4, written);
	vq->inflight[head] = 0;
	vq->used_idx++;
	/*
	 * Release: the used element is visible before the used idx that
	 * publishes it (pairs with the acquire in virtq_drv_get_used()).
	 */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	vq_store16(vq->used + VQ_RING_IDX, vq->used_idx);
	vq->stats.pushed++;
	return VIRTQ_OK;
}

/** virtq_dev_notify_needed() - see virtq.h. */
bool virtq_dev_notify_needed(struct virtq_dev *vq)
{
	uint16_t old = vq->last_signalled_used;
	uint16_t new = vq->used_idx;
	bool need = false;

	if (vq->broken || (vq->signalled_once && new == old)) {
		return false;
	}
	/*
	 * Full: the used idx stores of our pushes are ordered before the
	 * read of used_event / NO_INTERRUPT (pairs with the full barrier in
	 * virtq_drv_enable_cb()): either the driver sees our entries when it
	 * re-checks, or we see its request and notify.
	 */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (!vq->signalled_once) {
		need = true;
	} else if (vq->event_idx) {
		/* virtio 1.x §2.7.10: notify iff used_event was crossed. */
		need = virtq_need_event(
			vq_load16(vq->avail + vq_used_event_off(vq->num)), new,
			old);
	} else {
		need = !(vq_load16(vq->avail + VQ_RING_FLAGS) &
			 VIRTQ_AVAIL_F_NO_INTERRUPT);
	}
	vq->last_signalled_used = new;
	vq->signalled_once = true;
	if (need) {
		vq->stats.notifies++;
	} else {
		vq->stats.notifies_suppressed++;
	}
	return need;
}

/** virtq_dev_enable_notify() - see virtq.h. */
bool virtq_dev_enable_notify(struct virtq_dev *vq)
{
	if (vq->broken) {
		return false;
	}
	vq->notify_off = false;
	if (vq->event_idx) {
		update_avail_event(vq);
	} else {
		vq_store16(vq->used + VQ_RING_FLAGS, 0);
	}
	/*
	 * Full: our avail_event / flags store is ordered before the re-read
	 * of avail idx (pairs with the full barrier in virtq_drv_publish()):
	 * either we see the driver's new chains here, or it sees our
	 * request and kicks.
	 */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return vq_load16(vq->avail + VQ_RING_IDX) != vq->last_avail_idx;
}

/** virtq_dev_disable_notify() - see virtq.h. Best effort: no barrier. */
void virtq_dev_disable_notify(struct virtq_dev *vq)
{
	if (vq->broken) {
		return;
	}
	vq->notify_off = true;
	if (vq->event_idx) {
		update_avail_event(vq);
	} else {
		vq_store16(vq->used + VQ_RING_FLAGS, VIRTQ_USED_F_NO_NOTIFY);
	}
}
