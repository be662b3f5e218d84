// SPDX-License-Identifier: BSD-2-Clause
/*
 * Secure sockets on the virtio-vsock device (core/vdev/vsock_sock.c): the
 * socket API at CID 2 over the device's proto, checked packet by packet
 * against the minimal test driver of vsock_loop.h (which here plays the
 * normal-world peer by hand): connections the secure side opens, the
 * side-queue and rx rules their packets follow, tasks, and how they live
 * beside the services.
 */
#include "vsock_loop.h"

static struct vl_pkt pk[VL_MAX_PKTS];

static struct vsk_stack *sst(struct vl *t)
{
	return vdev_vsock_stack(t->v);
}

/*
 * A secure socket of @type connects to the driver's VL_LPORT; the REQUEST
 * must already fit in rx or the side queue. Returns the descriptor, the
 * secure side's port in *@sport. @answer: the driver sends RESPONSE.
 */
static int sec_connect(struct vl *t, int type, uint32_t *sport, bool answer)
{
	int sd = vsk_socket(sst(t), type, 0);

	ASSERT_TRUE(sd >= 0);
	ASSERT_EQ(vsk_connect(sst(t), sd, VL_CID, VL_LPORT), VSK_EINPROGRESS);
	t->type = (uint16_t)type;
	if (t->v->sq_count) {
		/* No rx buffer: the REQUEST waits in the side queue. */
		*sport = vsock_conn_local_port(vsk_conn(sst(t), sd));
	} else {
		ASSERT_EQ(vl_drain(t, pk), 1);
		vl_expect(&pk[0], VSOCK_OP_REQUEST, pk[0].h.src_port, VL_LPORT);
		ASSERT_EQ(pk[0].h.type, type);
		*sport = pk[0].h.src_port;
	}
	ASSERT_TRUE(*sport >= VSOCK_EPHEMERAL_FIRST);
	if (answer) {
		vl_send_to(t, *sport, VSOCK_OP_RESPONSE, 0, NULL, 0);
		ASSERT_EQ(vsk_connect(sst(t), sd, VL_CID, VL_LPORT),
			  VSK_EISCONN);
	}
	return sd;
}

/* ---------------------------------------------------------------------- */
/* The stack                                                               */

TEST(secure_stack_wraps_the_device_proto_at_cid_2_without_waiting)
{
	struct vl *t = vl_new(VSOCK_TYPE_STREAM);
	uint32_t cid = 0, port = 0;
	int sd = 0;

	ASSERT_TRUE(sst(t)->proto == &t->v->proto);
	ASSERT_EQ(sst(t)->proto->cid, VSOCK_CID_HOST);
	ASSERT_TRUE(sst(t)->ops->wait == NULL);
	ASSERT_EQ(sst(t)->sock_count, VDEV_VSOCK_SOCKS);
	sd = vsk_socket(sst(t), VSOCK_TYPE_STREAM, 0);
	ASSERT_EQ(vsk_bind(sst(t), sd, VSK_CID_ANY, 7000), 0);
	ASSERT_EQ(vsk_getsockname(sst(t), sd, &cid, &port), 0);
	ASSERT_EQ(port, 7000);
	/* A blocking socket still never blocks: no wait op. */
	ASSERT_EQ(vsk_listen(sst(t), sd, 1), 0);
	ASSERT_EQ(vsk_accept(sst(t), sd, 0, NULL, NULL), VSK_EAGAIN);
}

