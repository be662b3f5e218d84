// SPDX-License-Identifier: BSD-2-Clause
/*
 * core/vmsg: one hand-made, byte-exact vector per message per profile,
 * written from virtio-msg.md §1.1-§2.3 (the newest layouts of §1.3 for
 * VMSG_PROFILE_V2). Each vector must encode to exactly its bytes and decode
 * to exactly its fields; every truncation and every off-by-one size of it
 * must be rejected. Field values are distinct so that swapped fields show.
 */
#include "test.h"

#include <tzshare/vmsg.h>

#include "vmsg_eq.h"

#define P_V2 1u
#define P_PR28 2u
#define P_BOTH (P_V2 | P_PR28)

/* The 8-byte header (§1.1), little-endian. */
#define HDR(type, id, dev, tok, size)                                 \
	(type), (id), (dev)&0xff, (dev) >> 8, (tok)&0xff, (tok) >> 8, \
		(size)&0xff, (size) >> 8

#define TREQ 0x00
#define TRSP 0x01
#define BREQ 0x02
#define BRSP 0x03

/* Bus addresses in area 1 (§2.4). */
#define ADDR_LE(lo) 0x00, (lo), 0x00, 0x00, 0x00, 0x00, 0x01, 0x00

struct hvec {
	const char *name;
	unsigned int profiles;
	size_t len;
	uint8_t bytes[64];
	struct vmsg m;
};

/* clang-format off */
#define M(t, id, dev, tok, size)                                           \
	.hdr = { .type = (t), .msg_id = (id), .dev_num = (dev),            \
		 .token = (tok), .msg_size = (size) }

