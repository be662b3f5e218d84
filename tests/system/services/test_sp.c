// SPDX-License-Identifier: BSD-2-Clause
/*
 * tzshare-test-sp: an SP whose services let system tests drive memory
 * scenarios from the normal world over direct messages (test_sp.h).
 */
#include "test_sp.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <tzshare/lib.h>
#include <tzshare/sp.h>

static void echo(const struct tzs_sp_req *req, struct ffa_regs *resp, void *arg)
{
	unsigned int i = 0;

	(void)arg;
	for (i = req->req2 ? 4 : 3; i < (req->req2 ? FFA_REG_COUNT : 8u); i++) {
		resp->x[i] = req->in->x[i];
	}
}

static void cmd_retrieve(const struct tzs_sp_req *req, struct ffa_regs *resp)
{
	struct tzs_mem_retrieve_args a;
	struct tzs_mem_map *m = NULL;
	uint32_t rf = (uint32_t)(req->in->x[6] >> 24) & 0xFF;
	int rc = 0;

	memset(&a, 0, sizeof(a));
	a.handle = req->in->x[4];
	a.tag = req->in->x[5];
	a.owner = (uint16_t)req->in->x[6];
	a.kind = (enum ffa_mem_kind)((req->in->x[6] >> 16) & 0xFF);
	a.perms = rf & TSP_RF_RO ? FFA_PERM_DATA_RO : FFA_PERM_DATA_RW;
	/* Single-borrower LEND/DONATE name the instruction access; shares
	 * and multi-borrower lends leave it unspecified (ffa.md §3.1). */
	if ((a.kind == FFA_MEM_KIND_LEND && !(rf & TSP_RF_BYPASS)) ||
	    a.kind == FFA_MEM_KIND_DONATE) {
		a.perms |= FFA_PERM_INSTR_NX;
	}
	if (rf & TSP_RF_BYPASS) {
		a.flags |= FFA_MEM_FLAG_BYPASS_BORROWER_CHECK;
	}
	rc = tzs_ep_mem_retrieve(req->vcpu, &a, &m);
	resp->x[3] = (uint32_t)rc;
	resp->x[4] = rc ? 0 : m->page_count;
	tzs_sp_log(req->ep, "retrieve 0x%llx: %s", (unsigned long long)a.handle,
		   ffa_error_name(rc));
}

static void cmd_write(struct tzs_mem_map *m, uint64_t seed,
		      struct ffa_regs *resp)
{
	uint64_t p = 0, off = 0;

	for (p = 0; p < m->page_count; p++) {
		uint8_t *page = m->va + p * 4096;

		for (off = 0; off < 4096; off += 8) {
			uint64_t w = tsp_word(seed, p, off);

			memcpy(page + off, &w, 8);
		}
	}
	resp->x[4] = m->page_count;
}

/* FFA_NOTIFICATION_SET(self -> x4, bitmap x5), global, SRI not delayed. */
static void cmd_notify(const struct tzs_sp_req *req, struct ffa_regs *resp)
{
	uint64_t bitmap = req->in->x[5];
	struct ffa_regs r = tzs_vcpu_call8(
		req->vcpu, FFA_NOTIFICATION_SET,
		(uint32_t)tzs_ep_id(req->ep) << 16 | (uint16_t)req->in->x[4], 0,
		(uint32_t)bitmap, (uint32_t)(bitmap >> 32), 0, 0, 0);

	resp->x[3] = (uint32_t)ffa_regs_error_code(&r);
}

/* FFA_MSG_SEND2(self -> x4) with the 8-byte payload x5. */
static void cmd_send2(const struct tzs_sp_req *req, struct ffa_regs *resp)
{
	struct ffa_msg_send2_hdr hdr;
	uint8_t *tx = tzs_ep_tx(req->ep);
	struct ffa_regs r;

	memset(&hdr, 0, sizeof(hdr));
	hdr.payload_offset = FFA_MSG_SEND2_HDR_V1_2_SIZE;
	hdr.sender = tzs_ep_id(req->ep);
	hdr.receiver = (uint16_t)req->in->x[4];
	hdr.payload_size = 8;
	tzs_ep_mailbox_lock(req->ep);
	memset(tx, 0, tzs_ep_mailbox_size(req->ep));
	ffa_msg_send2_hdr_encode(tx, tzs_ep_mailbox_size(req->ep),
				 FFA_MSG_SEND2_HDR_V1_2_SIZE, &hdr);
	le64_put(tx + FFA_MSG_SEND2_HDR_V1_2_SIZE, req->in->x[5]);
	r = tzs_vcpu_call8(req->vcpu, FFA_MSG_SEND2, 0, 0, 0, 0, 0, 0, 0);
	tzs_ep_mailbox_unlock(req->ep);
	resp->x[3] = (uint32_t)ffa_regs_error_code(&r);
}

/* RX_HOLD / RX_RELEASE: the mailbox lock is held between the two by the
 * context that sent RX_HOLD (-1: nobody). */
