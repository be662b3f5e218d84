// SPDX-License-Identifier: BSD-2-Clause
/*
 * The secure client (core/vdev/vsock_client.c) in one process: the device
 * behind the FF-A bus loopback, and on the driver's side a real socket
 * stack with a non-blocking echo server (vsock_nw.h). The client only
 * moves when the device runs (the driver's kicks, ticks), as in the SP.
 */
#include "vsock_nw.h"

#define PORT 6000u

static struct vdev_vsock_client cl;

static struct vn *setup(void)
{
	struct vl *t = vl_new(VSOCK_TYPE_STREAM);
	struct vn *n = vn_new(t);

	ASSERT_EQ(vdev_vsock_client_attach(t->v, &cl), VSOCK_OK);
	return n;
}

/*
 * Pump and serve until the client is done; fails the test when nothing
 * moves for a few rounds (the client would wait forever).
 */
static void run_to_done(struct vn *n)
{
	uint32_t idle = 0, i = 0;

	for (i = 0; i < 1000000 && cl.res.state != VDEV_VSOCK_CLIENT_DONE;
	     i++) {
		uint64_t before = n->rx_pkts + n->t->tx_reaped;

		vn_echo_step(n);
		vn_pump(n);
		idle = n->rx_pkts + n->t->tx_reaped == before ? idle + 1 : 0;
		ASSERT_TRUE(idle < 3);
	}
	ASSERT_EQ(cl.res.state, VDEV_VSOCK_CLIENT_DONE);
}

/* Serve until every echo connection is closed and quiet. */
static void settle(struct vn *n)
{
	uint32_t i = 0;

	for (i = 0; i < 100; i++) {
		vn_echo_step(n);
		if (!vn_pump(n) && !vn_echo_open(n)) {
			return;
		}
	}
	test_fail(__FILE__, __LINE__, "echo connections did not close");
}

/* No slot of the device is used but the services' listener. */
static uint32_t device_conns(struct vl *t)
{
	uint32_t i = 0, used = 0;

	for (i = 0; i < VDEV_VSOCK_CONNS; i++) {
		used += vsock_conn_state(&t->v->conns[i]) != VSOCK_ST_FREE;
	}
	return used;
}

TEST(start_rejects_bad_requests)
{
	struct vn *n = setup();

	ASSERT_EQ(vdev_vsock_client_start(&cl, PORT, 0, 1), VSOCK_EINVAL);
	ASSERT_EQ(vdev_vsock_client_start(&cl, PORT,
					  VDEV_VSOCK_CLIENT_CONNS + 1, 1),
		  VSOCK_EINVAL);
	ASSERT_EQ(vdev_vsock_client_start(&cl, PORT, 1,
					  VDEV_VSOCK_CLIENT_BYTES_MAX + 1),
		  VSOCK_EINVAL);
	ASSERT_EQ(vdev_vsock_client_start(&cl, VSK_PORT_ANY, 1, 1),
		  VSOCK_EINVAL);
	ASSERT_EQ(cl.res.state, VDEV_VSOCK_CLIENT_IDLE);
	/* Nothing went out. */
	ASSERT_EQ(vn_pump(n), 0);
}

TEST(pattern_differs_between_connections_and_blocks)
{
	uint32_t i = 0, same_conn = 0, same_block = 0;

	for (i = 0; i < 4096; i++) {
		same_conn += vdev_vsock_client_byte(0, i) ==
			     vdev_vsock_client_byte(1, i);
		same_block += vdev_vsock_client_byte(0, i) ==
			      vdev_vsock_client_byte(0, i + 256);
	}
	ASSERT_EQ(same_conn, 0);
	ASSERT_EQ(same_block, 0);
}

