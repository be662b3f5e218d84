/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A driver and a device queue on the same in-process memory, for the virtq
 * unit tests. Memory is a table of areas named like the FF-A bus does
 * (bus address = area_id << 48 | offset; area 0 does not exist, so bus
 * address 0 never translates). Every ring gets its own area allocated with
 * exactly its size, so under ASan any access past a ring, a buffer or an
 * indirect table is reported: the tests need no extra oracle for "no
 * out-of-range access".
 *
 *   area 1 desc table  area 2 avail ring  area 3 used ring
 *   area 4 data (writable)  area 5 read-only data  area 6 indirect pool
 */
#ifndef TZS_VIRTQ_FIXTURE_H
#define TZS_VIRTQ_FIXTURE_H

#include "test.h"

#include <tzshare/lib.h>
#include <tzshare/virtq.h>

#define VQF_AREA_SHIFT 48
#define VQF_MAX_AREAS 8
#define VQF_DESC 1u
#define VQF_AVAIL 2u
#define VQF_USED 3u
#define VQF_DATA 4u
#define VQF_RO 5u
#define VQF_POOL 6u
#define VQF_HUGE 7u /* claims 8 GiB; only for length-total checks */
#define VQF_RO_LEN 4096u
#define VQF_HUGE_LEN (8ull << 30)

struct vqf_area {
	uint8_t *base;
	uint64_t len;
	bool writable;
};

struct vqf {
	struct vqf_area area[VQF_MAX_AREAS];
	uint64_t translations; /* translate() calls (device side) */
	uint16_t num;
	bool event_idx;
	bool indirect;
	struct virtq_mem_ops ops;
	struct virtq_drv drv;
	struct virtq_dev dev;
	void **tokens;
	uint16_t *chain_len;
	uint64_t *inflight;
};

static inline uint64_t vqf_addr(unsigned int id, uint64_t off)
{
	return (uint64_t)id << VQF_AREA_SHIFT | off;
}

static inline uint8_t *vqf_translate(void *ctx, uint64_t addr, uint64_t len,
				     bool write)
{
	struct vqf *f = ctx;
	uint64_t id = addr >> VQF_AREA_SHIFT;
	uint64_t off = addr & ((1ull << VQF_AREA_SHIFT) - 1u);
	const struct vqf_area *a = NULL;

	f->translations++;
	if (id >= VQF_MAX_AREAS || !f->area[id].base) {
		return NULL;
	}
	a = &f->area[id];
	if ((write && !a->writable) || !tzs_range_ok(off, len, a->len)) {
		return NULL;
	}
	return a->base + off;
}

static inline void vqf_area_alloc(struct vqf *f, unsigned int id, uint64_t len,
				  bool writable)
{
	/* malloc() is 16-aligned; exact length so ASan sees the end. */
	f->area[id].base = calloc(1, len ? len : 1);
	f->area[id].len = len;
	f->area[id].writable = writable;
	if (!f->area[id].base) {
		test_fail(__FILE__, __LINE__, "out of memory");
	}
}

/* Host pointer of a bus address the test itself made up. */
static inline uint8_t *vqf_host(struct vqf *f, uint64_t addr)
{
	return f->area[addr >> VQF_AREA_SHIFT].base +
	       (addr & ((1ull << VQF_AREA_SHIFT) - 1u));
}

static inline void vqf_setup(struct vqf *f, uint16_t num, bool event_idx,
			     bool indirect, uint64_t data_len)
{
	memset(f, 0, sizeof(*f));
	f->num = num;
	f->event_idx = event_idx;
	f->indirect = indirect;
	f->ops.translate = vqf_translate;
	vqf_area_alloc(f, VQF_DESC, virtq_desc_bytes(num), true);
	vqf_area_alloc(f, VQF_AVAIL, virtq_avail_bytes(num), true);
	vqf_area_alloc(f, VQF_USED, virtq_used_bytes(num), true);
	vqf_area_alloc(f, VQF_DATA, data_len, true);
	vqf_area_alloc(f, VQF_RO, VQF_RO_LEN, false);
	f->tokens = calloc(num, sizeof(*f->tokens));
	f->chain_len = calloc(num, sizeof(*f->chain_len));
	f->inflight = calloc(num, sizeof(*f->inflight));
	ASSERT_TRUE(f->tokens && f->chain_len && f->inflight);
	ASSERT_EQ(virtq_drv_init(&f->drv, num, f->area[VQF_DESC].base,
				 vqf_addr(VQF_DESC, 0), f->area[VQF_AVAIL].base,
				 vqf_addr(VQF_AVAIL, 0), f->area[VQF_USED].base,
				 vqf_addr(VQF_USED, 0), event_idx, indirect,
				 f->tokens, f->chain_len),
		  VIRTQ_OK);
	ASSERT_EQ(virtq_dev_init(&f->dev, num, vqf_addr(VQF_DESC, 0),
				 vqf_addr(VQF_AVAIL, 0), vqf_addr(VQF_USED, 0),
				 event_idx, indirect, &f->ops, f),
		  VIRTQ_OK);
	virtq_dev_set_inflight(&f->dev, f->inflight);
}

