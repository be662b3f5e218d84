// SPDX-License-Identifier: BSD-2-Clause
/*
 * FF-A memory transaction descriptor pieces (ffa.md §2.1-2.3): the header
 * ("MTD"), endpoint memory access descriptors (EMADs), the composite memory
 * region descriptor and its constituents.
 *
 * Decoders check structure only: every byte they read lies inside
 * [buf, buf + len) and offset arithmetic does not wrap. Whether a field
 * value is allowed is the SPMC validators' business, so reserved (MBZ)
 * bytes are reported through reserved_nonzero rather than rejected here.
 * Encoders write every reserved byte as zero.
 */
#include <tzshare/ffa.h>
#include <tzshare/lib.h>

/* MTD, v1.1 and v1.2 (48 bytes). */
#define MTD_SENDER 0
#define MTD_ATTRIBUTES 2
#define MTD_FLAGS 4
#define MTD_HANDLE 8
#define MTD_TAG 16
#define MTD_EMAD_SIZE 24
#define MTD_EMAD_COUNT 28
#define MTD_EMAD_OFFSET 32
#define MTD_RESERVED 36
#define MTD_RESERVED_LEN 12

/*
 * MTD, v1.0 (32 bytes). Sender, flags, handle and tag sit where they do in
 * v1.1; attributes are one byte followed by a reserved byte, and bytes
 * 24..27 (the v1.1 EMAD size) are reserved.
 */
#define MTD_V1_0_ATTRIBUTES 2
#define MTD_V1_0_RESERVED_3 3
#define MTD_V1_0_RESERVED_24 24
#define MTD_V1_0_RESERVED_24_LEN 4
#define MTD_V1_0_EMAD_COUNT 28

/* EMAD (16 bytes up to v1.1, 32 bytes at v1.2). */
#define EMAD_RECEIVER 0
#define EMAD_PERMS 2
#define EMAD_FLAGS 3
#define EMAD_COMPOSITE_OFFSET 4
#define EMAD_V1_0_RESERVED 8
#define EMAD_IMPDEF 8
#define EMAD_V1_2_RESERVED 24

/* Composite header and constituent. */
#define COMPOSITE_PAGE_COUNT 0
#define COMPOSITE_CONSTITUENT_COUNT 4
#define COMPOSITE_RESERVED 8
#define CONSTITUENT_ADDRESS 0
#define CONSTITUENT_PAGE_COUNT 8
#define CONSTITUENT_RESERVED 12

static int mtd_v1_0_decode(const uint8_t *buf, size_t len, struct ffa_mtd *mtd)
{
	if (!tzs_range_ok(0, FFA_MTD_V1_0_SIZE, len)) {
		return FFA_INVALID_PARAMETERS;
	}
	mtd->sender = le16_get(buf + MTD_SENDER);
	mtd->attributes = buf[MTD_V1_0_ATTRIBUTES];
	mtd->flags = le32_get(buf + MTD_FLAGS);
	mtd->handle = le64_get(buf + MTD_HANDLE);
	mtd->tag = le64_get(buf + MTD_TAG);
	/* v1.0 has no EMAD size/offset fields: EMADs are 16 bytes at 32. */
	mtd->emad_size = FFA_EMAD_V1_0_SIZE;
	mtd->emad_count = le32_get(buf + MTD_V1_0_EMAD_COUNT);
	mtd->emad_offset = FFA_MTD_V1_0_SIZE;
	/*
	 * Bytes 24..27 are where a v1.1 sender puts the EMAD size; non-zero
	 * there usually means a version mix-up (ffa.md §2.1, OP-TEE PR 6584).
	 */
	mtd->reserved_nonzero = buf[MTD_V1_0_RESERVED_3] != 0 ||
				!tzs_is_zero(buf + MTD_V1_0_RESERVED_24,
					     MTD_V1_0_RESERVED_24_LEN);
	return FFA_OK;
}

/**
 * ffa_mtd_decode() - decode the transaction header in the layout a caller
 * of @version writes: 32 bytes below v1.1, 48 bytes from v1.1 on.
 * Returns FFA_INVALID_PARAMETERS when @len cannot hold the header.
 */
