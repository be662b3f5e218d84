// SPDX-License-Identifier: BSD-2-Clause
/*
 * libFuzzer target for the FF-A descriptor codec: every decoder on
 * arbitrary bytes, and the oracle that a send descriptor which decodes
 * cleanly re-encodes to bytes that decode to the same fields.
 */
#include <stdlib.h>
#include <string.h>

#include <tzshare/ffa.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

#define MAX_EMADS 8
#define MAX_CONS 64

static void roundtrip(const uint8_t *data, size_t len, uint32_t version)
{
	struct ffa_mtd mtd, mtd2;
	struct ffa_emad emads[MAX_EMADS];
	struct ffa_constituent cons[MAX_CONS];
	struct ffa_composite comp;
	struct ffa_mem_send_desc d;
	static uint8_t buf[8192];
	size_t out_len = 0;
	uint32_t i = 0;

	if (ffa_mtd_decode(data, len, version, &mtd) != FFA_OK ||
	    !mtd.emad_count || mtd.emad_count > MAX_EMADS ||
	    mtd.emad_size != ffa_emad_size_for_version(version) ||
	    mtd.emad_offset != ffa_emad_offset_for_version(version)) {
		return;
	}
	for (i = 0; i < mtd.emad_count; i++) {
		if (ffa_emad_decode(data, len, &mtd, i, &emads[i]) != FFA_OK) {
			return;
		}
	}
	if (ffa_composite_decode(data, len, emads[0].composite_offset, &comp) !=
		    FFA_OK ||
	    !comp.constituent_count || comp.constituent_count > MAX_CONS) {
		return;
	}
	for (i = 0; i < comp.constituent_count; i++) {
		if (ffa_constituent_decode(data, len,
					   emads[0].composite_offset + 16 +
						   16ull * i,
					   &cons[i]) != FFA_OK) {
			return;
		}
	}
	memset(&d, 0, sizeof(d));
	d.version = version;
	d.sender = mtd.sender;
	d.attributes = mtd.attributes;
	d.flags = mtd.flags;
	d.tag = mtd.tag;
	d.emad_count = mtd.emad_count;
	d.emads = emads;
	d.constituent_count = comp.constituent_count;
	d.constituents = cons;
	out_len = ffa_mem_send_desc_encode(buf, sizeof(buf), &d);
	if (!out_len) {
		return; /* page-count sum overflow etc. */
	}
	if (ffa_mtd_decode(buf, out_len, version, &mtd2) != FFA_OK ||
	    mtd2.sender != mtd.sender || mtd2.flags != mtd.flags ||
	    mtd2.tag != mtd.tag || mtd2.emad_count != mtd.emad_count) {
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static const uint32_t versions[] = { FFA_VERSION_1_0, FFA_VERSION_1_1,
					     FFA_VERSION_1_2 };
	struct ffa_relinquish rel;
	struct ffa_msg_send2_hdr hdr;
	struct ffa_partition_info info;
	unsigned int i = 0;

	for (i = 0; i < 3; i++) {
		roundtrip(data, len, versions[i]);
	}
	(void)ffa_relinquish_decode(data, len, &rel);
	(void)ffa_msg_send2_hdr_decode(data, len, &hdr);
	(void)ffa_partition_info_decode(data, len, 8, &info);
	(void)ffa_partition_info_decode(data, len, 24, &info);
	return 0;
}
