// SPDX-License-Identifier: BSD-2-Clause
/*
 * Split virtqueue, driver side (virtio 1.x §2.7; virtio-msg.md §4).
 *
 * Lifecycle of a descriptor: free (on the free list, linked through
 * desc.next starting at free_head) -> part of a chain added by
 * virtq_drv_add() (tokens[head] set, chain_len[head] descriptors taken; one
 * when the chain went through an indirect table) -> published by
 * virtq_drv_publish() -> returned by the device in the used ring ->
 * freed by virtq_drv_get_used() (or virtq_drv_detach_unused() at reset).
 * tokens[head] != NULL is exactly "head is outstanding".
 *
 * The driver owns the rings and trusts its own writes, but the device can
 * write to the same shared memory: every value read back (free-list links,
 * used ids, used idx) is masked or range-checked, so a hostile device can
 * at worst confuse this queue, never make us touch memory outside it.
 * A used entry naming a head that is not outstanding marks the queue
 * broken (virtio 1.x §2.7.8: the device returns heads it was given).
 */
#include <tzshare/virtq.h>

#include <tzshare/lib.h>

#include "virtq_priv.h"

static uint8_t *desc_at(const struct virtq_drv *vq, uint16_t i)
{
	return vq->desc + (size_t)i * VIRTQ_DESC_SIZE;
}

/* A free-list link written by us, read back from shared memory. */
static uint16_t link_of(const struct virtq_drv *vq, uint16_t i)
{
	return le16_get(desc_at(vq, i) + VQ_DESC_NEXT) &
	       (uint16_t)(vq->num - 1u);
}

static void desc_put(uint8_t *d, uint64_t addr, uint32_t len, uint16_t flags)
{
	le64_put(d + VQ_DESC_ADDR, addr);
	le32_put(d + VQ_DESC_LEN, len);
	le16_put(d + VQ_DESC_FLAGS, flags);
}

static uint8_t *used_event_ptr(const struct virtq_drv *vq)
{
	return vq->avail + vq_used_event_off(vq->num);
}

static uint8_t *avail_event_ptr(const struct virtq_drv *vq)
{
	return vq->used + vq_avail_event_off(vq->num);
}

/**
 * virtq_drv_init() - see virtq.h. The rings are (re)zeroed here, so the
 * same memory can be reused after a reset.
 */
int virtq_drv_init(struct virtq_drv *vq, uint16_t num, uint8_t *desc,
		   uint64_t desc_addr, uint8_t *avail, uint64_t avail_addr,
		   uint8_t *used, uint64_t used_addr, bool event_idx,
		   bool indirect, void **tokens, uint16_t *chain_len)
{
	uint16_t i = 0;

	if (!vq_num_ok(num) || !desc || !avail || !used || !tokens ||
	    !chain_len) {
		return VIRTQ_E_INVAL;
	}
	/* virtio 1.x §2.7: descriptor table align 16, avail 2, used 4. */
	if ((desc_addr & 15u) || (avail_addr & 1u) || (used_addr & 3u) ||
	    ((uintptr_t)avail & 1u) || ((uintptr_t)used & 3u)) {
		return VIRTQ_E_INVAL;
	}
	tzs_memset(vq, 0, sizeof(*vq));
	vq->num = num;
	vq->event_idx = event_idx;
	vq->indirect = indirect;
	vq->desc = desc;
	vq->avail = avail;
	vq->used = used;
	vq->desc_addr = desc_addr;
	vq->avail_addr = avail_addr;
	vq->used_addr = used_addr;
	vq->tokens = tokens;
	vq->chain_len = chain_len;
	vq->num_free = num;
	tzs_memset(desc, 0, virtq_desc_bytes(num));
	tzs_memset(avail, 0, virtq_avail_bytes(num));
	tzs_memset(used, 0, virtq_used_bytes(num));
	for (i = 0; i < num; i++) {
		le16_put(desc_at(vq, i) + VQ_DESC_NEXT,
			 (uint16_t)((i + 1u) & (num - 1u)));
		tokens[i] = NULL;
		chain_len[i] = 0;
	}
	return VIRTQ_OK;
}

/** virtq_drv_set_indirect_pool() - see virtq.h. */
int virtq_drv_set_indirect_pool(struct virtq_drv *vq, uint8_t *pool,
				uint64_t pool_addr, uint64_t pool_len)
{
	uint64_t slot_len = 0;
	uint64_t max = 0;
	uint64_t end = 0;

	if (!vq_num_ok(vq->num) || !vq->indirect || !pool ||
	    (pool_addr & 15u) || ((uintptr_t)pool & 15u) ||
	    ovf_add(pool_addr, pool_len, &end)) {
		return VIRTQ_E_INVAL;
	}
	slot_len = (pool_len / vq->num) & ~(uint64_t)15u;
	max = slot_len / VIRTQ_DESC_SIZE;
	if (max < 2u) {
		return VIRTQ_E_INVAL;
	}
	/* virtio 1.x §2.7.5.3.1: no chain longer than the queue size. */
	if (max > vq->num) {
		max = vq->num;
	}
	vq->indirect_pool = pool;
	vq->indirect_addr = pool_addr;
	vq->indirect_slot_len =
		(uint32_t)(slot_len > UINT32_MAX ? UINT32_MAX : slot_len);
	vq->indirect_max = (uint16_t)max;
	return VIRTQ_OK;
}

