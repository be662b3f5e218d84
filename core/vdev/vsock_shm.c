// SPDX-License-Identifier: BSD-2-Clause
/*
 * virtio-vsock device: OP_SHMEM, the driver lending the secure side
 * memory on an established connection (architecture.md §3,
 * docs/virtio-msg.md "vsock shared memory (device side)").
 *
 * OFFER: the descriptor (already decoded and copied by the proto, so
 * nothing here reads driver memory twice) is checked against the area its
 * bus address falls in (bus op mem_info), the range is held on the bus
 * (AREA_UNSHARE answers BUSY while the offer lives), translated once, and
 * handed to the owning service. Any failure answers OFFER_REJECT echoing
 * the descriptor, the reason counted in shm_stats. No reply on success.
 * REVOKE: the service lets go (revoke callback), the hold is released and
 * REVOKE_DONE echoes the REVOKE; only then may the driver unshare. A
 * REVOKE naming no live offer is answered OFFER_REJECT ("no such offer").
 * A connection that ends, a device reset or TRANSPORT_RESET revokes the
 * connection's offers without replies.
 *
 * Replies go through the side queue like every control packet. tx is
 * popped only with VDEV_VSOCK_TX_RESERVE free slots, and one OP_SHMEM
 * causes at most two packets (a reply, or the service's record), so a
 * reply always finds room; reply_lost counts the impossible case.
 */
#include <tzshare/lib.h>

#include "vsock_priv.h"

static struct vdev_vsock_offer_slot *offers_of(struct vdev_vsock *v,
					       const struct vsock_conn *c)
{
	return v->offers[vsock_slot(v, c)];
}

static struct vdev_vsock_offer_slot *
offer_find(struct vdev_vsock *v, const struct vsock_conn *c, uint64_t id)
{
	struct vdev_vsock_offer_slot *o = offers_of(v, c);
	uint32_t i = 0;

	for (i = 0; i < VDEV_VSOCK_SHM_OFFERS; i++) {
		if (o[i].used && o[i].o.desc.offer_id == id) {
			return &o[i];
		}
	}
	return NULL;
}

static struct vdev_vsock_offer_slot *offer_free(struct vdev_vsock *v,
						const struct vsock_conn *c)
{
	struct vdev_vsock_offer_slot *o = offers_of(v, c);
	uint32_t i = 0;

	for (i = 0; i < VDEV_VSOCK_SHM_OFFERS; i++) {
		if (!o[i].used) {
			return &o[i];
		}
	}
	return NULL;
}

static void reply(struct vdev_vsock *v, struct vsock_conn *c,
		  const struct vsock_shmem *m, uint32_t subop)
{
	struct vsock_shmem r = *m;

	r.subop = subop;
	if (NEVER(vsock_send_shmem(&v->proto, c, &r) != VSOCK_OK)) {
		v->shm_stats.reply_lost++;
	}
}

static void reject(struct vdev_vsock *v, struct vsock_conn *c,
		   const struct vsock_shmem *m, uint64_t *reason)
{
	(*reason)++;
	v->shm_stats.rejects++;
	reply(v, c, m, VSOCK_SHMEM_OFFER_REJECT);
}

/*
 * The area's share type (attrs bits 1:0) decides the kind: a SHARE offer
 * lies in a shared area, LEND and SEND_SECURE in a lent one (a protected
 * pool is lent once; its buffers are sub-ranges). Donated areas carry no
 * offers: the memory is no longer the driver's to revoke.
 */
static bool kind_matches(uint32_t kind, uint32_t attrs)
{
	uint32_t type = attrs & VMSG_AREA_ATTR_TYPE_MASK;

	if (kind == VSOCK_SHMEM_SHARE) {
		return type == VMSG_AREA_ATTR_SHARE;
	}
	return type == VMSG_AREA_ATTR_LEND;
}

/* The memory checks, through the bus; NULL when the offer may proceed. */
static uint64_t *check_mem(struct vdev_vsock *v, const struct vsock_shmem *m)
{
	struct vdev_vsock_shm_stats *st = &v->shm_stats;
	const struct vmsg_devt *t = v->dev.t;
	struct vmsg_devt_mem_info mi;

	if (!t || !t->bus || !t->bus->mem_info || !t->bus->mem_hold ||
	    !t->bus->mem_release) {
		return &st->no_mem_info;
	}
	tzs_memset(&mi, 0, sizeof(mi));
	if (!t->bus->mem_info(t->bus_ctx, m->bus_addr, m->size, &mi)) {
		return &st->bad_range;
	}
	if (mi.releasing) {
		return &st->releasing;
	}
	if (m->ffa_handle != mi.handle) {
		return &st->bad_handle;
	}
	if (!kind_matches(m->kind, mi.attrs)) {
		return &st->bad_kind;
	}
	if (m->kind == VSOCK_SHMEM_SEND_SECURE &&
	    (m->ffa_tag == 0 || m->ffa_tag != mi.tag)) {
		return &st->bad_tag;
	}
	if ((m->flags & VSOCK_SHMEM_F_WRITABLE) && !mi.writable) {
		return &st->not_writable;
	}
	return NULL;
}

