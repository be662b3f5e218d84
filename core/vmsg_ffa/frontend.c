// SPDX-License-Identifier: BSD-2-Clause
/*
 * virtio-msg FF-A bus, frontend (driver role): tokens and response
 * matching, VERSION negotiation, enumeration, event configuration, PING,
 * RESET, and the struct vmsg_drv_bus_ops a struct vmsg_drvt runs over
 * (virtio-msg.md §2.1-2.3).
 *
 * Tokens belong to the bus (PR28): each request gets the next non-zero
 * token, wrapping past 0xFFFF to 1; events carry 0. The carriage is
 * synchronous (one request, its answer), so an answer that does not echo
 * (dev_num, token), msg_id and type is not "some other in-flight
 * response": it is counted in stats.bad_responses and the call fails
 * (PR28 "Message Correlation": unknown tuples are discarded).
 *
 * VERSION: the V2 probe (bus_version 0, revision 0, our FF-A version);
 * the device answers its values; if we speak them (bus major 1, revision
 * 1) we echo them and negotiation is done when the answer matches the
 * echo. A device that does not answer the V2 probe (ERROR, nothing,
 * undecodable) gets one v1 exchange (8-byte request, 18-byte answer,
 * transport features must be 0): VMSG_PROFILE_PR28.
 */
#include <tzshare/lib.h>

#include "frontend_priv.h"

#define ENUMERATE_MAX_WINDOWS 8192 /* 65536 device numbers / 8 */

static uint16_t next_token(struct vmsg_ffa_frontend *fe)
{
	uint16_t t = fe->next_token ? fe->next_token : 1;

	fe->next_token = (uint16_t)(t + 1);
	return t;
}

void vmsg_ffa_fe_bus_req(struct vmsg *req, uint8_t msg_id)
{
	tzs_memset(req, 0, sizeof(*req));
	req->hdr.type = VMSG_TYPE_BUS;
	req->hdr.msg_id = msg_id;
}

int vmsg_ffa_fe_xfer(struct vmsg_ffa_frontend *fe, enum vmsg_profile profile,
		     struct vmsg *req, uint8_t *rbuf, size_t cap, size_t *rlen)
{
	uint8_t buf[VMSG_MAX_SIZE];
	size_t max =
		fe->max_msg_size < sizeof(buf) ? fe->max_msg_size : sizeof(buf);
	int n = 0;
	int rc = 0;

	req->hdr.token = vmsg_id_is_event(req->hdr.msg_id) ? 0 : next_token(fe);
	n = vmsg_encode(profile, req, buf, max);
	if (n < 0) {
		return VMSG_T_E_NOMEM;
	}
	fe->stats.requests++;
	*rlen = 0;
	rc = fe->ops->xfer(fe->ctx, buf, (size_t)n, rbuf, cap, rlen);
	if (rc != VMSG_T_OK) {
		return rc;
	}
	if (*rlen > cap) {
		return VMSG_T_E_BUS;
	}
	return VMSG_T_OK;
}

static int bad(struct vmsg_ffa_frontend *fe)
{
	fe->stats.bad_responses++;
	return VMSG_T_E_PROTO;
}

int vmsg_ffa_fe_match(struct vmsg_ffa_frontend *fe, const struct vmsg *req,
		      const struct vmsg *resp)
{
	const struct vmsg_hdr *q = &req->hdr;
	const struct vmsg_hdr *r = &resp->hdr;

	if (r->dev_num != q->dev_num || r->token != q->token) {
		return bad(fe);
	}
	if (r->type == (VMSG_TYPE_BUS | VMSG_TYPE_RESPONSE) &&
	    r->msg_id == VMSG_FFA_ERROR) {
		if (resp->u.orig_msg_id != q->msg_id) {
			return bad(fe);
		}
		fe->stats.errors++;
		return VMSG_T_E_REFUSED;
	}
	if (r->type != (q->type | VMSG_TYPE_RESPONSE) ||
	    r->msg_id != q->msg_id) {
		return bad(fe);
	}
	return VMSG_T_OK;
}

