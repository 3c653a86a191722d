/*
 * test-conf: every key at and beyond its bounds, the INI file (unknown keys
 * and sections, bad values, quoting), the all-or-nothing rule, the
 * conf_write() -> conf_load() round trip, the keys that need a restart, the
 * capture mode's names and the shipped conf file.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/check.h"
#include "conf/conf.h"

/* Same configuration, as far as anyone can see it. */
static int
conf_same(const struct conf *a, const struct conf *b)
{
	char va[CONF_TEXT_MAX], vb[CONF_TEXT_MAX];
	const char *const *k;
	unsigned i;

	for (k = conf_keys(); *k; k++) {
		if (conf_get(a, *k, va, sizeof(va)) < 0 ||
		    conf_get(b, *k, vb, sizeof(vb)) < 0 || strcmp(va, vb) != 0) {
			fprintf(stderr, "  %s: \"%s\" != \"%s\"\n", *k, va, vb);
			return 0;
		}
	}
	if (a->dests.n != b->dests.n || a->agg.nnet != b->agg.nnet ||
	    a->agg.nport != b->agg.nport)
		return 0;
	for (i = 0; i < a->dests.n; i++)
		if (strcmp(a->dests.d[i].text, b->dests.d[i].text) != 0 ||
		    a->dests.d[i].addrlen != b->dests.d[i].addrlen ||
		    memcmp(&a->dests.d[i].addr, &b->dests.d[i].addr,
		    a->dests.d[i].addrlen) != 0)
			return 0;
	return memcmp(a->agg.net, b->agg.net, sizeof(a->agg.net)) == 0 &&
	    memcmp(a->agg.port, b->agg.port, sizeof(a->agg.port)) == 0;
}

static void
test_defaults(void)
{
	struct conf c;
	char buf[CONF_TEXT_MAX];
	const char *const *k;
	unsigned n = 0;

	conf_defaults(&c);
	CHECK(strcmp(c.destination, "127.0.0.1:2055") == 0);
	CHECK_EQ(c.dests.n, 1);
	CHECK(strcmp(c.dests.d[0].text, "127.0.0.1:2055") == 0);
	CHECK_EQ(c.active_timeout, 1800);
	CHECK_EQ(c.inactive_timeout, 15);
	CHECK_EQ(c.maxflows, 2000000);
	CHECK_EQ(c.hashsize, 0);
	CHECK_EQ(c.sndbuf, 0);
	CHECK(strcmp(c.aggregation, "") == 0);
	CHECK(c.agg.nnet == 0 && c.agg.nport == 0);
	CHECK_EQ(c.debug, 0);
	CHECK_EQ(c.protocol, 5);
	CHECK_EQ(c.engine_type, 0);
	CHECK_EQ(c.engine_id, 0);
	CHECK_EQ(c.capture, CAPTURE_NFLOG);
	CHECK_EQ(c.nflog_group, 2055);
	CHECK_EQ(c.copy_range, 128);
	CHECK_EQ(c.queue_threshold, 1024);
	CHECK_EQ(c.flush_timeout, 10);
	CHECK_EQ(c.nlbufsiz, 131072);
	CHECK_EQ(c.netlink_rcvbuf, 8388608);
	CHECK_EQ(c.hooks, HOOK_INPUT | HOOK_FORWARD | HOOK_OUTPUT);
	CHECK_EQ(c.conntrack, 0);
	CHECK_EQ(c.natevents, 0);
	CHECK_EQ(c.sampler.mode, SAMPLER_OFF);
	CHECK_EQ(c.sampler.n, 0);
	CHECK_EQ(c.export_mark, 0x6e66);
	CHECK(strcmp(c.control, CONF_DEFAULT_CONTROL) == 0);
	CHECK_EQ(c.rules, RULES_NFT);

	/* every key: help, a text form; the list starts with SPEC 3's */
	for (k = conf_keys(); *k; k++, n++) {
		CHECK(conf_help(*k) != NULL && conf_help(*k)[0] != '\0');
		CHECK(conf_get(&c, *k, buf, sizeof(buf)) == 0);
	}
	CHECK_EQ(n, 34);
	CHECK(strcmp(conf_keys()[0], "destination") == 0);
	CHECK(strcmp(conf_keys()[7], "debug") == 0);
	CHECK(conf_help("nosuchkey") == NULL);
	CHECK(conf_get(&c, "nosuchkey", buf, sizeof(buf)) == -1);

	CHECK(conf_get(&c, "export_mark", buf, sizeof(buf)) == 0);
	CHECK(strcmp(buf, "0x6e66") == 0);
	CHECK(conf_get(&c, "hooks", buf, sizeof(buf)) == 0);
	CHECK(strcmp(buf, "input,forward,output") == 0);
	CHECK(conf_get(&c, "capture", buf, sizeof(buf)) == 0);
	CHECK(strcmp(buf, "nflog") == 0);
	CHECK(conf_get(&c, "aggregation", buf, sizeof(buf)) == 0);
	CHECK(strcmp(buf, "") == 0);
	CHECK(conf_get(&c, "maxflows", buf, sizeof(buf)) == 0);
	CHECK(strcmp(buf, "2000000") == 0);
	/* too small a buffer is an error, not a truncated value */
	CHECK(conf_get(&c, "maxflows", buf, 4) == -1);
}

