/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * FF-A v1.2 ABI: function IDs, error codes, version encoding, register
 * frames, and the codec for every descriptor that crosses a world boundary
 * (DEN0077A v1.2, memory management in DEN0140; digest in ffa.md).
 *
 * The codec is portable (freestanding). It only checks structure: that every
 * field it reads lies inside the buffer and that offsets do not overflow.
 * Protocol rules (who may send what) live in the SPMC validators.
 */
#ifndef TZSHARE_FFA_H
#define TZSHARE_FFA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---------------------------------------------------------------------- */
/* Register frames (SMCCC v1.2: x0..x17)                                   */

#define FFA_REG_COUNT 18

/** An FF-A call or its result: the registers x0..x17 of an SMC. */
struct ffa_regs {
	uint64_t x[FFA_REG_COUNT];
};

/* ---------------------------------------------------------------------- */
/* Error codes (w2 of FFA_ERROR, ffa.md §1.2). 0 is success.               */

enum ffa_error {
	FFA_OK = 0,
	FFA_NOT_SUPPORTED = -1,
	FFA_INVALID_PARAMETERS = -2,
	FFA_NO_MEMORY = -3,
	FFA_BUSY = -4,
	FFA_INTERRUPTED = -5,
	FFA_DENIED = -6,
	FFA_RETRY = -7,
	FFA_ABORTED = -8,
	FFA_NO_DATA = -9,
	FFA_NOT_READY = -10,
};

/** Name of an FF-A error ("DENIED"), or "UNKNOWN". */
const char *ffa_error_name(int err);

/* ---------------------------------------------------------------------- */
/* Function IDs (ffa.md §1.4)                                              */

#define FFA_SMC64_BIT 0x40000000u
#define FFA_FID_IS_SMC64(fid) (((fid)&FFA_SMC64_BIT) != 0)
#define FFA_FID_SMC32(fid) ((uint32_t)(fid) & ~FFA_SMC64_BIT)

#define FFA_ERROR 0x84000060u
#define FFA_SUCCESS_32 0x84000061u
#define FFA_SUCCESS_64 0xC4000061u
#define FFA_INTERRUPT 0x84000062u
#define FFA_VERSION 0x84000063u
#define FFA_FEATURES 0x84000064u
#define FFA_RX_RELEASE 0x84000065u
#define FFA_RXTX_MAP_32 0x84000066u
#define FFA_RXTX_MAP_64 0xC4000066u
#define FFA_RXTX_UNMAP 0x84000067u
#define FFA_PARTITION_INFO_GET 0x84000068u
#define FFA_ID_GET 0x84000069u
#define FFA_MSG_POLL 0x8400006Au
#define FFA_MSG_WAIT 0x8400006Bu
#define FFA_YIELD 0x8400006Cu
#define FFA_RUN 0x8400006Du
#define FFA_MSG_SEND 0x8400006Eu
#define FFA_MSG_SEND_DIRECT_REQ_32 0x8400006Fu
#define FFA_MSG_SEND_DIRECT_REQ_64 0xC400006Fu
#define FFA_MSG_SEND_DIRECT_RESP_32 0x84000070u
#define FFA_MSG_SEND_DIRECT_RESP_64 0xC4000070u
#define FFA_MEM_DONATE_32 0x84000071u
#define FFA_MEM_DONATE_64 0xC4000071u
#define FFA_MEM_LEND_32 0x84000072u
#define FFA_MEM_LEND_64 0xC4000072u
#define FFA_MEM_SHARE_32 0x84000073u
#define FFA_MEM_SHARE_64 0xC4000073u
#define FFA_MEM_RETRIEVE_REQ_32 0x84000074u
#define FFA_MEM_RETRIEVE_REQ_64 0xC4000074u
#define FFA_MEM_RETRIEVE_RESP 0x84000075u
#define FFA_MEM_RELINQUISH 0x84000076u
#define FFA_MEM_RECLAIM 0x84000077u
#define FFA_MEM_OP_PAUSE 0x84000078u
#define FFA_MEM_OP_RESUME 0x84000079u
#define FFA_MEM_FRAG_RX 0x8400007Au
#define FFA_MEM_FRAG_TX 0x8400007Bu
#define FFA_NORMAL_WORLD_RESUME 0x8400007Cu
#define FFA_NOTIFICATION_BITMAP_CREATE 0x8400007Du
#define FFA_NOTIFICATION_BITMAP_DESTROY 0x8400007Eu
#define FFA_NOTIFICATION_BIND 0x8400007Fu
#define FFA_NOTIFICATION_UNBIND 0x84000080u
#define FFA_NOTIFICATION_SET 0x84000081u
#define FFA_NOTIFICATION_GET 0x84000082u
#define FFA_NOTIFICATION_INFO_GET_32 0x84000083u
#define FFA_NOTIFICATION_INFO_GET_64 0xC4000083u
#define FFA_RX_ACQUIRE 0x84000084u
#define FFA_SPM_ID_GET 0x84000085u
#define FFA_MSG_SEND2 0x84000086u
#define FFA_SECONDARY_EP_REGISTER_32 0x84000087u
#define FFA_SECONDARY_EP_REGISTER_64 0xC4000087u
#define FFA_MEM_PERM_GET_32 0x84000088u
#define FFA_MEM_PERM_GET_64 0xC4000088u
#define FFA_MEM_PERM_SET_32 0x84000089u
#define FFA_MEM_PERM_SET_64 0xC4000089u
#define FFA_CONSOLE_LOG_32 0x8400008Au
#define FFA_CONSOLE_LOG_64 0xC400008Au
#define FFA_PARTITION_INFO_GET_REGS 0xC400008Bu
#define FFA_EL3_INTR_HANDLE 0x8400008Cu
#define FFA_MSG_SEND_DIRECT_REQ2 0xC400008Du
#define FFA_MSG_SEND_DIRECT_RESP2 0xC400008Eu

