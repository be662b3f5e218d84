// SPDX-License-Identifier: BSD-2-Clause
/*
 * Scatter-gather arrays for the vsock data path: a message is sent from, or
 * received into, several buffers without a bounce copy (the core has no
 * memory of its own to gather into).
 */
#include <tzshare/lib.h>

#include "iov.h"

uint64_t vsock_iov_total(const struct vsock_iov *iov, uint32_t n)
{
	uint64_t total = 0;
	uint32_t i = 0;

	for (i = 0; i < n; i++) {
		if (ovf_add(total, iov[i].len, &total)) {
			return UINT64_MAX;
		}
	}
	return total;
}

void vsock_iov_start(struct vsock_iov_pos *ps, const struct vsock_iov *iov,
		     uint32_t n)
{
	ps->iov = iov;
	ps->n = n;
	ps->i = 0;
	ps->off = 0;
}

uint32_t vsock_iov_next(struct vsock_iov_pos *ps, uint32_t max, uint8_t **ptr)
{
	*ptr = NULL;
	/* Empty elements carry nothing: skip them. */
	while (ps->i < ps->n && ps->off == ps->iov[ps->i].len) {
		ps->i++;
		ps->off = 0;
	}
	if (ps->i == ps->n || !max) {
		return 0;
	}
	if (ps->iov[ps->i].len - ps->off < max) {
		max = (uint32_t)(ps->iov[ps->i].len - ps->off);
	}
	*ptr = (uint8_t *)ps->iov[ps->i].base + ps->off;
	ps->off += max;
	return max;
}
