/* test-offload: what show and enable say about offloads (offload.h). */
#include <stdio.h>
#include <string.h>

#include "cli/offload.h"
#include "util/check.h"

static char out[4096];

static const char *
report(const struct offload_if *v, int n, const struct conf *c, int json)
{
	FILE *f = fmemopen(out, sizeof(out), "w");

	CHECK(f != NULL);
	offload_report(f, v, n, c, json);
	fclose(f);
	return out;
}

int
main(void)
{
	struct offload_if v[2];
	struct conf c;
	int n;

	conf_defaults(&c);
	memset(v, 0, sizeof(v));
	snprintf(v[0].name, sizeof(v[0].name), "eth0");
	v[0].gro = 1;
	v[0].tso = 1;
	snprintf(v[1].name, sizeof(v[1].name), "eth1");
	v[1].lro = 1;

	/* nothing on: nothing said, an empty JSON list */
	CHECK(strcmp(report(v, 0, &c, 0), "") == 0);
	CHECK(strcmp(report(v, 0, &c, 1), "  \"offloads\": [],\n") == 0);

	/* nflog: the interfaces, their offloads, and the wire packets */
	report(v, 2, &c, 0);
	CHECK(strstr(out, "Offloads on metered interfaces: eth0 (GRO TSO), "
	    "eth1 (LRO).") != NULL);
	CHECK(strstr(out, "wire packets") != NULL);
	CHECK(strstr(out, "\"Super-packets\"") != NULL);
	/* conntrack capture: fewer packets than on the wire */
	c.capture = CAPTURE_CONNTRACK;
	report(v, 2, &c, 0);
	CHECK(strstr(out, "exports fewer packets than crossed the wire") !=
	    NULL);
	/* JSON: one object per interface */
	report(v, 1, &c, 1);
	CHECK(strcmp(out, "  \"offloads\": [{\"interface\": \"eth0\", "
	    "\"gro\": true, \"lro\": false, \"tso\": true, \"gso\": false}],"
	    "\n") == 0);

	/* the scan itself: loopback is never listed, the count is bounded */
	n = offload_scan(v, 2);
	CHECK(n >= -1 && n <= 2);
	for (; n > 0; n--)
		CHECK(strcmp(v[n - 1].name, "lo") != 0);
	return check_done();
}
