// SPDX-License-Identifier: BSD-2-Clause
/*
 * FF-A bus frontend: areas (virtio-msg.md §2.4).
 *
 * Area lifecycle on the driver side:
 *   share    ops->mem_share (FF-A MEM_SHARE/LEND) then AREA_SHARE with a
 *            fresh area id (1..0xFFFF, rotating, never 0 so that bus
 *            address 0 never translates). ERROR or no answer: the memory
 *            is reclaimed again and the call fails.
 *   unshare  AREA_UNSHARE. OK: ops->mem_reclaim, slot freed. BUSY: the
 *            device still uses it; release_pending until AREA_RELEASE
 *            arrives through EVENT_POLL, then reclaimed (Linux PoC v2
 *            UNSHARE_PENDING). ERROR: the device does not know the area;
 *            the slot is kept and VMSG_T_E_REFUSED returned.
 *   attach   AREA_SHARE of a handle someone else owns and reclaims (a
 *            protected heap pool, lent once at pool creation): unshare
 *            and RESET forget the area but never reclaim it.
 *   RESET    the device let go of everything: every area reclaimed.
 * A reclaim the SPMC denies (the borrower still holds the memory) leaves
 * the area release_pending, so it is not reused, and fails the call with
 * VMSG_T_E_BUS.
 */
#include <tzshare/lib.h>

#include "frontend_priv.h"

struct vmsg_ffa_frontend_area *
vmsg_ffa_frontend_area(struct vmsg_ffa_frontend *fe, uint16_t area_id)
{
	uint32_t i = 0;

	for (i = 0; i < VMSG_FFA_MAX_AREAS; i++) {
		if (fe->areas[i].used && fe->areas[i].id == area_id) {
			return &fe->areas[i];
		}
	}
	return NULL;
}

static struct vmsg_ffa_frontend_area *free_slot(struct vmsg_ffa_frontend *fe)
{
	uint32_t i = 0;

	for (i = 0; i < VMSG_FFA_MAX_AREAS; i++) {
		if (!fe->areas[i].used) {
			return &fe->areas[i];
		}
	}
	return NULL;
}

static uint16_t pick_id(struct vmsg_ffa_frontend *fe)
{
	uint16_t id = 0;

	/* At most VMSG_FFA_MAX_AREAS ids are taken: this ends quickly. */
	for (;;) {
		id = fe->next_area_id ? fe->next_area_id : 1;
		fe->next_area_id = (uint16_t)(id + 1);
		if (!vmsg_ffa_frontend_area(fe, id)) {
			return id;
		}
	}
}

static int reclaim(struct vmsg_ffa_frontend *fe,
		   struct vmsg_ffa_frontend_area *a)
{
	int rc = VMSG_T_OK;

	/* An attached handle is its owner's to reclaim, not ours. */
	if (!a->external) {
		rc = fe->ops->mem_reclaim(fe->ctx, a->handle);
	}
	if (rc != VMSG_T_OK) {
		a->release_pending = true;
		return VMSG_T_E_BUS;
	}
	tzs_memset(a, 0, sizeof(*a));
	return VMSG_T_OK;
}

/* A free slot and a fresh id for a new area of @page_count pages. */
static int area_begin(struct vmsg_ffa_frontend *fe, uint32_t page_count,
		      struct vmsg_ffa_frontend_area **a, uint16_t *id)
{
	if (!fe->negotiated || page_count == 0) {
		return VMSG_T_E_STATE;
	}
	*a = free_slot(fe);
	if (!*a) {
		return VMSG_T_E_NOMEM;
	}
	*id = pick_id(fe);
	return VMSG_T_OK;
}

/* AREA_SHARE of @handle as area @id; VMSG_T_OK when the device took it. */
static int area_share_msg(struct vmsg_ffa_frontend *fe, uint16_t id,
			  uint64_t handle, uint64_t tag, uint32_t page_count,
			  uint32_t attrs)
{
	struct vmsg req, resp;
	int rc = 0;

	vmsg_ffa_fe_bus_req(&req, VMSG_FFA_AREA_SHARE);
	req.u.area.area_id = id;
	req.u.area.handle = handle;
	req.u.area.tag = tag;
	req.u.area.page_count = page_count;
	req.u.area.attrs = attrs;
	rc = vmsg_ffa_fe_call(fe, fe->profile, &req, &resp);
	if (rc == VMSG_T_OK && resp.u.area_result.area_id != id) {
		fe->stats.bad_responses++;
		rc = VMSG_T_E_PROTO;
	}
	if (rc == VMSG_T_OK &&
	    resp.u.area_result.result != VMSG_FFA_RESULT_OK) {
		rc = VMSG_T_E_REFUSED;
	}
	return rc;
}