static const struct hvec vecs[] = {
	/* ---- transport (§1.2, §1.3) ---- */
	{ "get_device_info_req", P_BOTH, 8,
	  { HDR(TREQ, 0x02, 0x0001, 0x0010, 8) },
	  { M(TREQ, 0x02, 0x0001, 0x0010, 8) } },
	{ "get_device_info_resp_v2", P_V2, 52,
	  { HDR(TRSP, 0x02, 0x0001, 0x0010, 52),
	    0x13, 0x00, 0x00, 0x00,	/* device_id 19 */
	    0x51, 0x45, 0x4d, 0x55,	/* vendor_id "QEMU" */
	    0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, /* uuid */
	    0xa8, 0xa9, 0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf,
	    0x02, 0x00, 0x00, 0x00,	/* num_feature_blocks 2 */
	    0x08, 0x00, 0x00, 0x00,	/* config_size */
	    0x03, 0x00, 0x00, 0x00,	/* max_virtqueues */
	    0x01, 0x00, 0x02, 0x00,	/* admin_vq_start u32 */
	    0x04, 0x00, 0x00, 0x00 },	/* admin_vq_count u32 */
	  { M(TRSP, 0x02, 0x0001, 0x0010, 52),
	    .u.dev_info = { .device_id = 19, .vendor_id = 0x554d4551,
			    .uuid = { 0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5,
				      0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xab,
				      0xac, 0xad, 0xae, 0xaf },
			    .num_feature_bits = 64, .config_size = 8,
			    .max_vqs = 3, .admin_vq_start = 0x00020001,
			    .admin_vq_count = 4 } } },
	{ "get_device_info_resp_pr28", P_PR28, 32,
	  { HDR(TRSP, 0x02, 0x0001, 0x0010, 32),
	    0x13, 0x00, 0x00, 0x00,	/* device_id */
	    0x51, 0x45, 0x4d, 0x55,	/* vendor_id */
	    0x40, 0x00, 0x00, 0x00,	/* num_feature_bits 64 */
	    0x08, 0x00, 0x00, 0x00,	/* config_size */
	    0x03, 0x00, 0x00, 0x00,	/* max_virtqueues */
	    0x05, 0x00,			/* admin_vq_start u16 */
	    0x02, 0x00 },		/* admin_vq_count u16 */
	  { M(TRSP, 0x02, 0x0001, 0x0010, 32),
	    .u.dev_info = { .device_id = 19, .vendor_id = 0x554d4551,
			    .num_feature_bits = 64, .config_size = 8,
			    .max_vqs = 3, .admin_vq_start = 5,
			    .admin_vq_count = 2 } } },
	{ "get_device_features_req", P_BOTH, 16,
	  { HDR(TREQ, 0x03, 0x0001, 0x0011, 16),
	    0x01, 0x00, 0x00, 0x00,	/* block_index */
	    0x02, 0x00, 0x00, 0x00 },	/* num_blocks */
	  { M(TREQ, 0x03, 0x0001, 0x0011, 16),
	    .u.features = { .block_index = 1, .num_blocks = 2 } } },
	{ "get_device_features_resp", P_BOTH, 24,
	  { HDR(TRSP, 0x03, 0x0001, 0x0011, 24),
	    0x01, 0x00, 0x00, 0x00,	/* block_index */
	    0x02, 0x00, 0x00, 0x00,	/* num_blocks */
	    0x03, 0x00, 0x00, 0x00,	/* features[0] */
	    0x01, 0x00, 0x00, 0x80 },	/* features[1] */
	  { M(TRSP, 0x03, 0x0001, 0x0011, 24),
	    .u.features = { .block_index = 1, .num_blocks = 2,
			    .features = { 0x3, 0x80000001 } } } },
	{ "set_driver_features_req", P_BOTH, 20,
	  { HDR(TREQ, 0x04, 0x0001, 0x0012, 20),
	    0x00, 0x00, 0x00, 0x00,	/* block_index */
	    0x01, 0x00, 0x00, 0x00,	/* num_blocks */
	    0x01, 0x02, 0x03, 0x04 },	/* features[0] */
	  { M(TREQ, 0x04, 0x0001, 0x0012, 20),
	    .u.features = { .block_index = 0, .num_blocks = 1,
			    .features = { 0x04030201 } } } },
	{ "set_driver_features_resp", P_BOTH, 8,
	  { HDR(TRSP, 0x04, 0x0001, 0x0012, 8) },
	  { M(TRSP, 0x04, 0x0001, 0x0012, 8) } },
	{ "get_config_req", P_BOTH, 16,
	  { HDR(TREQ, 0x05, 0x0002, 0x0013, 16),
	    0x04, 0x00, 0x00, 0x00,	/* offset */
	    0x08, 0x00, 0x00, 0x00 },	/* length */
	  { M(TREQ, 0x05, 0x0002, 0x0013, 16),
	    .u.config = { .offset = 4, .length = 8 } } },
	{ "get_config_resp", P_BOTH, 23,
	  { HDR(TRSP, 0x05, 0x0002, 0x0013, 23),
	    0x07, 0x00, 0x00, 0x00,	/* generation */
	    0x04, 0x00, 0x00, 0x00,	/* offset */
	    0x03, 0x00, 0x00, 0x00,	/* length */
	    0xaa, 0xbb, 0xcc },		/* data */
	  { M(TRSP, 0x05, 0x0002, 0x0013, 23),
	    .u.config = { .generation = 7, .offset = 4, .length = 3,
			  .data_len = 3, .data = { 0xaa, 0xbb, 0xcc } } } },
	{ "set_config_req", P_BOTH, 22,
	  { HDR(TREQ, 0x06, 0x0002, 0x0014, 22),
	    0x07, 0x00, 0x00, 0x00,	/* generation */
	    0x10, 0x00, 0x00, 0x00,	/* offset */
	    0x02, 0x00, 0x00, 0x00,	/* length */
	    0x11, 0x22 },		/* data */
	  { M(TREQ, 0x06, 0x0002, 0x0014, 22),
	    .u.config = { .generation = 7, .offset = 16, .length = 2,
			  .data_len = 2, .data = { 0x11, 0x22 } } } },
	{ "set_config_resp_echo", P_BOTH, 22,
	  { HDR(TRSP, 0x06, 0x0002, 0x0014, 22),
	    0x08, 0x00, 0x00, 0x00,	/* new generation */
	    0x10, 0x00, 0x00, 0x00,	/* offset */
	    0x02, 0x00, 0x00, 0x00,	/* length */
	    0x11, 0x22 },		/* echo */
	  { M(TRSP, 0x06, 0x0002, 0x0014, 22),
	    .u.config = { .generation = 8, .offset = 16, .length = 2,
			  .data_len = 2, .data = { 0x11, 0x22 } } } },
	{ "set_config_resp_no_echo", P_BOTH, 20,
	  { HDR(TRSP, 0x06, 0x0002, 0x0015, 20),
	    0x08, 0x00, 0x00, 0x00,	/* new generation */
	    0x10, 0x00, 0x00, 0x00,	/* offset */
	    0x02, 0x00, 0x00, 0x00 },	/* length (applied) */
	  { M(TRSP, 0x06, 0x0002, 0x0015, 20),
	    .u.config = { .generation = 8, .offset = 16, .length = 2,
			  .data_len = 0 } } },
	{ "get_device_status_req", P_BOTH, 8,
	  { HDR(TREQ, 0x07, 0x0003, 0x0020, 8) },
	  { M(TREQ, 0x07, 0x0003, 0x0020, 8) } },
	{ "get_device_status_resp", P_BOTH, 12,
	  { HDR(TRSP, 0x07, 0x0003, 0x0020, 12), 0x0f, 0x00, 0x00, 0x00 },
	  { M(TRSP, 0x07, 0x0003, 0x0020, 12), .u.status = 0x0f } },
	{ "set_device_status_req", P_BOTH, 12,
	  { HDR(TREQ, 0x08, 0x0003, 0x0021, 12), 0x0b, 0x00, 0x00, 0x00 },
	  { M(TREQ, 0x08, 0x0003, 0x0021, 12), .u.status = 0x0b } },
	{ "set_device_status_resp", P_BOTH, 12,
	  { HDR(TRSP, 0x08, 0x0003, 0x0021, 12), 0x4b, 0x00, 0x00, 0x00 },
	  { M(TRSP, 0x08, 0x0003, 0x0021, 12), .u.status = 0x4b } },
	{ "get_vqueue_req", P_BOTH, 12,
	  { HDR(TREQ, 0x09, 0x0004, 0x0030, 12), 0x02, 0x00, 0x00, 0x00 },
	  { M(TREQ, 0x09, 0x0004, 0x0030, 12), .u.index = 2 } },
	{ "get_vqueue_resp_v2", P_V2, 48,
	  { HDR(TRSP, 0x09, 0x0004, 0x0030, 48),
	    0x02, 0x00, 0x00, 0x00,	/* index */
	    0x00, 0x01, 0x00, 0x00,	/* max_size 256 */
	    0x40, 0x00, 0x00, 0x00,	/* size 64 */
	    0x01, 0x00, 0x00, 0x00,	/* flags: ENABLED */
	    ADDR_LE(0x10), ADDR_LE(0x14), ADDR_LE(0x16) },
	  { M(TRSP, 0x09, 0x0004, 0x0030, 48),
	    .u.vqueue = { .index = 2, .max_size = 256, .size = 64,
			  .flags = 1, .desc_addr = 0x0001000000001000,
			  .driver_addr = 0x0001000000001400,
			  .device_addr = 0x0001000000001600 } } },
	{ "get_vqueue_resp_pr28", P_PR28, 48,
	  { HDR(TRSP, 0x09, 0x0004, 0x0030, 48),
	    0x02, 0x00, 0x00, 0x00,	/* index */
	    0x00, 0x01, 0x00, 0x00,	/* max_size 256 */
	    0x40, 0x00, 0x00, 0x00,	/* size 64 */
	    0x00, 0x00, 0x00, 0x00,	/* reserved */
	    ADDR_LE(0x10), ADDR_LE(0x14), ADDR_LE(0x16) },
	  { M(TRSP, 0x09, 0x0004, 0x0030, 48),
	    .u.vqueue = { .index = 2, .max_size = 256, .size = 64,
			  .desc_addr = 0x0001000000001000,
			  .driver_addr = 0x0001000000001400,
			  .device_addr = 0x0001000000001600 } } },
	{ "set_vqueue_req_v2", P_V2, 48,
	  { HDR(TREQ, 0x0a, 0x0004, 0x0031, 48),
	    0x02, 0x00, 0x00, 0x00,	/* index */
	    0x01, 0x00, 0x00, 0x00,	/* flags: enable */
	    0x40, 0x00, 0x00, 0x00,	/* size */
	    0x00, 0x00, 0x00, 0x00,	/* reserved */
	    ADDR_LE(0x20), ADDR_LE(0x24), ADDR_LE(0x26) },
	  { M(TREQ, 0x0a, 0x0004, 0x0031, 48),
	    .u.vqueue = { .index = 2, .size = 64, .flags = 1,
			  .desc_addr = 0x0001000000002000,
			  .driver_addr = 0x0001000000002400,
			  .device_addr = 0x0001000000002600 } } },
	{ "set_vqueue_req_pr28", P_PR28, 48,
	  { HDR(TREQ, 0x0a, 0x0004, 0x0031, 48),
	    0x02, 0x00, 0x00, 0x00,	/* index */
	    0x00, 0x00, 0x00, 0x00,	/* unused */
	    0x40, 0x00, 0x00, 0x00,	/* size */
	    0x00, 0x00, 0x00, 0x00,	/* reserved */
	    ADDR_LE(0x20), ADDR_LE(0x24), ADDR_LE(0x26) },
	  { M(TREQ, 0x0a, 0x0004, 0x0031, 48),
	    .u.vqueue = { .index = 2, .size = 64,
			  .desc_addr = 0x0001000000002000,
			  .driver_addr = 0x0001000000002400,
			  .device_addr = 0x0001000000002600 } } },
	{ "set_vqueue_resp", P_BOTH, 8,
	  { HDR(TRSP, 0x0a, 0x0004, 0x0031, 8) },
	  { M(TRSP, 0x0a, 0x0004, 0x0031, 8) } },
	{ "reset_vqueue_req", P_BOTH, 12,
	  { HDR(TREQ, 0x0b, 0x0004, 0x0032, 12), 0x02, 0x00, 0x00, 0x00 },
	  { M(TREQ, 0x0b, 0x0004, 0x0032, 12), .u.index = 2 } },
	{ "reset_vqueue_resp", P_BOTH, 8,
	  { HDR(TRSP, 0x0b, 0x0004, 0x0032, 8) },
	  { M(TRSP, 0x0b, 0x0004, 0x0032, 8) } },
	{ "get_shm_req", P_BOTH, 12,
	  { HDR(TREQ, 0x0c, 0x0005, 0x0040, 12), 0x01, 0x00, 0x00, 0x00 },
	  { M(TREQ, 0x0c, 0x0005, 0x0040, 12), .u.index = 1 } },
	{ "get_shm_resp_v2", P_V2, 32,
	  { HDR(TRSP, 0x0c, 0x0005, 0x0040, 32),
	    0x01, 0x00, 0x00, 0x00,	/* shmid */
	    0x00, 0x00, 0x00, 0x00,	/* reserved */
	    0x00, 0x20, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, /* length */
	    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00 }, /* address */
	  { M(TRSP, 0x0c, 0x0005, 0x0040, 32),
	    .u.shm = { .index = 1, .length = 0x0000000100002000,
		       .address = 0x0002000000000000 } } },
	{ "get_shm_resp_pr28", P_PR28, 20,
	  { HDR(TRSP, 0x0c, 0x0005, 0x0040, 20),
	    0x01, 0x00, 0x00, 0x00,	/* index */
	    0x00, 0x20, 0x00, 0x00,	/* length u32 */
	    0x00, 0x00, 0x10, 0x00 },	/* address u32 */
	  { M(TRSP, 0x0c, 0x0005, 0x0040, 20),
	    .u.shm = { .index = 1, .length = 0x2000, .address = 0x100000 } } },
	{ "event_config", P_BOTH, 28,
	  { HDR(TREQ, 0x40, 0x0006, 0x0000, 28),
	    0x0f, 0x00, 0x00, 0x00,	/* device_status */
	    0x03, 0x00, 0x00, 0x00,	/* generation */
	    0x08, 0x00, 0x00, 0x00,	/* offset */
	    0x04, 0x00, 0x00, 0x00,	/* length */
	    0xde, 0xad, 0xbe, 0xef },	/* data */
	  { M(TREQ, 0x40, 0x0006, 0x0000, 28),
	    .u.config = { .device_status = 0x0f, .generation = 3,
			  .offset = 8, .length = 4, .data_len = 4,
			  .data = { 0xde, 0xad, 0xbe, 0xef } } } },
	{ "event_avail", P_BOTH, 16,
	  { HDR(TREQ, 0x41, 0x0006, 0x0000, 16),
	    0x01, 0x00, 0x00, 0x00,	/* vq_index */
	    0x05, 0x00, 0x00, 0x80 },	/* next: offset 5, wrap */
	  { M(TREQ, 0x41, 0x0006, 0x0000, 16),
	    .u.avail = { .vq_index = 1, .next = 0x80000005 } } },
	{ "event_used", P_BOTH, 12,
	  { HDR(TREQ, 0x42, 0x0006, 0x0000, 12), 0x01, 0x00, 0x00, 0x00 },
	  { M(TREQ, 0x42, 0x0006, 0x0000, 12), .u.index = 1 } },

	/* ---- generic bus (§2.1) ---- */
	{ "get_devices_req", P_BOTH, 12,
	  { HDR(BREQ, 0x02, 0x0000, 0x0050, 12),
	    0x08, 0x00,			/* offset */
	    0x10, 0x00 },		/* count */
	  { M(BREQ, 0x02, 0x0000, 0x0050, 12),
	    .u.devices = { .offset = 8, .count = 16 } } },
	{ "get_devices_resp_v2", P_V2, 16,
	  { HDR(BRSP, 0x02, 0x0000, 0x0050, 16),
	    0x08, 0x00,			/* offset */
	    0x18, 0x00,			/* next_offset */
	    0x10, 0x00,			/* count */
	    0x06, 0x81 },		/* bitmap */
	  { M(BRSP, 0x02, 0x0000, 0x0050, 16),
	    .u.devices = { .offset = 8, .count = 16, .next_offset = 24,
			   .bitmap = { 0x06, 0x81 } } } },
	{ "get_devices_resp_pr28", P_PR28, 16,
	  { HDR(BRSP, 0x02, 0x0000, 0x0050, 16),
	    0x08, 0x00,			/* offset */
	    0x10, 0x00,			/* count */
	    0x18, 0x00,			/* next_offset */
	    0x06, 0x81 },		/* bitmap */
	  { M(BRSP, 0x02, 0x0000, 0x0050, 16),
	    .u.devices = { .offset = 8, .count = 16, .next_offset = 24,
			   .bitmap = { 0x06, 0x81 } } } },
	{ "ping_req", P_BOTH, 12,
	  { HDR(BREQ, 0x03, 0x0000, 0x0051, 12), 0x78, 0x56, 0x34, 0x12 },
	  { M(BREQ, 0x03, 0x0000, 0x0051, 12), .u.ping = 0x12345678 } },
	{ "ping_resp", P_BOTH, 12,
	  { HDR(BRSP, 0x03, 0x0000, 0x0051, 12), 0x78, 0x56, 0x34, 0x12 },
	  { M(BRSP, 0x03, 0x0000, 0x0051, 12), .u.ping = 0x12345678 } },
	{ "event_device", P_BOTH, 12,
	  { HDR(BREQ, 0x40, 0x0000, 0x0000, 12),
	    0x02, 0x00,			/* device_number */
	    0x01, 0x00 },		/* state READY */
	  { M(BREQ, 0x40, 0x0000, 0x0000, 12),
	    .u.event_device = { .dev_num = 2, .state = 1 } } },

	/* ---- FF-A bus (§2.3) ---- */
	{ "version_req_v2", P_V2, 20,
	  { HDR(BREQ, 0x80, 0x0000, 0x0060, 20),
	    0x00, 0x00, 0x01, 0x00,	/* bus_version 1.0 */
	    0x01, 0x00, 0x00, 0x00,	/* transport_revision */
	    0x02, 0x00, 0x01, 0x00 },	/* ffa_version 1.2 */
	  { M(BREQ, 0x80, 0x0000, 0x0060, 20),
	    .u.version = { .bus_version = 0x00010000,
			   .transport_revision = 1,
			   .ffa_version = 0x00010002 } } },
	{ "version_req_v1", P_PR28, 16,
	  { HDR(BREQ, 0x80, 0x0000, 0x0060, 16),
	    0x00, 0x00, 0x01, 0x00,	/* bus_version */
	    0x01, 0x00, 0x00, 0x00 },	/* transport_revision */
	  { M(BREQ, 0x80, 0x0000, 0x0060, 16),
	    .u.version = { .bus_version = 0x00010000,
			   .transport_revision = 1 } } },
	{ "version_resp_v2", P_V2, 30,
	  { HDR(BRSP, 0x80, 0x0000, 0x0060, 30),
	    0x00, 0x00, 0x01, 0x00,	/* bus_version */
	    0x01, 0x00, 0x00, 0x00,	/* transport_revision */
	    0x02, 0x00, 0x01, 0x00,	/* ffa_version */
	    0x01, 0x00, 0x00, 0x00,	/* transport feature bits */
	    0x21, 0x00, 0x00, 0x00,	/* bus_features */
	    0xff, 0x00 },		/* max_areas */
	  { M(BRSP, 0x80, 0x0000, 0x0060, 30),
	    .u.version = { .bus_version = 0x00010000,
			   .transport_revision = 1,
			   .ffa_version = 0x00010002,
			   .transport_features = 1, .bus_features = 0x21,
			   .max_areas = 255 } } },
	{ "version_resp_v1", P_PR28, 26,
	  { HDR(BRSP, 0x80, 0x0000, 0x0060, 26),
	    0x00, 0x00, 0x01, 0x00,	/* bus_version */
	    0x01, 0x00, 0x00, 0x00,	/* transport_revision */
	    0x02, 0x00, 0x00, 0x00,	/* transport_features */
	    0x01, 0x00, 0x00, 0x00,	/* bus_features DIRECT_RX */
	    0xff, 0x00 },		/* max_areas */
	  { M(BRSP, 0x80, 0x0000, 0x0060, 26),
	    .u.version = { .bus_version = 0x00010000,
			   .transport_revision = 1,
			   .transport_features = 2, .bus_features = 1,
			   .max_areas = 255 } } },
	{ "area_share_req", P_BOTH, 34,
	  { HDR(BREQ, 0x81, 0x0000, 0x0061, 34),
	    0x01, 0x00,			/* area_id */
	    0x23, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80, /* handle */
	    0x07, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* tag */
	    0x10, 0x00, 0x00, 0x00,	/* page_count */
	    0xf4, 0x06, 0x00, 0x00 },	/* share|W|inner|WB|normal|NS */
	  { M(BREQ, 0x81, 0x0000, 0x0061, 34),
	    .u.area = { .area_id = 1, .handle = 0x8000000000000123,
			.tag = 7, .page_count = 16, .attrs = 0x6f4 } } },
	{ "area_share_resp", P_BOTH, 12,
	  { HDR(BRSP, 0x81, 0x0000, 0x0061, 12),
	    0x01, 0x00,			/* area_id */
	    0x01, 0x00 },		/* result ERROR */
	  { M(BRSP, 0x81, 0x0000, 0x0061, 12),
	    .u.area_result = { .area_id = 1, .result = 1 } } },
	{ "area_unshare_req", P_BOTH, 10,
	  { HDR(BREQ, 0x82, 0x0000, 0x0062, 10), 0x03, 0x00 },
	  { M(BREQ, 0x82, 0x0000, 0x0062, 10),
	    .u.area_result = { .area_id = 3 } } },
	{ "area_unshare_resp", P_BOTH, 12,
	  { HDR(BRSP, 0x82, 0x0000, 0x0062, 12),
	    0x03, 0x00,			/* area_id */
	    0x02, 0x00 },		/* result BUSY */
	  { M(BRSP, 0x82, 0x0000, 0x0062, 12),
	    .u.area_result = { .area_id = 3, .result = 2 } } },
	{ "reset_req", P_BOTH, 8,
	  { HDR(BREQ, 0x83, 0x0000, 0x0063, 8) },
	  { M(BREQ, 0x83, 0x0000, 0x0063, 8) } },
	{ "reset_resp", P_BOTH, 10,
	  { HDR(BRSP, 0x83, 0x0000, 0x0063, 10), 0x01, 0x00 },
	  { M(BRSP, 0x83, 0x0000, 0x0063, 10), .u.result = 1 } },
	{ "event_poll_req", P_BOTH, 8,
	  { HDR(BREQ, 0x84, 0x0000, 0x0064, 8) },
	  { M(BREQ, 0x84, 0x0000, 0x0064, 8) } },
	{ "event_poll_resp_empty", P_BOTH, 8,
	  { HDR(BRSP, 0x84, 0x0000, 0x0064, 8) },
	  { M(BRSP, 0x84, 0x0000, 0x0064, 8) } },
	{ "event_configure_req", P_BOTH, 12,
	  { HDR(BREQ, 0x85, 0x0000, 0x0065, 12),
	    0x01,			/* method NOTIF */
	    0x00,			/* reserved */
	    0x03, 0x00 },		/* notify_id */
	  { M(BREQ, 0x85, 0x0000, 0x0065, 12),
	    .u.evcfg = { .method = 1, .notify_id = 3 } } },
	{ "event_configure_resp", P_BOTH, 10,
	  { HDR(BRSP, 0x85, 0x0000, 0x0065, 10), 0x02, 0x00 },
	  { M(BRSP, 0x85, 0x0000, 0x0065, 10), .u.result = 2 } },
	{ "fifo_configure_req", P_BOTH, 20,
	  { HDR(BREQ, 0x86, 0x0000, 0x0066, 20),
	    0x56, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80, /* mem_handle */
	    0x04, 0x00,			/* page_count */
	    0x05, 0x00 },		/* driver_notif_id */
	  { M(BREQ, 0x86, 0x0000, 0x0066, 20),
	    .u.fifo = { .handle = 0x8000000000000456, .page_count = 4,
			.notif_id = 5 } } },
	{ "fifo_configure_resp", P_BOTH, 12,
	  { HDR(BRSP, 0x86, 0x0000, 0x0066, 12),
	    0x01, 0x00,			/* result */
	    0x06, 0x00 },		/* device_notif_id */
	  { M(BRSP, 0x86, 0x0000, 0x0066, 12),
	    .u.fifo_result = { .result = 1, .notif_id = 6 } } },
	{ "error_resp", P_BOTH, 10,
	  { HDR(BRSP, 0x87, 0x0001, 0x0067, 10),
	    0x09, 0x00 },		/* original msg_id GET_VQUEUE */
	  { M(BRSP, 0x87, 0x0001, 0x0067, 10), .u.orig_msg_id = 0x09 } },
	{ "area_release", P_BOTH, 10,
	  { HDR(BREQ, 0xc0, 0x0000, 0x0000, 10), 0x03, 0x00 },
	  { M(BREQ, 0xc0, 0x0000, 0x0000, 10),
	    .u.area_result = { .area_id = 3 } } },
};
/* clang-format on */

