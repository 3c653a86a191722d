/*
 * test-nf5: the NetFlow v5 encoder against bytes written out by hand from
 * the v5 layout, then parsed back.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "util/check.h"
#include "export/nf5.h"
#include "test-recs.h"

/* The v9/IPFIX tests' IPv4 record with v5's own fields and other times. */
static void
sample_rec(struct flow_rec *r)
{
	test_rec4(r);
	r->first = 1000;
	r->last = 0x12345678;
	r->nexthop = inet_addr("10.0.0.1");
	r->src_as = 0x1234;
	r->dst_as = 0xabcd;
	r->end_reason = 0;	/* v5 has no field for it: parsed back as 0 */
}

static const uint8_t rec_bytes[NF5_REC_LEN] = {
	192, 0, 2, 1,			/* srcaddr */
	198, 51, 100, 7,		/* dstaddr */
	10, 0, 0, 1,			/* nexthop */
	0x00, 0x03,			/* input */
	0x01, 0x02,			/* output */
	0x01, 0x02, 0x03, 0x04,		/* dPkts */
	0x0a, 0x0b, 0x0c, 0x0d,		/* dOctets */
	0x00, 0x00, 0x03, 0xe8,		/* First 1000 */
	0x12, 0x34, 0x56, 0x78,		/* Last */
	0x30, 0x39,			/* srcport 12345 */
	0x00, 0x50,			/* dstport 80 */
	0x00,				/* pad1 */
	0x1b,				/* tcp_flags FIN|SYN|PSH|ACK */
	0x06,				/* prot TCP */
	0xb8,				/* tos */
	0x12, 0x34,			/* src_as */
	0xab, 0xcd,			/* dst_as */
	24, 16,				/* src_mask, dst_mask */
	0x00, 0x00,			/* pad2 */
};

static const uint8_t hdr_bytes[NF5_HDR_LEN] = {
	0x00, 0x05,			/* version */
	0x00, 0x02,			/* count */
	0x11, 0x22, 0x33, 0x44,		/* sys_uptime */
	0x5f, 0x5e, 0x10, 0x00,		/* unix_secs */
	0x1d, 0xcd, 0x65, 0x00,		/* unix_nsecs 500000000 */
	0xde, 0xad, 0xbe, 0xef,		/* flow_sequence */
	0x01,				/* engine_type */
	0x02,				/* engine_id */
	0x40, 0x64,			/* sampling: mode 1, interval 100 */
};

static void
sample_hdr(struct nf5_hdr *h)
{
	memset(h, 0, sizeof(*h));
	h->count = 2;
	h->sys_uptime = 0x11223344;
	h->unix_secs = 0x5f5e1000;
	h->unix_nsecs = 500000000;
	h->flow_sequence = 0xdeadbeef;
	h->engine_type = 1;
	h->engine_id = 2;
	h->sampling = 0x4064;
}

static void
test_sizes(void)
{
	CHECK_EQ(NF5_HDR_LEN, 24);
	CHECK_EQ(NF5_REC_LEN, 48);
	CHECK_EQ(NF5_MAXRECS, 30);
	CHECK_EQ(NF5_MAXLEN, 1464);
}

static void
test_known_bytes(void)
{
	uint8_t buf[NF5_MAXLEN];
	struct flow_rec r;
	struct nf5_hdr h;

	memset(buf, 0xee, sizeof(buf));
	sample_hdr(&h);
	sample_rec(&r);
	nf5_put_hdr(buf, &h);
	nf5_put_rec(buf, 0, &r);
	r.key.sport = 53;
	nf5_put_rec(buf, 1, &r);

	CHECK(memcmp(buf, hdr_bytes, NF5_HDR_LEN) == 0);
	CHECK(memcmp(buf + NF5_HDR_LEN, rec_bytes, NF5_REC_LEN) == 0);
	/* Record 1 sits right after record 0 and differs only in srcport. */
	CHECK(memcmp(buf + NF5_HDR_LEN + NF5_REC_LEN, rec_bytes, 32) == 0);
	CHECK_EQ(buf[NF5_HDR_LEN + NF5_REC_LEN + 32], 0);
	CHECK_EQ(buf[NF5_HDR_LEN + NF5_REC_LEN + 33], 53);
	CHECK(memcmp(buf + NF5_HDR_LEN + NF5_REC_LEN + 34, rec_bytes + 34,
	    NF5_REC_LEN - 34) == 0);
	/* Nothing written past the second record. */
	CHECK_EQ(buf[NF5_HDR_LEN + 2 * NF5_REC_LEN], 0xee);
}

