// SPDX-License-Identifier: BSD-2-Clause
/*
 * Carriage helpers shared by both roles (virtio-msg.md §2.2):
 *  - direct: the message rides x4..x17 of FFA_MSG_SEND_DIRECT_REQ2 /
 *    RESP2, byte 0 = least significant byte of x4, zero padded, at most
 *    VMSG_FFA_DIRECT_MAX (104) bytes;
 *  - indirect: FFA_MSG_SEND2 through TX with the v1.2 header (40 bytes,
 *    UUID = the bus) and the raw message as payload; the receiver finds it
 *    in RX, copies it out (then validates the copy), clears the header so
 *    stale bytes never pass for a new message, and releases RX.
 */
#include "vmsg_host_priv.h"

#include <string.h>

#include <tzshare/ffa.h>
#include <tzshare/platform.h>

void vmsg_host_regs_to_bytes(const uint64_t *x, uint8_t *buf, size_t len)
{
	size_t i = 0;

	for (i = 0; i < len; i++) {
		buf[i] = (uint8_t)(x[i / 8] >> (8 * (i % 8)));
	}
}

void vmsg_host_bytes_to_regs(const uint8_t *buf, size_t len, uint64_t *x,
			     unsigned int nregs)
{
	size_t i = 0;

	memset(x, 0, nregs * sizeof(uint64_t));
	for (i = 0; i < len && i < (size_t)nregs * 8; i++) {
		x[i / 8] |= (uint64_t)buf[i] << (8 * (i % 8));
	}
}

size_t vmsg_host_msg_len(const uint8_t *buf, size_t len)
{
	size_t n = 0;

	if (len < VMSG_HDR_SIZE) {
		return 0;
	}
	n = le16_get(buf + 6);
	return n >= VMSG_HDR_SIZE && n <= len ? n : 0;
}

int vmsg_host_send2(struct tzs_vcpu *v, uint16_t self, uint16_t dst,
		    const uint8_t *msg, size_t len)
{
	struct tzs_ep *ep = tzs_vcpu_ep(v);
	struct ffa_msg_send2_hdr h;
	struct ffa_regs r;
	uint8_t *tx = NULL;

	if (len > VMSG_MAX_SIZE ||
	    FFA_MSG_SEND2_HDR_V1_2_SIZE + len > tzs_ep_mailbox_size(ep)) {
		return FFA_INVALID_PARAMETERS;
	}
	memset(&h, 0, sizeof(h));
	h.payload_offset = FFA_MSG_SEND2_HDR_V1_2_SIZE;
	h.sender = self;
	h.receiver = dst;
	h.payload_size = (uint32_t)len;
	memcpy(h.uuid, TZS_UUID_VIRTIO_MSG_BUS, FFA_UUID_SIZE);
	tzs_ep_mailbox_lock(ep);
	tx = tzs_ep_tx(ep);
	ffa_msg_send2_hdr_encode(tx, FFA_MSG_SEND2_HDR_V1_2_SIZE,
				 FFA_MSG_SEND2_HDR_V1_2_SIZE, &h);
	memcpy(tx + FFA_MSG_SEND2_HDR_V1_2_SIZE, msg, len);
	r = tzs_vcpu_call8(v, FFA_MSG_SEND2, 0, 0, 0, 0, 0, 0, 0);
	tzs_ep_mailbox_unlock(ep);
	if ((uint32_t)r.x[0] == FFA_SUCCESS_32 ||
	    (uint32_t)r.x[0] == FFA_SUCCESS_64) {
		return FFA_OK;
	}
	return (uint32_t)r.x[0] == FFA_ERROR ? ffa_regs_error_code(&r) :
					       FFA_ABORTED;
}

void vmsg_host_rx_clear(struct tzs_ep *ep)
{
	uint32_t n = tzs_ep_mailbox_size(ep);

	if (n > FFA_MSG_SEND2_HDR_V1_2_SIZE) {
		n = FFA_MSG_SEND2_HDR_V1_2_SIZE;
	}
	memset(tzs_ep_rx(ep), 0, n);
}

/*
 * The header checks of an indirect bus message (ffa.md §2.10): addressed
 * to us, from a named sender, payload after the header we expect (20 or
 * 40 bytes) and no bigger than a virtio-msg message.
 */
static bool hdr_ok(const struct ffa_msg_send2_hdr *h, uint16_t self,
		   uint16_t from, uint32_t mb_size)
{
	uint64_t end = 0;

	if (h->flags || h->receiver != self || !h->sender ||
	    (from && h->sender != from)) {
		return false;
	}
	if (h->payload_offset != FFA_MSG_SEND2_HDR_V1_1_SIZE &&
	    h->payload_offset != FFA_MSG_SEND2_HDR_V1_2_SIZE) {
		return false;
	}
	if (h->payload_size < VMSG_HDR_SIZE ||
	    h->payload_size > VMSG_MAX_SIZE) {
		return false;
	}
	return !ovf_add(h->payload_offset, h->payload_size, &end) &&
	       end <= mb_size;
}

static bool all_zero(const uint8_t *p, size_t n)
{
	size_t i = 0;

	for (i = 0; i < n; i++) {
		if (p[i]) {
			return false;
		}
	}
	return true;
}

int vmsg_host_rx_take(struct tzs_vcpu *v, uint16_t self, uint16_t from,
		      uint8_t *buf, size_t cap, size_t *len, uint16_t *sender,
		      bool *foreign)
{
	static const uint8_t nil[FFA_UUID_SIZE];
	struct tzs_ep *ep = tzs_vcpu_ep(v);
	uint8_t hb[FFA_MSG_SEND2_HDR_V1_2_SIZE];
	uint32_t mb = tzs_ep_mailbox_size(ep);
	struct ffa_msg_send2_hdr h;
	int rc = 0;

	if (mb < sizeof(hb)) {
		return 0;
	}
	tzs_ep_mailbox_lock(ep);
	/* Copy the header out of RX once, then validate the copy. */
	memcpy(hb, tzs_ep_rx(ep), sizeof(hb));
	if (all_zero(hb, sizeof(hb))) {
		goto out_unlock;
	}
	if (ffa_msg_send2_hdr_decode(hb, sizeof(hb), &h) != FFA_OK ||
	    !hdr_ok(&h, self, from, mb) || h.payload_size > cap) {
		/*
		 * Garbage, or stale bytes of another RX use (partition info):
		 * drop it so RX cannot stay full forever. Releasing a buffer
		 * we do not own is a harmless DENIED.
		 */
		vmsg_host_rx_clear(ep);
		tzs_vcpu_call8(v, FFA_RX_RELEASE, 0, 0, 0, 0, 0, 0, 0);
		rc = -1;
		goto out_unlock;
	}
	memcpy(buf, tzs_ep_rx(ep) + h.payload_offset, h.payload_size);
	*len = h.payload_size;
	*sender = h.sender;
	*foreign = h.has_uuid && memcmp(h.uuid, nil, FFA_UUID_SIZE) &&
		   memcmp(h.uuid, TZS_UUID_VIRTIO_MSG_BUS, FFA_UUID_SIZE);
	vmsg_host_rx_clear(ep);
	tzs_vcpu_call8(v, FFA_RX_RELEASE, 0, 0, 0, 0, 0, 0, 0);
	rc = 1;
out_unlock:
	tzs_ep_mailbox_unlock(ep);
	return rc;
}
