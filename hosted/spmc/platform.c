// SPDX-License-Identifier: BSD-2-Clause
/*
 * Platform description: the text format of <tzshare/platform.h> and the
 * embedded default platform.
 */
#include <tzshare/platform.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tzshare/lib.h>

/* Echo service of tzshare-sp; chosen for tzshare (random v4 UUID). */
const uint8_t TZS_UUID_ECHO[FFA_UUID_SIZE] = { 0x7e, 0x2c, 0x4a, 0x50,
					       0x8f, 0x19, 0x4b, 0x3d,
					       0xa6, 0xe1, 0x2d, 0x5c,
					       0x0b, 0x9f, 0x6e, 0x31 };
/* virtio-msg FF-A bus, device role (architecture.md §3). */
const uint8_t TZS_UUID_VIRTIO_MSG_BUS[FFA_UUID_SIZE] = {
	0xc6, 0x60, 0x28, 0xb5, 0x24, 0x98, 0x4a, 0xa1,
	0x9d, 0xe7, 0x77, 0xda, 0x61, 0x22, 0xab, 0xf0
};

static const char default_text[] =
	"# tzshare default platform: one VM, one SP\n"
	"spmc max_mem_shares=16384\n"
	"vm 1 vcpus=2 mem=0x80000000:512M\n"
	"sp 0x8001 vcpus=2 mem=0x10000000:16M program=tzshare-sp"
	" uuid=c66028b5-2498-4aa1-9de7-77da6122abf0"
	" uuid=7e2c4a50-8f19-4b3d-a6e1-2d5c0b9f6e31\n";

#define SP_DEFAULT_PROPS                                                 \
	(FFA_PART_PROP_DIRECT_REQ_RECV | FFA_PART_PROP_DIRECT_REQ_SEND | \
	 FFA_PART_PROP_INDIRECT_MSG | FFA_PART_PROP_NOTIF_RECV |         \
	 FFA_PART_PROP_AARCH64 | FFA_PART_PROP_DIRECT_REQ2_RECV |        \
	 FFA_PART_PROP_DIRECT_REQ2_SEND)
#define VM_DEFAULT_PROPS                                              \
	(FFA_PART_PROP_DIRECT_REQ_SEND | FFA_PART_PROP_INDIRECT_MSG | \
	 FFA_PART_PROP_NOTIF_RECV | FFA_PART_PROP_AARCH64 |           \
	 FFA_PART_PROP_DIRECT_REQ2_SEND)

static const struct {
	const char *name;
	uint32_t bit;
} prop_names[] = {
	{ "req_recv", FFA_PART_PROP_DIRECT_REQ_RECV },
	{ "req_send", FFA_PART_PROP_DIRECT_REQ_SEND },
	{ "indirect", FFA_PART_PROP_INDIRECT_MSG },
	{ "notif", FFA_PART_PROP_NOTIF_RECV },
	{ "vm_created", FFA_PART_PROP_VM_CREATED },
	{ "vm_destroyed", FFA_PART_PROP_VM_DESTROYED },
	{ "aarch64", FFA_PART_PROP_AARCH64 },
	{ "req2_recv", FFA_PART_PROP_DIRECT_REQ2_RECV },
	{ "req2_send", FFA_PART_PROP_DIRECT_REQ2_SEND },
};

const char *tzs_plat_default_text(void)
{
	return default_text;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9') {
		return c - '0';
	}
	if (c >= 'a' && c <= 'f') {
		return c - 'a' + 10;
	}
	if (c >= 'A' && c <= 'F') {
		return c - 'A' + 10;
	}
	return -1;
}

int tzs_uuid_parse(const char *s, uint8_t uuid[FFA_UUID_SIZE])
{
	unsigned int i = 0, n = 0;

	for (i = 0; i < 36; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash) {
			if (s[i] != '-') {
				return -EINVAL;
			}
			continue;
		}
		if (hexval(s[i]) < 0) {
			return -EINVAL;
		}
	}
	if (s[36] != '\0') {
		return -EINVAL;
	}
	for (i = 0; i < 36; i += 2) {
		if (s[i] == '-') {
			i--;
			continue;
		}
		uuid[n++] = (uint8_t)(hexval(s[i]) << 4 | hexval(s[i + 1]));
	}
	return n == FFA_UUID_SIZE ? 0 : -EINVAL;
}

struct parser {
	unsigned int line;
	char *err;
	size_t err_len;
};

