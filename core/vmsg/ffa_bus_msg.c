// SPDX-License-Identifier: BSD-2-Clause
/*
 * FF-A bus messages (virtio-msg.md §2.3; bus type, msg_id 0x80+): VERSION,
 * AREA_SHARE/UNSHARE, RESET, EVENT_POLL, EVENT_CONFIGURE, FIFO_CONFIGURE,
 * ERROR and the AREA_RELEASE event. All fields are little-endian and
 * packed; AREA_SHARE's u64 fields are unaligned on the wire.
 *
 * Sizes worth a note:
 * - VERSION: FF-A bus v1 (PR28 profile) has an 8-byte request {bus_version,
 *   transport_revision} and an 18-byte response; v2 (V2 profile) appends
 *   ffa_version to the request (12 B; Linux v2 sends 12) and inserts it at
 *   8 in the response (22 B). VERSION is what tells a bus which generation
 *   its peer speaks, and a bus speaks V2 until negotiation says otherwise,
 *   so the V2 profile also decodes the v1 sizes (ffa_version reads as 0);
 *   the size tells the layouts apart. The PR28 profile accepts only v1: a
 *   v2 message there would lose ffa_version, which v1 cannot carry. Other
 *   sizes (Qualcomm OP-TEE expects an 18-byte request) are VMSG_E_SIZE.
 * - EVENT_POLL response: always empty (8-byte message, "nothing pending").
 *   A pending event comes back as that event's own message, which the bus
 *   decodes as such (vmsg.h).
 * - ERROR (0x87) exists only as a response: its request is VMSG_E_UNKNOWN.
 */
#include <tzshare/lib.h>
#include <tzshare/vmsg.h>

#include "vmsg_priv.h"

/* VERSION request. */
#define VREQ_BUS_VERSION 0
#define VREQ_TRANSPORT_REVISION 4
#define VREQ_FFA_VERSION 8 /* v2 only */
#define VREQ1_SIZE 8
#define VREQ2_SIZE 12
_Static_assert(VREQ_TRANSPORT_REVISION + 4 == VREQ1_SIZE && VREQ1_SIZE == 8,
	       "FF-A bus v1 VERSION request payload (§2.3)");
_Static_assert(VREQ_FFA_VERSION + 4 == VREQ2_SIZE && VREQ2_SIZE == 12,
	       "FF-A bus v2 VERSION request payload (Linux PoC v2)");

/* VERSION response, v1. */
#define VRSP1_BUS_VERSION 0
#define VRSP1_TRANSPORT_REVISION 4
#define VRSP1_TRANSPORT_FEATURES 8
#define VRSP1_BUS_FEATURES 12
#define VRSP1_MAX_AREAS 16 /* u16 */
#define VRSP1_SIZE 18
_Static_assert(VRSP1_MAX_AREAS + 2 == VRSP1_SIZE && VRSP1_SIZE == 18,
	       "FF-A bus v1 VERSION response payload (§2.3)");

/* VERSION response, v2. */
#define VRSP2_BUS_VERSION 0
#define VRSP2_TRANSPORT_REVISION 4
#define VRSP2_FFA_VERSION 8
#define VRSP2_TRANSPORT_FEATURES 12
#define VRSP2_BUS_FEATURES 16
#define VRSP2_MAX_AREAS 20 /* u16 */
#define VRSP2_SIZE 22
_Static_assert(VRSP2_MAX_AREAS + 2 == VRSP2_SIZE && VRSP2_SIZE == 22,
	       "FF-A bus v2 VERSION response payload (Linux PoC v2)");

/* AREA_SHARE request. */
#define SHARE_AREA_ID 0
#define SHARE_HANDLE 2
#define SHARE_TAG 10
#define SHARE_PAGE_COUNT 18
#define SHARE_ATTRS 22
#define SHARE_SIZE 26
_Static_assert(SHARE_ATTRS + 4 == SHARE_SIZE && SHARE_SIZE == 26,
	       "AREA_SHARE request payload, unaligned (§2.3)");