/*
 * Every check, in the documented order; NULL when the offer may proceed.
 * The codec already dropped unknown subops, types and kinds.
 */
static uint64_t *check_offer(struct vdev_vsock *v, const struct vsock_conn *c,
			     const struct vsock_shmem *m)
{
	struct vdev_vsock_shm_stats *st = &v->shm_stats;
	const struct vdev_vsock_service *s = vsock_owner(v, c);

	if (!s || !s->ops->offer) {
		return &st->no_service;
	}
	if (offer_find(v, c, m->offer_id)) {
		return &st->dup_id;
	}
	if (!offer_free(v, c)) {
		return &st->limit;
	}
	if (m->flags & ~VSOCK_SHMEM_F_MASK) {
		return &st->bad_flags;
	}
	if (m->size == 0) {
		return &st->empty;
	}
	if (m->size > VDEV_VSOCK_SHM_SIZE_MAX) {
		return &st->too_big;
	}
	return check_mem(v, m);
}

static void release(struct vdev_vsock *v, const struct vsock_shmem *m)
{
	v->dev.t->bus->mem_release(v->dev.t->bus_ctx, m->bus_addr, m->size);
}

static void shm_offer(struct vdev_vsock *v, struct vsock_conn *c,
		      const struct vsock_shmem *m)
{
	uint64_t *why = check_offer(v, c, m);
	struct vdev_vsock_service *s = vsock_owner(v, c);
	const struct vmsg_devt *t = v->dev.t;
	bool writable = m->flags & VSOCK_SHMEM_F_WRITABLE;
	struct vdev_vsock_offer_slot *o = NULL;
	uint8_t *mem = NULL;

	if (why) {
		reject(v, c, m, why);
		return;
	}
	/* mem_info just vouched for the range: hold and translate succeed. */
	if (NEVER(!t->bus->mem_hold(t->bus_ctx, m->bus_addr, m->size))) {
		reject(v, c, m, &v->shm_stats.bad_range);
		return;
	}
	mem = t->mem->translate(t->mem_ctx, m->bus_addr, m->size, writable);
	if (NEVER(!mem)) {
		release(v, m);
		reject(v, c, m, &v->shm_stats.bad_range);
		return;
	}
	o = offer_free(v, c);
	o->used = true;
	o->o.desc = *m;
	o->o.mem = mem;
	o->o.writable = writable;
	if (s->ops->offer(v, s->ctx, c, &o->o) < 0) {
		o->used = false;
		release(v, m);
		reject(v, c, m, &v->shm_stats.refused);
		return;
	}
	v->shm_stats.offers++;
}

/* The service lets go, then the bus hold goes. */
static void offer_end(struct vdev_vsock *v, struct vsock_conn *c,
		      struct vdev_vsock_offer_slot *o)
{
	struct vdev_vsock_service *s = vsock_owner(v, c);

	if (s && s->ops->revoke) {
		s->ops->revoke(v, s->ctx, c, &o->o);
	}
	release(v, &o->o.desc);
	o->used = false;
}

static void shm_revoke(struct vdev_vsock *v, struct vsock_conn *c,
		       const struct vsock_shmem *m)
{
	struct vdev_vsock_offer_slot *o = offer_find(v, c, m->offer_id);

	if (!o) {
		/* No such offer: say so rather than stay silent. */
		v->shm_stats.revoke_unknown++;
		reply(v, c, m, VSOCK_SHMEM_OFFER_REJECT);
		return;
	}
	offer_end(v, c, o);
	v->shm_stats.revokes++;
	reply(v, c, m, VSOCK_SHMEM_REVOKE_DONE);
}

void vdev_vsock_shm_rx(void *ctx, struct vsock_conn *c,
		       const struct vsock_shmem *m)
{
	struct vdev_vsock *v = ctx;

	switch (m->subop) {
	case VSOCK_SHMEM_OFFER:
		shm_offer(v, c, m);
		return;
	case VSOCK_SHMEM_REVOKE:
		shm_revoke(v, c, m);
		return;
	default:
		/* REVOKE_DONE / OFFER_REJECT are ours to send: drop. */
		v->shm_stats.bad_subop++;
		return;
	}
}

void vdev_vsock_shm_revoke_all(struct vdev_vsock *v, struct vsock_conn *c)
{
	struct vdev_vsock_offer_slot *o = offers_of(v, c);
	uint32_t i = 0;

	for (i = 0; i < VDEV_VSOCK_SHM_OFFERS; i++) {
		if (o[i].used) {
			offer_end(v, c, &o[i]);
			v->shm_stats.auto_revoked++;
		}
	}
}
