// SPDX-License-Identifier: BSD-2-Clause
/*
 * virtio-vsock packet header, device config and event buffer
 * (virtio-msg.md §4; virtio v1.2 §5.10). Fields are read and written at
 * explicit offsets, little-endian, never through a struct overlay.
 */
#include <tzshare/lib.h>
#include <tzshare/vsock.h>

#define HDR_SRC_CID 0
#define HDR_DST_CID 8
#define HDR_SRC_PORT 16
#define HDR_DST_PORT 20
#define HDR_LEN 24
#define HDR_TYPE 28
#define HDR_OP 30
#define HDR_FLAGS 32
#define HDR_BUF_ALLOC 36
#define HDR_FWD_CNT 40

_Static_assert(HDR_FWD_CNT + 4 == VSOCK_HDR_SIZE && VSOCK_HDR_SIZE == 44,
	       "virtio_vsock_hdr is 44 bytes, packed");
_Static_assert(VSOCK_CONFIG_SIZE == 8, "virtio_vsock_config: le64 guest_cid");
_Static_assert(VSOCK_EVENT_SIZE == 4, "virtio_vsock_event: le32 id");

static const char *const op_names[] = {
	[VSOCK_OP_INVALID] = "INVALID",
	[VSOCK_OP_REQUEST] = "REQUEST",
	[VSOCK_OP_RESPONSE] = "RESPONSE",
	[VSOCK_OP_RST] = "RST",
	[VSOCK_OP_SHUTDOWN] = "SHUTDOWN",
	[VSOCK_OP_RW] = "RW",
	[VSOCK_OP_CREDIT_UPDATE] = "CREDIT_UPDATE",
	[VSOCK_OP_CREDIT_REQUEST] = "CREDIT_REQUEST",
	[VSOCK_OP_SHMEM] = "SHMEM",
};
_Static_assert(TZS_ARRAY_SIZE(op_names) == VSOCK_OP_MAX + 1,
	       "a name for every known op");

bool vsock_op_known(uint16_t op)
{
	return op <= VSOCK_OP_MAX;
}

const char *vsock_op_name(uint16_t op)
{
	return vsock_op_known(op) ? op_names[op] : "?";
}

/* Flag bits @op defines: SHUTDOWN's two, RW's EOM/EOR on SEQPACKET only. */
static uint32_t flags_defined(uint16_t op, uint16_t type)
{
	if (op == VSOCK_OP_SHUTDOWN) {
		return VSOCK_SHUTDOWN_MASK;
	}
	if (op == VSOCK_OP_RW && type == VSOCK_TYPE_SEQPACKET) {
		return VSOCK_SEQ_MASK;
	}
	return 0;
}

static bool op_has_payload(uint16_t op)
{
	return op == VSOCK_OP_RW || op == VSOCK_OP_SHMEM;
}

uint32_t vsock_hdr_odd(const struct vsock_hdr *hdr)
{
	uint32_t odd = 0;

	if (hdr->type != VSOCK_TYPE_STREAM &&
	    hdr->type != VSOCK_TYPE_SEQPACKET) {
		odd |= VSOCK_ODD_TYPE;
	}
	if (hdr->flags & ~flags_defined(hdr->op, hdr->type)) {
		odd |= VSOCK_ODD_FLAGS;
	}
	/* "The upper 32 bits of src_cid and dst_cid are reserved and zeroed" */
	if ((hdr->src_cid | hdr->dst_cid) >> 32) {
		odd |= VSOCK_ODD_CID;
	}
	if (hdr->len && !op_has_payload(hdr->op)) {
		odd |= VSOCK_ODD_LEN;
	}
	return odd;
}

/**
 * vsock_hdr_decode() - see vsock.h. Errors, in this order:
 * 1. VSOCK_E_TRUNCATED: @len < 44; nothing is written.
 * 2. VSOCK_E_UNKNOWN_OP: op > 8; @hdr and @odd are filled.
 */