static const enum vmsg_profile profiles[] = { VMSG_PROFILE_V2,
					      VMSG_PROFILE_PR28 };
static const char *const profile_names[] = { "V2", "PR28" };

#define FOR_EACH_VEC_PROFILE(v, p)                           \
	for (size_t vi_ = 0; vi_ < TZS_VEC_COUNT; vi_++)     \
		for (size_t pi_ = 0; pi_ < 2; pi_++)         \
			if (((v) = &vecs[vi_]), ((p) = pi_), \
			    (v)->profiles & (1u << pi_))

#define TZS_VEC_COUNT (sizeof(vecs) / sizeof(vecs[0]))

/* An exact-size heap copy, so that ASan sees any read past the end. */
static uint8_t *dup_bytes(const uint8_t *b, size_t len)
{
	uint8_t *p = malloc(len ? len : 1);

	ASSERT_TRUE(p != NULL);
	memcpy(p, b, len);
	return p;
}

TEST(hand_made_vectors_agree_with_their_own_msg_size)
{
	size_t i = 0;

	for (i = 0; i < TZS_VEC_COUNT; i++) {
		const struct hvec *v = &vecs[i];
		size_t in_bytes = v->bytes[6] | (size_t)v->bytes[7] << 8;

		if (in_bytes != v->len || v->m.hdr.msg_size != v->len) {
			test_fail(__FILE__, __LINE__, "%s: sizes %zu/%u/%zu",
				  v->name, in_bytes, v->m.hdr.msg_size, v->len);
		}
	}
}