/* AREA_SHARE/AREA_UNSHARE response: area_id, result. */
#define AREA_RSP_AREA_ID 0
#define AREA_RSP_RESULT 2
#define AREA_RSP_SIZE 4
_Static_assert(AREA_RSP_RESULT + 2 == AREA_RSP_SIZE && AREA_RSP_SIZE == 4,
	       "AREA_SHARE/UNSHARE response payload (§2.3)");

/* One u16: AREA_UNSHARE request, AREA_RELEASE, results, ERROR. */
#define U16_SIZE 2
_Static_assert(U16_SIZE == 2,
	       "AREA_UNSHARE request, AREA_RELEASE, RESET and "
	       "EVENT_CONFIGURE responses, ERROR: one u16 (§2.3)");

/* EVENT_CONFIGURE request. */
#define EVCONF_METHOD 0 /* u8, reserved u8 at 1 */
#define EVCONF_NOTIFY_ID 2
#define EVCONF_SIZE 4
_Static_assert(EVCONF_NOTIFY_ID + 2 == EVCONF_SIZE && EVCONF_SIZE == 4,
	       "EVENT_CONFIGURE request payload (§2.3)");

/* FIFO_CONFIGURE request and response (v2). */
#define FIFO_HANDLE 0
#define FIFO_PAGE_COUNT 8
#define FIFO_DRIVER_NOTIF_ID 10
#define FIFO_SIZE 12
#define FIFO_RSP_RESULT 0
#define FIFO_RSP_DEVICE_NOTIF_ID 2
#define FIFO_RSP_SIZE 4
_Static_assert(FIFO_DRIVER_NOTIF_ID + 2 == FIFO_SIZE && FIFO_SIZE == 12,
	       "FIFO_CONFIGURE request payload (§2.3)");
_Static_assert(FIFO_RSP_DEVICE_NOTIF_ID + 2 == FIFO_RSP_SIZE &&
		       FIFO_RSP_SIZE == 4,
	       "FIFO_CONFIGURE response payload (§2.3)");

/* ---- decoding --------------------------------------------------------- */

static int version_req_get(enum vmsg_profile profile, const uint8_t *pl,
			   size_t plen, struct vmsg_bus_version *v)
{
	bool v2 = profile == VMSG_PROFILE_V2 && plen == VREQ2_SIZE;

	if (plen != VREQ1_SIZE && !v2) {
		return VMSG_E_SIZE;
	}
	v->bus_version = le32_get(pl + VREQ_BUS_VERSION);
	v->transport_revision = le32_get(pl + VREQ_TRANSPORT_REVISION);
	if (v2) {
		v->ffa_version = le32_get(pl + VREQ_FFA_VERSION);
	}
	return VMSG_OK;
}

static int version_rsp_get(enum vmsg_profile profile, const uint8_t *pl,
			   size_t plen, struct vmsg_bus_version *v)
{
	if (profile == VMSG_PROFILE_V2 && plen == VRSP2_SIZE) {
		v->bus_version = le32_get(pl + VRSP2_BUS_VERSION);
		v->transport_revision = le32_get(pl + VRSP2_TRANSPORT_REVISION);
		v->ffa_version = le32_get(pl + VRSP2_FFA_VERSION);
		v->transport_features = le32_get(pl + VRSP2_TRANSPORT_FEATURES);
		v->bus_features = le32_get(pl + VRSP2_BUS_FEATURES);
		v->max_areas = le16_get(pl + VRSP2_MAX_AREAS);
		return VMSG_OK;
	}
	if (plen != VRSP1_SIZE) {
		return VMSG_E_SIZE;
	}
	v->bus_version = le32_get(pl + VRSP1_BUS_VERSION);
	v->transport_revision = le32_get(pl + VRSP1_TRANSPORT_REVISION);
	v->transport_features = le32_get(pl + VRSP1_TRANSPORT_FEATURES);
	v->bus_features = le32_get(pl + VRSP1_BUS_FEATURES);
	v->max_areas = le16_get(pl + VRSP1_MAX_AREAS);
	return VMSG_OK;
}

