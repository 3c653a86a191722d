/*
 * confval: parse, validate and format configuration values.  See
 * confval.h; the keys and their ranges are in confkeys.c.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "conf/confval.h"

static const struct {
	const char *name;
	uint32_t bit;
} confval_hooktab[] = {
	{ "input", HOOK_INPUT },
	{ "forward", HOOK_FORWARD },
	{ "output", HOOK_OUTPUT },
};

#define CONFVAL_NHOOKS	(sizeof(confval_hooktab) / sizeof(confval_hooktab[0]))

static const char *const confval_samplers[] = {
	[SAMPLER_OFF] = "",
	[SAMPLER_DETERMINISTIC] = "deterministic",
	[SAMPLER_RANDOM] = "random",
	[SAMPLER_HASH] = "hash",
};

#define CONFVAL_NSAMPLERS \
	(sizeof(confval_samplers) / sizeof(confval_samplers[0]))

const char *
conf_sampler_name(enum sampler_mode m)
{
	return (size_t)m < CONFVAL_NSAMPLERS ? confval_samplers[m] : "";
}

static uint32_t *
confval_u32(struct conf *c, const struct confkeys_key *k)
{
	return (uint32_t *)(void *)((char *)c + k->off);
}

static const uint32_t *
confval_cu32(const struct conf *c, const struct confkeys_key *k)
{
	return (const uint32_t *)(const void *)((const char *)c + k->off);
}

static char *
confval_text(struct conf *c, const struct confkeys_key *k)
{
	return (char *)c + k->off;
}

static const char *
confval_ctext(const struct conf *c, const struct confkeys_key *k)
{
	return (const char *)c + k->off;
}

/* The one error format: key = "value": reason. */
static int
confval_err(char *err, size_t errlen, const struct confkeys_key *k,
    const char *v, const char *fmt, ...)
{
	char why[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	snprintf(err, errlen, "%s = \"%s\": %s", k->name, v, why);
	return -1;
}

/*
 * Strict unsigned decimal: digits only, no sign, no blanks, no junk, and
 * nothing that would overflow 32 bits.  With hex, "0x" or "0X" may start a
 * hexadecimal number instead.
 */
static int
confval_parse_u32(const char *s, int hex, uint32_t *out)
{
	unsigned base = 10, d;
	uint64_t v = 0;

	if (hex && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (*s == '\0')
		return -1;
	for (; *s; s++) {
		if (*s >= '0' && *s <= '9')
			d = (unsigned)(*s - '0');
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = (unsigned)(*s - 'a' + 10);
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = (unsigned)(*s - 'A' + 10);
		else
			return -1;
		v = v * base + d;
		if (v > UINT32_MAX)
			return -1;
	}
	*out = (uint32_t)v;
	return 0;
}

static int
confval_uint(struct conf *c, const struct confkeys_key *k, const char *v,
    char *err, size_t errlen)
{
	char allowed[64];
	uint32_t n;

	if (confval_parse_u32(v, 0, &n) < 0 || n < k->min || n > k->max) {
		confkeys_allowed(k, allowed, sizeof(allowed));
		if (k->min == 0 && k->max == 1)
			return confval_err(err, errlen, k, v, "must be %s",
			    allowed);
		return confval_err(err, errlen, k, v, "must be an integer %s",
		    allowed);
	}
	*confval_u32(c, k) = n;
	return 0;
}

/* 0 asks for the automatic size; anything else must be a real table. */
static int
confval_hash(struct conf *c, const struct confkeys_key *k, const char *v,
    char *err, size_t errlen)
{
	uint32_t n;

	if (confval_parse_u32(v, 0, &n) < 0 || (n != 0 &&
	    (n < k->min || n > k->max)))
		return confval_err(err, errlen, k, v, "must be 0 (automatic) "
		    "or an integer %u..%u", k->min, k->max);
	*confval_u32(c, k) = n;
	return 0;
}

static int
confval_mark(struct conf *c, const struct confkeys_key *k, const char *v,
    char *err, size_t errlen)
{
	uint32_t n;

	if (confval_parse_u32(v, 1, &n) < 0)
		return confval_err(err, errlen, k, v, "must be an integer "
		    "0..4294967295, decimal or 0x hex (0 = no mark)");
	*confval_u32(c, k) = n;
	return 0;
}

static int
confval_proto(struct conf *c, const struct confkeys_key *k, const char *v,
    char *err, size_t errlen)
{
	uint32_t n;
	int bad = confval_parse_u32(v, 0, &n) < 0;

	if (bad || (n != 5 && n != 9 && n != 10))
		return confval_err(err, errlen, k, v, "must be 5 (NetFlow v5), "
		    "9 (NetFlow v9) or 10 (IPFIX)");
	*confval_u32(c, k) = n;
	return 0;
}

/*
 * An empty list is refused: the daemon would meter every packet and send
 * the result nowhere, which is never what an operator meant.
 */
static int
confval_dest(struct conf *c, const struct confkeys_key *k, const char *v,
    char *err, size_t errlen)
{
	if (v[strspn(v, ", ;\t")] == '\0')
		return confval_err(err, errlen, k, v, "must list at least one "
		    "collector (host:port, [v6addr]:port or host)");
	if (dest_parse(v, &c->dests, err, errlen) < 0)
		return -1;
	strcpy(confval_text(c, k), v);
	return 0;
}

static int
confval_agg(struct conf *c, const struct confkeys_key *k, const char *v,
    char *err, size_t errlen)
{
	if (agg_parse(v, &c->agg, err, errlen) < 0)
		return -1;
	strcpy(confval_text(c, k), v);
	return 0;
}

static int
confval_capture(struct conf *c, const struct confkeys_key *k, const char *v,
    char *err, size_t errlen)
{
	if (strcmp(v, conf_capture_name(CAPTURE_NFLOG)) == 0)
		c->capture = CAPTURE_NFLOG;
	else if (strcmp(v, conf_capture_name(CAPTURE_CONNTRACK)) == 0)
		c->capture = CAPTURE_CONNTRACK;
	else
		return confval_err(err, errlen, k, v, "must be %s or %s",
		    conf_capture_name(CAPTURE_NFLOG),
		    conf_capture_name(CAPTURE_CONNTRACK));
	return 0;
}

static int
confval_hooks(struct conf *c, const struct confkeys_key *k, const char *v,
    char *err, size_t errlen)
{
	const char *p = v;
	uint32_t bits = 0;
	size_t len, i;

	for (;;) {
		p += strspn(p, " \t");
		len = strcspn(p, ", \t");
		for (i = 0; i < CONFVAL_NHOOKS; i++) {
			if (strlen(confval_hooktab[i].name) == len &&
			    strncmp(p, confval_hooktab[i].name, len) == 0)
				break;
		}
		if (i == CONFVAL_NHOOKS)
			goto bad;
		bits |= confval_hooktab[i].bit;
		p += len;
		p += strspn(p, " \t");
		if (*p == '\0')
			break;
		if (*p++ != ',')
			goto bad;
	}
	*confval_u32(c, k) = bits;
	return 0;
bad:
	return confval_err(err, errlen, k, v, "must be a comma separated "
	    "list of input, forward, output");
}

/*
 * The control socket path must fit sun_path with its NUL.  Quotes and
 * control characters are refused so that the path can always be written
 * back into the INI file.
 */
static int
confval_path(struct conf *c, const struct confkeys_key *k, const char *v,
    char *err, size_t errlen)
{
	const char *p;

	for (p = v; *p; p++)
		if (*p == '"' || iscntrl((unsigned char)*p))
			break;
	if (v[0] != '/' || *p != '\0' || strlen(v) >= CONF_SUN_PATH)
		return confval_err(err, errlen, k, v, "must be an absolute "
		    "path shorter than %zu bytes", CONF_SUN_PATH);
	strcpy(confval_text(c, k), v);
	return 0;
}

static int
confval_rules(struct conf *c, const struct confkeys_key *k, const char *v,
    char *err, size_t errlen)
{
	if (strcmp(v, "nft") == 0)
		c->rules = RULES_NFT;
	else if (strcmp(v, "iptables") == 0)
		c->rules = RULES_IPTABLES;
	else
		return confval_err(err, errlen, k, v,
		    "must be nft or iptables");
	return 0;
}

static int
confval_onoff(struct conf *c, const struct confkeys_key *k, const char *v,
    char *err, size_t errlen)
{
	if (strcmp(v, "on") == 0)
		*confval_u32(c, k) = 1;
	else if (strcmp(v, "off") == 0)
		*confval_u32(c, k) = 0;
	else
		return confval_err(err, errlen, k, v, "must be on or off");
	return 0;
}

/*
 * "" turns sampling off; otherwise MODE:N as ipt_NETFLOW spells it.  The
 * mode is matched exactly (lower case, no blanks around the colon), so
 * what the file says is what "show" prints back.
 */
static int
confval_sampler(struct conf *c, const struct confkeys_key *k, const char *v,
    char *err, size_t errlen)
{
	const char *colon = strchr(v, ':');
	size_t i, len;
	uint32_t n;

	if (*v == '\0') {
		c->sampler.mode = SAMPLER_OFF;
		c->sampler.n = 0;
		return 0;
	}
	len = colon ? (size_t)(colon - v) : 0;
	for (i = 1; i < CONFVAL_NSAMPLERS; i++)
		if (strlen(confval_samplers[i]) == len &&
		    strncmp(v, confval_samplers[i], len) == 0)
			break;
	if (i == CONFVAL_NSAMPLERS || confval_parse_u32(colon + 1, 0, &n) < 0 ||
	    n < k->min || n > k->max)
		return confval_err(err, errlen, k, v, "must be empty (no "
		    "sampling) or deterministic:N, random:N or hash:N with N "
		    "an integer %u..%u", k->min, k->max);
	c->sampler.mode = (enum sampler_mode)i;
	c->sampler.n = n;
	return 0;
}

/*
 * A user or group name as useradd(8) accepts it: letters, digits, '.',
 * '_' and '-', not starting with '-'.  Whether it exists is the daemon's
 * question, at start.
 */
static int
confval_name(struct conf *c, const struct confkeys_key *k, const char *v,
    char *err, size_t errlen)
{
	size_t n = strlen(v);

	if ((n == 0 && k->min > 0) || n > CONF_NAME_MAX || v[0] == '-' ||
	    strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789._-") != n)
		return confval_err(err, errlen, k, v, "must be a %s name: up "
		    "to %d letters, digits, '.', '_' or '-', not starting "
		    "with '-'%s", strcmp(k->name, "user") == 0 ? "user" :
		    "group", CONF_NAME_MAX, k->min ? "" : ", or empty");
	strcpy(confval_text(c, k), v);
	return 0;
}

typedef int confval_setter(struct conf *, const struct confkeys_key *,
    const char *, char *, size_t);

static confval_setter *const confval_setters[] = {
	[T_UINT] = confval_uint,
	[T_HASH] = confval_hash,
	[T_MARK] = confval_mark,
	[T_PROTO] = confval_proto,
	[T_DEST] = confval_dest,
	[T_AGG] = confval_agg,
	[T_CAPTURE] = confval_capture,
	[T_HOOKS] = confval_hooks,
	[T_PATH] = confval_path,
	[T_RULES] = confval_rules,
	[T_ONOFF] = confval_onoff,
	[T_SAMPLER] = confval_sampler,
	[T_NAME] = confval_name,
};

_Static_assert(sizeof(confval_setters) / sizeof(confval_setters[0]) ==
    T_NAME + 1, "confval_setters[] must cover every key type");

int
confval_set(struct conf *c, const struct confkeys_key *k, const char *value,
    char *err, size_t errlen)
{
	char v[CONF_TEXT_MAX];
	size_t len, i;

	/* Blanks around a value are never part of it. */
	while (isspace((unsigned char)*value))
		value++;
	len = strlen(value);
	while (len > 0 && isspace((unsigned char)value[len - 1]))
		len--;
	if (len >= sizeof(v))
		return confval_err(err, errlen, k, "...", "value longer than "
		    "%zu bytes", sizeof(v) - 1);
	memcpy(v, value, len);
	v[len] = '\0';
	/*
	 * A value is one line of the file; a control character in it (a
	 * blank excepted: lists may be separated by tabs) would break the
	 * line it is written to and the message that names it.
	 */
	for (i = 0; i < len; i++)
		if (iscntrl((unsigned char)v[i]) && v[i] != '\t')
			return confval_err(err, errlen, k, "...", "control "
			    "character (byte 0x%02x) in the value: only "
			    "printable text is allowed", (unsigned char)v[i]);
	return confval_setters[k->type](c, k, v, err, errlen);
}

int
confval_get(const struct conf *c, const struct confkeys_key *k, char *buf,
    size_t len)
{
	size_t i, n;
	uint32_t bits;
	int r = 0;

	if (len == 0)
		return -1;
	switch (k->type) {
	case T_UINT:
	case T_HASH:
	case T_PROTO:
		r = snprintf(buf, len, "%u", *confval_cu32(c, k));
		break;
	case T_MARK:
		r = snprintf(buf, len, "0x%x", *confval_cu32(c, k));
		break;
	case T_DEST:
	case T_AGG:
	case T_PATH:
	case T_NAME:
		r = snprintf(buf, len, "%s", confval_ctext(c, k));
		break;
	case T_CAPTURE:
		r = snprintf(buf, len, "%s", conf_capture_name(c->capture));
		break;
	case T_RULES:
		r = snprintf(buf, len, "%s",
		    c->rules == RULES_IPTABLES ? "iptables" : "nft");
		break;
	case T_ONOFF:
		r = snprintf(buf, len, "%s", *confval_cu32(c, k) ? "on" : "off");
		break;
	case T_SAMPLER:
		if (c->sampler.mode == SAMPLER_OFF)
			r = snprintf(buf, len, "%s", "");
		else
			r = snprintf(buf, len, "%s:%u",
			    conf_sampler_name(c->sampler.mode), c->sampler.n);
		break;
	case T_HOOKS:
		bits = *confval_cu32(c, k);
		buf[0] = '\0';
		for (i = 0, n = 0; i < CONFVAL_NHOOKS; i++) {
			if ((bits & confval_hooktab[i].bit) == 0)
				continue;
			r = snprintf(buf + n, len - n, "%s%s", n ? "," : "",
			    confval_hooktab[i].name);
			if (r < 0 || (size_t)r >= len - n)
				return -1;
			n += (size_t)r;
		}
		r = (int)n;
		break;
	}
	return r < 0 || (size_t)r >= len ? -1 : 0;
}