/* FFA_FEATURES feature IDs (w1 bit31 = 0). */
#define FFA_FEATURE_NPI 1u
#define FFA_FEATURE_SRI 2u
#define FFA_FEATURE_MEI 3u

/* Interrupt IDs we report for the feature IDs above (hosted model). */
#define FFA_NPI_INTID 7u
#define FFA_SRI_INTID 8u
#define FFA_MEI_INTID 9u

/* ---------------------------------------------------------------------- */
/* Versions (ffa.md §1.3)                                                  */

#define FFA_VERSION_MAKE(maj, min) (((uint32_t)(maj) << 16) | (uint32_t)(min))
#define FFA_VERSION_MAJOR(v) (((v) >> 16) & 0x7FFFu)
#define FFA_VERSION_MINOR(v) ((v)&0xFFFFu)
#define FFA_VERSION_1_0 FFA_VERSION_MAKE(1, 0)
#define FFA_VERSION_1_1 FFA_VERSION_MAKE(1, 1)
#define FFA_VERSION_1_2 FFA_VERSION_MAKE(1, 2)
#define FFA_VERSION_COMPILED FFA_VERSION_1_2

/* ---------------------------------------------------------------------- */
/* Endpoint IDs                                                            */

#define FFA_ID_SECURE_BIT 0x8000u
#define FFA_ID_IS_SECURE(id) (((id)&FFA_ID_SECURE_BIT) != 0)
#define FFA_SPMC_ID 0x8000u /* our SPMC's own endpoint ID (FFA_SPM_ID_GET) */
#define FFA_HYPERVISOR_ID 0x0000u

/* ---------------------------------------------------------------------- */
/* Memory region attributes (ffa.md §2.4) and permissions (§2.5)           */

