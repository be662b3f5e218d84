// SPDX-License-Identifier: BSD-2-Clause
/*
 * virtio-msg transport, driver side (virtio-msg.md §1.2; PR28 "Device
 * Initialization"; virtio 1.x §3.1.1 driver requirements).
 *
 * One struct vmsg_drvt drives one device number through a bus that carries
 * one request and returns its response (struct vmsg_drv_bus_ops); tokens,
 * timeouts and response matching on (dev_num, token) are the bus's. This
 * file checks what the device answered: the msg_id, dev_num and type of
 * every response, echoed indices and offsets, and the returned status.
 *
 * Init order (virtio §3.1.1): vmsg_drvt_probe() = status 0 (reset),
 * GET_DEVICE_INFO, ACKNOWLEDGE, DRIVER, GET_DEVICE_FEATURES;
 * vmsg_drvt_negotiate() = SET_DRIVER_FEATURES, FEATURES_OK (checked in the
 * returned status); then config, GET_VQUEUE/SET_VQUEUE per queue and
 * vmsg_drvt_driver_ok().
 *
 * Config accesses are split to fit the bus's maximum message size. A read
 * spanning several messages is retried when the generation changed in
 * between (virtio §2.5: read until the generation is stable). A write
 * carries the last generation seen when the bus says generations are
 * checked (PR28, or V2 with STRICT_CONFIG_GENERATION; MBZ otherwise, as
 * Linux PoC v2 sends it); a rejection (length 0) returns
 * VMSG_T_E_REFUSED with t->generation refreshed, so the caller can re-read
 * and retry (PR28 ConfigGen, driver side).
 */
#include <tzshare/lib.h>
#include <tzshare/vmsg_transport.h>

#define CONFIG_READ_TRIES 4

void vmsg_drvt_init(struct vmsg_drvt *t, const struct vmsg_drv_bus_ops *bus,
		    void *bus_ctx, uint16_t dev_num)
{
	CHECK(t && bus && bus->request && bus->event);
	tzs_memset(t, 0, sizeof(*t));
	t->bus = bus;
	t->bus_ctx = bus_ctx;
	t->dev_num = dev_num;
}

static void req_init(const struct vmsg_drvt *t, uint8_t msg_id,
		     struct vmsg *req)
{
	tzs_memset(req, 0, sizeof(*req));
	req->hdr.msg_id = msg_id;
	req->hdr.dev_num = t->dev_num;
}

/* One request; the response must be the matching transport response. */
static int call(struct vmsg_drvt *t, struct vmsg *req, struct vmsg *resp)
{
	int rc = 0;

	t->stats.requests++;
	rc = t->bus->request(t->bus_ctx, req, resp);
	if (rc != VMSG_T_OK) {
		return rc;
	}
	if (resp->hdr.type != VMSG_TYPE_RESPONSE ||
	    resp->hdr.msg_id != req->hdr.msg_id ||
	    resp->hdr.dev_num != t->dev_num) {
		return VMSG_T_E_PROTO;
	}
	return VMSG_T_OK;
}

/* Largest config payload per message (GET_CONFIG response, SET_CONFIG). */
static uint32_t config_chunk(const struct vmsg_drvt *t)
{
	uint32_t max =
		t->bus->max_msg_size ? t->bus->max_msg_size : VMSG_MIN_MAX_SIZE;
	uint32_t n = 0;

	if (max < VMSG_MIN_MAX_SIZE) {
		max = VMSG_MIN_MAX_SIZE;
	}
	n = max - VMSG_HDR_SIZE - 12u;
	return n < VMSG_MAX_DATA ? n : VMSG_MAX_DATA;
}

static int set_status(struct vmsg_drvt *t, uint32_t status)
{
	struct vmsg req, resp;
	int rc = 0;

	req_init(t, VMSG_SET_DEVICE_STATUS, &req);
	req.u.status = status;
	rc = call(t, &req, &resp);
	if (rc != VMSG_T_OK) {
		return rc;
	}
	t->status = resp.u.status;
	return VMSG_T_OK;
}

/* Set @bits on top of the current status; the device must keep them. */
static int add_status(struct vmsg_drvt *t, uint32_t bits)
{
	int rc = set_status(t, (t->status | bits) & ~VIRTIO_STATUS_NEEDS_RESET);

	if (rc != VMSG_T_OK) {
		return rc;
	}
	if ((t->status & bits) != bits) {
		return VMSG_T_E_REFUSED;
	}
	return VMSG_T_OK;
}

