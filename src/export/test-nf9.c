/*
 * test-nf9: NetFlow v9 messages against bytes written out by hand from
 * RFC 3954's layouts (header, template FlowSet, data FlowSets with
 * padding) and the templates of ie.c.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "util/check.h"
#include "export/fmt.h"
#include "export/nf9.h"
#include "test-recs.h"

static const uint8_t msg1[] = {
	/* header */
	0x00, 0x09,			/* version 9 */
	0x00, 0x04,			/* count: 2 templates + 2 data records */
	0x00, 0x00, 0x27, 0x10,		/* sysUpTime 10000 */
	0x65, 0x53, 0xf1, 0x00,		/* unix_secs 1700000000 */
	0x00, 0x00, 0x00, 0x00,		/* sequence: first packet */
	0x00, 0x00, 0x00, 0x2a,		/* source id = engine_id 42 */
	/* template FlowSet: 4 + 64 + 72 bytes */
	0x00, 0x00, 0x00, 0x8c,
	0x01, 0x00, 0x00, 0x0f,		/* template 256 (IPv4), 15 fields */
	0x00, 0x08, 0x00, 0x04,		/* IPV4_SRC_ADDR */
	0x00, 0x0c, 0x00, 0x04,		/* IPV4_DST_ADDR */
	0x00, 0x07, 0x00, 0x02,		/* L4_SRC_PORT */
	0x00, 0x0b, 0x00, 0x02,		/* L4_DST_PORT */
	0x00, 0x04, 0x00, 0x01,		/* PROTOCOL */
	0x00, 0x05, 0x00, 0x01,		/* SRC_TOS */
	0x00, 0x06, 0x00, 0x01,		/* TCP_FLAGS */
	0x00, 0x3c, 0x00, 0x01,		/* IP_PROTOCOL_VERSION */
	0x00, 0x0a, 0x00, 0x04,		/* INPUT_SNMP */
	0x00, 0x0e, 0x00, 0x04,		/* OUTPUT_SNMP */
	0x00, 0x02, 0x00, 0x08,		/* IN_PKTS */
	0x00, 0x01, 0x00, 0x08,		/* IN_BYTES */
	0x00, 0x20, 0x00, 0x02,		/* ICMP_TYPE */
	0x00, 0x16, 0x00, 0x04,		/* FIRST_SWITCHED */
	0x00, 0x15, 0x00, 0x04,		/* LAST_SWITCHED */
	0x01, 0x01, 0x00, 0x11,		/* template 257 (IPv6), 17 fields */
	0x00, 0x1b, 0x00, 0x10,		/* IPV6_SRC_ADDR */
	0x00, 0x1c, 0x00, 0x10,		/* IPV6_DST_ADDR */
	0x00, 0x07, 0x00, 0x02,
	0x00, 0x0b, 0x00, 0x02,
	0x00, 0x04, 0x00, 0x01,
	0x00, 0x05, 0x00, 0x01,
	0x00, 0x06, 0x00, 0x01,
	0x00, 0x3c, 0x00, 0x01,
	0x00, 0x0a, 0x00, 0x04,
	0x00, 0x0e, 0x00, 0x04,
	0x00, 0x02, 0x00, 0x08,
	0x00, 0x01, 0x00, 0x08,
	0x00, 0x8b, 0x00, 0x02,		/* icmpTypeCodeIPv6 */
	0x00, 0xb2, 0x00, 0x01,		/* icmpTypeIPv6 */
	0x00, 0xb3, 0x00, 0x01,		/* icmpCodeIPv6 */
	0x00, 0x16, 0x00, 0x04,
	0x00, 0x15, 0x00, 0x04,
	/* data FlowSet 256: 4 + 50 + 2 padding */
	0x01, 0x00, 0x00, 0x38,
	192, 0, 2, 1,
	198, 51, 100, 7,
	0x30, 0x39,			/* 12345 */
	0x00, 0x50,			/* 80 */
	0x06, 0xb8, 0x1b,		/* TCP, tos, flags */
	0x04,				/* ipVersion */
	0x00, 0x00, 0x00, 0x03,		/* in */
	0x00, 0x00, 0x01, 0x02,		/* out */
	0, 0, 0, 0, 0x01, 0x02, 0x03, 0x04,	/* packets */
	0, 0, 0, 0, 0x0a, 0x0b, 0x0c, 0x0d,	/* bytes */
	0x00, 0x00,			/* ICMP type/code: not ICMP */
	0x00, 0x00, 0x0f, 0xa0,		/* First 4000 */
	0x00, 0x00, 0x23, 0x28,		/* Last 9000 */
	0x00, 0x00,			/* padding */
	/* data FlowSet 257: 4 + 76, no padding needed */
	0x01, 0x01, 0x00, 0x50,
	0x20, 0x01, 0x00, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
	0x20, 0x01, 0x00, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2,
	0x00, 0x00,			/* sport */
	0x80, 0x00,			/* dport: type 128 * 256 */
	0x3a, 0x00, 0x00,		/* ICMPv6, traffic class, flags */
	0x06,				/* ipVersion */
	0x00, 0x00, 0x00, 0x05,
	0x00, 0x00, 0x00, 0x06,
	0, 0, 0, 0, 0, 0, 0, 2,
	0, 0, 0, 0, 0, 0, 0, 208,
	0x80, 0x00,			/* echo request */
	0x80,				/* type 128 */
	0x00,				/* code 0 */
	0x00, 0x00, 0x0f, 0xa0,
	0x00, 0x00, 0x23, 0x28,
};

