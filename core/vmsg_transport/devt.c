// SPDX-License-Identifier: BSD-2-Clause
/*
 * virtio-msg transport, device side (virtio-msg.md §1.2; PR28 "Transport
 * Messages" and "Device Operation"; virtio 1.x §2.1 status, §3.1 init).
 *
 * Lifecycle of a struct vmsg_devt (one per device number):
 *
 *   status 0 --ACK--> ACK --DRIVER--> +DRIVER --FEATURES_OK--> +FEATURES_OK
 *     --(SET_VQUEUE per queue)--> --DRIVER_OK--> live (EVENT_AVAIL accepted)
 *   any state --status 0--> reset: ops->reset(dev, -1), every queue dropped
 *     (bus holds released), features cleared, generation bumped (the count
 *     is never reset: PR28 "ConfigGen").
 *   live --RESET_VQUEUE(i)--> queue i dropped; SET_VQUEUE(i) allowed again.
 *   a queue whose ring breaks the protocol -> NEEDS_RESET (device-owned) and
 *     an EVENT_CONFIG carrying it; only a reset brings the device back.
 *
 * Which message is valid when (choices where PR28 leaves room):
 *   GET_DEVICE_INFO, GET_DEVICE_FEATURES, GET_CONFIG, GET_DEVICE_STATUS,
 *   SET_DEVICE_STATUS, GET_SHM: any state (reads; PR28 allows INFO on an
 *   inactive device and virtio lets a driver read config before accepting
 *   features).
 *   SET_DRIVER_FEATURES: DRIVER set, FEATURES_OK not yet (virtio §3.1.1).
 *   SET_CONFIG, GET_VQUEUE, SET_VQUEUE, RESET_VQUEUE: FEATURES_OK set
 *   (virtio §3.1.1 step 7: queues after FEATURES_OK). SET_VQUEUE after
 *   DRIVER_OK only for a queue that is not configured (never set up, or
 *   reset by RESET_VQUEUE: PR28 "Virtqueue Changes During Operation").
 *   RESET_VQUEUE only when VIRTIO_F_RING_RESET was negotiated.
 *   EVENT_AVAIL: DRIVER_OK, queue live and not broken.
 *   With FAILED or NEEDS_RESET set, only the "any state" messages pass.
 * Everything else is dropped: no response, counted in stats.dropped, no
 * state touched (PR28 "Error Handling (Device)": discard without traffic).
 *
 * SET_DEVICE_STATUS always answers with the resulting status. A value that
 * clears a bit without being 0, skips a step (DRIVER without ACK, ...) or
 * sets unknown bits leaves the status unchanged (stats.refused). FEATURES_OK
 * is not kept when the driver selected a feature the device does not offer
 * (or any bit beyond 63), or did not accept VERSION_1 while it is offered.
 * DRIVER_OK binds every enabled queue; if one cannot be bound the device
 * answers with NEEDS_RESET set instead of DRIVER_OK.
 *
 * Config generation: PR28 rejects a SET_CONFIG with a stale generation
 * (length 0); the V2 profile does so only when the bus advertised
 * VIRTIO_MSG_F_STRICT_CONFIG_GENERATION (Linux PoC v2 sends 0 there). The
 * bus sets strict_generation accordingly. A successful driver write bumps
 * the generation too (the response carries the new count, as QEMU does).
 *
 * SET_VQUEUE is refused (dropped) unless the size is a power of 2 in
 * [1, max], the rings are aligned (16/2/4) and translate through the bus
 * (the device ring writable), and the bus holds the memory for the queue's
 * lifetime. In the V2 profile, flags other than ENABLED are refused.
 */
#include <tzshare/lib.h>
#include <tzshare/vmsg_transport.h>

#define DRIVER_STATUS_BITS                                     \
	(VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |    \
	 VIRTIO_STATUS_DRIVER_OK | VIRTIO_STATUS_FEATURES_OK | \
	 VIRTIO_STATUS_FAILED)
