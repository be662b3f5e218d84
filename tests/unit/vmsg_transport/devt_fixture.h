/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Test fixture for the device transport on its own: an echo device behind
 * a struct vmsg_devt, a flat "shared memory" with two bus windows (area 1
 * read-write, area 2 a read-only view of the same bytes), a bus that
 * records emitted events and counts ring holds, and a driver-side
 * virtqueue in that memory.
 */
#ifndef TZS_DEVT_FIXTURE_H
#define TZS_DEVT_FIXTURE_H

#include "test.h"

#include <tzshare/lib.h>
#include <tzshare/vdev_echo.h>
#include <tzshare/virtq.h>
#include <tzshare/vmsg_transport.h>

#define FX_MEM_SIZE (64u * 1024u)
#define FX_RW_BASE (1ull << 48)
#define FX_RO_BASE (2ull << 48)
#define FX_DEV 1
#define FX_TOKEN 0x1234
#define FX_QSIZE 16u
/* Ring layout for FX_QSIZE entries at the start of area 1. */
#define FX_DESC_OFF 0x0000u
#define FX_AVAIL_OFF 0x1000u
#define FX_USED_OFF 0x2000u
#define FX_BUF_OFF 0x4000u
#define FX_MAX_EVENTS 64

#define FX_FEATURES                                                    \
	((1ull << VIRTIO_F_VERSION_1) | (1ull << VIRTIO_F_EVENT_IDX) | \
	 (1ull << VIRTIO_F_RING_RESET))

struct fx {
	uint8_t *mem;
	struct virtq_mem_ops mops;
	struct vmsg_devt_bus_ops bops;
	struct vdev_echo echo;
	struct vmsg_devt t;
	struct vmsg events[FX_MAX_EVENTS];
	unsigned int n_events;
	int holds;
	bool refuse_hold;
	/* driver side */
	struct virtq_drv vq;
	void *tokens[FX_QSIZE];
	uint16_t chain_len[FX_QSIZE];
};

static inline uint8_t *fx_translate(void *ctx, uint64_t addr, uint64_t len,
				    bool write)
{
	struct fx *f = ctx;
	uint64_t base = addr & ~VMSG_BUS_ADDR_OFFSET_MASK;
	uint64_t off = addr & VMSG_BUS_ADDR_OFFSET_MASK;

	if (!tzs_range_ok(off, len, FX_MEM_SIZE)) {
		return NULL;
	}
	if (base == FX_RW_BASE || (base == FX_RO_BASE && !write)) {
		return f->mem + off;
	}
	return NULL;
}

static inline void fx_emit(void *ctx, const struct vmsg *ev)
{
	struct fx *f = ctx;

	if (f->n_events < FX_MAX_EVENTS) {
		f->events[f->n_events] = *ev;
	}
	f->n_events++;
}

static inline bool fx_hold(void *ctx, uint64_t addr, uint64_t len)
{
	struct fx *f = ctx;

	(void)addr;
	(void)len;
	if (f->refuse_hold) {
		return false;
	}
	f->holds++;
	return true;
}

static inline void fx_release(void *ctx, uint64_t addr, uint64_t len)
{
	struct fx *f = ctx;

	(void)addr;
	(void)len;
	f->holds--;
	if (f->holds < 0) {
		test_fail(__FILE__, __LINE__, "hold released twice");
	}
}

static inline struct fx *fx_new(enum vmsg_profile profile)
{
	struct fx *f = calloc(1, sizeof(*f));

	ASSERT_TRUE(f);
	f->mem = aligned_alloc(4096, FX_MEM_SIZE);
	ASSERT_TRUE(f->mem);
	memset(f->mem, 0, FX_MEM_SIZE);
	f->mops.translate = fx_translate;
	f->bops.emit_event = fx_emit;
	f->bops.mem_hold = fx_hold;
	f->bops.mem_release = fx_release;
	vdev_echo_init(&f->echo);
	vmsg_devt_init(&f->t, &f->echo.dev, FX_DEV, profile, &f->mops, f,
		       &f->bops, f);
	return f;
}

static inline struct vmsg fx_req(uint8_t msg_id)
{
	struct vmsg m;

	memset(&m, 0, sizeof(m));
	m.hdr.msg_id = msg_id;
	m.hdr.dev_num = FX_DEV;
	m.hdr.token = FX_TOKEN;
	return m;
}

/* Handle @m; returns whether a response came, in *r. */
static inline bool fx_handle(struct fx *f, const struct vmsg *m, struct vmsg *r)
{
	memset(r, 0xA5, sizeof(*r));
	return vmsg_devt_handle(&f->t, m, r);
}