static int area_share_get(const uint8_t *pl, size_t plen,
			  struct vmsg_area_share *a)
{
	if (plen != SHARE_SIZE) {
		return VMSG_E_SIZE;
	}
	a->area_id = le16_get(pl + SHARE_AREA_ID);
	a->handle = le64_get(pl + SHARE_HANDLE);
	a->tag = le64_get(pl + SHARE_TAG);
	a->page_count = le32_get(pl + SHARE_PAGE_COUNT);
	a->attrs = le32_get(pl + SHARE_ATTRS);
	return VMSG_OK;
}

/* AREA_SHARE/AREA_UNSHARE response. */
static int area_rsp_get(const uint8_t *pl, size_t plen, struct vmsg *m)
{
	if (plen != AREA_RSP_SIZE) {
		return VMSG_E_SIZE;
	}
	m->u.area_result.area_id = le16_get(pl + AREA_RSP_AREA_ID);
	m->u.area_result.result = le16_get(pl + AREA_RSP_RESULT);
	return VMSG_OK;
}

static int u16_get(const uint8_t *pl, size_t plen, uint16_t *v)
{
	if (plen != U16_SIZE) {
		return VMSG_E_SIZE;
	}
	*v = le16_get(pl);
	return VMSG_OK;
}

static int evcfg_get(const uint8_t *pl, size_t plen,
		     struct vmsg_event_configure *e)
{
	if (plen != EVCONF_SIZE) {
		return VMSG_E_SIZE;
	}
	e->method = pl[EVCONF_METHOD];
	e->notify_id = le16_get(pl + EVCONF_NOTIFY_ID);
	return VMSG_OK;
}

static int fifo_get(const uint8_t *pl, size_t plen, struct vmsg *m)
{
	if (plen != FIFO_SIZE) {
		return VMSG_E_SIZE;
	}
	m->u.fifo.handle = le64_get(pl + FIFO_HANDLE);
	m->u.fifo.page_count = le16_get(pl + FIFO_PAGE_COUNT);
	m->u.fifo.notif_id = le16_get(pl + FIFO_DRIVER_NOTIF_ID);
	return VMSG_OK;
}

static int fifo_rsp_get(const uint8_t *pl, size_t plen, struct vmsg *m)
{
	if (plen != FIFO_RSP_SIZE) {
		return VMSG_E_SIZE;
	}
	m->u.fifo_result.result = le16_get(pl + FIFO_RSP_RESULT);
	m->u.fifo_result.notif_id = le16_get(pl + FIFO_RSP_DEVICE_NOTIF_ID);
	return VMSG_OK;
}

/** vmsg_ffa_bus_get() - decode an FF-A bus payload (vmsg_priv.h). */
int vmsg_ffa_bus_get(enum vmsg_profile profile, const uint8_t *pl, size_t plen,
		     struct vmsg *m)
{
	switch (vmsg_key(&m->hdr)) {
	case VMSG_REQ(VMSG_FFA_VERSION):
		return version_req_get(profile, pl, plen, &m->u.version);
	case VMSG_RESP(VMSG_FFA_VERSION):
		return version_rsp_get(profile, pl, plen, &m->u.version);
	case VMSG_REQ(VMSG_FFA_AREA_SHARE):
		return area_share_get(pl, plen, &m->u.area);
	case VMSG_RESP(VMSG_FFA_AREA_SHARE):
	case VMSG_RESP(VMSG_FFA_AREA_UNSHARE):
		return area_rsp_get(pl, plen, m);
	case VMSG_REQ(VMSG_FFA_AREA_UNSHARE):
	case VMSG_REQ(VMSG_FFA_AREA_RELEASE):
		return u16_get(pl, plen, &m->u.area_result.area_id);
	case VMSG_REQ(VMSG_FFA_RESET):
	case VMSG_REQ(VMSG_FFA_EVENT_POLL):
	case VMSG_RESP(VMSG_FFA_EVENT_POLL):
		return vmsg_expect_size(plen, 0);
	case VMSG_RESP(VMSG_FFA_RESET):
	case VMSG_RESP(VMSG_FFA_EVENT_CONFIGURE):
		return u16_get(pl, plen, &m->u.result);
	case VMSG_REQ(VMSG_FFA_EVENT_CONFIGURE):
		return evcfg_get(pl, plen, &m->u.evcfg);
	case VMSG_REQ(VMSG_FFA_FIFO_CONFIGURE):
		return fifo_get(pl, plen, m);
	case VMSG_RESP(VMSG_FFA_FIFO_CONFIGURE):
		return fifo_rsp_get(pl, plen, m);
	case VMSG_RESP(VMSG_FFA_ERROR):
		return u16_get(pl, plen, &m->u.orig_msg_id);
	default:
		return VMSG_E_UNKNOWN;
	}
}