#define KNOWN_STATUS_BITS (DRIVER_STATUS_BITS | VIRTIO_STATUS_NEEDS_RESET)

static bool drop(struct vmsg_devt *t)
{
	t->stats.dropped++;
	return false;
}

static bool has(const struct vmsg_devt *t, uint32_t bits)
{
	return (t->status & bits) == bits;
}

static bool halted(const struct vmsg_devt *t)
{
	return (t->status &
		(VIRTIO_STATUS_FAILED | VIRTIO_STATUS_NEEDS_RESET)) != 0;
}

static bool negotiated(const struct vmsg_devt *t, unsigned int bit)
{
	return (t->driver_features >> bit) & 1u;
}

static bool is_pow2(uint32_t v)
{
	return v && !(v & (v - 1));
}

static void emit(struct vmsg_devt *t, const struct vmsg *ev)
{
	if (!t->bus || !t->bus->emit_event) {
		return;
	}
	t->stats.events++;
	t->bus->emit_event(t->bus_ctx, ev);
}

static void event_init(const struct vmsg_devt *t, uint8_t msg_id,
		       struct vmsg *ev)
{
	tzs_memset(ev, 0, sizeof(*ev));
	ev->hdr.type = 0;
	ev->hdr.msg_id = msg_id;
	ev->hdr.dev_num = t->dev_num;
}

/* Message size check: @payload bytes after the header fit the bus. */
static bool fits(const struct vmsg_devt *t, uint64_t payload)
{
	return tzs_range_ok(VMSG_HDR_SIZE, payload, t->max_msg_size);
}

void vmsg_devt_init(struct vmsg_devt *t, struct vmsg_device *dev,
		    uint16_t dev_num, enum vmsg_profile profile,
		    const struct virtq_mem_ops *mem, void *mem_ctx,
		    const struct vmsg_devt_bus_ops *bus, void *bus_ctx)
{
	uint32_t i = 0;

	CHECK(t && dev && dev->ops && dev->ops->queue_notify &&
	      dev->ops->reset && mem && mem->translate);
	CHECK(dev->num_queues <= VMSG_MAX_QUEUES);
	CHECK(dev->config_size <= VMSG_MAX_CONFIG);
	for (i = 0; i < dev->num_queues; i++) {
		CHECK(dev->queue_max_size[i] <= VIRTQ_MAX_SIZE);
		CHECK(!dev->queue_max_size[i] || dev->inflight[i]);
	}
	tzs_memset(t, 0, sizeof(*t));
	t->dev = dev;
	t->profile = profile;
	t->dev_num = dev_num;
	t->strict_generation = profile == VMSG_PROFILE_PR28;
	t->max_msg_size = VMSG_MAX_SIZE;
	t->mem = mem;
	t->mem_ctx = mem_ctx;
	t->bus = bus;
	t->bus_ctx = bus_ctx;
	dev->t = t;
}

/* ---------------------------------------------------------------------- */
/* Queues                                                                  */

static void queue_release(struct vmsg_devt *t, struct vmsg_devt_queue *q)
{
	if (!q->held) {
		return;
	}
	q->held = false;
	if (!t->bus || !t->bus->mem_release) {
		return;
	}
	t->bus->mem_release(t->bus_ctx, q->desc_addr,
			    virtq_desc_bytes(q->size));
	t->bus->mem_release(t->bus_ctx, q->driver_addr,
			    virtq_avail_bytes(q->size));
	t->bus->mem_release(t->bus_ctx, q->device_addr,
			    virtq_used_bytes(q->size));
}

/* Forget queue @i: the device already dropped its references. */
static void queue_drop(struct vmsg_devt *t, uint32_t i)
{
	struct vmsg_devt_queue *q = &t->vq[i];

	queue_release(t, q);
	tzs_memset(q, 0, sizeof(*q));
}