/* conf_set must accept v and conf_get must give back want. */
static void
good(const char *key, const char *v, const char *want)
{
	struct conf c;
	char err[512] = "", buf[CONF_TEXT_MAX];

	conf_defaults(&c);
	if (conf_set(&c, key, v, err, sizeof(err)) != 0) {
		fprintf(stderr, "  %s = \"%s\" refused: %s\n", key, v, err);
		CHECK(0);
		return;
	}
	CHECK(conf_get(&c, key, buf, sizeof(buf)) == 0);
	if (strcmp(buf, want ? want : v) != 0) {
		fprintf(stderr, "  %s = \"%s\" reads back \"%s\"\n", key, v, buf);
		CHECK(0);
	}
}

/* conf_set must refuse v, leave c alone and name the key and the value. */
static void
bad(const char *key, const char *v, const char *msg)
{
	struct conf c, orig;
	char err[512] = "", want[256];

	conf_defaults(&c);
	conf_defaults(&orig);
	if (conf_set(&c, key, v, err, sizeof(err)) != -1) {
		fprintf(stderr, "  %s = \"%s\" accepted\n", key, v);
		CHECK(0);
		return;
	}
	CHECK(conf_same(&c, &orig));
	if (msg != NULL && strcmp(err, msg) != 0) {
		fprintf(stderr, "  got  '%s'\n  want '%s'\n", err, msg);
		CHECK(0);
	}
	snprintf(want, sizeof(want), "%s = \"%s\": ", key, v);
	if (msg == NULL && strncmp(err, want, strlen(want)) != 0) {
		fprintf(stderr, "  message does not name key and value: %s\n",
		    err);
		CHECK(0);
	}
}

static const struct {
	const char *key;
	const char *below, *min, *max, *above;	/* NULL: no such bound */
} bounds[] = {
	{ "active_timeout", "0", "1", "86400", "86401" },
	{ "inactive_timeout", "0", "1", "86400", "86401" },
	{ "maxflows", NULL, "0", "4294967295", "4294967296" },
	{ "hashsize", "255", "256", "16777216", "16777217" },
	{ "sndbuf", NULL, "0", "2147483647", "2147483648" },
	{ "debug", NULL, "0", "255", "256" },
	{ "protocol", "4", "5", "10", "11" },
	{ "refresh_rate", "0", "1", "65535", "65536" },
	{ "timeout_rate", "0", "1", "3600", "3601" },
	{ "engine_type", NULL, "0", "255", "256" },
	{ "engine_id", NULL, "0", "255", "256" },
	{ "nflog_group", NULL, "0", "65535", "65536" },
	{ "copy_range", "63", "64", "65535", "65536" },
	{ "queue_threshold", "0", "1", "65535", "65536" },
	{ "flush_timeout", "0", "1", "65535", "65536" },
	{ "nlbufsiz", "4095", "4096", "131072", "131073" },
	{ "netlink_rcvbuf", "65535", "65536", "1073741824", "1073741825" },
	{ "natevents", NULL, "0", "1", "2" },
};

