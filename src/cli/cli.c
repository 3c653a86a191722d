/*
 * cli: nft-netflow, the ipt_netflow-compatible command line.  See cli.h.
 *
 * The parser validates every value through conf_set(), so the command line
 * accepts exactly what the config file accepts.  This file parses and
 * dispatches; the modes are in clisetup.c (install, enable, disable,
 * remove) and clishow.c (show, status, flows), the daemon's control in
 * svc.c, the config file's edits in cliconf.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/cli.h"
#include "cli/clictx.h"
#include "cli/clisetup.h"
#include "cli/clishow.h"
#include "conf/iptmig.h"
#include "util/log.h"

/* ---- options ----------------------------------------------------------- */

enum opt_kind { OPT_MODE, OPT_PARAM, OPT_BOOL, OPT_CONFIG, OPT_KV, OPT_FROM,
	OPT_FORMAT, OPT_OUTPUT };
enum bool_id { B_HELP, B_HELP_LONG, B_VERBOSE, B_VERSION, B_JSON };

struct opt {
	char		 sname;		/* short name, 0 if none */
	const char	*lname;
	enum opt_kind	 kind;
	const char	*key;		/* OPT_PARAM: its conf key */
	enum bool_id	 flag;		/* OPT_BOOL */
	const char	*arg;
	const char	*help;
};

static const struct opt opts[] = {
	{ 'm', "mode", OPT_MODE, NULL, 0, "MODE",
	  "show status install enable disable remove flows" },
	{ 'd', "destination", OPT_PARAM, "destination", 0, "LIST",
	  "collectors host:port,... (127.0.0.1:2055)" },
	{ 0, "active-timeout", OPT_PARAM, "active_timeout", 0, "N",
	  "export flows older than N s, 1..86400 (1800)" },
	{ 0, "inactive-timeout", OPT_PARAM, "inactive_timeout", 0, "N",
	  "export flows idle for N s, 1..86400 (15)" },
	{ 0, "debug", OPT_PARAM, "debug", 0, "N",
	  "log verbosity, 0..255 (0)" },
	{ 0, "hashsize", OPT_PARAM, "hashsize", 0, "N",
	  "hash buckets, 0 = auto or >= 256 (0)" },
	{ 0, "sndbuf", OPT_PARAM, "sndbuf", 0, "N",
	  "export socket buffer, bytes, 0 = default (0)" },
	{ 0, "maxflows", OPT_PARAM, "maxflows", 0, "N",
	  "most flows tracked, 0 = unlimited (2000000)" },
	{ 0, "aggregation", OPT_PARAM, "aggregation", 0, "RULES",
	  "A.B.C.D/M=N,P1-P2=Q,... (none)" },
	{ 0, "sampler", OPT_PARAM, "sampler", 0, "MODE:N",
	  "deterministic|random|hash:N, N 2..16383 (off)" },
	{ 'h', "help", OPT_BOOL, NULL, B_HELP, "[true|false]",
	  "print this help and exit" },
	{ 'H', "help-long", OPT_BOOL, NULL, B_HELP_LONG, "[true|false]",
	  "show nft-netflow(8) (TEXTBROWSER or man)" },
	{ 'v', "verbose", OPT_BOOL, NULL, B_VERBOSE, "[true|false]",
	  "say what is done (modes are silent otherwise)" },
	{ 0, "version", OPT_BOOL, NULL, B_VERSION, "[true|false]",
	  "print the version and exit" },
	{ 'c', "config", OPT_CONFIG, NULL, 0, "FILE",
	  "config file (/etc/nft-netflow/...)" },
	{ 0, "capture", OPT_PARAM, "capture", 0, "nflog|conntrack",
	  "per packet (default) or connection events" },
	{ 0, "rules", OPT_PARAM, "rules", 0, "nft|iptables",
	  "nft table (default) or ip(6)tables chain NETFLOW" },
	{ 0, "protocol", OPT_PARAM, "protocol", 0, "5|9|10",
	  "export NetFlow v5, v9 or IPFIX (5)" },
	{ 0, "json", OPT_BOOL, NULL, B_JSON, "[true|false]",
	  "show and flows print JSON" },
	{ 0, "format", OPT_FORMAT, NULL, 0, "text|json|prometheus",
	  "output of show (prometheus: metrics only)" },
	{ 0, "output", OPT_OUTPUT, NULL, 0, "FILE",
	  "prometheus: replace FILE atomically" },
	{ 'o', "option", OPT_KV, NULL, 0, "KEY=VALUE",
	  "any key of nft-netflow.conf(5)" },
	{ 0, "from-ipt-netflow", OPT_FROM, NULL, 0, "[FILE]",
	  "take ipt_NETFLOW's options (modprobe.d, sysctl)" },
};
#define NOPTS	(sizeof(opts) / sizeof(opts[0]))