/* Hold the three rings; all or nothing. */
static bool rings_hold(struct vmsg_devt *t, uint32_t size, uint64_t desc,
		       uint64_t driver, uint64_t device)
{
	const struct vmsg_devt_bus_ops *bus = t->bus;

	if (!bus || !bus->mem_hold) {
		return true;
	}
	if (!bus->mem_hold(t->bus_ctx, desc, virtq_desc_bytes(size))) {
		return false;
	}
	if (!bus->mem_hold(t->bus_ctx, driver, virtq_avail_bytes(size))) {
		goto out_desc;
	}
	if (!bus->mem_hold(t->bus_ctx, device, virtq_used_bytes(size))) {
		goto out_driver;
	}
	return true;

out_driver:
	bus->mem_release(t->bus_ctx, driver, virtq_avail_bytes(size));
out_desc:
	bus->mem_release(t->bus_ctx, desc, virtq_desc_bytes(size));
	return false;
}

/* Rings aligned (virtio 1.x §2.7: 16/2/4) and inside mapped memory. */
static bool rings_translate(const struct vmsg_devt *t, uint32_t size,
			    uint64_t desc, uint64_t driver, uint64_t device)
{
	void *ctx = t->mem_ctx;

	if ((desc & 15u) || (driver & 1u) || (device & 3u)) {
		return false;
	}
	if (!t->mem->translate(ctx, desc, virtq_desc_bytes(size), false)) {
		return false;
	}
	if (!t->mem->translate(ctx, driver, virtq_avail_bytes(size), false)) {
		return false;
	}
	return t->mem->translate(ctx, device, virtq_used_bytes(size), true) !=
	       NULL;
}

static bool queue_bind(struct vmsg_devt *t, uint32_t i)
{
	struct vmsg_devt_queue *q = &t->vq[i];
	int rc = 0;

	rc = virtq_dev_init(
		&q->q, (uint16_t)q->size, q->desc_addr, q->driver_addr,
		q->device_addr, negotiated(t, VIRTIO_F_EVENT_IDX),
		negotiated(t, VIRTIO_F_INDIRECT_DESC), t->mem, t->mem_ctx);
	if (rc != VIRTQ_OK) {
		return false;
	}
	virtq_dev_set_inflight(&q->q, t->dev->inflight[i]);
	q->live = true;
	return true;
}

struct virtq_dev *vmsg_devt_queue(struct vmsg_devt *t, uint32_t vq)
{
	if (vq >= t->dev->num_queues || !t->vq[vq].live || t->vq[vq].q.broken) {
		return NULL;
	}
	return &t->vq[vq].q;
}

/* ---------------------------------------------------------------------- */
/* Reset and device-originated events                                      */

void vmsg_devt_reset(struct vmsg_devt *t)
{
	uint32_t i = 0;

	/* The device lets go of every chain first, then the rings go. */
	t->dev->ops->reset(t->dev, -1);
	for (i = 0; i < VMSG_MAX_QUEUES; i++) {
		queue_drop(t, i);
	}
	t->status = 0;
	t->driver_features = 0;
	t->feature_excess = false;
	/* PR28 ConfigGen: the count is not reset with the device; bump it so
	 * a SET_CONFIG prepared before the reset cannot apply after it. */
	t->generation++;
}

void vmsg_devt_needs_reset(struct vmsg_devt *t)
{
	struct vmsg ev;

	if (t->status & VIRTIO_STATUS_NEEDS_RESET) {
		return;
	}
	t->status |= VIRTIO_STATUS_NEEDS_RESET;
	/* PR28 "Device Side Initiated Reset": EVENT_CONFIG with the status. */
	event_init(t, VMSG_EVENT_CONFIG, &ev);
	ev.u.config.device_status = t->status;
	ev.u.config.generation = t->generation;
	emit(t, &ev);
}

