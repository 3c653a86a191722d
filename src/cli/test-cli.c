/*
 * test-cli: the nft-netflow command line as a table of invocations, good and
 * bad values at and beyond every range bound, unknown options and the
 * boolean forms, with the expected outcome and message; then install mode
 * on a scratch directory, to show that a rejected invocation changes
 * nothing and an accepted one edits only what it must.  No privileges.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cliconf.h"
#include "util/check.h"
#include "cli/cli.h"
#include "cli/clictx.h"
#include "rules/rules.h"

#define ARGS_MAX	12
#define MSGS_MAX	3

/* what a successful parse must have produced; -1 / NULL: not checked */
struct expect {
	int		 mode, help, help_long, verbose, version, json;
	const char	*key, *value;	/* the last parameter */
	const char	*config;
};

struct tcase {
	const char	*argv[ARGS_MAX];	/* after argv[0] */
	int		 ok;
	const char	*msg[MSGS_MAX];		/* substrings of the error */
	struct expect	 e;
};

#define ANY	-1, -1, -1, -1, -1, -1
#define NOX	{ ANY, NULL, NULL, NULL }
#define MODE(m)	{ m, -1, -1, -1, -1, -1, NULL, NULL, NULL }
#define SET(k, v) { -1, -1, -1, -1, -1, -1, k, v, NULL }
#define BAD(...) 0, { __VA_ARGS__ }, NOX

