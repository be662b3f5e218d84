// SPDX-License-Identifier: BSD-2-Clause
/*
 * virtio-vsock device: the secure client (include/tzshare/vdev_vsock.h),
 * a task on the device's secure sockets. Connections go from CID 2 to the
 * driver VM; each is a little state machine advanced once per task run,
 * never blocking:
 *
 *   CONNECT  socket open, connect() not yet accepted by the side queue
 *   WAIT     connect in progress (connect() again: EALREADY / EISCONN)
 *   DATA     sending the pattern and checking what comes back
 *   CLOSE    ended (ok or failed), waiting for room to close
 *
 * Receiving and closing may emit a control packet that a full side queue
 * would lose, so they wait for vdev_vsock_tx_room(); sending needs no
 * such care (the device holds a socket's data back by itself).
 */
#include <tzshare/lib.h>
#include <tzshare/vdev_vsock.h>

enum {
	PH_NONE = 0,
	PH_CONNECT,
	PH_WAIT,
	PH_DATA,
	PH_CLOSE,
};

uint8_t vdev_vsock_client_byte(uint32_t conn, uint32_t i)
{
	/* Differs between connections and between 256-byte blocks. */
	return (uint8_t)((i * 7u) ^ (i >> 8) ^ (i >> 16) ^ (conn * 0x9du) ^
			 0x5au);
}

static struct vsk_stack *stack_of(struct vdev_vsock_client *cl)
{
	return vdev_vsock_stack(cl->v);
}

static void count_error(struct vdev_vsock_client_result *r, int err)
{
	r->failed++;
	if (!r->first_error) {
		r->first_error = err;
	}
	switch (err) {
	case VSK_ECONNRESET:
		r->resets++;
		break;
	case VSK_ETIMEDOUT:
		r->timeouts++;
		break;
	case VDEV_VSOCK_CLIENT_EBADMSG:
		r->bad_data++;
		break;
	case VDEV_VSOCK_CLIENT_ENODATA:
		r->short_data++;
		break;
	default:
		r->other++;
		break;
	}
}

/* @k ended with @err (0: ok): counted now, closed when there is room. */
static void finish(struct vdev_vsock_client *cl,
		   struct vdev_vsock_client_conn *k, int err)
{
	k->err = err;
	k->phase = PH_CLOSE;
	if (err) {
		count_error(&cl->res, err);
	} else {
		cl->res.ok++;
	}
}

static void progress(struct vdev_vsock_client *cl,
		     struct vdev_vsock_client_conn *k)
{
	k->last_ms = cl->v->now_ms;
}

static void step_connect(struct vdev_vsock_client *cl,
			 struct vdev_vsock_client_conn *k)
{
	int rc = vsk_connect(stack_of(cl), k->sd, (uint32_t)cl->v->guest_cid,
			     cl->res.port);

	if (rc == VSK_EINPROGRESS) {
		k->phase = PH_WAIT;
		progress(cl, k);
	} else if (rc != VSK_EAGAIN) {
		/* EAGAIN: the side queue refused the REQUEST; next run. */
		finish(cl, k, rc);
	}
}

static void step_wait(struct vdev_vsock_client *cl,
		      struct vdev_vsock_client_conn *k)
{
	int rc = vsk_connect(stack_of(cl), k->sd, (uint32_t)cl->v->guest_cid,
			     cl->res.port);

	if (rc == VSK_EISCONN) {
		k->phase = PH_DATA;
		progress(cl, k);
	} else if (rc != VSK_EALREADY && rc != VSK_EINPROGRESS) {
		finish(cl, k, rc); /* refused, timed out */
	}
}

/* Send what credit and room allow; 0 or the error that ends @k. */
static int push(struct vdev_vsock_client *cl, struct vdev_vsock_client_conn *k,
		uint32_t idx)
{
	uint32_t bytes = cl->res.bytes;

	while (k->sent < bytes) {
		uint32_t n = bytes - k->sent;
		uint32_t i = 0;
		int rc = 0;

		if (n > sizeof(cl->buf)) {
			n = sizeof(cl->buf);
		}
		for (i = 0; i < n; i++) {
			cl->buf[i] = vdev_vsock_client_byte(idx, k->sent + i);
		}
		rc = vsk_send(stack_of(cl), k->sd, cl->buf, n, 0);
		if (rc == VSK_EAGAIN) {
			return 0;
		}
		if (rc < 0) {
			return rc;
		}
		k->sent += (uint32_t)rc;
		progress(cl, k);
		if ((uint32_t)rc < n) {
			return 0;
		}
	}
	return 0;
}

/* Check what came back: 0 (more later), 1 (all of it) or the error. */
static int pull(struct vdev_vsock_client *cl, struct vdev_vsock_client_conn *k,
		uint32_t idx)
{
	uint32_t bytes = cl->res.bytes;

	for (;;) {
		uint32_t i = 0;
		int rc = 0;

		if (k->got == bytes) {
			return 1;
		}
		/* A recv may owe the peer a CREDIT_UPDATE. */
		if (!vdev_vsock_tx_room(cl->v)) {
			return 0;
		}
		rc = vsk_recv(stack_of(cl), k->sd, cl->buf, sizeof(cl->buf), 0);
		if (rc == VSK_EAGAIN) {
			return 0;
		}
		if (rc < 0) {
			return rc;
		}
		if (rc == 0) {
			/* End of stream: done only if every byte came. */
			return k->got == bytes ? 1 : VDEV_VSOCK_CLIENT_ENODATA;
		}
		if ((uint32_t)rc > bytes - k->got) {
			return VDEV_VSOCK_CLIENT_EBADMSG;
		}
		for (i = 0; i < (uint32_t)rc; i++) {
			if (cl->buf[i] !=
			    vdev_vsock_client_byte(idx, k->got + i)) {
				return VDEV_VSOCK_CLIENT_EBADMSG;
			}
		}
		k->got += (uint32_t)rc;
		cl->res.bytes_checked += (uint32_t)rc;
		progress(cl, k);
	}
}