#define FFA_MEM_ATTR_SHAREABILITY_MASK 0x3u
#define FFA_MEM_ATTR_NON_SHAREABLE 0x0u
#define FFA_MEM_ATTR_OUTER_SHAREABLE 0x2u
#define FFA_MEM_ATTR_INNER_SHAREABLE 0x3u
#define FFA_MEM_ATTR_CACHE_SHIFT 2
#define FFA_MEM_ATTR_CACHE_MASK (0x3u << 2)
#define FFA_MEM_ATTR_NORMAL_NC (0x1u << 2)
#define FFA_MEM_ATTR_NORMAL_WB (0x3u << 2)
#define FFA_MEM_ATTR_DEV_NGNRNE (0x0u << 2)
#define FFA_MEM_ATTR_DEV_NGNRE (0x1u << 2)
#define FFA_MEM_ATTR_DEV_NGRE (0x2u << 2)
#define FFA_MEM_ATTR_DEV_GRE (0x3u << 2)
#define FFA_MEM_ATTR_TYPE_SHIFT 4
#define FFA_MEM_ATTR_TYPE_MASK (0x3u << 4)
#define FFA_MEM_ATTR_TYPE_UNSPECIFIED (0x0u << 4)
#define FFA_MEM_ATTR_TYPE_DEVICE (0x1u << 4)
#define FFA_MEM_ATTR_TYPE_NORMAL (0x2u << 4)
#define FFA_MEM_ATTR_NS (0x1u << 6)
#define FFA_MEM_ATTR_MBZ_MASK 0xFF80u
/* Normal, write-back, inner shareable: what Linux, OP-TEE and Xen use. */
#define FFA_MEM_ATTR_NORMAL_WB_IS 0x2Fu

#define FFA_PERM_DATA_MASK 0x3u
#define FFA_PERM_DATA_NOT_SPECIFIED 0x0u
#define FFA_PERM_DATA_RO 0x1u
#define FFA_PERM_DATA_RW 0x2u
#define FFA_PERM_DATA_RESERVED 0x3u
#define FFA_PERM_INSTR_MASK (0x3u << 2)
#define FFA_PERM_INSTR_NOT_SPECIFIED (0x0u << 2)
#define FFA_PERM_INSTR_NX (0x1u << 2)
#define FFA_PERM_INSTR_X (0x2u << 2)
#define FFA_PERM_INSTR_RESERVED (0x3u << 2)
#define FFA_PERM_MBZ_MASK 0xF0u

/* ---------------------------------------------------------------------- */
/* Transaction flags (ffa.md §2.6)                                         */

#define FFA_MEM_FLAG_CLEAR (1u << 0) /* send / retrieve req */
#define FFA_MEM_FLAG_TIME_SLICE (1u << 1) /* send / retrieve req */
#define FFA_MEM_FLAG_CLEAR_RELINQUISH (1u << 2) /* retrieve req */
#define FFA_MEM_FLAG_TYPE_SHIFT 3
#define FFA_MEM_FLAG_TYPE_MASK (0x3u << 3)
#define FFA_MEM_FLAG_TYPE_UNSPECIFIED (0x0u << 3)
#define FFA_MEM_FLAG_TYPE_SHARE (0x1u << 3)
#define FFA_MEM_FLAG_TYPE_LEND (0x2u << 3)
#define FFA_MEM_FLAG_TYPE_DONATE (0x3u << 3)
#define FFA_MEM_FLAG_HINT_SHIFT 5
#define FFA_MEM_FLAG_HINT_MASK (0xFu << 5)
#define FFA_MEM_FLAG_HINT_VALID (1u << 9)
#define FFA_MEM_FLAG_BYPASS_BORROWER_CHECK (1u << 10) /* v1.2 */
#define FFA_MEM_SEND_FLAGS_MASK 0x3u
#define FFA_MEM_RETRIEVE_FLAGS_MASK_V1_1 0x3FFu
#define FFA_MEM_RETRIEVE_FLAGS_MASK_V1_2 0x7FFu
#define FFA_MEM_RELINQUISH_FLAG_CLEAR (1u << 0)
#define FFA_MEM_RECLAIM_FLAG_CLEAR (1u << 0)
#define FFA_MEM_RECLAIM_FLAG_TIME_SLICE (1u << 1)

/* EMAD receiver flags (byte 3). */
#define FFA_EMAD_FLAG_RETRIEVER (1u << 0)

/* Memory handles (ffa.md §2.7). */
#define FFA_HANDLE_ALLOCATOR_HYP (1ull << 63)
#define FFA_HANDLE_INVALID (~0ull)

/* Transaction kinds as used inside tzshare (not a wire encoding). */
enum ffa_mem_kind {
	FFA_MEM_KIND_SHARE = 1,
	FFA_MEM_KIND_LEND = 2,
	FFA_MEM_KIND_DONATE = 3,
};

