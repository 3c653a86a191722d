/*
 * test-ipfix: IPFIX messages against bytes written out by hand from RFC
 * 7011's layouts (message header, template set, data sets) and the
 * templates of ie.c; sequence numbers count data records (erratum 4396).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "util/check.h"
#include "export/fmt.h"
#include "export/ipfix.h"
#include "test-recs.h"

static const uint8_t msg1[] = {
	/* header */
	0x00, 0x0a,			/* version 10 */
	0x01, 0x3c,			/* length 316 */
	0x65, 0x53, 0xf1, 0x00,		/* export time 1700000000 */
	0x00, 0x00, 0x00, 0x00,		/* sequence: no data record before */
	0x00, 0x00, 0x00, 0x2a,		/* observation domain = engine_id 42 */
	/* template set: 4 + 68 + 76 bytes */
	0x00, 0x02, 0x00, 0x94,
	0x01, 0x00, 0x00, 0x10,		/* template 256 (IPv4), 16 fields */
	0x00, 0x08, 0x00, 0x04,		/* sourceIPv4Address */
	0x00, 0x0c, 0x00, 0x04,		/* destinationIPv4Address */
	0x00, 0x07, 0x00, 0x02,		/* sourceTransportPort */
	0x00, 0x0b, 0x00, 0x02,		/* destinationTransportPort */
	0x00, 0x04, 0x00, 0x01,		/* protocolIdentifier */
	0x00, 0x05, 0x00, 0x01,		/* ipClassOfService */
	0x00, 0x06, 0x00, 0x01,		/* tcpControlBits, reduced size */
	0x00, 0x3c, 0x00, 0x01,		/* ipVersion */
	0x00, 0x0a, 0x00, 0x04,		/* ingressInterface */
	0x00, 0x0e, 0x00, 0x04,		/* egressInterface */
	0x00, 0x02, 0x00, 0x08,		/* packetDeltaCount */
	0x00, 0x01, 0x00, 0x08,		/* octetDeltaCount */
	0x00, 0x20, 0x00, 0x02,		/* icmpTypeCodeIPv4 */
	0x00, 0x98, 0x00, 0x08,		/* flowStartMilliseconds */
	0x00, 0x99, 0x00, 0x08,		/* flowEndMilliseconds */
	0x00, 0x88, 0x00, 0x01,		/* flowEndReason */
	0x01, 0x01, 0x00, 0x12,		/* template 257 (IPv6), 18 fields */
	0x00, 0x1b, 0x00, 0x10,		/* sourceIPv6Address */
	0x00, 0x1c, 0x00, 0x10,		/* destinationIPv6Address */
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
	0x00, 0x98, 0x00, 0x08,
	0x00, 0x99, 0x00, 0x08,
	0x00, 0x88, 0x00, 0x01,
	/* data set 256: 4 + 59, no padding */
	0x01, 0x00, 0x00, 0x3f,
	192, 0, 2, 1,
	198, 51, 100, 7,
	0x30, 0x39,
	0x00, 0x50,
	0x06, 0xb8, 0x1b,
	0x04,
	0x00, 0x00, 0x00, 0x03,
	0x00, 0x00, 0x01, 0x02,
	0, 0, 0, 0, 0x01, 0x02, 0x03, 0x04,
	0, 0, 0, 0, 0x0a, 0x0b, 0x0c, 0x0d,
	0x00, 0x00,
	/* start: wall 1700000000500 ms - (10000 - 4000) = 1699999994500 */
	0x00, 0x00, 0x01, 0x8b, 0xcf, 0xe5, 0x52, 0x84,
	/* end: 1700000000500 - (10000 - 9000) = 1699999999500 */
	0x00, 0x00, 0x01, 0x8b, 0xcf, 0xe5, 0x66, 0x0c,
	0x01,				/* idle timeout */
	/* data set 257: 4 + 85 */
	0x01, 0x01, 0x00, 0x59,
	0x20, 0x01, 0x00, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
	0x20, 0x01, 0x00, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2,
	0x00, 0x00,
	0x80, 0x00,
	0x3a, 0x00, 0x00,
	0x06,
	0x00, 0x00, 0x00, 0x05,
	0x00, 0x00, 0x00, 0x06,
	0, 0, 0, 0, 0, 0, 0, 2,
	0, 0, 0, 0, 0, 0, 0, 208,
	0x80, 0x00,
	0x80, 0x00,			/* type 128, code 0 */
	0x00, 0x00, 0x01, 0x8b, 0xcf, 0xe5, 0x52, 0x84,
	0x00, 0x00, 0x01, 0x8b, 0xcf, 0xe5, 0x66, 0x0c,
	0x02,				/* active timeout */
};