static void
test_bounds(void)
{
	static const char *const junk[] = {
		"", "abc", "12abc", "-1", "+1", "1.5", "1 2", "1e3", "0x10",
		"99999999999999999999", "18446744073709551617",
	};
	size_t i, j;

	for (i = 0; i < sizeof(bounds) / sizeof(bounds[0]); i++) {
		if (bounds[i].below)
			bad(bounds[i].key, bounds[i].below, NULL);
		good(bounds[i].key, bounds[i].min, NULL);
		good(bounds[i].key, bounds[i].max, NULL);
		bad(bounds[i].key, bounds[i].above, NULL);
		for (j = 0; j < sizeof(junk) / sizeof(junk[0]); j++)
			bad(bounds[i].key, junk[j], NULL);
	}

	/* the message format */
	bad("active_timeout", "0", "active_timeout = \"0\": must be an "
	    "integer 1..86400");
	bad("natevents", "2", "natevents = \"2\": must be 0 or 1");

	/* hashsize: 0 is auto, 1..255 is not a table */
	good("hashsize", "0", NULL);
	bad("hashsize", "1", NULL);

	/* protocol: 5, 9 or 10 and nothing between */
	good("protocol", "9", "9");
	for (i = 6; i <= 8; i++) {
		char v[4];

		snprintf(v, sizeof(v), "%zu", i);
		bad("protocol", v, NULL);
	}
	bad("protocol", "7", "protocol = \"7\": must be 5 (NetFlow v5), "
	    "9 (NetFlow v9) or 10 (IPFIX)");

	/* blanks around a value are not part of it; leading zeros are decimal */
	good("active_timeout", " 60\t", "60");
	good("active_timeout", "010", "10");
}

/* SPEC 3 sampler: ipt_NETFLOW's MODE:N, N 2..16383, "" = off */
static void
test_sampler(void)
{
	static const char *const junk[] = {
		"random", "random:", ":10", "random:1", "random:0",
		"random:16384", "random:-5", "random:10x", "random: 10",
		"Random:10", "rand:10", "hashes:10", "hash:0x10",
		"deterministic:10:2", "off", "0",
	};
	struct conf c;
	char err[512];
	size_t i;

	good("sampler", "", NULL);
	good("sampler", "deterministic:2", NULL);
	good("sampler", "random:10", NULL);
	good("sampler", "hash:16383", NULL);
	good("sampler", " random:100\t", "random:100");
	good("sampler", "random:010", "random:10");
	for (i = 0; i < sizeof(junk) / sizeof(junk[0]); i++)
		bad("sampler", junk[i], NULL);
	bad("sampler", "random:1", "sampler = \"random:1\": must be empty "
	    "(no sampling) or deterministic:N, random:N or hash:N with N an "
	    "integer 2..16383");

	conf_defaults(&c);
	CHECK(conf_set(&c, "sampler", "deterministic:10", err,
	    sizeof(err)) == 0);
	CHECK_EQ(c.sampler.mode, SAMPLER_DETERMINISTIC);
	CHECK_EQ(c.sampler.n, 10);
	CHECK(conf_set(&c, "sampler", "hash:7", err, sizeof(err)) == 0);
	CHECK_EQ(c.sampler.mode, SAMPLER_HASH);
	CHECK_EQ(c.sampler.n, 7);
	/* a bad value leaves the running one */
	CHECK(conf_set(&c, "sampler", "hash:1", err, sizeof(err)) == -1);
	CHECK_EQ(c.sampler.mode, SAMPLER_HASH);
	CHECK_EQ(c.sampler.n, 7);
	CHECK(conf_set(&c, "sampler", "", err, sizeof(err)) == 0);
	CHECK_EQ(c.sampler.mode, SAMPLER_OFF);
	CHECK_EQ(c.sampler.n, 0);
	CHECK(conf_needs_restart("sampler") == 0);
}