static const char *const mode_names[] = {
	[CLI_SHOW] = "show", [CLI_STATUS] = "status",
	[CLI_INSTALL] = "install", [CLI_ENABLE] = "enable",
	[CLI_DISABLE] = "disable", [CLI_REMOVE] = "remove",
	[CLI_FLOWS] = "flows",
};
#define NMODES	(sizeof(mode_names) / sizeof(mode_names[0]))

const char *
cli_mode_name(enum cli_mode m)
{
	return (size_t)m < NMODES ? mode_names[m] : "?";
}

void
cli_usage(FILE *f)
{
	char left[64];
	size_t i;

	fprintf(f, "nft-netflow %s: make this host a NetFlow v5/v9 or IPFIX "
	    "source with nftables or\niptables rules (NFLOG, conntrack), no "
	    "kernel module\n", NFN_VERSION);
	for (i = 0; i < NOPTS; i++) {
		if (opts[i].sname)
			snprintf(left, sizeof(left), "-%c, --%s %s",
			    opts[i].sname, opts[i].lname, opts[i].arg);
		else
			snprintf(left, sizeof(left), "    --%s %s",
			    opts[i].lname, opts[i].arg);
		fprintf(f, "  %-29s %s\n", left, opts[i].help);
	}
}

static const struct opt *
opt_long(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < NOPTS; i++)
		if (strlen(opts[i].lname) == len &&
		    strncmp(opts[i].lname, name, len) == 0)
			return &opts[i];
	return NULL;
}

static const struct opt *
opt_short(char c)
{
	size_t i;

	for (i = 0; i < NOPTS; i++)
		if (opts[i].sname && opts[i].sname == c)
			return &opts[i];
	return NULL;
}

/* true/false, and the usual spellings of them. */
static int
parse_bool(const char *s, int *v)
{
	static const char *const yes[] = { "true", "yes", "on", "1" };
	static const char *const no[] = { "false", "no", "off", "0" };
	size_t i;

	for (i = 0; i < 4; i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*v = 1;
			return 0;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*v = 0;
			return 0;
		}
	}
	return -1;
}

static int
parse_mode(const char *s, enum cli_mode *m)
{
	size_t i;

	for (i = 0; i < NMODES; i++)
		if (strcmp(s, mode_names[i]) == 0) {
			*m = (enum cli_mode)i;
			return 0;
		}
	return -1;
}

static int
add_set(struct cli *o, const char *key, size_t keylen, const char *opt,
    const char *value, char *err, size_t errlen)
{
	struct cli_set *s;

	if (o->nset == CLI_SET_MAX) {
		snprintf(err, errlen, "%s: too many parameters (at most %d)",
		    opt, CLI_SET_MAX);
		return -1;
	}
	if (keylen == 0 || keylen >= CLI_KEY_MAX) {
		snprintf(err, errlen, "%s: \"%s\" is not KEY=VALUE with a key "
		    "of nft-netflow.conf(5)", opt, value);
		return -1;
	}
	s = &o->set[o->nset++];
	memcpy(s->key, key, keylen);
	s->key[keylen] = '\0';
	s->opt = opt;
	s->value = value;
	return 0;
}