/* Decode an answer; ERROR (0x87) exists only in the V2 layout. */
static int decode_answer(enum vmsg_profile profile, const uint8_t *buf,
			 size_t len, struct vmsg *m)
{
	struct vmsg_hdr h;

	if (vmsg_hdr_decode(buf, len, &h) == VMSG_OK &&
	    h.type == (VMSG_TYPE_BUS | VMSG_TYPE_RESPONSE) &&
	    h.msg_id == VMSG_FFA_ERROR) {
		profile = VMSG_PROFILE_V2;
	}
	return vmsg_decode(profile, buf, len, m);
}

int vmsg_ffa_fe_call(struct vmsg_ffa_frontend *fe, enum vmsg_profile profile,
		     struct vmsg *req, struct vmsg *resp)
{
	uint8_t rbuf[VMSG_MAX_SIZE];
	size_t rlen = 0;
	int rc = vmsg_ffa_fe_xfer(fe, profile, req, rbuf, sizeof(rbuf), &rlen);

	if (rc != VMSG_T_OK) {
		return rc;
	}
	if (rlen == 0) {
		return VMSG_T_E_TIMEOUT;
	}
	if (decode_answer(profile, rbuf, rlen, resp) != VMSG_OK) {
		return bad(fe);
	}
	return vmsg_ffa_fe_match(fe, req, resp);
}

/* ---------------------------------------------------------------------- */
/* struct vmsg_drv_bus_ops over this bus                                   */

static int drv_request(void *ctx, struct vmsg *req, struct vmsg *resp)
{
	struct vmsg_ffa_frontend *fe = ctx;

	if (!fe->negotiated) {
		return VMSG_T_E_STATE;
	}
	req->hdr.type = 0;
	return vmsg_ffa_fe_call(fe, fe->profile, req, resp);
}

static int drv_event(void *ctx, struct vmsg *ev)
{
	struct vmsg_ffa_frontend *fe = ctx;
	uint8_t rbuf[VMSG_MAX_SIZE];
	size_t rlen = 0;
	int rc = 0;

	if (!fe->negotiated) {
		return VMSG_T_E_STATE;
	}
	ev->hdr.type = 0;
	rc = vmsg_ffa_fe_xfer(fe, fe->profile, ev, rbuf, sizeof(rbuf), &rlen);
	if (rc == VMSG_T_OK && rlen) {
		/* Events have no response; whatever came back is not one. */
		fe->stats.bad_responses++;
	}
	return rc;
}

void vmsg_ffa_frontend_init(struct vmsg_ffa_frontend *fe,
			    const struct vmsg_ffa_frontend_ops *ops, void *ctx,
			    uint32_t ffa_version)
{
	CHECK(fe && ops && ops->xfer && ops->mem_share && ops->mem_reclaim);
	tzs_memset(fe, 0, sizeof(*fe));
	fe->ops = ops;
	fe->ctx = ctx;
	fe->profile = VMSG_PROFILE_V2;
	fe->ffa_version = ffa_version;
	fe->event_method = VMSG_EVENT_METHOD_POLL;
	fe->next_token = 1;
	fe->next_area_id = 1;
	fe->window = 32;
	fe->max_msg_size = VMSG_FFA_DIRECT_MAX;
	fe->drv_bus.request = drv_request;
	fe->drv_bus.event = drv_event;
	/* Copied from max_msg_size again at VERSION negotiation. */
	fe->drv_bus.max_msg_size = VMSG_FFA_DIRECT_MAX;
}

/* ---------------------------------------------------------------------- */
/* VERSION                                                                 */

static bool version_ours(const struct vmsg_bus_version *v)
{
	return (v->bus_version >> 16) == (VMSG_FFA_BUS_VERSION >> 16) &&
	       v->transport_revision == VMSG_TRANSPORT_REVISION;
}

