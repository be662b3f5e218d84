// SPDX-License-Identifier: BSD-2-Clause
/*
 * FFA_MSG_SEND2 indirect message header at the start of the sender's TX
 * buffer (ffa.md §2.10). v1.1 defines 20 bytes; v1.2 appends a reserved
 * u32 and the service UUID (40 bytes). Linux writes the 40-byte header
 * whatever version it negotiated while Hafnium writes 20 bytes at v1.1
 * (ffa.md §7 item 7), so the decoder picks the layout from the payload
 * offset: a payload starting at 40 or later leaves room for the long form.
 */
#include <tzshare/ffa.h>
#include <tzshare/lib.h>

#define SEND2_FLAGS 0
#define SEND2_RESERVED 4
#define SEND2_PAYLOAD_OFFSET 8
#define SEND2_RECEIVER 12
#define SEND2_SENDER 14
#define SEND2_PAYLOAD_SIZE 16
#define SEND2_RESERVED2 20
#define SEND2_UUID 24

/**
 * ffa_msg_send2_hdr_decode() - see ffa.h. Returns FFA_INVALID_PARAMETERS
 * when @len cannot hold the 20-byte header. Whether the payload offset and
 * size are acceptable is for the SPMC to decide.
 */
int ffa_msg_send2_hdr_decode(const uint8_t *buf, size_t len,
			     struct ffa_msg_send2_hdr *hdr)
{
	if (!tzs_range_ok(0, FFA_MSG_SEND2_HDR_V1_1_SIZE, len)) {
		return FFA_INVALID_PARAMETERS;
	}
	hdr->flags = le32_get(buf + SEND2_FLAGS);
	hdr->reserved = le32_get(buf + SEND2_RESERVED);
	hdr->payload_offset = le32_get(buf + SEND2_PAYLOAD_OFFSET);
	hdr->receiver = le16_get(buf + SEND2_RECEIVER);
	hdr->sender = le16_get(buf + SEND2_SENDER);
	hdr->payload_size = le32_get(buf + SEND2_PAYLOAD_SIZE);
	hdr->has_uuid = hdr->payload_offset >= FFA_MSG_SEND2_HDR_V1_2_SIZE &&
			tzs_range_ok(0, FFA_MSG_SEND2_HDR_V1_2_SIZE, len);
	if (!hdr->has_uuid) {
		hdr->reserved2 = 0;
		tzs_memset(hdr->uuid, 0, FFA_UUID_SIZE);
		return FFA_OK;
	}
	hdr->reserved2 = le32_get(buf + SEND2_RESERVED2);
	tzs_memcpy(hdr->uuid, buf + SEND2_UUID, FFA_UUID_SIZE);
	return FFA_OK;
}

/**
 * ffa_msg_send2_hdr_encode() - write the 20- or 40-byte header; the
 * reserved fields are written as zero whatever @hdr holds. Returns
 * @hdr_size, or 0 for another size or a too small @cap.
 */
size_t ffa_msg_send2_hdr_encode(uint8_t *buf, size_t cap, size_t hdr_size,
				const struct ffa_msg_send2_hdr *hdr)
{
	if (hdr_size != FFA_MSG_SEND2_HDR_V1_1_SIZE &&
	    hdr_size != FFA_MSG_SEND2_HDR_V1_2_SIZE) {
		return 0;
	}
	if (cap < hdr_size) {
		return 0;
	}
	le32_put(buf + SEND2_FLAGS, hdr->flags);
	le32_put(buf + SEND2_RESERVED, 0);
	le32_put(buf + SEND2_PAYLOAD_OFFSET, hdr->payload_offset);
	le16_put(buf + SEND2_RECEIVER, hdr->receiver);
	le16_put(buf + SEND2_SENDER, hdr->sender);
	le32_put(buf + SEND2_PAYLOAD_SIZE, hdr->payload_size);
	if (hdr_size == FFA_MSG_SEND2_HDR_V1_2_SIZE) {
		le32_put(buf + SEND2_RESERVED2, 0);
		tzs_memcpy(buf + SEND2_UUID, hdr->uuid, FFA_UUID_SIZE);
	}
	return hdr_size;
}
