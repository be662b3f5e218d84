// SPDX-License-Identifier: BSD-2-Clause
/*
 * virtio-msg FF-A bus, backend (device role): message dispatch, VERSION
 * negotiation, GET_DEVICES, PING, RESET and device registration
 * (virtio-msg.md §2.1-2.3; architecture.md §3).
 *
 * Negotiation state: a backend starts un-negotiated (profile V2 for
 * decoding). Until VERSION completes only VERSION and RESET are accepted;
 * any other well-formed request is answered with ERROR (0x87) and events
 * are dropped (Linux PoC v2 "pre-negotiation" rule).
 *   V2 request (12-byte payload): bus_version 0 and revision 0 is a probe:
 *     we answer our values and stay (or fall back to) un-negotiated; a
 *     request echoing exactly our bus_version and revision completes
 *     negotiation in VMSG_PROFILE_V2; anything else is answered with our
 *     values and leaves us un-negotiated.
 *   v1 request (8-byte payload): one exchange; our bus_version and
 *     revision complete negotiation in VMSG_PROFILE_PR28 (transport
 *     features 0, answer in the 18-byte v1 layout).
 * A new probe after negotiation (a restarted driver) starts over.
 *
 * Refusals: in V2 (and before negotiation) a well-formed request we do not
 * act on gets ERROR naming it (dev_num and token of the request); in the
 * PR28 profile, which has no ERROR message, it gets nothing. Undecodable
 * messages, unknown IDs, responses and events are never answered (PR28
 * "Error Handling (Bus)").
 *
 * RESET (choice; the specs leave it open): every device is reset (status
 * 0, queues dropped), every area is unmapped and forgotten without
 * AREA_RELEASE (the driver reclaims all of them), the event queue is
 * emptied and event delivery goes back to POLL. VERSION negotiation is
 * kept. This is what lets a restarted driver recover memory its previous
 * instance shared.
 */
#include <tzshare/lib.h>

#include "backend_priv.h"

static size_t dropped(struct vmsg_ffa_backend *be)
{
	be->stats.dropped++;
	return 0;
}

static size_t encode(struct vmsg_ffa_backend *be, enum vmsg_profile profile,
		     const struct vmsg *r, uint8_t *resp, size_t cap)
{
	int n = 0;

	if (cap > be->max_msg_size) {
		cap = be->max_msg_size;
	}
	n = vmsg_encode(profile, r, resp, cap);
	if (n < 0) {
		return dropped(be);
	}
	return (size_t)n;
}

static void resp_init(const struct vmsg_hdr *h, struct vmsg *r)
{
	tzs_memset(r, 0, sizeof(*r));
	r->hdr.type = (uint8_t)(h->type | VMSG_TYPE_RESPONSE);
	r->hdr.msg_id = h->msg_id;
	r->hdr.dev_num = h->dev_num;
	r->hdr.token = h->token;
}

/* A well-formed request we refuse: ERROR (0x87) where the profile has it. */
static size_t refuse(struct vmsg_ffa_backend *be, const struct vmsg_hdr *h,
		     uint8_t *resp, size_t cap)
{
	struct vmsg r;

	if (vmsg_id_is_event(h->msg_id)) {
		return dropped(be);
	}
	if (be->negotiated && be->profile == VMSG_PROFILE_PR28) {
		return dropped(be);
	}
	be->stats.errors++;
	tzs_memset(&r, 0, sizeof(r));
	r.hdr.type = VMSG_TYPE_BUS | VMSG_TYPE_RESPONSE;
	r.hdr.msg_id = VMSG_FFA_ERROR;
	r.hdr.dev_num = h->dev_num;
	r.hdr.token = h->token;
	r.u.orig_msg_id = h->msg_id;
	return encode(be, VMSG_PROFILE_V2, &r, resp, cap);
}

static void devt_setup(const struct vmsg_ffa_backend *be, struct vmsg_devt *t)
{
	t->profile = be->profile;
	t->strict_generation = be->profile == VMSG_PROFILE_PR28 ||
			       (be->transport_features &
				VMSG_TRANSPORT_F_STRICT_CONFIG_GENERATION);
	t->max_msg_size = be->max_msg_size;
}

static void set_negotiated(struct vmsg_ffa_backend *be,
			   enum vmsg_profile profile)
{
	uint32_t i = 0;

	be->negotiated = true;
	be->profile = profile;
	for (i = 0; i < VMSG_FFA_MAX_DEVICES; i++) {
		if (be->devices[i]) {
			devt_setup(be, be->devices[i]);
		}
	}
}