/* The pads are written as zero whatever was in the buffer. */
static void
test_pads_zeroed(void)
{
	uint8_t buf[NF5_HDR_LEN + NF5_REC_LEN];
	struct flow_rec r;

	memset(buf, 0xff, sizeof(buf));
	sample_rec(&r);
	nf5_put_rec(buf, 0, &r);
	CHECK_EQ(buf[NF5_HDR_LEN + 36], 0);
	CHECK_EQ(buf[NF5_HDR_LEN + 46], 0);
	CHECK_EQ(buf[NF5_HDR_LEN + 47], 0);
}

static void
test_round_trip(void)
{
	uint8_t buf[NF5_MAXLEN];
	struct flow_rec r, back;
	struct nf5_hdr h, hb;
	unsigned i;

	sample_hdr(&h);
	h.count = NF5_MAXRECS;
	nf5_put_hdr(buf, &h);
	CHECK_EQ(nf5_get_hdr(buf, sizeof(buf), &hb), 0);
	CHECK(memcmp(&h, &hb, sizeof(h)) == 0);

	for (i = 0; i < NF5_MAXRECS; i++) {
		sample_rec(&r);
		r.key.sport = (uint16_t)(i * 1000);
		r.packets = i;
		r.key.ifin = i;
		nf5_put_rec(buf, i, &r);
	}
	for (i = 0; i < NF5_MAXRECS; i++) {
		sample_rec(&r);
		r.key.sport = (uint16_t)(i * 1000);
		r.packets = i;
		r.key.ifin = i;
		memset(&back, 0x5a, sizeof(back));
		CHECK_EQ(nf5_get_rec(buf, sizeof(buf), i, &back), 0);
		CHECK(memcmp(&r, &back, sizeof(r)) == 0);
	}
}

static void
test_limits(void)
{
	uint8_t buf[NF5_MAXLEN];
	struct flow_rec r;
	struct nf5_hdr h;

	memset(buf, 0, sizeof(buf));
	sample_hdr(&h);
	nf5_put_hdr(buf, &h);
	errno = 0;
	CHECK_EQ(nf5_get_hdr(buf, NF5_HDR_LEN - 1, &h), -1);
	CHECK_EQ(errno, EMSGSIZE);
	CHECK_EQ(nf5_get_hdr(buf, NF5_HDR_LEN, &h), 0);

	/* Record idx needs the whole record within len. */
	CHECK_EQ(nf5_get_rec(buf, NF5_HDR_LEN, 0, &r), -1);
	CHECK_EQ(nf5_get_rec(buf, NF5_HDR_LEN + NF5_REC_LEN - 1, 0, &r), -1);
	CHECK_EQ(nf5_get_rec(buf, NF5_HDR_LEN + NF5_REC_LEN, 0, &r), 0);
	CHECK_EQ(nf5_get_rec(buf, NF5_HDR_LEN + 2 * NF5_REC_LEN, 1, &r), 0);
	CHECK_EQ(nf5_get_rec(buf, NF5_HDR_LEN + 2 * NF5_REC_LEN, 2, &r), -1);
	CHECK_EQ(nf5_get_rec(buf, NF5_MAXLEN, NF5_MAXRECS - 1, &r), 0);
	errno = 0;
	CHECK_EQ(nf5_get_rec(buf, NF5_MAXLEN + NF5_REC_LEN, NF5_MAXRECS, &r),
	    -1);
	CHECK_EQ(errno, EMSGSIZE);

	/* Not version 5. */
	buf[1] = 9;
	errno = 0;
	CHECK_EQ(nf5_get_hdr(buf, NF5_HDR_LEN, &h), -1);
	CHECK_EQ(errno, EPROTO);
}

