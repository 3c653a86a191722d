/*
 * conf: the configuration's entry points (conf.h) and its INI file.  This
 * is the only file that knows iniparser.
 *
 * The keys are described once, in confkeys.c; their values are parsed and
 * formatted in confval.c.  This file adds the whole-configuration rules:
 * the defaults, and that every change goes into a copy of the
 * configuration, which is copied back only once every value has been
 * accepted, so a rejected file, option or live change leaves the caller's
 * configuration exactly as it was.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <iniparser/iniparser.h>

#include "conf/conf.h"
#include "conf/confkeys.h"
#include "conf/confval.h"
#include "export/export.h"
#include "util/log.h"

#define CONF_SECTION	"netflow"

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
	c->refresh_rate = 20;
	c->timeout_rate = 30;
	c->engine_type = 0;
	c->engine_id = 0;
	c->capture = CAPTURE_NFLOG;
	c->nflog_group = 2055;
	c->copy_range = 128;
	c->queue_threshold = 1024;	/* measured: see README, "queue threshold" */
	c->flush_timeout = 10;
	c->nlbufsiz = 131072;
	c->netlink_rcvbuf = 8388608;
	c->hooks = HOOK_INPUT | HOOK_FORWARD | HOOK_OUTPUT;
	c->conntrack = 0;
	c->natevents = 0;
	c->conntrack_rcvbuf = 4194304;
	c->conntrack_rcvbuf_max = 67108864;
	c->conntrack_reliable = 1;	/* nothing lost: see confkeys.c */
	c->export_mark = 0x6e66;	/* "nf" */
	c->export_queue = EXPORT_QUEUE_DEFAULT;
	c->drain_timeout = 30;
	snprintf(c->control, sizeof(c->control), "%s", CONF_DEFAULT_CONTROL);
	c->rules = RULES_NFT;
	snprintf(c->user, sizeof(c->user), "%s", CONF_DEFAULT_USER);
	c->control_group[0] = '\0';
	/* Numeric and well-formed: these cannot fail. */
	if (conf_set(c, "destination", "127.0.0.1:2055", err,
	    sizeof(err)) < 0)
		log_warnx("default destination: %s", err);
	if (conf_set(c, "aggregation", "", err, sizeof(err)) < 0)
		log_warnx("default aggregation: %s", err);
}

int
conf_uses_conntrack(const struct conf *c)
{
	return c->capture == CAPTURE_CONNTRACK || c->conntrack || c->natevents;
}

/*
 * Compared in text form, as the CLI compares a running daemon's config.
 * conntrack and natevents need a restart only when together they turn the
 * use of conntrack on or off: the daemon opens its conntrack socket at
 * start or not at all.
 */
const char *
conf_restart_changed(const struct conf *a, const struct conf *b)
{
	const struct confkeys_key *k;
	char va[CONF_TEXT_MAX], vb[CONF_TEXT_MAX];
	size_t i;

	for (i = 0; (k = confkeys_at(i)) != NULL; i++) {
		if ((k->flags & CONFKEYS_RESTART) == 0)
			continue;
		if (confval_get(a, k, va, sizeof(va)) < 0 ||
		    confval_get(b, k, vb, sizeof(vb)) < 0 ||
		    strcmp(va, vb) != 0)
			return k->name;
	}
	if (conf_uses_conntrack(a) != conf_uses_conntrack(b))
		return a->conntrack != b->conntrack ? "conntrack" : "natevents";
	return NULL;
}

int
conf_set(struct conf *c, const char *key, const char *value, char *err,
    size_t errlen)
{
	const struct confkeys_key *k;
	struct conf nc;

	if ((k = confkeys_find(key)) == NULL) {
		confkeys_unknown("", key, err, errlen);
		return -1;
	}
	nc = *c;
	if (confval_set(&nc, k, value ? value : "", err, errlen) < 0)
		return -1;
	*c = nc;
	return 0;
}

int
conf_get(const struct conf *c, const char *key, char *buf, size_t len)
{
	const struct confkeys_key *k;

	if ((k = confkeys_find(key)) == NULL)
		return -1;
	return confval_get(c, k, buf, len);
}

const char *const *
conf_keys(void)
{
	return confkeys_names();
}

const char *
conf_help(const char *key)
{
	const struct confkeys_key *k = confkeys_find(key);

	return k ? k->help : NULL;
}

/*
 * Text values are always double-quoted: iniparser cuts an unquoted value at
 * ';' or '#', and a destination list may well contain ';'.
 */
static int
conf_quoted(const struct confkeys_key *k)
{
	return k->type == T_DEST || k->type == T_AGG || k->type == T_PATH ||
	    k->type == T_SAMPLER || k->type == T_NAME;
}

int
conf_write(const struct conf *c, FILE *f)
{
	char val[CONF_TEXT_MAX], def[CONF_TEXT_MAX], allowed[160];
	const struct confkeys_key *k;
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
	for (i = 0; (k = confkeys_at(i)) != NULL; i++) {
		if (confval_get(c, k, val, sizeof(val)) < 0 ||
		    confval_get(&d, k, def, sizeof(def)) < 0)
			return -1;
		confkeys_allowed(k, allowed, sizeof(allowed));
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
/* Set when iniparser said it ran out of memory (see conf_load()). */
static __thread int ini_nomem;

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
	if (strstr(buf, "memory") != NULL)
		ini_nomem = 1;
	log_warnx("%s", buf);
	return 0;
}

/* Apply one dictionary entry: a section name or a "section:key". */
static int
conf_load_entry(struct conf *nc, const char *path, const char *name,
    const char *val, char *err, size_t errlen)
{
	const struct confkeys_key *k;
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
	if ((k = confkeys_find(colon + 1)) == NULL ||
	    strcmp(k->name, colon + 1) != 0) {
		confkeys_unknown(prefix, colon + 1, err, errlen);
		return -1;
	}
	if (confval_set(nc, k, val ? val : "", why, sizeof(why)) < 0) {
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
	errno = 0;
	ini_nomem = 0;
	ini = iniparser_load(path);
	iniparser_set_error_callback(NULL);
	/*
	 * iniparser (4.1) does not always say when it ran out of memory: it
	 * may skip the line it could not copy, or stop and return what it
	 * read so far, and a missing key would silently get its default.
	 * A failed allocation leaves errno at ENOMEM (malloc sets it, and
	 * iniparser resets nothing), so that is refused whole.
	 */
	if (errno == ENOMEM || ini_nomem) {
		if (ini != NULL)
			iniparser_freedict(ini);
		errno = ENOMEM;
		snprintf(err, errlen, "%s: cannot be read: %s", path,
		    strerror(errno));
		return -1;
	}
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