TEST(every_message_encodes_to_its_hand_made_bytes)
{
	const struct hvec *v = NULL;
	size_t p = 0;
	unsigned int bad = 0;

	FOR_EACH_VEC_PROFILE(v, p)
	{
		uint8_t buf[VMSG_MAX_SIZE + 16];
		int rc = 0;

		memset(buf, 0xee, sizeof(buf));
		rc = vmsg_encode(profiles[p], &v->m, buf, sizeof(buf));
		if (rc != (int)v->len || memcmp(buf, v->bytes, v->len) != 0) {
			fprintf(stderr, "  %s/%s: encode rc %d\n", v->name,
				profile_names[p], rc);
			bad++;
			continue;
		}
		/* Nothing past the message is touched. */
		for (size_t k = v->len; k < sizeof(buf); k++) {
			if (buf[k] != 0xee) {
				fprintf(stderr, "  %s/%s: wrote byte %zu\n",
					v->name, profile_names[p], k);
				bad++;
				break;
			}
		}
	}
	ASSERT_EQ(bad, 0);
}

TEST(every_hand_made_vector_decodes_to_its_fields)
{
	const struct hvec *v = NULL;
	size_t p = 0;
	unsigned int bad = 0;

	FOR_EACH_VEC_PROFILE(v, p)
	{
		uint8_t *buf = dup_bytes(v->bytes, v->len);
		struct vmsg m;
		char why[128] = "";
		int rc = vmsg_decode(profiles[p], buf, v->len, &m);

		if (rc != VMSG_OK) {
			fprintf(stderr, "  %s/%s: decode rc %d\n", v->name,
				profile_names[p], rc);
			bad++;
		} else if (!vmsg_eq(&m, &v->m, false, why, sizeof(why))) {
			fprintf(stderr, "  %s/%s: %s\n", v->name,
				profile_names[p], why);
			bad++;
		}
		free(buf);
	}
	ASSERT_EQ(bad, 0);
}