/* ---------------------------------------------------------------------- */
/* Descriptor layouts and their sizes                                      */

#define FFA_MTD_SIZE 48 /* v1.1/v1.2 memory transaction descriptor */
#define FFA_MTD_V1_0_SIZE 32 /* v1.0 header; EMADs follow at 32 */
#define FFA_EMAD_V1_0_SIZE 16 /* v1.0 and v1.1 */
#define FFA_EMAD_V1_2_SIZE 32 /* v1.2: adds 16 bytes impdef + 8 reserved */
#define FFA_COMPOSITE_SIZE 16
#define FFA_CONSTITUENT_SIZE 16
#define FFA_RELINQUISH_HDR_SIZE 16
#define FFA_PART_INFO_V1_0_SIZE 8
#define FFA_PART_INFO_SIZE 24 /* v1.1 and v1.2 */
#define FFA_MSG_SEND2_HDR_V1_1_SIZE 20
#define FFA_MSG_SEND2_HDR_V1_2_SIZE 40
#define FFA_UUID_SIZE 16

/** Memory transaction descriptor header, decoded (any version). */
struct ffa_mtd {
	uint16_t sender;
	uint16_t attributes; /* v1.0: one byte, widened */
	uint32_t flags;
	uint64_t handle;
	uint64_t tag;
	uint32_t emad_size; /* v1.0: implicit 16 */
	uint32_t emad_count;
	uint32_t emad_offset; /* v1.0: implicit 32 */
	bool reserved_nonzero; /* any MBZ byte of the header was set */
};

/** Endpoint memory access descriptor, decoded. */
struct ffa_emad {
	uint16_t receiver;
	uint8_t perms;
	uint8_t flags;
	uint32_t composite_offset;
	uint64_t impdef[2]; /* v1.2 only; zero otherwise */
	bool reserved_nonzero; /* MBZ bytes (8..15 at v1.0/1.1, 24..31 at v1.2) */
};

/** Composite memory region descriptor header. */
struct ffa_composite {
	uint32_t page_count;
	uint32_t constituent_count;
	uint64_t reserved;
};

/** Constituent (address range) descriptor. */
struct ffa_constituent {
	uint64_t address;
	uint32_t page_count;
	uint32_t reserved;
};

/*
 * Header layout selection: a v1.0 caller uses the 32-byte header with
 * implicit 16-byte EMADs at offset 32; v1.1+ use the 48-byte header with
 * explicit EMAD size and offset.
 */
static inline bool ffa_version_uses_v1_0_mtd(uint32_t version)
{
	return version < 0x10001u;
}

/** EMAD size a caller of @version writes (16 or 32). */
static inline uint32_t ffa_emad_size_for_version(uint32_t version)
{
	return version >= 0x10002u ? FFA_EMAD_V1_2_SIZE : FFA_EMAD_V1_0_SIZE;
}

/** Offset of the EMAD array a caller of @version writes (32 or 48). */
static inline uint32_t ffa_emad_offset_for_version(uint32_t version)
{
	return ffa_version_uses_v1_0_mtd(version) ? FFA_MTD_V1_0_SIZE :
						    FFA_MTD_SIZE;
}

/*
 * Decoders: return FFA_OK or FFA_INVALID_PARAMETERS when the object does
 * not fit in @len bytes. They never read outside [buf, buf + len).
 */
int ffa_mtd_decode(const uint8_t *buf, size_t len, uint32_t version,
		   struct ffa_mtd *mtd);
/* EMAD @index at mtd->emad_offset + index * mtd->emad_size. The EMAD size
 * selects the layout (16: no impdef; >= 32: v1.2 with impdef). */
int ffa_emad_decode(const uint8_t *buf, size_t len, const struct ffa_mtd *mtd,
		    uint32_t index, struct ffa_emad *emad);
int ffa_composite_decode(const uint8_t *buf, size_t len, uint64_t offset,
			 struct ffa_composite *comp);
int ffa_constituent_decode(const uint8_t *buf, size_t len, uint64_t offset,
			   struct ffa_constituent *cons);