TEST(secure_connect_sends_request_and_data_flows_both_ways)
{
	struct vl *t = vl_new(VSOCK_TYPE_STREAM);
	struct vsock_conn *c = NULL;
	uint32_t sport = 0;
	char buf[8];
	int sd = 0;

	vl_post_rx(t, 8);
	sd = sec_connect(t, VSOCK_TYPE_STREAM, &sport, true);
	c = vsk_conn(sst(t), sd);
	ASSERT_EQ(vsk_send(sst(t), sd, "ping", 4, 0), 4);
	ASSERT_EQ(vl_drain(t, pk), 1);
	vl_expect(&pk[0], VSOCK_OP_RW, sport, VL_LPORT);
	ASSERT_MEM_EQ(pk[0].data, "ping", 4);
	ASSERT_EQ(pk[0].h.buf_alloc, VDEV_VSOCK_RX_LEN);
	ASSERT_EQ(vsk_recv(sst(t), sd, buf, sizeof(buf), 0), VSK_EAGAIN);
	vl_send_to(t, sport, VSOCK_OP_RW, 0, "pong", 4);
	ASSERT_EQ(vsk_poll_mask(sst(t), sd), VSK_POLLIN | VSK_POLLOUT);
	ASSERT_EQ(vsk_recv(sst(t), sd, buf, sizeof(buf), 0), 4);
	ASSERT_MEM_EQ(buf, "pong", 4);
	/* close: SHUTDOWN both; the driver's RST frees the slot. */
	ASSERT_EQ(vsk_close(sst(t), sd), 0);
	ASSERT_EQ(vl_drain(t, pk), 1);
	vl_expect(&pk[0], VSOCK_OP_SHUTDOWN, sport, VL_LPORT);
	ASSERT_EQ(pk[0].h.flags, VSOCK_SHUTDOWN_MASK);
	vl_send_to(t, sport, VSOCK_OP_RST, 0, NULL, 0);
	ASSERT_EQ(vl_drain(t, pk), 0);
	ASSERT_EQ(vsock_conn_state(c), VSOCK_ST_FREE);
	ASSERT_EQ(t->v->proto.stats.tx_errors, 0);
	ASSERT_EQ(t->v->stats.tx_bad, 0);
}

TEST(secure_connect_refused_by_the_driver_is_econnreset)
{
	struct vl *t = vl_new(VSOCK_TYPE_STREAM);
	uint32_t sport = 0;
	int sd = 0;

	vl_post_rx(t, 8);
	sd = sec_connect(t, VSOCK_TYPE_STREAM, &sport, false);
	vl_send_to(t, sport, VSOCK_OP_RST, 0, NULL, 0);
	ASSERT_EQ(vsk_poll_mask(sst(t), sd), VSK_POLLOUT | VSK_POLLERR);
	ASSERT_EQ(vsk_connect(sst(t), sd, VL_CID, VL_LPORT), VSK_ECONNRESET);
}

TEST(secure_connect_times_out_on_the_device_clock)
{
	struct vl *t = vl_new(VSOCK_TYPE_STREAM);
	uint32_t sport = 0;
	int sd = 0;

	vl_post_rx(t, 8);
	vdev_vsock_tick(t->v, 1000);
	sd = sec_connect(t, VSOCK_TYPE_STREAM, &sport, false);
	vdev_vsock_tick(t->v, 1000 + VSOCK_CONNECT_TIMEOUT_MS - 1);
	ASSERT_EQ(vsk_connect(sst(t), sd, VL_CID, VL_LPORT), VSK_EALREADY);
	vdev_vsock_tick(t->v, 1000 + VSOCK_CONNECT_TIMEOUT_MS);
	ASSERT_EQ(vsk_connect(sst(t), sd, VL_CID, VL_LPORT), VSK_ETIMEDOUT);
}

/*
 * RESPONSE and SHUTDOWN arrive before the socket looks again: the device
 * passed CONNECTED on at once, so this is a connection that ended, not a
 * failed connect.
 */
TEST(connected_event_reaches_the_socket_before_it_looks)
{
	struct vl *t = vl_new(VSOCK_TYPE_STREAM);
	uint32_t sport = 0;
	char c = 0;
	int sd = 0;

	vl_post_rx(t, 8);
	sd = sec_connect(t, VSOCK_TYPE_STREAM, &sport, false);
	vl_send_to(t, sport, VSOCK_OP_RESPONSE, 0, NULL, 0);
	vl_send_to(t, sport, VSOCK_OP_SHUTDOWN, VSOCK_SHUTDOWN_MASK, NULL, 0);
	ASSERT_EQ(vsk_connect(sst(t), sd, VL_CID, VL_LPORT), VSK_EISCONN);
	ASSERT_EQ(vsk_recv(sst(t), sd, &c, 1, 0), 0);
}

/* ---------------------------------------------------------------------- */
/* The side queue and rx                                                   */

