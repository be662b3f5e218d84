// SPDX-License-Identifier: BSD-2-Clause
/*
 * Socket options (Linux sock_setsockopt and vsock_connectible_setsockopt):
 * SOL_SOCKET SO_TYPE, SO_ERROR, SO_RCVTIMEO, SO_SNDTIMEO; AF_VSOCK (or
 * SOL_VSOCK) SO_VM_SOCKETS_BUFFER_SIZE/_MIN_SIZE/_MAX_SIZE and
 * SO_VM_SOCKETS_CONNECT_TIMEOUT. Values are copied in and out byte-wise:
 * the caller's buffer need not be aligned.
 */
#include <tzshare/lib.h>

#include "socket_priv.h"

#define USEC_PER_SEC 1000000

static int get_tv(const void *val, uint32_t len, struct vsk_timeval *tv)
{
	if (len < sizeof(*tv)) {
		return VSK_EINVAL;
	}
	tzs_memcpy(tv, val, sizeof(*tv));
	return 0;
}

static uint64_t tv_to_us(const struct vsk_timeval *tv)
{
	uint64_t us = 0;

	if (ovf_mul((uint64_t)tv->tv_sec, USEC_PER_SEC, &us) ||
	    ovf_add(us, (uint64_t)tv->tv_usec, &us) || us == VSK_TIMEO_INF) {
		return VSK_TIMEO_INF - 1;
	}
	return us;
}

/*
 * Linux sock_set_timeout: usec outside [0, 1 s) is VSK_EDOM, {0, 0} no
 * limit, a negative second count 0 (fail at once).
 */
static int set_timeo(uint64_t *timeo, const void *val, uint32_t len)
{
	struct vsk_timeval tv;
	int rc = get_tv(val, len, &tv);

	if (rc) {
		return rc;
	}
	if (tv.tv_usec < 0 || tv.tv_usec >= USEC_PER_SEC) {
		return VSK_EDOM;
	}
	if (tv.tv_sec < 0) {
		*timeo = 0;
	} else if (tv.tv_sec == 0 && tv.tv_usec == 0) {
		*timeo = VSK_TIMEO_INF;
	} else {
		*timeo = tv_to_us(&tv);
	}
	return 0;
}

/* Linux: out of range is VSK_ERANGE, 0 the default. */
static int set_connect_timeout(struct vsk_sock *sk, const void *val,
			       uint32_t len)
{
	struct vsk_timeval tv;
	int rc = get_tv(val, len, &tv);

	if (rc) {
		return rc;
	}
	if (tv.tv_sec < 0 || tv.tv_usec < 0 || tv.tv_usec >= USEC_PER_SEC) {
		return VSK_ERANGE;
	}
	sk->connect_timeout_us = tv_to_us(&tv);
	if (!sk->connect_timeout_us) {
		sk->connect_timeout_us =
			(uint64_t)VSOCK_CONNECT_TIMEOUT_MS * 1000;
	}
	return 0;
}

/*
 * Linux vsock_update_buffer_size: the size clamped to [min, max], then to
 * the proto's slot (the transport's limit); the connection, if any, hears
 * of it at once. Nothing changes when the result would be 0, which the
 * proto cannot advertise.
 */
static int set_buf_opt(struct vsk_stack *s, struct vsk_sock *sk, int name,
		       uint64_t v)
{
	uint64_t min = sk->buf_min, max = sk->buf_max, size = sk->buf_size;

	if (name == VSK_SO_VM_SOCKETS_BUFFER_MIN_SIZE) {
		min = v;
	} else if (name == VSK_SO_VM_SOCKETS_BUFFER_MAX_SIZE) {
		max = v;
	} else {
		size = v;
	}
	if (size > max) {
		size = max;
	}
	if (size < min) {
		size = min;
	}
	if (size > s->proto->rx_len) {
		size = s->proto->rx_len;
	}
	if (!size) {
		return VSK_EINVAL;
	}
	sk->buf_min = min;
	sk->buf_max = max;
	sk->buf_size = size;
	vsk_apply_buf_size(s, sk);
	return 0;
}

