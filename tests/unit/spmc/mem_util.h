/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Helpers shared by the memory-transaction tests (mem_*_test.c): build
 * descriptors with the FF-A codec, put them in a caller's TX buffer and make
 * the call through the SPMC fixture. Each test binary includes this once;
 * the fixture and the version every partition negotiated are globals of
 * that binary (each test runs in its own process).
 */
#ifndef TZS_MEM_UTIL_H
#define TZS_MEM_UTIL_H

#include <stdint.h>
#include <string.h>

#include <tzshare/ffa.h>
#include <tzshare/lib.h>
#include <tzshare/spmc.h>

#include "spmc_fixture.h"
#include "test.h"

/* Pages used by most tests: VM 1's, VM 2's and the SPs' memory. */
#define MT_VM1_PA 0x88000000ull
#define MT_VM2_PA 0x90100000ull
#define MT_SP1_PA 0x10100000ull
#define MT_SP2_PA 0x11100000ull
#define MT_PAGE 4096u

static struct fx fx;
static uint32_t mt_version = FFA_VERSION_1_2;

static inline void mt_init_opts(const struct fx_opts *o)
{
	fx_init(&fx, o);
	mt_version = o && o->version ? o->version : FFA_VERSION_1_2;
}

static inline void mt_init(void)
{
	mt_init_opts(NULL);
}

static inline void mt_fini(void)
{
	fx_fini(&fx);
}

static inline uint32_t mt_live(void)
{
	struct spmc_stats st;

	spmc_stats_get(fx.spmc, &st);
	return st.live_shares;
}

static inline uint64_t mt_handle(const struct ffa_regs *r)
{
	return ffa_handle_make((uint32_t)r->x[2], (uint32_t)r->x[3]);
}

static inline struct ffa_emad mt_emad(uint16_t receiver, uint8_t perms)
{
	struct ffa_emad e;

	memset(&e, 0, sizeof(e));
	e.receiver = receiver;
	e.perms = perms;
	return e;
}

static inline struct ffa_constituent mt_cons(uint64_t pa, uint32_t pages)
{
	struct ffa_constituent c;

	memset(&c, 0, sizeof(c));
	c.address = pa;
	c.page_count = pages;
	return c;
}

/* A send descriptor with everything a test may want to change. */
struct mt_send {
	uint32_t version;
	uint16_t sender;
	uint16_t attributes;
	uint32_t flags;
	uint64_t tag;
	uint32_t emad_count;
	struct ffa_emad emads[4];
	uint32_t cons_count;
	struct ffa_constituent cons[8];
	const struct ffa_constituent *cons_ext; /* overrides cons[] */
};

static inline uint16_t mt_default_attr(uint32_t fid, uint32_t borrowers)
{
	uint32_t f = FFA_FID_SMC32(fid);

	if (f == FFA_MEM_DONATE_32 ||
	    (f == FFA_MEM_LEND_32 && borrowers == 1)) {
		return 0;
	}
	return FFA_MEM_ATTR_NORMAL_WB_IS;
}

/* One borrower, one constituent, the usual attributes for @fid. */
static inline struct mt_send mt_desc(uint32_t fid, uint16_t sender,
				     uint16_t receiver, uint64_t pa,
				     uint32_t pages)
{
	struct mt_send s;
	uint32_t f = FFA_FID_SMC32(fid);

	memset(&s, 0, sizeof(s));
	s.version = mt_version;
	s.sender = sender;
	s.attributes = mt_default_attr(fid, 1);
	s.emad_count = 1;
	s.emads[0] = mt_emad(receiver,
			     f == FFA_MEM_DONATE_32 ? 0 : FFA_PERM_DATA_RW);
	s.cons_count = 1;
	s.cons[0] = mt_cons(pa, pages);
	return s;
}

/* Encode @s into @buf; returns the length (asserts it fits). */
static inline uint32_t mt_encode(const struct mt_send *s, uint8_t *buf,
				 size_t cap)
{
	struct ffa_mem_send_desc d;
	size_t len = 0;

	memset(&d, 0, sizeof(d));
	d.version = s->version;
	d.sender = s->sender;
	d.attributes = s->attributes;
	d.flags = s->flags;
	d.tag = s->tag;
	d.emad_count = s->emad_count;
	d.emads = s->emads;
	d.constituent_count = s->cons_count;
	d.constituents = s->cons_ext ? s->cons_ext : s->cons;
	len = ffa_mem_send_desc_encode(buf, cap, &d);
	ASSERT_TRUE(len != 0);
	return (uint32_t)len;
}

/* Put @s in the sender's TX (1 page) and return its length. */
static inline uint32_t mt_put(const struct mt_send *s)
{
	uint8_t *tx = fx_tx(&fx, s->sender);

	memset(tx, 0, MT_PAGE);
	return mt_encode(s, tx, MT_PAGE);
}