/* ifindex beyond v5's 16 bits saturates at 65535 (nf5.h). */
static void
test_ifindex_clamp(void)
{
	uint8_t buf[NF5_HDR_LEN + NF5_REC_LEN];
	struct flow_rec r, back;

	sample_rec(&r);
	r.key.ifin = 65535;
	r.ifout = 65536 + 7;	/* truncation would give 7 */
	nf5_put_rec(buf, 0, &r);
	CHECK_EQ(buf[NF5_HDR_LEN + 12], 0xff);
	CHECK_EQ(buf[NF5_HDR_LEN + 13], 0xff);
	CHECK_EQ(buf[NF5_HDR_LEN + 14], 0xff);
	CHECK_EQ(buf[NF5_HDR_LEN + 15], 0xff);
	CHECK_EQ(nf5_get_rec(buf, sizeof(buf), 0, &back), 0);
	CHECK_EQ(back.key.ifin, NF5_IFINDEX_MAX);
	CHECK_EQ(back.ifout, NF5_IFINDEX_MAX);

	r.key.ifin = UINT32_MAX;
	r.ifout = 65534;
	nf5_put_rec(buf, 0, &r);
	CHECK_EQ(nf5_get_rec(buf, sizeof(buf), 0, &back), 0);
	CHECK_EQ(back.key.ifin, 65535);
	CHECK_EQ(back.ifout, 65534);
}

/* ICMP: dport carries type * 256 + code, written like any port. */
static void
test_icmp_port(void)
{
	uint8_t buf[NF5_HDR_LEN + NF5_REC_LEN];
	struct flow_rec r;

	sample_rec(&r);
	r.key.proto = 1;
	r.key.sport = 0;
	r.key.dport = 3 * 256 + 3;	/* port unreachable */
	nf5_put_rec(buf, 0, &r);
	CHECK_EQ(buf[NF5_HDR_LEN + 32], 0);
	CHECK_EQ(buf[NF5_HDR_LEN + 33], 0);
	CHECK_EQ(buf[NF5_HDR_LEN + 34], 3);
	CHECK_EQ(buf[NF5_HDR_LEN + 35], 3);
	CHECK_EQ(buf[NF5_HDR_LEN + 38], 1);
}

/*
 * sampling_interval: mode in the top 2 bits, N in the low 14, as bytes 22
 * and 23 of the header.
 */
static void
test_sampling(void)
{
	static const struct {
		unsigned mode;
		uint32_t n;
		uint8_t b22, b23;
	} tab[] = {
		{ 0, 0, 0x00, 0x00 },
		{ NF5_SAMPLING_DETERMINISTIC, 10, 0x40, 0x0a },
		{ NF5_SAMPLING_RANDOM, 10, 0x80, 0x0a },
		{ NF5_SAMPLING_RANDOM, 100, 0x80, 0x64 },
		{ NF5_SAMPLING_DETERMINISTIC, 16383, 0x7f, 0xff },
		{ NF5_SAMPLING_RANDOM, 2, 0x80, 0x02 },
	};
	uint8_t buf[NF5_HDR_LEN];
	struct nf5_hdr h, back;
	size_t i;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		sample_hdr(&h);
		h.sampling = nf5_sampling(tab[i].mode, tab[i].n);
		nf5_put_hdr(buf, &h);
		CHECK_EQ(buf[22], tab[i].b22);
		CHECK_EQ(buf[23], tab[i].b23);
		CHECK_EQ(nf5_get_hdr(buf, sizeof(buf), &back), 0);
		CHECK_EQ(back.sampling >> 14, tab[i].mode);
		CHECK_EQ(back.sampling & NF5_SAMPLING_INTERVAL_MAX, tab[i].n);
	}
	/* an interval past 14 bits never spills into the mode */
	CHECK_EQ(nf5_sampling(NF5_SAMPLING_DETERMINISTIC, 0x4005), 0x4005);
}

int
main(void)
{
	test_sizes();
	test_known_bytes();
	test_pads_zeroed();
	test_round_trip();
	test_limits();
	test_ifindex_clamp();
	test_icmp_port();
	test_sampling();
	return check_done();
}
