// SPDX-License-Identifier: BSD-2-Clause
/*
 * System test: a VM speaking garbage on the conduit gets FF-A errors, error
 * messages or a closed connection, and the SPMC keeps serving everyone
 * else. VM 2 talks raw conduit records here; VM 1 uses the runtime.
 */
#include <sys/socket.h>

#include "sys.h"

#define RAW_TIMEOUT_MS 5000

/* Attach vCPU @idx by hand; returns the connection, *status the answer. */
static int raw_attach(int ctl, uint32_t idx, int *status)
{
	uint8_t b[TZC_MSG_MAX];
	uint32_t type = 0;
	int sv[2], fd = -1, n = 0;

	ASSERT_EQ(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	le32_put(b, idx);
	le32_put(b + 4, 0);
	ASSERT_EQ(tzc_send(ctl, TZC_MSG_ATTACH, b, TZC_ATTACH_SIZE, sv[1]), 0);
	close(sv[1]);
	n = tzc_recv(sv[0], &type, b, sizeof(b), &fd, RAW_TIMEOUT_MS);
	ASSERT_EQ(n, TZC_ATTACH_RESP_SIZE);
	ASSERT_EQ(type, TZC_MSG_ATTACH_RESP);
	*status = (int32_t)le32_get(b);
	if (fd >= 0) {
		close(fd);
	}
	return sv[0];
}

static int raw_vm2(struct tzs_launch *l, int *ctl)
{
	int status = 0, v = 0;

	*ctl = tzs_launch_take_vm(l, SYS_VM2);
	ASSERT_TRUE(*ctl >= 0);
	v = raw_attach(*ctl, 0, &status);
	ASSERT_EQ(status, FFA_OK);
	return v;
}

/* Receive one record; returns its payload length and type. */
static int raw_recv(int v, uint32_t *type, uint8_t *b)
{
	return tzc_recv(v, type, b, TZC_MSG_MAX, NULL, RAW_TIMEOUT_MS);
}

static struct ffa_regs raw_call(int v, const struct ffa_regs *in)
{
	uint8_t b[TZC_MSG_MAX];
	struct ffa_regs out;
	uint32_t type = 0;

	tzc_frame_encode(b, in);
	ASSERT_EQ(tzc_send(v, TZC_MSG_CALL, b, TZC_FRAME_SIZE, -1), 0);
	ASSERT_EQ(raw_recv(v, &type, b), TZC_FRAME_SIZE);
	ASSERT_EQ(type, TZC_MSG_RESULT);
	tzc_frame_decode(b, &out);
	return out;
}

/* Send @len raw bytes as one record. */
static void raw_bytes(int v, const uint8_t *b, size_t len)
{
	ASSERT_EQ(send(v, b, len, MSG_NOSIGNAL), (ssize_t)len);
}

static void expect_error_msg(int v, int status, uint32_t offending)
{
	uint8_t b[TZC_MSG_MAX];
	uint32_t type = 0;

	ASSERT_EQ(raw_recv(v, &type, b), TZC_ERROR_SIZE);
	ASSERT_EQ(type, TZC_MSG_ERROR);
	ASSERT_EQ((int32_t)le32_get(b), status);
	ASSERT_EQ(le32_get(b + 4), offending);
}

static void expect_vm1_served(struct tzs_ep *vm)
{
	uint64_t args[5] = { 1, 2, 3, 4, 5 }, ret[5];

	ASSERT_EQ(tzs_vcpu_direct_req(sys_vcpu0(vm), SYS_SP1, args, ret),
		  FFA_OK);
	ASSERT_MEM_EQ(args, ret, sizeof(args));
}

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Calls that may legitimately park the caller are not garbage. */
static bool may_block(uint32_t fid)
{
	return fid == FFA_MSG_WAIT || fid == FFA_YIELD || fid == FFA_RUN ||
	       FFA_FID_SMC32(fid) ==
		       FFA_FID_SMC32(FFA_MSG_SEND_DIRECT_REQ_32) ||
	       fid == FFA_MSG_SEND_DIRECT_REQ2;
}

TEST(random_calls_each_get_an_answer_and_others_are_served)
{
	struct tzs_launch l;
	struct tzs_ep *vm = NULL;
	struct ffa_regs in, out;
	uint64_t seed = 0x9e3779b97f4a7c15ull;
	unsigned int i = 0, j = 0, errors = 0;
	int ctl = -1, v = -1;

	sys_start(&l, SYS_PLATFORM);
	vm = sys_attach(&l, SYS_VM1);
	v = raw_vm2(&l, &ctl);
	for (i = 0; i < 3000; i++) {
		uint64_t x = xorshift(&seed);
		uint32_t fid = (x & 1 ? 0xC4000000u : 0x84000000u) |
			       (uint32_t)(0x60 + (x >> 8) % 0x40);

		for (j = 0; j < FFA_REG_COUNT; j++) {
			in.x[j] = xorshift(&seed);
			if (in.x[j] & 1) {
				in.x[j] &= 0xFFFF; /* small values matter too */
			}
		}
		in.x[0] = (i % 8 == 7) ? xorshift(&seed) : fid;
		if (may_block((uint32_t)in.x[0])) {
			continue;
		}
		out = raw_call(v, &in);
		errors += (uint32_t)out.x[0] == FFA_ERROR;
	}
	ASSERT_TRUE(errors > 0);
	expect_vm1_served(vm);
	in = (struct ffa_regs){ .x = { FFA_ID_GET } };
	out = raw_call(v, &in);
	ASSERT_EQ(out.x[0], FFA_SUCCESS_32);
	ASSERT_EQ(out.x[2], SYS_VM2);
	close(v);
	close(ctl);
	sys_stop(&l, vm);
}

/* An unknown function ID is NOT_SUPPORTED (SMCCC). */
TEST(unknown_function_id_is_not_supported)
{
	struct tzs_launch l;
	struct tzs_ep *vm = NULL;
	struct ffa_regs r;

	sys_start(&l, SYS_PLATFORM);
	vm = sys_attach(&l, SYS_VM1);
	r = tzs_vcpu_call8(sys_vcpu0(vm), 0x840000FFu, 0, 0, 0, 0, 0, 0, 0);
	ASSERT_FFA_ERROR(&r, FFA_NOT_SUPPORTED);
	r = tzs_vcpu_call8(sys_vcpu0(vm), 0x12345678u, 0, 0, 0, 0, 0, 0, 0);
	ASSERT_FFA_ERROR(&r, FFA_NOT_SUPPORTED);
	sys_stop(&l, vm);
}

/* A CALL record of the wrong size cannot be a register frame. */
TEST(truncated_or_oversized_call_gets_invalid_parameters)
{
	uint8_t b[400];
	struct tzs_launch l;
	struct tzs_ep *vm = NULL;
	struct ffa_regs r;
	uint32_t type = 0;
	int ctl = -1, v = -1;

	sys_start(&l, SYS_PLATFORM);
	vm = sys_attach(&l, SYS_VM1);
	v = raw_vm2(&l, &ctl);
	memset(b, 0, sizeof(b));
	/* Header claims a frame, record is cut short. */
	le32_put(b, TZC_MSG_CALL);
	le32_put(b + 4, TZC_FRAME_SIZE);
	le32_put(b + 8, FFA_ID_GET);
	raw_bytes(v, b, 8 + 20);
	ASSERT_EQ(raw_recv(v, &type, b), TZC_FRAME_SIZE);
	ASSERT_EQ(type, TZC_MSG_RESULT);
	tzc_frame_decode(b, &r);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	/* Consistent header, but 20 bytes are no frame. */
	ASSERT_EQ(tzc_send(v, TZC_MSG_CALL, b, 20, -1), 0);
	ASSERT_EQ(raw_recv(v, &type, b), TZC_FRAME_SIZE);
	tzc_frame_decode(b, &r);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	/* Larger than any conduit record. */
	memset(b, 0, sizeof(b));
	le32_put(b, TZC_MSG_CALL);
	le32_put(b + 4, sizeof(b) - 8);
	raw_bytes(v, b, sizeof(b));
	ASSERT_EQ(raw_recv(v, &type, b), TZC_FRAME_SIZE);
	tzc_frame_decode(b, &r);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	expect_vm1_served(vm);
	close(v);
	close(ctl);
	sys_stop(&l, vm);
}

TEST(records_of_unknown_or_wrong_type_get_error_messages)
{
	static const uint8_t tiny[3] = { 1, 2, 3 };
	uint8_t b[TZC_MSG_MAX];
	struct tzs_launch l;
	struct tzs_ep *vm = NULL;
	int ctl = -1, v = -1;

	sys_start(&l, SYS_PLATFORM);
	vm = sys_attach(&l, SYS_VM1);
	v = raw_vm2(&l, &ctl);
	raw_bytes(v, tiny, sizeof(tiny));
	expect_error_msg(v, FFA_NOT_SUPPORTED, 0);
	ASSERT_EQ(tzc_send(v, 99, NULL, 0, -1), 0);
	expect_error_msg(v, FFA_NOT_SUPPORTED, 99);
	/* SPMC-to-partition types are not requests. */
	memset(b, 0, sizeof(b));
	ASSERT_EQ(tzc_send(v, TZC_MSG_RESULT, b, TZC_FRAME_SIZE, -1), 0);
	expect_error_msg(v, FFA_NOT_SUPPORTED, TZC_MSG_RESULT);
	ASSERT_EQ(tzc_send(v, TZC_MSG_ATTACH, b, TZC_ATTACH_SIZE, -1), 0);
	expect_error_msg(v, FFA_NOT_SUPPORTED, TZC_MSG_ATTACH);
	/* A platform request of the wrong size. */
	ASSERT_EQ(tzc_send(v, TZC_MSG_MEM_FD, b, 8, -1), 0);
	expect_error_msg(v, FFA_INVALID_PARAMETERS, TZC_MSG_MEM_FD);
	ASSERT_EQ(tzc_send(v, TZC_MSG_STATS, b, 4, -1), 0);
	expect_error_msg(v, FFA_INVALID_PARAMETERS, TZC_MSG_STATS);
	expect_vm1_served(vm);
	close(v);
	close(ctl);
	sys_stop(&l, vm);
}

static int mem_fd(int v, uint64_t pa, uint64_t len, uint32_t *perm)
{
	uint8_t b[TZC_MSG_MAX];
	uint32_t type = 0;
	int fd = -1, status = 0;

	le64_put(b, pa);
	le64_put(b + 8, len);
	ASSERT_EQ(tzc_send(v, TZC_MSG_MEM_FD, b, TZC_MEM_FD_SIZE, -1), 0);
	ASSERT_EQ(tzc_recv(v, &type, b, sizeof(b), &fd, RAW_TIMEOUT_MS),
		  TZC_MEM_FD_RESP_SIZE);
	ASSERT_EQ(type, TZC_MSG_MEM_FD_RESP);
	status = (int32_t)le32_get(b);
	*perm = le32_get(b + 4);
	ASSERT_EQ(fd >= 0, status == FFA_OK);
	if (fd >= 0) {
		close(fd);
	}
	return status;
}

/* The memfd of a region goes only to who may access the range; secure
 * memory never goes to a normal-world process. */
TEST(mem_fd_is_handed_out_only_for_accessible_memory)
{
	struct tzs_launch l;
	struct tzs_ep *vm = NULL;
	uint32_t perm = 0;
	int ctl = -1, v = -1;

	sys_start(&l, SYS_PLATFORM);
	vm = sys_attach(&l, SYS_VM1);
	v = raw_vm2(&l, &ctl);
	ASSERT_EQ(mem_fd(v, SYS_VM2_BASE, 4096, &perm), FFA_OK);
	ASSERT_EQ(perm, FFA_PERM_DATA_RW);
	ASSERT_EQ(mem_fd(v, SYS_VM1_BASE, 4096, &perm), FFA_DENIED);
	ASSERT_EQ(mem_fd(v, 0x10000000ull, 4096, &perm), FFA_DENIED);
	ASSERT_EQ(mem_fd(v, 0x1000, 4096, &perm), FFA_INVALID_PARAMETERS);
	/* A range running past the end of the region. */
	ASSERT_EQ(mem_fd(v, SYS_VM2_BASE + (16 << 20) - 4096, 8192, &perm),
		  FFA_INVALID_PARAMETERS);
	ASSERT_EQ(mem_fd(v, SYS_VM2_BASE, 0, &perm), FFA_INVALID_PARAMETERS);
	close(v);
	close(ctl);
	sys_stop(&l, vm);
}

static void expect_partitions_alive(struct tzs_ep *vm, uint32_t want)
{
	ASSERT_EQ(sys_wait_partitions_alive(sys_vcpu0(vm), want), want);
}

TEST(garbage_on_the_control_socket_closes_only_that_vm)
{
	static const uint8_t junk[5] = { 0xde, 0xad, 0xbe, 0xef, 0x00 };
	uint8_t b[TZC_MSG_MAX];
	struct tzs_launch l;
	struct tzs_ep *vm = NULL;
	uint32_t type = 0;
	int ctl = -1, v = -1;

	sys_start(&l, SYS_PLATFORM);
	vm = sys_attach(&l, SYS_VM1);
	v = raw_vm2(&l, &ctl);
	expect_partitions_alive(vm, 4);
	ASSERT_EQ(send(ctl, junk, sizeof(junk), MSG_NOSIGNAL), 5);
	ASSERT_EQ(raw_recv(v, &type, b), -EPIPE);
	expect_partitions_alive(vm, 3);
	expect_vm1_served(vm);
	close(v);
	close(ctl);
	sys_stop(&l, vm);
}

/* An attach must hand over an AF_UNIX SEQPACKET socket. */
TEST(attach_with_a_non_socket_closes_the_vm)
{
	uint8_t b[TZC_ATTACH_SIZE] = { 0 };
	struct tzs_launch l;
	struct tzs_ep *vm = NULL;
	int ctl = -1, p[2];

	sys_start(&l, SYS_PLATFORM);
	vm = sys_attach(&l, SYS_VM1);
	ctl = tzs_launch_take_vm(&l, SYS_VM2);
	ASSERT_EQ(pipe(p), 0);
	ASSERT_EQ(tzc_send(ctl, TZC_MSG_ATTACH, b, sizeof(b), p[0]), 0);
	expect_partitions_alive(vm, 3);
	expect_vm1_served(vm);
	close(p[0]);
	close(p[1]);
	close(ctl);
	sys_stop(&l, vm);
}

TEST(attach_of_a_vcpu_out_of_range_or_twice_is_refused)
{
	struct tzs_launch l;
	struct tzs_ep *vm = NULL;
	int ctl = -1, v = -1, v2 = -1, status = 0;

	sys_start(&l, SYS_PLATFORM);
	vm = sys_attach(&l, SYS_VM1);
	ctl = tzs_launch_take_vm(&l, SYS_VM2);
	v2 = raw_attach(ctl, 1, &status); /* VM 2 has one vCPU */
	ASSERT_EQ(status, FFA_INVALID_PARAMETERS);
	close(v2);
	v = raw_attach(ctl, 0, &status);
	ASSERT_EQ(status, FFA_OK);
	v2 = raw_attach(ctl, 0, &status);
	ASSERT_EQ(status, FFA_DENIED);
	close(v2);
	expect_partitions_alive(vm, 4);
	close(v);
	close(ctl);
	sys_stop(&l, vm);
}

/* Identity is the channel: VM 2 cannot send as VM 1 (direct_msg.c rule:
 * sender must be the caller -> INVALID_PARAMETERS). */
TEST(a_connection_cannot_speak_for_another_partition)
{
	struct tzs_launch l;
	struct tzs_ep *vm = NULL;
	struct ffa_regs in, out;
	int ctl = -1, v = -1;

	sys_start(&l, SYS_PLATFORM);
	vm = sys_attach(&l, SYS_VM1);
	v = raw_vm2(&l, &ctl);
	in = (struct ffa_regs){ .x = { FFA_MSG_SEND_DIRECT_REQ_64,
				       (uint32_t)SYS_VM1 << 16 | SYS_SP1, 0,
				       TSP_CMD_MAPPED } };
	out = raw_call(v, &in);
	ASSERT_FFA_ERROR(&out, FFA_INVALID_PARAMETERS);
	in = (struct ffa_regs){ .x = { FFA_ID_GET } };
	out = raw_call(v, &in);
	ASSERT_EQ(out.x[2], SYS_VM2);
	close(v);
	close(ctl);
	sys_stop(&l, vm);
}

/* A parked vCPU cannot talk: a record while its call is outstanding is a
 * protocol violation and the VM is closed; the SP it called answers into
 * the void and serves on. */
TEST(a_record_while_a_call_is_pending_closes_the_vm)
{
	uint64_t args[5] = { 7, 0, 0, 0, 0 }, ret[5];
	uint8_t b[TZC_MSG_MAX];
	struct tzs_launch l;
	struct tzs_ep *vm = NULL;
	struct ffa_regs in;
	uint32_t type = 0;
	unsigned int i = 0;
	int ctl = -1, v = -1, rc = 0;

	sys_start(&l, SYS_PLATFORM);
	vm = sys_attach(&l, SYS_VM1);
	v = raw_vm2(&l, &ctl);
	in = (struct ffa_regs){ .x = { FFA_MSG_SEND_DIRECT_REQ_64,
				       (uint32_t)SYS_VM2 << 16 | SYS_SP2, 0,
				       TSP_CMD_SLEEP, 200 } };
	tzc_frame_encode(b, &in);
	ASSERT_EQ(tzc_send(v, TZC_MSG_CALL, b, TZC_FRAME_SIZE, -1), 0);
	ASSERT_EQ(tzc_send(v, TZC_MSG_STATS, NULL, 0, -1), 0);
	ASSERT_EQ(raw_recv(v, &type, b), -EPIPE);
	expect_partitions_alive(vm, 3);
	expect_vm1_served(vm);
	/* SP 2 is busy sleeping for the dead VM, then free again. */
	for (i = 0; i < 1000; i++) {
		rc = tzs_vcpu_direct_req(sys_vcpu0(vm), SYS_SP2, args, ret);
		if (rc != FFA_BUSY) {
			break;
		}
		sys_sleep_ms(5);
	}
	ASSERT_EQ(rc, FFA_OK);
	close(v);
	close(ctl);
	sys_stop(&l, vm);
}
