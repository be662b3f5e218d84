/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Secure-partition runtime of the hosted platform.
 *
 * An SP program is started by tzshare-spmc with `--ctl FD`. tzs_sp_main()
 * attaches (FF-A v1.2, RX/TX at the top of the SP's secure DRAM), starts
 * one thread per execution context, and parks each in FFA_MSG_WAIT. A
 * direct request is dispatched to a service: FFA_MSG_SEND_DIRECT_REQ2 by
 * the UUID in x2/x3, FFA_MSG_SEND_DIRECT_REQ by the command word in x3.
 * The handler fills the payload registers of the response; the runtime
 * sends FFA_MSG_SEND_DIRECT_RESP(2), which parks the context again. While
 * it serves a request a handler may make FF-A calls of its own on
 * req->vcpu (retrieve memory, ...). A context started by FFA_RUN calls the
 * services' run hooks (indirect messages wait in RX), then parks again with
 * FFA_MSG_WAIT. The runtime's FFA_MSG_WAIT retains RX ownership (v1.2 w2
 * bit 0): RX is released by whoever consumed it, so a message that arrives
 * while a context parks is never dropped unread. The program exits when
 * the SPMC closes its connections.
 */
#ifndef TZSHARE_SP_H
#define TZSHARE_SP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <tzshare/conduit.h>
#include <tzshare/ffa.h>

/* tzshare-sp: memory reader command (DIRECT_REQ_64).
 *   x3 = TZS_SP_CMD_MEM_READ, x4 = handle, x5 = tag,
 *   x6 = owner [15:0] | kind [23:16] (enum ffa_mem_kind, 0 = share),
 *   x7 = bytes to print (0 = 64, at most 4096)
 * Retrieves, prints "[sp 0xID] <text>" to stderr (up to the first NUL),
 * relinquishes. Response: x3 = FF-A status, x4 = bytes printed.
 * TZS_VMSG_CMD_* (<tzshare/vmsg_host.h>) drive its virtio-msg bus, which
 * serves DIRECT_REQ2 to TZS_UUID_VIRTIO_MSG_BUS and indirect messages.
 * Any other DIRECT_REQ is echoed (x3..x7); DIRECT_REQ2 to TZS_UUID_ECHO
 * echoes x4..x17. */
#define TZS_SP_CMD_MEM_READ 0x4D454D52u /* "MEMR" */

struct tzs_sp_req {
	struct tzs_ep *ep;
	struct tzs_vcpu *vcpu; /* the serving context: its calls are allowed */
	unsigned int ctx; /* execution context index */
	uint16_t sender;
	bool req2;
	const struct ffa_regs *in;
};

/**
 * A service handler: fill @resp->x[3..7] (DIRECT_REQ) or x[4..17]
 * (DIRECT_REQ2); @resp arrives zeroed and the runtime sets x0..x2.
 */
typedef void (*tzs_sp_fn)(const struct tzs_sp_req *req, struct ffa_regs *resp,
			  void *arg);

/**
 * A run hook: the context @ctx was started with FFA_RUN rather than by a
 * direct request (FF-A v1.2 run model: the normal-world scheduler runs an
 * SP after an indirect message reached its RX, or a notification is
 * pending for it). The hook may make FF-A calls on @vcpu; the runtime then
 * goes back to FFA_MSG_WAIT, which completes the runner's FFA_RUN.
 */
typedef void (*tzs_sp_run_fn)(struct tzs_ep *ep, struct tzs_vcpu *vcpu,
			      unsigned int ctx, void *arg);

struct tzs_sp_service {
	const char *name;
	const uint8_t *uuid; /* DIRECT_REQ2 with this UUID (NULL: none) */
	bool req_any; /* DIRECT_REQ not claimed by a command range */
	uint64_t cmd_first; /* DIRECT_REQ with x3 in [first, last] */
	uint64_t cmd_last; /* 0: no command range */
	tzs_sp_fn fn;
	tzs_sp_run_fn run; /* called on every FFA_RUN (optional) */
	void *arg;
	/* Also called for FF-A framework messages (VM created / destroyed,
	 * req->in w2[7:0] the message type, w5 the VM ID): observe only, the
	 * runtime acknowledges them whatever the handler writes. */
	bool framework;
};

/**
 * tzs_sp_main() - run an SP program: parse `--ctl FD`, attach, serve until
 * the SPMC goes away. Returns the process exit code. Unclaimed requests are
 * answered with x3 (REQ) or x4 (REQ2) = FFA_NOT_SUPPORTED.
 */
int tzs_sp_main(int argc, char **argv, const struct tzs_sp_service *svc,
		size_t svc_count);

/** stderr line prefixed "[sp 0xID] " (always printed). */
void tzs_sp_print(const struct tzs_ep *ep, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/** Same, only when TZS_LOG is set. */
void tzs_sp_log(const struct tzs_ep *ep, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif /* TZSHARE_SP_H */