TEST(decoding_ignores_bytes_past_msg_size)
{
	const struct hvec *v = NULL;
	size_t p = 0;
	unsigned int bad = 0;

	FOR_EACH_VEC_PROFILE(v, p)
	{
		/* A carriage pads with zeros, or anything: 0x5a here. */
		uint8_t buf[VMSG_FFA_DIRECT_MAX + 64];
		struct vmsg m;
		char why[128] = "";
		int rc = 0;

		memset(buf, 0x5a, sizeof(buf));
		memcpy(buf, v->bytes, v->len);
		rc = vmsg_decode(profiles[p], buf, sizeof(buf), &m);
		if (rc != VMSG_OK ||
		    !vmsg_eq(&m, &v->m, false, why, sizeof(why))) {
			fprintf(stderr, "  %s/%s: rc %d %s\n", v->name,
				profile_names[p], rc, why);
			bad++;
		}
	}
	ASSERT_EQ(bad, 0);
}

TEST(every_vector_cut_short_at_any_byte_is_truncated)
{
	const struct hvec *v = NULL;
	size_t p = 0;
	unsigned int bad = 0;

	FOR_EACH_VEC_PROFILE(v, p)
	{
		for (size_t len = 0; len < v->len; len++) {
			uint8_t *buf = dup_bytes(v->bytes, len);
			struct vmsg m;
			int rc = vmsg_decode(profiles[p], buf, len, &m);

			if (rc != VMSG_E_TRUNCATED) {
				fprintf(stderr, "  %s/%s len %zu: rc %d\n",
					v->name, profile_names[p], len, rc);
				bad++;
			}
			free(buf);
		}
	}
	ASSERT_EQ(bad, 0);
}