static const struct tcase cases[] = {
	/* modes, in every spelling */
	{ { NULL }, 1, { NULL }, MODE(CLI_SHOW) },
	{ { "-m", "show" }, 1, { NULL }, MODE(CLI_SHOW) },
	{ { "-m", "status" }, 1, { NULL }, MODE(CLI_STATUS) },
	{ { "--mode", "install" }, 1, { NULL }, MODE(CLI_INSTALL) },
	{ { "--mode=enable" }, 1, { NULL }, MODE(CLI_ENABLE) },
	{ { "-mdisable" }, 1, { NULL }, MODE(CLI_DISABLE) },
	{ { "-mode", "remove" }, 1, { NULL }, MODE(CLI_REMOVE) },
	{ { "-m", "flows" }, 1, { NULL }, MODE(CLI_FLOWS) },
	{ { "-m", "status", "-m", "show" }, 1, { NULL }, MODE(CLI_SHOW) },
	{ { "-m", "start" }, BAD("-m", "unknown mode \"start\"",
	    "show, status, install, enable, disable, remove, flows") },
	{ { "-m", "" }, BAD("unknown mode \"\"") },
	{ { "--mode=" }, BAD("unknown mode \"\"") },
	{ { "-m" }, BAD("-m needs a value (MODE)") },
	{ { "--mode" }, BAD("--mode needs a value") },
	{ { "-m", "Show" }, BAD("unknown mode \"Show\"") },

	/* active_timeout / inactive_timeout: 1..86400 */
	{ { "-m", "install", "--active-timeout", "1" }, 1, { NULL },
	    SET("active_timeout", "1") },
	{ { "-m", "install", "--active-timeout", "86400" }, 1, { NULL },
	    SET("active_timeout", "86400") },
	{ { "-m", "install", "--active-timeout=1800" }, 1, { NULL },
	    SET("active_timeout", "1800") },
	{ { "-m", "install", "--active-timeout", "0" },
	    BAD("--active-timeout", "\"0\"", "1..86400") },
	{ { "-m", "install", "--active-timeout", "86401" },
	    BAD("--active-timeout", "\"86401\"", "1..86400") },
	{ { "-m", "install", "--active-timeout", "-1" },
	    BAD("--active-timeout", "\"-1\"") },
	{ { "-m", "install", "--active-timeout", "1.5" },
	    BAD("--active-timeout", "\"1.5\"") },
	{ { "-m", "install", "--active-timeout", "ten" },
	    BAD("--active-timeout", "\"ten\"") },
	{ { "-m", "install", "--active-timeout", "" },
	    BAD("--active-timeout", "\"\"") },
	{ { "-m", "install", "--active-timeout", "99999999999999999999" },
	    BAD("--active-timeout", "\"99999999999999999999\"") },
	{ { "-m", "install", "--active-timeout" },
	    BAD("--active-timeout needs a value (N)") },
	{ { "-m", "enable", "--inactive-timeout", "1" }, 1, { NULL },
	    SET("inactive_timeout", "1") },
	{ { "-m", "enable", "--inactive-timeout", "86400" }, 1, { NULL },
	    SET("inactive_timeout", "86400") },
	{ { "-m", "enable", "--inactive-timeout", "0" },
	    BAD("--inactive-timeout", "\"0\"", "1..86400") },
	{ { "-m", "enable", "--inactive-timeout", "86401" },
	    BAD("--inactive-timeout", "\"86401\"", "1..86400") },

	/* maxflows: 0..2^32-1 */
	{ { "-m", "install", "--maxflows", "0" }, 1, { NULL },
	    SET("maxflows", "0") },
	{ { "-m", "install", "--maxflows", "4294967295" }, 1, { NULL },
	    SET("maxflows", "4294967295") },
	{ { "-m", "install", "--maxflows", "4294967296" },
	    BAD("--maxflows", "\"4294967296\"", "4294967295") },
	{ { "-m", "install", "--maxflows", "-1" },
	    BAD("--maxflows", "\"-1\"") },

	/* hashsize: 0 or >= 256 */
	{ { "-m", "install", "--hashsize", "0" }, 1, { NULL },
	    SET("hashsize", "0") },
	{ { "-m", "install", "--hashsize", "256" }, 1, { NULL },
	    SET("hashsize", "256") },
	{ { "-m", "install", "--hashsize", "15000" }, 1, { NULL },
	    SET("hashsize", "15000") },
	{ { "-m", "install", "--hashsize", "255" },
	    BAD("--hashsize", "\"255\"", "256") },
	{ { "-m", "install", "--hashsize", "1" },
	    BAD("--hashsize", "\"1\"") },

	/* sndbuf: >= 0 bytes */
	{ { "-m", "install", "--sndbuf", "0" }, 1, { NULL },
	    SET("sndbuf", "0") },
	{ { "-m", "install", "--sndbuf", "128000" }, 1, { NULL },
	    SET("sndbuf", "128000") },
	{ { "-m", "install", "--sndbuf", "2147483647" }, 1, { NULL },
	    SET("sndbuf", "2147483647") },
	{ { "-m", "install", "--sndbuf", "2147483648" },
	    BAD("--sndbuf", "\"2147483648\"") },
	{ { "-m", "install", "--sndbuf", "-5" },
	    BAD("--sndbuf", "\"-5\"") },

	/* debug: >= 0 */
	{ { "-m", "install", "--debug", "0" }, 1, { NULL },
	    SET("debug", "0") },
	{ { "-m", "install", "--debug", "1" }, 1, { NULL },
	    SET("debug", "1") },
	{ { "-m", "install", "--debug", "-1" },
	    BAD("--debug", "\"-1\"") },
	{ { "-m", "install", "--debug", "x" },
	    BAD("--debug", "\"x\"") },

	/* destination */
	{ { "-m", "install", "-d", "127.0.0.1:2055" }, 1, { NULL },
	    SET("destination", "127.0.0.1:2055") },
	{ { "-m", "install", "--destination",
	    "127.0.0.1:2055,198.18.0.1:9995" }, 1, { NULL },
	    SET("destination", "127.0.0.1:2055,198.18.0.1:9995") },
	{ { "-m", "install", "-destination", "198.18.0.1" }, 1, { NULL },
	    SET("destination", "198.18.0.1") },
	{ { "-m", "install", "-d", "[::1]:2055" }, 1, { NULL },
	    SET("destination", "[::1]:2055") },
	{ { "-m", "install", "-d", "127.0.0.1:65535" }, 1, { NULL },
	    SET("destination", "127.0.0.1:65535") },
	{ { "-m", "install", "-d", "127.0.0.1:65536" },
	    BAD("-d", "127.0.0.1:65536") },
	{ { "-m", "install", "-d", "127.0.0.1:port" },
	    BAD("-d", "127.0.0.1:port") },
	{ { "-m", "install", "-d" }, BAD("-d needs a value (LIST)") },

	/* sampler (SPEC 3, ipt_NETFLOW's syntax) */
	{ { "-m", "install", "--sampler", "random:100" }, 1, { NULL },
	    SET("sampler", "random:100") },
	{ { "-m", "enable", "--sampler", "" }, 1, { NULL },
	    SET("sampler", "") },
	{ { "-m", "install", "--sampler", "hash:1" },
	    BAD("--sampler", "hash:1") },
	{ { "-m", "install", "--sampler", "every:10" },
	    BAD("--sampler", "every:10") },
	/* aggregation */
	{ { "-m", "install", "--aggregation", "192.0.0.0/8=16,80-89=80" }, 1,
	    { NULL }, SET("aggregation", "192.0.0.0/8=16,80-89=80") },
	{ { "-m", "install", "--aggregation", "" }, 1, { NULL },
	    SET("aggregation", "") },
	{ { "-m", "install", "--aggregation", "192.0.0.0/33=16" },
	    BAD("--aggregation", "192.0.0.0/33=16") },
	{ { "-m", "install", "--aggregation", "80-89" },
	    BAD("--aggregation", "80-89") },
	{ { "-m", "install", "--aggregation", "10.0.0.0/8=16,junk" },
	    BAD("--aggregation", "junk") },

	/* capture (ours) */
	{ { "-m", "enable", "--capture", "nflog" }, 1, { NULL },
	    SET("capture", "nflog") },
	{ { "-m", "enable", "--capture", "conntrack" }, 1, { NULL },
	    SET("capture", "conntrack") },
	{ { "-m", "enable", "--capture", "pcap" },
	    BAD("--capture", "\"pcap\"", "nflog or conntrack") },

	/* -o KEY=VALUE: any key, same ranges */
	{ { "-m", "install", "-o", "nflog_group=5" }, 1, { NULL },
	    SET("nflog_group", "5") },
	{ { "-m", "install", "--option", "nflog_group=65535" }, 1, { NULL },
	    SET("nflog_group", "65535") },
	{ { "-m", "install", "-o", "nflog_group=65536" },
	    BAD("-o", "nflog_group", "65536") },
	{ { "-m", "install", "-o", "copy_range=63" },
	    BAD("-o", "copy_range", "\"63\"") },
	{ { "-m", "install", "-o", "hooks=input,forward" }, 1, { NULL },
	    SET("hooks", "input,forward") },
	{ { "-m", "install", "-o", "hooks=prerouting" },
	    BAD("-o", "hooks", "prerouting") },
	{ { "-m", "install", "-o", "control=relative/path" },
	    BAD("-o", "control", "absolute") },
	{ { "-m", "install", "-o", "bogus=1" },
	    BAD("-o", "unknown key \"bogus\"") },
	{ { "-m", "install", "-o", "nflog_group" },
	    BAD("-o", "\"nflog_group\" is not KEY=VALUE") },
	{ { "-m", "install", "-o", "=5" },
	    BAD("-o", "is not KEY=VALUE") },

	/* parameters only make sense where they are applied */
	{ { "--active-timeout", "5" },
	    BAD("--active-timeout", "only used with --mode install or "
	    "--mode enable", "mode is show") },
	{ { "-m", "status", "-d", "127.0.0.1" },
	    BAD("-d", "only used with", "mode is status") },
	{ { "--active-timeout", "5", "-m", "enable" }, 1, { NULL },
	    SET("active_timeout", "5") },
	/* the first bad value is the one reported */
	{ { "-m", "install", "--hashsize", "100", "--maxflows", "-1" },
	    BAD("--hashsize", "\"100\"") },

	/* booleans: alone, true|false as the next word or after = */
	{ { "-v" }, 1, { NULL }, { -1, -1, -1, 1, -1, -1, NULL, NULL, NULL } },
	{ { "-v", "true" }, 1, { NULL },
	    { -1, -1, -1, 1, -1, -1, NULL, NULL, NULL } },
	{ { "-v", "false" }, 1, { NULL },
	    { -1, -1, -1, 0, -1, -1, NULL, NULL, NULL } },
	{ { "--verbose" }, 1, { NULL },
	    { -1, -1, -1, 1, -1, -1, NULL, NULL, NULL } },
	{ { "--verbose", "false", "-m", "status" }, 1, { NULL },
	    { CLI_STATUS, -1, -1, 0, -1, -1, NULL, NULL, NULL } },
	{ { "--verbose=false" }, 1, { NULL },
	    { -1, -1, -1, 0, -1, -1, NULL, NULL, NULL } },
	{ { "--verbose=TRUE" }, 1, { NULL },
	    { -1, -1, -1, 1, -1, -1, NULL, NULL, NULL } },
	{ { "-vfalse" }, 1, { NULL },
	    { -1, -1, -1, 0, -1, -1, NULL, NULL, NULL } },
	{ { "-v", "-m", "status" }, 1, { NULL },
	    { CLI_STATUS, -1, -1, 1, -1, -1, NULL, NULL, NULL } },
	{ { "-v", "maybe" }, BAD("unexpected argument \"maybe\"") },
	{ { "--verbose=maybe" },
	    BAD("--verbose=maybe", "\"maybe\" is not a boolean",
	    "true, false") },
	{ { "-h" }, 1, { NULL }, { -1, 1, -1, -1, -1, -1, NULL, NULL, NULL } },
	{ { "-h", "false" }, 1, { NULL },
	    { -1, 0, -1, -1, -1, -1, NULL, NULL, NULL } },
	{ { "--help", "true" }, 1, { NULL },
	    { -1, 1, -1, -1, -1, -1, NULL, NULL, NULL } },
	{ { "-H" }, 1, { NULL }, { -1, -1, 1, -1, -1, -1, NULL, NULL, NULL } },
	{ { "--help-long", "false" }, 1, { NULL },
	    { -1, -1, 0, -1, -1, -1, NULL, NULL, NULL } },
	{ { "--version" }, 1, { NULL },
	    { -1, -1, -1, -1, 1, -1, NULL, NULL, NULL } },
	{ { "--version", "false" }, 1, { NULL },
	    { -1, -1, -1, -1, 0, -1, NULL, NULL, NULL } },
	{ { "--version=no" }, 1, { NULL },
	    { -1, -1, -1, -1, 0, -1, NULL, NULL, NULL } },
	{ { "--json" }, 1, { NULL },
	    { -1, -1, -1, -1, -1, 1, NULL, NULL, NULL } },
	{ { "--json", "false", "-m", "flows" }, 1, { NULL },
	    { CLI_FLOWS, -1, -1, -1, -1, 0, NULL, NULL, NULL } },
	{ { "--format", "json" }, 1, { NULL },
	    { -1, -1, -1, -1, -1, 1, NULL, NULL, NULL } },
	{ { "--format=prometheus" }, 1, { NULL },
	    { -1, -1, -1, -1, -1, 0, NULL, NULL, NULL } },
	{ { "--format", "text", "-m", "flows" }, 1, { NULL },
	    { CLI_FLOWS, -1, -1, -1, -1, 0, NULL, NULL, NULL } },
	{ { "--format", "yaml" }, BAD("--format", "\"yaml\"",
	    "text, json, prometheus") },
	{ { "--format", "prometheus", "-m", "flows" },
	    BAD("--format prometheus", "only with --mode show", "flows") },
	{ { "--format", "prometheus", "--output", "/tmp/m.prom" }, 1, { NULL },
	    { -1, -1, -1, -1, -1, 0, NULL, NULL, NULL } },
	{ { "--output", "/tmp/m.prom" },
	    BAD("--output /tmp/m.prom", "only with --format prometheus") },
	{ { "--format", "prometheus", "--output=" },
	    BAD("--output", "empty file name") },
	/* help is given even when a parameter would be out of place */
	{ { "-h", "--active-timeout", "5" }, 1, { NULL },
	    { -1, 1, -1, -1, -1, -1, NULL, NULL, NULL } },
	/* ...but a bad value is still a bad value */
	{ { "-h", "--active-timeout", "0" }, BAD("--active-timeout") },

	/* config path */
	{ { "-c", "/tmp/x.conf" }, 1, { NULL },
	    { -1, -1, -1, -1, -1, -1, NULL, NULL, "/tmp/x.conf" } },
	{ { "--config=/etc/other.conf" }, 1, { NULL },
	    { -1, -1, -1, -1, -1, -1, NULL, NULL, "/etc/other.conf" } },
	{ { NULL }, 1, { NULL },
	    { -1, -1, -1, -1, -1, -1, NULL, NULL, CONF_DEFAULT_PATH } },
	{ { "-c", "" }, BAD("-c", "empty file name") },
	{ { "-c" }, BAD("-c needs a value (FILE)") },

	/* unknown options and stray words */
	{ { "--foo" }, BAD("unknown option \"--foo\"", "nft-netflow -h") },
	{ { "-x" }, BAD("unknown option \"-x\"") },
	{ { "--destinations", "1.2.3.4" },
	    BAD("unknown option \"--destinations\"") },
	{ { "--active_timeout", "5" },
	    BAD("unknown option \"--active_timeout\"") },
	{ { "-" }, BAD("unexpected argument \"-\"") },
	{ { "install" }, BAD("unexpected argument \"install\"") },
	{ { "-m", "install", "--", "-v" }, BAD("unexpected argument \"--\"") },
};

