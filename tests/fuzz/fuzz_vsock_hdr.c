// SPDX-License-Identifier: BSD-2-Clause
/*
 * libFuzzer target for the vsock codec (core/vsock/): packet header,
 * whole packet, OP_SHMEM payload, config and event.
 *
 * Oracle: whatever decodes re-encodes to the very bytes it came from, and
 * those bytes decode again to equal fields and equal odd bits. A header
 * that fails with VSOCK_E_UNKNOWN_OP has op > 8 and the encoder refuses
 * it too. vsock_pkt_decode() agrees with the header decode plus the
 * length rule.
 */
#include <stdlib.h>
#include <string.h>

#include <tzshare/vsock.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

static bool hdr_eq(const struct vsock_hdr *a, const struct vsock_hdr *b)
{
	return a->src_cid == b->src_cid && a->dst_cid == b->dst_cid &&
	       a->src_port == b->src_port && a->dst_port == b->dst_port &&
	       a->len == b->len && a->type == b->type && a->op == b->op &&
	       a->flags == b->flags && a->buf_alloc == b->buf_alloc &&
	       a->fwd_cnt == b->fwd_cnt;
}

static bool shmem_eq(const struct vsock_shmem *a, const struct vsock_shmem *b)
{
	return a->subop == b->subop && a->type == b->type &&
	       a->kind == b->kind && a->flags == b->flags &&
	       a->offer_id == b->offer_id && a->bus_addr == b->bus_addr &&
	       a->size == b->size && a->ffa_handle == b->ffa_handle &&
	       a->ffa_tag == b->ffa_tag;
}

static void hdr_oracle(const uint8_t *data, size_t len)
{
	uint8_t b[VSOCK_HDR_SIZE];
	struct vsock_hdr h1, h2;
	uint32_t odd1 = 0, odd2 = 0;
	int ret = vsock_hdr_decode(data, len, &h1, &odd1);

	if (ret == VSOCK_E_TRUNCATED) {
		if (len >= VSOCK_HDR_SIZE) {
			abort();
		}
		return;
	}
	if (ret == VSOCK_E_UNKNOWN_OP) {
		if (vsock_op_known(h1.op) ||
		    vsock_hdr_encode(&h1, b, sizeof(b)) != VSOCK_E_UNKNOWN_OP) {
			abort();
		}
		return;
	}
	if (ret != VSOCK_OK || odd1 != vsock_hdr_odd(&h1)) {
		abort();
	}
	if (vsock_hdr_encode(&h1, b, sizeof(b)) != VSOCK_HDR_SIZE ||
	    memcmp(b, data, sizeof(b)) != 0) {
		abort();
	}
	if (vsock_hdr_decode(b, sizeof(b), &h2, &odd2) != VSOCK_OK ||
	    !hdr_eq(&h1, &h2) || odd1 != odd2) {
		abort();
	}
}

static void pkt_oracle(const uint8_t *data, size_t len)
{
	const uint8_t *payload = NULL;
	struct vsock_hdr h, hh;
	int ret = vsock_pkt_decode(data, len, &h, &payload, NULL);
	int hret = vsock_hdr_decode(data, len, &hh, NULL);

	if (hret != VSOCK_OK) {
		if (ret != hret) {
			abort();
		}
		return;
	}
	if ((uint64_t)VSOCK_HDR_SIZE + hh.len > len) {
		if (ret != VSOCK_E_TRUNCATED) {
			abort();
		}
	} else if ((uint64_t)VSOCK_HDR_SIZE + hh.len < len) {
		if (ret != VSOCK_E_LENGTH) {
			abort();
		}
	} else if (ret != VSOCK_OK || payload != data + VSOCK_HDR_SIZE ||
		   !hdr_eq(&h, &hh)) {
		abort();
	}
}

static void shmem_oracle(const uint8_t *data, size_t len)
{
	uint8_t b[VSOCK_SHMEM_SIZE];
	struct vsock_shmem m1, m2;
	uint32_t odd1 = 0, odd2 = 0;
	int ret = vsock_shmem_decode(data, len, &m1, &odd1);

	if (ret == VSOCK_E_TRUNCATED || ret == VSOCK_E_LENGTH) {
		if ((ret == VSOCK_E_TRUNCATED) != (len < VSOCK_SHMEM_SIZE) ||
		    len == VSOCK_SHMEM_SIZE) {
			abort();
		}
		return;
	}
	if (ret != VSOCK_OK) {
		/* Enum errors: the encoder refuses the same fields. */
		if (vsock_shmem_encode(&m1, b, sizeof(b)) != ret) {
			abort();
		}
		return;
	}
	if (vsock_shmem_encode(&m1, b, sizeof(b)) != VSOCK_SHMEM_SIZE ||
	    memcmp(b, data, sizeof(b)) != 0) {
		abort();
	}
	if (vsock_shmem_decode(b, sizeof(b), &m2, &odd2) != VSOCK_OK ||
	    !shmem_eq(&m1, &m2) || odd1 != odd2) {
		abort();
	}
}

static void small_oracles(const uint8_t *data, size_t len)
{
	uint8_t b[VSOCK_CONFIG_SIZE];
	uint64_t cid = 0;
	uint32_t id = 0;

	if (vsock_config_decode(data, len, &cid, NULL) == VSOCK_OK &&
	    (vsock_config_encode(cid, b, sizeof(b)) != VSOCK_CONFIG_SIZE ||
	     memcmp(b, data, VSOCK_CONFIG_SIZE) != 0)) {
		abort();
	}
	if (vsock_event_decode(data, len, &id) == VSOCK_OK &&
	    (vsock_event_encode(id, b, sizeof(b)) != VSOCK_EVENT_SIZE ||
	     memcmp(b, data, VSOCK_EVENT_SIZE) != 0)) {
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	/* Exact-size heap copy: ASan sees any read past the end. */
	uint8_t *buf = malloc(len ? len : 1);

	if (!buf) {
		return 0;
	}
	memcpy(buf, data, len);
	hdr_oracle(buf, len);
	pkt_oracle(buf, len);
	shmem_oracle(buf, len);
	small_oracles(buf, len);
	/* The payload after a header, as the protocol layer would pass it. */
	if (len >= VSOCK_HDR_SIZE) {
		shmem_oracle(buf + VSOCK_HDR_SIZE, len - VSOCK_HDR_SIZE);
	}
	free(buf);
	return 0;
}
