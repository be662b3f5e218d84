/* SPDX-License-Identifier: BSD-2-Clause */
/* Walking a struct vsock_iov array piece by piece (core/vsock/iov.c). */
#ifndef TZSHARE_CORE_VSOCK_IOV_H
#define TZSHARE_CORE_VSOCK_IOV_H

#include <tzshare/vsock_conn.h>

struct vsock_iov_pos {
	const struct vsock_iov *iov;
	uint32_t n;
	uint32_t i; /* current element */
	size_t off; /* bytes of it already walked */
};

void vsock_iov_start(struct vsock_iov_pos *ps, const struct vsock_iov *iov,
		     uint32_t n);

/*
 * The next contiguous piece of at most @max bytes at *@ptr, walked past;
 * returns its length, 0 (and *@ptr NULL) when the array is exhausted or
 * @max is 0.
 */
uint32_t vsock_iov_next(struct vsock_iov_pos *ps, uint32_t max, uint8_t **ptr);

#endif /* TZSHARE_CORE_VSOCK_IOV_H */