static void
test_export_mark(void)
{
	good("export_mark", "0", "0x0");
	good("export_mark", "4294967295", "0xffffffff");
	good("export_mark", "0xffffffff", "0xffffffff");
	good("export_mark", "0XAbC", "0xabc");
	good("export_mark", "28262", "0x6e66");
	bad("export_mark", "4294967296", NULL);
	bad("export_mark", "0x100000000", NULL);
	bad("export_mark", "0x", NULL);
	bad("export_mark", "0xg", NULL);
	bad("export_mark", "x10", NULL);
	bad("export_mark", "-1", NULL);
	bad("export_mark", "", NULL);
	bad("export_mark", "12abc", NULL);
}

static void
test_words(void)
{
	char path[200];
	struct conf c;
	char err[512];

	good("capture", "nflog", NULL);
	good("capture", "conntrack", NULL);
	bad("capture", "pcap", "capture = \"pcap\": must be nflog or conntrack");
	bad("capture", "", NULL);
	bad("capture", "nflog,conntrack", NULL);
	good("rules", "nft", NULL);
	good("rules", "iptables", NULL);
	bad("rules", "ip6tables", "rules = \"ip6tables\": must be nft or "
	    "iptables");
	bad("rules", "", NULL);
	conf_defaults(&c);
	CHECK(conf_set(&c, "capture", "conntrack", err, sizeof(err)) == 0);
	CHECK_EQ(c.capture, CAPTURE_CONNTRACK);

	good("hooks", "input", NULL);
	good("hooks", "output,input", "input,output");
	good("hooks", "forward", NULL);
	good("hooks", " input , forward,output ", "input,forward,output");
	good("hooks", "input,input", "input");
	bad("hooks", "", NULL);
	bad("hooks", "input,", NULL);
	bad("hooks", ",input", NULL);
	bad("hooks", "input,,output", NULL);
	bad("hooks", "input output", NULL);
	bad("hooks", "ingress", NULL);
	bad("hooks", "inputs", NULL);
	conf_defaults(&c);
	CHECK(conf_set(&c, "hooks", "forward,output", err, sizeof(err)) == 0);
	CHECK_EQ(c.hooks, HOOK_FORWARD | HOOK_OUTPUT);

	good("control", "/tmp/x.sock", NULL);
	memset(path, 'a', sizeof(path));
	path[0] = '/';
	path[107] = '\0';		/* 107 bytes + NUL fit sun_path */
	good("control", path, NULL);
	path[107] = 'a';
	path[108] = '\0';
	bad("control", path, NULL);
	bad("control", "run/control", NULL);
	bad("control", "", NULL);
	bad("control", "/run/\"x\"", NULL);
}

static void
test_lists(void)
{
	struct conf c, orig;
	char err[512];

	good("destination", "192.0.2.1:9995, [::1]:9996;localhost", NULL);
	conf_defaults(&c);
	CHECK(conf_set(&c, "destination", "192.0.2.1:9995,[::1]", err,
	    sizeof(err)) == 0);
	CHECK_EQ(c.dests.n, 2);
	CHECK(strcmp(c.dests.d[1].text, "[::1]:2055") == 0);
	bad("destination", "", NULL);
	bad("destination", ",;", NULL);
	/* dest's own message names the entry */
	conf_defaults(&c);
	orig = c;
	CHECK(conf_set(&c, "destination", "192.0.2.1,1.2.3.4:99999", err,
	    sizeof(err)) == -1);
	CHECK(strcmp(err, "destination \"1.2.3.4:99999\": port must be "
	    "1..65535") == 0);
	CHECK(conf_same(&c, &orig));

	good("aggregation", "192.0.0.0/8=16,80-89=80", NULL);
	good("aggregation", "", NULL);
	conf_defaults(&c);
	CHECK(conf_set(&c, "aggregation", "192.0.0.0/8=16,80-89=80", err,
	    sizeof(err)) == 0);
	CHECK(c.agg.nnet == 1 && c.agg.nport == 1);
	orig = c;
	CHECK(conf_set(&c, "aggregation", "192.0.0.0/8=16,90-80=1", err,
	    sizeof(err)) == -1);
	CHECK(strstr(err, "90-80=1") != NULL);
	CHECK(conf_same(&c, &orig));
	CHECK(strcmp(c.aggregation, "192.0.0.0/8=16,80-89=80") == 0);
	/* and back to none */
	CHECK(conf_set(&c, "aggregation", "", err, sizeof(err)) == 0);
	CHECK(c.agg.nnet == 0 && c.agg.nport == 0);
}

