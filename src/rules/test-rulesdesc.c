/*
 * test-rulesdesc: which rules the table holds for a configuration: the
 * IPv6 log rule exactly where the export protocol can carry IPv6 and
 * packets are logged (capture = nflog), right after the IPv4 one; the
 * hash sampler's two rules in front of each family's log rule, and the
 * nft text of the IPv6 ones.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/check.h"
#include "conf/conf.h"
#include "rules/rulesdesc.h"
#include "rules/rulestext.h"

/* How many chains log IPv4 and how many IPv6 (after the IPv4 rule). */
static void
count_logs(const struct rulesdesc *d, unsigned *v4, unsigned *v6)
{
	const struct rulesdesc_chain *ch;
	unsigned i, j;

	*v4 = *v6 = 0;
	for (i = 0; i < d->nchains; i++) {
		ch = &d->chain[i];
		for (j = 0; j < ch->nrules; j++) {
			if (ch->rule[j] == R_NFLOG)
				(*v4)++;
			if (ch->rule[j] == R_NFLOG6) {
				(*v6)++;
				CHECK(j > 0 && (ch->rule[j - 1] == R_NFLOG ||
				    ch->rule[j - 1] == R_PORTS6_RETURN));
			}
		}
	}
}

static void
build(const char *proto, const char *capture, unsigned *v4, unsigned *v6)
{
	struct conf c;
	struct rulesdesc d;
	char err[256];

	conf_defaults(&c);
	CHECK_EQ(conf_set(&c, "protocol", proto, err, sizeof(err)), 0);
	CHECK_EQ(conf_set(&c, "capture", capture, err, sizeof(err)), 0);
	rulesdesc_build(&c, &d);
	count_logs(&d, v4, v6);
}

/*
 * protocol 10, sampler hash:4: every metered chain ends with the IPv4
 * pair and log, then the IPv6 pair and log; the output chain (mark, ct
 * mark, ct) fills RULESDESC_CHAIN_RULES exactly.  The text hashes the
 * IPv6 addresses.
 */
static void
test_hash6(void)
{
	static const enum rulesdesc_kind tail[] = { R_NFLOG_PORTS,
	    R_PORTS_RETURN, R_NFLOG, R_NFLOG6_PORTS, R_PORTS6_RETURN,
	    R_NFLOG6 };
	const struct rulesdesc_chain *ch;
	struct conf c;
	struct rulesdesc d;
	char err[256], *text = NULL;
	size_t len = 0, i, j, n = sizeof(tail) / sizeof(tail[0]);
	FILE *f;

	conf_defaults(&c);
	CHECK_EQ(conf_set(&c, "protocol", "10", err, sizeof(err)), 0);
	CHECK_EQ(conf_set(&c, "hooks", "input,forward,output", err,
	    sizeof(err)), 0);
	CHECK_EQ(conf_set(&c, "sampler", "hash:4", err, sizeof(err)), 0);
	/* with conntrack the output chain holds the most rules */
	CHECK_EQ(conf_set(&c, "conntrack", "on", err, sizeof(err)), 0);
	rulesdesc_build(&c, &d);
	CHECK_EQ(d.nchains, 3);
	for (i = 0; i < d.nchains; i++) {
		ch = &d.chain[i];
		CHECK(ch->nrules >= n && ch->nrules <= RULESDESC_CHAIN_RULES);
		for (j = 0; j < n && ch->nrules >= n; j++)
			CHECK_EQ(ch->rule[ch->nrules - n + j], tail[j]);
		if (strcmp(ch->name, "output") == 0)
			CHECK_EQ(ch->nrules, RULESDESC_CHAIN_RULES);
	}
	f = open_memstream(&text, &len);
	CHECK(f != NULL);
	if (f == NULL)
		return;
	CHECK_EQ(rulestext_write(&d, NULL, f), 0);
	fclose(f);
	CHECK(strstr(text, "meta nfproto ipv6 meta l4proto { tcp, udp, sctp, "
	    "udplite } jhash ip6 saddr . ip6 daddr . meta l4proto . th sport "
	    ". th dport mod 4 seed 0x6e66736d == 0 log group") != NULL);
	CHECK(strstr(text, "meta nfproto ipv6 meta l4proto { tcp, udp, sctp, "
	    "udplite } jhash ip6 saddr . ip6 daddr . meta l4proto . th sport "
	    ". th dport mod 4 seed 0x6e66736d != 0 return\n") != NULL);
	CHECK(strstr(text, "meta nfproto ipv6 jhash ip6 saddr . ip6 daddr . "
	    "meta l4proto mod 4 seed 0x6e66736d == 0 log group") != NULL);
	free(text);
}

int
main(void)
{
	unsigned v4, v6;

	build("5", "nflog", &v4, &v6);
	CHECK_EQ(v4, 3);		/* input, forward, output */
	CHECK_EQ(v6, 0);		/* v5 cannot carry IPv6 */
	build("9", "nflog", &v4, &v6);
	CHECK_EQ(v4, 3);
	CHECK_EQ(v6, 3);
	build("10", "nflog", &v4, &v6);
	CHECK_EQ(v6, 3);
	build("10", "conntrack", &v4, &v6);
	CHECK_EQ(v4, 0);		/* no packet is logged */
	CHECK_EQ(v6, 0);
	test_hash6();
	return check_done();
}
