/* test-agg: agg_parse() and agg_apply() with ipt_NETFLOW's semantics. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "flow/agg.h"
#include "util/check.h"

static uint32_t
ip(const char *s)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		return 0xdeadbeef;
	return a.s_addr;
}

static struct flow_key
key(const char *src, uint16_t sport, const char *dst, uint16_t dport,
    uint8_t proto)
{
	struct flow_key k;

	flow_key_clear(&k);
	k.src = ip(src);
	k.dst = ip(dst);
	k.sport = sport;
	k.dport = dport;
	k.proto = proto;
	k.tos = 0x10;
	k.ifin = 3;
	return k;
}

/* SPEC 3.1's example, to the letter. */
static void
test_spec_example(void)
{
	struct agg a;
	struct flow_key k;
	uint8_t sm = 99, dm = 99;
	char err[512];

	CHECK(agg_parse("192.0.0.0/8=16,80-89=80", &a, err, sizeof(err)) == 0);
	CHECK_EQ(a.nnet, 1);
	CHECK_EQ(a.nport, 1);
	CHECK_EQ(a.net[0].net, 0xc0000000);
	CHECK_EQ(a.net[0].mask, 0xff000000);
	CHECK_EQ(a.net[0].to_mask, 0xffff0000);
	CHECK_EQ(a.net[0].m, 8);
	CHECK_EQ(a.net[0].n, 16);
	CHECK(a.port[0].lo == 80 && a.port[0].hi == 89 && a.port[0].to == 80);

	k = key("192.168.1.2", 34567, "10.0.0.1", 85, 6);
	agg_apply(&a, &k, &sm, &dm);
	CHECK_EQ(k.src, ip("192.168.0.0"));
	CHECK_EQ(k.sport, 34567);
	CHECK_EQ(k.dst, ip("10.0.0.1"));
	CHECK_EQ(k.dport, 80);
	CHECK_EQ(sm, 8);
	CHECK_EQ(dm, 0);
	/* the rest of the key is not aggregation's business */
	CHECK_EQ(k.proto, 6);
	CHECK_EQ(k.tos, 0x10);
	CHECK_EQ(k.ifin, 3);

	/* the reply direction, over UDP */
	k = key("10.0.0.1", 85, "192.168.1.2", 34567, 17);
	agg_apply(&a, &k, &sm, &dm);
	CHECK_EQ(k.src, ip("10.0.0.1"));
	CHECK_EQ(k.sport, 80);
	CHECK_EQ(k.dst, ip("192.168.0.0"));
	CHECK_EQ(k.dport, 34567);
	CHECK_EQ(sm, 0);
	CHECK_EQ(dm, 8);

	/* ports outside 80..89 and addresses outside 192/8 stay */
	k = key("193.1.1.1", 79, "10.0.0.1", 90, 6);
	agg_apply(&a, &k, &sm, &dm);
	CHECK_EQ(k.src, ip("193.1.1.1"));
	CHECK(k.sport == 79 && k.dport == 90 && sm == 0 && dm == 0);
	k = key("1.1.1.1", 89, "2.2.2.2", 80, 6);
	agg_apply(&a, &k, &sm, &dm);
	CHECK(k.sport == 80 && k.dport == 80);
}

/* The first matching rule wins, for source and destination separately. */
static void
test_first_match(void)
{
	struct agg a;
	struct flow_key k;
	uint8_t sm, dm;
	char err[512];

	CHECK(agg_parse("10.1.0.0/16=24,10.0.0.0/8=8,0.0.0.0/0=32,"
	    "1000-2000=1000,1500=1500,0-65535=7", &a, err, sizeof(err)) == 0);
	CHECK_EQ(a.nnet, 3);
	CHECK_EQ(a.nport, 3);

	k = key("10.1.2.3", 1500, "10.9.8.7", 443, 17);
	agg_apply(&a, &k, &sm, &dm);
	CHECK_EQ(k.src, ip("10.1.2.0"));
	CHECK_EQ(sm, 16);
	CHECK_EQ(k.dst, ip("10.0.0.0"));
	CHECK_EQ(dm, 8);
	CHECK_EQ(k.sport, 1000);	/* not 1500: the range came first */
	CHECK_EQ(k.dport, 7);

	/* /0 matches everything; /32 keeps the address whole */
	k = key("203.0.113.5", 0, "198.51.100.9", 65535, 132);
	agg_apply(&a, &k, &sm, &dm);
	CHECK_EQ(k.src, ip("203.0.113.5"));
	CHECK_EQ(k.dst, ip("198.51.100.9"));
	CHECK(sm == 0 && dm == 0);
	CHECK(k.sport == 7 && k.dport == 7);

	/* the network in a rule is masked to /M as given */
	CHECK(agg_parse("10.1.2.3/8=0", &a, err, sizeof(err)) == 0);
	CHECK_EQ(a.net[0].net, 0x0a000000);
	k = key("10.200.1.1", 1, "11.0.0.1", 2, 6);
	agg_apply(&a, &k, &sm, &dm);
	CHECK_EQ(k.src, 0);
	CHECK_EQ(sm, 8);
	CHECK_EQ(k.dst, ip("11.0.0.1"));
	CHECK_EQ(dm, 0);
}