static void
test_keys(void)
{
	struct conf c;
	char err[512];

	conf_defaults(&c);
	CHECK(conf_set(&c, "nosuchkey", "1", err, sizeof(err)) == -1);
	CHECK(strstr(err, "nosuchkey") != NULL);
	CHECK(strstr(err, "active_timeout") != NULL);
	/* the CLI's spelling and any case */
	CHECK(conf_set(&c, "active-timeout", "20", err, sizeof(err)) == 0);
	CHECK_EQ(c.active_timeout, 20);
	CHECK(conf_set(&c, "MAXFLOWS", "7", err, sizeof(err)) == 0);
	CHECK_EQ(c.maxflows, 7);
	CHECK(conf_set(&c, "", "7", err, sizeof(err)) == -1);
	CHECK(conf_set(&c, "maxflows_", "7", err, sizeof(err)) == -1);
}

/*
 * The restart column: exactly the keys the daemon cannot change live are
 * flagged, and conf_restart_changed() names one only when its value
 * differs.
 */
static void
test_restart(void)
{
	static const char *const restart[] = { "capture", "export_mark",
	    "control", "user", "control_group", "export_queue" };
	/* one changed value per key: the restart keys and a few others */
	static const struct {
		const char *key, *value;
	} change[] = {
		{ "capture", "conntrack" },
		{ "export_mark", "0x10" },
		{ "control", "/tmp/other.sock" },
		{ "protocol", "10" },
		{ "refresh_rate", "5" },
		{ "user", "root" },
		{ "export_queue", "10" },
		{ "control_group", "adm" },
		{ "active_timeout", "60" },
		{ "destination", "198.18.0.1:9995" },
		{ "hashsize", "1024" },
		{ "nflog_group", "7" },
		{ "hooks", "input" },
		{ "natevents", "1" },
		{ "conntrack", "on" },
		{ "debug", "2" },
	};
	/* not flagged, but they turn the use of conntrack on (defaults) */
	static const char *const ctuse[] = { "natevents", "conntrack" };
	const char *const *k;
	struct conf a, b;
	char err[512];
	size_t i;
	unsigned n = 0;
	int want;

	for (k = conf_keys(); *k; k++) {
		for (want = 0, i = 0; i < sizeof(restart) / sizeof(restart[0]);
		    i++)
			want |= strcmp(*k, restart[i]) == 0;
		if (conf_needs_restart(*k) != want) {
			fprintf(stderr, "  %s: restart flag %d, want %d\n", *k,
			    conf_needs_restart(*k), want);
			CHECK(0);
		}
		n += (unsigned)want;
	}
	CHECK_EQ(n, sizeof(restart) / sizeof(restart[0]));
	CHECK(conf_needs_restart("Export-Mark") == 1);
	CHECK(conf_needs_restart("nosuchkey") == 0);

	conf_defaults(&a);
	b = a;
	CHECK(conf_restart_changed(&a, &b) == NULL);
	for (i = 0; i < sizeof(change) / sizeof(change[0]); i++) {
		b = a;
		CHECK(conf_set(&b, change[i].key, change[i].value, err,
		    sizeof(err)) == 0);
		for (want = conf_needs_restart(change[i].key), n = 0;
		    n < sizeof(ctuse) / sizeof(ctuse[0]); n++)
			want |= strcmp(change[i].key, ctuse[n]) == 0;
		if (want)
			CHECK(conf_restart_changed(&a, &b) != NULL &&
			    strcmp(conf_restart_changed(&a, &b),
			    change[i].key) == 0);
		else
			CHECK(conf_restart_changed(&a, &b) == NULL);
	}
	/* with natevents = 1 already, conntrack on changes nothing */
	CHECK(conf_set(&a, "natevents", "1", err, sizeof(err)) == 0);
	b = a;
	CHECK(conf_set(&b, "conntrack", "on", err, sizeof(err)) == 0);
	CHECK(conf_restart_changed(&a, &b) == NULL);
	conf_defaults(&a);
}

