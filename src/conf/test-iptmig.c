/*
 * test-iptmig: ipt_NETFLOW's modprobe.d options and sysctls into our
 * configuration.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf/conf.h"
#include "conf/iptmig.h"
#include "util/check.h"

/* Every option of the ipt_netflow manual, as its examples write them. */
static void
test_manual_options(void)
{
	static const char text[] =
	    "# written by ipt_netflow -m install\n"
	    "options ipt_NETFLOW destination=192.168.1.136:2055,"
	    "192.168.1.10:5055 \\\n"
	    "  active_timeout=15 inactive_timeout=20 debug=2\n"
	    "options ipt_NETFLOW hashsize=15000 sndbuf=128000 "
	    "maxflows=1000000 aggregation=\"192.0.0.0/8=16,80-89=80\"\n"
	    "options other_module active_timeout=1\n";
	struct conf c;
	char unknown[256] = "", err[512] = "";

	conf_defaults(&c);
	CHECK(iptmig_modprobe(&c, text, "ipt_netflow.conf", unknown,
	    sizeof(unknown), err, sizeof(err)) == 0);
	CHECK(strcmp(c.destination, "192.168.1.136:2055,192.168.1.10:5055")
	    == 0);
	CHECK_EQ(c.dests.n, 2);
	CHECK_EQ(c.active_timeout, 15);
	CHECK_EQ(c.inactive_timeout, 20);
	CHECK_EQ(c.debug, 2);
	CHECK_EQ(c.hashsize, 15000);
	CHECK_EQ(c.sndbuf, 128000);
	CHECK_EQ(c.maxflows, 1000000);
	CHECK(strcmp(c.aggregation, "192.0.0.0/8=16,80-89=80") == 0);
	CHECK_EQ(c.agg.nnet, 1);
	CHECK_EQ(c.agg.nport, 1);
	CHECK(strcmp(unknown, "") == 0);
}

/* 2.x options: ours where we have the key, the rest reported by name. */
static void
test_other_options(void)
{
	static const char text[] = "options ipt-NETFLOW protocol=10 "
	    "refresh_rate=5 timeout_rate=2 engine_id=7 natevents=1 promisc=1 "
	    "sampler=hash:100\n";
	struct conf c;
	char unknown[256] = "", err[512] = "";

	conf_defaults(&c);
	CHECK(iptmig_modprobe(&c, text, "f", unknown, sizeof(unknown), err,
	    sizeof(err)) == 0);
	CHECK_EQ(c.protocol, 10);
	CHECK_EQ(c.refresh_rate, 5);
	CHECK_EQ(c.timeout_rate, 2);
	CHECK_EQ(c.engine_id, 7);
	CHECK_EQ(c.natevents, 1);
	CHECK_EQ(c.sampler.mode, SAMPLER_HASH);
	CHECK_EQ(c.sampler.n, 100);
	CHECK(strcmp(unknown, "promisc") == 0);
	CHECK(iptmig_key("snmp-rules") == NULL);
	CHECK(strcmp(iptmig_key("maxflows"), "maxflows") == 0);
}

/* Refused with conf_set()'s message (the CLI's), nothing applied. */
static void
bad(const char *text, const char *want)
{
	struct conf c, before;
	char unknown[256] = "", err[512] = "";

	conf_defaults(&c);
	before = c;
	CHECK(iptmig_modprobe(&c, text, "m.conf", unknown, sizeof(unknown),
	    err, sizeof(err)) == -1);
	if (strcmp(err, want) != 0)
		fprintf(stderr, "got  \"%s\"\nwant \"%s\"\n", err, want);
	CHECK(strcmp(err, want) == 0);
	CHECK(memcmp(&c, &before, sizeof(c)) == 0);
}

static void
test_bad_values(void)
{
	struct conf c;
	char cli[512];

	bad("options ipt_NETFLOW maxflows=5 active_timeout=0\n",
	    "m.conf:1: active_timeout = \"0\": must be an integer 1..86400");
	bad("\noptions ipt_NETFLOW hashsize=100\n",
	    "m.conf:2: hashsize = \"100\": must be 0 (automatic) or an "
	    "integer 256..16777216");
	bad("options ipt_NETFLOW protocol=7\n", "m.conf:1: protocol = \"7\": "
	    "must be 5 (NetFlow v5), 9 (NetFlow v9) or 10 (IPFIX)");
	bad("options ipt_NETFLOW debug\n",
	    "m.conf:1: \"debug\" is not name=value");
	/* the very words the CLI and the config file use */
	conf_defaults(&c);
	CHECK(conf_set(&c, "inactive_timeout", "-1", cli, sizeof(cli)) < 0);
	bad("options ipt_NETFLOW inactive_timeout=-1\n", "m.conf:1: "
	    "inactive_timeout = \"-1\": must be an integer 1..86400");
	CHECK(strstr("m.conf:1: inactive_timeout = \"-1\": must be an "
	    "integer 1..86400", cli) != NULL);
}

static void
put(const char *dir, const char *name, const char *v)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "w")) != NULL) {
		fputs(v, f);
		fclose(f);
	}
}

static void
test_sysctl(void)
{
	char dir[] = "/tmp/test-iptmig.XXXXXX", cmd[600];
	char unknown[256] = "", err[512] = "";
	struct conf c;

	CHECK(mkdtemp(dir) != NULL);
	put(dir, "active_timeout", "300\n");
	put(dir, "destination", "127.0.0.1:9995\n");
	put(dir, "scan-min", "1\n");
	conf_defaults(&c);
	CHECK(iptmig_sysctl(&c, dir, unknown, sizeof(unknown), err,
	    sizeof(err)) == 0);
	CHECK_EQ(c.active_timeout, 300);
	CHECK(strcmp(c.destination, "127.0.0.1:9995") == 0);
	CHECK(strcmp(unknown, "scan-min") == 0);
	put(dir, "maxflows", "lots\n");
	CHECK(iptmig_sysctl(&c, dir, unknown, sizeof(unknown), err,
	    sizeof(err)) == -1);
	CHECK(strstr(err, "/maxflows: maxflows = \"lots\": must be an "
	    "integer 0..4294967295") != NULL);
	/* absent: the module is not loaded, nothing to do */
	CHECK(iptmig_sysctl(&c, "/nonexistent/netflow", unknown,
	    sizeof(unknown), err, sizeof(err)) == 0);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	CHECK(system(cmd) == 0);
}

int
main(void)
{
	test_manual_options();
	test_other_options();
	test_bad_values();
	test_sysctl();
	return check_done();
}
