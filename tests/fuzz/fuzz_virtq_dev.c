// SPDX-License-Identifier: BSD-2-Clause
/*
 * libFuzzer target for the split-virtqueue device (core/virtq/virtq_dev.c):
 * the input is a hostile driver. Its bytes fill one small writable area
 * that holds the descriptor table, the avail ring, the used ring and
 * whatever buffers and indirect tables the descriptors name, plus a small
 * read-only area; the device then pops and pushes until the queue is empty
 * or broken.
 *
 * Oracles: no sanitizer report (both areas are exact allocations, and the
 * device's iovecs are read and written in full); every iovec lies inside
 * one area, writable ones inside the writable area; iovec counts and byte
 * totals add up; push accepts exactly the chain's writable length; a
 * broken queue stays broken with one rejection counted.
 *
 * Input: [0] log2(num) (mod 7: 1..64 entries, so chains can exceed
 * VIRTQ_MAX_CHAIN), [1] flags (bit 0 EVENT_IDX, bit 1 INDIRECT_DESC, bit 2
 * toggle notifications between pops, bit 3 push only after the last pop,
 * so heads stay in flight), [2..3] initial last_avail_idx, [4..5] initial
 * used idx, then the writable area's bytes.
 * Bus addresses: the writable area at 0x1000, the read-only one at 0x4000.
 */
#include <stdlib.h>
#include <string.h>

#include <tzshare/lib.h>
#include <tzshare/virtq.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

#define HDR_LEN 6u
#define MAX_NUM 64u
#define AREA_LEN 4096u
#define RO_LEN 256u
#define AREA_BUS 0x1000u
#define RO_BUS 0x8000u
#define DESC_OFF 0u /* 16 * 64 = 1024 bytes at most */
#define AVAIL_OFF 1024u /* 6 + 2 * 64 = 134 bytes at most */
#define USED_OFF 1160u /* 6 + 8 * 64 = 518 bytes at most */

struct fz {
	uint8_t *area;
	uint8_t *ro;
};

static uint8_t *fz_translate(void *ctx, uint64_t addr, uint64_t len, bool write)
{
	struct fz *z = ctx;

	if (addr >= AREA_BUS && tzs_range_ok(addr - AREA_BUS, len, AREA_LEN)) {
		return z->area + (addr - AREA_BUS);
	}
	if (!write && addr >= RO_BUS &&
	    tzs_range_ok(addr - RO_BUS, len, RO_LEN)) {
		return z->ro + (addr - RO_BUS);
	}
	return NULL;
}

static const struct virtq_mem_ops fz_ops = { .translate = fz_translate };

static bool inside(const uint8_t *p, uint32_t n, const uint8_t *base,
		   uint32_t base_len)
{
	uintptr_t a = (uintptr_t)p, b = (uintptr_t)base;

	return a >= b && a - b <= base_len && n <= base_len - (a - b);
}

static void check_chain(struct fz *z, const struct virtq_chain *c)
{
	uint64_t out = 0, in = 0;
	volatile uint8_t sink = 0;
	unsigned int i = 0;

	if (c->n_out + c->n_in > VIRTQ_MAX_CHAIN) {
		__builtin_trap();
	}
	for (i = 0; i < (unsigned int)(c->n_out + c->n_in); i++) {
		const struct virtq_iov *v = &c->iov[i];
		bool in_area = inside(v->ptr, v->len, z->area, AREA_LEN);

		if (!v->len || v->write != (i >= c->n_out)) {
			__builtin_trap();
		}
		if (!in_area &&
		    (v->write || !inside(v->ptr, v->len, z->ro, RO_LEN))) {
			__builtin_trap();
		}
		if (v->write) {
			in += v->len;
			memset(v->ptr, 0xA5, v->len);
		} else {
			out += v->len;
			sink ^= v->ptr[0];
			sink ^= v->ptr[v->len - 1];
		}
	}
	if (out != c->out_len || in != c->in_len) {
		__builtin_trap();
	}
	(void)sink;
}

static void push_checked(struct virtq_dev *dev, uint16_t head, uint32_t in_len)
{
	if (in_len < UINT32_MAX &&
	    virtq_dev_push(dev, head, in_len + 1u) != VIRTQ_E_INVAL) {
		__builtin_trap();
	}
	if (virtq_dev_push(dev, head, in_len) != VIRTQ_OK ||
	    virtq_dev_push(dev, head, 0) != VIRTQ_E_INVAL) {
		__builtin_trap();
	}
}

static void run(struct fz *z, const uint8_t *hdr)
{
	uint16_t num = (uint16_t)(1u << (hdr[0] % 7u));
	bool event_idx = hdr[1] & 1u;
	bool indirect = hdr[1] & 2u;
	bool toggle = hdr[1] & 4u;
	bool defer = hdr[1] & 8u;
	uint64_t inflight[MAX_NUM];
	uint16_t held[4u * MAX_NUM + 4u];
	uint32_t held_in[4u * MAX_NUM + 4u];
	unsigned int n_held = 0;
	struct virtq_chain c;
	struct virtq_dev dev;
	unsigned int step = 0;
	int rc = VIRTQ_OK;

	if (virtq_dev_init(&dev, num, AREA_BUS + DESC_OFF, AREA_BUS + AVAIL_OFF,
			   AREA_BUS + USED_OFF, event_idx, indirect, &fz_ops,
			   z) != VIRTQ_OK) {
		__builtin_trap();
	}
	virtq_dev_set_inflight(&dev, inflight);
	dev.last_avail_idx = le16_get(hdr + 2);
	dev.used_idx = le16_get(hdr + 4);
	dev.last_signalled_used = dev.used_idx;
	/* The iovec writes may rewrite the rings: bound the run anyway. */
	for (step = 0; step < 4u * num + 4u; step++) {
		rc = virtq_dev_pop(&dev, &c);
		if (rc != VIRTQ_OK) {
			break;
		}
		check_chain(z, &c);
		if (defer) {
			held[n_held] = c.head;
			held_in[n_held++] = c.in_len;
		} else {
			push_checked(&dev, c.head, c.in_len);
		}
		virtq_dev_notify_needed(&dev);
		if (toggle && (step & 1u)) {
			virtq_dev_disable_notify(&dev);
		} else if (toggle) {
			virtq_dev_enable_notify(&dev);
		}
	}
	if (rc != VIRTQ_E_BROKEN) {
		while (n_held) {
			n_held--;
			push_checked(&dev, held[n_held], held_in[n_held]);
		}
	}
	if (rc == VIRTQ_E_BROKEN) {
		if (!dev.broken || dev.stats.rejected != 1 || !dev.reject ||
		    virtq_dev_pop(&dev, &c) != VIRTQ_E_BROKEN ||
		    virtq_dev_push(&dev, 0, 0) != VIRTQ_E_BROKEN) {
			__builtin_trap();
		}
	} else if (rc != VIRTQ_OK && rc != VIRTQ_E_EMPTY) {
		__builtin_trap();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct fz z;
	size_t body = 0;

	if (len < HDR_LEN) {
		return 0;
	}
	z.area = calloc(1, AREA_LEN);
	z.ro = malloc(RO_LEN);
	if (!z.area || !z.ro) {
		abort();
	}
	body = len - HDR_LEN;
	memcpy(z.area, data + HDR_LEN, body < AREA_LEN ? body : AREA_LEN);
	memset(z.ro, 0x5A, RO_LEN);
	run(&z, data);
	free(z.area);
	free(z.ro);
	return 0;
}
