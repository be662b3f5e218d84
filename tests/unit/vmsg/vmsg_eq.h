/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Field-wise comparison of two decoded virtio-msg messages, for the unit
 * tests and the fuzz target. Which union member a message uses is restated
 * here from the comments of struct vmsg (vmsg.h), independently of the
 * codec's own dispatch; padding is never compared.
 */
#ifndef TZS_VMSG_EQ_H
#define TZS_VMSG_EQ_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <tzshare/vmsg.h>

enum vmsg_member {
	VM_NONE, /* empty payload, or undefined message */
	VM_DEV_INFO,
	VM_FEATURES_REQ, /* GET_DEVICE_FEATURES request: no words */
	VM_FEATURES,
	VM_CONFIG_REQ, /* GET_CONFIG request: offset, length */
	VM_CONFIG,
	VM_STATUS,
	VM_INDEX,
	VM_VQUEUE,
	VM_SHM,
	VM_AVAIL,
	VM_DEVICES_REQ,
	VM_DEVICES,
	VM_PING,
	VM_EVENT_DEVICE,
	VM_VERSION,
	VM_AREA,
	VM_AREA_RESULT,
	VM_RESULT,
	VM_EVCFG,
	VM_FIFO,
	VM_FIFO_RESULT,
	VM_ORIG_MSG_ID,
};

static inline enum vmsg_member vmsg_transport_member(bool resp, uint8_t id)
{
	switch (id) {
	case VMSG_GET_DEVICE_INFO:
		return resp ? VM_DEV_INFO : VM_NONE;
	case VMSG_GET_DEVICE_FEATURES:
		return resp ? VM_FEATURES : VM_FEATURES_REQ;
	case VMSG_SET_DRIVER_FEATURES:
		return resp ? VM_NONE : VM_FEATURES;
	case VMSG_GET_CONFIG:
		return resp ? VM_CONFIG : VM_CONFIG_REQ;
	case VMSG_SET_CONFIG:
	case VMSG_EVENT_CONFIG:
		return VM_CONFIG;
	case VMSG_GET_DEVICE_STATUS:
		return resp ? VM_STATUS : VM_NONE;
	case VMSG_SET_DEVICE_STATUS:
		return VM_STATUS;
	case VMSG_GET_VQUEUE:
		return resp ? VM_VQUEUE : VM_INDEX;
	case VMSG_SET_VQUEUE:
		return resp ? VM_NONE : VM_VQUEUE;
	case VMSG_RESET_VQUEUE:
		return resp ? VM_NONE : VM_INDEX;
	case VMSG_GET_SHM:
		return resp ? VM_SHM : VM_INDEX;
	case VMSG_EVENT_AVAIL:
		return VM_AVAIL;
	case VMSG_EVENT_USED:
		return VM_INDEX;
	default:
		return VM_NONE;
	}
}

static inline enum vmsg_member vmsg_bus_member(bool resp, uint8_t id)
{
	switch (id) {
	case VMSG_BUS_GET_DEVICES:
		return resp ? VM_DEVICES : VM_DEVICES_REQ;
	case VMSG_BUS_PING:
		return VM_PING;
	case VMSG_BUS_EVENT_DEVICE:
		return VM_EVENT_DEVICE;
	case VMSG_FFA_VERSION:
		return VM_VERSION;
	case VMSG_FFA_AREA_SHARE:
		return resp ? VM_AREA_RESULT : VM_AREA;
	case VMSG_FFA_AREA_UNSHARE:
	case VMSG_FFA_AREA_RELEASE:
		return VM_AREA_RESULT;
	case VMSG_FFA_RESET:
		return resp ? VM_RESULT : VM_NONE;
	case VMSG_FFA_EVENT_CONFIGURE:
		return resp ? VM_RESULT : VM_EVCFG;
	case VMSG_FFA_FIFO_CONFIGURE:
		return resp ? VM_FIFO_RESULT : VM_FIFO;
	case VMSG_FFA_ERROR:
		return VM_ORIG_MSG_ID;
	default:
		return VM_NONE;
	}
}

