// SPDX-License-Identifier: BSD-2-Clause
#include "mini_platform.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

static const uint32_t fids[] = {
	FFA_VERSION,
	FFA_FEATURES,
	FFA_RX_RELEASE,
	FFA_RXTX_MAP_64,
	FFA_RXTX_UNMAP,
	FFA_PARTITION_INFO_GET,
	FFA_ID_GET,
	FFA_MSG_WAIT,
	FFA_YIELD,
	FFA_RUN,
	FFA_MSG_SEND_DIRECT_REQ_32,
	FFA_MSG_SEND_DIRECT_RESP_32,
	FFA_MSG_SEND_DIRECT_REQ2,
	FFA_MSG_SEND_DIRECT_RESP2,
	FFA_MEM_DONATE_32,
	FFA_MEM_LEND_32,
	FFA_MEM_SHARE_64,
	FFA_MEM_RETRIEVE_REQ_32,
	FFA_MEM_RELINQUISH,
	FFA_MEM_RECLAIM,
	FFA_MEM_FRAG_RX,
	FFA_MEM_FRAG_TX,
	FFA_NOTIFICATION_BITMAP_CREATE,
	FFA_NOTIFICATION_BITMAP_DESTROY,
	FFA_NOTIFICATION_BIND,
	FFA_NOTIFICATION_UNBIND,
	FFA_NOTIFICATION_SET,
	FFA_NOTIFICATION_GET,
	FFA_NOTIFICATION_INFO_GET_64,
	FFA_RX_ACQUIRE,
	FFA_SPM_ID_GET,
	FFA_MSG_SEND2,
	FFA_PARTITION_INFO_GET_REGS,
	FFA_MEM_SHARE_32,
	FFA_MEM_LEND_64,
	FFA_MEM_RETRIEVE_REQ_64,
};

uint32_t mini_fid(unsigned int idx)
{
	return fids[idx % (sizeof(fids) / sizeof(fids[0]))];
}

static void *m_alloc(void *ctx, size_t len)
{
	(void)ctx;
	return calloc(1, len);
}

static void m_free(void *ctx, void *p)
{
	(void)ctx;
	free(p);
}

static uint8_t *m_p2v(void *ctx, uint64_t pa, uint64_t len)
{
	struct mini *m = ctx;

	if (pa + len > m->mem_len || pa + len < pa) {
		abort(); /* the core must only ask for checked ranges */
	}
	return m->mem + pa;
}

static const struct spmc_ops m_ops = { m_alloc, m_free, m_p2v, NULL };

uint16_t mini_ep(unsigned int i)
{
	static const uint16_t eps[] = { MINI_VM1, MINI_VM2, MINI_SP1,
					MINI_SP2 };

	return eps[i % 4];
}

uint8_t *mini_tx(struct mini *m, unsigned int i)
{
	return m->mem + mini_base(i % 4);
}

int mini_init(struct mini *m, uint32_t max_shares)
{
	struct spmc_config cfg = { .max_mem_shares = max_shares };
	unsigned int i = 0;

	memset(m, 0, sizeof(*m));
	m->mem_len = mini_base(4);
	m->mem = mmap(NULL, m->mem_len, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m->mem == MAP_FAILED) {
		return -1;
	}
	m->spmc = spmc_create(&m_ops, m, &cfg);
	if (!m->spmc) {
		return -1;
	}
	for (i = 0; i < 4; i++) {
		struct spmc_partition_config pc = { .id = mini_ep(i),
						    .exec_count = 2 };
		struct spmc_mem_region_config rc = { .base = mini_base(i),
						     .page_count = MINI_PAGES,
						     .owner = mini_ep(i),
						     .secure = i >= 2 };
		struct spmc_output out;
		struct ffa_regs in = { .x = { FFA_RXTX_MAP_64, mini_base(i),
					      mini_base(i) + 4096, 1 } };

		pc.props = 0x7FF & ~(0x3u << 4);
		pc.uuid_count = 1;
		pc.uuids[0][0] = (uint8_t)(i + 1);
		if (spmc_partition_add(m->spmc, &pc) ||
		    spmc_mem_region_add(m->spmc, &rc)) {
			return -1;
		}
		spmc_call(m->spmc, pc.id, 0, &in, &out);
	}
	return 0;
}

void mini_fini(struct mini *m)
{
	spmc_destroy(m->spmc);
	munmap(m->mem, m->mem_len);
}

int mini_check_invariants(struct mini *m)
{
	unsigned int i = 0, pg = 0;

	for (i = 0; i < 4; i++) {
		for (pg = 0; pg < MINI_PAGES; pg++) {
			uint16_t o = spmc_page_owner(
				m->spmc, mini_base(i) + (uint64_t)pg * 4096);

			if (o != MINI_VM1 && o != MINI_VM2 && o != MINI_SP1 &&
			    o != MINI_SP2) {
				return -1;
			}
		}
	}
	return 0;
}

static bool src_byte(struct mini_src *s, uint8_t *b)
{
	if (!s->data) {
		s->rng ^= s->rng << 13;
		s->rng ^= s->rng >> 7;
		s->rng ^= s->rng << 17;
		*b = (uint8_t)(s->rng >> 24);
		return true;
	}
	if (s->pos >= s->len) {
		return false;
	}
	*b = s->data[s->pos++];
	return true;
}

static uint64_t src_u64(struct mini_src *s)
{
	uint64_t v = 0;
	uint8_t b = 0;
	int i = 0;

	for (i = 0; i < 8; i++) {
		src_byte(s, &b);
		v = v << 8 | b;
	}
	return v;
}

static uint64_t src_arg(struct mini_src *s)
{
	uint8_t sel = 0, a = 0, b = 0;

	src_byte(s, &sel);
	switch (sel % 6) {
	case 0:
		return 0;
	case 1:
		src_byte(s, &a);
		return a;
	case 2:
		src_byte(s, &a);
		src_byte(s, &b);
		return mini_base(a % 4) +
		       (uint64_t)(b % (MINI_PAGES + 2)) * 4096;
	case 3:
		src_byte(s, &a);
		src_byte(s, &b);
		return (uint64_t)mini_ep(a) << 16 | mini_ep(b);
	case 4:
		src_byte(s, &a);
		return (uint64_t)a << 8 | 0x10;
	default:
		return src_u64(s);
	}
}

bool mini_step(struct mini *m, struct mini_src *s)
{
	struct spmc_output out;
	struct ffa_regs in;
	uint8_t hdr = 0, fid = 0, n = 0, v = 0;
	unsigned int i = 0, ep = 0;

	if (!src_byte(s, &hdr) || !src_byte(s, &fid)) {
		return false;
	}
	ep = hdr & 3;
	memset(&in, 0, sizeof(in));
	in.x[0] = mini_fid(fid);
	for (i = 1; i < 8; i++) {
		in.x[i] = src_arg(s);
	}
	if (hdr & 8) {
		uint8_t *tx = mini_tx(m, ep);

		src_byte(s, &n);
		for (i = 0; i < (unsigned int)n * 2; i++) {
			src_byte(s, &v);
			tx[i] = v;
		}
		if (hdr & 16) {
			/* Plausible descriptor header: sender, count, offsets. */
			tx[0] = (uint8_t)mini_ep(ep);
			tx[1] = (uint8_t)(mini_ep(ep) >> 8);
			tx[24] = 32;
			tx[28] = 1;
			tx[32] = 48;
		}
	}
	spmc_call(m->spmc, mini_ep(ep), (hdr >> 2) & 1, &in, &out);
	return true;
}