static int set_vsock_opt(struct vsk_stack *s, struct vsk_sock *sk, int name,
			 const void *val, uint32_t len)
{
	uint64_t v = 0;

	if (name == VSK_SO_VM_SOCKETS_CONNECT_TIMEOUT ||
	    name == VSK_SO_VM_SOCKETS_CONNECT_TIMEOUT_NEW) {
		return set_connect_timeout(sk, val, len);
	}
	if (name != VSK_SO_VM_SOCKETS_BUFFER_SIZE &&
	    name != VSK_SO_VM_SOCKETS_BUFFER_MIN_SIZE &&
	    name != VSK_SO_VM_SOCKETS_BUFFER_MAX_SIZE) {
		return VSK_ENOPROTOOPT;
	}
	if (len < sizeof(v)) {
		return VSK_EINVAL;
	}
	tzs_memcpy(&v, val, sizeof(v));
	return set_buf_opt(s, sk, name, v);
}

int vsk_setsockopt(struct vsk_stack *s, int sd, int level, int name,
		   const void *val, uint32_t len)
{
	struct vsk_sock *sk = vsk_get(s, sd);

	if (!sk) {
		return VSK_EBADF;
	}
	if (level == VSK_AF_VSOCK || level == VSK_SOL_VSOCK) {
		return set_vsock_opt(s, sk, name, val, len);
	}
	if (level != VSK_SOL_SOCKET) {
		return VSK_ENOPROTOOPT;
	}
	switch (name) {
	case VSK_SO_RCVTIMEO:
	case VSK_SO_RCVTIMEO_NEW:
		return set_timeo(&sk->rcvtimeo_us, val, len);
	case VSK_SO_SNDTIMEO:
	case VSK_SO_SNDTIMEO_NEW:
		return set_timeo(&sk->sndtimeo_us, val, len);
	default:
		/* SO_TYPE and SO_ERROR are read-only, as in Linux. */
		return VSK_ENOPROTOOPT;
	}
}

/* Copy @n bytes of @src out, if *@len has room. */
static int put(void *val, uint32_t *len, const void *src, uint32_t n)
{
	if (*len < n) {
		return VSK_EINVAL;
	}
	tzs_memcpy(val, src, n);
	*len = n;
	return 0;
}

static int put_tv(void *val, uint32_t *len, uint64_t us)
{
	struct vsk_timeval tv = { 0, 0 };

	if (us != VSK_TIMEO_INF) {
		tv.tv_sec = (int64_t)(us / USEC_PER_SEC);
		tv.tv_usec = (int64_t)(us % USEC_PER_SEC);
	}
	return put(val, len, &tv, sizeof(tv));
}

static int get_vsock_opt(const struct vsk_sock *sk, int name, void *val,
			 uint32_t *len)
{
	switch (name) {
	case VSK_SO_VM_SOCKETS_BUFFER_SIZE:
		return put(val, len, &sk->buf_size, sizeof(sk->buf_size));
	case VSK_SO_VM_SOCKETS_BUFFER_MIN_SIZE:
		return put(val, len, &sk->buf_min, sizeof(sk->buf_min));
	case VSK_SO_VM_SOCKETS_BUFFER_MAX_SIZE:
		return put(val, len, &sk->buf_max, sizeof(sk->buf_max));
	case VSK_SO_VM_SOCKETS_CONNECT_TIMEOUT:
	case VSK_SO_VM_SOCKETS_CONNECT_TIMEOUT_NEW:
		return put_tv(val, len, sk->connect_timeout_us);
	default:
		return VSK_ENOPROTOOPT;
	}
}

int vsk_getsockopt(struct vsk_stack *s, int sd, int level, int name, void *val,
		   uint32_t *len)
{
	struct vsk_sock *sk = vsk_get(s, sd);
	int v = 0;
	int rc = 0;

	if (!sk) {
		return VSK_EBADF;
	}
	if (level == VSK_AF_VSOCK || level == VSK_SOL_VSOCK) {
		return get_vsock_opt(sk, name, val, len);
	}
	if (level != VSK_SOL_SOCKET) {
		return VSK_ENOPROTOOPT;
	}
	switch (name) {
	case VSK_SO_TYPE:
		v = sk->type;
		return put(val, len, &v, sizeof(v));
	case VSK_SO_ERROR:
		/* Linux reports errno positive here, and clears it. */
		vsk_sync(s, sk);
		v = -sk->so_error;
		rc = put(val, len, &v, sizeof(v));
		if (!rc) {
			sk->so_error = 0;
		}
		return rc;
	case VSK_SO_RCVTIMEO:
	case VSK_SO_RCVTIMEO_NEW:
		return put_tv(val, len, sk->rcvtimeo_us);
	case VSK_SO_SNDTIMEO:
	case VSK_SO_SNDTIMEO_NEW:
		return put_tv(val, len, sk->sndtimeo_us);
	default:
		return VSK_ENOPROTOOPT;
	}
}