TEST(sixteen_connections_of_64k_all_come_back_right)
{
	struct vn *n = setup();

	vn_echo_listen(n, PORT);
	ASSERT_EQ(vdev_vsock_client_start(&cl, PORT, 16, 65536), VSOCK_OK);
	ASSERT_EQ(cl.res.state, VDEV_VSOCK_CLIENT_RUNNING);
	run_to_done(n);
	ASSERT_EQ(cl.res.ok, 16);
	ASSERT_EQ(cl.res.failed, 0);
	ASSERT_EQ(cl.res.first_error, 0);
	ASSERT_EQ(cl.res.bytes_checked, 16ull * 65536);
	ASSERT_EQ(n->accepted, 16);
	settle(n);
	/* Nothing lost on either side; every client slot went back. */
	ASSERT_EQ(n->st.proto->stats.tx_errors, 0);
	ASSERT_EQ(n->t->v->proto.stats.tx_errors, 0);
	ASSERT_EQ(n->t->v->stats.sideq_full, 0);
	ASSERT_EQ(n->tx_full, 0);
	ASSERT_EQ(device_conns(n->t), 1);
}

TEST(a_new_run_waits_for_the_last_one_and_drops_its_result)
{
	struct vn *n = setup();

	vn_echo_listen(n, PORT);
	ASSERT_EQ(vdev_vsock_client_start(&cl, PORT, 2, 10000), VSOCK_OK);
	ASSERT_EQ(vdev_vsock_client_start(&cl, PORT, 2, 10000), VSOCK_EAGAIN);
	run_to_done(n);
	ASSERT_EQ(cl.res.ok, 2);
	settle(n);
	ASSERT_EQ(vdev_vsock_client_start(&cl, PORT, 3, 5000), VSOCK_OK);
	ASSERT_EQ(cl.res.ok, 0);
	ASSERT_EQ(cl.res.conns, 3);
	run_to_done(n);
	ASSERT_EQ(cl.res.ok, 3);
	ASSERT_EQ(cl.res.bytes_checked, 3 * 5000);
}

TEST(zero_bytes_connects_and_closes_ok)
{
	struct vn *n = setup();

	vn_echo_listen(n, PORT);
	ASSERT_EQ(vdev_vsock_client_start(&cl, PORT, 4, 0), VSOCK_OK);
	run_to_done(n);
	ASSERT_EQ(cl.res.ok, 4);
	ASSERT_EQ(cl.res.bytes_checked, 0);
	settle(n);
	ASSERT_EQ(device_conns(n->t), 1);
}

TEST(nobody_listening_is_econnreset_for_every_connection)
{
	struct vn *n = setup();

	ASSERT_EQ(vdev_vsock_client_start(&cl, PORT + 1, 3, 100), VSOCK_OK);
	run_to_done(n);
	ASSERT_EQ(cl.res.ok, 0);
	ASSERT_EQ(cl.res.failed, 3);
	ASSERT_EQ(cl.res.resets, 3);
	ASSERT_EQ(cl.res.first_error, VSK_ECONNRESET);
	ASSERT_EQ(device_conns(n->t), 1);
}

TEST(a_changed_byte_is_ebadmsg)
{
	struct vn *n = setup();

	vn_echo_listen(n, PORT);
	n->corrupt_at = 5000;
	ASSERT_EQ(vdev_vsock_client_start(&cl, PORT, 1, 8192), VSOCK_OK);
	run_to_done(n);
	ASSERT_EQ(cl.res.failed, 1);
	ASSERT_EQ(cl.res.bad_data, 1);
	ASSERT_EQ(cl.res.first_error, VDEV_VSOCK_CLIENT_EBADMSG);
	/* What came before the bad byte was checked, no more. */
	ASSERT_TRUE(cl.res.bytes_checked <= 5000);
}

TEST(a_stream_that_ends_early_is_enodata)
{
	struct vn *n = setup();

	vn_echo_listen(n, PORT);
	n->stop_after = 3000;
	ASSERT_EQ(vdev_vsock_client_start(&cl, PORT, 2, 8192), VSOCK_OK);
	run_to_done(n);
	ASSERT_EQ(cl.res.failed, 2);
	ASSERT_EQ(cl.res.short_data, 2);
	ASSERT_EQ(cl.res.first_error, VDEV_VSOCK_CLIENT_ENODATA);
	ASSERT_EQ(cl.res.bytes_checked, 2 * 3000);
}