int ffa_mtd_decode(const uint8_t *buf, size_t len, uint32_t version,
		   struct ffa_mtd *mtd)
{
	if (ffa_version_uses_v1_0_mtd(version)) {
		return mtd_v1_0_decode(buf, len, mtd);
	}
	if (!tzs_range_ok(0, FFA_MTD_SIZE, len)) {
		return FFA_INVALID_PARAMETERS;
	}
	mtd->sender = le16_get(buf + MTD_SENDER);
	mtd->attributes = le16_get(buf + MTD_ATTRIBUTES);
	mtd->flags = le32_get(buf + MTD_FLAGS);
	mtd->handle = le64_get(buf + MTD_HANDLE);
	mtd->tag = le64_get(buf + MTD_TAG);
	mtd->emad_size = le32_get(buf + MTD_EMAD_SIZE);
	mtd->emad_count = le32_get(buf + MTD_EMAD_COUNT);
	mtd->emad_offset = le32_get(buf + MTD_EMAD_OFFSET);
	mtd->reserved_nonzero =
		!tzs_is_zero(buf + MTD_RESERVED, MTD_RESERVED_LEN);
	return FFA_OK;
}

/**
 * ffa_emad_decode() - decode EMAD @index of the array described by @mtd.
 *
 * The EMAD size selects the layout: below 32 bytes there is no room for
 * the v1.2 impdef field, so bytes 8..size-1 are reserved (16 is the only
 * size a v1.0/v1.1 sender uses); from 32 bytes on, bytes 8..23 are impdef
 * and everything from 24 up to the EMAD size is reserved (a later minor
 * version may grow the EMAD; its tail must then still be zero for us).
 *
 * Returns FFA_INVALID_PARAMETERS when the EMAD size is below 16, @index is
 * not below the EMAD count, or the EMAD does not lie inside @len.
 */
int ffa_emad_decode(const uint8_t *buf, size_t len, const struct ffa_mtd *mtd,
		    uint32_t index, struct ffa_emad *emad)
{
	uint64_t off = 0;
	const uint8_t *p = NULL;

	if (mtd->emad_size < FFA_EMAD_V1_0_SIZE) {
		return FFA_INVALID_PARAMETERS;
	}
	if (index >= mtd->emad_count) {
		return FFA_INVALID_PARAMETERS;
	}
	if (ovf_mul(index, mtd->emad_size, &off) ||
	    ovf_add(off, mtd->emad_offset, &off) ||
	    !tzs_range_ok(off, mtd->emad_size, len)) {
		return FFA_INVALID_PARAMETERS;
	}
	p = buf + off;
	emad->receiver = le16_get(p + EMAD_RECEIVER);
	emad->perms = p[EMAD_PERMS];
	emad->flags = p[EMAD_FLAGS];
	emad->composite_offset = le32_get(p + EMAD_COMPOSITE_OFFSET);
	if (mtd->emad_size < FFA_EMAD_V1_2_SIZE) {
		emad->impdef[0] = 0;
		emad->impdef[1] = 0;
		emad->reserved_nonzero =
			!tzs_is_zero(p + EMAD_V1_0_RESERVED,
				     mtd->emad_size - EMAD_V1_0_RESERVED);
		return FFA_OK;
	}
	emad->impdef[0] = le64_get(p + EMAD_IMPDEF);
	emad->impdef[1] = le64_get(p + EMAD_IMPDEF + 8);
	emad->reserved_nonzero = !tzs_is_zero(
		p + EMAD_V1_2_RESERVED, mtd->emad_size - EMAD_V1_2_RESERVED);
	return FFA_OK;
}

/** ffa_composite_decode() - composite header at byte @offset of @buf. */
int ffa_composite_decode(const uint8_t *buf, size_t len, uint64_t offset,
			 struct ffa_composite *comp)
{
	const uint8_t *p = NULL;

	if (!tzs_range_ok(offset, FFA_COMPOSITE_SIZE, len)) {
		return FFA_INVALID_PARAMETERS;
	}
	p = buf + offset;
	comp->page_count = le32_get(p + COMPOSITE_PAGE_COUNT);
	comp->constituent_count = le32_get(p + COMPOSITE_CONSTITUENT_COUNT);
	comp->reserved = le64_get(p + COMPOSITE_RESERVED);
	return FFA_OK;
}

/** ffa_constituent_decode() - address range descriptor at byte @offset. */
int ffa_constituent_decode(const uint8_t *buf, size_t len, uint64_t offset,
			   struct ffa_constituent *cons)
{
	const uint8_t *p = NULL;

	if (!tzs_range_ok(offset, FFA_CONSTITUENT_SIZE, len)) {
		return FFA_INVALID_PARAMETERS;
	}
	p = buf + offset;
	cons->address = le64_get(p + CONSTITUENT_ADDRESS);
	cons->page_count = le32_get(p + CONSTITUENT_PAGE_COUNT);
	cons->reserved = le32_get(p + CONSTITUENT_RESERVED);
	return FFA_OK;
}