static void
test_first_message(void)
{
	struct fmt f;
	struct flow_rec r;
	struct ipfix_hdr h;
	size_t len;

	len = test_two_records(&f, 10);
	CHECK_EQ(len, sizeof(msg1));
	CHECK(len == sizeof(msg1) && memcmp(f.buf, msg1, len) == 0);

	/* Next: sequence 2 (two data records before), no template. */
	test_rec6(&r);
	fmt_add(&f, &r, &test_clock);
	len = fmt_finish(&f, &test_clock);
	CHECK_EQ(len, 16 + 89);
	CHECK_EQ(ipfix_get_hdr(f.buf, len, &h), 0);
	CHECK_EQ(h.length, len);
	CHECK_EQ(h.sequence, 2);
	CHECK(memcmp(f.buf + 16, msg1 + 16 + 148 + 63, 89) == 0);
}

/* Across many messages of varying size the sequence adds up the records. */
static void
test_sequence(void)
{
	struct fmt f;
	struct fmt_cfg c;
	struct flow_rec r4, r6;
	struct ipfix_hdr h;
	uint32_t want = 0;
	unsigned i, j, n;
	size_t len;

	test_cfg(&c, 10);
	c.refresh_rate = 3;
	fmt_init(&f, &c);
	test_rec4(&r4);
	test_rec6(&r6);
	for (i = 0; i < 1000; i++) {
		n = 1 + i % 13;
		for (j = 0; j < n; j++)
			fmt_add(&f, j % 3 ? &r4 : &r6, &test_clock);
		len = fmt_finish(&f, &test_clock);
		CHECK_EQ(ipfix_get_hdr(f.buf, len, &h), 0);
		if (h.sequence != want || h.length != len) {
			CHECK_EQ(h.sequence, want);
			CHECK_EQ(h.length, len);
		}
		want += n;
	}
	/* modulo 2^32 */
	f.sequence = UINT32_MAX - 1;
	fmt_add(&f, &r4, &test_clock);
	fmt_add(&f, &r4, &test_clock);
	fmt_add(&f, &r4, &test_clock);
	fmt_finish(&f, &test_clock);
	CHECK_EQ(f.sequence, 1);
}

/* natevents: the NAT template after the flow templates, and one event. */
static void
test_nat(void)
{
	static const uint8_t tmpl[] = {
		0x01, 0x04, 0x00, 0x0b,		/* template 260, 11 fields */
		0x00, 0x08, 0x00, 0x04,		/* sourceIPv4Address (pre-NAT) */
		0x00, 0x0c, 0x00, 0x04,		/* destinationIPv4Address */
		0x00, 0x07, 0x00, 0x02,		/* sourceTransportPort */
		0x00, 0x0b, 0x00, 0x02,		/* destinationTransportPort */
		0x00, 0x04, 0x00, 0x01,		/* protocolIdentifier */
		0x00, 0xe1, 0x00, 0x04,		/* postNATSourceIPv4Address */
		0x00, 0xe2, 0x00, 0x04,		/* postNATDestinationIPv4Address */
		0x00, 0xe3, 0x00, 0x02,		/* postNAPTSourceTransportPort */
		0x00, 0xe4, 0x00, 0x02,		/* postNAPTDestination... */
		0x00, 0xe6, 0x00, 0x01,		/* natEvent */
		0x01, 0x43, 0x00, 0x08,		/* observationTimeMilliseconds */
	};
	static const uint8_t rec[] = {
		0x01, 0x04, 0x00, 0x26,		/* data set 260: 4 + 34 */
		198, 18, 1, 2,
		198, 19, 1, 2,
		0x9c, 0x40,			/* 40000 */
		0x17, 0x70,			/* 6000 */
		0x06,
		198, 19, 1, 1,			/* masqueraded source */
		198, 19, 1, 2,
		0x75, 0x30,			/* 30000 */
		0x17, 0x70,
		0x01,				/* NAT44 session create */
		/* 1700000000500 - (10000 - 4000) */
		0x00, 0x00, 0x01, 0x8b, 0xcf, 0xe5, 0x52, 0x84,
	};
	static const uint8_t tmpl6[] = {
		0x01, 0x08, 0x00, 0x0b,		/* template 264, 11 fields */
		0x00, 0x1b, 0x00, 0x10,		/* sourceIPv6Address (pre-NAT) */
		0x00, 0x1c, 0x00, 0x10,		/* destinationIPv6Address */
		0x00, 0x07, 0x00, 0x02,		/* sourceTransportPort */
		0x00, 0x0b, 0x00, 0x02,		/* destinationTransportPort */
		0x00, 0x04, 0x00, 0x01,		/* protocolIdentifier */
		0x01, 0x19, 0x00, 0x10,		/* postNATSourceIPv6Address */
		0x01, 0x1a, 0x00, 0x10,		/* postNATDestinationIPv6Address */
		0x00, 0xe3, 0x00, 0x02,		/* postNAPTSourceTransportPort */
		0x00, 0xe4, 0x00, 0x02,		/* postNAPTDestination... */
		0x00, 0xe6, 0x00, 0x01,		/* natEvent */
		0x01, 0x43, 0x00, 0x08,		/* observationTimeMilliseconds */
	};
	struct fmt f;
	struct fmt_cfg c;
	struct flow_rec r;
	struct rec_nat x;
	size_t len, off;

	test_cfg(&c, 10);
	c.nat = 1;
	fmt_init(&f, &c);
	memset(&x, 0, sizeof(x));
	x.pre_src = inet_addr("198.18.1.2");
	x.pre_dst = inet_addr("198.19.1.2");
	x.post_src = inet_addr("198.19.1.1");
	x.post_dst = inet_addr("198.19.1.2");
	x.pre_sport = 40000;
	x.pre_dport = x.post_dport = 6000;
	x.post_sport = 30000;
	x.event = REC_NAT_CREATE;
	memset(&r, 0, sizeof(r));
	r.key.proto = 6;
	r.first = r.last = 4000;
	r.nat = &x;
	CHECK_EQ(fmt_add(&f, &r, &test_clock), 0);
	len = fmt_finish(&f, &test_clock);
	/* header, template set: 4 + 68 (IPv4) + 76 (IPv6) + 48 (NAT) + 48 */
	off = 16 + 4 + 68 + 76;
	CHECK_EQ(f.buf[18], 0);
	CHECK_EQ(f.buf[19], 4 + 68 + 76 + 48 + 48);
	CHECK(memcmp(f.buf + off, tmpl, sizeof(tmpl)) == 0);
	off += sizeof(tmpl);
	CHECK(memcmp(f.buf + off, tmpl6, sizeof(tmpl6)) == 0);
	off += sizeof(tmpl6);
	CHECK_EQ(len, off + sizeof(rec));
	CHECK(len == off + sizeof(rec) &&
	    memcmp(f.buf + off, rec, sizeof(rec)) == 0);
}