void vmsg_devt_used(struct vmsg_devt *t, uint32_t vq)
{
	struct vmsg ev;

	if (!has(t, VIRTIO_STATUS_DRIVER_OK) || vq >= t->dev->num_queues ||
	    !t->vq[vq].live) {
		return;
	}
	if (!virtq_dev_notify_needed(&t->vq[vq].q)) {
		return;
	}
	event_init(t, VMSG_EVENT_USED, &ev);
	ev.u.index = vq;
	emit(t, &ev);
}

void vmsg_devt_config_changed(struct vmsg_devt *t, uint32_t offset,
			      uint32_t len)
{
	struct vmsg ev;
	struct vmsg_config *c = &ev.u.config;

	/* PR28 ConfigGen: increment before the change becomes visible; the
	 * driver can only see it through us, after this point. */
	t->generation++;
	if (!has(t, VIRTIO_STATUS_DRIVER_OK)) {
		return;
	}
	event_init(t, VMSG_EVENT_CONFIG, &ev);
	c->device_status = t->status;
	c->generation = t->generation;
	c->offset = offset;
	/* Data rides along when it fits; else length 0 and the driver reads
	 * it with GET_CONFIG (PR28: "SHOULD send ... zero data length"). */
	if (len <= VMSG_MAX_DATA &&
	    tzs_range_ok(offset, len, t->dev->config_size) &&
	    fits(t, 16u + len)) {
		c->length = len;
		c->data_len = len;
		tzs_memcpy(c->data, t->dev->config + offset, len);
	}
	emit(t, &ev);
}

/* ---------------------------------------------------------------------- */
/* Requests                                                                */

static bool get_device_info(struct vmsg_devt *t, struct vmsg *resp)
{
	struct vmsg_dev_info *info = &resp->u.dev_info;

	info->device_id = t->dev->device_id;
	info->vendor_id = t->dev->vendor_id;
	tzs_memcpy(info->uuid, t->dev->uuid, sizeof(info->uuid));
	info->num_feature_bits = 64;
	info->config_size = t->dev->config_size;
	info->max_vqs = t->dev->num_queues;
	return true;
}

static uint32_t feature_word(uint64_t features, uint64_t block)
{
	if (block >= 2) {
		return 0;
	}
	return (uint32_t)(features >> (32 * block));
}

static bool get_device_features(struct vmsg_devt *t, const struct vmsg *req,
				struct vmsg *resp)
{
	const struct vmsg_features *f = &req->u.features;
	uint32_t i = 0;

	if (f->num_blocks > VMSG_MAX_FEATURE_BLOCKS ||
	    !fits(t, 8u + 4ull * f->num_blocks)) {
		return drop(t);
	}
	resp->u.features.block_index = f->block_index;
	resp->u.features.num_blocks = f->num_blocks;
	/* PR28 FeatureBlocks: zero beyond the implemented features. */
	for (i = 0; i < f->num_blocks; i++) {
		resp->u.features.features[i] = feature_word(
			t->dev->features, (uint64_t)f->block_index + i);
	}
	return true;
}

static bool set_driver_features(struct vmsg_devt *t, const struct vmsg *req)
{
	const struct vmsg_features *f = &req->u.features;
	uint32_t i = 0;

	/* virtio §3.1.1: features are written after DRIVER, before
	 * FEATURES_OK, and are frozen from FEATURES_OK on. */
	if (halted(t) || !has(t, VIRTIO_STATUS_DRIVER) ||
	    has(t, VIRTIO_STATUS_FEATURES_OK)) {
		return drop(t);
	}
	if (f->num_blocks > VMSG_MAX_FEATURE_BLOCKS) {
		return drop(t);
	}
	for (i = 0; i < f->num_blocks; i++) {
		uint64_t block = (uint64_t)f->block_index + i;
		uint64_t word = f->features[i];

		if (block >= 2) {
			t->feature_excess |= word != 0;
			continue;
		}
		t->driver_features &= ~(0xFFFFFFFFull << (32 * block));
		t->driver_features |= word << (32 * block);
	}
	return true;
}