static const struct virtq_buf *buf_of(const struct virtq_buf *out,
				      unsigned int out_n,
				      const struct virtq_buf *in,
				      unsigned int i)
{
	return i < out_n ? &out[i] : &in[i - out_n];
}

/* One descriptor (at head) pointing at the head's slot of the pool. */
static void add_indirect(struct virtq_drv *vq, uint16_t head,
			 const struct virtq_buf *out, unsigned int out_n,
			 const struct virtq_buf *in, unsigned int total)
{
	uint64_t off = (uint64_t)head * vq->indirect_slot_len;
	uint8_t *table = vq->indirect_pool + off;
	unsigned int i = 0;

	for (i = 0; i < total; i++) {
		const struct virtq_buf *b = buf_of(out, out_n, in, i);
		uint16_t flags = i < out_n ? 0 : VIRTQ_DESC_F_WRITE;
		uint8_t *d = table + (size_t)i * VIRTQ_DESC_SIZE;

		if (i + 1u < total) {
			flags |= VIRTQ_DESC_F_NEXT;
		}
		desc_put(d, b->addr, b->len, flags);
		le16_put(d + VQ_DESC_NEXT, (uint16_t)(i + 1u));
	}
	/* virtio 1.x §2.7.5.3.1: INDIRECT and NEXT are never set together. */
	desc_put(desc_at(vq, head), vq->indirect_addr + off,
		 total * VIRTQ_DESC_SIZE, VIRTQ_DESC_F_INDIRECT);
	vq->free_head = link_of(vq, head);
	vq->chain_len[head] = 1;
	vq->stats.indirect++;
}

/* @total descriptors off the free list; their links already chain them. */
static void add_direct(struct virtq_drv *vq, uint16_t head,
		       const struct virtq_buf *out, unsigned int out_n,
		       const struct virtq_buf *in, unsigned int total)
{
	uint16_t idx = head;
	unsigned int i = 0;

	for (i = 0; i < total; i++) {
		const struct virtq_buf *b = buf_of(out, out_n, in, i);
		uint16_t flags = i < out_n ? 0 : VIRTQ_DESC_F_WRITE;

		if (i + 1u < total) {
			flags |= VIRTQ_DESC_F_NEXT;
		}
		desc_put(desc_at(vq, idx), b->addr, b->len, flags);
		idx = link_of(vq, idx);
	}
	vq->free_head = idx;
	vq->chain_len[head] = (uint16_t)total;
}

/** virtq_drv_add() - see virtq.h. */
int virtq_drv_add(struct virtq_drv *vq, const struct virtq_buf *out,
		  unsigned int out_n, const struct virtq_buf *in,
		  unsigned int in_n, void *token)
{
	unsigned int total = out_n + in_n;
	uint16_t head = vq->free_head;
	uint16_t slot = 0;
	bool indirect = false;

	/* virtio 1.x §2.7.5.3.1: no chain longer than the queue size. */
	if (vq->broken || !token || !total || total > vq->num ||
	    total < out_n) {
		return VIRTQ_E_INVAL;
	}
	indirect = total > 1u && total <= vq->indirect_max;
	if (vq->num_free < (indirect ? 1u : total)) {
		return VIRTQ_E_NOSPACE;
	}
	if (indirect) {
		add_indirect(vq, head, out, out_n, in, total);
	} else {
		add_direct(vq, head, out, out_n, in, total);
	}
	vq->num_free -= vq->chain_len[head];
	vq->tokens[head] = token;
	slot = vq->avail_idx & (uint16_t)(vq->num - 1u);
	le16_put(vq->avail + VQ_RING_ENTRIES + 2u * slot, head);
	vq->avail_idx++;
	vq->stats.added++;
	return VIRTQ_OK;
}

