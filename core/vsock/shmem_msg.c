// SPDX-License-Identifier: BSD-2-Clause
/*
 * The OP_SHMEM payload we defined (architecture.md §3): no two public
 * prototypes agree (virtio-msg.md §3), so this is our own 56-byte layout.
 * Every subop carries the whole descriptor so that REVOKE, REVOKE_DONE and
 * OFFER_REJECT are self-describing; offer_id is the key.
 */
#include <tzshare/lib.h>
#include <tzshare/vsock.h>

#define SHM_SUBOP 0
#define SHM_TYPE 4
#define SHM_KIND 8
#define SHM_FLAGS 12
#define SHM_OFFER_ID 16
#define SHM_BUS_ADDR 24
#define SHM_SIZE 32
#define SHM_FFA_HANDLE 40
#define SHM_FFA_TAG 48

_Static_assert(SHM_FFA_TAG + 8 == VSOCK_SHMEM_SIZE && VSOCK_SHMEM_SIZE == 56,
	       "OP_SHMEM payload: 4 x u32 + 5 x u64 (architecture.md §3)");

/* The enum checks decode and encode share, in the documented order. */
static int shmem_check(const struct vsock_shmem *m)
{
	if (m->subop > VSOCK_SHMEM_SUBOP_MAX) {
		return VSOCK_E_UNKNOWN_SUBOP;
	}
	if (m->type != VSOCK_SHMEM_TYPE_FFA) {
		return VSOCK_E_UNKNOWN_SHM_TYPE;
	}
	if (m->kind > VSOCK_SHMEM_KIND_MAX) {
		return VSOCK_E_UNKNOWN_KIND;
	}
	return VSOCK_OK;
}

/**
 * vsock_shmem_decode() - see vsock.h. @m is written only when the length
 * is right; on an enum error it holds the decoded fields.
 */
int vsock_shmem_decode(const uint8_t *buf, size_t len, struct vsock_shmem *m,
		       uint32_t *odd)
{
	if (!tzs_range_ok(0, VSOCK_SHMEM_SIZE, len)) {
		return VSOCK_E_TRUNCATED;
	}
	if (len != VSOCK_SHMEM_SIZE) {
		return VSOCK_E_LENGTH;
	}
	m->subop = le32_get(buf + SHM_SUBOP);
	m->type = le32_get(buf + SHM_TYPE);
	m->kind = le32_get(buf + SHM_KIND);
	m->flags = le32_get(buf + SHM_FLAGS);
	m->offer_id = le64_get(buf + SHM_OFFER_ID);
	m->bus_addr = le64_get(buf + SHM_BUS_ADDR);
	m->size = le64_get(buf + SHM_SIZE);
	m->ffa_handle = le64_get(buf + SHM_FFA_HANDLE);
	m->ffa_tag = le64_get(buf + SHM_FFA_TAG);
	if (odd) {
		*odd = (m->flags & ~VSOCK_SHMEM_F_MASK) ? VSOCK_ODD_FLAGS : 0;
	}
	return shmem_check(m);
}

int vsock_shmem_encode(const struct vsock_shmem *m, uint8_t *buf, size_t len)
{
	int ret = shmem_check(m);

	if (ret != VSOCK_OK) {
		return ret;
	}
	if (!tzs_range_ok(0, VSOCK_SHMEM_SIZE, len)) {
		return VSOCK_E_NOSPACE;
	}
	le32_put(buf + SHM_SUBOP, m->subop);
	le32_put(buf + SHM_TYPE, m->type);
	le32_put(buf + SHM_KIND, m->kind);
	le32_put(buf + SHM_FLAGS, m->flags);
	le64_put(buf + SHM_OFFER_ID, m->offer_id);
	le64_put(buf + SHM_BUS_ADDR, m->bus_addr);
	le64_put(buf + SHM_SIZE, m->size);
	le64_put(buf + SHM_FFA_HANDLE, m->ffa_handle);
	le64_put(buf + SHM_FFA_TAG, m->ffa_tag);
	return VSOCK_SHMEM_SIZE;
}
