// SPDX-License-Identifier: BSD-2-Clause
/*
 * FF-A bus backend: shared areas and bus address translation
 * (virtio-msg.md §2.3-2.4; architecture.md §3: bus address =
 * area_id << 48 | offset).
 *
 * Area lifecycle (struct vmsg_ffa_area in vmsg_ffa_bus.h):
 *   AREA_SHARE     id unused, page_count > 0, a free slot and a mapping
 *                  from ops->area_map, else result ERROR and nothing kept.
 *                  The mapping stays until the area is let go (mapping is
 *                  expensive: architecture.md §6).
 *   hold/release   a device queue holds the area of each of its rings from
 *                  SET_VQUEUE until the queue is dropped (users); the vsock
 *                  device holds the range of each live OP_SHMEM offer.
 *   AREA_UNSHARE   unknown id: ERROR. users == 0: unmap, OK. Otherwise
 *                  BUSY and unshare_pending: existing holders keep
 *                  translating, new holds are refused, and the last
 *                  release unmaps it and queues AREA_RELEASE (0xC0).
 *   bus RESET      every area unmapped and forgotten, no AREA_RELEASE.
 *
 * Write permission: V2 areas are writable by the device only with
 * VMSG_AREA_ATTR_WRITABLE. PR28 (v1) peers send sharing_attrs 0 for their
 * RW shares (old Linux), so v1 areas are writable.
 *
 * Buffers named in descriptors are not holds: the device translates them
 * when it pops a chain and, like the echo device, must not keep pointers
 * across calls unless it keeps the queue alive. A driver that unshares a
 * buffer's area while the buffer is still available makes that chain fail
 * translation (the queue breaks); it cannot make the device touch memory
 * that is no longer mapped.
 */
#include <tzshare/lib.h>

#include "backend_priv.h"

static uint64_t area_bytes(const struct vmsg_ffa_area *a)
{
	return (uint64_t)a->page_count * VMSG_FFA_PAGE_SIZE;
}

struct vmsg_ffa_area *vmsg_ffa_backend_area(struct vmsg_ffa_backend *be,
					    uint16_t area_id)
{
	uint32_t i = 0;

	for (i = 0; i < VMSG_FFA_MAX_AREAS; i++) {
		if (be->areas[i].used && be->areas[i].id == area_id) {
			return &be->areas[i];
		}
	}
	return NULL;
}

static struct vmsg_ffa_area *area_free_slot(struct vmsg_ffa_backend *be)
{
	uint32_t i = 0;

	for (i = 0; i < VMSG_FFA_MAX_AREAS; i++) {
		if (!be->areas[i].used) {
			return &be->areas[i];
		}
	}
	return NULL;
}

static void area_unmap(struct vmsg_ffa_backend *be, struct vmsg_ffa_area *a)
{
	be->ops->area_unmap(be->ctx, a->va, a->page_count, a->handle);
	tzs_memset(a, 0, sizeof(*a));
}

void vmsg_ffa_be_area_share(struct vmsg_ffa_backend *be, const struct vmsg *req,
			    struct vmsg *resp)
{
	const struct vmsg_area_share *q = &req->u.area;
	struct vmsg_ffa_area *a = NULL;
	uint8_t *va = NULL;

	resp->u.area_result.area_id = q->area_id;
	resp->u.area_result.result = VMSG_FFA_RESULT_ERROR;
	/* The area id is the driver's name for it: unique while it lives. */
	if (vmsg_ffa_backend_area(be, q->area_id) || q->page_count == 0) {
		return;
	}
	a = area_free_slot(be);
	if (!a) {
		return;
	}
	va = be->ops->area_map(be->ctx, q->handle, q->tag, q->page_count,
			       q->attrs);
	if (!va) {
		return;
	}
	a->used = true;
	a->id = q->area_id;
	a->handle = q->handle;
	a->tag = q->tag;
	a->page_count = q->page_count;
	a->attrs = q->attrs;
	a->va = va;
	a->writable = be->profile == VMSG_PROFILE_PR28 ||
		      (q->attrs & VMSG_AREA_ATTR_WRITABLE);
	resp->u.area_result.result = VMSG_FFA_RESULT_OK;
}

