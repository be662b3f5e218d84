/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Helpers of the virtio-msg system tests: the default platform (VM 1 and
 * tzshare-sp serving the bus with the echo device at dev_num 1 and a
 * virtio-vsock device at dev_num 2), a bus in one of the four carriage x
 * DMA-mode combinations, echo traffic with a verified pattern, and the SP's
 * control commands.
 *
 * Buffers: one DMA allocation per test, each request's source and
 * destination on pages of their own (dynamic mode shares a buffer's pages
 * as an area, and FF-A allows one live transaction per page).
 */
#ifndef TZS_VMSG_SYS_H
#define TZS_VMSG_SYS_H

#include <tzshare/vmsg_host.h>

#include "sys.h"

#define VS_SP 0x8001
#define VS_ECHO 1u
#define VS_VSOCK 2u /* TZS_VSOCK_DEV_NUM */
#define VS_SLOT 4096u /* bytes per request buffer slot */

/* Generous: a loaded 2-core machine under ASan. */
#define VS_TEST_TIMEOUT_S 180

struct vs_mode {
	bool indirect;
	bool dynamic;
	bool poll_events;
	unsigned int vcpu; /* the bus's vCPU (vs_cmd always uses vCPU 0) */
};

static inline struct tzs_vmsg_bus *vs_bus(struct tzs_ep *vm, struct vs_mode m)
{
	struct tzs_vmsg_bus_opts o;
	struct tzs_vmsg_bus *b = NULL;

	memset(&o, 0, sizeof(o));
	o.indirect = m.indirect;
	o.dynamic = m.dynamic;
	o.poll_events = m.poll_events;
	o.vcpu = m.vcpu;
	o.notify_id = 5;
	o.event_timeout_ms = 10000;
	ASSERT_EQ(tzs_vmsg_bus_open(vm, &o, &b), 0);
	return b;
}

static inline struct tzs_vmsg_echo *vs_echo(struct tzs_vmsg_bus *b,
					    uint16_t dev_num)
{
	struct tzs_vmsg_echo *e = NULL;

	ASSERT_EQ(tzs_vmsg_echo_open(b, dev_num, 64, &e), 0);
	return e;
}

/* Control command to the SP (acts on our own backend). */
static inline int vs_cmd(struct tzs_ep *vm, uint32_t cmd, uint64_t a,
			 uint64_t b, uint64_t ret[5])
{
	uint64_t args[5] = { cmd, a, b, 0, 0 };
	uint64_t tmp[5];
	uint64_t *r = ret ? ret : tmp;

	ASSERT_EQ(tzs_vcpu_direct_req(tzs_ep_vcpu(vm, 0), VS_SP, args, r),
		  FFA_OK);
	return (int32_t)(uint32_t)r[0];
}

static inline uint8_t vs_byte(uint64_t seed, uint32_t i)
{
	return (uint8_t)(tsp_word(seed, i / 4096, i % 4096 & ~7u) >>
			 (8 * (i % 8)));
}

static inline void vs_fill(uint8_t *p, uint32_t len, uint64_t seed)
{
	uint32_t i = 0;

	for (i = 0; i < len; i++) {
		p[i] = vs_byte(seed, i);
	}
}

static inline bool vs_check(const uint8_t *p, uint32_t len, uint64_t seed)
{
	uint32_t i = 0;

	for (i = 0; i < len; i++) {
		if (p[i] != vs_byte(seed, i)) {
			return false;
		}
	}
	return true;
}

/* Request @i of a buffer laid out as [src slots][dst slots] of @slot
 * bytes; @len bytes at offset @off inside the slot. */
static inline struct tzs_vmsg_echo_req vs_req(const struct tzs_vmsg_dma *d,
					      uint32_t slots, uint32_t slot,
					      uint32_t i, uint32_t off,
					      uint32_t len)
{
	struct tzs_vmsg_echo_req r;
	uint64_t s = (uint64_t)i * slot + off;
	uint64_t t = (uint64_t)(slots + i) * slot + off;

	memset(&r, 0, sizeof(r));
	r.src = d->va + s;
	r.src_pa = d->pa + s;
	r.dst = d->va + t;
	r.dst_pa = d->pa + t;
	r.len = len;
	r.token = (void *)(uintptr_t)(i + 1);
	return r;
}

/*
 * One batch: @n requests of @len bytes (slot i holds pattern seed + i),
 * one kick, reap all, check every destination. Returns the number of
 * requests that came back intact.
 */
static inline uint32_t vs_batch(struct tzs_vmsg_echo *e,
				const struct tzs_vmsg_dma *d, uint32_t slots,
				uint32_t slot, uint32_t n, uint32_t len,
				uint64_t seed)
{
	uint32_t i = 0, ok = 0, got_len = 0;
	void *tok = NULL;

	for (i = 0; i < n; i++) {
		struct tzs_vmsg_echo_req r = vs_req(d, slots, slot, i, 0, len);

		vs_fill(r.src, len, seed + i);
		memset(r.dst, 0, len);
		ASSERT_EQ(tzs_vmsg_echo_submit(e, &r), 0);
	}
	ASSERT_EQ(tzs_vmsg_echo_kick(e), 0);
	for (i = 0; i < n; i++) {
		uint32_t idx = 0;

		ASSERT_EQ(tzs_vmsg_echo_reap(e, &tok, &got_len, -1), 1);
		idx = (uint32_t)(uintptr_t)tok - 1;
		ASSERT_TRUE(idx < n);
		ASSERT_EQ(got_len, len);
		if (vs_check(d->va + (uint64_t)(slots + idx) * slot, len,
			     seed + idx)) {
			ok++;
		}
	}
	ASSERT_EQ(tzs_vmsg_echo_inflight(e), 0);
	return ok;
}

/* Live FF-A shares the SPMC counts. */
static inline uint32_t vs_live_shares(struct tzs_ep *vm)
{
	struct tzs_host_stats st;

	ASSERT_EQ(tzs_vcpu_stats(tzs_ep_vcpu(vm, 0), &st), 0);
	return st.live_shares;
}

#endif /* TZS_VMSG_SYS_H */
