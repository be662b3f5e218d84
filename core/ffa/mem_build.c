// SPDX-License-Identifier: BSD-2-Clause
/*
 * Whole memory transaction descriptors as a sender or borrower writes them
 * into its TX buffer (ffa.md §2.1-2.3, §4):
 *
 *   send (DONATE/LEND/SHARE):  header | EMAD[count] | composite | constituents
 *   retrieve request:          header | EMAD[count]            (no composite)
 *
 * The layout follows the caller's version: v1.0 has a 32-byte header with
 * 16-byte EMADs at 32; v1.1 a 48-byte header with 16-byte EMADs at 48; v1.2
 * the same header with 32-byte EMADs. The composite follows the EMAD array
 * directly, as Linux and Hafnium place it; with 16- or 32-byte EMADs after
 * a 32- or 48-byte header that offset is always 16-byte aligned, which
 * Hafnium requires (ffa.md §2.3).
 *
 * Lengths are limited to 32 bits: the total length travels in w1 and the
 * composite offset is a u32 field of every EMAD, so anything longer cannot
 * be described on the wire and is reported as overflow (length 0).
 */
#include <tzshare/ffa.h>
#include <tzshare/lib.h>

#define FFA_DESC_LEN_MAX 0xFFFFFFFFull

/* Where the pieces of a descriptor go; computed once, overflow-checked. */
struct mem_layout {
	uint32_t emad_size;
	uint32_t emad_offset;
	uint64_t emads_end;
	uint64_t total_len;
};

/* Header and EMAD array; false when the length does not fit 32 bits. */
static bool emads_layout(uint32_t version, uint32_t emad_count,
			 struct mem_layout *l)
{
	uint64_t array_len = 0;

	l->emad_size = ffa_emad_size_for_version(version);
	l->emad_offset = ffa_emad_offset_for_version(version);
	if (ovf_mul(emad_count, l->emad_size, &array_len) ||
	    ovf_add(l->emad_offset, array_len, &l->emads_end)) {
		return false;
	}
	l->total_len = l->emads_end;
	return l->emads_end <= FFA_DESC_LEN_MAX;
}

static bool send_layout(const struct ffa_mem_send_desc *d, struct mem_layout *l)
{
	uint64_t cons_len = 0;

	if (!emads_layout(d->version, d->emad_count, l)) {
		return false;
	}
	if (ovf_mul(d->constituent_count, FFA_CONSTITUENT_SIZE, &cons_len) ||
	    ovf_add(l->emads_end, FFA_COMPOSITE_SIZE, &l->total_len) ||
	    ovf_add(l->total_len, cons_len, &l->total_len)) {
		return false;
	}
	return l->total_len <= FFA_DESC_LEN_MAX;
}

/* Sum of the constituents' page counts; false when it exceeds a u32. */
static bool sum_page_count(const struct ffa_mem_send_desc *d,
			   uint32_t *page_count)
{
	uint64_t sum = 0;
	uint32_t i = 0;

	for (i = 0; i < d->constituent_count; i++) {
		if (ovf_add(sum, d->constituents[i].page_count, &sum) ||
		    sum > 0xFFFFFFFFull) {
			return false;
		}
	}
	*page_count = (uint32_t)sum;
	return true;
}

/* v1.0 carries the attributes in one byte (ffa.md §2.4). */
static bool attributes_fit(uint32_t version, uint16_t attributes)
{
	return !ffa_version_uses_v1_0_mtd(version) || attributes <= 0xFFu;
}

size_t ffa_mem_send_desc_len(const struct ffa_mem_send_desc *d)
{
	struct mem_layout l = { 0 };

	if (!send_layout(d, &l)) {
		return 0;
	}
	return (size_t)l.total_len;
}

/* Header and EMADs; each EMAD gets @composite_offset. Returns bytes. */
static size_t encode_header_emads(uint8_t *buf, size_t cap,
				  const struct ffa_mtd *mtd, uint32_t version,
				  const struct ffa_emad *emads,
				  uint32_t composite_offset)
{
	size_t off = ffa_mtd_encode(buf, cap, version, mtd);
	uint32_t i = 0;

	if (!off) {
		return 0;
	}
	for (i = 0; i < mtd->emad_count; i++) {
		struct ffa_emad e = emads[i];
		size_t n = 0;

		e.composite_offset = composite_offset;
		n = ffa_emad_encode(buf + off, cap - off, mtd->emad_size, &e);
		if (NEVER(!n)) {
			return 0;
		}
		off += n;
	}
	return off;
}