/* Port rules touch TCP, UDP, SCTP and UDP-Lite only. */
static void
test_protocols(void)
{
	static const uint8_t with[] = { 6, 17, 132, 136 };
	static const uint8_t without[] = { 0, 1, 2, 41, 47, 50, 58, 255 };
	struct agg a;
	struct flow_key k;
	uint8_t sm, dm;
	char err[512];
	size_t i;

	CHECK(agg_parse("0-65535=1, 10.0.0.0/8=8", &a, err, sizeof(err)) == 0);
	for (i = 0; i < sizeof(with); i++) {
		k = key("10.0.0.1", 1234, "10.0.0.2", 80, with[i]);
		agg_apply(&a, &k, &sm, &dm);
		CHECK(k.sport == 1 && k.dport == 1);
	}
	for (i = 0; i < sizeof(without); i++) {
		/* ICMP echo request: type 8, code 0 in dport */
		k = key("10.0.0.1", 0, "10.0.0.2", 8 * 256, without[i]);
		agg_apply(&a, &k, &sm, &dm);
		CHECK(k.sport == 0 && k.dport == 8 * 256);
		/* network rules apply to every protocol */
		CHECK(k.src == ip("10.0.0.0") && sm == 8 && dm == 8);
	}
}

static void
test_empty(void)
{
	struct agg a;
	struct flow_key k, orig;
	uint8_t sm = 5, dm = 5;
	char err[512];

	memset(&a, 0xff, sizeof(a));
	CHECK(agg_parse("", &a, err, sizeof(err)) == 0);
	CHECK(a.nnet == 0 && a.nport == 0);
	memset(&a, 0xff, sizeof(a));
	CHECK(agg_parse("  \t ", &a, err, sizeof(err)) == 0);
	CHECK(a.nnet == 0 && a.nport == 0);
	orig = k = key("192.168.1.2", 34567, "10.0.0.1", 85, 6);
	agg_apply(&a, &k, &sm, &dm);
	CHECK(memcmp(&k, &orig, sizeof(k)) == 0);
	CHECK(sm == 0 && dm == 0);

	/* blanks around rules are fine */
	CHECK(agg_parse(" 192.0.0.0/8=16 ,\t80-89=80 ", &a, err,
	    sizeof(err)) == 0);
	CHECK(a.nnet == 1 && a.nport == 1);

	/* bounds that are allowed */
	CHECK(agg_parse("0.0.0.0/0=0,255.255.255.255/32=32,0=0,65535=65535,"
	    "0-65535=0", &a, err, sizeof(err)) == 0);
	CHECK(a.nnet == 2 && a.nport == 3);
}

/* A malformed rule anywhere rejects the whole value; out is untouched. */
static void
bad(const char *s, const char *rule)
{
	struct agg a;
	char err[512] = "", want[128];

	CHECK(agg_parse("1.0.0.0/8=8,1=2", &a, err, sizeof(err)) == 0);
	CHECK(agg_parse(s, &a, err, sizeof(err)) == -1);
	CHECK(a.nnet == 1 && a.nport == 1 && a.port[0].to == 2);
	/* the message names the rule and shows the syntax */
	snprintf(want, sizeof(want), "rule \"%s\"", rule);
	if (strstr(err, want) == NULL || strstr(err, "A.B.C.D/M=N") == NULL ||
	    strstr(err, "P1-P2=Q") == NULL) {
		fprintf(stderr, "  \"%s\": %s\n", s, err);
		CHECK(0);
	}
}

static void
test_errors(void)
{
	char many[2048];
	struct agg a;
	char err[512];
	size_t n;
	int i;

	bad("192.0.0.0/8", "192.0.0.0/8");		/* missing '=' */
	bad("80-89", "80-89");
	bad("192.0.0.0/33=16", "192.0.0.0/33=16");	/* M > 32 */
	bad("192.0.0.0/8=33", "192.0.0.0/8=33");	/* N > 32 */
	bad("192.0.0.0/-1=8", "192.0.0.0/-1=8");
	bad("192.0.0.0=8", "192.0.0.0=8");		/* missing /M */
	bad("192.0.0/8=16", "192.0.0/8=16");
	bad("192.0.0.256/8=16", "192.0.0.256/8=16");
	bad("host/8=16", "host/8=16");
	bad("192.0.0.0/8=", "192.0.0.0/8=");
	bad("192.0.0.0/=8", "192.0.0.0/=8");
	bad("192.0.0.0/8=16=4", "192.0.0.0/8=16=4");
	bad("90-80=80", "90-80=80");			/* P1 > P2 */
	bad("80-65536=80", "80-65536=80");
	bad("65536=1", "65536=1");
	bad("80=65536", "80=65536");
	bad("-80=80", "-80=80");
	bad("80-=80", "80-=80");
	bad("+80=80", "+80=80");
	bad("80=x", "80=x");
	bad("8 0=80", "8 0=80");
	bad("junk", "junk");
	bad("=", "=");
	/* good rules before or after do not save a bad one */
	bad("192.0.0.0/8=16,80-89=80,foo", "foo");
	bad("foo,192.0.0.0/8=16", "foo");
	bad("192.0.0.0/8=16,,80=80", "");
	bad("192.0.0.0/8=16,", "");

	/* at most AGG_MAX of each kind */
	for (i = 0, n = 0; i < AGG_MAX; i++)
		n += (size_t)snprintf(many + n, sizeof(many) - n, "%s%d=1",
		    i ? "," : "", i);
	CHECK(agg_parse(many, &a, err, sizeof(err)) == 0);
	CHECK_EQ(a.nport, AGG_MAX);
	snprintf(many + n, sizeof(many) - n, ",9999=1");
	CHECK(agg_parse(many, &a, err, sizeof(err)) == -1);
	CHECK(strstr(err, "9999=1") != NULL);
}

