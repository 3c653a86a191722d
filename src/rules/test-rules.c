/*
 * Unit tests of the rules' text forms (rules.h, ipt.h): which
 * configurations turn conntrack on and which mark rules they hold.  The
 * same description drives the netlink batch, so the text is the witness.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "rules/ipt.h"
#include "rules/rules.h"
#include "util/check.h"

static char text[16384];

static const char *
nft_of(const struct conf *c)
{
	FILE *f = fmemopen(text, sizeof(text), "w");

	CHECK(f != NULL);
	CHECK_EQ(rules_write_nft(c, NULL, f), 0);
	fclose(f);
	return text;
}

static const char *
ipt_of(const struct conf *c)
{
	FILE *f = fmemopen(text, sizeof(text), "w");

	CHECK(f != NULL);
	CHECK_EQ(ipt_plan_load(c, IPTCMD_V4, "", f), 0);
	fclose(f);
	return text;
}

/* Rule lines (not comments) holding word. */
static int
rule_has(const char *t, const char *word)
{
	const char *l = t, *nl;
	char line[512];
	size_t n;

	for (; *l; l = nl + 1) {
		nl = strchr(l, '\n');
		n = nl ? (size_t)(nl - l) : strlen(l);
		snprintf(line, sizeof(line), "%.*s", (int)n, l);
		if (line[strspn(line, " \t")] != '#' && strstr(line, word))
			return 1;
		if (nl == NULL)
			break;
	}
	return 0;
}

static void
set(struct conf *c, const char *k, const char *v)
{
	char err[256];

	CHECK_EQ(conf_set(c, k, v, err, sizeof(err)), 0);
}

int
main(void)
{
	struct conf c;
	char err[256];

	/* default: nflog, conntrack off, natevents 0 */
	conf_defaults(&c);
	CHECK_EQ(conf_uses_conntrack(&c), 0);
	nft_of(&c);
	CHECK(!rule_has(text, "ct "));
	CHECK(!rule_has(text, "notrack"));
	CHECK(rule_has(text, "meta mark 0x00006e66 return"));
	CHECK(rule_has(text, "log group 2055"));
	ipt_of(&c);
	CHECK(!rule_has(text, "conntrack"));
	CHECK(!rule_has(text, "connmark"));
	CHECK(!rule_has(text, "CONNMARK"));
	CHECK(rule_has(text, "-m mark --mark 0x6e66 -j RETURN"));
	CHECK(rule_has(text, "-j NFLOG"));

	/* conntrack = on: the ct mark rules and the ct state rule */
	set(&c, "conntrack", "on");
	CHECK_EQ(conf_uses_conntrack(&c), 1);
	nft_of(&c);
	CHECK(rule_has(text, "meta mark 0x00006e66 ct mark set 0x00006e66 "
	    "return"));
	CHECK(rule_has(text, "ct mark 0x00006e66 return"));
	CHECK(rule_has(text, "ct state new,established,related,untracked"));
	ipt_of(&c);
	CHECK(rule_has(text, "-m conntrack --ctstate"));
	CHECK(rule_has(text, "-m connmark --mark 0x6e66 -j RETURN"));
	CHECK(rule_has(text, "CONNMARK --set-xmark"));

	/* natevents = 1 needs conntrack whatever the key says */
	conf_defaults(&c);
	set(&c, "natevents", "1");
	CHECK_EQ(conf_uses_conntrack(&c), 1);
	CHECK(rule_has(nft_of(&c), "ct state"));

	/* capture = conntrack always has it */
	conf_defaults(&c);
	set(&c, "capture", "conntrack");
	CHECK_EQ(conf_uses_conntrack(&c), 1);
	nft_of(&c);
	CHECK(rule_has(text, "ct state"));
	CHECK(rule_has(text, "meta mark 0x00006e66 notrack"));
	CHECK(!rule_has(text, "log group"));

	/* export_mark 0 is "no mark": no rule matches a mark of 0 */
	conf_defaults(&c);
	set(&c, "export_mark", "0");
	nft_of(&c);
	CHECK(!rule_has(text, "mark"));
	CHECK(rule_has(text, "log group"));
	ipt_of(&c);
	CHECK(!rule_has(text, "mark"));
	set(&c, "conntrack", "on");
	CHECK(!rule_has(nft_of(&c), "mark"));
	CHECK(!rule_has(ipt_of(&c), "mark"));
	set(&c, "capture", "conntrack");
	nft_of(&c);
	CHECK(!rule_has(text, "mark"));
	CHECK(!rule_has(text, "notrack"));

	/* the key takes on and off only, and says so */
	conf_defaults(&c);
	CHECK_EQ(conf_set(&c, "conntrack", "yes", err, sizeof(err)), -1);
	CHECK(strstr(err, "conntrack = \"yes\": must be on or off") != NULL);
	CHECK_EQ(c.conntrack, 0);
	return check_done();
}