/**
 * ffa_mem_send_desc_encode() - see ffa.h. Every check happens before the
 * first byte is written, so on failure (0) @buf is untouched. The callers'
 * EMAD composite offsets are ignored and replaced by the real one.
 */
size_t ffa_mem_send_desc_encode(uint8_t *buf, size_t cap,
				const struct ffa_mem_send_desc *d)
{
	struct mem_layout l = { 0 };
	struct ffa_mtd mtd = { 0 };
	struct ffa_composite comp = { 0 };
	uint32_t page_count = 0;
	size_t off = 0;
	uint32_t i = 0;

	if (!send_layout(d, &l) || l.total_len > cap ||
	    !sum_page_count(d, &page_count) ||
	    !attributes_fit(d->version, d->attributes)) {
		return 0;
	}
	mtd.sender = d->sender;
	mtd.attributes = d->attributes;
	mtd.flags = d->flags;
	mtd.tag = d->tag;
	mtd.emad_size = l.emad_size;
	mtd.emad_count = d->emad_count;
	mtd.emad_offset = l.emad_offset;
	off = encode_header_emads(buf, cap, &mtd, d->version, d->emads,
				  (uint32_t)l.emads_end);
	if (NEVER(off != l.emads_end)) {
		return 0;
	}
	comp.page_count = page_count;
	comp.constituent_count = d->constituent_count;
	off += ffa_composite_encode(buf + off, cap - off, &comp);
	for (i = 0; i < d->constituent_count; i++) {
		off += ffa_constituent_encode(buf + off, cap - off,
					      &d->constituents[i]);
	}
	if (NEVER(off != l.total_len)) {
		return 0;
	}
	return off;
}

/*
 * A hypervisor retrieve request (EMAD count 0) is the header alone; from
 * v1.1 on its EMAD size and offset fields are 0 too, because Hafnium
 * requires every field but the handle to be zero (testdata README, item 7;
 * vector hf_v12_hyp_retrieve_req).
 */
static bool retrieve_layout(const struct ffa_mem_retrieve_req_desc *d,
			    struct mem_layout *l)
{
	if (!emads_layout(d->version, d->emad_count, l)) {
		return false;
	}
	if (d->emad_count == 0 && !ffa_version_uses_v1_0_mtd(d->version)) {
		l->emad_size = 0;
		l->emad_offset = 0;
	}
	return true;
}

size_t ffa_mem_retrieve_req_len(const struct ffa_mem_retrieve_req_desc *d)
{
	struct mem_layout l = { 0 };

	if (!retrieve_layout(d, &l)) {
		return 0;
	}
	return (size_t)l.total_len;
}

/**
 * ffa_mem_retrieve_req_encode() - header and EMADs of a retrieve request.
 * The composite offset of every EMAD is written as 0 whatever the caller
 * passed (a retrieve request has no composite, ffa.md §2.2). Returns the
 * length, or 0 (with @buf untouched) when @cap is too small or the length
 * overflows.
 */
size_t ffa_mem_retrieve_req_encode(uint8_t *buf, size_t cap,
				   const struct ffa_mem_retrieve_req_desc *d)
{
	struct mem_layout l = { 0 };
	struct ffa_mtd mtd = { 0 };
	size_t off = 0;

	if (!retrieve_layout(d, &l) || l.total_len > cap ||
	    !attributes_fit(d->version, d->attributes)) {
		return 0;
	}
	mtd.sender = d->sender;
	mtd.attributes = d->attributes;
	mtd.flags = d->flags;
	mtd.handle = d->handle;
	mtd.tag = d->tag;
	mtd.emad_size = l.emad_size;
	mtd.emad_count = d->emad_count;
	mtd.emad_offset = l.emad_offset;
	off = encode_header_emads(buf, cap, &mtd, d->version, d->emads, 0);
	if (NEVER(off != l.total_len)) {
		return 0;
	}
	return off;
}
