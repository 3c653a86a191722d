/*
 * test-opts: v9/IPFIX options data against bytes written out by hand from
 * the options template layouts of RFC 3954 6.1 and RFC 7011 3.4.2.2, and
 * options datagrams split by size, numbered like the others.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "util/check.h"
#include "export/fmt.h"
#include "export/ipfix.h"
#include "export/nf9.h"
#include "export/opts.h"
#include "test-recs.h"

static const uint8_t v9_set[OPTS_TMPL_SET_LEN] = {
	0x00, 0x01, 0x00, 0x40,		/* options template FlowSet, 64 */
	0x01, 0x05,			/* template 261 */
	0x00, 0x04,			/* scope length: 1 field */
	0x00, 0x20,			/* option length: 8 fields */
	0x00, 0x01, 0x00, 0x04,		/* scope System, 4 */
	0x00, 0x29, 0x00, 0x08,		/* 41 exportedMessageTotalCount */
	0x00, 0x2a, 0x00, 0x08,		/* 42 exportedFlowRecordTotalCount */
	0x00, 0x28, 0x00, 0x08,		/* 40 exportedOctetTotalCount */
	0x00, 0xa4, 0x00, 0x08,		/* 164 ignoredPacketTotalCount */
	0x00, 0xa5, 0x00, 0x08,		/* 165 ignoredOctetTotalCount */
	0x00, 0xa6, 0x00, 0x08,		/* 166 notSentFlowTotalCount */
	0x00, 0xa7, 0x00, 0x08,		/* 167 notSentPacketTotalCount */
	0x00, 0xa8, 0x00, 0x08,		/* 168 notSentOctetTotalCount */
	0x01, 0x06,			/* template 262 */
	0x00, 0x04, 0x00, 0x08,		/* scope 4 bytes, options 2 fields */
	0x00, 0x02, 0x00, 0x04,		/* scope Interface, 4 */
	0x00, 0x52, 0x00, 0x10,		/* 82 interfaceName, 16 */
	0x00, 0x53, 0x00, 0x20,		/* 83 interfaceDescription, 32 */
};

static const uint8_t ipfix_set[OPTS_TMPL_SET_LEN] = {
	0x00, 0x03, 0x00, 0x40,		/* options template set, 64 */
	0x01, 0x05, 0x00, 0x09,		/* template 261, 9 fields */
	0x00, 0x01,			/* 1 scope field */
	0x00, 0x95, 0x00, 0x04,		/* 149 observationDomainId */
	0x00, 0x29, 0x00, 0x08,
	0x00, 0x2a, 0x00, 0x08,
	0x00, 0x28, 0x00, 0x08,
	0x00, 0xa4, 0x00, 0x08,
	0x00, 0xa5, 0x00, 0x08,
	0x00, 0xa6, 0x00, 0x08,
	0x00, 0xa7, 0x00, 0x08,
	0x00, 0xa8, 0x00, 0x08,
	0x01, 0x06, 0x00, 0x03,		/* template 262, 3 fields */
	0x00, 0x01,
	0x00, 0x0a, 0x00, 0x04,		/* 10 ingressInterface */
	0x00, 0x52, 0x00, 0x10,
	0x00, 0x53, 0x00, 0x20,
};

static void
test_templates(void)
{
	uint8_t b[OPTS_TMPL_SET_LEN];

	CHECK_EQ(opts_put_tmpl_set(b, IE_V9, 0), OPTS_TMPL_SET_LEN);
	CHECK(memcmp(b, v9_set, sizeof(b)) == 0);
	CHECK_EQ(opts_put_tmpl_set(b, IE_IPFIX, 0), OPTS_TMPL_SET_LEN);
	CHECK(memcmp(b, ipfix_set, sizeof(b)) == 0);
}

/*
 * With a sampler: the same two templates, then template 263 (scope as
 * 261, samplingInterval 34 of 4 bytes, samplingAlgorithm 35 of 1), the
 * set padded from 82 to 84; the data set: domain, N, algorithm, padded
 * to 16.
 */
