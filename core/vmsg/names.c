// SPDX-License-Identifier: BSD-2-Clause
/*
 * Message names for traces, as the spec tables spell them (virtio-msg.md
 * §1.2, §2.1, §2.3). The class comes from type bit1; the direction and the
 * reserved type bits do not change the name.
 */
#include <tzshare/vmsg.h>

static const char *transport_name(uint8_t msg_id)
{
	switch (msg_id) {
	case VMSG_GET_DEVICE_INFO:
		return "GET_DEVICE_INFO";
	case VMSG_GET_DEVICE_FEATURES:
		return "GET_DEVICE_FEATURES";
	case VMSG_SET_DRIVER_FEATURES:
		return "SET_DRIVER_FEATURES";
	case VMSG_GET_CONFIG:
		return "GET_CONFIG";
	case VMSG_SET_CONFIG:
		return "SET_CONFIG";
	case VMSG_GET_DEVICE_STATUS:
		return "GET_DEVICE_STATUS";
	case VMSG_SET_DEVICE_STATUS:
		return "SET_DEVICE_STATUS";
	case VMSG_GET_VQUEUE:
		return "GET_VQUEUE";
	case VMSG_SET_VQUEUE:
		return "SET_VQUEUE";
	case VMSG_RESET_VQUEUE:
		return "RESET_VQUEUE";
	case VMSG_GET_SHM:
		return "GET_SHM";
	case VMSG_EVENT_CONFIG:
		return "EVENT_CONFIG";
	case VMSG_EVENT_AVAIL:
		return "EVENT_AVAIL";
	case VMSG_EVENT_USED:
		return "EVENT_USED";
	default:
		return "UNKNOWN";
	}
}

static const char *bus_name(uint8_t msg_id)
{
	switch (msg_id) {
	case VMSG_BUS_GET_DEVICES:
		return "GET_DEVICES";
	case VMSG_BUS_PING:
		return "PING";
	case VMSG_BUS_EVENT_DEVICE:
		return "EVENT_DEVICE";
	case VMSG_FFA_VERSION:
		return "VERSION";
	case VMSG_FFA_AREA_SHARE:
		return "AREA_SHARE";
	case VMSG_FFA_AREA_UNSHARE:
		return "AREA_UNSHARE";
	case VMSG_FFA_RESET:
		return "RESET";
	case VMSG_FFA_EVENT_POLL:
		return "EVENT_POLL";
	case VMSG_FFA_EVENT_CONFIGURE:
		return "EVENT_CONFIGURE";
	case VMSG_FFA_FIFO_CONFIGURE:
		return "FIFO_CONFIGURE";
	case VMSG_FFA_ERROR:
		return "ERROR";
	case VMSG_FFA_AREA_RELEASE:
		return "AREA_RELEASE";
	default:
		return "UNKNOWN";
	}
}

/** vmsg_name() - see vmsg.h; "UNKNOWN" for an undefined msg_id. */
const char *vmsg_name(uint8_t type, uint8_t msg_id)
{
	if (type & VMSG_TYPE_BUS) {
		return bus_name(msg_id);
	}
	return transport_name(msg_id);
}