/* conf_capture_name(): the spelling conf_set() reads and conf_get() writes. */
static void
test_capture_name(void)
{
	static const enum capture_mode modes[] = { CAPTURE_NFLOG,
	    CAPTURE_CONNTRACK };
	struct conf c;
	char err[512], v[CONF_TEXT_MAX];
	size_t i;

	CHECK(strcmp(conf_capture_name(CAPTURE_NFLOG), "nflog") == 0);
	CHECK(strcmp(conf_capture_name(CAPTURE_CONNTRACK), "conntrack") == 0);
	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		conf_defaults(&c);
		c.capture = modes[i] == CAPTURE_NFLOG ? CAPTURE_CONNTRACK :
		    CAPTURE_NFLOG;
		CHECK(conf_set(&c, "capture", conf_capture_name(modes[i]), err,
		    sizeof(err)) == 0);
		CHECK_EQ(c.capture, modes[i]);
		CHECK(conf_get(&c, "capture", v, sizeof(v)) == 0);
		CHECK(strcmp(v, conf_capture_name(modes[i])) == 0);
	}
}

/* Write text to a fresh temporary file; the caller unlinks path. */
static void
tmpfile_with(char *path, size_t len, const char *text)
{
	const char *dir = getenv("TMPDIR");
	FILE *f;
	int fd;

	snprintf(path, len, "%s/test-conf.XXXXXX", dir ? dir : "/tmp");
	fd = mkstemp(path);
	CHECK(fd >= 0);
	if (fd < 0)
		return;
	f = fdopen(fd, "w");
	fputs(text, f);
	fclose(f);
}

static int
load_text(struct conf *c, const char *text, char *err, size_t errlen)
{
	char path[PATH_MAX];
	int rc;

	tmpfile_with(path, sizeof(path), text);
	rc = conf_load(c, path, err, errlen);
	unlink(path);
	return rc;
}

static void
load_bad(const char *text, const char *part)
{
	struct conf c, orig;
	char err[512] = "";

	conf_defaults(&c);
	CHECK(conf_set(&c, "maxflows", "1234", err, sizeof(err)) == 0);
	orig = c;
	CHECK(load_text(&c, text, err, sizeof(err)) == -1);
	CHECK(conf_same(&c, &orig));
	if (strstr(err, part) == NULL || strstr(err, "test-conf.") == NULL) {
		fprintf(stderr, "  want '%s' and the path in: %s\n", part, err);
		CHECK(0);
	}
}

