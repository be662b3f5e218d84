/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * virtio-vsock packet codec (portable): the 44-byte packet header, the
 * device config (guest_cid), the event buffer and our OP_SHMEM payload
 * (architecture.md §3, virtio-msg.md §3-4).
 *
 *   header: 0 src_cid le64, 8 dst_cid le64, 16 src_port le32,
 *           20 dst_port le32, 24 len le32 (payload bytes), 28 type le16,
 *           30 op le16, 32 flags le32, 36 buf_alloc le32, 40 fwd_cnt le32
 *
 * Decoding checks structure only: enough bytes, a known op. Everything else
 * a peer may get wrong without making the packet unparseable (an unknown
 * type, flags the op does not define, set upper CID bits, a payload length
 * on a control op) is reported in an "odd" bit mask, so that the protocol
 * layer decides between RST, drop and tolerate. Constants are checked
 * against the Linux uapi headers in tests/unit/vsock/abi_test.c.
 */
#ifndef TZSHARE_VSOCK_H
#define TZSHARE_VSOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Codec results (negative). */
enum vsock_error {
	VSOCK_OK = 0,
	VSOCK_E_TRUNCATED = -1, /* fewer bytes than the layout needs */
	VSOCK_E_UNKNOWN_OP = -2, /* header op not 0..8 (hdr still filled) */
	VSOCK_E_NOSPACE = -3, /* encoder: buffer too small */
	VSOCK_E_LENGTH = -4, /* bytes beyond what the layout / len covers */
	VSOCK_E_UNKNOWN_EVENT = -5, /* event id other than TRANSPORT_RESET */
	VSOCK_E_UNKNOWN_SUBOP = -6, /* OP_SHMEM subop not 0..3 */
	VSOCK_E_UNKNOWN_SHM_TYPE = -7, /* OP_SHMEM type not FF-A */
	VSOCK_E_UNKNOWN_KIND = -8, /* OP_SHMEM kind not 0..2 */
};

#define VSOCK_HDR_SIZE 44
#define VSOCK_CONFIG_SIZE 8
#define VSOCK_EVENT_SIZE 4
#define VSOCK_SHMEM_SIZE 56

/* Device ID and feature bits (virtio-msg.md §4). */
#define VSOCK_DEVICE_ID 19
#define VSOCK_F_STREAM 0
#define VSOCK_F_SEQPACKET 1
#define VSOCK_F_NO_IMPLIED_STREAM 2

/* Queues. */
#define VSOCK_VQ_RX 0
#define VSOCK_VQ_TX 1
#define VSOCK_VQ_EVENT 2

/* Socket types (header type field). */
#define VSOCK_TYPE_STREAM 1
#define VSOCK_TYPE_SEQPACKET 2

/* Ops; 8 is our shared-memory extension (architecture.md §3). */
enum vsock_op {
	VSOCK_OP_INVALID = 0,
	VSOCK_OP_REQUEST = 1,
	VSOCK_OP_RESPONSE = 2,
	VSOCK_OP_RST = 3,
	VSOCK_OP_SHUTDOWN = 4,
	VSOCK_OP_RW = 5,
	VSOCK_OP_CREDIT_UPDATE = 6,
	VSOCK_OP_CREDIT_REQUEST = 7,
	VSOCK_OP_SHMEM = 8,
};
#define VSOCK_OP_MAX VSOCK_OP_SHMEM

/* OP_SHUTDOWN flags: the sender will not receive / not send any more. */
#define VSOCK_SHUTDOWN_RCV 0x1u
#define VSOCK_SHUTDOWN_SEND 0x2u
#define VSOCK_SHUTDOWN_MASK 0x3u

/* OP_RW flags on SEQPACKET: end of message, end of record. */
#define VSOCK_SEQ_EOM 0x1u
#define VSOCK_SEQ_EOR 0x2u
#define VSOCK_SEQ_MASK 0x3u

/* Event ids (event queue). */
#define VSOCK_EVENT_TRANSPORT_RESET 0

/* Well-known CIDs (linux/vm_sockets.h); 0, 1 and ANY are reserved. */
#define VSOCK_CID_HYPERVISOR 0u
#define VSOCK_CID_LOCAL 1u
#define VSOCK_CID_HOST 2u
#define VSOCK_CID_ANY 0xFFFFFFFFu

/* "Odd" bits: set by a successful decode, never a reason to fail it. */
#define VSOCK_ODD_TYPE 0x1u /* type is neither STREAM nor SEQPACKET */
#define VSOCK_ODD_FLAGS 0x2u /* flag bits the op (and type) do not define */
#define VSOCK_ODD_CID 0x4u /* upper 32 bits of a CID set (reserved) */
#define VSOCK_ODD_LEN 0x8u /* len != 0 on an op that carries no payload */

struct vsock_hdr {
	uint64_t src_cid;
	uint64_t dst_cid;
	uint32_t src_port;
	uint32_t dst_port;
	uint32_t len;
	uint16_t type;
	uint16_t op;
	uint32_t flags;
	uint32_t buf_alloc;
	uint32_t fwd_cnt;
};