static int get_features(struct vmsg_drvt *t)
{
	struct vmsg req, resp;
	int rc = 0;

	req_init(t, VMSG_GET_DEVICE_FEATURES, &req);
	req.u.features.block_index = 0;
	req.u.features.num_blocks = 2;
	rc = call(t, &req, &resp);
	if (rc != VMSG_T_OK) {
		return rc;
	}
	if (resp.u.features.block_index != 0 ||
	    resp.u.features.num_blocks != 2) {
		return VMSG_T_E_PROTO;
	}
	t->device_features = resp.u.features.features[0] |
			     (uint64_t)resp.u.features.features[1] << 32;
	return VMSG_T_OK;
}

int vmsg_drvt_probe(struct vmsg_drvt *t)
{
	struct vmsg req, resp;
	int rc = 0;

	rc = vmsg_drvt_reset(t);
	if (rc != VMSG_T_OK) {
		return rc;
	}
	req_init(t, VMSG_GET_DEVICE_INFO, &req);
	rc = call(t, &req, &resp);
	if (rc != VMSG_T_OK) {
		return rc;
	}
	t->info = resp.u.dev_info;
	rc = add_status(t, VIRTIO_STATUS_ACKNOWLEDGE);
	if (rc != VMSG_T_OK) {
		return rc;
	}
	rc = add_status(t, VIRTIO_STATUS_DRIVER);
	if (rc != VMSG_T_OK) {
		return rc;
	}
	return get_features(t);
}

int vmsg_drvt_negotiate(struct vmsg_drvt *t, uint64_t features)
{
	struct vmsg req, resp;
	int rc = 0;

	t->driver_features = features & t->device_features;
	req_init(t, VMSG_SET_DRIVER_FEATURES, &req);
	req.u.features.block_index = 0;
	req.u.features.num_blocks = 2;
	req.u.features.features[0] = (uint32_t)t->driver_features;
	req.u.features.features[1] = (uint32_t)(t->driver_features >> 32);
	rc = call(t, &req, &resp);
	if (rc != VMSG_T_OK) {
		return rc;
	}
	/* virtio §3.1.1 step 6: re-read the status; FEATURES_OK must stick. */
	return add_status(t, VIRTIO_STATUS_FEATURES_OK);
}

static int config_read_once(struct vmsg_drvt *t, uint32_t offset, uint8_t *buf,
			    uint32_t len, bool *stable)
{
	uint32_t chunk = config_chunk(t);
	uint32_t done = 0;
	uint32_t gen0 = 0;
	struct vmsg req, resp;
	int rc = 0;

	*stable = true;
	do {
		uint32_t n = len - done < chunk ? len - done : chunk;
		uint64_t off = 0;

		if (ovf_add(offset, done, &off) || off > UINT32_MAX) {
			return VMSG_T_E_STATE;
		}
		req_init(t, VMSG_GET_CONFIG, &req);
		req.u.config.offset = (uint32_t)off;
		req.u.config.length = n;
		rc = call(t, &req, &resp);
		if (rc != VMSG_T_OK) {
			return rc;
		}
		if (resp.u.config.offset != off || resp.u.config.length != n ||
		    resp.u.config.data_len != n) {
			return VMSG_T_E_PROTO;
		}
		tzs_memcpy(buf + done, resp.u.config.data, n);
		if (done == 0) {
			gen0 = resp.u.config.generation;
		} else if (resp.u.config.generation != gen0) {
			*stable = false;
		}
		t->generation = resp.u.config.generation;
		done += n;
	} while (done < len);
	return VMSG_T_OK;
}

int vmsg_drvt_config_read(struct vmsg_drvt *t, uint32_t offset, void *buf,
			  uint32_t len)
{
	bool stable = false;
	int tries = 0;
	int rc = 0;

	for (tries = 0; tries < CONFIG_READ_TRIES; tries++) {
		rc = config_read_once(t, offset, buf, len, &stable);
		if (rc != VMSG_T_OK || stable) {
			return rc;
		}
	}
	/* The device kept changing its config under us. */
	return VMSG_T_E_PROTO;
}