/*
 * Encoders: return the number of bytes written, or 0 when @cap is too
 * small. Reserved bytes are written as zero.
 */
size_t ffa_mtd_encode(uint8_t *buf, size_t cap, uint32_t version,
		      const struct ffa_mtd *mtd);
size_t ffa_emad_encode(uint8_t *buf, size_t cap, uint32_t emad_size,
		       const struct ffa_emad *emad);
size_t ffa_composite_encode(uint8_t *buf, size_t cap,
			    const struct ffa_composite *comp);
size_t ffa_constituent_encode(uint8_t *buf, size_t cap,
			      const struct ffa_constituent *cons);

/** What a sender (or our tests) puts in a complete MEM_SHARE/LEND/DONATE. */
struct ffa_mem_send_desc {
	uint32_t version; /* selects the layout */
	uint16_t sender;
	uint16_t attributes;
	uint32_t flags;
	uint64_t tag;
	uint32_t emad_count;
	const struct ffa_emad *emads; /* composite_offset is filled in */
	uint32_t constituent_count;
	const struct ffa_constituent *constituents;
};

/**
 * ffa_mem_send_desc_len() - total length of the encoded send descriptor
 * (header + EMADs + composite + constituents), or 0 on overflow.
 */
size_t ffa_mem_send_desc_len(const struct ffa_mem_send_desc *d);

/**
 * ffa_mem_send_desc_encode() - encode a whole send descriptor into @buf.
 * The composite follows the EMAD array directly (16-byte aligned, as Linux
 * and Hafnium place it); its page count is the sum of the constituents.
 * Returns the length written or 0 if @cap is too small or counts overflow.
 */
size_t ffa_mem_send_desc_encode(uint8_t *buf, size_t cap,
				const struct ffa_mem_send_desc *d);

/** A retrieve request as a borrower builds it (ffa.md §4). */
struct ffa_mem_retrieve_req_desc {
	uint32_t version;
	uint16_t sender; /* owner */
	uint16_t attributes;
	uint32_t flags;
	uint64_t handle;
	uint64_t tag;
	uint32_t emad_count; /* 0 = hypervisor retrieve request */
	const struct ffa_emad *emads; /* composite_offset must be 0 */
};

size_t ffa_mem_retrieve_req_len(const struct ffa_mem_retrieve_req_desc *d);
size_t ffa_mem_retrieve_req_encode(uint8_t *buf, size_t cap,
				   const struct ffa_mem_retrieve_req_desc *d);

/** Relinquish descriptor (ffa.md §2.8). */
struct ffa_relinquish {
	uint64_t handle;
	uint32_t flags;
	uint32_t endpoint_count;
	uint16_t endpoints[8]; /* first min(count, 8) IDs */
};

int ffa_relinquish_decode(const uint8_t *buf, size_t len,
			  struct ffa_relinquish *rel);
size_t ffa_relinquish_encode(uint8_t *buf, size_t cap,
			     const struct ffa_relinquish *rel);

/* ---------------------------------------------------------------------- */
/* UUIDs (RFC 4122 byte order in memory)                                   */

/** Four little-endian u32 words (FFA_PARTITION_INFO_GET w1..w4). */
void ffa_uuid_to_w4(const uint8_t uuid[FFA_UUID_SIZE], uint32_t w[4]);
void ffa_uuid_from_w4(const uint32_t w[4], uint8_t uuid[FFA_UUID_SIZE]);
/** Two little-endian u64 (DIRECT_REQ2 x2/x3, PARTITION_INFO_GET_REGS). */
void ffa_uuid_to_x2(const uint8_t uuid[FFA_UUID_SIZE], uint64_t x[2]);
void ffa_uuid_from_x2(const uint64_t x[2], uint8_t uuid[FFA_UUID_SIZE]);
bool ffa_uuid_is_nil(const uint8_t uuid[FFA_UUID_SIZE]);

/* ---------------------------------------------------------------------- */
/* Partition information (ffa.md §2.9)                                     */

