/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Platform description of the hosted model and the launcher that starts
 * tzshare-spmc for it.
 *
 * Text format (docs/hosted.md has the full reference): one item per line,
 * '#' starts a comment, fields are separated by blanks.
 *
 *   spmc [max_mem_shares=N] [max_fragments=N] [max_borrowers=N]
 *        [rxtx_max_pages=N]
 *   vm <id> vcpus=N mem=<base>:<size>
 *   sp <id> vcpus=N mem=<base>:<size> program=<name> [uuid=<uuid>]...
 *        [props=<name>,<name>...|<number>]
 *
 * Sizes take K/M/G suffixes; numbers are decimal or 0x-hex. SP props names:
 * req_recv req_send req2_recv req2_send indirect notif aarch64 vm_created
 * vm_destroyed; the default is all of req/req2 recv+send, indirect, notif,
 * aarch64.
 */
#ifndef TZSHARE_PLATFORM_H
#define TZSHARE_PLATFORM_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <tzshare/ffa.h>
#include <tzshare/spmc.h>

#define TZS_PLAT_MAX_PARTS 16
#define TZS_PLAT_PROGRAM_MAX 64

/* The default SP's echo service (DIRECT_REQ2 UUID). */
extern const uint8_t TZS_UUID_ECHO[FFA_UUID_SIZE];
/* The virtio-msg FF-A bus (device role). */
extern const uint8_t TZS_UUID_VIRTIO_MSG_BUS[FFA_UUID_SIZE];

struct tzs_plat_part {
	uint16_t id;
	bool is_sp;
	uint16_t exec_count;
	uint32_t props;
	uint32_t uuid_count;
	uint8_t uuids[SPMC_MAX_UUIDS][FFA_UUID_SIZE];
	uint64_t mem_base;
	uint64_t mem_size;
	char program[TZS_PLAT_PROGRAM_MAX]; /* SPs: file beside tzshare-spmc */
};

struct tzs_plat {
	struct spmc_config cfg; /* handle_secret is the SPMC's business */
	uint32_t part_count;
	struct tzs_plat_part parts[TZS_PLAT_MAX_PARTS];
};

/** The embedded default: VM 1 and SP 0x8001 running tzshare-sp. */
const char *tzs_plat_default_text(void);

/**
 * tzs_plat_parse() - parse @text into @out. Returns 0, or -EINVAL with a
 * message ("line 3: ...") in @err. Checks IDs (VM bit 15 clear, SP set,
 * unique), vCPU counts, page-aligned non-overlapping memory, program names
 * without '/'.
 */
int tzs_plat_parse(const char *text, struct tzs_plat *out, char *err,
		   size_t err_len);

const struct tzs_plat_part *tzs_plat_find(const struct tzs_plat *plat,
					  uint16_t id);

/** Parse "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" (RFC 4122 byte order). */
int tzs_uuid_parse(const char *s, uint8_t uuid[FFA_UUID_SIZE]);

/* ---------------------------------------------------------------------- */
/* Launcher                                                                */

struct tzs_launch_opts {
	const char *platform_text; /* NULL: the embedded default */
	const char *bin_dir; /* NULL: $TZS_BIN_DIR or beside the caller */
	int stderr_fd; /* > 0: stderr of the SPMC and its SPs */
};

struct tzs_launch {
	pid_t spmc_pid;
	struct tzs_plat plat;
	uint32_t vm_count;
	struct {
		uint16_t id;
		int fd; /* control socket end for the VM, -1 once taken */
	} vms[TZS_PLAT_MAX_PARTS];
};

/**
 * tzs_launch_start() - start tzshare-spmc for the platform with one control
 * socket per VM (`--vm ID:FD`). Returns 0 or a negative errno (-ENOENT:
 * tzshare-spmc not found; -EINVAL: bad description).
 */
int tzs_launch_start(const struct tzs_launch_opts *opts, struct tzs_launch *l);

/** The control socket of VM @id, handed over (the caller owns it), or -1. */
int tzs_launch_take_vm(struct tzs_launch *l, uint16_t id);

/**
 * tzs_launch_stop() - close the VM control sockets still held, wait up to
 * @timeout_ms for tzshare-spmc to exit, then kill it. Returns its wait
 * status (>= 0) or -ETIMEDOUT when it had to be killed.
 */
int tzs_launch_stop(struct tzs_launch *l, int timeout_ms);

/** Directory holding tzshare-spmc as the launcher would find it, or NULL. */
const char *tzs_launch_bin_dir(const char *hint, char *buf, size_t len);

#endif /* TZSHARE_PLATFORM_H */