/* One option with its value (NULL for a boolean given alone). */
static int
apply_opt(struct cli *o, const struct opt *op, const char *as, const char *val,
    char *err, size_t errlen)
{
	int *flags[] = { &o->help, &o->help_long, &o->verbose, &o->version,
	    &o->json };
	const char *eq;
	int b;

	switch (op->kind) {
	case OPT_MODE:
		if (parse_mode(val, &o->mode) < 0) {
			snprintf(err, errlen, "%s: unknown mode \"%s\" "
			    "(allowed: show, status, install, enable, disable, "
			    "remove, flows)", as, val);
			return -1;
		}
		return 0;
	case OPT_CONFIG:
	case OPT_OUTPUT:
		if (*val == '\0') {
			snprintf(err, errlen, "%s: empty file name", as);
			return -1;
		}
		if (op->kind == OPT_CONFIG)
			o->config = val;
		else
			o->output = val;
		return 0;
	case OPT_BOOL:
		b = 1;
		if (val && parse_bool(val, &b) < 0) {
			snprintf(err, errlen, "%s: \"%s\" is not a boolean "
			    "(allowed: true, false)", as, val);
			return -1;
		}
		*flags[op->flag] = b;
		if (op->flag == B_JSON)
			o->prometheus = 0;	/* --json is --format json */
		return 0;
	case OPT_FORMAT:
		if (strcmp(val, "text") != 0 && strcmp(val, "json") != 0 &&
		    strcmp(val, "prometheus") != 0) {
			snprintf(err, errlen, "%s: unknown format \"%s\" "
			    "(allowed: text, json, prometheus)", as, val);
			return -1;
		}
		o->json = strcmp(val, "json") == 0;
		o->prometheus = strcmp(val, "prometheus") == 0;
		return 0;
	case OPT_PARAM:
		return add_set(o, op->key, strlen(op->key), as, val, err,
		    errlen);
	case OPT_FROM:
		o->from_ipt = val;
		return 0;
	case OPT_KV:
		if ((eq = strchr(val, '=')) == NULL || eq == val) {
			snprintf(err, errlen, "%s: \"%s\" is not KEY=VALUE "
			    "with a key of nft-netflow.conf(5)", as, val);
			return -1;
		}
		return add_set(o, val, (size_t)(eq - val), as, eq + 1, err,
		    errlen);
	}
	return -1;
}

/*
 * Each parameter goes through conf_set() on a scratch configuration, in
 * order, so a bad one is reported with the file's own rules and message
 * before anything is touched.
 */