static void
test_sampler(void)
{
	static const uint8_t v9_263[] = {
		0x01, 0x07,			/* template 263 */
		0x00, 0x04, 0x00, 0x08,		/* scope 4, options 2 fields */
		0x00, 0x01, 0x00, 0x04,		/* scope System, 4 */
		0x00, 0x22, 0x00, 0x04,		/* 34 samplingInterval, 4 */
		0x00, 0x23, 0x00, 0x01,		/* 35 samplingAlgorithm, 1 */
		0x00, 0x00,			/* padding */
	};
	static const uint8_t ipfix_263[] = {
		0x01, 0x07, 0x00, 0x03,		/* template 263, 3 fields */
		0x00, 0x01,			/* 1 scope field */
		0x00, 0x95, 0x00, 0x04,		/* 149 observationDomainId */
		0x00, 0x22, 0x00, 0x04,
		0x00, 0x23, 0x00, 0x01,
		0x00, 0x00,
	};
	static const uint8_t data[OPTS_SAMPLER_SET_LEN] = {
		0x01, 0x07, 0x00, 0x10,		/* set 263, 16 bytes */
		0x00, 0x00, 0x00, 0x07,		/* domain 7 */
		0x00, 0x00, 0x00, 0x64,		/* 1 in 100 */
		0x02,				/* random */
		0x00, 0x00, 0x00,		/* padding */
	};
	struct opts_sampler sm = { 7, 100, 2 };
	uint8_t b[OPTS_TMPL_SET_LEN_S];

	CHECK_EQ(opts_put_tmpl_set(b, IE_V9, 1), OPTS_TMPL_SET_LEN_S);
	CHECK(b[0] == 0x00 && b[1] == 0x01 && b[2] == 0x00 && b[3] == 84);
	CHECK(memcmp(b + 4, v9_set + 4, OPTS_TMPL_SET_LEN - 4) == 0);
	CHECK(memcmp(b + OPTS_TMPL_SET_LEN, v9_263, sizeof(v9_263)) == 0);
	CHECK_EQ(opts_put_tmpl_set(b, IE_IPFIX, 1), OPTS_TMPL_SET_LEN_S);
	CHECK(b[0] == 0x00 && b[1] == 0x03 && b[2] == 0x00 && b[3] == 84);
	CHECK(memcmp(b + 4, ipfix_set + 4, OPTS_TMPL_SET_LEN - 4) == 0);
	CHECK(memcmp(b + OPTS_TMPL_SET_LEN, ipfix_263,
	    sizeof(ipfix_263)) == 0);
	memset(b, 0xee, sizeof(b));
	opts_put_sampler_set(b, &sm);
	CHECK(memcmp(b, data, sizeof(data)) == 0);
}

/*
 * fmt with sampler deterministic:10: the first options datagram carries
 * the three templates, the statistics and the sampler's record (v9 count
 * 3 templates + 2 records + interfaces); none without a sampler.
 */
static void
test_fmt_sampler(void)
{
	struct opts_ifname ifs[2];
	struct opts_stats s = { 0 };
	struct fmt f;
	struct fmt_cfg c;
	struct nf9_hdr h9;
	unsigned next, proto;
	size_t len, off;

	memset(ifs, 0, sizeof(ifs));
	ifs[0].ifindex = 1;
	ifs[1].ifindex = 2;
	for (proto = 9; proto <= 10; proto++) {
		memset(&c, 0, sizeof(c));
		c.protocol = proto;
		c.engine_id = 5;
		c.refresh_rate = 20;
		c.timeout_ms = 60000;
		c.sampling_mode = FMT_SAMPLING_DETERMINISTIC;
		c.sampling_interval = 10;
		fmt_init(&f, &c);
		next = 0;
		len = fmt_options(&f, &s, ifs, 2, &next, &test_clock);
		off = (proto == 9 ? 20 : 16) + OPTS_TMPL_SET_LEN_S +
		    4 + OPTS_STATS_LEN;
		CHECK_EQ(len, off + OPTS_SAMPLER_SET_LEN + 4 +
		    2 * OPTS_IFNAME_LEN);
		CHECK_EQ(f.opts_stats_at, off - OPTS_STATS_LEN);
		/* set 263: domain 5, interval 10, algorithm 1 */
		CHECK(f.buf[off] == 0x01 && f.buf[off + 1] == 0x07);
		CHECK_EQ(f.buf[off + 7], 5);
		CHECK_EQ(f.buf[off + 11], 10);
		CHECK_EQ(f.buf[off + 12], 1);
		if (proto == 9) {
			CHECK_EQ(nf9_get_hdr(f.buf, len, &h9), 0);
			CHECK_EQ(h9.count, 3 + 2 + 2);
		}
		/* a new rate makes the options due again, v5 never */
		f.opts_due = 0;
		c.sampling_interval = 20;
		CHECK(fmt_reconf_flushes(&f, &c));
		fmt_reconf(&f, &c);
		CHECK(f.opts_due);
	}
	c.protocol = 5;
	fmt_init(&f, &c);
	c.sampling_interval = 30;
	CHECK(fmt_reconf_flushes(&f, &c));
	fmt_reconf(&f, &c);
	CHECK(!f.opts_due);
}