/* Decode @v with msg_size changed by @delta (the buffer follows, zeroed). */
static int decode_resized(const struct hvec *v, size_t p, int delta)
{
	size_t len = (size_t)((int)v->len + delta);
	uint8_t *buf = calloc(1, len);
	struct vmsg m;
	int rc = 0;

	ASSERT_TRUE(buf != NULL);
	memcpy(buf, v->bytes, len < v->len ? len : v->len);
	buf[6] = (uint8_t)len;
	buf[7] = (uint8_t)(len >> 8);
	rc = vmsg_decode(profiles[p], buf, len, &m);
	free(buf);
	return rc;
}

TEST(every_message_one_byte_longer_or_shorter_is_a_size_error)
{
	const struct hvec *v = NULL;
	size_t p = 0;
	unsigned int bad = 0;

	FOR_EACH_VEC_PROFILE(v, p)
	{
		int longer = decode_resized(v, p, 1);
		int shorter = v->len > VMSG_HDR_SIZE ?
				      decode_resized(v, p, -1) :
				      VMSG_E_SIZE;

		if (longer != VMSG_E_SIZE || shorter != VMSG_E_SIZE) {
			fprintf(stderr, "  %s/%s: +1 rc %d, -1 rc %d\n",
				v->name, profile_names[p], longer, shorter);
			bad++;
		}
	}
	ASSERT_EQ(bad, 0);
}