/* SET_DEVICE_STATUS; returns the resulting status. */
static inline uint32_t fx_status(struct fx *f, uint32_t status)
{
	struct vmsg m = fx_req(VMSG_SET_DEVICE_STATUS), r;

	m.u.status = status;
	ASSERT_TRUE(fx_handle(f, &m, &r));
	return r.u.status;
}

static inline bool fx_set_features(struct fx *f, uint64_t features)
{
	struct vmsg m = fx_req(VMSG_SET_DRIVER_FEATURES), r;

	m.u.features.block_index = 0;
	m.u.features.num_blocks = 2;
	m.u.features.features[0] = (uint32_t)features;
	m.u.features.features[1] = (uint32_t)(features >> 32);
	return fx_handle(f, &m, &r);
}

#define FX_S_AD (VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER)
#define FX_S_FOK (FX_S_AD | VIRTIO_STATUS_FEATURES_OK)
#define FX_S_LIVE (FX_S_FOK | VIRTIO_STATUS_DRIVER_OK)

/* Status 0 -> ACK|DRIVER|FEATURES_OK with @features. */
static inline void fx_to_features_ok(struct fx *f, uint64_t features)
{
	ASSERT_EQ(fx_status(f, VIRTIO_STATUS_ACKNOWLEDGE),
		  VIRTIO_STATUS_ACKNOWLEDGE);
	ASSERT_EQ(fx_status(f, FX_S_AD), FX_S_AD);
	ASSERT_TRUE(fx_set_features(f, features));
	ASSERT_EQ(fx_status(f, FX_S_FOK), FX_S_FOK);
}

static inline struct vmsg fx_set_vqueue_msg(uint32_t index, uint32_t size,
					    uint64_t base)
{
	struct vmsg m = fx_req(VMSG_SET_VQUEUE);

	m.u.vqueue.index = index;
	m.u.vqueue.size = size;
	m.u.vqueue.flags = VMSG_VQUEUE_F_ENABLED;
	m.u.vqueue.desc_addr = base + FX_DESC_OFF;
	m.u.vqueue.driver_addr = base + FX_AVAIL_OFF;
	m.u.vqueue.device_addr = base + FX_USED_OFF;
	return m;
}

/* Driver queue in area 1 + SET_VQUEUE(0). */
static inline void fx_queue(struct fx *f, bool event_idx)
{
	struct vmsg m = fx_set_vqueue_msg(0, FX_QSIZE, FX_RW_BASE), r;

	ASSERT_EQ(virtq_drv_init(&f->vq, FX_QSIZE, f->mem + FX_DESC_OFF,
				 FX_RW_BASE + FX_DESC_OFF,
				 f->mem + FX_AVAIL_OFF,
				 FX_RW_BASE + FX_AVAIL_OFF,
				 f->mem + FX_USED_OFF, FX_RW_BASE + FX_USED_OFF,
				 event_idx, false, f->tokens, f->chain_len),
		  VIRTQ_OK);
	ASSERT_TRUE(fx_handle(f, &m, &r));
}

/* Features, queue 0, DRIVER_OK. */
static inline void fx_live(struct fx *f)
{
	fx_to_features_ok(f, FX_FEATURES);
	fx_queue(f, true);
	ASSERT_EQ(fx_status(f, FX_S_LIVE), FX_S_LIVE);
}

static inline void fx_kick(struct fx *f)
{
	struct vmsg m = fx_req(VMSG_EVENT_AVAIL), r;

	m.hdr.token = 0;
	m.u.avail.vq_index = 0;
	ASSERT_FALSE(fx_handle(f, &m, &r));
}

/* One echo chain of @n bytes through queue 0; returns bytes written. */
static inline uint32_t fx_echo(struct fx *f, const char *msg, uint32_t n)
{
	struct virtq_buf out = { FX_RW_BASE + FX_BUF_OFF, n };
	struct virtq_buf in = { FX_RW_BASE + FX_BUF_OFF + 0x1000, n };
	uint32_t len = 0;
	void *tok = NULL;

	memcpy(f->mem + FX_BUF_OFF, msg, n);
	memset(f->mem + FX_BUF_OFF + 0x1000, 0, n);
	ASSERT_EQ(virtq_drv_add(&f->vq, &out, 1, &in, 1, f), VIRTQ_OK);
	virtq_drv_publish(&f->vq);
	fx_kick(f);
	tok = virtq_drv_get_used(&f->vq, &len);
	ASSERT_TRUE(tok == f);
	ASSERT_MEM_EQ(f->mem + FX_BUF_OFF + 0x1000, msg, n);
	return len;
}

#endif /* TZS_DEVT_FIXTURE_H */