/* Call @fid with the descriptor already in TX: w1 = w2 = @len. */
static inline struct ffa_regs mt_call_send(uint16_t caller, uint32_t fid,
					   uint32_t total, uint32_t frag)
{
	return fx_call(&fx, caller, fid, total, frag, 0, 0, 0, 0, 0);
}

static inline struct ffa_regs mt_send(uint32_t fid, const struct mt_send *s)
{
	uint32_t len = mt_put(s);

	return mt_call_send(s->sender, fid, len, len);
}

/* Send and assert success; returns the handle. */
static inline uint64_t mt_send_ok(uint32_t fid, const struct mt_send *s)
{
	struct ffa_regs r = mt_send(fid, s);

	ASSERT_FFA_SUCCESS(&r);
	return mt_handle(&r);
}

static inline uint64_t mt_share(uint16_t sender, uint16_t receiver, uint64_t pa,
				uint32_t pages)
{
	struct mt_send s =
		mt_desc(FFA_MEM_SHARE_64, sender, receiver, pa, pages);

	return mt_send_ok(FFA_MEM_SHARE_64, &s);
}

static inline uint64_t mt_lend(uint16_t sender, uint16_t receiver, uint64_t pa,
			       uint32_t pages, uint32_t flags)
{
	struct mt_send s =
		mt_desc(FFA_MEM_LEND_64, sender, receiver, pa, pages);

	s.flags = flags;
	return mt_send_ok(FFA_MEM_LEND_64, &s);
}

static inline uint64_t mt_donate(uint16_t sender, uint16_t receiver,
				 uint64_t pa, uint32_t pages)
{
	struct mt_send s =
		mt_desc(FFA_MEM_DONATE_64, sender, receiver, pa, pages);

	return mt_send_ok(FFA_MEM_DONATE_64, &s);
}

/* A retrieve request; mt_req() fills the usual values for one borrower. */
struct mt_req {
	uint32_t version;
	uint16_t sender;
	uint16_t attributes;
	uint32_t flags;
	uint64_t handle;
	uint64_t tag;
	uint32_t emad_count;
	struct ffa_emad emads[4];
};

/* Instruction access a single LEND/DONATE borrower must name (NX). */
static inline struct mt_req mt_req(uint16_t sender, uint16_t borrower,
				   uint64_t handle, enum ffa_mem_kind kind)
{
	struct mt_req q;
	uint8_t perms = FFA_PERM_DATA_RW;

	memset(&q, 0, sizeof(q));
	q.version = mt_version;
	q.sender = sender;
	q.handle = handle;
	q.flags = (uint32_t)kind << FFA_MEM_FLAG_TYPE_SHIFT;
	if (kind != FFA_MEM_KIND_SHARE) {
		perms |= FFA_PERM_INSTR_NX;
	}
	if (kind == FFA_MEM_KIND_DONATE) {
		perms = FFA_PERM_INSTR_NX;
	}
	q.emad_count = 1;
	q.emads[0] = mt_emad(borrower, perms);
	return q;
}

static inline uint32_t mt_put_req(uint16_t caller, const struct mt_req *q)
{
	struct ffa_mem_retrieve_req_desc d;
	uint8_t *tx = fx_tx(&fx, caller);
	size_t len = 0;

	memset(&d, 0, sizeof(d));
	d.version = q->version;
	d.sender = q->sender;
	d.attributes = q->attributes;
	d.flags = q->flags;
	d.handle = q->handle;
	d.tag = q->tag;
	d.emad_count = q->emad_count;
	d.emads = q->emads;
	memset(tx, 0, MT_PAGE);
	len = ffa_mem_retrieve_req_encode(tx, MT_PAGE, &d);
	ASSERT_TRUE(len != 0 || q->emad_count == 0);
	return (uint32_t)len;
}

static inline struct ffa_regs mt_retrieve_req(uint16_t caller,
					      const struct mt_req *q)
{
	uint32_t len = mt_put_req(caller, q);

	return fx_call(&fx, caller, FFA_MEM_RETRIEVE_REQ_64, len, len, 0, 0, 0,
		       0, 0);
}

static inline struct ffa_regs mt_retrieve(uint16_t caller, uint16_t sender,
					  uint64_t handle,
					  enum ffa_mem_kind kind)
{
	struct mt_req q = mt_req(sender, caller, handle, kind);

	return mt_retrieve_req(caller, &q);
}

/* Retrieve (single fragment expected) and release RX. */
static inline void mt_retrieve_ok(uint16_t caller, uint16_t sender,
				  uint64_t handle, enum ffa_mem_kind kind)
{
	struct ffa_regs r = mt_retrieve(caller, sender, handle, kind);

	ASSERT_EQ(r.x[0], FFA_MEM_RETRIEVE_RESP);
	ASSERT_EQ(r.x[1], r.x[2]);
	r = fx_call(&fx, caller, FFA_RX_RELEASE, 0, 0, 0, 0, 0, 0, 0);
	ASSERT_FFA_SUCCESS(&r);
}