/* ---- encoding (vmsg_priv.h: @pl NULL = validate and size only) -------- */

/* v2 layouts in the V2 profile; PR28 writes v1, which has no ffa_version. */
static int version_req_put(enum vmsg_profile profile,
			   const struct vmsg_bus_version *v, uint8_t *pl,
			   size_t *plen)
{
	bool v2 = profile == VMSG_PROFILE_V2;

	if (pl) {
		le32_put(pl + VREQ_BUS_VERSION, v->bus_version);
		le32_put(pl + VREQ_TRANSPORT_REVISION, v->transport_revision);
		if (v2) {
			le32_put(pl + VREQ_FFA_VERSION, v->ffa_version);
		}
	}
	return vmsg_fixed_size(plen, v2 ? VREQ2_SIZE : VREQ1_SIZE);
}

static int version_rsp_put(enum vmsg_profile profile,
			   const struct vmsg_bus_version *v, uint8_t *pl,
			   size_t *plen)
{
	if (profile == VMSG_PROFILE_PR28) {
		if (pl) {
			le32_put(pl + VRSP1_BUS_VERSION, v->bus_version);
			le32_put(pl + VRSP1_TRANSPORT_REVISION,
				 v->transport_revision);
			le32_put(pl + VRSP1_TRANSPORT_FEATURES,
				 v->transport_features);
			le32_put(pl + VRSP1_BUS_FEATURES, v->bus_features);
			le16_put(pl + VRSP1_MAX_AREAS, v->max_areas);
		}
		return vmsg_fixed_size(plen, VRSP1_SIZE);
	}
	if (pl) {
		le32_put(pl + VRSP2_BUS_VERSION, v->bus_version);
		le32_put(pl + VRSP2_TRANSPORT_REVISION, v->transport_revision);
		le32_put(pl + VRSP2_FFA_VERSION, v->ffa_version);
		le32_put(pl + VRSP2_TRANSPORT_FEATURES, v->transport_features);
		le32_put(pl + VRSP2_BUS_FEATURES, v->bus_features);
		le16_put(pl + VRSP2_MAX_AREAS, v->max_areas);
	}
	return vmsg_fixed_size(plen, VRSP2_SIZE);
}

static int area_share_put(const struct vmsg_area_share *a, uint8_t *pl,
			  size_t *plen)
{
	if (pl) {
		le16_put(pl + SHARE_AREA_ID, a->area_id);
		le64_put(pl + SHARE_HANDLE, a->handle);
		le64_put(pl + SHARE_TAG, a->tag);
		le32_put(pl + SHARE_PAGE_COUNT, a->page_count);
		le32_put(pl + SHARE_ATTRS, a->attrs);
	}
	return vmsg_fixed_size(plen, SHARE_SIZE);
}

