/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tzshare-test-sp: commands a system test drives over DIRECT_REQ_64.
 * x3 = command; the response carries x3 = FF-A status (as u32) and results
 * in x4.. Anything else is echoed (x3..x7); DIRECT_REQ2 to TSP_UUID echoes
 * x4..x17.
 *
 *   RETRIEVE    x4 handle, x5 tag, x6 = owner [15:0] | kind [23:16] |
 *               TSP_RF_* [31:24]         -> x4 pages mapped
 *   WRITE       x4 handle, x5 seed       -> x4 pages written (tsp_word())
 *   CHECKSUM    x4 handle                -> x4 tsp_checksum() of the window
 *   RELINQUISH  x4 handle, x5 flags      -> (status of FFA_MEM_RELINQUISH)
 *   MAPPED      -                        -> x4 transactions, x5 pages held
 *   CRASH       -                        -> abort(): no response
 *   FORGET      x4 handle                -> unmap without relinquish
 *   SLEEP       x4 milliseconds          -> answers after sleeping
 *   GETPID      -                        -> x4 process ID (to kill it)
 *   NOTIFY      x4 receiver, x5 bitmap   -> FFA_NOTIFICATION_SET status
 *   SEND2       x4 receiver, x5 word     -> FFA_MSG_SEND2 status (v1.2
 *               header, 8-byte payload = x5 little-endian)
 *   RX_HOLD     -                        -> FFA_PARTITION_INFO_GET status;
 *               RX stays full and this context keeps the mailbox lock,
 *               as in the middle of a multi-call RX sequence
 *   RX_RELEASE  -                        -> FFA_RX_RELEASE status, then
 *               unlocks (same context as RX_HOLD: same vCPU index)
 *   FW_LAST     -                        -> x4 framework messages seen,
 *               x5 last type (w2[7:0]), x6 last VM ID
 */
#ifndef TZS_TEST_SP_H
#define TZS_TEST_SP_H

#include <stddef.h>
#include <stdint.h>

#define TSP_CMD_RETRIEVE 0x54530001u
#define TSP_CMD_WRITE 0x54530002u
#define TSP_CMD_CHECKSUM 0x54530003u
#define TSP_CMD_RELINQUISH 0x54530004u
#define TSP_CMD_MAPPED 0x54530005u
#define TSP_CMD_CRASH 0x54530006u
#define TSP_CMD_FORGET 0x54530007u
#define TSP_CMD_SLEEP 0x54530008u
#define TSP_CMD_GETPID 0x54530009u
#define TSP_CMD_NOTIFY 0x5453000Au
#define TSP_CMD_SEND2 0x5453000Bu
#define TSP_CMD_RX_HOLD 0x5453000Cu
#define TSP_CMD_RX_RELEASE 0x5453000Du
#define TSP_CMD_FW_LAST 0x5453000Eu

#define TSP_RF_BYPASS (1u << 0) /* multi-borrower: list only ourselves */
#define TSP_RF_RO (1u << 1) /* request read-only access */

#define TSP_UUID_STR "5e57c0de-7e57-4c0d-8e57-00000000c0de"
static const uint8_t TSP_UUID[16] = { 0x5e, 0x57, 0xc0, 0xde, 0x7e, 0x57,
				      0x4c, 0x0d, 0x8e, 0x57, 0x00, 0x00,
				      0x00, 0x00, 0xc0, 0xde };

/* The pattern WRITE stores: one u64 per 8 bytes, by page and offset. */
static inline uint64_t tsp_word(uint64_t seed, uint64_t page, uint64_t off)
{
	uint64_t x = seed ^ (page << 20) ^ off;

	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	return x;
}

#define TSP_FNV_INIT 0xcbf29ce484222325ull

/* FNV-1a, continued over @len more bytes (ranges can be hashed in turn). */
static inline uint64_t tsp_fnv(uint64_t h, const uint8_t *p, size_t len)
{
	size_t i = 0;

	for (i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

static inline uint64_t tsp_checksum(const uint8_t *p, size_t len)
{
	return tsp_fnv(TSP_FNV_INIT, p, len);
}

#endif /* TZS_TEST_SP_H */