static void area_record(struct vmsg_ffa_frontend_area *a, uint16_t id,
			uint64_t pa, uint32_t page_count, uint32_t attrs,
			uint64_t handle, bool external)
{
	a->used = true;
	a->external = external;
	a->id = id;
	a->pa = pa;
	a->page_count = page_count;
	a->attrs = attrs;
	a->handle = handle;
}

int vmsg_ffa_frontend_area_share(struct vmsg_ffa_frontend *fe, uint64_t pa,
				 uint32_t page_count, uint32_t attrs,
				 uint64_t *bus_addr)
{
	struct vmsg_ffa_frontend_area *a = NULL;
	uint64_t handle = 0;
	uint16_t id = 0;
	int rc = area_begin(fe, page_count, &a, &id);

	if (rc != VMSG_T_OK) {
		return rc;
	}
	rc = fe->ops->mem_share(fe->ctx, pa, page_count, attrs, &handle);
	if (rc != VMSG_T_OK) {
		return rc;
	}
	rc = area_share_msg(fe, id, handle, 0, page_count, attrs);
	if (rc != VMSG_T_OK) {
		fe->ops->mem_reclaim(fe->ctx, handle);
		return rc;
	}
	area_record(a, id, pa, page_count, attrs, handle, false);
	*bus_addr = vmsg_bus_addr(id, 0);
	return VMSG_T_OK;
}

int vmsg_ffa_frontend_area_attach(struct vmsg_ffa_frontend *fe, uint64_t handle,
				  uint64_t tag, uint64_t pa,
				  uint32_t page_count, uint32_t attrs,
				  uint64_t *bus_addr)
{
	struct vmsg_ffa_frontend_area *a = NULL;
	uint16_t id = 0;
	int rc = area_begin(fe, page_count, &a, &id);

	if (rc != VMSG_T_OK) {
		return rc;
	}
	rc = area_share_msg(fe, id, handle, tag, page_count, attrs);
	if (rc != VMSG_T_OK) {
		return rc;
	}
	area_record(a, id, pa, page_count, attrs, handle, true);
	*bus_addr = vmsg_bus_addr(id, 0);
	return VMSG_T_OK;
}

int vmsg_ffa_frontend_area_unshare(struct vmsg_ffa_frontend *fe,
				   uint16_t area_id)
{
	struct vmsg_ffa_frontend_area *a = vmsg_ffa_frontend_area(fe, area_id);
	struct vmsg req, resp;
	int rc = 0;

	if (!a || a->release_pending) {
		return VMSG_T_E_STATE;
	}
	vmsg_ffa_fe_bus_req(&req, VMSG_FFA_AREA_UNSHARE);
	req.u.area_result.area_id = area_id;
	rc = vmsg_ffa_fe_call(fe, fe->profile, &req, &resp);
	if (rc != VMSG_T_OK) {
		return rc;
	}
	if (resp.u.area_result.area_id != area_id) {
		fe->stats.bad_responses++;
		return VMSG_T_E_PROTO;
	}
	switch (resp.u.area_result.result) {
	case VMSG_FFA_RESULT_OK:
		return reclaim(fe, a);
	case VMSG_FFA_RESULT_BUSY:
		a->release_pending = true;
		return VMSG_T_E_STATE;
	default:
		return VMSG_T_E_REFUSED;
	}
}

void vmsg_ffa_fe_area_released(struct vmsg_ffa_frontend *fe, uint16_t id)
{
	struct vmsg_ffa_frontend_area *a = vmsg_ffa_frontend_area(fe, id);

	/* Only an area we asked back may be released by the device. */
	if (!a || !a->release_pending) {
		fe->stats.bad_events++;
		return;
	}
	reclaim(fe, a);
}

void vmsg_ffa_fe_areas_reclaim_all(struct vmsg_ffa_frontend *fe)
{
	uint32_t i = 0;

	for (i = 0; i < VMSG_FFA_MAX_AREAS; i++) {
		if (fe->areas[i].used) {
			reclaim(fe, &fe->areas[i]);
		}
	}
}