/* natevents with NAT66: an IPv6 connection's event in template 264. */
static void
test_nat6(void)
{
	static const uint8_t rec[] = {
		0x01, 0x08, 0x00, 0x56,		/* data set 264: 4 + 82 */
		0x20, 0x01, 0x00, 0x02, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 2,
		0x20, 0x01, 0x00, 0x02, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 2,
		0x9c, 0x40,			/* 40000 */
		0x17, 0x70,			/* 6000 */
		0x11,
		0x20, 0x01, 0x00, 0x02, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 1,
		0x20, 0x01, 0x00, 0x02, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 2,
		0x75, 0x30,			/* 30000 */
		0x17, 0x70,
		0x02,				/* session delete */
		0x00, 0x00, 0x01, 0x8b, 0xcf, 0xe5, 0x52, 0x84,
	};
	struct fmt f;
	struct fmt_cfg c;
	struct flow_rec r;
	struct flow_v6 a;
	struct rec_nat x;
	size_t len, off;

	test_cfg(&c, 10);
	c.nat = 1;
	fmt_init(&f, &c);
	memset(&x, 0, sizeof(x));
	inet_pton(AF_INET6, "2001:2:0:1::2", x.pre6.src);
	inet_pton(AF_INET6, "2001:2:0:2::2", x.pre6.dst);
	inet_pton(AF_INET6, "2001:2:0:2::1", x.post6.src);
	inet_pton(AF_INET6, "2001:2:0:2::2", x.post6.dst);
	x.pre_sport = 40000;
	x.pre_dport = x.post_dport = 6000;
	x.post_sport = 30000;
	x.event = REC_NAT_DELETE;
	memset(&a, 0xee, sizeof(a));	/* the flow's: not in the event */
	memset(&r, 0, sizeof(r));
	r.key.proto = 17;
	r.key.v6 = 1;
	r.v6 = &a;
	r.first = r.last = 4000;
	r.nat = &x;
	CHECK_EQ(fmt_add(&f, &r, &test_clock), 0);
	len = fmt_finish(&f, &test_clock);
	off = 16 + 4 + 68 + 76 + 48 + 48;
	CHECK_EQ(len, off + sizeof(rec));
	CHECK(len == off + sizeof(rec) &&
	    memcmp(f.buf + off, rec, sizeof(rec)) == 0);

	/* v5 cannot carry it */
	c.protocol = 5;
	fmt_init(&f, &c);
	CHECK_EQ(fmt_add(&f, &r, &test_clock), -1);
}

static void
test_get_hdr(void)
{
	struct ipfix_hdr h;

	errno = 0;
	CHECK_EQ(ipfix_get_hdr(msg1, IPFIX_HDR_LEN - 1, &h), -1);
	CHECK_EQ(errno, EMSGSIZE);
	CHECK_EQ(ipfix_get_hdr((const uint8_t *)"\0\011xxxxxxxxxxxxxx", 16,
	    &h), -1);
	CHECK_EQ(errno, EPROTO);
	CHECK_EQ(ipfix_get_hdr(msg1, sizeof(msg1), &h), 0);
	CHECK_EQ(h.length, 316);
	CHECK_EQ(h.domain, 42);
}

int
main(void)
{
	test_first_message();
	test_sequence();
	test_nat();
	test_nat6();
	test_get_hdr();
	return check_done();
}
