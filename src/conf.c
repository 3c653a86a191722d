/*
 * conf: the parameters of nft-netflow (SPEC 3), their defaults, ranges and
 * INI form.  This is the only file that knows iniparser.
 *
 * Every key is described once, in conf_keytab[]: its name, its type, where
 * it lives in struct conf, its range and its help.  Parsing, printing,
 * writing the file and the error messages are all driven by that table, so
 * a key cannot be settable in one place and unknown in another.
 *
 * Every change goes into a copy of the configuration, which is copied back
 * only once every value has been accepted: a rejected file, option or live
 * change leaves the caller's configuration exactly as it was.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/un.h>

#include <iniparser/iniparser.h>

#include "conf.h"
#include "log.h"

#define CONF_SECTION	"netflow"
#define CONF_SUN_PATH	sizeof(((struct sockaddr_un *)0)->sun_path)

enum conf_type {
	T_UINT,		/* decimal, min..max */
	T_HASH,		/* 0, or decimal min..max */
	T_MARK,		/* decimal or 0x hex, 0..0xffffffff */
	T_PROTO,	/* NetFlow version: 5 for now */
	T_DEST,		/* destination list, text + parsed */
	T_AGG,		/* aggregation rules, text + parsed */
	T_CAPTURE,	/* nflog | conntrack */
	T_HOOKS,	/* comma list of hook names */
	T_PATH,		/* absolute path of a unix socket */
};

struct conf_key {
	const char *name;
	enum conf_type type;
	size_t off;		/* of the field in struct conf */
	uint32_t min, max;	/* T_UINT, T_HASH */
	const char *help;
};

#define U32(f)	offsetof(struct conf, f)

/* File order: SPEC 3's keys first, then ours. */
static const struct conf_key conf_keytab[] = {
	{ "destination", T_DEST, U32(destination), 0, 0,
	    "collectors that receive every export datagram" },
	{ "active_timeout", T_UINT, U32(active_timeout), 1, 86400,
	    "seconds after which a long-lived flow is exported and restarted" },
	{ "inactive_timeout", T_UINT, U32(inactive_timeout), 1, 86400,
	    "seconds of silence after which a flow is exported" },
	{ "maxflows", T_UINT, U32(maxflows), 0, UINT32_MAX,
	    "most flows tracked at once, 0 = unlimited; packets past the cap "
	    "are counted as dropped" },
	{ "hashsize", T_HASH, U32(hashsize), 256, 2147483648u,
	    "flow hash buckets, 0 = chosen from the memory size" },
	{ "sndbuf", T_UINT, U32(sndbuf), 0, 2147483647u,
	    "send buffer of each export socket in bytes, 0 = system default" },
	{ "aggregation", T_AGG, U32(aggregation), 0, 0,
	    "aggregation rules applied to the flow key, empty = none" },
	{ "debug", T_UINT, U32(debug), 0, 255,
	    "log verbosity, 0 = quiet" },
	{ "protocol", T_PROTO, U32(protocol), 5, 5,
	    "NetFlow export version" },
	{ "engine_type", T_UINT, U32(engine_type), 0, 255,
	    "engine_type field of every export header" },
	{ "engine_id", T_UINT, U32(engine_id), 0, 255,
	    "engine_id field of every export header" },
	{ "capture", T_CAPTURE, U32(capture), 0, 0,
	    "nflog meters every packet; conntrack uses connection events only" },
	{ "nflog_group", T_UINT, U32(nflog_group), 0, 65535,
	    "NFLOG group the nft rules send packets to" },
	{ "copy_range", T_UINT, U32(copy_range), 64, 65535,
	    "bytes of each packet copied to the daemon" },
	{ "queue_threshold", T_UINT, U32(queue_threshold), 1, 65535,
	    "packets the kernel batches into one NFLOG message" },
	{ "flush_timeout", T_UINT, U32(flush_timeout), 1, 65535,
	    "longest wait before a partial NFLOG batch is sent, in 1/100 s" },
	{ "nlbufsiz", T_UINT, U32(nlbufsiz), 4096, 131072,
	    "NFLOG kernel buffer in bytes (the kernel ignores larger values)" },
	{ "netlink_rcvbuf", T_UINT, U32(netlink_rcvbuf), 65536, 1073741824,
	    "receive buffer of the netlink sockets in bytes" },
	{ "hooks", T_HOOKS, U32(hooks), 0, 0,
	    "netfilter hooks whose packets are metered (capture = nflog)" },
	{ "natevents", T_UINT, U32(natevents), 0, 1,
	    "1 = also export NAT translation events" },
	{ "conntrack_rcvbuf", T_UINT, U32(conntrack_rcvbuf), 4096, 1073741824,
	    "initial receive buffer of the conntrack event socket in bytes" },
	{ "conntrack_rcvbuf_max", T_UINT, U32(conntrack_rcvbuf_max), 4096,
	    1073741824, "the conntrack event socket's receive buffer grows "
	    "up to this on overruns" },
	{ "conntrack_reliable", T_UINT, U32(conntrack_reliable), 0, 1,
	    "1 = reliable conntrack events: the kernel keeps a connection "
	    "until its destroy event is delivered" },
	{ "export_mark", T_MARK, U32(export_mark), 0, UINT32_MAX,
	    "mark of the export packets, which the rules never meter; "
	    "0 = no mark" },
	{ "control", T_PATH, U32(control), 0, 0,
	    "control socket of the daemon" },
};