static inline enum vmsg_member vmsg_member_of(const struct vmsg_hdr *h)
{
	bool resp = h->type & VMSG_TYPE_RESPONSE;

	if (h->type & VMSG_TYPE_BUS) {
		return vmsg_bus_member(resp, h->msg_id);
	}
	return vmsg_transport_member(resp, h->msg_id);
}

/* Records the first differing field in @why; returns false then. */
#define VMSG_EQ_FIELD(f)                                                   \
	do {                                                               \
		if (a->f != b->f) {                                        \
			snprintf(why, why_len, "%s: 0x%llx != 0x%llx", #f, \
				 (unsigned long long)a->f,                 \
				 (unsigned long long)b->f);                \
			return false;                                      \
		}                                                          \
	} while (0)

#define VMSG_EQ_BYTES(f, n)                                       \
	do {                                                      \
		if (memcmp(a->f, b->f, (n)) != 0) {               \
			snprintf(why, why_len, "%s differs", #f); \
			return false;                             \
		}                                                 \
	} while (0)

static inline size_t vmsg_eq_min(size_t x, size_t y)
{
	return x < y ? x : y;
}

static inline bool vmsg_eq_transport(const struct vmsg *a, const struct vmsg *b,
				     enum vmsg_member mem, char *why,
				     size_t why_len)
{
	switch (mem) {
	case VM_DEV_INFO:
		VMSG_EQ_FIELD(u.dev_info.device_id);
		VMSG_EQ_FIELD(u.dev_info.vendor_id);
		VMSG_EQ_BYTES(u.dev_info.uuid, 16);
		VMSG_EQ_FIELD(u.dev_info.num_feature_bits);
		VMSG_EQ_FIELD(u.dev_info.config_size);
		VMSG_EQ_FIELD(u.dev_info.max_vqs);
		VMSG_EQ_FIELD(u.dev_info.admin_vq_start);
		VMSG_EQ_FIELD(u.dev_info.admin_vq_count);
		return true;
	case VM_FEATURES_REQ:
	case VM_FEATURES:
		VMSG_EQ_FIELD(u.features.block_index);
		VMSG_EQ_FIELD(u.features.num_blocks);
		if (mem == VM_FEATURES) {
			VMSG_EQ_BYTES(u.features.features,
				      4 * vmsg_eq_min(a->u.features.num_blocks,
						      VMSG_MAX_FEATURE_BLOCKS));
		}
		return true;
	case VM_CONFIG_REQ:
	case VM_CONFIG:
		VMSG_EQ_FIELD(u.config.offset);
		VMSG_EQ_FIELD(u.config.length);
		if (mem == VM_CONFIG) {
			VMSG_EQ_FIELD(u.config.device_status);
			VMSG_EQ_FIELD(u.config.generation);
			VMSG_EQ_FIELD(u.config.data_len);
			VMSG_EQ_BYTES(u.config.data,
				      vmsg_eq_min(a->u.config.data_len,
						  VMSG_MAX_DATA));
		}
		return true;
	case VM_STATUS:
		VMSG_EQ_FIELD(u.status);
		return true;
	case VM_INDEX:
		VMSG_EQ_FIELD(u.index);
		return true;
	case VM_VQUEUE:
		VMSG_EQ_FIELD(u.vqueue.index);
		VMSG_EQ_FIELD(u.vqueue.max_size);
		VMSG_EQ_FIELD(u.vqueue.size);
		VMSG_EQ_FIELD(u.vqueue.flags);
		VMSG_EQ_FIELD(u.vqueue.desc_addr);
		VMSG_EQ_FIELD(u.vqueue.driver_addr);
		VMSG_EQ_FIELD(u.vqueue.device_addr);
		return true;
	case VM_SHM:
		VMSG_EQ_FIELD(u.shm.index);
		VMSG_EQ_FIELD(u.shm.length);
		VMSG_EQ_FIELD(u.shm.address);
		return true;
	case VM_AVAIL:
		VMSG_EQ_FIELD(u.avail.vq_index);
		VMSG_EQ_FIELD(u.avail.next);
		return true;
	default:
		return true;
	}
}

static inline bool vmsg_eq_bus(const struct vmsg *a, const struct vmsg *b,
			       enum vmsg_member mem, char *why, size_t why_len)
{
	switch (mem) {
	case VM_DEVICES_REQ:
	case VM_DEVICES:
		VMSG_EQ_FIELD(u.devices.offset);
		VMSG_EQ_FIELD(u.devices.count);
		if (mem == VM_DEVICES) {
			VMSG_EQ_FIELD(u.devices.next_offset);
			VMSG_EQ_BYTES(u.devices.bitmap,
				      vmsg_eq_min(a->u.devices.count / 8u,
						  VMSG_MAX_BITMAP));
		}
		return true;
	case VM_PING:
		VMSG_EQ_FIELD(u.ping);
		return true;
	case VM_EVENT_DEVICE:
		VMSG_EQ_FIELD(u.event_device.dev_num);
		VMSG_EQ_FIELD(u.event_device.state);
		return true;
	case VM_VERSION:
		VMSG_EQ_FIELD(u.version.bus_version);
		VMSG_EQ_FIELD(u.version.transport_revision);
		VMSG_EQ_FIELD(u.version.ffa_version);
		VMSG_EQ_FIELD(u.version.transport_features);
		VMSG_EQ_FIELD(u.version.bus_features);
		VMSG_EQ_FIELD(u.version.max_areas);
		return true;
	case VM_AREA:
		VMSG_EQ_FIELD(u.area.area_id);
		VMSG_EQ_FIELD(u.area.handle);
		VMSG_EQ_FIELD(u.area.tag);
		VMSG_EQ_FIELD(u.area.page_count);
		VMSG_EQ_FIELD(u.area.attrs);
		return true;
	case VM_AREA_RESULT:
		VMSG_EQ_FIELD(u.area_result.area_id);
		VMSG_EQ_FIELD(u.area_result.result);
		return true;
	case VM_RESULT:
		VMSG_EQ_FIELD(u.result);
		return true;
	case VM_EVCFG:
		VMSG_EQ_FIELD(u.evcfg.method);
		VMSG_EQ_FIELD(u.evcfg.notify_id);
		return true;
	case VM_FIFO:
		VMSG_EQ_FIELD(u.fifo.handle);
		VMSG_EQ_FIELD(u.fifo.page_count);
		VMSG_EQ_FIELD(u.fifo.notif_id);
		return true;
	case VM_FIFO_RESULT:
		VMSG_EQ_FIELD(u.fifo_result.result);
		VMSG_EQ_FIELD(u.fifo_result.notif_id);
		return true;
	case VM_ORIG_MSG_ID:
		VMSG_EQ_FIELD(u.orig_msg_id);
		return true;
	default:
		return true;
	}
}

/**
 * vmsg_eq() - @a and @b are the same message: equal headers (msg_size too
 * unless @ignore_size) and equal fields of the union member the message
 * uses. On a difference, @why names the first differing field.
 */
static inline bool vmsg_eq(const struct vmsg *a, const struct vmsg *b,
			   bool ignore_size, char *why, size_t why_len)
{
	enum vmsg_member mem = vmsg_member_of(&a->hdr);

	VMSG_EQ_FIELD(hdr.type);
	VMSG_EQ_FIELD(hdr.msg_id);
	VMSG_EQ_FIELD(hdr.dev_num);
	VMSG_EQ_FIELD(hdr.token);
	if (!ignore_size) {
		VMSG_EQ_FIELD(hdr.msg_size);
	}
	if (a->hdr.type & VMSG_TYPE_BUS) {
		return vmsg_eq_bus(a, b, mem, why, why_len);
	}
	return vmsg_eq_transport(a, b, mem, why, why_len);
}

#undef VMSG_EQ_FIELD
#undef VMSG_EQ_BYTES

#endif /* TZS_VMSG_EQ_H */