TEST(tx_room_is_the_free_side_queue_plus_posted_chains_when_it_is_empty)
{
	struct vl *t = vl_new(VSOCK_TYPE_STREAM);
	uint32_t sport = 0;

	ASSERT_EQ(vdev_vsock_tx_room(t->v), VDEV_VSOCK_SIDEQ);
	sec_connect(t, VSOCK_TYPE_STREAM, &sport, false);
	/* The REQUEST waits: the chains do not count. */
	ASSERT_EQ(t->v->sq_count, 1);
	ASSERT_EQ(vdev_vsock_tx_room(t->v), VDEV_VSOCK_SIDEQ - 1);
	/* Five chains: one takes the REQUEST, four are left. */
	vl_post_rx(t, 5);
	ASSERT_EQ(t->v->sq_count, 0);
	ASSERT_EQ(vdev_vsock_tx_room(t->v), VDEV_VSOCK_SIDEQ + 4);
}

TEST(secure_data_leaves_the_tx_reserve_to_control_packets)
{
	struct vl *t = vl_new(VSOCK_TYPE_STREAM);
	/* REQUEST waits; data may fill up to TX_RESERVE free slots. */
	const uint32_t rw = VDEV_VSOCK_SIDEQ - 1 - VDEV_VSOCK_TX_RESERVE;
	static uint8_t buf[65536];
	uint32_t sport = 0, i = 0;
	int sd = 0;

	for (i = 0; i < sizeof(buf); i++) {
		buf[i] = (uint8_t)i;
	}
	/* No rx buffers: everything stays in the side queue. */
	sd = sec_connect(t, VSOCK_TYPE_STREAM, &sport, true);
	ASSERT_EQ(vsk_send(sst(t), sd, buf, sizeof(buf), 0),
		  (int)(rw * VDEV_VSOCK_RX_PAYLOAD_MAX));
	ASSERT_EQ(t->v->sq_count, 1 + rw);
	ASSERT_EQ(vdev_vsock_tx_room(t->v), VDEV_VSOCK_TX_RESERVE);
	/* Credit is there, room is not: POLLOUT, and send says EAGAIN. */
	ASSERT_TRUE(vsk_poll_mask(sst(t), sd) & VSK_POLLOUT);
	ASSERT_EQ(vsk_send(sst(t), sd, buf, sizeof(buf), 0), VSK_EAGAIN);
	/* A control packet still finds its slot. */
	ASSERT_EQ(vsk_shutdown(sst(t), sd, VSK_SHUT_WR), 0);
	ASSERT_EQ(t->v->sq_count, 2 + rw);
	ASSERT_EQ(t->v->proto.stats.tx_errors, 0);
	ASSERT_EQ(t->v->stats.sideq_full, 0);
	/* The driver makes room: everything in order. */
	vl_post_rx(t, VL_RXBUFS);
	ASSERT_EQ(vl_drain(t, pk), 2 + rw);
	vl_expect(&pk[0], VSOCK_OP_REQUEST, sport, VL_LPORT);
	for (i = 0; i < rw; i++) {
		vl_expect(&pk[1 + i], VSOCK_OP_RW, sport, VL_LPORT);
		ASSERT_EQ(pk[1 + i].h.len, VDEV_VSOCK_RX_PAYLOAD_MAX);
		ASSERT_MEM_EQ(pk[1 + i].data,
			      buf + i * VDEV_VSOCK_RX_PAYLOAD_MAX,
			      VDEV_VSOCK_RX_PAYLOAD_MAX);
	}
	vl_expect(&pk[1 + rw], VSOCK_OP_SHUTDOWN, sport, VL_LPORT);
}

TEST(secure_tx_reserve_lets_the_driver_tx_through)
{
	struct vl *t = vl_new(VSOCK_TYPE_STREAM);
	static uint8_t buf[65536];
	uint32_t sport = 0;
	char c = 0;
	int sd = 0;

	sd = sec_connect(t, VSOCK_TYPE_STREAM, &sport, true);
	ASSERT_TRUE(vsk_send(sst(t), sd, buf, sizeof(buf), 0) > 0);
	/* The side queue keeps the reserve: the driver's packets are still
	 * taken (tx is popped with TX_RESERVE slots free). */
	vl_send_to(t, sport, VSOCK_OP_RW, 0, "d", 1);
	ASSERT_EQ(t->tx_reaped, 2);
	ASSERT_EQ(vsk_recv(sst(t), sd, &c, 1, 0), 1);
	ASSERT_EQ(c, 'd');
}