static void
run_case(const struct tcase *t, unsigned n)
{
	char *argv[ARGS_MAX + 2], err[1024] = "";
	struct cli o;
	int argc = 0, r, i;

	argv[argc++] = "nft-netflow";
	for (i = 0; i < ARGS_MAX && t->argv[i]; i++)
		argv[argc++] = (char *)t->argv[i];
	argv[argc] = NULL;
	r = cli_parse(&o, argc, argv, err, sizeof(err));
	if ((r == 0) != t->ok) {
		fprintf(stderr, "case %u (%s ...): expected %s, got %s: %s\n",
		    n, t->argv[0] ? t->argv[0] : "", t->ok ? "ok" : "error",
		    r == 0 ? "ok" : "error", err);
		CHECK((r == 0) == t->ok);
		return;
	}
	CHECK((r == 0) == t->ok);
	if (!t->ok) {
		CHECK(strchr(err, '\n') == NULL);	/* one line */
		for (i = 0; i < MSGS_MAX && t->msg[i]; i++) {
			if (strstr(err, t->msg[i]) == NULL)
				fprintf(stderr, "case %u: \"%s\" lacks \"%s\"\n",
				    n, err, t->msg[i]);
			CHECK(strstr(err, t->msg[i]) != NULL);
		}
		return;
	}
	if (t->e.mode >= 0)
		CHECK_EQ(o.mode, t->e.mode);
	if (t->e.help >= 0)
		CHECK_EQ(o.help, t->e.help);
	if (t->e.help_long >= 0)
		CHECK_EQ(o.help_long, t->e.help_long);
	if (t->e.verbose >= 0)
		CHECK_EQ(o.verbose, t->e.verbose);
	if (t->e.version >= 0)
		CHECK_EQ(o.version, t->e.version);
	if (t->e.json >= 0)
		CHECK_EQ(o.json, t->e.json);
	if (t->e.config)
		CHECK(strcmp(o.config, t->e.config) == 0);
	if (t->e.key) {
		CHECK(o.nset > 0);
		if (o.nset > 0) {
			CHECK(strcmp(o.set[o.nset - 1].key, t->e.key) == 0);
			CHECK(strcmp(o.set[o.nset - 1].value, t->e.value) == 0);
		}
	}
}