void vmsg_ffa_backend_init(struct vmsg_ffa_backend *be,
			   const struct vmsg_ffa_backend_ops *ops, void *ctx,
			   uint32_t bus_features)
{
	CHECK(be && ops && ops->area_map && ops->area_unmap);
	tzs_memset(be, 0, sizeof(*be));
	be->ops = ops;
	be->ctx = ctx;
	be->profile = VMSG_PROFILE_V2;
	be->ffa_version = VMSG_FFA_DEFAULT_FFA_VERSION;
	be->bus_features = bus_features;
	be->max_msg_size = VMSG_FFA_DIRECT_MAX;
	be->event_method = VMSG_EVENT_METHOD_POLL;
	be->mem.translate = vmsg_ffa_be_translate;
	be->devt_bus.emit_event = vmsg_ffa_be_emit;
	be->devt_bus.mem_hold = vmsg_ffa_be_mem_hold;
	be->devt_bus.mem_release = vmsg_ffa_be_mem_release;
	be->devt_bus.mem_info = vmsg_ffa_be_mem_info;
}

int vmsg_ffa_backend_add(struct vmsg_ffa_backend *be, uint16_t dev_num,
			 struct vmsg_device *dev, struct vmsg_devt *t)
{
	if (dev_num >= VMSG_FFA_MAX_DEVICES || be->devices[dev_num]) {
		return -1;
	}
	vmsg_devt_init(t, dev, dev_num, be->profile, &be->mem, be,
		       &be->devt_bus, be);
	devt_setup(be, t);
	be->devices[dev_num] = t;
	if (be->negotiated) {
		vmsg_ffa_be_bus_event(be, VMSG_BUS_EVENT_DEVICE, dev_num,
				      VMSG_DEVICE_READY);
	}
	return 0;
}