static int area_rsp_put(const struct vmsg *m, uint8_t *pl, size_t *plen)
{
	if (pl) {
		le16_put(pl + AREA_RSP_AREA_ID, m->u.area_result.area_id);
		le16_put(pl + AREA_RSP_RESULT, m->u.area_result.result);
	}
	return vmsg_fixed_size(plen, AREA_RSP_SIZE);
}

static int u16_put(uint16_t v, uint8_t *pl, size_t *plen)
{
	if (pl) {
		le16_put(pl, v);
	}
	return vmsg_fixed_size(plen, U16_SIZE);
}

static int evcfg_put(const struct vmsg_event_configure *e, uint8_t *pl,
		     size_t *plen)
{
	if (pl) {
		pl[EVCONF_METHOD] = e->method;
		le16_put(pl + EVCONF_NOTIFY_ID, e->notify_id);
	}
	return vmsg_fixed_size(plen, EVCONF_SIZE);
}

static int fifo_put(const struct vmsg *m, uint8_t *pl, size_t *plen)
{
	if (pl) {
		le64_put(pl + FIFO_HANDLE, m->u.fifo.handle);
		le16_put(pl + FIFO_PAGE_COUNT, m->u.fifo.page_count);
		le16_put(pl + FIFO_DRIVER_NOTIF_ID, m->u.fifo.notif_id);
	}
	return vmsg_fixed_size(plen, FIFO_SIZE);
}

static int fifo_rsp_put(const struct vmsg *m, uint8_t *pl, size_t *plen)
{
	if (pl) {
		le16_put(pl + FIFO_RSP_RESULT, m->u.fifo_result.result);
		le16_put(pl + FIFO_RSP_DEVICE_NOTIF_ID,
			 m->u.fifo_result.notif_id);
	}
	return vmsg_fixed_size(plen, FIFO_RSP_SIZE);
}

/** vmsg_ffa_bus_put() - encode an FF-A bus payload (vmsg_priv.h). */
int vmsg_ffa_bus_put(enum vmsg_profile profile, const struct vmsg *m,
		     uint8_t *pl, size_t *plen)
{
	switch (vmsg_key(&m->hdr)) {
	case VMSG_REQ(VMSG_FFA_VERSION):
		return version_req_put(profile, &m->u.version, pl, plen);
	case VMSG_RESP(VMSG_FFA_VERSION):
		return version_rsp_put(profile, &m->u.version, pl, plen);
	case VMSG_REQ(VMSG_FFA_AREA_SHARE):
		return area_share_put(&m->u.area, pl, plen);
	case VMSG_RESP(VMSG_FFA_AREA_SHARE):
	case VMSG_RESP(VMSG_FFA_AREA_UNSHARE):
		return area_rsp_put(m, pl, plen);
	case VMSG_REQ(VMSG_FFA_AREA_UNSHARE):
	case VMSG_REQ(VMSG_FFA_AREA_RELEASE):
		return u16_put(m->u.area_result.area_id, pl, plen);
	case VMSG_REQ(VMSG_FFA_RESET):
	case VMSG_REQ(VMSG_FFA_EVENT_POLL):
	case VMSG_RESP(VMSG_FFA_EVENT_POLL):
		return vmsg_fixed_size(plen, 0);
	case VMSG_RESP(VMSG_FFA_RESET):
	case VMSG_RESP(VMSG_FFA_EVENT_CONFIGURE):
		return u16_put(m->u.result, pl, plen);
	case VMSG_REQ(VMSG_FFA_EVENT_CONFIGURE):
		return evcfg_put(&m->u.evcfg, pl, plen);
	case VMSG_REQ(VMSG_FFA_FIFO_CONFIGURE):
		return fifo_put(m, pl, plen);
	case VMSG_RESP(VMSG_FFA_FIFO_CONFIGURE):
		return fifo_rsp_put(m, pl, plen);
	case VMSG_RESP(VMSG_FFA_ERROR):
		return u16_put(m->u.orig_msg_id, pl, plen);
	default:
		return VMSG_E_UNKNOWN;
	}
}