/** virtq_drv_publish() - see virtq.h. */
bool virtq_drv_publish(struct virtq_drv *vq)
{
	uint16_t old = vq->last_kick_idx;
	uint16_t new = vq->avail_idx;
	bool need = false;

	if (new == old) {
		return false;
	}
	/*
	 * Release: the descriptors, indirect tables and avail ring slots
	 * written by virtq_drv_add() become visible before the avail idx
	 * that publishes them (pairs with the acquire in virtq_dev_pop()).
	 */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	vq_store16(vq->avail + VQ_RING_IDX, new);
	/*
	 * Full: the avail idx store is ordered before our read of the
	 * device's avail_event / NO_NOTIFY (pairs with the full barrier in
	 * virtq_dev_enable_notify()): either the device sees the new idx
	 * when it re-checks, or we see its re-enabled request and kick.
	 */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	vq->last_kick_idx = new;
	if (vq->event_idx) {
		/* virtio 1.x §2.7.10: notify iff avail_event was crossed. */
		need = virtq_need_event(vq_load16(avail_event_ptr(vq)), new,
					old);
	} else {
		need = !(vq_load16(vq->used + VQ_RING_FLAGS) &
			 VIRTQ_USED_F_NO_NOTIFY);
	}
	if (need) {
		vq->stats.kicks++;
	} else {
		vq->stats.kicks_suppressed++;
	}
	return need;
}

static void free_chain(struct virtq_drv *vq, uint16_t head)
{
	uint16_t n = vq->chain_len[head];
	uint16_t last = head;
	uint16_t i = 0;

	for (i = 1; i < n; i++) {
		last = link_of(vq, last);
	}
	le16_put(desc_at(vq, last) + VQ_DESC_NEXT, vq->free_head);
	vq->free_head = head;
	vq->num_free += n;
	vq->tokens[head] = NULL;
	vq->chain_len[head] = 0;
}

/*
 * Under EVENT_IDX, ask for a notification when the device uses the entry
 * after the last one we consumed, or park the event while callbacks are
 * off (refreshed on every consume so a long polling run never crosses it).
 */
static void update_used_event(struct virtq_drv *vq)
{
	uint16_t ev = vq->last_used_idx;

	if (vq->cb_disabled) {
		ev = (uint16_t)(ev + VQ_EVENT_PARK);
	}
	vq_store16(used_event_ptr(vq), ev);
}

/** virtq_drv_get_used() - see virtq.h. */
void *virtq_drv_get_used(struct virtq_drv *vq, uint32_t *len)
{
	uint16_t used_idx = 0;
	const uint8_t *e = NULL;
	uint32_t id = 0;
	void *token = NULL;

	if (vq->broken) {
		return NULL;
	}
	used_idx = vq_load16(vq->used + VQ_RING_IDX);
	if (used_idx == vq->last_used_idx) {
		return NULL;
	}
	/* The device can only return what it was given (§2.7.8). */
	if ((uint16_t)(used_idx - vq->last_used_idx) > vq->num) {
		vq->broken = true;
		return NULL;
	}
	/*
	 * Acquire: read the used element only after seeing the used idx
	 * that published it (pairs with the release in virtq_dev_push()).
	 */
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	e = vq->used + VQ_RING_ENTRIES +
	    (size_t)VQ_USED_ELEM_SIZE *
		    (vq->last_used_idx & (uint16_t)(vq->num - 1u));
	id = le32_get(e);
	if (id >= vq->num || !vq->tokens[id]) {
		vq->broken = true;
		return NULL;
	}
	if (len) {
		*len = le32_get(e + 4);
	}
	token = vq->tokens[id];
	free_chain(vq, (uint16_t)id);
	vq->last_used_idx++;
	vq->stats.used++;
	/*
	 * No full barrier after this store (Linux has one): a caller that
	 * finds the ring empty and wants to sleep goes through
	 * virtq_drv_enable_cb(), whose full barrier closes the race.
	 */
	if (vq->event_idx) {
		update_used_event(vq);
	}
	return token;
}

/** virtq_drv_enable_cb() - see virtq.h. */
bool virtq_drv_enable_cb(struct virtq_drv *vq)
{
	vq->cb_disabled = false;
	if (vq->event_idx) {
		update_used_event(vq);
	} else {
		vq_store16(vq->avail + VQ_RING_FLAGS, 0);
	}
	/*
	 * Full: our used_event / flags store is ordered before the re-read
	 * of used idx (pairs with the full barrier in
	 * virtq_dev_notify_needed()): either we see the device's new entries
	 * here, or it sees our request and notifies.
	 */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return vq->broken ||
	       vq_load16(vq->used + VQ_RING_IDX) == vq->last_used_idx;
}

/** virtq_drv_disable_cb() - see virtq.h. Best effort: no barrier. */
void virtq_drv_disable_cb(struct virtq_drv *vq)
{
	vq->cb_disabled = true;
	if (vq->event_idx) {
		update_used_event(vq);
	} else {
		vq_store16(vq->avail + VQ_RING_FLAGS,
			   VIRTQ_AVAIL_F_NO_INTERRUPT);
	}
}

/** virtq_drv_detach_unused() - see virtq.h. */
void *virtq_drv_detach_unused(struct virtq_drv *vq)
{
	uint16_t i = 0;
	void *token = NULL;

	for (i = 0; i < vq->num; i++) {
		token = vq->tokens[i];
		if (token) {
			free_chain(vq, i);
			return token;
		}
	}
	return NULL;
}