void vmsg_ffa_be_area_unshare(struct vmsg_ffa_backend *be,
			      const struct vmsg *req, struct vmsg *resp)
{
	uint16_t id = req->u.area_result.area_id;
	struct vmsg_ffa_area *a = vmsg_ffa_backend_area(be, id);

	resp->u.area_result.area_id = id;
	if (!a) {
		resp->u.area_result.result = VMSG_FFA_RESULT_ERROR;
		return;
	}
	if (a->users) {
		/* Still mapped by a live queue: release later (§2.4). */
		a->unshare_pending = true;
		resp->u.area_result.result = VMSG_FFA_RESULT_BUSY;
		return;
	}
	area_unmap(be, a);
	resp->u.area_result.result = VMSG_FFA_RESULT_OK;
}

void vmsg_ffa_be_areas_release_all(struct vmsg_ffa_backend *be)
{
	uint32_t i = 0;

	for (i = 0; i < VMSG_FFA_MAX_AREAS; i++) {
		if (!be->areas[i].used) {
			continue;
		}
		/* Callers reset every device first: no queue holds any. */
		CHECK(be->areas[i].users == 0);
		area_unmap(be, &be->areas[i]);
	}
}

/* The area and offset of [addr, addr + len), or NULL. */
static struct vmsg_ffa_area *resolve(struct vmsg_ffa_backend *be, uint64_t addr,
				     uint64_t len, uint64_t *off)
{
	struct vmsg_ffa_area *a = NULL;

	a = vmsg_ffa_backend_area(be,
				  (uint16_t)(addr >> VMSG_BUS_ADDR_AREA_SHIFT));
	if (!a) {
		return NULL;
	}
	*off = addr & VMSG_BUS_ADDR_OFFSET_MASK;
	if (!tzs_range_ok(*off, len, area_bytes(a))) {
		return NULL;
	}
	return a;
}

uint8_t *vmsg_ffa_backend_translate(struct vmsg_ffa_backend *be, uint64_t addr,
				    uint64_t len, bool write)
{
	uint64_t off = 0;
	struct vmsg_ffa_area *a = resolve(be, addr, len, &off);

	if (!a || (write && !a->writable)) {
		return NULL;
	}
	return a->va + off;
}

uint8_t *vmsg_ffa_be_translate(void *ctx, uint64_t addr, uint64_t len,
			       bool write)
{
	return vmsg_ffa_backend_translate(ctx, addr, len, write);
}

bool vmsg_ffa_be_mem_info(void *ctx, uint64_t addr, uint64_t len,
			  struct vmsg_devt_mem_info *info)
{
	uint64_t off = 0;
	struct vmsg_ffa_area *a = resolve(ctx, addr, len, &off);

	if (!a) {
		return false;
	}
	info->handle = a->handle;
	info->tag = a->tag;
	info->attrs = a->attrs;
	info->writable = a->writable;
	info->releasing = a->unshare_pending;
	return true;
}

bool vmsg_ffa_be_mem_hold(void *ctx, uint64_t addr, uint64_t len)
{
	struct vmsg_ffa_backend *be = ctx;
	uint64_t off = 0;
	struct vmsg_ffa_area *a = resolve(be, addr, len, &off);

	/* An area the driver asked back is no place for a new queue. */
	if (!a || a->unshare_pending) {
		return false;
	}
	a->users++;
	return true;
}

void vmsg_ffa_be_mem_release(void *ctx, uint64_t addr, uint64_t len)
{
	struct vmsg_ffa_backend *be = ctx;
	uint64_t off = 0;
	struct vmsg_ffa_area *a = resolve(be, addr, len, &off);
	uint16_t id = 0;

	/* Holds and releases pair up (devt.c): the area is still there. */
	CHECK(a && a->users > 0);
	a->users--;
	if (a->users || !a->unshare_pending) {
		return;
	}
	id = a->id;
	area_unmap(be, a);
	vmsg_ffa_be_bus_event(be, VMSG_FFA_AREA_RELEASE, id, 0);
}
