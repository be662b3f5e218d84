// SPDX-License-Identifier: BSD-2-Clause
/*
 * The virtio-msg common header (virtio-msg.md §1.1): 8 bytes, the same in
 * both profiles since RFC2/3 added the token.
 *
 *   0 type u8 (bit0 response, bit1 bus, bits 2-7 MBZ), 1 msg_id u8,
 *   2 dev_num u16, 4 token u16, 6 msg_size u16 (total, header included)
 *
 * The token is opaque here: PR28 gives it to the bus, and QEMU sends 0 on
 * every bus message (testdata/virtio-msg README item 1), so nothing about
 * it is checked. Neither is dev_num: a bus message should carry 0 (FF-A
 * ERROR excepted), which is for the bus to enforce.
 */
#include <tzshare/lib.h>
#include <tzshare/vmsg.h>

#include "vmsg_priv.h"

#define HDR_TYPE 0
#define HDR_MSG_ID 1
#define HDR_DEV_NUM 2
#define HDR_TOKEN 4
#define HDR_MSG_SIZE 6

_Static_assert(HDR_MSG_SIZE + 2 == VMSG_HDR_SIZE && VMSG_HDR_SIZE == 8,
	       "virtio-msg common header (RFC2/3, PR28, Linux PoC v2): 8 B");

/**
 * vmsg_hdr_decode() - see vmsg.h. Errors, in this order:
 * 1. VMSG_E_TRUNCATED: @len cannot hold the 8-byte header.
 * 2. VMSG_E_MALFORMED: a type bit 2-7 is set (MBZ, §1.1).
 * 3. VMSG_E_MALFORMED: msg_size < 8 (OP-TEE's "null reply" writes 6).
 * 4. VMSG_E_TRUNCATED: msg_size > @len.
 */
int vmsg_hdr_decode(const uint8_t *buf, size_t len, struct vmsg_hdr *hdr)
{
	if (!tzs_range_ok(0, VMSG_HDR_SIZE, len)) {
		return VMSG_E_TRUNCATED;
	}
	hdr->type = buf[HDR_TYPE];
	hdr->msg_id = buf[HDR_MSG_ID];
	hdr->dev_num = le16_get(buf + HDR_DEV_NUM);
	hdr->token = le16_get(buf + HDR_TOKEN);
	hdr->msg_size = le16_get(buf + HDR_MSG_SIZE);
	/* "bits 2-7 MBZ" (virtio-msg.md §1.1). */
	if (hdr->type & VMSG_TYPE_MBZ) {
		return VMSG_E_MALFORMED;
	}
	if (hdr->msg_size < VMSG_HDR_SIZE) {
		return VMSG_E_MALFORMED;
	}
	if (!tzs_range_ok(0, hdr->msg_size, len)) {
		return VMSG_E_TRUNCATED;
	}
	return VMSG_OK;
}

/* Write @hdr with @msg_size (the caller checked the type and the room). */
void vmsg_hdr_put(const struct vmsg_hdr *hdr, uint16_t msg_size, uint8_t *buf)
{
	buf[HDR_TYPE] = hdr->type;
	buf[HDR_MSG_ID] = hdr->msg_id;
	le16_put(buf + HDR_DEV_NUM, hdr->dev_num);
	le16_put(buf + HDR_TOKEN, hdr->token);
	le16_put(buf + HDR_MSG_SIZE, msg_size);
}
