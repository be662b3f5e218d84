// SPDX-License-Identifier: BSD-2-Clause
/*
 * Platform description parser, launcher and tzshare-spmc startup: every
 * rejection of a description, and what a broken platform does at run time.
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>

#include "sys.h"

static int parse(const char *text, struct tzs_plat *p, char *err)
{
	return tzs_plat_parse(text, p, err, 160);
}

TEST(default_platform_is_one_vm_and_one_sp)
{
	struct tzs_plat p;
	const struct tzs_plat_part *vm = NULL, *sp = NULL;
	char err[160];

	ASSERT_EQ(parse(tzs_plat_default_text(), &p, err), 0);
	ASSERT_EQ(p.part_count, 2);
	ASSERT_EQ(p.cfg.max_mem_shares, 16384);
	vm = tzs_plat_find(&p, 1);
	sp = tzs_plat_find(&p, 0x8001);
	ASSERT_TRUE(vm && sp);
	ASSERT_FALSE(vm->is_sp);
	ASSERT_EQ(vm->exec_count, 2);
	ASSERT_EQ(vm->mem_base, 0x80000000ull);
	ASSERT_EQ(vm->mem_size, 512ull << 20);
	ASSERT_TRUE(sp->is_sp);
	ASSERT_EQ(sp->exec_count, 2);
	ASSERT_EQ(sp->mem_base, 0x10000000ull);
	ASSERT_EQ(sp->mem_size, 16ull << 20);
	ASSERT_EQ(strcmp(sp->program, "tzshare-sp"), 0);
	ASSERT_EQ(sp->uuid_count, 2);
	ASSERT_MEM_EQ(sp->uuids[0], TZS_UUID_VIRTIO_MSG_BUS, 16);
	ASSERT_MEM_EQ(sp->uuids[1], TZS_UUID_ECHO, 16);
	ASSERT_EQ(
		sp->props,
		FFA_PART_PROP_DIRECT_REQ_RECV | FFA_PART_PROP_DIRECT_REQ_SEND |
			FFA_PART_PROP_INDIRECT_MSG | FFA_PART_PROP_NOTIF_RECV |
			FFA_PART_PROP_AARCH64 | FFA_PART_PROP_DIRECT_REQ2_RECV |
			FFA_PART_PROP_DIRECT_REQ2_SEND);
	ASSERT_TRUE(tzs_plat_find(&p, 2) == NULL);
}

TEST(description_fields_parse_as_documented)
{
	struct tzs_plat p;
	char err[160];

	ASSERT_EQ(parse("# comment\n\n"
			"spmc max_mem_shares=7 max_fragments=0x20 "
			"max_borrowers=3 rxtx_max_pages=4\n"
			"vm 0x7 vcpus=1 mem=0x1000000:1M   # trailing\n"
			"sp 32770 vcpus=8 mem=0x40000000:2G program=x "
			"props=req_recv,req2_recv,vm_created\n"
			"sp 0x8003 vcpus=1 mem=0x2000000:256K program=y "
			"props=0x301\n",
			&p, err),
		  0);
	ASSERT_EQ(p.cfg.max_mem_shares, 7);
	ASSERT_EQ(p.cfg.max_fragments, 32);
	ASSERT_EQ(p.cfg.max_borrowers, 3);
	ASSERT_EQ(p.cfg.rxtx_max_pages, 4);
	ASSERT_EQ(p.part_count, 3);
	ASSERT_EQ(p.parts[0].id, 7);
	ASSERT_EQ(p.parts[0].mem_size, 1ull << 20);
	ASSERT_EQ(p.parts[1].id, 0x8002);
	ASSERT_EQ(p.parts[1].exec_count, 8);
	ASSERT_EQ(p.parts[1].mem_size, 2ull << 30);
	ASSERT_EQ(p.parts[1].props, FFA_PART_PROP_DIRECT_REQ_RECV |
					    FFA_PART_PROP_DIRECT_REQ2_RECV |
					    FFA_PART_PROP_VM_CREATED);
	ASSERT_EQ(p.parts[2].props, 0x301);
}

/* Each entry: a description and the start of the message it must give. */
static const struct {
	const char *text;
	const char *err;
} bad[] = {
	{ "", "line 0: no partitions" },
	{ "vm 1 vcpus=1\n", "line 1: vcpus= and mem= are required" },
	{ "vm 1 mem=0x80000000:1M\n", "line 1: vcpus= and mem= are required" },
	{ "vm 1 vcpus=0 mem=0x80000000:1M\n", "line 1: vcpus must be 1..8" },
	{ "vm 1 vcpus=9 mem=0x80000000:1M\n", "line 1: vcpus must be 1..8" },
	{ "vm 0x8001 vcpus=1 mem=0x80000000:1M\n",
	  "line 1: ID 0x8001: SP IDs" },
	{ "sp 1 vcpus=1 mem=0x80000000:1M program=p\n", "line 1: ID 0x1: SP" },
	{ "sp 0x8000 vcpus=1 mem=0x80000000:1M program=p\n",
	  "line 1: ID 0x8000 is the SPMC's" },
	{ "vm 0x10000 vcpus=1 mem=0x80000000:1M\n",
	  "line 1: expected a partition ID" },
	{ "vm vcpus=1\n", "line 1: expected a partition ID" },
	{ "vm 1 vcpus=1 mem=0x80000800:1M\n", "line 1: mem must be non-empty" },
	{ "vm 1 vcpus=1 mem=0x80000000:0\n", "line 1: mem must be non-empty" },
	{ "vm 1 vcpus=1 mem=0x80000000\n", "line 1: mem wants <base>:<size>" },
	{ "vm 1 vcpus=1 mem=0x80000000:1Q\n", "line 1: bad mem" },
	{ "vm 1 vcpus=1 mem=0xFFFFFFFFFFFFF000:8K\n",
	  "line 1: mem must be non-empty" },
	{ "vm 1 vcpus=1 mem=0x80000000:128K\n",
	  "line 1: mem must be at least 256K" },
	{ "vm 1 vcpus=1 mem=0x80000000:1M\nvm 1 vcpus=1 mem=0x90000000:1M\n",
	  "line 2: duplicate ID 0x1" },
	{ "vm 1 vcpus=1 mem=0x80000000:1M\nvm 2 vcpus=1 mem=0x800FF000:1M\n",
	  "line 2: mem overlaps partition 0x1" },
	{ "sp 0x8001 vcpus=1 mem=0x80000000:1M\n",
	  "line 1: an SP needs program=" },
	{ "sp 0x8001 vcpus=1 mem=0x80000000:1M program=../x\n",
	  "line 1: bad program name" },
	{ "vm 1 vcpus=1 mem=0x80000000:1M program=x\n",
	  "line 1: unknown field 'program'" },
	{ "vm 1 vcpus=1 mem=0x80000000:1M colour=blue\n",
	  "line 1: unknown field 'colour'" },
	{ "vm 1 vcpus=1 mem=0x80000000:1M junk\n",
	  "line 1: expected key=value" },
	{ "sp 0x8001 vcpus=1 mem=0x80000000:1M program=p uuid=1234\n",
	  "line 1: bad uuid" },
	{ "sp 0x8001 vcpus=1 mem=0x80000000:1M program=p "
	  "uuid=c66028b5-2498-4aa1-9de7-77da6122abfg\n",
	  "line 1: bad uuid" },
	{ "sp 0x8001 vcpus=1 mem=0x80000000:1M program=p "
	  "uuid=c66028b5-2498-4aa1-9de7-77da6122abf0 "
	  "uuid=c66028b5-2498-4aa1-9de7-77da6122abf1 "
	  "uuid=c66028b5-2498-4aa1-9de7-77da6122abf2 "
	  "uuid=c66028b5-2498-4aa1-9de7-77da6122abf3 "
	  "uuid=c66028b5-2498-4aa1-9de7-77da6122abf4\n",
	  "line 1: at most 4 uuids" },
	{ "sp 0x8001 vcpus=1 mem=0x80000000:1M program=p props=fast\n",
	  "line 1: unknown property 'fast'" },
	{ "sp 0x8001 vcpus=1 mem=0x80000000:1M program=p props=0x800\n",
	  "line 1: props 0x800 sets MBZ bits" },
	{ "spmc max_mem_shares=-1\nvm 1 vcpus=1 mem=0x80000000:1M\n",
	  "line 1: bad max_mem_shares" },
	{ "spmc max_mem_shares=0x100000000\n", "line 1: bad max_mem_shares" },
	{ "spmc speed=11\n", "line 1: unknown spmc field 'speed'" },
	{ "spmc fast\n", "line 1: expected key=value" },
	{ "hypervisor 0\n", "line 1: unknown item 'hypervisor'" },
};