static void
cfg9(struct fmt_cfg *c)
{
	memset(c, 0, sizeof(*c));
	c->protocol = 9;
	c->engine_id = 42;
	c->refresh_rate = 20;
	c->timeout_ms = 30 * 60000;
}

/* Templates before the first data, then the two records, padded. */
static void
test_first_message(void)
{
	struct fmt f;
	struct fmt_cfg c;
	struct flow_rec r;
	struct nf9_hdr h;
	size_t len;

	cfg9(&c);
	fmt_init(&f, &c);
	test_rec4(&r);
	CHECK_EQ(fmt_add(&f, &r, &test_clock), 0);
	test_rec6(&r);
	CHECK_EQ(fmt_add(&f, &r, &test_clock), 0);
	len = fmt_finish(&f, &test_clock);
	CHECK_EQ(len, sizeof(msg1));
	CHECK(len == sizeof(msg1) && memcmp(f.buf, msg1, len) == 0);
	CHECK_EQ(nf9_get_hdr(f.buf, len, &h), 0);
	CHECK_EQ(h.count, 4);
	CHECK_EQ(h.source_id, 42);

	/* The next one: no template, sequence 1, one record of 56 bytes. */
	test_rec4(&r);
	CHECK_EQ(fmt_add(&f, &r, &test_clock), 0);
	len = fmt_finish(&f, &test_clock);
	CHECK_EQ(len, 20 + 56);
	CHECK_EQ(nf9_get_hdr(f.buf, len, &h), 0);
	CHECK_EQ(h.count, 1);
	CHECK_EQ(h.sequence, 1);
	CHECK(memcmp(f.buf + 20, msg1 + 20 + 140, 56) == 0);
	CHECK_EQ(fmt_finish(&f, &test_clock), 0);
}

/* Masks: template 258 with 9 and 13 before the times. */
static void
test_masks(void)
{
	static const uint8_t tmpl[] = {
		0x01, 0x02, 0x00, 0x11,
		0x00, 0x08, 0x00, 0x04, 0x00, 0x0c, 0x00, 0x04,
		0x00, 0x07, 0x00, 0x02, 0x00, 0x0b, 0x00, 0x02,
		0x00, 0x04, 0x00, 0x01, 0x00, 0x05, 0x00, 0x01,
		0x00, 0x06, 0x00, 0x01, 0x00, 0x3c, 0x00, 0x01,
		0x00, 0x0a, 0x00, 0x04, 0x00, 0x0e, 0x00, 0x04,
		0x00, 0x02, 0x00, 0x08, 0x00, 0x01, 0x00, 0x08,
		0x00, 0x20, 0x00, 0x02,
		0x00, 0x09, 0x00, 0x01,		/* SRC_MASK */
		0x00, 0x0d, 0x00, 0x01,		/* DST_MASK */
		0x00, 0x16, 0x00, 0x04, 0x00, 0x15, 0x00, 0x04,
	};
	/* data record: masks 24, 16 after the ICMP field */
	static const uint8_t tail[] = { 0x00, 0x00, 24, 16, 0x00, 0x00, 0x0f,
		0xa0, 0x00, 0x00, 0x23, 0x28 };
	struct fmt f;
	struct fmt_cfg c;
	struct flow_rec r;
	size_t len, data;

	cfg9(&c);
	c.masks = 1;
	fmt_init(&f, &c);
	test_rec4(&r);
	fmt_add(&f, &r, &test_clock);
	len = fmt_finish(&f, &test_clock);
	CHECK(memcmp(f.buf + 24, tmpl, sizeof(tmpl)) == 0);
	/* header 20, template set 4 + 72 + 80, data set header 4 */
	data = 20 + 4 + 72 + 80 + 4;
	CHECK_EQ(len, data + 52);
	CHECK(memcmp(f.buf + data + 40, tail, sizeof(tail)) == 0);
}

/* Sequence counts packets, whatever they hold, and wraps at 2^32. */
static void
test_sequence(void)
{
	struct fmt f;
	struct fmt_cfg c;
	struct flow_rec r;
	struct nf9_hdr h;
	unsigned i, j;
	size_t len;

	cfg9(&c);
	fmt_init(&f, &c);
	test_rec4(&r);
	for (i = 0; i < 1000; i++) {
		for (j = 0; j <= i % 7; j++)
			fmt_add(&f, &r, &test_clock);
		len = fmt_finish(&f, &test_clock);
		CHECK_EQ(nf9_get_hdr(f.buf, len, &h), 0);
		if (h.sequence != i)
			CHECK_EQ(h.sequence, i);
	}
	f.sequence = UINT32_MAX;
	fmt_add(&f, &r, &test_clock);
	fmt_finish(&f, &test_clock);
	CHECK_EQ(f.sequence, 0);
}

static void
test_get_hdr(void)
{
	struct nf9_hdr h;

	errno = 0;
	CHECK_EQ(nf9_get_hdr(msg1, NF9_HDR_LEN - 1, &h), -1);
	CHECK_EQ(errno, EMSGSIZE);
	CHECK_EQ(nf9_get_hdr((const uint8_t *)"\0\012xxxxxxxxxxxxxxxxxx", 20,
	    &h), -1);
	CHECK_EQ(errno, EPROTO);
	CHECK_EQ(nf9_get_hdr(msg1, sizeof(msg1), &h), 0);
	CHECK_EQ(h.sys_uptime, 10000);
	CHECK_EQ(h.unix_secs, 1700000000);
}

int
main(void)
{
	test_first_message();
	test_masks();
	test_sequence();
	test_get_hdr();
	return check_done();
}
