/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What the data path (core/vsock/data.c) shares with the state machine
 * (core/vsock/conn.c).
 */
#ifndef TZSHARE_CORE_VSOCK_CONN_PRIV_H
#define TZSHARE_CORE_VSOCK_CONN_PRIV_H

#include <tzshare/vsock_conn.h>

#define VSOCK_INT_MAX 0x7fffffffu

/* Emit @op on @c's tuple with our credit; 0 or send_pkt's error. */
int vsock_emit(struct vsock_proto *p, struct vsock_conn *c, uint16_t op,
	       uint32_t flags, const uint8_t *data, uint32_t len);
/* RST, then CLOSED with @err (freed when no user holds it). */
void vsock_reset_conn(struct vsock_proto *p, struct vsock_conn *c, int err);
/* A byte (STREAM) or a complete message (SEQPACKET) is queued. */
bool vsock_has_readable(const struct vsock_conn *c);
/* Peer shut both ways and nothing left to read: RST and CLOSED. */
void vsock_check_passive_close(struct vsock_proto *p, struct vsock_conn *c);

#endif /* TZSHARE_CORE_VSOCK_CONN_PRIV_H */
