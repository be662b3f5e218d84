// SPDX-License-Identifier: BSD-2-Clause
/*
 * libFuzzer target for the virtio-msg codec (core/vmsg/), both profiles.
 *
 * Oracle 1 (decoder): whatever decodes re-encodes, the re-encoding decodes
 * to the same message (field-wise, vmsg_eq.h), and encoding that again
 * gives the same bytes. msg_size may only change for the one documented
 * case: the V2 profile reads an FF-A bus v1 VERSION and writes it back in
 * the v2 layout.
 * Oracle 2 (encoder): the input's bytes taken as a struct vmsg either fail
 * to encode, or encode to a message that decodes and re-encodes to the
 * same bytes, and one byte less room is VMSG_E_NOSPACE.
 */
#include <stdlib.h>
#include <string.h>

#include <tzshare/vmsg.h>

#include "../unit/vmsg/vmsg_eq.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

static const enum vmsg_profile profiles[] = { VMSG_PROFILE_V2,
					      VMSG_PROFILE_PR28 };

/* V2 decodes the FF-A bus v1 VERSION sizes and encodes v2 (codec.c). */
static bool version_upgrade(enum vmsg_profile p, const struct vmsg *m)
{
	return p == VMSG_PROFILE_V2 && (m->hdr.type & VMSG_TYPE_BUS) &&
	       m->hdr.msg_id == VMSG_FFA_VERSION &&
	       (m->hdr.msg_size == VMSG_HDR_SIZE + 8 ||
		m->hdr.msg_size == VMSG_HDR_SIZE + 18);
}

/* @b of @n bytes came from our encoder: it must decode and re-encode. */
static void fixed_point(enum vmsg_profile p, const uint8_t *b, int n,
			struct vmsg *out)
{
	uint8_t again[VMSG_MAX_SIZE];

	if (vmsg_decode(p, b, (size_t)n, out) != VMSG_OK ||
	    out->hdr.msg_size != n) {
		abort();
	}
	if (vmsg_encode(p, out, again, sizeof(again)) != n ||
	    memcmp(again, b, (size_t)n) != 0) {
		abort();
	}
}

static void decode_oracle(enum vmsg_profile p, const uint8_t *data, size_t len)
{
	uint8_t b[VMSG_MAX_SIZE];
	struct vmsg m1, m2;
	char why[128];
	int n = 0;

	if (vmsg_decode(p, data, len, &m1) != VMSG_OK) {
		return;
	}
	if (strcmp(vmsg_name(m1.hdr.type, m1.hdr.msg_id), "UNKNOWN") == 0) {
		abort(); /* decoded, so it is a message we know */
	}
	memset(b, 0xee, sizeof(b));
	n = vmsg_encode(p, &m1, b, sizeof(b));
	if (n < VMSG_HDR_SIZE) {
		abort();
	}
	for (size_t k = (size_t)n; k < sizeof(b); k++) {
		if (b[k] != 0xee) {
			abort(); /* wrote past the message */
		}
	}
	fixed_point(p, b, n, &m2);
	if (!vmsg_eq(&m1, &m2, true, why, sizeof(why))) {
		abort();
	}
	if (m1.hdr.msg_size != m2.hdr.msg_size && !version_upgrade(p, &m1)) {
		abort();
	}
}

static void encode_oracle(enum vmsg_profile p, const uint8_t *data, size_t len)
{
	uint8_t b[VMSG_MAX_SIZE];
	struct vmsg m, back;
	int n = 0;

	if (len < sizeof(m)) {
		return;
	}
	memcpy(&m, data, sizeof(m));
	n = vmsg_encode(p, &m, b, sizeof(b));
	if (n < 0) {
		return;
	}
	if (n < VMSG_HDR_SIZE || n > VMSG_MAX_SIZE) {
		abort();
	}
	fixed_point(p, b, n, &back);
	if (vmsg_encode(p, &m, b, (size_t)n - 1) != VMSG_E_NOSPACE) {
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct vmsg_hdr hdr;

	(void)vmsg_hdr_decode(data, len, &hdr);
	for (size_t i = 0; i < 2; i++) {
		decode_oracle(profiles[i], data, len);
		encode_oracle(profiles[i], data, len);
	}
	return 0;
}