static inline struct ffa_regs mt_rx_release(uint16_t caller)
{
	return fx_call(&fx, caller, FFA_RX_RELEASE, 0, 0, 0, 0, 0, 0, 0);
}

static inline struct ffa_regs mt_relinquish_ids(uint16_t caller,
						uint64_t handle, uint32_t flags,
						uint32_t count,
						const uint16_t *ids)
{
	uint8_t *tx = fx_tx(&fx, caller);
	uint32_t i = 0;

	memset(tx, 0, MT_PAGE);
	le64_put(tx, handle);
	le32_put(tx + 8, flags);
	le32_put(tx + 12, count);
	for (i = 0; i < count && i < 8; i++) {
		le16_put(tx + 16 + 2 * i, ids[i]);
	}
	return fx_call(&fx, caller, FFA_MEM_RELINQUISH, 0, 0, 0, 0, 0, 0, 0);
}

static inline struct ffa_regs mt_relinquish(uint16_t caller, uint64_t handle,
					    uint32_t flags)
{
	return mt_relinquish_ids(caller, handle, flags, 1, &caller);
}

static inline struct ffa_regs mt_reclaim(uint16_t caller, uint64_t handle,
					 uint32_t flags)
{
	return fx_call(&fx, caller, FFA_MEM_RECLAIM, (uint32_t)handle,
		       (uint32_t)(handle >> 32), flags, 0, 0, 0, 0);
}

static inline uint8_t mt_access(uint16_t ep, uint64_t pa, uint64_t len)
{
	uint8_t perm = 0;

	if (spmc_mem_access(fx.spmc, ep, pa, len, &perm) != FFA_OK) {
		return 0;
	}
	return perm;
}

/* Fill pages with a byte pattern through the fixture's memory. */
static inline void mt_fill(uint64_t pa, uint32_t pages, uint8_t v)
{
	memset(fx_pa(&fx, pa), v, (size_t)pages * MT_PAGE);
}

static inline int mt_is_filled(uint64_t pa, uint32_t pages, uint8_t v)
{
	const uint8_t *p = fx_pa(&fx, pa);
	size_t i = 0;

	for (i = 0; i < (size_t)pages * MT_PAGE; i++) {
		if (p[i] != v) {
			return 0;
		}
	}
	return 1;
}

/*
 * After a rejected call: no transaction was created, the pages still belong
 * to @owner with full access, and a valid share of them still works (and
 * is reclaimed again).
 */
static inline void mt_assert_unchanged(uint32_t live, uint16_t owner,
				       uint16_t receiver, uint64_t pa,
				       uint32_t pages)
{
	uint64_t h = 0;

	ASSERT_EQ(mt_live(), live);
	ASSERT_EQ(spmc_page_owner(fx.spmc, pa), owner);
	ASSERT_EQ(mt_access(owner, pa, (uint64_t)pages * MT_PAGE),
		  FFA_PERM_DATA_RW);
	h = mt_share(owner, receiver, pa, pages);
	ASSERT_EQ(mt_live(), live + 1);
	{
		struct ffa_regs r = mt_reclaim(owner, h, 0);

		ASSERT_FFA_SUCCESS(&r);
	}
	ASSERT_EQ(mt_live(), live);
}

/* Decoded view of a retrieve response in @ep's RX. */
struct mt_resp {
	struct ffa_mtd mtd;
	struct ffa_emad emad[4];
	struct ffa_composite comp;
	uint32_t cons_offset;
	uint32_t frag_len;
};

static inline void mt_parse_resp(uint16_t ep, uint32_t version,
				 uint32_t frag_len, struct mt_resp *m)
{
	const uint8_t *rx = fx_rx(&fx, ep);
	uint32_t i = 0;

	memset(m, 0, sizeof(*m));
	m->frag_len = frag_len;
	ASSERT_EQ(ffa_mtd_decode(rx, frag_len, version, &m->mtd), FFA_OK);
	ASSERT_TRUE(m->mtd.emad_count >= 1 && m->mtd.emad_count <= 4);
	for (i = 0; i < m->mtd.emad_count; i++) {
		ASSERT_EQ(
			ffa_emad_decode(rx, frag_len, &m->mtd, i, &m->emad[i]),
			FFA_OK);
	}
	ASSERT_EQ(ffa_composite_decode(rx, frag_len,
				       m->emad[0].composite_offset, &m->comp),
		  FFA_OK);
	m->cons_offset = m->emad[0].composite_offset + FFA_COMPOSITE_SIZE;
}

static inline struct ffa_constituent
mt_resp_cons(uint16_t ep, const struct mt_resp *m, uint32_t i)
{
	struct ffa_constituent c;

	ASSERT_EQ(ffa_constituent_decode(fx_rx(&fx, ep), m->frag_len,
					 m->cons_offset + 16ull * i, &c),
		  FFA_OK);
	return c;
}

#endif /* TZS_MEM_UTIL_H */
