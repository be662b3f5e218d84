// SPDX-License-Identifier: BSD-2-Clause
/*
 * tzshare-test-sp: an SP whose services let system tests drive memory
 * scenarios from the normal world over direct messages (test_sp.h).
 */
#include "test_sp.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
			.cmd_last = TSP_CMD_NOTIFY,
			.fn = test_cmd,
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