static void
test_load(void)
{
	struct conf c;
	char err[512];

	conf_defaults(&c);
	CHECK(load_text(&c,
	    "; comment\n"
	    "# another\n"
	    "[netflow]\n"
	    "destination = \"192.0.2.1:9995; [::1]:9996 localhost\"\n"
	    "active_timeout = 60   ; trailing comment\n"
	    "Inactive_Timeout=5\n"
	    "aggregation = \"\"\n"
	    "hooks = input,forward\n"
	    "capture = conntrack\n"
	    "export_mark = 0x10\n"
	    "control = \"/run/nfn/ctl\"\n",
	    err, sizeof(err)) == 0);
	CHECK_EQ(c.dests.n, 3);
	CHECK(strcmp(c.destination, "192.0.2.1:9995; [::1]:9996 localhost")
	    == 0);
	CHECK_EQ(c.active_timeout, 60);
	CHECK_EQ(c.inactive_timeout, 5);
	CHECK_EQ(c.maxflows, 2000000);		/* untouched keys keep theirs */
	CHECK_EQ(c.hooks, HOOK_INPUT | HOOK_FORWARD);
	CHECK_EQ(c.capture, CAPTURE_CONNTRACK);
	CHECK_EQ(c.export_mark, 0x10);
	CHECK(strcmp(c.control, "/run/nfn/ctl") == 0);

	/* a file is read over what is there */
	CHECK(load_text(&c, "[netflow]\nmaxflows = 9\n", err,
	    sizeof(err)) == 0);
	CHECK_EQ(c.maxflows, 9);
	CHECK_EQ(c.active_timeout, 60);

	/* empty file, empty section: nothing changes */
	CHECK(load_text(&c, "", err, sizeof(err)) == 0);
	CHECK(load_text(&c, "[netflow]\n", err, sizeof(err)) == 0);
	CHECK_EQ(c.maxflows, 9);

	load_bad("[netflow]\nbogus = 1\n", "unknown key \"bogus\"");
	load_bad("[netflow]\nactive_timeout = 60\nbogus = 1\n",
	    "active_timeout");			/* lists the keys */
	load_bad("[other]\nmaxflows = 1\n", "unknown section [other]");
	load_bad("[netflow]\nmaxflows = 1\n[other]\n", "[other]");
	load_bad("maxflows = 1\n[netflow]\n", "outside");
	load_bad("[netflow]\nactive-timeout = 1\n", "active-timeout");
	/* a bad value after good ones: none of them is applied */
	load_bad("[netflow]\nactive_timeout = 60\nmaxflows = 7\n"
	    "inactive_timeout = 0\n",
	    "inactive_timeout = \"0\": must be an integer 1..86400");
	load_bad("[netflow]\nmaxflows = 7\ndestination = 1.2.3.4:99999\n",
	    "destination \"1.2.3.4:99999\": port must be 1..65535");
	load_bad("[netflow]\naggregation = 80-89\n", "80-89");
	load_bad("[netflow]\nhooks =\n", "hooks");
	load_bad("[netflow]\nmaxflows = 7\nthis line is not INI\n", "INI");

	/* a missing file names the path and the reason */
	conf_defaults(&c);
	CHECK(conf_load(&c, "/nonexistent/nft-netflow.conf", err,
	    sizeof(err)) == -1);
	CHECK(strstr(err, "/nonexistent/nft-netflow.conf") != NULL);
	CHECK(strstr(err, "No such file or directory") != NULL);
}

static void
test_round_trip(void)
{
	struct conf c, d, def;
	char path[PATH_MAX], err[512];
	FILE *f;

	conf_defaults(&c);
	CHECK(conf_set(&c, "destination", "192.0.2.1:9995;[::1]:9996 # x",
	    err, sizeof(err)) == -1);		/* '#' is not a host */
	CHECK(conf_set(&c, "destination", "192.0.2.1:9995;[::1]:9996\t"
	    "localhost", err, sizeof(err)) == 0);
	CHECK(conf_set(&c, "aggregation", "10.0.0.0/8=24, 1-1023=0", err,
	    sizeof(err)) == 0);
	CHECK(conf_set(&c, "active_timeout", "300", err, sizeof(err)) == 0);
	CHECK(conf_set(&c, "hashsize", "65536", err, sizeof(err)) == 0);
	CHECK(conf_set(&c, "maxflows", "0", err, sizeof(err)) == 0);
	CHECK(conf_set(&c, "capture", "conntrack", err, sizeof(err)) == 0);
	CHECK(conf_set(&c, "hooks", "forward", err, sizeof(err)) == 0);
	CHECK(conf_set(&c, "export_mark", "0xdeadbeef", err,
	    sizeof(err)) == 0);
	CHECK(conf_set(&c, "control", "/run/my ctl;#x", err,
	    sizeof(err)) == 0);
	CHECK(conf_set(&c, "natevents", "1", err, sizeof(err)) == 0);
	CHECK(conf_set(&c, "debug", "3", err, sizeof(err)) == 0);

	tmpfile_with(path, sizeof(path), "");
	f = fopen(path, "w");
	CHECK(f != NULL);
	if (f == NULL)
		return;
	CHECK(conf_write(&c, f) == 0);
	fclose(f);
	conf_defaults(&d);
	if (conf_load(&d, path, err, sizeof(err)) != 0) {
		fprintf(stderr, "  %s\n", err);
		CHECK(0);
	}
	CHECK(conf_same(&c, &d));

	/* and defaults round-trip to defaults */
	conf_defaults(&def);
	f = fopen(path, "w");
	CHECK(conf_write(&def, f) == 0);
	fclose(f);
	CHECK(conf_load(&d, path, err, sizeof(err)) == 0);
	CHECK(conf_same(&def, &d));
	unlink(path);
}