static bool get_config(struct vmsg_devt *t, const struct vmsg *req,
		       struct vmsg *resp)
{
	const struct vmsg_config *c = &req->u.config;

	if (c->length > VMSG_MAX_DATA || !fits(t, 12ull + c->length) ||
	    !tzs_range_ok(c->offset, c->length, t->dev->config_size)) {
		return drop(t);
	}
	resp->u.config.generation = t->generation;
	resp->u.config.offset = c->offset;
	resp->u.config.length = c->length;
	resp->u.config.data_len = c->length;
	tzs_memcpy(resp->u.config.data, t->dev->config + c->offset, c->length);
	return true;
}

static bool set_config(struct vmsg_devt *t, const struct vmsg *req,
		       struct vmsg *resp)
{
	const struct vmsg_config *c = &req->u.config;
	const struct vmsg_device_ops *ops = t->dev->ops;
	struct vmsg_config *r = &resp->u.config;

	/* virtio §3.1.1: no config writes before FEATURES_OK. */
	if (halted(t) || !has(t, VIRTIO_STATUS_FEATURES_OK)) {
		return drop(t);
	}
	if (c->length > VMSG_MAX_DATA || c->data_len != c->length ||
	    !tzs_range_ok(c->offset, c->length, t->dev->config_size)) {
		return drop(t);
	}
	r->offset = c->offset;
	/* PR28 ConfigGen: "If a SET_CONFIG request includes a generation
	 * count that does not match ... the device MUST reject". */
	if ((t->strict_generation && c->generation != t->generation) ||
	    !ops->config_write ||
	    !ops->config_write(t->dev, c->offset, c->data, c->length)) {
		t->stats.refused++;
		r->generation = t->generation;
		r->length = 0;
		return true;
	}
	t->generation++;
	r->generation = t->generation;
	r->length = c->length;
	/* The echo is optional (PR28); send it when it fits. */
	if (fits(t, 12ull + c->length)) {
		r->data_len = c->length;
		tzs_memcpy(r->data, t->dev->config + c->offset, c->length);
	}
	return true;
}

/* The driver may set FEATURES_OK only for features we offer. */
static bool features_acceptable(const struct vmsg_devt *t)
{
	uint64_t offered = t->dev->features;

	if (t->feature_excess || (t->driver_features & ~offered)) {
		return false;
	}
	if (((offered >> VIRTIO_F_VERSION_1) & 1u) &&
	    !negotiated(t, VIRTIO_F_VERSION_1)) {
		return false;
	}
	return true;
}

static bool step_allowed(uint32_t cur, uint32_t next)
{
	uint32_t added = next & ~cur;

	/* virtio §2.1.2: the driver MUST NOT clear a status bit (only a
	 * write of 0 resets); bits are set in init order. */
	if (cur & ~next & DRIVER_STATUS_BITS) {
		return false;
	}
	if ((added & VIRTIO_STATUS_DRIVER) &&
	    !(next & VIRTIO_STATUS_ACKNOWLEDGE)) {
		return false;
	}
	if ((added & VIRTIO_STATUS_FEATURES_OK) &&
	    !(next & VIRTIO_STATUS_DRIVER)) {
		return false;
	}
	if ((added & VIRTIO_STATUS_DRIVER_OK) &&
	    !(next & VIRTIO_STATUS_FEATURES_OK)) {
		return false;
	}
	return true;
}

static void go_live(struct vmsg_devt *t)
{
	uint32_t i = 0;

	for (i = 0; i < t->dev->num_queues; i++) {
		if (!t->vq[i].size || !t->vq[i].enabled) {
			continue;
		}
		if (!queue_bind(t, i)) {
			/* Rings validated at SET_VQUEUE and held since; a
			 * failure here means the device cannot go on. */
			t->status |= VIRTIO_STATUS_NEEDS_RESET;
			return;
		}
	}
	t->status |= VIRTIO_STATUS_DRIVER_OK;
	if (t->dev->ops->ready) {
		t->dev->ops->ready(t->dev);
	}
}