/**
 * ffa_mtd_encode() - write the header in the layout of @version.
 *
 * At v1.0 the EMAD size and offset are implicit (16 at 32) and not
 * written; the attributes are one byte, so attributes above 0xFF cannot be
 * encoded and return 0. From v1.1 on the EMAD size and offset are written
 * as given (a hypervisor retrieve request carries 0 in both).
 * Returns the header length, or 0.
 */
size_t ffa_mtd_encode(uint8_t *buf, size_t cap, uint32_t version,
		      const struct ffa_mtd *mtd)
{
	if (ffa_version_uses_v1_0_mtd(version)) {
		if (cap < FFA_MTD_V1_0_SIZE || mtd->attributes > 0xFFu) {
			return 0;
		}
		tzs_memset(buf, 0, FFA_MTD_V1_0_SIZE);
		le16_put(buf + MTD_SENDER, mtd->sender);
		buf[MTD_V1_0_ATTRIBUTES] = (uint8_t)mtd->attributes;
		le32_put(buf + MTD_FLAGS, mtd->flags);
		le64_put(buf + MTD_HANDLE, mtd->handle);
		le64_put(buf + MTD_TAG, mtd->tag);
		le32_put(buf + MTD_V1_0_EMAD_COUNT, mtd->emad_count);
		return FFA_MTD_V1_0_SIZE;
	}
	if (cap < FFA_MTD_SIZE) {
		return 0;
	}
	tzs_memset(buf, 0, FFA_MTD_SIZE);
	le16_put(buf + MTD_SENDER, mtd->sender);
	le16_put(buf + MTD_ATTRIBUTES, mtd->attributes);
	le32_put(buf + MTD_FLAGS, mtd->flags);
	le64_put(buf + MTD_HANDLE, mtd->handle);
	le64_put(buf + MTD_TAG, mtd->tag);
	le32_put(buf + MTD_EMAD_SIZE, mtd->emad_size);
	le32_put(buf + MTD_EMAD_COUNT, mtd->emad_count);
	le32_put(buf + MTD_EMAD_OFFSET, mtd->emad_offset);
	return FFA_MTD_SIZE;
}

/**
 * ffa_emad_encode() - write one EMAD of @emad_size bytes (16, or >= 32
 * with impdef; see ffa_emad_decode()). impdef is dropped below 32 bytes
 * because that layout has no field for it. Returns @emad_size, or 0 when
 * @emad_size is below 16 or @cap is too small.
 */
size_t ffa_emad_encode(uint8_t *buf, size_t cap, uint32_t emad_size,
		       const struct ffa_emad *emad)
{
	if (emad_size < FFA_EMAD_V1_0_SIZE || cap < emad_size) {
		return 0;
	}
	tzs_memset(buf, 0, emad_size);
	le16_put(buf + EMAD_RECEIVER, emad->receiver);
	buf[EMAD_PERMS] = emad->perms;
	buf[EMAD_FLAGS] = emad->flags;
	le32_put(buf + EMAD_COMPOSITE_OFFSET, emad->composite_offset);
	if (emad_size >= FFA_EMAD_V1_2_SIZE) {
		le64_put(buf + EMAD_IMPDEF, emad->impdef[0]);
		le64_put(buf + EMAD_IMPDEF + 8, emad->impdef[1]);
	}
	return emad_size;
}

/** ffa_composite_encode() - composite header; reserved written as zero. */
size_t ffa_composite_encode(uint8_t *buf, size_t cap,
			    const struct ffa_composite *comp)
{
	if (cap < FFA_COMPOSITE_SIZE) {
		return 0;
	}
	le32_put(buf + COMPOSITE_PAGE_COUNT, comp->page_count);
	le32_put(buf + COMPOSITE_CONSTITUENT_COUNT, comp->constituent_count);
	le64_put(buf + COMPOSITE_RESERVED, 0);
	return FFA_COMPOSITE_SIZE;
}

/** ffa_constituent_encode() - one address range; reserved written as 0. */
size_t ffa_constituent_encode(uint8_t *buf, size_t cap,
			      const struct ffa_constituent *cons)
{
	if (cap < FFA_CONSTITUENT_SIZE) {
		return 0;
	}
	le64_put(buf + CONSTITUENT_ADDRESS, cons->address);
	le32_put(buf + CONSTITUENT_PAGE_COUNT, cons->page_count);
	le32_put(buf + CONSTITUENT_RESERVED, 0);
	return FFA_CONSTITUENT_SIZE;
}