static _Atomic int rx_holder = -1;

static void cmd_rx(const struct tzs_sp_req *req, struct ffa_regs *resp)
{
	static const uint8_t nil[FFA_UUID_SIZE];
	uint32_t w[4];
	struct ffa_regs r;

	if ((uint32_t)req->in->x[3] == TSP_CMD_RX_HOLD) {
		tzs_ep_mailbox_lock(req->ep);
		rx_holder = (int)req->ctx;
		ffa_uuid_to_w4(nil, w);
		r = tzs_vcpu_call8(req->vcpu, FFA_PARTITION_INFO_GET, w[0],
				   w[1], w[2], w[3], 0, 0, 0);
		resp->x[3] = (uint32_t)ffa_regs_error_code(&r);
		return;
	}
	if (rx_holder != (int)req->ctx) {
		resp->x[3] = (uint32_t)FFA_DENIED;
		return;
	}
	r = tzs_vcpu_call8(req->vcpu, FFA_RX_RELEASE, 0, 0, 0, 0, 0, 0, 0);
	resp->x[3] = (uint32_t)ffa_regs_error_code(&r);
	rx_holder = -1;
	tzs_ep_mailbox_unlock(req->ep);
}

/* Framework messages seen (sp.h: the runtime calls framework services
 * from any context). */
static pthread_mutex_t fw_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t fw_count, fw_type, fw_vm;

static void framework(const struct tzs_sp_req *req, struct ffa_regs *resp,
		      void *arg)
{
	(void)resp;
	(void)arg;
	pthread_mutex_lock(&fw_lock);
	fw_count++;
	fw_type = (uint32_t)req->in->x[2] & 0xFF;
	fw_vm = (uint16_t)req->in->x[5];
	pthread_mutex_unlock(&fw_lock);
}

static void cmd_fw_last(struct ffa_regs *resp)
{
	pthread_mutex_lock(&fw_lock);
	resp->x[4] = fw_count;
	resp->x[5] = fw_type;
	resp->x[6] = fw_vm;
	pthread_mutex_unlock(&fw_lock);
}

static void test_cmd(const struct tzs_sp_req *req, struct ffa_regs *resp,
		     void *arg)
{
	struct tzs_mem_map *m = NULL;
	uint32_t maps = 0;
	uint64_t pages = 0;

	(void)arg;
	switch ((uint32_t)req->in->x[3]) {
	case TSP_CMD_RETRIEVE:
		cmd_retrieve(req, resp);
		return;
	case TSP_CMD_MAPPED:
		tzs_ep_mem_count(req->ep, &maps, &pages);
		resp->x[4] = maps;
		resp->x[5] = pages;
		return;
	case TSP_CMD_CRASH:
		tzs_sp_log(req->ep, "crashing on request");
		abort();
	case TSP_CMD_NOTIFY:
		cmd_notify(req, resp);
		return;
	case TSP_CMD_GETPID:
		resp->x[4] = (uint64_t)getpid();
		return;
	case TSP_CMD_SLEEP:
		usleep((useconds_t)(req->in->x[4] % 10000) * 1000);
		return;
	case TSP_CMD_SEND2:
		cmd_send2(req, resp);
		return;
	case TSP_CMD_RX_HOLD:
	case TSP_CMD_RX_RELEASE:
		cmd_rx(req, resp);
		return;
	case TSP_CMD_FW_LAST:
		cmd_fw_last(resp);
		return;
	default:
		break;
	}
	m = tzs_ep_mem_find(req->ep, req->in->x[4]);
	if (!m) {
		resp->x[3] = (uint32_t)FFA_INVALID_PARAMETERS;
		return;
	}
	switch ((uint32_t)req->in->x[3]) {
	case TSP_CMD_WRITE:
		cmd_write(m, req->in->x[5], resp);
		break;
	case TSP_CMD_CHECKSUM:
		resp->x[4] = tsp_checksum(m->va, m->page_count * 4096);
		break;
	case TSP_CMD_RELINQUISH:
		resp->x[3] = (uint32_t)tzs_ep_mem_relinquish(
			req->vcpu, m, (uint32_t)req->in->x[5]);
		break;
	case TSP_CMD_FORGET:
		tzs_ep_mem_unmap(req->ep, m);
		break;
	default:
		resp->x[3] = (uint32_t)FFA_NOT_SUPPORTED;
		break;
	}
}

int main(int argc, char **argv)
{
	const struct tzs_sp_service services[] = {
		{
			.name = "test",
			.cmd_first = TSP_CMD_RETRIEVE,
			.cmd_last = TSP_CMD_FW_LAST,
			.fn = test_cmd,
		},
		{
			.name = "framework",
			.framework = true,
			.fn = framework,
		},
		{
			.name = "echo",
			.uuid = TSP_UUID,
			.req_any = true,
			.fn = echo,
		},
	};

	return tzs_sp_main(argc, argv, services,
			   sizeof(services) / sizeof(services[0]));
}
