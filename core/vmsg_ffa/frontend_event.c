// SPDX-License-Identifier: BSD-2-Clause
/*
 * FF-A bus frontend: draining device events with EVENT_POLL
 * (virtio-msg.md §2.2-2.3). With NOTIF the host calls
 * vmsg_ffa_frontend_poll() when the FF-A notification arrives; with POLL
 * it calls it periodically. Each EVENT_POLL answer is either one pending
 * event (its own message: token 0, not matched against the request) or
 * the empty EVENT_POLL response, which ends the drain.
 *
 * Dispatch: EVENT_DEVICE READY / REMOVED updates fe->present and goes to
 * ops->device_event, like EVENT_USED and EVENT_CONFIG (the host routes
 * those to the struct vmsg_drvt of dev_num); AREA_RELEASE reclaims the
 * release-pending area it names. Anything else is counted in
 * stats.bad_events and skipped.
 */
#include <tzshare/lib.h>

#include "frontend_priv.h"

static void set_present(struct vmsg_ffa_frontend *fe, uint16_t dev, bool on)
{
	uint8_t bit = (uint8_t)(1u << (dev % 8));

	if (dev >= VMSG_FFA_MAX_DEVICES) {
		return;
	}
	if (on) {
		fe->present[dev / 8] |= bit;
	} else {
		fe->present[dev / 8] &= (uint8_t)~bit;
	}
}

static void device_event(struct vmsg_ffa_frontend *fe, const struct vmsg *ev)
{
	if (fe->ops->device_event) {
		fe->ops->device_event(fe->ctx, ev);
	}
}

static void dispatch(struct vmsg_ffa_frontend *fe, const struct vmsg *ev)
{
	fe->stats.events++;
	if (ev->hdr.type & VMSG_TYPE_BUS) {
		switch (ev->hdr.msg_id) {
		case VMSG_BUS_EVENT_DEVICE:
			if (ev->u.event_device.state == VMSG_DEVICE_READY) {
				set_present(fe, ev->u.event_device.dev_num,
					    true);
			} else if (ev->u.event_device.state ==
				   VMSG_DEVICE_REMOVED) {
				set_present(fe, ev->u.event_device.dev_num,
					    false);
			}
			device_event(fe, ev);
			return;
		case VMSG_FFA_AREA_RELEASE:
			vmsg_ffa_fe_area_released(fe,
						  ev->u.area_result.area_id);
			return;
		default:
			fe->stats.bad_events++;
			return;
		}
	}
	switch (ev->hdr.msg_id) {
	case VMSG_EVENT_CONFIG:
	case VMSG_EVENT_USED:
		device_event(fe, ev);
		return;
	default:
		fe->stats.bad_events++;
		return;
	}
}

/* One EVENT_POLL: 1 = an event was handled, 0 = none pending. */
static int poll_one(struct vmsg_ffa_frontend *fe)
{
	uint8_t rbuf[VMSG_MAX_SIZE];
	size_t rlen = 0;
	struct vmsg req, m;
	struct vmsg_hdr h;
	int rc = 0;

	vmsg_ffa_fe_bus_req(&req, VMSG_FFA_EVENT_POLL);
	rc = vmsg_ffa_fe_xfer(fe, fe->profile, &req, rbuf, sizeof(rbuf), &rlen);
	if (rc != VMSG_T_OK) {
		return rc;
	}
	if (rlen == 0) {
		return VMSG_T_E_TIMEOUT;
	}
	if (vmsg_hdr_decode(rbuf, rlen, &h) != VMSG_OK) {
		fe->stats.bad_responses++;
		return VMSG_T_E_PROTO;
	}
	if (h.type & VMSG_TYPE_RESPONSE) {
		/* The empty EVENT_POLL response (or ERROR): a real answer. */
		if (vmsg_decode(fe->profile, rbuf, rlen, &m) != VMSG_OK &&
		    vmsg_decode(VMSG_PROFILE_V2, rbuf, rlen, &m) != VMSG_OK) {
			fe->stats.bad_responses++;
			return VMSG_T_E_PROTO;
		}
		rc = vmsg_ffa_fe_match(fe, &req, &m);
		return rc == VMSG_T_OK ? 0 : rc;
	}
	if (!vmsg_id_is_event(h.msg_id)) {
		fe->stats.bad_responses++;
		return VMSG_T_E_PROTO;
	}
	if (vmsg_decode(fe->profile, rbuf, rlen, &m) != VMSG_OK) {
		/* Consumed on the device side; nothing we can act on. */
		fe->stats.bad_events++;
		return 1;
	}
	dispatch(fe, &m);
	return 1;
}

int vmsg_ffa_frontend_poll(struct vmsg_ffa_frontend *fe, unsigned int max)
{
	unsigned int n = 0;
	int rc = 0;

	if (!fe->negotiated) {
		return VMSG_T_E_STATE;
	}
	while (n < max) {
		rc = poll_one(fe);
		if (rc < 0) {
			return rc;
		}
		if (rc == 0) {
			break;
		}
		n++;
	}
	return (int)n;
}