TEST(secure_seqpacket_message_waits_whole_for_room)
{
	struct vl *t = vl_new(VSOCK_TYPE_SEQPACKET);
	/* More packets than fit beside the REQUEST and the reserve. */
	const uint32_t pkts = VDEV_VSOCK_SIDEQ - VDEV_VSOCK_TX_RESERVE;
	static uint8_t msg[(VDEV_VSOCK_SIDEQ - VDEV_VSOCK_TX_RESERVE) *
			   VDEV_VSOCK_RX_PAYLOAD_MAX];
	uint32_t sport = 0, i = 0;
	int sd = 0;

	memset(msg, 's', sizeof(msg));
	sd = sec_connect(t, VSOCK_TYPE_SEQPACKET, &sport, true);
	ASSERT_EQ(t->v->sq_count, 1);
	ASSERT_EQ(vsk_send(sst(t), sd, msg, sizeof(msg), 0), VSK_EAGAIN);
	ASSERT_EQ(t->v->sq_count, 1);
	ASSERT_EQ(vsock_conn_state(vsk_conn(sst(t), sd)), VSOCK_ST_ESTABLISHED);
	/* Eight chains: the REQUEST goes, the room now holds the message. */
	vl_post_rx(t, 8);
	ASSERT_EQ(vsk_send(sst(t), sd, msg, sizeof(msg), 0), (int)sizeof(msg));
	ASSERT_EQ(vl_drain(t, pk), 1 + pkts);
	for (i = 0; i < pkts; i++) {
		vl_expect(&pk[1 + i], VSOCK_OP_RW, sport, VL_LPORT);
		ASSERT_EQ(pk[1 + i].h.flags,
			  i + 1 < pkts ? 0 : VSOCK_SEQ_EOM | VSOCK_SEQ_EOR);
	}
	ASSERT_EQ(t->v->proto.stats.tx_errors, 0);
}

TEST(connect_without_side_queue_room_is_eagain_and_retried)
{
	struct vl *t = vl_new(VSOCK_TYPE_STREAM);
	static uint8_t buf[65536];
	uint32_t sport = 0, i = 0;
	int sd = 0, sd2 = 0;

	sd = sec_connect(t, VSOCK_TYPE_STREAM, &sport, true);
	ASSERT_TRUE(vsk_send(sst(t), sd, buf, sizeof(buf), 0) > 0);
	/* Fill the reserve with control packets (SHUTDOWN, then REQUESTs). */
	ASSERT_EQ(vsk_shutdown(sst(t), sd, VSK_SHUT_WR), 0);
	for (i = 0; t->v->sq_count < VDEV_VSOCK_SIDEQ; i++) {
		int s = vsk_socket(sst(t), VSOCK_TYPE_STREAM, 0);

		ASSERT_EQ(vsk_connect(sst(t), s, VL_CID, VL_LPORT + 1 + i),
			  VSK_EINPROGRESS);
	}
	sd2 = vsk_socket(sst(t), VSOCK_TYPE_STREAM, 0);
	ASSERT_EQ(vsk_connect(sst(t), sd2, VL_CID, 4000), VSK_EAGAIN);
	ASSERT_EQ(vsk_poll_mask(sst(t), sd2), VSK_POLLOUT);
	vl_post_rx(t, VL_RXBUFS);
	ASSERT_EQ(vsk_connect(sst(t), sd2, VL_CID, 4000), VSK_EINPROGRESS);
	ASSERT_EQ(vsk_connect(sst(t), sd2, VL_CID, 4000), VSK_EALREADY);
}

/* ---------------------------------------------------------------------- */
/* Tasks                                                                   */

static uint32_t task_runs;

static void count_run(struct vdev_vsock *v, void *ctx)
{
	(void)v;
	ASSERT_TRUE(ctx == &task_runs);
	task_runs++;
}