#define CONF_NKEYS	(sizeof(conf_keytab) / sizeof(conf_keytab[0]))

static const char *const conf_keynames[CONF_NKEYS + 1] = {
	"destination", "active_timeout", "inactive_timeout", "maxflows",
	"hashsize", "sndbuf", "aggregation", "debug", "protocol",
	"engine_type", "engine_id", "capture", "nflog_group", "copy_range",
	"queue_threshold", "flush_timeout", "nlbufsiz", "netlink_rcvbuf",
	"hooks", "natevents", "conntrack_rcvbuf", "conntrack_rcvbuf_max",
	"conntrack_reliable", "export_mark", "control", NULL
};

_Static_assert(sizeof(conf_keynames) / sizeof(conf_keynames[0]) ==
    CONF_NKEYS + 1, "conf_keynames[] must list every key of conf_keytab[]");

static const struct {
	const char *name;
	uint32_t bit;
} conf_hooktab[] = {
	{ "input", HOOK_INPUT },
	{ "forward", HOOK_FORWARD },
	{ "output", HOOK_OUTPUT },
};

#define CONF_NHOOKS	(sizeof(conf_hooktab) / sizeof(conf_hooktab[0]))

static uint32_t *
conf_u32(struct conf *c, const struct conf_key *k)
{
	return (uint32_t *)(void *)((char *)c + k->off);
}

static const uint32_t *
conf_cu32(const struct conf *c, const struct conf_key *k)
{
	return (const uint32_t *)(const void *)((const char *)c + k->off);
}

static char *
conf_text(struct conf *c, const struct conf_key *k)
{
	return (char *)c + k->off;
}

static const char *
conf_ctext(const struct conf *c, const struct conf_key *k)
{
	return (const char *)c + k->off;
}

/*
 * Keys are matched without regard to case (iniparser lowercases them
 * anyway) and with '-' standing for '_', so the CLI's --active-timeout
 * spelling works on the control socket too.
 */
static const struct conf_key *
conf_find(const char *name)
{
	const char *a, *b;
	size_t i;

	for (i = 0; i < CONF_NKEYS; i++) {
		for (a = name, b = conf_keytab[i].name; *a && *b; a++, b++) {
			if (tolower((unsigned char)*a) != *b &&
			    !(*a == '-' && *b == '_'))
				break;
		}
		if (*a == '\0' && *b == '\0')
			return &conf_keytab[i];
	}
	return NULL;
}

/* "destination, active_timeout, ..." for the unknown-key messages. */
static void
conf_keylist(char *buf, size_t len)
{
	size_t i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < CONF_NKEYS && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s", i ? ", " : "",
		    conf_keytab[i].name);
}