/* IPv6 network rules: same syntax, prefixes up to 128, first match wins. */
static void
test_ipv6(void)
{
	struct agg a;
	struct flow_key k;
	struct flow_v6 v6;
	uint8_t want[16];
	uint8_t sm, dm;
	char err[256];

	CHECK_EQ(agg_parse("2001:2:0:1::/64=48, 2001:2::/32=40, "
	    "192.0.0.0/8=16, 80-89=80", &a, err, sizeof(err)), 0);
	CHECK_EQ(a.nnet6, 2);
	CHECK_EQ(a.nnet, 1);
	CHECK_EQ(a.nport, 1);
	flow_key_clear(&k);
	k.v6 = 1;
	k.proto = 6;
	k.sport = 34567;
	k.dport = 85;
	inet_pton(AF_INET6, "2001:2:0:1:aaaa::1", v6.src);	/* rule 1 */
	inet_pton(AF_INET6, "2001:2:ff00::9", v6.dst);		/* rule 2 */
	agg_apply6(&a, &k, &v6, &sm, &dm);
	CHECK_EQ(sm, 64);
	CHECK_EQ(dm, 32);
	inet_pton(AF_INET6, "2001:2::", want);			/* /48 */
	CHECK(memcmp(v6.src, want, 16) == 0);
	inet_pton(AF_INET6, "2001:2:ff00::", want);		/* /40 */
	CHECK(memcmp(v6.dst, want, 16) == 0);
	CHECK_EQ(k.sport, 34567);
	CHECK_EQ(k.dport, 80);
	/* outside every IPv6 rule: untouched, mask 0; /0 rule matches all */
	inet_pton(AF_INET6, "2001:db8::1", v6.src);
	memcpy(want, v6.src, 16);
	agg_apply6(&a, &k, &v6, &sm, &dm);
	CHECK_EQ(sm, 0);
	CHECK(memcmp(v6.src, want, 16) == 0);
	CHECK_EQ(agg_parse("::/0=128", &a, err, sizeof(err)), 0);
	agg_apply6(&a, &k, &v6, &sm, &dm);
	CHECK_EQ(sm, 0);		/* M of ::/0 is 0 */
	CHECK(memcmp(v6.src, want, 16) == 0);
	CHECK_EQ(agg_parse("2001:2::/64=61", &a, err, sizeof(err)), 0);
	inet_pton(AF_INET6, "2001:2::ffff:1", v6.src);
	agg_apply6(&a, &k, &v6, &sm, &dm);
	CHECK_EQ(sm, 64);
	inet_pton(AF_INET6, "2001:2::", want);
	CHECK(memcmp(v6.src, want, 16) == 0);
	/* an odd prefix length masks inside a byte */
	CHECK_EQ(agg_parse("2001:2::/29=29", &a, err, sizeof(err)), 0);
	inet_pton(AF_INET6, "2001:7::1", v6.src);		/* 0x0007: /29 */
	agg_apply6(&a, &k, &v6, &sm, &dm);
	CHECK_EQ(sm, 29);
	inet_pton(AF_INET6, "2001::", want);
	CHECK(memcmp(v6.src, want, 16) == 0);
	/* errors name the rule */
	CHECK_EQ(agg_parse("2001:2::/129=48", &a, err, sizeof(err)), -1);
	CHECK(strstr(err, "2001:2::/129=48") != NULL &&
	    strstr(err, "0..128") != NULL);
	CHECK_EQ(agg_parse("2001:zz::/32=48", &a, err, sizeof(err)), -1);
	CHECK(strstr(err, "bad IPv6 network address") != NULL);
	CHECK_EQ(agg_parse("2001:2::/32=129", &a, err, sizeof(err)), -1);
}

int
main(void)
{
	test_spec_example();
	test_first_match();
	test_protocols();
	test_empty();
	test_errors();
	test_ipv6();
	return check_done();
}