TEST(more_bytes_than_were_sent_is_ebadmsg)
{
	struct vn *n = setup();
	struct vl_pkt *p = calloc(1, sizeof(*p));
	uint32_t i = 0;

	ASSERT_TRUE(p);
	vn_echo_listen(n, PORT);
	n->silent = true;
	ASSERT_EQ(vdev_vsock_client_start(&cl, PORT, 1, 100), VSOCK_OK);
	for (i = 0; i < 10; i++) {
		vn_echo_step(n);
		vn_pump(n);
	}
	/* The server answers with the 100 bytes and one more. */
	for (i = 0; i < 100; i++) {
		p->data[i] = vdev_vsock_client_byte(0, i);
	}
	p->data[100] = 0;
	ASSERT_EQ(vsk_send(&n->st, n->ec[0].sd, p->data, 101, 0), 101);
	run_to_done(n);
	ASSERT_EQ(cl.res.bad_data, 1);
	ASSERT_EQ(cl.res.bytes_checked, 0);
	free(p);
}

TEST(a_silent_peer_times_out_on_the_device_clock)
{
	struct vn *n = setup();
	uint32_t i = 0;

	vn_echo_listen(n, PORT);
	n->silent = true;
	vdev_vsock_tick(n->t->v, 100);
	ASSERT_EQ(vdev_vsock_client_start(&cl, PORT, 2, 20000), VSOCK_OK);
	for (i = 0; i < 20; i++) {
		vn_echo_step(n);
		vn_pump(n);
	}
	/* Everything was sent and nothing comes back. */
	ASSERT_EQ(cl.c[0].sent, 20000);
	ASSERT_EQ(cl.res.state, VDEV_VSOCK_CLIENT_RUNNING);
	vdev_vsock_tick(n->t->v, 100 + VDEV_VSOCK_CLIENT_IDLE_MS);
	ASSERT_EQ(cl.res.state, VDEV_VSOCK_CLIENT_RUNNING);
	vdev_vsock_tick(n->t->v, 101 + VDEV_VSOCK_CLIENT_IDLE_MS);
	run_to_done(n);
	ASSERT_EQ(cl.res.timeouts, 2);
	ASSERT_EQ(cl.res.first_error, VSK_ETIMEDOUT);
}

TEST(an_unanswered_connect_times_out)
{
	struct vl *t = vl_new(VSOCK_TYPE_STREAM);

	/* The raw test driver never answers the REQUESTs. */
	ASSERT_EQ(vdev_vsock_client_attach(t->v, &cl), VSOCK_OK);
	vl_post_rx(t, 8);
	ASSERT_EQ(vdev_vsock_client_start(&cl, PORT, 2, 10), VSOCK_OK);
	vdev_vsock_tick(t->v, VSOCK_CONNECT_TIMEOUT_MS);
	ASSERT_EQ(cl.res.state, VDEV_VSOCK_CLIENT_DONE);
	ASSERT_EQ(cl.res.timeouts, 2);
	ASSERT_EQ(cl.res.first_error, VSK_ETIMEDOUT);
}

TEST(no_free_descriptor_is_emfile)
{
	struct vn *n = setup();
	struct vsk_stack *st = vdev_vsock_stack(n->t->v);
	uint32_t i = 0;

	for (i = 0; i < VDEV_VSOCK_SOCKS - 1; i++) {
		ASSERT_TRUE(vsk_socket(st, VSOCK_TYPE_STREAM, 0) >= 0);
	}
	vn_echo_listen(n, PORT);
	ASSERT_EQ(vdev_vsock_client_start(&cl, PORT, 3, 10), VSOCK_OK);
	run_to_done(n);
	ASSERT_EQ(cl.res.ok, 1);
	ASSERT_EQ(cl.res.failed, 2);
	ASSERT_EQ(cl.res.other, 2);
	ASSERT_EQ(cl.res.first_error, VSK_EMFILE);
}

TEST(transport_reset_fails_the_running_connections)
{
	struct vn *n = setup();
	uint32_t i = 0;

	vn_echo_listen(n, PORT);
	n->silent = true;
	ASSERT_EQ(vdev_vsock_client_start(&cl, PORT, 3, 1000), VSOCK_OK);
	for (i = 0; i < 10; i++) {
		vn_echo_step(n);
		vn_pump(n);
	}
	vdev_vsock_transport_reset(n->t->v);
	ASSERT_EQ(cl.res.state, VDEV_VSOCK_CLIENT_DONE);
	ASSERT_EQ(cl.res.resets, 3);
}