static bool set_device_status(struct vmsg_devt *t, const struct vmsg *req,
			      struct vmsg *resp)
{
	/* NEEDS_RESET belongs to the device: ignore it in the driver's value. */
	uint32_t next = req->u.status & ~VIRTIO_STATUS_NEEDS_RESET;
	uint32_t cur = t->status & DRIVER_STATUS_BITS;
	uint32_t added = next & ~cur;

	if (req->u.status == 0) {
		vmsg_devt_reset(t);
		resp->u.status = t->status;
		return true;
	}
	if ((next & ~DRIVER_STATUS_BITS) || !step_allowed(cur, next) ||
	    ((t->status & VIRTIO_STATUS_NEEDS_RESET) &&
	     (added & ~VIRTIO_STATUS_FAILED))) {
		t->stats.refused++;
		resp->u.status = t->status;
		return true;
	}
	t->status |= added & ~VIRTIO_STATUS_DRIVER_OK;
	if ((added & VIRTIO_STATUS_FEATURES_OK) && !features_acceptable(t)) {
		/* PR28 SET_DEVICE_STATUS: "MAY refuse to set FEATURES_OK". */
		t->stats.refused++;
		t->status &= ~VIRTIO_STATUS_FEATURES_OK;
		added &= ~VIRTIO_STATUS_DRIVER_OK;
	}
	if (added & VIRTIO_STATUS_DRIVER_OK) {
		go_live(t);
	}
	resp->u.status = t->status;
	return true;
}

static bool get_vqueue(struct vmsg_devt *t, const struct vmsg *req,
		       struct vmsg *resp)
{
	uint32_t i = req->u.index;
	struct vmsg_vqueue *r = &resp->u.vqueue;
	const struct vmsg_devt_queue *q = NULL;

	if (!has(t, VIRTIO_STATUS_FEATURES_OK)) {
		return drop(t);
	}
	r->index = i;
	/* PR28 GET_VQUEUE: max size 0 = no such queue. */
	if (i >= t->dev->num_queues) {
		return true;
	}
	q = &t->vq[i];
	r->max_size = t->dev->queue_max_size[i];
	r->size = q->size;
	if (t->profile == VMSG_PROFILE_V2 && q->enabled) {
		r->flags = VMSG_VQUEUE_F_ENABLED;
	}
	r->desc_addr = q->desc_addr;
	r->driver_addr = q->driver_addr;
	r->device_addr = q->device_addr;
	return true;
}

static bool set_vqueue(struct vmsg_devt *t, const struct vmsg *req)
{
	const struct vmsg_vqueue *v = &req->u.vqueue;
	struct vmsg_devt_queue *q = NULL;
	bool enabled = true;

	if (halted(t) || !has(t, VIRTIO_STATUS_FEATURES_OK) ||
	    v->index >= t->dev->num_queues) {
		return drop(t);
	}
	q = &t->vq[v->index];
	if (has(t, VIRTIO_STATUS_DRIVER_OK) && q->size) {
		return drop(t);
	}
	if (t->profile == VMSG_PROFILE_V2) {
		if (v->flags & ~VMSG_VQUEUE_F_ENABLED) {
			return drop(t);
		}
		enabled = v->flags & VMSG_VQUEUE_F_ENABLED;
	}
	if (!is_pow2(v->size) || v->size > t->dev->queue_max_size[v->index]) {
		return drop(t);
	}
	if (!rings_translate(t, v->size, v->desc_addr, v->driver_addr,
			     v->device_addr)) {
		return drop(t);
	}
	if (!rings_hold(t, v->size, v->desc_addr, v->driver_addr,
			v->device_addr)) {
		return drop(t);
	}
	/* Before DRIVER_OK a queue may be set again: let go of the old rings. */
	queue_drop(t, v->index);
	q->size = v->size;
	q->enabled = enabled;
	q->held = true;
	q->desc_addr = v->desc_addr;
	q->driver_addr = v->driver_addr;
	q->device_addr = v->device_addr;
	if (has(t, VIRTIO_STATUS_DRIVER_OK) && enabled &&
	    !queue_bind(t, v->index)) {
		queue_drop(t, v->index);
		return drop(t);
	}
	return true;
}

