// SPDX-License-Identifier: BSD-2-Clause
/*
 * Secure-partition runtime: execution-context threads, the FFA_MSG_WAIT
 * loop and service dispatch (see <tzshare/sp.h>).
 *
 * Each context runs: MSG_WAIT -> request -> handler -> DIRECT_RESP, and the
 * call that sends the response returns the next request (the response
 * parks the context again, FF-A v1.2 run model). A context leaves when its
 * connection breaks (the SPMC went away) or after repeated errors, so a
 * confused SPMC cannot make it spin.
 */
#include <tzshare/sp.h>

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tzshare/lib.h>
#include <tzshare/spmc.h>

#define MAX_ERRORS_IN_A_ROW 8

/* FF-A v1.2 framework messages (DIRECT_REQ w2 bit 31, type in [7:0]). */
#define FW_MSG_FLAG (1u << 31)
#define FW_MSG_TYPE_MASK 0xFFu
#define MSG_WAIT_RETAIN_RX (1u << 0)

struct sp_rt {
	struct tzs_ep *ep;
	const struct tzs_sp_service *svc;
	size_t svc_count;
};

struct sp_ctx {
	struct sp_rt *rt;
	unsigned int idx;
	pthread_t thread;
	bool started;
};

static bool log_on(void)
{
	const char *e = getenv("TZS_LOG");

	return e && *e && strcmp(e, "0");
}

static void vprint(const struct tzs_ep *ep, const char *fmt, va_list ap)
{
	char line[512];
	int n = snprintf(line, sizeof(line), "[sp 0x%04x] ",
			 ep ? tzs_ep_id(ep) : 0);

	if (n > 0 && (size_t)n < sizeof(line)) {
		vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	}
	/* One write per line, so concurrent contexts do not interleave. */
	fprintf(stderr, "%s\n", line);
}

void tzs_sp_print(const struct tzs_ep *ep, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprint(ep, fmt, ap);
	va_end(ap);
}

void tzs_sp_log(const struct tzs_ep *ep, const char *fmt, ...)
{
	va_list ap;

	if (!log_on()) {
		return;
	}
	va_start(ap, fmt);
	vprint(ep, fmt, ap);
	va_end(ap);
}

static const struct tzs_sp_service *find_req(const struct sp_rt *rt,
					     uint64_t cmd)
{
	const struct tzs_sp_service *any = NULL;
	size_t i = 0;

	for (i = 0; i < rt->svc_count; i++) {
		const struct tzs_sp_service *s = &rt->svc[i];

		if (s->req_any) {
			any = any ? any : s;
		} else if (s->fn && cmd >= s->cmd_first && cmd <= s->cmd_last &&
			   s->cmd_last) {
			return s;
		}
	}
	return any;
}

static const struct tzs_sp_service *find_req2(const struct sp_rt *rt,
					      const uint8_t *uuid)
{
	bool nil = ffa_uuid_is_nil(uuid);
	size_t i = 0;

	/* A nil UUID addresses the partition: its first service. */
	for (i = 0; i < rt->svc_count; i++) {
		const struct tzs_sp_service *s = &rt->svc[i];

		if (s->uuid && (nil || !memcmp(s->uuid, uuid, FFA_UUID_SIZE))) {
			return s;
		}
	}
	return NULL;
}

/* Framework messages go to every service that asked (sp.h); they only
 * observe: the runtime builds the acknowledgement. */
static void serve_framework(const struct sp_rt *rt,
			    const struct tzs_sp_req *req)
{
	struct ffa_regs scratch;
	size_t i = 0;

	for (i = 0; i < rt->svc_count; i++) {
		if (rt->svc[i].framework && rt->svc[i].fn) {
			ffa_regs_clear(&scratch);
			rt->svc[i].fn(req, &scratch, rt->svc[i].arg);
		}
	}
}

static void serve(struct sp_ctx *c, struct tzs_vcpu *v,
		  const struct ffa_regs *in, struct ffa_regs *resp)
{
	uint32_t fid = (uint32_t)in->x[0];
	uint16_t self = tzs_ep_id(c->rt->ep);
	const struct tzs_sp_service *s = NULL;
	struct tzs_sp_req req = {
		.ep = c->rt->ep,
		.vcpu = v,
		.ctx = c->idx,
		.sender = (uint16_t)(in->x[1] >> 16),
		.req2 = fid == FFA_MSG_SEND_DIRECT_REQ2,
		.in = in,
	};
	uint8_t uuid[FFA_UUID_SIZE];
	unsigned int i = 0;

	ffa_regs_clear(resp);
	if (req.req2) {
		ffa_uuid_from_x2(&in->x[2], uuid);
		s = find_req2(c->rt, uuid);
	} else if ((uint32_t)in->x[2] & FW_MSG_FLAG) {
		/* Acknowledge a framework message (VM created/destroyed):
		 * the response type is the request type + 1, status 0. */
		serve_framework(c->rt, &req);
		resp->x[2] = FW_MSG_FLAG |
			     (((uint32_t)in->x[2] & FW_MSG_TYPE_MASK) + 1);
	} else {
		s = find_req(c->rt, in->x[3]);
	}
	if (s) {
		s->fn(&req, resp, s->arg);
	} else if (!((uint32_t)in->x[2] & FW_MSG_FLAG) || req.req2) {
		resp->x[req.req2 ? 4 : 3] = (uint32_t)FFA_NOT_SUPPORTED;
	}
	if (req.req2) {
		resp->x[0] = FFA_MSG_SEND_DIRECT_RESP2;
		resp->x[2] = 0;
		resp->x[3] = 0;
	} else {
		resp->x[0] = fid == FFA_MSG_SEND_DIRECT_REQ_32 ?
				     FFA_MSG_SEND_DIRECT_RESP_32 :
				     FFA_MSG_SEND_DIRECT_RESP_64;
		if (fid == FFA_MSG_SEND_DIRECT_REQ_32) {
			for (i = 3; i <= 7; i++) {
				resp->x[i] = (uint32_t)resp->x[i];
			}
		}
		for (i = 8; i < FFA_REG_COUNT; i++) {
			resp->x[i] = 0;
		}
	}
	resp->x[1] = (uint32_t)self << 16 | req.sender;
}