/* Give the driver an indirect pool of @slot_len bytes per head. */
static inline void vqf_pool(struct vqf *f, uint64_t slot_len)
{
	vqf_area_alloc(f, VQF_POOL, slot_len * f->num, false);
	ASSERT_EQ(virtq_drv_set_indirect_pool(&f->drv, f->area[VQF_POOL].base,
					      vqf_addr(VQF_POOL, 0),
					      slot_len * f->num),
		  VIRTQ_OK);
}

/* A region that claims VQF_HUGE_LEN bytes over a tiny allocation: the
 * device must never dereference a buffer, so this only serves the
 * byte-total checks (translate() succeeds, nothing is accessed). */
static inline void vqf_huge(struct vqf *f)
{
	vqf_area_alloc(f, VQF_HUGE, 16, false);
	f->area[VQF_HUGE].len = VQF_HUGE_LEN;
}

static inline void vqf_teardown(struct vqf *f)
{
	unsigned int i = 0;

	for (i = 0; i < VQF_MAX_AREAS; i++) {
		free(f->area[i].base);
	}
	free(f->tokens);
	free(f->chain_len);
	free(f->inflight);
}

/* Raw ring writes, as a (possibly hostile) driver would make them. */
static inline void vqf_desc_put(struct vqf *f, uint16_t i, uint64_t addr,
				uint32_t len, uint16_t flags, uint16_t next)
{
	uint8_t *d = f->area[VQF_DESC].base + (size_t)i * VIRTQ_DESC_SIZE;

	le64_put(d, addr);
	le32_put(d + 8, len);
	le16_put(d + 12, flags);
	le16_put(d + 14, next);
}

/* Descriptor @i of a table at host pointer @table. */
static inline void vqf_table_put(uint8_t *table, uint16_t i, uint64_t addr,
				 uint32_t len, uint16_t flags, uint16_t next)
{
	uint8_t *d = table + (size_t)i * VIRTQ_DESC_SIZE;

	le64_put(d, addr);
	le32_put(d + 8, len);
	le16_put(d + 12, flags);
	le16_put(d + 14, next);
}

static inline void vqf_avail_slot_put(struct vqf *f, uint16_t idx,
				      uint16_t head)
{
	le16_put(f->area[VQF_AVAIL].base + 4 + 2u * (idx & (f->num - 1u)),
		 head);
}

static inline void vqf_avail_idx_put(struct vqf *f, uint16_t idx)
{
	le16_put(f->area[VQF_AVAIL].base + 2, idx);
}

/* Make @head available as the next avail entry (raw driver). */
static inline void vqf_expose(struct vqf *f, uint16_t head)
{
	uint16_t idx = le16_get(f->area[VQF_AVAIL].base + 2);

	vqf_avail_slot_put(f, idx, head);
	vqf_avail_idx_put(f, (uint16_t)(idx + 1u));
}

static inline uint16_t vqf_used_idx(struct vqf *f)
{
	return le16_get(f->area[VQF_USED].base + 2);
}

static inline uint16_t vqf_avail_event(struct vqf *f)
{
	return le16_get(f->area[VQF_USED].base + 4 + 8u * f->num);
}

static inline uint16_t vqf_used_event(struct vqf *f)
{
	return le16_get(f->area[VQF_AVAIL].base + 4 + 2u * f->num);
}

#endif /* TZS_VIRTQ_FIXTURE_H */