int vsock_hdr_decode(const uint8_t *buf, size_t len, struct vsock_hdr *hdr,
		     uint32_t *odd)
{
	if (!tzs_range_ok(0, VSOCK_HDR_SIZE, len)) {
		return VSOCK_E_TRUNCATED;
	}
	hdr->src_cid = le64_get(buf + HDR_SRC_CID);
	hdr->dst_cid = le64_get(buf + HDR_DST_CID);
	hdr->src_port = le32_get(buf + HDR_SRC_PORT);
	hdr->dst_port = le32_get(buf + HDR_DST_PORT);
	hdr->len = le32_get(buf + HDR_LEN);
	hdr->type = le16_get(buf + HDR_TYPE);
	hdr->op = le16_get(buf + HDR_OP);
	hdr->flags = le32_get(buf + HDR_FLAGS);
	hdr->buf_alloc = le32_get(buf + HDR_BUF_ALLOC);
	hdr->fwd_cnt = le32_get(buf + HDR_FWD_CNT);
	if (odd) {
		*odd = vsock_hdr_odd(hdr);
	}
	return vsock_op_known(hdr->op) ? VSOCK_OK : VSOCK_E_UNKNOWN_OP;
}

int vsock_pkt_decode(const uint8_t *buf, size_t len, struct vsock_hdr *hdr,
		     const uint8_t **payload, uint32_t *odd)
{
	uint64_t end = 0;
	int ret = vsock_hdr_decode(buf, len, hdr, odd);

	if (ret != VSOCK_OK) {
		return ret;
	}
	if (ovf_add(VSOCK_HDR_SIZE, hdr->len, &end) || end > len) {
		return VSOCK_E_TRUNCATED;
	}
	if (end < len) {
		return VSOCK_E_LENGTH;
	}
	*payload = buf + VSOCK_HDR_SIZE;
	return VSOCK_OK;
}

int vsock_hdr_encode(const struct vsock_hdr *hdr, uint8_t *buf, size_t len)
{
	if (!vsock_op_known(hdr->op)) {
		return VSOCK_E_UNKNOWN_OP;
	}
	if (!tzs_range_ok(0, VSOCK_HDR_SIZE, len)) {
		return VSOCK_E_NOSPACE;
	}
	le64_put(buf + HDR_SRC_CID, hdr->src_cid);
	le64_put(buf + HDR_DST_CID, hdr->dst_cid);
	le32_put(buf + HDR_SRC_PORT, hdr->src_port);
	le32_put(buf + HDR_DST_PORT, hdr->dst_port);
	le32_put(buf + HDR_LEN, hdr->len);
	le16_put(buf + HDR_TYPE, hdr->type);
	le16_put(buf + HDR_OP, hdr->op);
	le32_put(buf + HDR_FLAGS, hdr->flags);
	le32_put(buf + HDR_BUF_ALLOC, hdr->buf_alloc);
	le32_put(buf + HDR_FWD_CNT, hdr->fwd_cnt);
	return VSOCK_HDR_SIZE;
}

/* Exactly @size bytes: short is truncated, long is a length error. */
static int exact_size(size_t len, size_t size)
{
	if (!tzs_range_ok(0, size, len)) {
		return VSOCK_E_TRUNCATED;
	}
	return len == size ? VSOCK_OK : VSOCK_E_LENGTH;
}

int vsock_config_decode(const uint8_t *buf, size_t len, uint64_t *guest_cid,
			uint32_t *odd)
{
	int ret = exact_size(len, VSOCK_CONFIG_SIZE);

	if (ret != VSOCK_OK) {
		return ret;
	}
	*guest_cid = le64_get(buf);
	if (odd) {
		*odd = (*guest_cid >> 32) ? VSOCK_ODD_CID : 0;
	}
	return VSOCK_OK;
}

int vsock_config_encode(uint64_t guest_cid, uint8_t *buf, size_t len)
{
	if (!tzs_range_ok(0, VSOCK_CONFIG_SIZE, len)) {
		return VSOCK_E_NOSPACE;
	}
	le64_put(buf, guest_cid);
	return VSOCK_CONFIG_SIZE;
}

/* The device writes one event per 4-byte buffer; @len is what it wrote. */
int vsock_event_decode(const uint8_t *buf, size_t len, uint32_t *id)
{
	int ret = exact_size(len, VSOCK_EVENT_SIZE);

	if (ret != VSOCK_OK) {
		return ret;
	}
	*id = le32_get(buf);
	if (*id != VSOCK_EVENT_TRANSPORT_RESET) {
		return VSOCK_E_UNKNOWN_EVENT;
	}
	return VSOCK_OK;
}

int vsock_event_encode(uint32_t id, uint8_t *buf, size_t len)
{
	if (id != VSOCK_EVENT_TRANSPORT_RESET) {
		return VSOCK_E_UNKNOWN_EVENT;
	}
	if (!tzs_range_ok(0, VSOCK_EVENT_SIZE, len)) {
		return VSOCK_E_NOSPACE;
	}
	le32_put(buf, id);
	return VSOCK_EVENT_SIZE;
}