TEST(encoder_without_room_returns_nospace_and_writes_nothing)
{
	const struct hvec *v = NULL;
	size_t p = 0;
	unsigned int bad = 0;

	FOR_EACH_VEC_PROFILE(v, p)
	{
		for (size_t cap = 0; cap < v->len; cap++) {
			uint8_t buf[64];
			int rc = 0;

			memset(buf, 0xee, sizeof(buf));
			rc = vmsg_encode(profiles[p], &v->m, buf, cap);
			for (size_t k = 0; k < sizeof(buf); k++) {
				if (buf[k] != 0xee) {
					rc = 1;
				}
			}
			if (rc != VMSG_E_NOSPACE) {
				fprintf(stderr, "  %s/%s cap %zu: rc %d\n",
					v->name, profile_names[p], cap, rc);
				bad++;
			}
		}
	}
	ASSERT_EQ(bad, 0);
}

/* Messages that exist: named, events only as requests, ERROR only back. */
static bool message_defined(uint8_t type, uint8_t id)
{
	bool resp = type & VMSG_TYPE_RESPONSE;

	if (strcmp(vmsg_name(type, id), "UNKNOWN") == 0) {
		return false;
	}
	if (vmsg_id_is_event(id) && resp) {
		return false;
	}
	return !((type & VMSG_TYPE_BUS) && id == VMSG_FFA_ERROR && !resp);
}

TEST(every_defined_message_has_a_vector_in_each_profile)
{
	unsigned int missing = 0, defined = 0;

	for (unsigned int type = 0; type < 4; type++) {
		for (unsigned int id = 0; id < 256; id++) {
			if (!message_defined((uint8_t)type, (uint8_t)id)) {
				continue;
			}
			defined++;
			for (size_t p = 0; p < 2; p++) {
				bool found = false;

				for (size_t i = 0; i < TZS_VEC_COUNT; i++) {
					found |= vecs[i].bytes[0] == type &&
						 vecs[i].bytes[1] == id &&
						 (vecs[i].profiles & (1u << p));
				}
				if (!found) {
					fprintf(stderr,
						"  type %u id 0x%02x: no %s "
						"vector\n",
						type, id, profile_names[p]);
					missing++;
				}
			}
		}
	}
	/*
	 * Transport: 11 IDs x 2 directions + 3 events = 25. Generic bus:
	 * GET_DEVICES x 2, PING x 2, EVENT_DEVICE = 5. FF-A bus: 0x80-0x86
	 * x 2, ERROR (response), AREA_RELEASE (event) = 16.
	 */
	ASSERT_EQ(defined, 25 + 5 + 16);
	ASSERT_EQ(missing, 0);
}