static bool is_request(uint32_t fid)
{
	return fid == FFA_MSG_SEND_DIRECT_REQ_32 ||
	       fid == FFA_MSG_SEND_DIRECT_REQ_64 ||
	       fid == FFA_MSG_SEND_DIRECT_REQ2;
}

/* FFA_RUN: let every service look at what woke us (an indirect message in
 * RX, a pending notification). */
static void run_hooks(struct sp_ctx *c, struct tzs_vcpu *v)
{
	size_t i = 0;

	for (i = 0; i < c->rt->svc_count; i++) {
		const struct tzs_sp_service *s = &c->rt->svc[i];

		if (s->run) {
			s->run(c->rt->ep, v, c->idx, s->arg);
		}
	}
}

/*
 * FFA_MSG_WAIT, retaining RX ownership (v1.2 w2 bit 0). RX belongs to the
 * partition, not to a context: a plain MSG_WAIT would release it while
 * another context is in the middle of a multi-call RX sequence under the
 * mailbox lock (a fragmented retrieve between RETRIEVE_RESP and
 * RX_RELEASE), letting the SPMC overwrite RX under it. Every RX user in
 * the runtime releases RX itself.
 */
static void park(const struct tzs_ep *ep, struct ffa_regs *in)
{
	ffa_regs_clear(in);
	in->x[0] = FFA_MSG_WAIT;
	in->x[2] =
		tzs_ep_version(ep) >= FFA_VERSION_1_2 ? MSG_WAIT_RETAIN_RX : 0;
}

static void *ctx_main(void *arg)
{
	struct sp_ctx *c = arg;
	struct tzs_vcpu *v = tzs_ep_vcpu(c->rt->ep, c->idx);
	struct ffa_regs in, out;
	unsigned int errors = 0;

	if (!v) {
		tzs_sp_print(c->rt->ep, "context %u: attach failed", c->idx);
		return NULL;
	}
	park(c->rt->ep, &in);
	while (errors < MAX_ERRORS_IN_A_ROW) {
		uint32_t fid = 0;

		if (tzs_vcpu_call(v, &in, &out)) {
			break; /* the SPMC is gone */
		}
		fid = (uint32_t)out.x[0];
		if (is_request(fid)) {
			errors = 0;
			serve(c, v, &out, &in);
			continue;
		}
		if (fid == FFA_RUN) {
			errors = 0;
			run_hooks(c, v);
		} else if (fid == FFA_ERROR) {
			tzs_sp_log(c->rt->ep, "context %u: FFA_ERROR %s",
				   c->idx,
				   ffa_error_name(ffa_regs_error_code(&out)));
			errors++;
		}
		park(c->rt->ep, &in);
	}
	tzs_sp_log(c->rt->ep, "context %u: leaving", c->idx);
	return NULL;
}

static int parse_ctl(int argc, char **argv)
{
	const char *env = getenv("TZS_CTL_FD");
	char *end = NULL;
	long fd = -1;
	int i = 0;

	for (i = 1; i + 1 < argc; i++) {
		if (!strcmp(argv[i], "--ctl")) {
			env = argv[i + 1];
		}
	}
	if (!env) {
		return -1;
	}
	fd = strtol(env, &end, 10);
	return (*end || fd < 0 || fd > 1 << 20) ? -1 : (int)fd;
}

int tzs_sp_main(int argc, char **argv, const struct tzs_sp_service *svc,
		size_t svc_count)
{
	struct sp_ctx ctx[SPMC_MAX_VCPUS];
	struct sp_rt rt = { .svc = svc, .svc_count = svc_count };
	unsigned int i = 0, n = 0;
	int fd = parse_ctl(argc, argv), rc = 0;

	if (fd < 0) {
		fprintf(stderr,
			"%s: started without --ctl FD (tzshare-spmc "
			"launches SPs)\n",
			argc ? argv[0] : "sp");
		return 2;
	}
	rc = tzs_ep_attach(fd, NULL, &rt.ep);
	if (rc) {
		fprintf(stderr, "%s: attach failed: %s\n", argv[0],
			strerror(-rc));
		return 1;
	}
	n = tzs_ep_exec_count(rt.ep);
	tzs_sp_log(rt.ep, "attached: %u contexts", n);
	memset(ctx, 0, sizeof(ctx));
	for (i = 0; i < n; i++) {
		ctx[i].rt = &rt;
		ctx[i].idx = i;
		ctx[i].started = pthread_create(&ctx[i].thread, NULL, ctx_main,
						&ctx[i]) == 0;
	}
	for (i = 0; i < n; i++) {
		if (ctx[i].started) {
			pthread_join(ctx[i].thread, NULL);
		}
	}
	tzs_ep_detach(rt.ep);
	return 0;
}