/* What a key accepts, in the words the file comments use. */
static void
conf_allowed(const struct conf_key *k, char *buf, size_t len)
{
	switch (k->type) {
	case T_UINT:
		if (k->min == 0 && k->max == 1)
			snprintf(buf, len, "0 or 1");
		else
			snprintf(buf, len, "%u..%u", k->min, k->max);
		break;
	case T_HASH:
		snprintf(buf, len, "0 or %u..%u", k->min, k->max);
		break;
	case T_MARK:
		snprintf(buf, len, "0..0xffffffff, decimal or 0x hex");
		break;
	case T_PROTO:
		snprintf(buf, len, "5 (9 and 10 are not implemented yet)");
		break;
	case T_DEST:
		snprintf(buf, len, "host:port, [v6addr]:port or host (port %d), "
		    "separated by ',' ';' space or tab; at most %d",
		    DEST_DEFAULT_PORT, DEST_MAX);
		break;
	case T_AGG:
		snprintf(buf, len, "A.B.C.D/M=N network rules and P1-P2=Q or "
		    "P=Q port rules, comma separated");
		break;
	case T_CAPTURE:
		snprintf(buf, len, "nflog or conntrack");
		break;
	case T_HOOKS:
		snprintf(buf, len, "comma separated list of input, forward, "
		    "output");
		break;
	case T_PATH:
		snprintf(buf, len, "absolute path shorter than %zu bytes",
		    CONF_SUN_PATH);
		break;
	}
}

/* The one error format: key = "value": reason. */
static int
conf_err(char *err, size_t errlen, const struct conf_key *k, const char *v,
    const char *fmt, ...)
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
conf_parse_u32(const char *s, int hex, uint32_t *out)
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
conf_set_uint(struct conf *c, const struct conf_key *k, const char *v,
    char *err, size_t errlen)
{
	char allowed[64];
	uint32_t n;

	if (conf_parse_u32(v, 0, &n) < 0 || n < k->min || n > k->max) {
		conf_allowed(k, allowed, sizeof(allowed));
		if (k->min == 0 && k->max == 1)
			return conf_err(err, errlen, k, v, "must be %s", allowed);
		return conf_err(err, errlen, k, v, "must be an integer %s",
		    allowed);
	}
	*conf_u32(c, k) = n;
	return 0;
}

/* 0 asks for the automatic size; anything else must be a real table. */
static int
conf_set_hash(struct conf *c, const struct conf_key *k, const char *v,
    char *err, size_t errlen)
{
	uint32_t n;

	if (conf_parse_u32(v, 0, &n) < 0 || (n != 0 &&
	    (n < k->min || n > k->max)))
		return conf_err(err, errlen, k, v, "must be 0 (automatic) or "
		    "an integer %u..%u", k->min, k->max);
	*conf_u32(c, k) = n;
	return 0;
}

static int
conf_set_mark(struct conf *c, const struct conf_key *k, const char *v,
    char *err, size_t errlen)
{
	uint32_t n;

	if (conf_parse_u32(v, 1, &n) < 0)
		return conf_err(err, errlen, k, v, "must be an integer "
		    "0..4294967295, decimal or 0x hex (0 = no mark)");
	*conf_u32(c, k) = n;
	return 0;
}

static int
conf_set_proto(struct conf *c, const struct conf_key *k, const char *v,
    char *err, size_t errlen)
{
	uint32_t n;

	if (conf_parse_u32(v, 0, &n) == 0 && (n == 9 || n == 10))
		return conf_err(err, errlen, k, v, "NetFlow v9 and IPFIX (10) "
		    "are not implemented yet; must be 5");
	if (conf_parse_u32(v, 0, &n) < 0 || n != 5)
		return conf_err(err, errlen, k, v, "must be 5 (NetFlow v5)");
	*conf_u32(c, k) = n;
	return 0;
}

/*
 * An empty list is refused: the daemon would meter every packet and send
 * the result nowhere, which is never what an operator meant.
 */
static int
conf_set_dest(struct conf *c, const struct conf_key *k, const char *v,
    char *err, size_t errlen)
{
	if (v[strspn(v, ", ;\t")] == '\0')
		return conf_err(err, errlen, k, v, "must list at least one "
		    "collector (host:port, [v6addr]:port or host)");
	if (dest_parse(v, &c->dests, err, errlen) < 0)
		return -1;
	strcpy(conf_text(c, k), v);
	return 0;
}