int vmsg_ffa_backend_remove(struct vmsg_ffa_backend *be, uint16_t dev_num)
{
	struct vmsg_devt *t = NULL;

	if (dev_num >= VMSG_FFA_MAX_DEVICES || !be->devices[dev_num]) {
		return -1;
	}
	t = be->devices[dev_num];
	/* The device lets go of its queues (and so of their areas) first. */
	vmsg_devt_reset(t);
	be->devices[dev_num] = NULL;
	t->dev->t = NULL;
	vmsg_ffa_be_events_purge_dev(be, dev_num);
	if (be->negotiated) {
		vmsg_ffa_be_bus_event(be, VMSG_BUS_EVENT_DEVICE, dev_num,
				      VMSG_DEVICE_REMOVED);
	}
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Bus messages                                                            */

static void own_version(const struct vmsg_ffa_backend *be, bool v1,
			struct vmsg_bus_version *v)
{
	v->bus_version = VMSG_FFA_BUS_VERSION;
	v->transport_revision = VMSG_TRANSPORT_REVISION;
	v->ffa_version = be->ffa_version;
	/* v1 peers must see transport features 0 (virtio-msg.md §2.3). */
	v->transport_features = v1 ? 0 : be->transport_features;
	v->bus_features = be->bus_features;
	v->max_areas = VMSG_FFA_MAX_AREAS;
}

static size_t version(struct vmsg_ffa_backend *be, const struct vmsg_hdr *h,
		      const uint8_t *msg, size_t len, uint8_t *resp, size_t cap)
{
	struct vmsg m, r;
	const struct vmsg_bus_version *q = &m.u.version;
	/* The payload size tells the generation: 8 bytes v1, 12 bytes v2
	 * (the V2 codec profile decodes both, ffa_version 0 for v1). */
	enum vmsg_profile profile = h->msg_size == VMSG_HDR_SIZE + 8u ?
					    VMSG_PROFILE_PR28 :
					    VMSG_PROFILE_V2;

	if (vmsg_decode(VMSG_PROFILE_V2, msg, len, &m) != VMSG_OK) {
		return dropped(be);
	}
	resp_init(&m.hdr, &r);
	own_version(be, profile == VMSG_PROFILE_PR28, &r.u.version);
	be->negotiated = false;
	if (profile == VMSG_PROFILE_V2) {
		be->peer_ffa_version = q->ffa_version;
	}
	/* A v2 probe (0, 0) only learns our values; an exact echo (v2) or
	 * our values (v1) completes negotiation. */
	if (q->bus_version == VMSG_FFA_BUS_VERSION &&
	    q->transport_revision == VMSG_TRANSPORT_REVISION) {
		set_negotiated(be, profile);
	}
	return encode(be, profile, &r, resp, cap);
}

static bool get_devices(struct vmsg_ffa_backend *be, const struct vmsg *m,
			struct vmsg *r)
{
	const struct vmsg_get_devices *q = &m->u.devices;
	struct vmsg_get_devices *d = &r->u.devices;
	uint32_t fit = 0, eff = q->count, end = 0, n = 0;

	/* GET_DEVICES: offset and count are multiples of 8 (§2.1). */
	if ((q->offset | q->count) & 7u || q->count == 0) {
		return false;
	}
	/* The window we return: what the struct and the carriage hold. */
	if (be->max_msg_size > VMSG_HDR_SIZE + 6u) {
		fit = (be->max_msg_size - VMSG_HDR_SIZE - 6u) * 8u;
	}
	if (eff > VMSG_MAX_BITMAP * 8u) {
		eff = VMSG_MAX_BITMAP * 8u;
	}
	if (eff > fit) {
		eff = fit & ~7u;
	}
	d->offset = q->offset;
	d->count = (uint16_t)eff;
	end = (uint32_t)q->offset + eff;
	for (n = q->offset; n < end && n < VMSG_FFA_MAX_DEVICES; n++) {
		if (be->devices[n]) {
			d->bitmap[(n - q->offset) / 8] |=
				(uint8_t)(1u << ((n - q->offset) % 8));
		}
	}
	/* next_offset: the first later window with a device, 0 = done. */
	for (n = end; n < VMSG_FFA_MAX_DEVICES; n++) {
		if (be->devices[n]) {
			d->next_offset = (uint16_t)(n & ~7u);
			break;
		}
	}
	return true;
}

static void bus_reset(struct vmsg_ffa_backend *be)
{
	uint32_t i = 0;

	for (i = 0; i < VMSG_FFA_MAX_DEVICES; i++) {
		if (be->devices[i]) {
			vmsg_devt_reset(be->devices[i]);
		}
	}
	vmsg_ffa_be_areas_release_all(be);
	vmsg_ffa_be_events_clear(be);
	be->event_method = VMSG_EVENT_METHOD_POLL;
	be->notify_id = 0;
}

static size_t bus_msg(struct vmsg_ffa_backend *be, const struct vmsg_hdr *h,
		      const uint8_t *msg, size_t len, uint8_t *resp, size_t cap)
{
	struct vmsg m, r;

	/* PR28 header: dev_num MUST be zero for bus messages. */
	if (h->dev_num != 0) {
		return dropped(be);
	}
	if (h->msg_id == VMSG_FFA_VERSION) {
		return version(be, h, msg, len, resp, cap);
	}
	if (vmsg_decode(be->profile, msg, len, &m) != VMSG_OK) {
		return dropped(be);
	}
	if (vmsg_id_is_event(h->msg_id)) {
		/* EVENT_DEVICE, AREA_RELEASE: ours to send, not to receive. */
		return dropped(be);
	}
	if (!be->negotiated && h->msg_id != VMSG_FFA_RESET) {
		return refuse(be, h, resp, cap);
	}
	resp_init(h, &r);
	switch (h->msg_id) {
	case VMSG_BUS_GET_DEVICES:
		if (!get_devices(be, &m, &r)) {
			return refuse(be, h, resp, cap);
		}
		break;
	case VMSG_BUS_PING:
		r.u.ping = m.u.ping;
		break;
	case VMSG_FFA_RESET:
		bus_reset(be);
		r.u.result = VMSG_FFA_RESULT_OK;
		break;
	case VMSG_FFA_EVENT_POLL:
		return vmsg_ffa_be_event_poll(be, h, resp, cap);
	case VMSG_FFA_EVENT_CONFIGURE:
		vmsg_ffa_be_event_configure(be, &m, &r);
		break;
	case VMSG_FFA_AREA_SHARE:
		vmsg_ffa_be_area_share(be, &m, &r);
		break;
	case VMSG_FFA_AREA_UNSHARE:
		vmsg_ffa_be_area_unshare(be, &m, &r);
		break;
	default:
		/* FIFO_CONFIGURE (no FIFO here), ERROR sent as a request. */
		return refuse(be, h, resp, cap);
	}
	return encode(be, be->profile, &r, resp, cap);
}

/* ---------------------------------------------------------------------- */
/* Transport messages: routed by dev_num (PR28 "Transport Message
 * Forwarding"; never for a device number we did not register).          */

static size_t transport_msg(struct vmsg_ffa_backend *be,
			    const struct vmsg_hdr *h, const uint8_t *msg,
			    size_t len, uint8_t *resp, size_t cap)
{
	struct vmsg m, r;
	struct vmsg_devt *t = NULL;

	if (vmsg_decode(be->profile, msg, len, &m) != VMSG_OK) {
		return dropped(be);
	}
	if (!be->negotiated || h->dev_num >= VMSG_FFA_MAX_DEVICES ||
	    !be->devices[h->dev_num]) {
		return refuse(be, h, resp, cap);
	}
	t = be->devices[h->dev_num];
	if (!vmsg_devt_handle(t, &m, &r)) {
		if (vmsg_id_is_event(h->msg_id)) {
			return 0;
		}
		return refuse(be, h, resp, cap);
	}
	return encode(be, be->profile, &r, resp, cap);
}

size_t vmsg_ffa_backend_handle(struct vmsg_ffa_backend *be, const uint8_t *msg,
			       size_t len, uint8_t *resp, size_t cap)
{
	struct vmsg_hdr h;

	be->stats.messages++;
	if (vmsg_hdr_decode(msg, len, &h) != VMSG_OK) {
		return dropped(be);
	}
	/* We send no requests to the driver, so no response is expected. */
	if (h.type & VMSG_TYPE_RESPONSE) {
		return dropped(be);
	}
	if (h.type & VMSG_TYPE_BUS) {
		return bus_msg(be, &h, msg, len, resp, cap);
	}
	return transport_msg(be, &h, msg, len, resp, cap);
}