static bool reset_vqueue(struct vmsg_devt *t, const struct vmsg *req)
{
	uint32_t i = req->u.index;

	if (halted(t) || !has(t, VIRTIO_STATUS_FEATURES_OK) ||
	    !negotiated(t, VIRTIO_F_RING_RESET) || i >= t->dev->num_queues) {
		return drop(t);
	}
	t->dev->ops->reset(t->dev, (int32_t)i);
	queue_drop(t, i);
	return true;
}

static bool get_shm(const struct vmsg *req, struct vmsg *resp)
{
	/* No device-owned shared memory regions: length 0 = none. */
	resp->u.shm.index = req->u.index;
	return true;
}

static void event_avail(struct vmsg_devt *t, const struct vmsg *req)
{
	uint32_t i = req->u.avail.vq_index;
	struct vmsg_devt_queue *q = NULL;

	if (halted(t) || !has(t, VIRTIO_STATUS_DRIVER_OK) ||
	    i >= t->dev->num_queues) {
		drop(t);
		return;
	}
	q = &t->vq[i];
	if (!q->live || q->q.broken) {
		drop(t);
		return;
	}
	t->dev->ops->queue_notify(t->dev, i);
	/* A ring that broke the protocol stops the device (virtio §2.1.2:
	 * the device sets DEVICE_NEEDS_RESET when it cannot continue). */
	if (q->live && q->q.broken) {
		vmsg_devt_needs_reset(t);
	}
}

bool vmsg_devt_handle(struct vmsg_devt *t, const struct vmsg *req,
		      struct vmsg *resp)
{
	const struct vmsg_hdr *h = &req->hdr;

	t->stats.requests++;
	if ((h->type & (VMSG_TYPE_RESPONSE | VMSG_TYPE_BUS | VMSG_TYPE_MBZ)) ||
	    h->dev_num != t->dev_num) {
		return drop(t);
	}
	if (vmsg_id_is_event(h->msg_id)) {
		if (h->msg_id == VMSG_EVENT_AVAIL) {
			event_avail(t, req);
		} else {
			drop(t); /* EVENT_CONFIG / EVENT_USED are ours */
		}
		return false;
	}
	tzs_memset(resp, 0, sizeof(*resp));
	resp->hdr.type = (uint8_t)(h->type | VMSG_TYPE_RESPONSE);
	resp->hdr.msg_id = h->msg_id;
	resp->hdr.dev_num = h->dev_num;
	resp->hdr.token = h->token;
	switch (h->msg_id) {
	case VMSG_GET_DEVICE_INFO:
		return get_device_info(t, resp);
	case VMSG_GET_DEVICE_FEATURES:
		return get_device_features(t, req, resp);
	case VMSG_SET_DRIVER_FEATURES:
		return set_driver_features(t, req);
	case VMSG_GET_CONFIG:
		return get_config(t, req, resp);
	case VMSG_SET_CONFIG:
		return set_config(t, req, resp);
	case VMSG_GET_DEVICE_STATUS:
		resp->u.status = t->status;
		return true;
	case VMSG_SET_DEVICE_STATUS:
		return set_device_status(t, req, resp);
	case VMSG_GET_VQUEUE:
		return get_vqueue(t, req, resp);
	case VMSG_SET_VQUEUE:
		return set_vqueue(t, req);
	case VMSG_RESET_VQUEUE:
		return reset_vqueue(t, req);
	case VMSG_GET_SHM:
		return get_shm(req, resp);
	default:
		return drop(t);
	}
}