static int
conf_set_agg(struct conf *c, const struct conf_key *k, const char *v,
    char *err, size_t errlen)
{
	if (agg_parse(v, &c->agg, err, errlen) < 0)
		return -1;
	strcpy(conf_text(c, k), v);
	return 0;
}

static int
conf_set_capture(struct conf *c, const struct conf_key *k, const char *v,
    char *err, size_t errlen)
{
	if (strcmp(v, "nflog") == 0)
		c->capture = CAPTURE_NFLOG;
	else if (strcmp(v, "conntrack") == 0)
		c->capture = CAPTURE_CONNTRACK;
	else
		return conf_err(err, errlen, k, v, "must be nflog or conntrack");
	return 0;
}

static int
conf_set_hooks(struct conf *c, const struct conf_key *k, const char *v,
    char *err, size_t errlen)
{
	const char *p = v;
	uint32_t bits = 0;
	size_t len, i;

	for (;;) {
		p += strspn(p, " \t");
		len = strcspn(p, ", \t");
		for (i = 0; i < CONF_NHOOKS; i++) {
			if (strlen(conf_hooktab[i].name) == len &&
			    strncmp(p, conf_hooktab[i].name, len) == 0)
				break;
		}
		if (i == CONF_NHOOKS)
			return conf_err(err, errlen, k, v, "must be a comma "
			    "separated list of input, forward, output");
		bits |= conf_hooktab[i].bit;
		p += len;
		p += strspn(p, " \t");
		if (*p == '\0')
			break;
		if (*p++ != ',')
			return conf_err(err, errlen, k, v, "must be a comma "
			    "separated list of input, forward, output");
	}
	*conf_u32(c, k) = bits;
	return 0;
}

/*
 * The control socket path must fit sun_path with its NUL.  Quotes and
 * control characters are refused so that the path can always be written
 * back into the INI file.
 */
static int
conf_set_path(struct conf *c, const struct conf_key *k, const char *v,
    char *err, size_t errlen)
{
	const char *p;

	for (p = v; *p; p++)
		if (*p == '"' || iscntrl((unsigned char)*p))
			break;
	if (v[0] != '/' || *p != '\0' || strlen(v) >= CONF_SUN_PATH)
		return conf_err(err, errlen, k, v, "must be an absolute path "
		    "shorter than %zu bytes", CONF_SUN_PATH);
	strcpy(conf_text(c, k), v);
	return 0;
}

/* Set one key of c; c may be left half-changed, callers work on copies. */
static int
conf_set_key(struct conf *c, const struct conf_key *k, const char *value,
    char *err, size_t errlen)
{
	char v[CONF_TEXT_MAX];
	size_t len;

	/* Blanks around a value are never part of it. */
	while (isspace((unsigned char)*value))
		value++;
	len = strlen(value);
	while (len > 0 && isspace((unsigned char)value[len - 1]))
		len--;
	if (len >= sizeof(v))
		return conf_err(err, errlen, k, "...", "value longer than %zu "
		    "bytes", sizeof(v) - 1);
	memcpy(v, value, len);
	v[len] = '\0';

	switch (k->type) {
	case T_UINT:
		return conf_set_uint(c, k, v, err, errlen);
	case T_HASH:
		return conf_set_hash(c, k, v, err, errlen);
	case T_MARK:
		return conf_set_mark(c, k, v, err, errlen);
	case T_PROTO:
		return conf_set_proto(c, k, v, err, errlen);
	case T_DEST:
		return conf_set_dest(c, k, v, err, errlen);
	case T_AGG:
		return conf_set_agg(c, k, v, err, errlen);
	case T_CAPTURE:
		return conf_set_capture(c, k, v, err, errlen);
	case T_HOOKS:
		return conf_set_hooks(c, k, v, err, errlen);
	case T_PATH:
		return conf_set_path(c, k, v, err, errlen);
	}
	return -1;
}

static void
conf_unknown_key(const char *prefix, const char *name, char *err,
    size_t errlen)
{
	char keys[400];

	conf_keylist(keys, sizeof(keys));
	snprintf(err, errlen, "%sunknown key \"%s\"; keys are: %s", prefix,
	    name, keys);
}