#define FFA_PART_PROP_DIRECT_REQ_RECV (1u << 0)
#define FFA_PART_PROP_DIRECT_REQ_SEND (1u << 1)
#define FFA_PART_PROP_INDIRECT_MSG (1u << 2)
#define FFA_PART_PROP_NOTIF_RECV (1u << 3)
#define FFA_PART_PROP_ID_TYPE_SHIFT 4
#define FFA_PART_PROP_ID_TYPE_MASK (0x3u << 4)
#define FFA_PART_PROP_VM_CREATED (1u << 6)
#define FFA_PART_PROP_VM_DESTROYED (1u << 7)
#define FFA_PART_PROP_AARCH64 (1u << 8)
#define FFA_PART_PROP_DIRECT_REQ2_RECV (1u << 9)
#define FFA_PART_PROP_DIRECT_REQ2_SEND (1u << 10)
#define FFA_PART_PROP_MBZ_MASK 0xFFFFF800u

#define FFA_PARTITION_INFO_FLAG_COUNT_ONLY (1u << 0)

struct ffa_partition_info {
	uint16_t id;
	uint16_t exec_count;
	uint32_t props;
	uint8_t uuid[FFA_UUID_SIZE];
};

/** Encode with @desc_size 8 (v1.0) or 24 (v1.1+). Returns bytes or 0. */
size_t ffa_partition_info_encode(uint8_t *buf, size_t cap, size_t desc_size,
				 const struct ffa_partition_info *info);
/** Decode one descriptor of @desc_size (8, or >= 24: extra bytes ignored). */
int ffa_partition_info_decode(const uint8_t *buf, size_t len, size_t desc_size,
			      struct ffa_partition_info *info);

/* ---------------------------------------------------------------------- */
/* Indirect message header (FFA_MSG_SEND2, ffa.md §2.10)                   */

struct ffa_msg_send2_hdr {
	uint32_t flags;
	uint32_t reserved;
	uint32_t payload_offset;
	uint16_t receiver;
	uint16_t sender;
	uint32_t payload_size;
	uint32_t reserved2; /* v1.2 only */
	uint8_t uuid[FFA_UUID_SIZE]; /* v1.2 only; zero when absent */
	bool has_uuid; /* header had the 40-byte layout */
};

/**
 * ffa_msg_send2_hdr_decode() - decode the header. The 40-byte layout is
 * assumed when payload_offset >= 40 and @len allows it, else the 20-byte
 * v1.1 layout (Linux always writes 40 bytes; Hafnium writes 20 at v1.1).
 */
int ffa_msg_send2_hdr_decode(const uint8_t *buf, size_t len,
			     struct ffa_msg_send2_hdr *hdr);
/** Encode the 20- or 40-byte layout (@hdr_size). Returns bytes or 0. */
size_t ffa_msg_send2_hdr_encode(uint8_t *buf, size_t cap, size_t hdr_size,
				const struct ffa_msg_send2_hdr *hdr);

/* ---------------------------------------------------------------------- */
/* Register helpers                                                        */

static inline void ffa_regs_clear(struct ffa_regs *r)
{
	__builtin_memset(r, 0, sizeof(*r));
}

/** Fill @r with FFA_ERROR(@err); every other register zero. */
static inline void ffa_regs_error(struct ffa_regs *r, int err)
{
	ffa_regs_clear(r);
	r->x[0] = FFA_ERROR;
	r->x[2] = (uint32_t)err;
}

/** Fill @r with FFA_SUCCESS_32, w2 = @w2, w3 = @w3. */
static inline void ffa_regs_success(struct ffa_regs *r, uint32_t w2,
				    uint32_t w3)
{
	ffa_regs_clear(r);
	r->x[0] = FFA_SUCCESS_32;
	r->x[2] = w2;
	r->x[3] = w3;
}

/** Error code carried by an FFA_ERROR frame (FFA_OK for anything else). */
static inline int ffa_regs_error_code(const struct ffa_regs *r)
{
	if ((uint32_t)r->x[0] != FFA_ERROR) {
		return FFA_OK;
	}
	return (int32_t)(uint32_t)r->x[2];
}

static inline uint64_t ffa_handle_make(uint32_t lo, uint32_t hi)
{
	return (uint64_t)lo | (uint64_t)hi << 32;
}

#endif /* TZSHARE_FFA_H */