TEST(every_bad_description_is_rejected_with_its_line)
{
	struct tzs_plat p;
	char err[160];
	size_t i = 0;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		if (parse(bad[i].text, &p, err) != -EINVAL ||
		    strncmp(err, bad[i].err, strlen(bad[i].err))) {
			test_fail(__FILE__, __LINE__, "case %zu: got '%s'", i,
				  err);
		}
	}
}

TEST(too_many_partitions_are_rejected)
{
	char text[2048] = "", line[80];
	struct tzs_plat p;
	char err[160];
	unsigned int i = 0;

	for (i = 0; i <= TZS_PLAT_MAX_PARTS; i++) {
		snprintf(line, sizeof(line), "vm %u vcpus=1 mem=0x%x:1M\n",
			 i + 1, 0x10000000u + i * 0x100000u);
		strcat(text, line);
	}
	ASSERT_EQ(parse(text, &p, err), -EINVAL);
	ASSERT_EQ(strcmp(err, "line 17: at most 16 partitions"), 0);
}

TEST(uuid_text_is_rfc4122_byte_order)
{
	uint8_t u[16];

	ASSERT_EQ(tzs_uuid_parse("c66028b5-2498-4aa1-9de7-77da6122abf0", u), 0);
	ASSERT_MEM_EQ(u, TZS_UUID_VIRTIO_MSG_BUS, 16);
	ASSERT_EQ(tzs_uuid_parse("c66028b5-2498-4aa1-9de7-77da6122abf0x", u),
		  -EINVAL);
	ASSERT_EQ(tzs_uuid_parse("c66028b5+2498-4aa1-9de7-77da6122abf0", u),
		  -EINVAL);
	ASSERT_EQ(tzs_uuid_parse("c66028b5-2498-4aa1-9de7", u), -EINVAL);
}

