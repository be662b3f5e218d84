// SPDX-License-Identifier: BSD-2-Clause
/*
 * tzshare-sp: the default secure partition. Services:
 *  - echo: DIRECT_REQ2 to TZS_UUID_ECHO returns x4..x17 unchanged; any
 *    DIRECT_REQ that is not a command below returns x3..x7 unchanged.
 *  - memory reader: DIRECT_REQ TZS_SP_CMD_MEM_READ retrieves a transaction,
 *    prints its first bytes as text to stderr ("[sp 0x8001] ..."), and
 *    relinquishes it (see <tzshare/sp.h> for the registers).
 *  - virtio-msg FF-A bus (device role): DIRECT_REQ2 to the bus UUID and
 *    indirect messages (FFA_MSG_SEND2, served when a context is run), one
 *    backend per driver VM with the echo device at dev_num 1 and a
 *    virtio-vsock device at dev_num 2 (<tzshare/vsock_host.h>); control
 *    commands TZS_VMSG_CMD_* over DIRECT_REQ add and remove devices at run
 *    time (<tzshare/vmsg_host.h>, docs/virtio-msg.md).
 */
#include <stdio.h>
#include <string.h>

#include <tzshare/platform.h>
#include <tzshare/sp.h>
#include <tzshare/vmsg_host.h>

#define READ_DEFAULT 64u
#define READ_MAX 4096u

static void echo_req(const struct tzs_sp_req *req, struct ffa_regs *resp,
		     void *arg)
{
	unsigned int i = 0;

	(void)arg;
	if (req->req2) {
		for (i = 4; i < FFA_REG_COUNT; i++) {
			resp->x[i] = req->in->x[i];
		}
		return;
	}
	for (i = 3; i <= 7; i++) {
		resp->x[i] = req->in->x[i];
	}
}

/* Printable prefix of @p up to @len bytes or the first NUL. */
static size_t text_len(const uint8_t *p, size_t len)
{
	size_t i = 0;

	while (i < len && p[i]) {
		i++;
	}
	return i;
}

static void mem_read(const struct tzs_sp_req *req, struct ffa_regs *resp,
		     void *arg)
{
	struct tzs_mem_retrieve_args a;
	struct tzs_mem_map *m = NULL;
	char text[READ_MAX + 1];
	size_t want = req->in->x[7] ? req->in->x[7] : READ_DEFAULT, n = 0,
	       i = 0;
	int rc = 0;

	(void)arg;
	memset(&a, 0, sizeof(a));
	a.handle = req->in->x[4];
	a.tag = req->in->x[5];
	a.owner = (uint16_t)req->in->x[6];
	a.kind = (enum ffa_mem_kind)((req->in->x[6] >> 16) & 0xFF);
	if (!a.kind) {
		a.kind = FFA_MEM_KIND_SHARE;
	}
	a.perms = FFA_PERM_DATA_RO;
	if (a.kind != FFA_MEM_KIND_SHARE) {
		a.perms |= FFA_PERM_INSTR_NX;
	}
	rc = tzs_ep_mem_retrieve(req->vcpu, &a, &m);
	if (rc) {
		tzs_sp_log(req->ep, "mem read 0x%llx: retrieve %s",
			   (unsigned long long)a.handle, ffa_error_name(rc));
		resp->x[3] = (uint32_t)rc;
		return;
	}
	if (want > READ_MAX) {
		want = READ_MAX;
	}
	if (want > m->page_count * 4096) {
		want = m->page_count * 4096;
	}
	/* Copy out of shared memory first, then look at the copy. */
	memcpy(text, m->va, want);
	n = text_len((const uint8_t *)text, want);
	for (i = 0; i < n; i++) {
		if ((unsigned char)text[i] < 0x20 || text[i] == 0x7f) {
			text[i] = '.';
		}
	}
	text[n] = '\0';
	tzs_sp_print(req->ep, "%s", text);
	rc = a.kind == FFA_MEM_KIND_DONATE ?
		     (tzs_ep_mem_unmap(req->ep, m), FFA_OK) :
		     tzs_ep_mem_relinquish(req->vcpu, m, 0);
	resp->x[3] = (uint32_t)rc;
	resp->x[4] = n;
}

int main(int argc, char **argv)
{
	struct tzs_vmsg_sp *bus = tzs_vmsg_sp_create();
	int rc = 0;
	const struct tzs_sp_service services[] = {
		{
			.name = "echo",
			.uuid = TZS_UUID_ECHO,
			.req_any = true,
			.fn = echo_req,
		},
		{
			.name = "virtio-msg-bus",
			.uuid = TZS_UUID_VIRTIO_MSG_BUS,
			.fn = tzs_vmsg_sp_direct,
			.run = tzs_vmsg_sp_run,
			.arg = bus,
		},
		{
			.name = "virtio-msg-control",
			.cmd_first = TZS_VMSG_CMD_FIRST,
			.cmd_last = TZS_VMSG_CMD_LAST,
			.fn = tzs_vmsg_sp_control,
			.arg = bus,
		},
		{
			.name = "mem-read",
			.cmd_first = TZS_SP_CMD_MEM_READ,
			.cmd_last = TZS_SP_CMD_MEM_READ,
			.fn = mem_read,
		},
	};

	if (!bus) {
		fprintf(stderr, "tzshare-sp: out of memory\n");
		return 1;
	}
	rc = tzs_sp_main(argc, argv, services,
			 sizeof(services) / sizeof(services[0]));
	tzs_vmsg_sp_destroy(bus);
	return rc;
}