TEST(task_add_checks_its_argument_and_the_table)
{
	struct vl *t = vl_new(VSOCK_TYPE_STREAM);
	static struct vdev_vsock_task tk[VDEV_VSOCK_TASKS + 1];
	struct vdev_vsock_task none = { 0 };
	uint32_t i = 0;

	ASSERT_EQ(vdev_vsock_task_add(t->v, NULL), VSOCK_EINVAL);
	ASSERT_EQ(vdev_vsock_task_add(t->v, &none), VSOCK_EINVAL);
	for (i = 0; i < VDEV_VSOCK_TASKS; i++) {
		tk[i].run = count_run;
		tk[i].ctx = &task_runs;
		ASSERT_EQ(vdev_vsock_task_add(t->v, &tk[i]), VSOCK_OK);
	}
	tk[i].run = count_run;
	ASSERT_EQ(vdev_vsock_task_add(t->v, &tk[i]), VSOCK_ENOBUFS);
}

TEST(tasks_run_after_each_packet_rx_refill_and_tick)
{
	struct vl *t = vl_new(VSOCK_TYPE_STREAM);
	static struct vdev_vsock_task tk = { count_run, &task_runs };
	uint32_t n = 0;

	ASSERT_EQ(vdev_vsock_task_add(t->v, &tk), VSOCK_OK);
	vl_post_rx(t, 8);
	ASSERT_EQ(task_runs, 1);
	vl_connect(t);
	n = task_runs;
	vl_send(t, VSOCK_OP_RW, 0, "a", 1);
	vl_send(t, VSOCK_OP_RW, 0, "b", 1);
	ASSERT_EQ(task_runs, n + 2);
	vdev_vsock_tick(t->v, 5);
	ASSERT_EQ(task_runs, n + 3);
	/* Tasks come after the services: the echoes went out first. */
	ASSERT_EQ(t->echo.echoed, 2);
}

/* A task drives a secure socket without blocking: a ping-pong client. */
struct pinger {
	int sd;
	uint32_t sport;
	uint32_t got;
};

static void ping_run(struct vdev_vsock *v, void *ctx)
{
	struct pinger *p = ctx;
	char b[4];

	if (vsk_recv(vdev_vsock_stack(v), p->sd, b, sizeof(b), 0) == 4) {
		p->got++;
		ASSERT_EQ(vsk_send(vdev_vsock_stack(v), p->sd, b, 4, 0), 4);
	}
}

TEST(task_answers_on_its_socket_within_the_drivers_kick)
{
	struct vl *t = vl_new(VSOCK_TYPE_STREAM);
	static struct pinger p;
	static struct vdev_vsock_task tk = { ping_run, &p };
	int i = 0;

	vl_post_rx(t, 8);
	p.sd = sec_connect(t, VSOCK_TYPE_STREAM, &p.sport, true);
	ASSERT_EQ(vdev_vsock_task_add(t->v, &tk), VSOCK_OK);
	for (i = 0; i < 3; i++) {
		vl_send_to(t, p.sport, VSOCK_OP_RW, 0, "abcd", 4);
		/* The answer is in rx when the kick returns. */
		ASSERT_EQ(vl_drain(t, pk), 1);
		vl_expect(&pk[0], VSOCK_OP_RW, p.sport, VL_LPORT);
		ASSERT_MEM_EQ(pk[0].data, "abcd", 4);
	}
	ASSERT_EQ(p.got, 3);
}

/* ---------------------------------------------------------------------- */
/* Beside the services                                                     */