static void step_data(struct vdev_vsock_client *cl,
		      struct vdev_vsock_client_conn *k, uint32_t idx)
{
	int rc = push(cl, k, idx);

	if (!rc) {
		rc = pull(cl, k, idx);
	}
	if (rc == 1) {
		finish(cl, k, 0);
	} else if (rc < 0) {
		finish(cl, k, rc);
	}
}

static void step_close(struct vdev_vsock_client *cl,
		       struct vdev_vsock_client_conn *k)
{
	/* The SHUTDOWN (or RST) must not be lost. */
	if (!vdev_vsock_tx_room(cl->v)) {
		return;
	}
	vsk_close(stack_of(cl), k->sd);
	k->sd = -1;
	k->phase = PH_NONE;
}

/* A connection that made no progress for too long ends ETIMEDOUT. */
static bool stalled(const struct vdev_vsock_client *cl,
		    const struct vdev_vsock_client_conn *k)
{
	return k->phase != PH_NONE && k->phase != PH_CLOSE &&
	       cl->v->now_ms - k->last_ms > VDEV_VSOCK_CLIENT_IDLE_MS;
}

/*
 * Everything @idx can do now. Nothing may be left for later that no packet
 * would bring back: the device runs the task only when the driver talks to
 * it, so a connection that just became established sends at once.
 */
static void step(struct vdev_vsock_client *cl, uint32_t idx)
{
	struct vdev_vsock_client_conn *k = &cl->c[idx];
	uint8_t was = 0;

	if (stalled(cl, k)) {
		finish(cl, k, VSK_ETIMEDOUT);
	}
	do {
		was = k->phase;
		switch (k->phase) {
		case PH_CONNECT:
			step_connect(cl, k);
			break;
		case PH_WAIT:
			step_wait(cl, k);
			break;
		case PH_DATA:
			step_data(cl, k, idx);
			break;
		case PH_CLOSE:
			step_close(cl, k);
			break;
		default:
			break;
		}
	} while (k->phase != was);
}

static void client_run(struct vdev_vsock *v, void *ctx)
{
	struct vdev_vsock_client *cl = ctx;
	uint32_t n = cl->res.conns, i = 0;
	bool busy = false;

	(void)v;
	if (cl->res.state != VDEV_VSOCK_CLIENT_RUNNING) {
		return;
	}
	/* Start somewhere else each run: no connection hogs the room. */
	for (i = 0; i < n; i++) {
		uint32_t idx = (cl->cursor + i) % n;

		step(cl, idx);
		busy |= cl->c[idx].phase != PH_NONE;
	}
	cl->cursor = (cl->cursor + 1) % n;
	if (!busy) {
		cl->res.state = VDEV_VSOCK_CLIENT_DONE;
	}
}

int vdev_vsock_client_attach(struct vdev_vsock *v, struct vdev_vsock_client *cl)
{
	uint32_t i = 0;

	tzs_memset(cl, 0, sizeof(*cl));
	cl->v = v;
	cl->task.run = client_run;
	cl->task.ctx = cl;
	for (i = 0; i < VDEV_VSOCK_CLIENT_CONNS; i++) {
		cl->c[i].sd = -1;
	}
	return vdev_vsock_task_add(v, &cl->task);
}

/* Connection @idx: a socket, and its connect goes out if it can. */
static void open_conn(struct vdev_vsock_client *cl, uint32_t idx)
{
	struct vdev_vsock_client_conn *k = &cl->c[idx];
	int sd = vsk_socket(stack_of(cl), VSOCK_TYPE_STREAM, 0);

	tzs_memset(k, 0, sizeof(*k));
	k->last_ms = cl->v->now_ms;
	if (sd < 0) {
		k->sd = -1;
		finish(cl, k, sd);
		k->phase = PH_NONE; /* nothing to close */
		return;
	}
	k->sd = sd;
	k->phase = PH_CONNECT;
	step(cl, idx);
}

int vdev_vsock_client_start(struct vdev_vsock_client *cl, uint32_t port,
			    uint32_t conns, uint32_t bytes)
{
	uint32_t i = 0;

	if (!conns || conns > VDEV_VSOCK_CLIENT_CONNS ||
	    bytes > VDEV_VSOCK_CLIENT_BYTES_MAX || port == VSK_PORT_ANY) {
		return VSOCK_EINVAL;
	}
	if (cl->res.state == VDEV_VSOCK_CLIENT_RUNNING) {
		return VSOCK_EAGAIN;
	}
	tzs_memset(&cl->res, 0, sizeof(cl->res));
	cl->res.state = VDEV_VSOCK_CLIENT_RUNNING;
	cl->res.conns = conns;
	cl->res.bytes = bytes;
	cl->res.port = port;
	cl->cursor = 0;
	for (i = 0; i < conns; i++) {
		open_conn(cl, i);
	}
	/* Everything may have failed at once (no descriptors). */
	client_run(cl->v, cl);
	return VSOCK_OK;
}