TEST(launcher_without_tzshare_spmc_is_enoent)
{
	struct tzs_launch_opts o;
	struct tzs_launch l;

	memset(&o, 0, sizeof(o));
	o.bin_dir = "/nonexistent";
	ASSERT_EQ(tzs_launch_start(&o, &l), -ENOENT);
}

TEST(launcher_with_a_bad_description_is_einval)
{
	struct tzs_launch_opts o;
	struct tzs_launch l;

	memset(&o, 0, sizeof(o));
	o.platform_text = "vm 1\n";
	ASSERT_EQ(tzs_launch_start(&o, &l), -EINVAL);
}

/* An SP whose program does not exist: tzshare-spmc gives up at start and
 * says why; the VM's attach fails instead of hanging. */
TEST(missing_sp_program_makes_the_spmc_exit_with_an_error)
{
	struct tzs_launch_opts o;
	struct tzs_launch l;
	struct tzs_ep *vm = NULL;
	char out[1024];
	ssize_t n = 0;
	int log = memfd_create("spmc-stderr", MFD_CLOEXEC), status = 0;

	memset(&o, 0, sizeof(o));
	o.platform_text = "vm 1 vcpus=1 mem=0x80000000:1M\n"
			  "sp 0x8001 vcpus=1 mem=0x10000000:1M "
			  "program=tzshare-no-such-sp\n";
	o.stderr_fd = log;
	sys_start_opts(&l, &o);
	ASSERT_EQ(tzs_vm_attach(tzs_launch_take_vm(&l, 1), NULL, &vm), -EPIPE);
	status = tzs_launch_stop(&l, 10000);
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(WEXITSTATUS(status), 1);
	n = pread(log, out, sizeof(out) - 1, 0);
	ASSERT_TRUE(n > 0);
	out[n] = '\0';
	ASSERT_TRUE(strstr(out, "tzshare-no-such-sp") != NULL);
	close(log);
}

/* An SP that exits at once (here: started without a control socket's
 * worth of sense, it dies before booting) does not hold the VMs back. */
TEST(sp_dying_at_boot_lets_the_vm_in_and_its_requests_abort)
{
	struct tzs_launch_opts o;
	struct tzs_launch l;
	struct tzs_ep *vm = NULL;
	uint64_t args[5] = { 0 }, ret[5];
	int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);

	memset(&o, 0, sizeof(o));
	/* tzshare-spmc itself is no SP: it exits on the unknown --ctl. */
	o.platform_text = "vm 1 vcpus=1 mem=0x80000000:1M\n"
			  "sp 0x8001 vcpus=1 mem=0x10000000:1M "
			  "program=tzshare-spmc\n";
	o.stderr_fd = devnull;
	sys_start_opts(&l, &o);
	ASSERT_EQ(tzs_vm_attach(tzs_launch_take_vm(&l, 1), NULL, &vm), 0);
	ASSERT_EQ(tzs_vcpu_direct_req(tzs_ep_vcpu(vm, 0), 0x8001, args, ret),
		  FFA_ABORTED);
	sys_stop(&l, vm);
	close(devnull);
}

/* The SPMC lives while any VM control socket is open: VM 2 can still come
 * in after VM 1 left; when VM 2 leaves too, it exits cleanly. */
TEST(spmc_exits_when_the_last_vm_control_socket_closes)
{
	struct tzs_launch l;
	struct tzs_ep *vm = NULL;

	sys_start(&l, SYS_PLATFORM);
	vm = sys_attach(&l, SYS_VM1);
	tzs_ep_detach(vm);
	vm = sys_attach(&l, SYS_VM2);
	sys_stop(&l, vm);
}
