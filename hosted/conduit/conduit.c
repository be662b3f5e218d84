// SPDX-License-Identifier: BSD-2-Clause
/*
 * Conduit wire: message records on AF_UNIX SOCK_SEQPACKET sockets, with an
 * optional passed descriptor (see the table in <tzshare/conduit.h>).
 */
#include <tzshare/conduit.h>

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <tzshare/lib.h>

void tzc_frame_encode(uint8_t *buf, const struct ffa_regs *regs)
{
	unsigned int i = 0;

	for (i = 0; i < FFA_REG_COUNT; i++) {
		le64_put(buf + 8 * i, regs->x[i]);
	}
}

void tzc_frame_decode(const uint8_t *buf, struct ffa_regs *regs)
{
	unsigned int i = 0;

	for (i = 0; i < FFA_REG_COUNT; i++) {
		regs->x[i] = le64_get(buf + 8 * i);
	}
}

static int send_flags(int sock, uint32_t type, const void *payload, size_t len,
		      int fd, int flags)
{
	uint8_t buf[TZC_MSG_MAX];
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} cbuf;
	struct iovec iov;
	struct msghdr msg;
	ssize_t n = 0;

	if (len > TZC_MSG_MAX - TZC_HDR_SIZE) {
		return -EMSGSIZE;
	}
	le32_put(buf, type);
	le32_put(buf + 4, (uint32_t)len);
	if (len) {
		memcpy(buf + TZC_HDR_SIZE, payload, len);
	}
	memset(&msg, 0, sizeof(msg));
	iov.iov_base = buf;
	iov.iov_len = TZC_HDR_SIZE + len;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	if (fd >= 0) {
		struct cmsghdr *c = NULL;

		memset(&cbuf, 0, sizeof(cbuf));
		msg.msg_control = cbuf.buf;
		msg.msg_controllen = sizeof(cbuf.buf);
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	do {
		n = sendmsg(sock, &msg, MSG_NOSIGNAL | flags);
	} while (n < 0 && errno == EINTR);
	if (n < 0) {
		return errno == ECONNRESET ? -EPIPE : -errno;
	}
	return n == (ssize_t)iov.iov_len ? 0 : -EPIPE;
}

int tzc_send(int sock, uint32_t type, const void *payload, size_t len, int fd)
{
	return send_flags(sock, type, payload, len, fd, 0);
}

/*
 * MSG_DONTWAIT, not O_NONBLOCK: the file status flags live on the open file
 * description, which the partition that handed us the socket shares (it
 * keeps its own copy of that end) and can reset with fcntl().
 */
int tzc_send_nowait(int sock, uint32_t type, const void *payload, size_t len,
		    int fd)
{
	return send_flags(sock, type, payload, len, fd, MSG_DONTWAIT);
}

/* Close every descriptor of an SCM_RIGHTS message; keep the first in *keep
 * when asked. */
static void take_fds(struct msghdr *msg, int *keep)
{
	struct cmsghdr *c = NULL;

	for (c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
		size_t n = 0, i = 0;

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) {
			continue;
		}
		n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < n; i++) {
			int fd = -1;

			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int),
			       sizeof(int));
			if (keep && *keep < 0) {
				*keep = fd;
			} else {
				close(fd);
			}
		}
	}
}

static int wait_readable(int sock, int timeout_ms)
{
	struct pollfd p = { .fd = sock, .events = POLLIN };
	int rc = 0;

	if (timeout_ms < 0) {
		return 0;
	}
	do {
		rc = poll(&p, 1, timeout_ms);
	} while (rc < 0 && errno == EINTR);
	if (rc < 0) {
		return -errno;
	}
	return rc == 0 ? -ETIMEDOUT : 0;
}

static int recv_flags(int sock, uint32_t *type, void *payload, size_t cap,
		      int *fd, int timeout_ms, int flags)
{
	uint8_t buf[TZC_MSG_MAX];
	union {
		char buf[CMSG_SPACE(4 * sizeof(int))];
		struct cmsghdr align;
	} cbuf;
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
	struct msghdr msg;
	ssize_t n = 0;
	uint32_t len = 0;
	int rc = 0;

	*type = 0;
	if (fd) {
		*fd = -1;
	}
	rc = wait_readable(sock, timeout_ms);
	if (rc) {
		return rc;
	}
	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cbuf.buf;
	msg.msg_controllen = sizeof(cbuf.buf);
	do {
		n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC | flags);
	} while (n < 0 && errno == EINTR);
	if (n < 0) {
		return errno == ECONNRESET ? -EPIPE : -errno;
	}
	take_fds(&msg, fd);
	if (n == 0) {
		rc = -EPIPE;
	} else if ((size_t)n < TZC_HDR_SIZE) {
		rc = -EPROTO;
	} else if (msg.msg_flags & MSG_TRUNC) {
		*type = le32_get(buf);
		rc = -EMSGSIZE;
	} else {
		len = le32_get(buf + 4);
		*type = le32_get(buf);
		if (len != (size_t)n - TZC_HDR_SIZE) {
			rc = -EPROTO;
		} else if (len > cap) {
			rc = -EMSGSIZE;
		} else {
			if (len) {
				memcpy(payload, buf + TZC_HDR_SIZE, len);
			}
			rc = (int)len;
		}
	}
	if (rc < 0 && fd && *fd >= 0) {
		close(*fd);
		*fd = -1;
	}
	return rc;
}

int tzc_recv(int sock, uint32_t *type, void *payload, size_t cap, int *fd,
	     int timeout_ms)
{
	return recv_flags(sock, type, payload, cap, fd, timeout_ms, 0);
}

int tzc_recv_nowait(int sock, uint32_t *type, void *payload, size_t cap,
		    int *fd)
{
	return recv_flags(sock, type, payload, cap, fd, -1, MSG_DONTWAIT);
}