void
conf_defaults(struct conf *c)
{
	char err[256];

	/* Zeroed whole, padding too, so two configurations compare as bytes. */
	memset(c, 0, sizeof(*c));
	c->active_timeout = 1800;
	c->inactive_timeout = 15;
	c->maxflows = 2000000;
	c->hashsize = 0;
	c->sndbuf = 0;
	c->debug = 0;
	c->protocol = 5;
	c->engine_type = 0;
	c->engine_id = 0;
	c->capture = CAPTURE_NFLOG;
	c->nflog_group = 2055;
	c->copy_range = 128;
	c->queue_threshold = 256;
	c->flush_timeout = 10;
	c->nlbufsiz = 131072;
	c->netlink_rcvbuf = 8388608;
	c->hooks = HOOK_INPUT | HOOK_FORWARD | HOOK_OUTPUT;
	c->natevents = 0;
	c->conntrack_rcvbuf = 4194304;
	c->conntrack_rcvbuf_max = 67108864;
	c->conntrack_reliable = 0;
	c->export_mark = 0x6e66;	/* "nf" */
	snprintf(c->control, sizeof(c->control), "%s", CONF_DEFAULT_CONTROL);
	/* Numeric and well-formed: these cannot fail. */
	if (conf_set(c, "destination", "127.0.0.1:2055", err,
	    sizeof(err)) < 0)
		log_warnx("default destination: %s", err);
	if (conf_set(c, "aggregation", "", err, sizeof(err)) < 0)
		log_warnx("default aggregation: %s", err);
}

int
conf_set(struct conf *c, const char *key, const char *value, char *err,
    size_t errlen)
{
	const struct conf_key *k;
	struct conf nc;

	if ((k = conf_find(key)) == NULL) {
		conf_unknown_key("", key, err, errlen);
		return -1;
	}
	nc = *c;
	if (conf_set_key(&nc, k, value ? value : "", err, errlen) < 0)
		return -1;
	*c = nc;
	return 0;
}

int
conf_get(const struct conf *c, const char *key, char *buf, size_t len)
{
	const struct conf_key *k;
	size_t i, n;
	uint32_t bits;
	int r = 0;

	if ((k = conf_find(key)) == NULL || len == 0)
		return -1;
	switch (k->type) {
	case T_UINT:
	case T_HASH:
	case T_PROTO:
		r = snprintf(buf, len, "%u", *conf_cu32(c, k));
		break;
	case T_MARK:
		r = snprintf(buf, len, "0x%x", *conf_cu32(c, k));
		break;
	case T_DEST:
	case T_AGG:
	case T_PATH:
		r = snprintf(buf, len, "%s", conf_ctext(c, k));
		break;
	case T_CAPTURE:
		r = snprintf(buf, len, "%s",
		    c->capture == CAPTURE_CONNTRACK ? "conntrack" : "nflog");
		break;
	case T_HOOKS:
		bits = *conf_cu32(c, k);
		buf[0] = '\0';
		for (i = 0, n = 0; i < CONF_NHOOKS; i++) {
			if ((bits & conf_hooktab[i].bit) == 0)
				continue;
			r = snprintf(buf + n, len - n, "%s%s", n ? "," : "",
			    conf_hooktab[i].name);
			if (r < 0 || (size_t)r >= len - n)
				return -1;
			n += (size_t)r;
		}
		r = (int)n;
		break;
	}
	return r < 0 || (size_t)r >= len ? -1 : 0;
}

const char *const *
conf_keys(void)
{
	return conf_keynames;
}

const char *
conf_help(const char *key)
{
	const struct conf_key *k = conf_find(key);

	return k ? k->help : NULL;
}

/*
 * Text values are always double-quoted: iniparser cuts an unquoted value at
 * ';' or '#', and a destination list may well contain ';'.
 */
static int
conf_quoted(const struct conf_key *k)
{
	return k->type == T_DEST || k->type == T_AGG || k->type == T_PATH;
}