static void version_accept(struct vmsg_ffa_frontend *fe,
			   enum vmsg_profile profile,
			   const struct vmsg_bus_version *v)
{
	fe->profile = profile;
	fe->negotiated = true;
	fe->peer_ffa_version = profile == VMSG_PROFILE_V2 ? v->ffa_version : 0;
	fe->peer_bus_features = v->bus_features;
	fe->transport_features = v->transport_features;
	fe->peer_max_areas = v->max_areas;
	fe->drv_bus.max_msg_size = fe->max_msg_size;
	fe->drv_bus.strict_generation =
		profile == VMSG_PROFILE_PR28 ||
		(v->transport_features &
		 VMSG_TRANSPORT_F_STRICT_CONFIG_GENERATION);
}

static int version_v2(struct vmsg_ffa_frontend *fe)
{
	struct vmsg req, resp;
	struct vmsg_bus_version echo;
	int rc = 0;

	vmsg_ffa_fe_bus_req(&req, VMSG_FFA_VERSION);
	req.u.version.ffa_version = fe->ffa_version;
	rc = vmsg_ffa_fe_call(fe, VMSG_PROFILE_V2, &req, &resp);
	if (rc != VMSG_T_OK) {
		return rc;
	}
	if (!version_ours(&resp.u.version)) {
		return VMSG_T_E_REFUSED;
	}
	tzs_memset(&echo, 0, sizeof(echo));
	echo.bus_version = resp.u.version.bus_version;
	echo.transport_revision = resp.u.version.transport_revision;
	echo.ffa_version = fe->ffa_version;
	vmsg_ffa_fe_bus_req(&req, VMSG_FFA_VERSION);
	req.u.version = echo;
	rc = vmsg_ffa_fe_call(fe, VMSG_PROFILE_V2, &req, &resp);
	if (rc != VMSG_T_OK) {
		return rc;
	}
	if (resp.u.version.bus_version != echo.bus_version ||
	    resp.u.version.transport_revision != echo.transport_revision) {
		return VMSG_T_E_REFUSED;
	}
	version_accept(fe, VMSG_PROFILE_V2, &resp.u.version);
	return VMSG_T_OK;
}

static int version_v1(struct vmsg_ffa_frontend *fe)
{
	struct vmsg req, resp;
	int rc = 0;

	vmsg_ffa_fe_bus_req(&req, VMSG_FFA_VERSION);
	req.u.version.bus_version = VMSG_FFA_BUS_VERSION;
	req.u.version.transport_revision = VMSG_TRANSPORT_REVISION;
	rc = vmsg_ffa_fe_call(fe, VMSG_PROFILE_PR28, &req, &resp);
	if (rc != VMSG_T_OK) {
		return rc;
	}
	/* v1: one exchange; same values back and no transport features. */
	if (resp.u.version.bus_version != VMSG_FFA_BUS_VERSION ||
	    resp.u.version.transport_revision != VMSG_TRANSPORT_REVISION ||
	    resp.u.version.transport_features != 0) {
		return VMSG_T_E_REFUSED;
	}
	version_accept(fe, VMSG_PROFILE_PR28, &resp.u.version);
	return VMSG_T_OK;
}

int vmsg_ffa_frontend_version(struct vmsg_ffa_frontend *fe)
{
	int rc = 0;

	fe->negotiated = false;
	rc = version_v2(fe);
	if (rc == VMSG_T_OK || rc == VMSG_T_E_BUS) {
		return rc;
	}
	return version_v1(fe);
}

/* ---------------------------------------------------------------------- */
/* GET_DEVICES, EVENT_CONFIGURE, PING, RESET                               */

bool vmsg_ffa_frontend_present(const struct vmsg_ffa_frontend *fe,
			       uint16_t dev_num)
{
	if (dev_num >= VMSG_FFA_MAX_DEVICES) {
		return false;
	}
	return (fe->present[dev_num / 8] >> (dev_num % 8)) & 1u;
}

static void mark_window(struct vmsg_ffa_frontend *fe,
			const struct vmsg_get_devices *d)
{
	uint32_t i = 0;

	for (i = 0; i < d->count; i++) {
		uint32_t dev = (uint32_t)d->offset + i;

		if (!((d->bitmap[i / 8] >> (i % 8)) & 1u) ||
		    dev >= VMSG_FFA_MAX_DEVICES) {
			continue;
		}
		fe->present[dev / 8] |= (uint8_t)(1u << (dev % 8));
	}
}