int vmsg_drvt_config_write(struct vmsg_drvt *t, uint32_t offset,
			   const void *buf, uint32_t len)
{
	const uint8_t *p = buf;
	uint32_t chunk = config_chunk(t);
	uint32_t done = 0;
	struct vmsg req, resp;
	int rc = 0;

	while (done < len) {
		uint32_t n = len - done < chunk ? len - done : chunk;
		uint64_t off = 0;

		if (ovf_add(offset, done, &off) || off > UINT32_MAX) {
			return VMSG_T_E_STATE;
		}
		req_init(t, VMSG_SET_CONFIG, &req);
		if (t->bus->strict_generation) {
			req.u.config.generation = t->generation;
		}
		req.u.config.offset = (uint32_t)off;
		req.u.config.length = n;
		req.u.config.data_len = n;
		tzs_memcpy(req.u.config.data, p + done, n);
		rc = call(t, &req, &resp);
		if (rc != VMSG_T_OK) {
			return rc;
		}
		t->generation = resp.u.config.generation;
		if (resp.u.config.length == 0) {
			return VMSG_T_E_REFUSED;
		}
		if (resp.u.config.offset != off || resp.u.config.length != n) {
			return VMSG_T_E_PROTO;
		}
		done += n;
	}
	return VMSG_T_OK;
}

int vmsg_drvt_queue_max(struct vmsg_drvt *t, uint32_t vq, uint32_t *max)
{
	struct vmsg req, resp;
	int rc = 0;

	req_init(t, VMSG_GET_VQUEUE, &req);
	req.u.index = vq;
	rc = call(t, &req, &resp);
	if (rc != VMSG_T_OK) {
		return rc;
	}
	if (resp.u.vqueue.index != vq) {
		return VMSG_T_E_PROTO;
	}
	*max = resp.u.vqueue.max_size;
	return VMSG_T_OK;
}

int vmsg_drvt_queue_setup(struct vmsg_drvt *t, uint32_t vq, uint32_t size,
			  uint64_t desc, uint64_t driver, uint64_t device)
{
	struct vmsg req, resp;

	req_init(t, VMSG_SET_VQUEUE, &req);
	req.u.vqueue.index = vq;
	req.u.vqueue.size = size;
	/* V2: enable with the rings; the PR28 codec leaves the word zero. */
	req.u.vqueue.flags = VMSG_VQUEUE_F_ENABLED;
	req.u.vqueue.desc_addr = desc;
	req.u.vqueue.driver_addr = driver;
	req.u.vqueue.device_addr = device;
	return call(t, &req, &resp);
}

int vmsg_drvt_driver_ok(struct vmsg_drvt *t)
{
	return add_status(t, VIRTIO_STATUS_DRIVER_OK);
}

int vmsg_drvt_reset(struct vmsg_drvt *t)
{
	int rc = set_status(t, 0);

	if (rc != VMSG_T_OK) {
		return rc;
	}
	t->config_changed = false;
	/* virtio §2.4: the reset is complete when the device reads back 0. */
	return t->status == 0 ? VMSG_T_OK : VMSG_T_E_PROTO;
}

int vmsg_drvt_queue_reset(struct vmsg_drvt *t, uint32_t vq)
{
	struct vmsg req, resp;

	req_init(t, VMSG_RESET_VQUEUE, &req);
	req.u.index = vq;
	return call(t, &req, &resp);
}

int vmsg_drvt_get_shm(struct vmsg_drvt *t, uint32_t idx, uint64_t *addr,
		      uint64_t *len)
{
	struct vmsg req, resp;
	int rc = 0;

	req_init(t, VMSG_GET_SHM, &req);
	req.u.index = idx;
	rc = call(t, &req, &resp);
	if (rc != VMSG_T_OK) {
		return rc;
	}
	if (resp.u.shm.index != idx) {
		return VMSG_T_E_PROTO;
	}
	*addr = resp.u.shm.address;
	*len = resp.u.shm.length;
	return VMSG_T_OK;
}

int vmsg_drvt_notify(struct vmsg_drvt *t, uint32_t vq)
{
	struct vmsg ev;

	req_init(t, VMSG_EVENT_AVAIL, &ev);
	ev.u.avail.vq_index = vq;
	t->stats.events_sent++;
	return t->bus->event(t->bus_ctx, &ev);
}

int vmsg_drvt_event(struct vmsg_drvt *t, const struct vmsg *ev)
{
	if ((ev->hdr.type & (VMSG_TYPE_RESPONSE | VMSG_TYPE_BUS)) ||
	    ev->hdr.dev_num != t->dev_num) {
		return -1;
	}
	switch (ev->hdr.msg_id) {
	case VMSG_EVENT_CONFIG:
		t->stats.config_events++;
		t->generation = ev->u.config.generation;
		t->config_changed = true;
		t->status |=
			ev->u.config.device_status & VIRTIO_STATUS_NEEDS_RESET;
		return -1;
	case VMSG_EVENT_USED:
		if (ev->u.index >= VMSG_MAX_QUEUES) {
			return -1;
		}
		return (int)ev->u.index;
	default:
		return -1;
	}
}