/* ---- install mode on a scratch directory ------------------------------- */

static char dir[64], cfg[128], inc[128], ctl[128], frag[128], frag6[128];

static char *
slurp(const char *path)
{
	static char buf[65536];
	FILE *f = fopen(path, "r");
	size_t n;

	if (f == NULL)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* cli_main with -c cfg and a control socket inside the scratch dir */
static int
cli(const char *a1, const char *a2, const char *a3, const char *a4)
{
	char opt[160];
	char *argv[12];
	int argc = 0;

	snprintf(opt, sizeof(opt), "control=%s", ctl);
	argv[argc++] = "nft-netflow";
	argv[argc++] = "-c";
	argv[argc++] = cfg;
	argv[argc++] = "-m";
	argv[argc++] = "install";
	argv[argc++] = "-o";
	argv[argc++] = opt;
	if (a1)
		argv[argc++] = (char *)a1;
	if (a2)
		argv[argc++] = (char *)a2;
	if (a3)
		argv[argc++] = (char *)a3;
	if (a4)
		argv[argc++] = (char *)a4;
	argv[argc] = NULL;
	return cli_main(argc, argv);
}

static void
test_install(void)
{
	char *before, *s;
	struct stat st;
	FILE *f;

	snprintf(dir, sizeof(dir), "/tmp/test-cli.XXXXXX");
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		CHECK(0);
		return;
	}
	snprintf(cfg, sizeof(cfg), "%s/etc/nft-netflow.conf", dir);
	snprintf(inc, sizeof(inc), "%s/etc/nft-netflow.nft", dir);
	snprintf(frag, sizeof(frag), "%s/etc/%s", dir, CLICTX_IPTFRAG_NAME);
	snprintf(frag6, sizeof(frag6), "%s/etc/%s", dir, CLICTX_IPTFRAG6_NAME);
	snprintf(ctl, sizeof(ctl), "%s/run/control", dir);

	/* a bad value: exit 2, nothing written */
	CHECK_EQ(cli("--active-timeout", "0", NULL, NULL), CLI_EXIT_USAGE);
	CHECK(stat(cfg, &st) < 0);
	CHECK(stat(inc, &st) < 0);

	/* good: config and include written, with the values given */
	CHECK_EQ(cli("--active-timeout", "5", "-d", "127.0.0.1:9995"), 0);
	CHECK((s = slurp(cfg)) != NULL);
	CHECK(s && strstr(s, "active_timeout = 5\n") != NULL);
	CHECK(s && strstr(s, "127.0.0.1:9995") != NULL);
	CHECK((s = slurp(inc)) != NULL);
	CHECK(s && strstr(s, "table inet nft_netflow {") != NULL);
	CHECK(s && strstr(s, "log group 2055 snaplen 128") != NULL);
	CHECK(s && strstr(s, "delete table inet nft_netflow\n") != NULL);

	/* a bad value now: exit 2, both files byte for byte as they were */
	before = strdup(slurp(cfg));
	CHECK_EQ(cli("--maxflows", "-1", NULL, NULL), CLI_EXIT_USAGE);
	CHECK(strcmp(slurp(cfg), before) == 0);
	CHECK_EQ(cli("--bogus", NULL, NULL, NULL), CLI_EXIT_USAGE);
	CHECK(strcmp(slurp(cfg), before) == 0);
	/* idempotent: the same install again changes nothing */
	CHECK_EQ(cli("--active-timeout", "5", NULL, NULL), 0);
	CHECK(strcmp(slurp(cfg), before) == 0);
	free(before);

	/* an operator's file keeps its comments; only changed keys move */
	f = fopen(cfg, "w");
	fprintf(f, "# my notes\n[netflow]\n; keep me\nactive_timeout = 60\n"
	    "control = %s\n", ctl);
	fclose(f);
	CHECK_EQ(cli("--active-timeout", "7", "--inactive-timeout", "3"), 0);
	s = slurp(cfg);
	CHECK(strstr(s, "# my notes\n[netflow]\n") != NULL);
	CHECK(strstr(s, "; keep me\n") != NULL);
	CHECK(strstr(s, "active_timeout = 7\n") != NULL);
	CHECK(strstr(s, "active_timeout = 60") == NULL);
	CHECK(strstr(s, "inactive_timeout = 3\n") != NULL);
	/* a destination list with ';' must be quoted for iniparser */
	CHECK_EQ(cli("-d", "127.0.0.1:1;127.0.0.1:2", NULL, NULL), 0);
	s = slurp(cfg);
	CHECK(strstr(s, "destination = \"127.0.0.1:1;127.0.0.1:2\"") != NULL);

	/* the sampler goes in front of the log statement */
	CHECK_EQ(cli("--sampler", "random:10", NULL, NULL), 0);
	CHECK(strstr(slurp(cfg), "sampler = random:10\n") != NULL);
	s = slurp(inc);
	CHECK(strstr(s, "meta nfproto ipv4 numgen random mod 10 == 0 log group "
	    "2055") != NULL);
	CHECK_EQ(cli("--sampler", "deterministic:3", NULL, NULL), 0);
	s = slurp(inc);
	CHECK(strstr(s, "numgen inc mod 3 == 0 log group") != NULL);
	CHECK(strstr(s, "numgen random") == NULL);
	CHECK_EQ(cli("--sampler", "hash:4", NULL, NULL), 0);
	s = slurp(inc);
	CHECK(strstr(s, "meta l4proto { tcp, udp, sctp, udplite } jhash ip "
	    "saddr . ip daddr . meta l4proto . th sport . th dport mod 4 seed "
	    "0x6e66736d == 0 log group") != NULL);
	CHECK(strstr(s, "ip frag-off & 0x1fff == 0 return\n") != NULL);
	CHECK(strstr(s, "meta nfproto ipv4 jhash ip saddr . ip daddr . meta "
	    "l4proto mod 4 seed 0x6e66736d == 0 log group") != NULL);
	/* iptables: nth and random, but no hash; refused before any write */
	before = strdup(slurp(cfg));
	CHECK(cli("--rules", "iptables", NULL, NULL) != 0);
	CHECK(strcmp(slurp(cfg), before) == 0);
	free(before);
	CHECK_EQ(cli("--rules", "iptables", "--sampler", "random:8"), 0);
	CHECK((s = slurp(frag)) != NULL);
	CHECK(s && strstr(s, "-A NETFLOW -m statistic --mode random "
	    "--probability 0.12500000000 -j NFLOG") != NULL);
	CHECK_EQ(cli("--rules", "iptables", "--sampler", "deterministic:8"), 0);
	CHECK((s = slurp(frag)) != NULL);
	CHECK(s && strstr(s, "-A NETFLOW -m statistic --mode nth --every 8 "
	    "--packet 0 -j NFLOG") != NULL);
	/* IPv6 metered (protocol 10): the rules.v6 fragment too */
	CHECK(stat(frag6, &st) < 0);
	CHECK_EQ(cli("--protocol", "10", NULL, NULL), 0);
	CHECK((s = slurp(frag6)) != NULL);
	CHECK(s && strstr(s, "ip6tables-restore --noflush") != NULL);
	CHECK(s && strstr(s, "-A NETFLOW -m statistic --mode nth --every 8 "
	    "--packet 0 -j NFLOG") != NULL);
	/* back to v5: the IPv6 fragment goes, the IPv4 one stays */
	CHECK_EQ(cli("--protocol", "5", NULL, NULL), 0);
	CHECK(stat(frag6, &st) < 0);
	CHECK(stat(frag, &st) == 0);
	CHECK_EQ(cli("--protocol", "9", NULL, NULL), 0);
	CHECK(stat(frag6, &st) == 0);
	/* rules = nft: neither fragment is left to be merged at boot */
	CHECK_EQ(cli("--rules", "nft", "--sampler", ""), 0);
	s = slurp(inc);
	CHECK(strstr(s, "numgen") == NULL && strstr(s, "jhash") == NULL);
	CHECK(strstr(s, "meta nfproto ipv4 log group 2055") != NULL);
	CHECK(stat(frag, &st) < 0);
	CHECK(stat(frag6, &st) < 0);
	CHECK_EQ(cli("--protocol", "5", NULL, NULL), 0);

	/* conntrack capture: no NFLOG rule, export traffic untracked */
	CHECK_EQ(cli("--capture", "conntrack", NULL, NULL), 0);
	s = slurp(inc);
	CHECK(strstr(s, "log group") == NULL);
	CHECK(strstr(s, "ct state") != NULL);
	CHECK(strstr(s, "notrack") != NULL);

	unlink(cfg);
	unlink(inc);
	snprintf(cfg, sizeof(cfg), "%s/etc", dir);
	rmdir(cfg);
	rmdir(dir);
}