static int perr(struct parser *ps, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int perr(struct parser *ps, const char *fmt, ...)
{
	va_list ap;
	int n = 0;

	if (!ps->err || !ps->err_len) {
		return -EINVAL;
	}
	n = snprintf(ps->err, ps->err_len, "line %u: ", ps->line);
	if (n >= 0 && (size_t)n < ps->err_len) {
		va_start(ap, fmt);
		vsnprintf(ps->err + n, ps->err_len - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* A number with an optional K/M/G suffix. */
static int parse_num(const char *s, uint64_t *v)
{
	char *end = NULL;
	unsigned long long n = 0;
	uint64_t mul = 1;

	if (!*s || *s == '-') {
		return -EINVAL;
	}
	errno = 0;
	n = strtoull(s, &end, 0);
	if (errno || end == s) {
		return -EINVAL;
	}
	if (*end == 'K' || *end == 'k') {
		mul = 1ull << 10;
		end++;
	} else if (*end == 'M' || *end == 'm') {
		mul = 1ull << 20;
		end++;
	} else if (*end == 'G' || *end == 'g') {
		mul = 1ull << 30;
		end++;
	}
	if (*end) {
		return -EINVAL;
	}
	return ovf_mul(n, mul, v) ? -EINVAL : 0;
}

static int parse_props(struct parser *ps, char *s, uint32_t *props)
{
	uint64_t n = 0;
	char *tok = NULL, *save = NULL;

	if (parse_num(s, &n) == 0) {
		if (n & FFA_PART_PROP_MBZ_MASK) {
			return perr(ps, "props 0x%llx sets MBZ bits",
				    (unsigned long long)n);
		}
		*props = (uint32_t)n;
		return 0;
	}
	*props = 0;
	for (tok = strtok_r(s, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		size_t i = 0;

		for (i = 0; i < TZS_ARRAY_SIZE(prop_names); i++) {
			if (!strcmp(tok, prop_names[i].name)) {
				break;
			}
		}
		if (i == TZS_ARRAY_SIZE(prop_names)) {
			return perr(ps, "unknown property '%s'", tok);
		}
		*props |= prop_names[i].bit;
	}
	return 0;
}

static int parse_u32(struct parser *ps, const char *key, const char *val,
		     uint32_t *out)
{
	uint64_t n = 0;

	if (parse_num(val, &n) || n > UINT32_MAX) {
		return perr(ps, "bad %s '%s'", key, val);
	}
	*out = (uint32_t)n;
	return 0;
}

static int parse_spmc_field(struct parser *ps, struct spmc_config *cfg,
			    char *key, char *val)
{
	if (!strcmp(key, "max_mem_shares")) {
		return parse_u32(ps, key, val, &cfg->max_mem_shares);
	}
	if (!strcmp(key, "max_fragments")) {
		return parse_u32(ps, key, val, &cfg->max_fragments);
	}
	if (!strcmp(key, "max_borrowers")) {
		return parse_u32(ps, key, val, &cfg->max_borrowers);
	}
	if (!strcmp(key, "rxtx_max_pages")) {
		return parse_u32(ps, key, val, &cfg->rxtx_max_pages);
	}
	return perr(ps, "unknown spmc field '%s'", key);
}

static int parse_mem(struct parser *ps, char *val, struct tzs_plat_part *p)
{
	char *colon = strchr(val, ':');

	if (!colon) {
		return perr(ps, "mem wants <base>:<size>");
	}
	*colon = '\0';
	if (parse_num(val, &p->mem_base) ||
	    parse_num(colon + 1, &p->mem_size)) {
		return perr(ps, "bad mem '%s:%s'", val, colon + 1);
	}
	if ((p->mem_base | p->mem_size) & (TZS_PAGE_SIZE - 1) || !p->mem_size ||
	    !tzs_range_ok(p->mem_base, p->mem_size, UINT64_MAX)) {
		return perr(ps, "mem must be non-empty and 4K aligned");
	}
	return 0;
}

static int parse_part_field(struct parser *ps, struct tzs_plat_part *p,
			    char *key, char *val)
{
	uint32_t n = 0;

	if (!strcmp(key, "vcpus")) {
		if (parse_u32(ps, key, val, &n)) {
			return -EINVAL;
		}
		if (n == 0 || n > SPMC_MAX_VCPUS) {
			return perr(ps, "vcpus must be 1..%u", SPMC_MAX_VCPUS);
		}
		p->exec_count = (uint16_t)n;
		return 0;
	}
	if (!strcmp(key, "mem")) {
		return parse_mem(ps, val, p);
	}
	if (!strcmp(key, "props")) {
		return parse_props(ps, val, &p->props);
	}
	if (!strcmp(key, "uuid")) {
		if (p->uuid_count == SPMC_MAX_UUIDS) {
			return perr(ps, "at most %u uuids", SPMC_MAX_UUIDS);
		}
		if (tzs_uuid_parse(val, p->uuids[p->uuid_count])) {
			return perr(ps, "bad uuid '%s'", val);
		}
		p->uuid_count++;
		return 0;
	}
	if (!strcmp(key, "program") && p->is_sp) {
		if (!*val || strchr(val, '/') ||
		    strlen(val) >= sizeof(p->program)) {
			return perr(ps, "bad program name '%s'", val);
		}
		strcpy(p->program, val);
		return 0;
	}
	return perr(ps, "unknown field '%s'", key);
}

static int check_part(struct parser *ps, const struct tzs_plat *plat,
		      const struct tzs_plat_part *p)
{
	uint32_t i = 0;

	if (p->is_sp != FFA_ID_IS_SECURE(p->id)) {
		return perr(ps, "ID 0x%x: SP IDs have bit 15 set, VM IDs not",
			    p->id);
	}
	if (p->id == FFA_SPMC_ID) {
		return perr(ps, "ID 0x8000 is the SPMC's");
	}
	if (!p->exec_count || !p->mem_size) {
		return perr(ps, "vcpus= and mem= are required");
	}
	if (p->is_sp && !p->program[0]) {
		return perr(ps, "an SP needs program=");
	}
	/* Room for a mailbox of rxtx_max_pages below the top, and more. */
	if (p->mem_size < 64 * TZS_PAGE_SIZE) {
		return perr(ps, "mem must be at least 256K");
	}
	for (i = 0; i < plat->part_count; i++) {
		const struct tzs_plat_part *q = &plat->parts[i];

		if (q->id == p->id) {
			return perr(ps, "duplicate ID 0x%x", p->id);
		}
		if (p->mem_base < q->mem_base + q->mem_size &&
		    q->mem_base < p->mem_base + p->mem_size) {
			return perr(ps, "mem overlaps partition 0x%x", q->id);
		}
	}
	return 0;
}

static int parse_line(struct parser *ps, char *line, struct tzs_plat *plat)
{
	char *save = NULL, *kind = NULL, *tok = NULL;
	struct tzs_plat_part p;
	uint64_t id = 0;
	int rc = 0;

	kind = strtok_r(line, " \t\r", &save);
	if (!kind) {
		return 0;
	}
	if (!strcmp(kind, "spmc")) {
		while ((tok = strtok_r(NULL, " \t\r", &save))) {
			char *eq = strchr(tok, '=');

			if (!eq) {
				return perr(ps, "expected key=value: '%s'",
					    tok);
			}
			*eq = '\0';
			rc = parse_spmc_field(ps, &plat->cfg, tok, eq + 1);
			if (rc) {
				return rc;
			}
		}
		return 0;
	}
	if (strcmp(kind, "vm") && strcmp(kind, "sp")) {
		return perr(ps, "unknown item '%s'", kind);
	}
	if (plat->part_count == TZS_PLAT_MAX_PARTS) {
		return perr(ps, "at most %u partitions", TZS_PLAT_MAX_PARTS);
	}
	memset(&p, 0, sizeof(p));
	p.is_sp = kind[0] == 's';
	p.props = p.is_sp ? SP_DEFAULT_PROPS : VM_DEFAULT_PROPS;
	tok = strtok_r(NULL, " \t\r", &save);
	if (!tok || parse_num(tok, &id) || id > 0xFFFF) {
		return perr(ps, "expected a partition ID");
	}
	p.id = (uint16_t)id;
	while ((tok = strtok_r(NULL, " \t\r", &save))) {
		char *eq = strchr(tok, '=');

		if (!eq) {
			return perr(ps, "expected key=value: '%s'", tok);
		}
		*eq = '\0';
		rc = parse_part_field(ps, &p, tok, eq + 1);
		if (rc) {
			return rc;
		}
	}
	rc = check_part(ps, plat, &p);
	if (rc) {
		return rc;
	}
	plat->parts[plat->part_count++] = p;
	return 0;
}

int tzs_plat_parse(const char *text, struct tzs_plat *out, char *err,
		   size_t err_len)
{
	struct parser ps = { .line = 0, .err = err, .err_len = err_len };
	char *copy = strdup(text), *line = NULL, *save = NULL;
	int rc = 0;

	if (!copy) {
		return -ENOMEM;
	}
	memset(out, 0, sizeof(*out));
	if (err && err_len) {
		err[0] = '\0';
	}
	/* strtok_r would skip empty lines; count them for messages. */
	for (line = copy; line && !rc; line = save) {
		char *hash = NULL;

		save = strchr(line, '\n');
		if (save) {
			*save++ = '\0';
		}
		ps.line++;
		hash = strchr(line, '#');
		if (hash) {
			*hash = '\0';
		}
		rc = parse_line(&ps, line, out);
	}
	if (!rc && out->part_count == 0) {
		ps.line = 0;
		rc = perr(&ps, "no partitions");
	}
	free(copy);
	return rc;
}

const struct tzs_plat_part *tzs_plat_find(const struct tzs_plat *plat,
					  uint16_t id)
{
	uint32_t i = 0;

	for (i = 0; i < plat->part_count; i++) {
		if (plat->parts[i].id == id) {
			return &plat->parts[i];
		}
	}
	return NULL;
}