/*
 * The shipped conf/nft-netflow.conf.  Meson compiles with paths relative to
 * the build directory; the test may run elsewhere, so try both the current
 * directory and the build directory (two levels above this executable).
 */
static FILE *
open_shipped(char *path, size_t len)
{
	static const char self[] = "src/conf/test-conf.c";
	char exe[PATH_MAX], *slash;
	size_t n = strlen(__FILE__) - (sizeof(self) - 1);
	ssize_t r;
	FILE *f;

	snprintf(path, len, "%.*sconf/nft-netflow.conf", (int)n, __FILE__);
	if ((f = fopen(path, "r")) != NULL || path[0] == '/')
		return f;
	if ((r = readlink("/proc/self/exe", exe, sizeof(exe) - 1)) < 0)
		return NULL;
	exe[r] = '\0';
	if ((slash = strrchr(exe, '/')) != NULL)
		*slash = '\0';
	if ((slash = strrchr(exe, '/')) != NULL)
		*slash = '\0';
	snprintf(path, len, "%s/%.*sconf/nft-netflow.conf", exe, (int)n,
	    __FILE__);
	return fopen(path, "r");
}

static void
test_shipped(void)
{
	struct conf c, def;
	char path[2 * PATH_MAX], err[512], *want = NULL, *got = NULL;
	size_t wantlen = 0, gotlen = 0;
	FILE *f, *m;
	int ch;

	f = open_shipped(path, sizeof(path));
	CHECK(f != NULL);
	if (f == NULL) {
		fprintf(stderr, "  conf/nft-netflow.conf not found\n");
		return;
	}
	conf_defaults(&def);
	conf_defaults(&c);
	CHECK(conf_set(&c, "maxflows", "1", err, sizeof(err)) == 0);
	if (conf_load(&c, path, err, sizeof(err)) != 0) {
		fprintf(stderr, "  %s\n", err);
		CHECK(0);
	}
	/* every key is in it, with its default */
	CHECK(conf_same(&c, &def));

	/* and it is exactly what conf_write() makes of the defaults */
	m = open_memstream(&want, &wantlen);
	CHECK(conf_write(&def, m) == 0);
	fclose(m);
	m = open_memstream(&got, &gotlen);
	while ((ch = getc(f)) != EOF)
		putc(ch, m);
	fclose(m);
	fclose(f);
	CHECK_EQ(gotlen, wantlen);
	CHECK(strcmp(got, want) == 0);
	if (strcmp(got, want) != 0)
		fprintf(stderr, "  %s differs from conf_write(defaults)\n",
		    path);
	free(want);
	free(got);
}

/* Found by fuzzing: a control character went into the value and the message. */
static void
test_control_chars(void)
{
	struct conf c;
	char err[512];

	conf_defaults(&c);
	CHECK(conf_set(&c, "aggregation", "10.0.0.0/8=16\n,1-1023=1", err,
	    sizeof(err)) == -1);
	CHECK(strchr(err, '\n') == NULL);
	CHECK(strstr(err, "aggregation") != NULL &&
	    strstr(err, "control character (byte 0x0a)") != NULL);
	CHECK(conf_set(&c, "destination", "198.18.0.1\r:2055", err,
	    sizeof(err)) == -1);
	CHECK(conf_set(&c, "aggr\n,x", "1", err, sizeof(err)) == -1);
	CHECK(strchr(err, '\n') == NULL && strstr(err, "aggr?,x") != NULL);
	CHECK(conf_set(&c, "hashsize", "16777217", err, sizeof(err)) == -1);
	CHECK(strstr(err, "256..16777216") != NULL);
}

int
main(void)
{
	test_defaults();
	test_bounds();
	test_export_mark();
	test_sampler();
	test_words();
	test_lists();
	test_keys();
	test_restart();
	test_capture_name();
	test_load();
	test_round_trip();
	test_shipped();
	test_control_chars();
	return check_done();
}