int vmsg_ffa_frontend_enumerate(struct vmsg_ffa_frontend *fe)
{
	struct vmsg req, resp;
	const struct vmsg_get_devices *d = &resp.u.devices;
	uint16_t offset = 0;
	uint32_t i = 0;
	int rc = 0;

	if (!fe->negotiated) {
		return VMSG_T_E_STATE;
	}
	tzs_memset(fe->present, 0, sizeof(fe->present));
	for (i = 0; i < ENUMERATE_MAX_WINDOWS; i++) {
		vmsg_ffa_fe_bus_req(&req, VMSG_BUS_GET_DEVICES);
		req.u.devices.offset = offset;
		req.u.devices.count = fe->window;
		rc = vmsg_ffa_fe_call(fe, fe->profile, &req, &resp);
		if (rc != VMSG_T_OK) {
			return rc;
		}
		/* The window must be the one asked for, at most as large. */
		if (d->offset != offset || d->count > fe->window ||
		    d->count > VMSG_MAX_BITMAP * 8u || (d->count & 7u)) {
			return bad(fe);
		}
		mark_window(fe, d);
		if (d->next_offset == 0) {
			return VMSG_T_OK;
		}
		/* §2.1: next_offset >= offset + count; and we must advance. */
		if ((uint32_t)d->next_offset < (uint32_t)offset + d->count ||
		    d->next_offset <= offset || (d->next_offset & 7u)) {
			return bad(fe);
		}
		offset = d->next_offset;
	}
	return bad(fe);
}

static int event_configure(struct vmsg_ffa_frontend *fe, uint8_t method,
			   uint16_t notify_id)
{
	struct vmsg req, resp;
	int rc = 0;

	vmsg_ffa_fe_bus_req(&req, VMSG_FFA_EVENT_CONFIGURE);
	req.u.evcfg.method = method;
	req.u.evcfg.notify_id = notify_id;
	rc = vmsg_ffa_fe_call(fe, fe->profile, &req, &resp);
	if (rc != VMSG_T_OK) {
		return rc;
	}
	if (resp.u.result != VMSG_FFA_RESULT_OK) {
		return VMSG_T_E_REFUSED;
	}
	fe->event_method = method;
	return VMSG_T_OK;
}

int vmsg_ffa_frontend_configure_events(struct vmsg_ffa_frontend *fe, bool notif,
				       uint16_t notify_id)
{
	int rc = 0;

	if (!fe->negotiated) {
		return VMSG_T_E_STATE;
	}
	if (notif) {
		rc = event_configure(fe, VMSG_EVENT_METHOD_NOTIF, notify_id);
		if (rc != VMSG_T_E_REFUSED) {
			return rc;
		}
	}
	return event_configure(fe, VMSG_EVENT_METHOD_POLL, 0);
}

int vmsg_ffa_frontend_ping(struct vmsg_ffa_frontend *fe, uint32_t data)
{
	struct vmsg req, resp;
	int rc = 0;

	if (!fe->negotiated) {
		return VMSG_T_E_STATE;
	}
	vmsg_ffa_fe_bus_req(&req, VMSG_BUS_PING);
	req.u.ping = data;
	rc = vmsg_ffa_fe_call(fe, fe->profile, &req, &resp);
	if (rc != VMSG_T_OK) {
		return rc;
	}
	return resp.u.ping == data ? VMSG_T_OK : bad(fe);
}

int vmsg_ffa_frontend_reset(struct vmsg_ffa_frontend *fe)
{
	struct vmsg req, resp;
	int rc = 0;

	vmsg_ffa_fe_bus_req(&req, VMSG_FFA_RESET);
	rc = vmsg_ffa_fe_call(fe, fe->profile, &req, &resp);
	if (rc != VMSG_T_OK) {
		return rc;
	}
	if (resp.u.result != VMSG_FFA_RESULT_OK) {
		return VMSG_T_E_REFUSED;
	}
	/* The device let go of every area (backend.c): take them back. */
	vmsg_ffa_fe_areas_reclaim_all(fe);
	fe->event_method = VMSG_EVENT_METHOD_POLL;
	return VMSG_T_OK;
}