/*
 * Decode the 44-byte header at @buf (@len bytes available; more is fine,
 * the payload lives elsewhere or after it). Returns VSOCK_OK,
 * VSOCK_E_TRUNCATED (@hdr untouched) or VSOCK_E_UNKNOWN_OP (@hdr filled, so
 * the caller can answer with RST on the same tuple). @odd (may be NULL)
 * receives the VSOCK_ODD_* mask on VSOCK_OK and VSOCK_E_UNKNOWN_OP.
 */
int vsock_hdr_decode(const uint8_t *buf, size_t len, struct vsock_hdr *hdr,
		     uint32_t *odd);

/* VSOCK_ODD_* bits of a header; what vsock_hdr_decode() reports. */
uint32_t vsock_hdr_odd(const struct vsock_hdr *hdr);

/*
 * Decode a whole packet: header plus exactly hdr.len payload bytes.
 * *payload points into @buf. Errors: those of vsock_hdr_decode(), then
 * VSOCK_E_TRUNCATED when fewer than hdr.len bytes follow and
 * VSOCK_E_LENGTH when more do.
 */
int vsock_pkt_decode(const uint8_t *buf, size_t len, struct vsock_hdr *hdr,
		     const uint8_t **payload, uint32_t *odd);

/*
 * Encode @hdr into @buf. Returns VSOCK_HDR_SIZE, VSOCK_E_NOSPACE or
 * VSOCK_E_UNKNOWN_OP (we never emit an op we would not accept). Every other
 * field is written as given.
 */
int vsock_hdr_encode(const struct vsock_hdr *hdr, uint8_t *buf, size_t len);

bool vsock_op_known(uint16_t op);
/* "REQUEST", ..., "SHMEM"; "?" for an unknown op. */
const char *vsock_op_name(uint16_t op);

/*
 * Device config: guest_cid le64. Decode sets @odd (may be NULL) to
 * VSOCK_ODD_CID when the upper 32 bits are set. The reserved low values
 * (0, 1, ANY) are not flagged: OP-TEE's device reports CID 0
 * (virtio-msg.md §4), which is the protocol layer's call. Config and event
 * decoders take exactly their size: VSOCK_E_TRUNCATED when short,
 * VSOCK_E_LENGTH when long.
 */
int vsock_config_decode(const uint8_t *buf, size_t len, uint64_t *guest_cid,
			uint32_t *odd);
int vsock_config_encode(uint64_t guest_cid, uint8_t *buf, size_t len);

/* Event buffer: id le32; only TRANSPORT_RESET is defined. */
int vsock_event_decode(const uint8_t *buf, size_t len, uint32_t *id);
int vsock_event_encode(uint32_t id, uint8_t *buf, size_t len);

/*
 * OP_SHMEM payload (architecture.md §3), 56 bytes little-endian:
 *   0 subop u32, 4 type u32, 8 kind u32, 12 flags u32, 16 offer_id u64,
 *   24 bus_addr u64, 32 size u64, 40 ffa_handle u64, 48 ffa_tag u64
 * Every subop carries the full descriptor of the offer it concerns;
 * offer_id names the offer.
 */
enum vsock_shmem_subop {
	VSOCK_SHMEM_OFFER = 0, /* drv -> dev */
	VSOCK_SHMEM_REVOKE = 1, /* drv -> dev */
	VSOCK_SHMEM_REVOKE_DONE = 2, /* dev -> drv */
	VSOCK_SHMEM_OFFER_REJECT = 3, /* dev -> drv */
};
#define VSOCK_SHMEM_SUBOP_MAX VSOCK_SHMEM_OFFER_REJECT

#define VSOCK_SHMEM_TYPE_FFA 1

enum vsock_shmem_kind {
	VSOCK_SHMEM_SHARE = 0,
	VSOCK_SHMEM_LEND = 1,
	VSOCK_SHMEM_SEND_SECURE = 2,
};
#define VSOCK_SHMEM_KIND_MAX VSOCK_SHMEM_SEND_SECURE

#define VSOCK_SHMEM_F_WRITABLE 0x1u
#define VSOCK_SHMEM_F_MASK 0x1u

struct vsock_shmem {
	uint32_t subop;
	uint32_t type;
	uint32_t kind;
	uint32_t flags;
	uint64_t offer_id;
	uint64_t bus_addr;
	uint64_t size;
	uint64_t ffa_handle;
	uint64_t ffa_tag;
};

/*
 * Decode a payload of exactly VSOCK_SHMEM_SIZE bytes. Errors, in order:
 * VSOCK_E_TRUNCATED (short), VSOCK_E_LENGTH (long), then
 * VSOCK_E_UNKNOWN_SUBOP, VSOCK_E_UNKNOWN_SHM_TYPE, VSOCK_E_UNKNOWN_KIND.
 * @odd (may be NULL) gets VSOCK_ODD_FLAGS for reserved flag bits.
 */
int vsock_shmem_decode(const uint8_t *buf, size_t len, struct vsock_shmem *m,
		       uint32_t *odd);

/*
 * Encode @m. Returns VSOCK_SHMEM_SIZE, VSOCK_E_NOSPACE or the decode error
 * for an unknown subop, type or kind. Reserved flag bits are written as
 * given (decode reports them, it does not reject them).
 */
int vsock_shmem_encode(const struct vsock_shmem *m, uint8_t *buf, size_t len);

#endif /* TZSHARE_VSOCK_H */