/* Found by fuzzing: the editor must see sections and lines as iniparser does. */
static void
test_cliconf_edit(void)
{
	const char *changed[] = { "active_timeout" };
	struct conf want;
	char err[512], *e;

	conf_defaults(&want);
	want.active_timeout = 60;
	e = cliconf_edit("[ NetFlow\t]\nactive_timeout = 30\n", &want,
	    changed, 1);
	CHECK(e != NULL && strcmp(e, "[ NetFlow\t]\nactive_timeout = 60\n") == 0);
	CHECK(e != NULL && cliconf_verify(e, &want, err, sizeof(err)) == 0);
	free(e);
	/* a backslash joins the next line to this one, as iniparser reads */
	e = cliconf_edit("[netflow]\n# note \\\n[x\nactive_timeout = 3\\\n0\n",
	    &want, changed, 1);
	CHECK(e != NULL && strcmp(e, "[netflow]\n# note \\\n[x\n"
	    "active_timeout = 60\n") == 0);
	CHECK(e != NULL && cliconf_verify(e, &want, err, sizeof(err)) == 0);
	free(e);
	e = cliconf_edit("[netflow]\nactive_timeout = 30\n;", &want, changed, 1);
	CHECK(e != NULL && strcmp(e, "[netflow]\nactive_timeout = 60\n;") == 0);
	free(e);
	/* a line left open at the end stays last, after the new section */
	e = cliconf_edit("# c\nfoo = 1 \\\n", &want, changed, 1);
	CHECK(e != NULL && strcmp(e, "# c\n\n[netflow]\nactive_timeout = 60\n"
	    "foo = 1 \\\n") == 0);
	CHECK(e != NULL && cliconf_verify(e, &want, err, sizeof(err)) == 0);
	free(e);
	/* a continued section line is refused, not guessed at */
	errno = 0;
	e = cliconf_edit("[netflow]x \\\nactive_timeout = 3\n", &want,
	    changed, 1);
	CHECK(e == NULL && errno == EINVAL);
	free(e);
}

int
main(void)
{
	unsigned i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_case(&cases[i], i);
	printf("%u invocations\n", i);
	test_install();
	test_cliconf_edit();
	return check_done();
}