static void
test_records(void)
{
	static const uint8_t stats[OPTS_STATS_LEN] = {
		0, 0, 0, 42,
		0, 0, 0, 0, 0, 0, 0, 7,
		0, 0, 0, 0, 0, 0, 0x01, 0x00,
		0, 0, 0, 0x01, 0, 0, 0, 0,
		0, 0, 0, 0, 0, 0, 0, 3,
		0, 0, 0, 0, 0, 0, 0x01, 0x2c,
		0, 0, 0, 0, 0, 0, 0, 30,		/* 166 flows */
		0, 0, 0, 0, 0, 0, 0x03, 0xe8,		/* 167 packets */
		0, 0, 0, 0x02, 0, 0, 0, 0x01,		/* 168 octets */
	};
	uint8_t want[OPTS_IFNAME_LEN], b[OPTS_STATS_LEN];
	struct opts_stats s = { 42, 7, 256, 1ull << 32, 3, 300,
	    { 30, 1000, (2ull << 32) + 1 } };
	struct opts_notsent ns = { 1, 2, 3 };
	struct opts_ifname i;

	opts_put_stats(b, &s);
	CHECK(memcmp(b, stats, sizeof(stats)) == 0);
	/* per destination: only 166-168 change */
	opts_put_notsent(b, &ns);
	CHECK(memcmp(b, stats, OPTS_STATS_NOTSENT) == 0);
	CHECK(b[51] == 1 && b[59] == 2 && b[67] == 3);
	CHECK(b[44] == 0 && b[52] == 0 && b[60] == 0);

	memset(&i, 0, sizeof(i));
	i.ifindex = 3;
	memcpy(i.name, "eth0", 4);
	memcpy(i.descr, "uplink", 6);
	memset(want, 0, sizeof(want));
	want[3] = 3;
	memcpy(want + 4, "eth0", 4);
	memcpy(want + 20, "uplink", 6);
	memset(b, 0xee, sizeof(b));
	opts_put_ifname(b, &i);
	CHECK(memcmp(b, want, sizeof(want)) == 0);
	/* a name of 16 bytes fills its field, nothing past it */
	memcpy(i.name, "0123456789abcdef", 16);
	opts_put_ifname(b, &i);
	CHECK(memcmp(b + 4, "0123456789abcdef", 16) == 0);
	CHECK(memcmp(b + 20, "uplink", 6) == 0);
}

/*
 * 60 interfaces: 24 with the statistics, then 26, then 10; every datagram
 * within FMT_MAXLEN and numbered (v9: packets, IPFIX: records).
 */
static void
test_split(void)
{
	static const unsigned want_ifs[2][3] = { { 24, 26, 10 }, { 24, 26, 10 } };
	struct opts_ifname ifs[60];
	struct opts_stats s = { 0 };
	struct fmt f;
	struct fmt_cfg c;
	struct nf9_hdr h9;
	struct ipfix_hdr hx;
	unsigned i, d, next, proto;
	uint32_t seq;
	size_t len, stats;

	for (i = 0; i < 60; i++) {
		memset(&ifs[i], 0, sizeof(ifs[i]));
		ifs[i].ifindex = i + 1;
		snprintf(ifs[i].name, sizeof(ifs[i].name), "if%u", i + 1);
	}
	for (proto = 9; proto <= 10; proto++) {
		memset(&c, 0, sizeof(c));
		c.protocol = proto;
		c.refresh_rate = 20;
		c.timeout_ms = 60000;
		fmt_init(&f, &c);
		seq = 0;
		next = 0;
		for (d = 0; d < 3; d++) {
			len = fmt_options(&f, &s, ifs, 60, &next, &test_clock);
			CHECK(len > 0 && len <= FMT_MAXLEN);
			stats = d == 0 ? 4 + OPTS_STATS_LEN : 0;
			CHECK_EQ(len, (proto == 9 ? 20 : 16) + OPTS_TMPL_SET_LEN +
			    stats + 4 + want_ifs[proto - 9][d] * OPTS_IFNAME_LEN);
			if (proto == 9) {
				CHECK_EQ(nf9_get_hdr(f.buf, len, &h9), 0);
				CHECK_EQ(h9.sequence, d);
				CHECK_EQ(h9.count, 2 + want_ifs[0][d] + (d == 0));
			} else {
				CHECK_EQ(ipfix_get_hdr(f.buf, len, &hx), 0);
				CHECK_EQ(hx.sequence, seq);
				CHECK_EQ(hx.length, len);
				seq += want_ifs[1][d] + (d == 0);
			}
		}
		CHECK_EQ(next, 61);
		CHECK_EQ(fmt_options(&f, &s, ifs, 60, &next, &test_clock), 0);
		CHECK_EQ(f.st.options, 3);
	}
	/* v5 has none */
	c.protocol = 5;
	fmt_init(&f, &c);
	next = 0;
	CHECK_EQ(fmt_options(&f, &s, ifs, 60, &next, &test_clock), 0);
}

int
main(void)
{
	test_templates();
	test_sampler();
	test_fmt_sampler();
	test_records();
	test_split();
	return check_done();
}