static int
validate(const struct cli *o, char *err, size_t errlen)
{
	struct conf *c;
	int r;

	if ((c = malloc(sizeof(*c))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	conf_defaults(c);
	r = cli_apply(o, c, err, errlen);
	free(c);
	if (r == 0 && o->from_ipt && o->mode != CLI_INSTALL &&
	    o->mode != CLI_ENABLE) {
		snprintf(err, errlen, "--from-ipt-netflow is only used with "
		    "--mode install or --mode enable (mode is %s)",
		    cli_mode_name(o->mode));
		r = -1;
	}
	if (r == 0 && o->nset > 0 && o->mode != CLI_INSTALL &&
	    o->mode != CLI_ENABLE && !o->help && !o->version &&
	    !o->help_long) {
		snprintf(err, errlen, "%s: parameters are only used with "
		    "--mode install or --mode enable (mode is %s)",
		    o->set[0].opt, cli_mode_name(o->mode));
		r = -1;
	}
	if (r == 0 && o->prometheus && o->mode != CLI_SHOW) {
		snprintf(err, errlen, "--format prometheus: only with --mode "
		    "show (mode is %s)", cli_mode_name(o->mode));
		r = -1;
	}
	if (r == 0 && o->output && !o->prometheus) {
		snprintf(err, errlen, "--output %s: only with --format "
		    "prometheus", o->output);
		r = -1;
	}
	return r;
}

int
cli_parse(struct cli *o, int argc, char **argv, char *err, size_t errlen)
{
	const struct opt *op;
	const char *a, *name, *val, *eq;
	size_t nlen;
	int i, b;

	memset(o, 0, sizeof(*o));
	o->mode = CLI_SHOW;
	o->config = CONF_DEFAULT_PATH;
	for (i = 1; i < argc; i++) {
		a = argv[i];
		if (a[0] != '-' || a[1] == '\0' || strcmp(a, "--") == 0) {
			snprintf(err, errlen, "unexpected argument \"%s\" (see "
			    "nft-netflow -h)", a);
			return -1;
		}
		val = NULL;
		op = NULL;
		/* --name[=v], or -name[=v] as Getopt::Long (the seed) takes */
		name = a + (a[1] == '-' ? 2 : 1);
		eq = strchr(name, '=');
		nlen = eq ? (size_t)(eq - name) : strlen(name);
		if (a[1] == '-' || nlen > 1)
			op = opt_long(name, nlen);
		if (op != NULL) {
			if (eq)
				val = eq + 1;
		} else if (a[1] != '-') {
			/* -x, -xVALUE */
			op = opt_short(a[1]);
			if (op && a[2] != '\0')
				val = a + 2;
		}
		if (op == NULL) {
			snprintf(err, errlen, "unknown option \"%s\" (see "
			    "nft-netflow -h)", a);
			return -1;
		}
		if (op->kind == OPT_BOOL) {
			/* an optional true/false as the next word */
			if (val == NULL && i + 1 < argc &&
			    parse_bool(argv[i + 1], &b) == 0)
				val = argv[++i];
		} else if (op->kind == OPT_FROM) {
			/* an optional FILE: the next word unless an option */
			if (val == NULL && i + 1 < argc && argv[i + 1][0] != '-')
				val = argv[++i];
			if (val == NULL)
				val = IPTMIG_MODPROBE;
		} else if (val == NULL) {
			if (i + 1 >= argc) {
				snprintf(err, errlen, "%s needs a value (%s)",
				    a, op->arg);
				return -1;
			}
			val = argv[++i];
		}
		if (apply_opt(o, op, a, val, err, errlen) < 0)
			return -1;
	}
	return validate(o, err, errlen);
}

/* ---- entry points ------------------------------------------------------ */

typedef int (*mode_fn)(struct clictx *, char *, size_t);

static const mode_fn mode_fns[] = {
	[CLI_SHOW] = clishow_show, [CLI_STATUS] = clishow_status,
	[CLI_INSTALL] = clisetup_install, [CLI_ENABLE] = clisetup_enable,
	[CLI_DISABLE] = clisetup_disable, [CLI_REMOVE] = clisetup_remove,
	[CLI_FLOWS] = clishow_flows,
};

int
cli_run(const struct cli *o)
{
	struct clictx *x;
	char err[1024] = "";
	int r = -1;

	if (o->help) {
		cli_usage(stdout);
		return CLI_EXIT_OK;
	}
	if (o->version) {
		printf("nft-netflow %s\n", NFN_VERSION);
		return CLI_EXIT_OK;
	}
	if (o->help_long)
		return clishow_help_long();
	if ((x = calloc(1, sizeof(*x))) == NULL) {
		log_warn("calloc");
		return CLI_EXIT_FAIL;
	}
	if (clictx_init(x, o, err, sizeof(err)) < 0) {
		log_warnx("%s", err);
		free(x);
		return CLI_EXIT_FAIL;
	}
	if ((size_t)o->mode < sizeof(mode_fns) / sizeof(mode_fns[0]))
		r = mode_fns[o->mode](x, err, sizeof(err));
	free(x);
	/* status says "not enabled" with 1, silently: that is its answer */
	if (r == 1)
		return CLI_EXIT_FAIL;
	if (r < 0)
		log_warnx("%s", err);
	return r < 0 ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}

int
cli_main(int argc, char **argv)
{
	struct cli *o;
	char err[1024];
	int r;

	log_init("nft-netflow", 1, 0);
	if ((o = calloc(1, sizeof(*o))) == NULL) {
		log_warn("calloc");
		return CLI_EXIT_FAIL;
	}
	if (cli_parse(o, argc, argv, err, sizeof(err)) < 0) {
		log_warnx("%s", err);
		free(o);
		return CLI_EXIT_USAGE;
	}
	r = cli_run(o);
	free(o);
	return r;
}
