/*
 * test-rulesdesc: which rules the table holds for a configuration: the
 * IPv6 log rule exactly where the export protocol can carry IPv6 and
 * packets are logged (capture = nflog), right after the IPv4 one.
 */
#include <string.h>

#include "util/check.h"
#include "conf/conf.h"
#include "rules/rulesdesc.h"

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
				CHECK(j > 0 && ch->rule[j - 1] == R_NFLOG);
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
	return check_done();
}