int
conf_write(const struct conf *c, FILE *f)
{
	char val[CONF_TEXT_MAX], def[CONF_TEXT_MAX], allowed[160];
	struct conf d;
	const char *q;
	size_t i;

	conf_defaults(&d);
	fprintf(f,
	    "# nft-netflow.conf: configuration of nft-netflowd(8), read at start\n"
	    "# and on SIGHUP; see nft-netflow.conf(5).  One section, [netflow],\n"
	    "# with ipt_NETFLOW's parameter names.  Put values containing ';',\n"
	    "# '#' or spaces in double quotes.\n"
	    "\n"
	    "[%s]\n", CONF_SECTION);
	for (i = 0; i < CONF_NKEYS; i++) {
		const struct conf_key *k = &conf_keytab[i];

		if (conf_get(c, k->name, val, sizeof(val)) < 0 ||
		    conf_get(&d, k->name, def, sizeof(def)) < 0)
			return -1;
		conf_allowed(k, allowed, sizeof(allowed));
		q = conf_quoted(k) ? "\"" : "";
		fprintf(f, "\n# %s\n# default %s%s%s; allowed: %s\n"
		    "%s = %s%s%s\n", k->help, q, def, q, allowed, k->name,
		    q, val, q);
	}
	fflush(f);
	return ferror(f) ? -1 : 0;
}

/*
 * iniparser reports syntax errors (with the line) through this callback;
 * without it they would go to stderr, which a daemon does not have.
 */
static int
conf_ini_error(const char *fmt, ...)
{
	char buf[512], *p;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	for (p = buf; *p; p++)
		if (*p == '\n')
			*p = ' ';
	while (p > buf && p[-1] == ' ')
		*--p = '\0';
	log_warnx("%s", buf);
	return 0;
}

/* Apply one dictionary entry: a section name or a "section:key". */
static int
conf_load_entry(struct conf *nc, const char *path, const char *name,
    const char *val, char *err, size_t errlen)
{
	const struct conf_key *k;
	const char *colon = strchr(name, ':');
	char prefix[CONF_TEXT_MAX + 8], why[512];

	snprintf(prefix, sizeof(prefix), "%s: ", path);
	if (colon == NULL) {
		if (strcmp(name, CONF_SECTION) == 0)
			return 0;
		snprintf(err, errlen, "%sunknown section [%s]; the only section "
		    "is [%s]", prefix, name, CONF_SECTION);
		return -1;
	}
	if (colon == name) {
		snprintf(err, errlen, "%skey \"%s\" is outside of the [%s] "
		    "section", prefix, colon + 1, CONF_SECTION);
		return -1;
	}
	if ((size_t)(colon - name) != strlen(CONF_SECTION) ||
	    strncmp(name, CONF_SECTION, strlen(CONF_SECTION)) != 0) {
		snprintf(err, errlen, "%sunknown section [%.*s]; the only "
		    "section is [%s]", prefix, (int)(colon - name), name,
		    CONF_SECTION);
		return -1;
	}
	if ((k = conf_find(colon + 1)) == NULL ||
	    strcmp(k->name, colon + 1) != 0) {
		conf_unknown_key(prefix, colon + 1, err, errlen);
		return -1;
	}
	if (conf_set_key(nc, k, val ? val : "", why, sizeof(why)) < 0) {
		snprintf(err, errlen, "%s%s", prefix, why);
		return -1;
	}
	return 0;
}

int
conf_load(struct conf *c, const char *path, char *err, size_t errlen)
{
	dictionary *ini;
	struct conf nc;
	FILE *f;
	ssize_t i;
	int rc = 0;

	/* iniparser only says "cannot open": find out why first. */
	if ((f = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	fclose(f);
	iniparser_set_error_callback(conf_ini_error);
	ini = iniparser_load(path);
	iniparser_set_error_callback(NULL);
	if (ini == NULL) {
		snprintf(err, errlen, "%s: not a valid INI file (the line is "
		    "in the log)", path);
		return -1;
	}

	nc = *c;
	/* The dictionary keeps file order, so the first error is reported. */
	for (i = 0; i < ini->size && rc == 0; i++) {
		if (ini->key[i] == NULL)
			continue;
		rc = conf_load_entry(&nc, path, ini->key[i], ini->val[i], err,
		    errlen);
	}
	iniparser_freedict(ini);
	if (rc < 0)
		return -1;
	*c = nc;
	return 0;
}
