/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Pieces the tzshare CLI commands share (hosted/cli/): a platform with the
 * secure side's output captured, a VM with its vsock stack, step timing,
 * and the checks the demo and xtest both make.
 */
#ifndef TZS_CLI_H
#define TZS_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <tzshare/nwd_vsock.h>
#include <tzshare/platform.h>

#define CLI_SP 0x8001
#define CLI_HELLO "Hello World!"

struct cli_world {
	struct tzs_launch launch;
	struct tzs_ep *vm;
	struct tzs_nwd_vsock *n;
	struct tzs_heaps *h;
	int sp_out; /* read end of the secure side's stderr */
	char said[4096]; /* what it printed, collected */
	size_t said_len;
};

/* SPMC + default SP + VM 1 attached (+ its vsock stack if @vsock). */
int cli_world_start(struct cli_world *w, bool vsock);
void cli_world_stop(struct cli_world *w);
/* Append what the secure side printed within @wait_ms to w->said;
 * true when w->said contains @needle. */
bool cli_secure_said(struct cli_world *w, const char *needle, int wait_ms);
/* Print w->said as "secure side says" lines and forget it. */
void cli_secure_print(struct cli_world *w, const char *indent);
void cli_secure_forget(struct cli_world *w);

uint64_t cli_now_us(void);
/* Does reading @p in a child process fault (SIGSEGV)? */
bool cli_child_faults(const volatile uint8_t *p);

/* A connected socket to the secure side's @port, or a negative errno. */
int cli_connect(struct tzs_nwd_vsock *n, uint32_t port, int type);
/* A buffer of @len bytes from heap @name with @fd_flags; fd or -errno. */
int cli_alloc(struct tzs_heaps *h, const char *name, uint64_t len,
	      uint32_t fd_flags);

/* The shared-memory services' 24-byte answer. */
struct cli_record {
	uint64_t offer_id;
	uint64_t size;
	uint32_t fnv32;
	uint32_t kind;
};
/* Receive one record (0) or a negative errno / -EPROTO. */
int cli_record_recv(struct tzs_nwd_vsock *n, int sd, struct cli_record *r);

int cli_demo(void);
int cli_xtest(int argc, char **argv);

#endif /* TZS_CLI_H */