TEST(services_and_secure_sockets_share_the_device)
{
	struct vl *t = vl_new(VSOCK_TYPE_STREAM);
	uint32_t sport = 0;
	char buf[8];
	int sd = 0;

	vl_post_rx(t, 8);
	vl_connect(t); /* the echo service on VL_PORT */
	sd = sec_connect(t, VSOCK_TYPE_STREAM, &sport, true);
	ASSERT_FALSE(vsk_stack_owns(sst(t), t->echo.child[0].c));
	ASSERT_TRUE(vsk_stack_owns(sst(t), vsk_conn(sst(t), sd)));
	vl_send(t, VSOCK_OP_RW, 0, "echo", 4);
	ASSERT_EQ(vl_drain(t, pk), 1);
	vl_expect(&pk[0], VSOCK_OP_RW, VL_PORT, VL_LPORT);
	vl_send_to(t, sport, VSOCK_OP_RW, 0, "sock", 4);
	ASSERT_EQ(vl_drain(t, pk), 0);
	ASSERT_EQ(vsk_recv(sst(t), sd, buf, sizeof(buf), 0), 4);
	ASSERT_MEM_EQ(buf, "sock", 4);
	/* The service's port is taken, for sockets of any type. */
	sd = vsk_socket(sst(t), VSOCK_TYPE_SEQPACKET, 0);
	ASSERT_EQ(vsk_bind(sst(t), sd, VSK_CID_ANY, VL_PORT), VSK_EADDRINUSE);
}

TEST(offer_on_a_secure_sockets_connection_is_rejected)
{
	struct vl *t = vl_new(VSOCK_TYPE_STREAM);
	struct vsock_shmem m = {
		.subop = VSOCK_SHMEM_OFFER,
		.type = VSOCK_SHMEM_TYPE_FFA,
		.kind = VSOCK_SHMEM_SHARE,
		.offer_id = 9,
		.size = 4096,
	};
	struct vsock_shmem got;
	uint8_t pl[VSOCK_SHMEM_SIZE];
	uint32_t sport = 0;

	vl_post_rx(t, 8);
	sec_connect(t, VSOCK_TYPE_STREAM, &sport, true);
	ASSERT_EQ(vsock_shmem_encode(&m, pl, sizeof(pl)), VSOCK_SHMEM_SIZE);
	vl_send_to(t, sport, VSOCK_OP_SHMEM, 0, pl, sizeof(pl));
	ASSERT_EQ(vl_drain(t, pk), 1);
	vl_expect(&pk[0], VSOCK_OP_SHMEM, sport, VL_LPORT);
	ASSERT_EQ(vsock_shmem_decode(pk[0].data, pk[0].h.len, &got, NULL),
		  VSOCK_OK);
	ASSERT_EQ(got.subop, VSOCK_SHMEM_OFFER_REJECT);
	ASSERT_EQ(got.offer_id, 9);
	ASSERT_EQ(t->v->shm_stats.no_service, 1);
	ASSERT_EQ(t->v->shm_stats.offers, 0);
}

TEST(transport_reset_ends_secure_connections_with_econnreset)
{
	struct vl *t = vl_new(VSOCK_TYPE_STREAM);
	uint32_t sport = 0;
	char c = 0;
	int sd = 0;

	struct vsock_conn *conn = NULL;

	vl_post_rx(t, 8);
	sd = sec_connect(t, VSOCK_TYPE_STREAM, &sport, true);
	conn = vsk_conn(sst(t), sd);
	vdev_vsock_transport_reset(t->v);
	ASSERT_TRUE(vsk_poll_mask(sst(t), sd) & VSK_POLLERR);
	ASSERT_EQ(vsk_recv(sst(t), sd, &c, 1, 0), VSK_ECONNRESET);
	ASSERT_EQ(vsk_send(sst(t), sd, &c, 1, 0), VSK_EPIPE);
	ASSERT_EQ(vsk_close(sst(t), sd), 0);
	ASSERT_EQ(vsock_conn_state(conn), VSOCK_ST_FREE);
}

TEST(device_reset_ends_secure_connections_with_econnreset)
{
	struct vl *t = vl_new(VSOCK_TYPE_STREAM);
	uint64_t resets = 0;
	uint32_t sport = 0;
	char c = 0;
	int sd = 0;

	vl_post_rx(t, 8);
	sd = sec_connect(t, VSOCK_TYPE_STREAM, &sport, true);
	resets = t->v->stats.resets;
	ASSERT_EQ(vmsg_drvt_reset(&t->drvt), VMSG_T_OK);
	ASSERT_EQ(t->v->stats.resets, resets + 1);
	ASSERT_EQ(vsk_recv(sst(t), sd, &c, 1, 0), VSK_ECONNRESET);
}
