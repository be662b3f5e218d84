// SPDX-License-Identifier: BSD-2-Clause
/*
 * FF-A bus backend: device-to-driver events (virtio-msg.md §2.2-2.3).
 *
 * Events (EVENT_USED, EVENT_CONFIG, EVENT_DEVICE, AREA_RELEASE) are
 * encoded when they happen and wait in a FIFO of VMSG_FFA_EVENT_QUEUE
 * slots until the driver drains them with EVENT_POLL, which returns the
 * oldest one verbatim or, when none is pending, an empty EVENT_POLL
 * response. With EVENT_CONFIGURE NOTIF the host raises the FF-A
 * notification when the queue goes from empty to non-empty (the driver
 * drains until empty, so one notification per burst is enough).
 *
 * An event identical to one already pending (typically EVENT_USED for the
 * same queue) is merged: the driver would do the same work twice. A full
 * queue loses the event (stats.events_lost); used-ring state itself is in
 * shared memory, so a driver that polls its rings still makes progress.
 *
 * EVENT_CONFIGURE: POLL always; NOTIF when we advertise NOTIF_TX and the
 * host gave us ops->notify; INDIRECT and FIFO are not implemented here and
 * get result ERROR (the method in force does not change).
 */
#include <tzshare/lib.h>

#include "backend_priv.h"

static uint32_t slot(const struct vmsg_ffa_backend *be, uint32_t i)
{
	return (be->ev_head + i) % VMSG_FFA_EVENT_QUEUE;
}

static bool pending_same(const struct vmsg_ffa_backend *be, const uint8_t *buf,
			 size_t len)
{
	uint32_t i = 0;

	for (i = 0; i < be->ev_count; i++) {
		uint32_t s = slot(be, i);

		if (be->ev_len[s] == len &&
		    tzs_memcmp(be->ev_buf[s], buf, len) == 0) {
			return true;
		}
	}
	return false;
}

void vmsg_ffa_be_event_push(struct vmsg_ffa_backend *be, const struct vmsg *ev)
{
	uint8_t buf[VMSG_MAX_SIZE];
	size_t cap =
		be->max_msg_size < sizeof(buf) ? be->max_msg_size : sizeof(buf);
	uint32_t s = 0;
	int n = vmsg_encode(be->profile, ev, buf, cap);

	if (n < 0) {
		be->stats.events_lost++;
		return;
	}
	if (pending_same(be, buf, (size_t)n)) {
		be->stats.events_merged++;
		return;
	}
	if (be->ev_count == VMSG_FFA_EVENT_QUEUE) {
		be->stats.events_lost++;
		return;
	}
	s = slot(be, be->ev_count);
	tzs_memcpy(be->ev_buf[s], buf, (size_t)n);
	be->ev_len[s] = (uint16_t)n;
	be->ev_count++;
	if (be->ev_count == 1 && be->event_method == VMSG_EVENT_METHOD_NOTIF) {
		be->ops->notify(be->ctx, be->notify_id);
	}
}

/* struct vmsg_devt_bus_ops.emit_event: transport events of our devices. */
void vmsg_ffa_be_emit(void *ctx, const struct vmsg *ev)
{
	vmsg_ffa_be_event_push(ctx, ev);
}

/* EVENT_DEVICE (a = device number, b = state) or AREA_RELEASE (a = id). */
void vmsg_ffa_be_bus_event(struct vmsg_ffa_backend *be, uint8_t msg_id,
			   uint16_t a, uint16_t b)
{
	struct vmsg ev;

	tzs_memset(&ev, 0, sizeof(ev));
	ev.hdr.type = VMSG_TYPE_BUS;
	ev.hdr.msg_id = msg_id;
	if (msg_id == VMSG_BUS_EVENT_DEVICE) {
		ev.u.event_device.dev_num = a;
		ev.u.event_device.state = b;
	} else {
		ev.u.area_result.area_id = a;
	}
	vmsg_ffa_be_event_push(be, &ev);
}

size_t vmsg_ffa_be_event_poll(struct vmsg_ffa_backend *be,
			      const struct vmsg_hdr *req, uint8_t *resp,
			      size_t cap)
{
	struct vmsg r;
	int n = 0;

	while (be->ev_count) {
		uint32_t s = be->ev_head;
		size_t len = be->ev_len[s];

		be->ev_head = slot(be, 1);
		be->ev_count--;
		if (len <= cap) {
			tzs_memcpy(resp, be->ev_buf[s], len);
			return len;
		}
		be->stats.events_lost++;
	}
	/* Nothing pending: the empty EVENT_POLL response (msg_size 8). */
	tzs_memset(&r, 0, sizeof(r));
	r.hdr.type = VMSG_TYPE_BUS | VMSG_TYPE_RESPONSE;
	r.hdr.msg_id = VMSG_FFA_EVENT_POLL;
	r.hdr.token = req->token;
	n = vmsg_encode(be->profile, &r, resp, cap);
	if (n < 0) {
		be->stats.dropped++;
		return 0;
	}
	return (size_t)n;
}

void vmsg_ffa_be_event_configure(struct vmsg_ffa_backend *be,
				 const struct vmsg *req, struct vmsg *resp)
{
	const struct vmsg_event_configure *c = &req->u.evcfg;

	resp->u.result = VMSG_FFA_RESULT_ERROR;
	switch (c->method) {
	case VMSG_EVENT_METHOD_POLL:
		be->event_method = VMSG_EVENT_METHOD_POLL;
		be->notify_id = 0;
		break;
	case VMSG_EVENT_METHOD_NOTIF:
		if (!be->ops->notify ||
		    !(be->bus_features & VMSG_FFA_BUS_F_NOTIF_TX)) {
			return;
		}
		be->event_method = VMSG_EVENT_METHOD_NOTIF;
		be->notify_id = c->notify_id;
		/* Events that waited for a method: tell the driver now. */
		if (be->ev_count) {
			be->ops->notify(be->ctx, be->notify_id);
		}
		break;
	default:
		return;
	}
	resp->u.result = VMSG_FFA_RESULT_OK;
}

void vmsg_ffa_be_events_clear(struct vmsg_ffa_backend *be)
{
	be->ev_head = 0;
	be->ev_count = 0;
}

/* Drop the pending transport events of a device that went away. */
void vmsg_ffa_be_events_purge_dev(struct vmsg_ffa_backend *be, uint16_t dev_num)
{
	uint32_t i = 0, kept = 0, count = be->ev_count;

	for (i = 0; i < count; i++) {
		uint32_t from = slot(be, i);
		struct vmsg_hdr h;

		if (vmsg_hdr_decode(be->ev_buf[from], be->ev_len[from], &h) ==
			    VMSG_OK &&
		    !(h.type & VMSG_TYPE_BUS) && h.dev_num == dev_num) {
			continue;
		}
		if (kept != i) {
			uint32_t to = slot(be, kept);

			tzs_memcpy(be->ev_buf[to], be->ev_buf[from],
				   be->ev_len[from]);
			be->ev_len[to] = be->ev_len[from];
		}
		kept++;
	}
	be->ev_count = kept;
}
