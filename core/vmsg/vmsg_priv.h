/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Internals of the virtio-msg codec: one payload codec per message class
 * (transport, generic bus, FF-A bus), called by codec.c once the header
 * has been checked.
 *
 * A class decoder gets the payload (the msg_size - 8 bytes after the
 * header, all inside the caller's buffer) and a struct vmsg whose header
 * is filled and whose union is zeroed. It returns VMSG_E_UNKNOWN for an
 * undefined (direction, msg_id), VMSG_E_SIZE when the payload size does
 * not match the message, VMSG_E_RANGE when a value does not fit struct
 * vmsg, else VMSG_OK.
 *
 * A class encoder is called twice: with @pl NULL it only validates @m and
 * sets *@plen to the payload size; then, with @pl pointing at *@plen
 * zeroed bytes, it writes the fields (reserved fields stay zero). Both
 * calls return the same result.
 */
#ifndef TZSHARE_VMSG_PRIV_H
#define TZSHARE_VMSG_PRIV_H

#include <tzshare/vmsg.h>

/*
 * One switch covers both directions: the response bit of the type byte
 * moves to bit 8 of the key. Events are sent with the bit clear.
 */
#define VMSG_REQ(id) ((unsigned int)(id))
#define VMSG_RESP(id) ((unsigned int)(id) | 0x100u)

static inline unsigned int vmsg_key(const struct vmsg_hdr *hdr)
{
	return hdr->msg_id | ((hdr->type & VMSG_TYPE_RESPONSE) ? 0x100u : 0u);
}

/* The payload must be exactly @want bytes. */
static inline int vmsg_expect_size(size_t plen, size_t want)
{
	return plen == want ? VMSG_OK : VMSG_E_SIZE;
}

/* Encoder side of vmsg_expect_size(): report a fixed payload size. */
static inline int vmsg_fixed_size(size_t *plen, size_t size)
{
	*plen = size;
	return VMSG_OK;
}

void vmsg_hdr_put(const struct vmsg_hdr *hdr, uint16_t msg_size, uint8_t *buf);

int vmsg_transport_get(enum vmsg_profile profile, const uint8_t *pl,
		       size_t plen, struct vmsg *m);
int vmsg_transport_put(enum vmsg_profile profile, const struct vmsg *m,
		       uint8_t *pl, size_t *plen);

int vmsg_bus_get(enum vmsg_profile profile, const uint8_t *pl, size_t plen,
		 struct vmsg *m);
int vmsg_bus_put(enum vmsg_profile profile, const struct vmsg *m, uint8_t *pl,
		 size_t *plen);

int vmsg_ffa_bus_get(enum vmsg_profile profile, const uint8_t *pl, size_t plen,
		     struct vmsg *m);
int vmsg_ffa_bus_put(enum vmsg_profile profile, const struct vmsg *m,
		     uint8_t *pl, size_t *plen);

#endif /* TZSHARE_VMSG_PRIV_H */
