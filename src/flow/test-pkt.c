/* test-pkt: pkt_parse() on hand-built IPv4 and IPv6 packets. */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "util/check.h"
#include "flow/pkt.h"

/*
 * Build an IPv4 header of ihl words (options filled with NOPs) followed by
 * l4len bytes of L4 header/payload; returns the total length built.
 */
static size_t
build(uint8_t *buf, unsigned ihl, uint8_t proto, uint16_t frag,
    const uint8_t *l4, size_t l4len)
{
	size_t hlen = ihl * 4, tot = hlen + l4len;

	memset(buf, 0, tot);
	buf[0] = (uint8_t)(0x40 | ihl);
	buf[1] = 0xb8;				/* ToS: EF */
	buf[2] = (uint8_t)(tot >> 8);
	buf[3] = (uint8_t)tot;
	buf[6] = (uint8_t)(frag >> 8);
	buf[7] = (uint8_t)frag;
	buf[8] = 64;
	buf[9] = proto;
	buf[12] = 192; buf[13] = 0; buf[14] = 2; buf[15] = 1;
	buf[16] = 198; buf[17] = 51; buf[18] = 100; buf[19] = 7;
	memset(buf + 20, 1, hlen - 20);		/* IPOPT_NOP */
	if (l4len)
		memcpy(buf + hlen, l4, l4len);
	return tot;
}

static const uint8_t tcp_syn_ack[20] = {
	0x30, 0x39,		/* sport 12345 */
	0x00, 0x50,		/* dport 80 */
	0, 0, 0, 1, 0, 0, 0, 0,
	0x50, 0x12,		/* doff 5, SYN|ACK */
	0xff, 0xff, 0, 0, 0, 0,
};

static const uint8_t udp_dns[8] = { 0xc0, 0x00, 0x00, 0x35, 0, 8, 0, 0 };

static void
check_addrs(const struct pkt_info *pi)
{
	CHECK_EQ(pi->key.src, inet_addr("192.0.2.1"));
	CHECK_EQ(pi->key.dst, inet_addr("198.51.100.7"));
	CHECK_EQ(pi->key.ifin, 0);
	CHECK_EQ(pi->key.v6, 0);
	CHECK_EQ(pi->key.pad, 0);
	CHECK_EQ(pi->key.tos, 0xb8);
}

static void
test_tcp(void)
{
	uint8_t b[128];
	struct pkt_info pi;
	size_t n = build(b, 5, 6, 0, tcp_syn_ack, sizeof(tcp_syn_ack));

	memset(&pi, 0xaa, sizeof(pi));
	CHECK_EQ(pkt_parse(b, n, &pi), PKT_OK);
	check_addrs(&pi);
	CHECK_EQ(pi.key.proto, 6);
	CHECK_EQ(pi.key.sport, 12345);
	CHECK_EQ(pi.key.dport, 80);
	CHECK_EQ(pi.tcp_flags, 0x12);
	CHECK_EQ(pi.ip_len, 40);
	CHECK_EQ(pi.fragment, 0);

	/* A copy range that cut the payload: ip_len is still tot_len. */
	b[2] = 0x05; b[3] = 0xdc;		/* 1500 */
	CHECK_EQ(pkt_parse(b, 40, &pi), PKT_OK);
	CHECK_EQ(pi.ip_len, 1500);
	CHECK_EQ(pi.tcp_flags, 0x12);

	/* Ports captured, flags not: metered, flags 0 (documented). */
	CHECK_EQ(pkt_parse(b, 20 + 13, &pi), PKT_OK);
	CHECK_EQ(pi.key.dport, 80);
	CHECK_EQ(pi.tcp_flags, 0);
	CHECK_EQ(pkt_parse(b, 20 + 14, &pi), PKT_OK);
	CHECK_EQ(pi.tcp_flags, 0x12);
}

static void
test_udp_sctp_udplite(void)
{
	uint8_t b[128];
	struct pkt_info pi;
	uint8_t proto[] = { 17, 132, 136 };
	size_t n, k;

	for (k = 0; k < sizeof(proto); k++) {
		n = build(b, 5, proto[k], 0, udp_dns, sizeof(udp_dns));
		CHECK_EQ(pkt_parse(b, n, &pi), PKT_OK);
		check_addrs(&pi);
		CHECK_EQ(pi.key.proto, proto[k]);
		CHECK_EQ(pi.key.sport, 0xc000);
		CHECK_EQ(pi.key.dport, 53);
		CHECK_EQ(pi.tcp_flags, 0);
		CHECK_EQ(pi.ip_len, 28);
	}
}

static void
test_icmp(void)
{
	uint8_t b[128];
	uint8_t echo[8] = { 8, 0, 0, 0, 0, 1, 0, 1 };
	uint8_t unreach[8] = { 3, 3, 0, 0, 0, 0, 0, 0 };
	struct pkt_info pi;
	size_t n;

	n = build(b, 5, 1, 0, echo, sizeof(echo));
	CHECK_EQ(pkt_parse(b, n, &pi), PKT_OK);
	CHECK_EQ(pi.key.proto, 1);
	CHECK_EQ(pi.key.sport, 0);
	CHECK_EQ(pi.key.dport, 8 * 256 + 0);
	n = build(b, 5, 1, 0, unreach, sizeof(unreach));
	CHECK_EQ(pkt_parse(b, n, &pi), PKT_OK);
	CHECK_EQ(pi.key.dport, 3 * 256 + 3);
	/* Type and code are 2 bytes: enough. */
	CHECK_EQ(pkt_parse(b, 22, &pi), PKT_OK);
	CHECK_EQ(pkt_parse(b, 21, &pi), PKT_TRUNCATED);
}

static void
test_options(void)
{
	uint8_t b[128];
	struct pkt_info pi;
	size_t n;
	unsigned ihl;

	for (ihl = 6; ihl <= 15; ihl++) {
		n = build(b, ihl, 6, 0, tcp_syn_ack, sizeof(tcp_syn_ack));
		CHECK_EQ(pkt_parse(b, n, &pi), PKT_OK);
		check_addrs(&pi);
		CHECK_EQ(pi.key.sport, 12345);
		CHECK_EQ(pi.key.dport, 80);
		CHECK_EQ(pi.tcp_flags, 0x12);
		CHECK_EQ(pi.ip_len, ihl * 4 + 20);
		/* caplen short of the options */
		CHECK_EQ(pkt_parse(b, ihl * 4 - 1, &pi), PKT_TRUNCATED);
		/* options complete, ports cut */
		CHECK_EQ(pkt_parse(b, ihl * 4 + 3, &pi), PKT_TRUNCATED);
		CHECK_EQ(pkt_parse(b, ihl * 4 + 4, &pi), PKT_OK);
	}
	n = build(b, 7, 17, 0, udp_dns, sizeof(udp_dns));
	CHECK_EQ(pkt_parse(b, n, &pi), PKT_OK);
	CHECK_EQ(pi.key.dport, 53);
}

static void
test_truncated(void)
{
	uint8_t b[128];
	struct pkt_info pi;
	size_t n = build(b, 5, 17, 0, udp_dns, sizeof(udp_dns));

	CHECK_EQ(pkt_parse(b, 0, &pi), PKT_TRUNCATED);
	CHECK_EQ(pkt_parse(b, 10, &pi), PKT_TRUNCATED);
	CHECK_EQ(pkt_parse(b, 19, &pi), PKT_TRUNCATED);
	CHECK_EQ(pkt_parse(b, 20, &pi), PKT_TRUNCATED);	/* no ports */
	CHECK_EQ(pkt_parse(b, 23, &pi), PKT_TRUNCATED);
	CHECK_EQ(pkt_parse(b, 24, &pi), PKT_OK);
	CHECK_EQ(pkt_parse(b, n, &pi), PKT_OK);

	/* caplen < ihl*4 */
	n = build(b, 6, 17, 0, udp_dns, sizeof(udp_dns));
	CHECK_EQ(pkt_parse(b, 20, &pi), PKT_TRUNCATED);
	CHECK_EQ(pkt_parse(b, 23, &pi), PKT_TRUNCATED);
}

static void
test_malformed(void)
{
	uint8_t b[128];
	struct pkt_info pi;
	size_t n = build(b, 5, 17, 0, udp_dns, sizeof(udp_dns));

	b[0] = 0x44;				/* ihl 4 */
	CHECK_EQ(pkt_parse(b, n, &pi), PKT_MALFORMED);
	b[0] = 0x40;				/* ihl 0 */
	CHECK_EQ(pkt_parse(b, n, &pi), PKT_MALFORMED);
	b[0] = 0x45;
	b[2] = 0; b[3] = 19;			/* tot_len < 20 */
	CHECK_EQ(pkt_parse(b, n, &pi), PKT_MALFORMED);
	b[3] = 0;
	CHECK_EQ(pkt_parse(b, n, &pi), PKT_MALFORMED);

	n = build(b, 6, 17, 0, udp_dns, sizeof(udp_dns));
	b[2] = 0; b[3] = 20;			/* tot_len < ihl*4 = 24 */
	CHECK_EQ(pkt_parse(b, n, &pi), PKT_MALFORMED);

	/* The packet itself too short for its ports (not our copy). */
	n = build(b, 5, 17, 0, udp_dns, 2);
	CHECK_EQ(pkt_parse(b, n + 10, &pi), PKT_MALFORMED);

	/* Neither 4 nor 6: garbage (documented). */
	n = build(b, 5, 17, 0, udp_dns, sizeof(udp_dns));
	b[0] = 0x55;
	CHECK_EQ(pkt_parse(b, n, &pi), PKT_MALFORMED);
}

/*
 * An IPv6 header (traffic class 0xb8, flow label 0x12345, 2001:2::1 ->
 * 2001:2::2) with next header nh, followed by rest (rlen bytes, which the
 * payload length covers).
 */
static size_t
build6(uint8_t *b, uint8_t nh, const uint8_t *rest, size_t rlen)
{
	memset(b, 0, 40);
	b[0] = 0x6b;			/* version 6, traffic class 0xb. */
	b[1] = 0x81;			/* .8, flow label 0x1.... */
	b[2] = 0x23;
	b[3] = 0x45;
	b[4] = (uint8_t)(rlen >> 8);
	b[5] = (uint8_t)rlen;
	b[6] = nh;
	b[7] = 64;
	b[8] = 0x20; b[9] = 0x01; b[11] = 0x02; b[23] = 1;
	b[24] = 0x20; b[25] = 0x01; b[27] = 0x02; b[39] = 2;
	if (rlen > 0)		/* rest may be NULL then (memcpy's contract) */
		memcpy(b + 40, rest, rlen);
	return 40 + rlen;
}

/* Every extension header we walk, then TCP: 40 + 52 + 20 bytes. */
static const uint8_t chain[] = {
	43, 0, 1, 4, 0, 0, 0, 0,		/* hop-by-hop, 8: PadN */
	60, 1, 0, 0, 0, 0, 0, 0,		/* routing, 16 */
	0, 0, 0, 0, 0, 0, 0, 0,
	51, 0, 1, 4, 0, 0, 0, 0,		/* destination options, 8 */
	44, 1, 0, 0, 0, 0, 0, 1,		/* AH, (1 + 2) * 4 = 12 */
	0, 0, 0, 0,
	6, 0, 0x00, 0x01, 0, 0, 0, 7,		/* fragment: offset 0, M */
	0x30, 0x39, 0x00, 0x50,			/* TCP 12345 -> 80 */
	0, 0, 0, 1, 0, 0, 0, 0,
	0x50, 0x12, 0xff, 0xff, 0, 0, 0, 0,	/* SYN|ACK */
};
#define CHAIN_PORTS	(40 + 52 + 4)	/* bytes the key needs */

static void
check6(const struct pkt_info *pi)
{
	static const uint8_t src[16] = { 0x20, 0x01, 0, 0x02, [15] = 1 };
	static const uint8_t dst[16] = { 0x20, 0x01, 0, 0x02, [15] = 2 };

	CHECK_EQ(pi->key.v6, 1);
	CHECK_EQ(pi->key.src, 0);
	CHECK_EQ(pi->key.dst, 0);
	CHECK_EQ(pi->key.tos, 0xb8);
	CHECK(memcmp(pi->v6.src, src, 16) == 0);
	CHECK(memcmp(pi->v6.dst, dst, 16) == 0);
}

static void
test_ipv6(void)
{
	uint8_t b[160];
	static const uint8_t icmp6[8] = { 128, 0, 0, 0, 0, 1, 0, 1 };
	struct pkt_info pi;
	size_t n;

	/* the whole chain */
	n = build6(b, 0, chain, sizeof(chain));
	CHECK_EQ(pkt_parse(b, n, &pi), PKT_OK);
	check6(&pi);
	CHECK_EQ(pi.ip_len, 40 + sizeof(chain));
	CHECK_EQ(pi.key.proto, 6);
	CHECK_EQ(pi.key.sport, 12345);
	CHECK_EQ(pi.key.dport, 80);
	CHECK_EQ(pi.tcp_flags, 0x12);
	CHECK_EQ(pi.fragment, 1);		/* first fragment, M set */

	/* ICMPv6 echo request: type 128 code 0 */
	n = build6(b, 58, icmp6, sizeof(icmp6));
	CHECK_EQ(pkt_parse(b, n, &pi), PKT_OK);
	check6(&pi);
	CHECK_EQ(pi.key.proto, 58);
	CHECK_EQ(pi.key.sport, 0);
	CHECK_EQ(pi.key.dport, 128 * 256);
	CHECK_EQ(pi.fragment, 0);
	/* ICMPv6 with one byte of its header: broken packet */
	n = build6(b, 58, icmp6, 1);
	CHECK_EQ(pkt_parse(b, n, &pi), PKT_MALFORMED);

	/* an extension header longer than the payload */
	n = build6(b, 0, chain, 6);
	CHECK_EQ(pkt_parse(b, n, &pi), PKT_MALFORMED);
	/* no next header: keyed as protocol 59, no ports */
	n = build6(b, 59, NULL, 0);
	CHECK_EQ(pkt_parse(b, n, &pi), PKT_OK);
	CHECK_EQ(pi.key.proto, 59);
	CHECK_EQ(pi.ip_len, 40);
	/* version 5 is garbage */
	b[0] = 0x50;
	CHECK_EQ(pkt_parse(b, n, &pi), PKT_MALFORMED);
}

/* Non-first IPv6 fragments: the fragment header's next header, ports 0. */
static void
test_ipv6_fragments(void)
{
	static const uint8_t later[] = {
		17, 0, 0x05, 0x68, 0, 0, 0, 7,	/* offset 173 * 8, M */
		1, 2, 3, 4, 5, 6, 7, 8,
	};
	uint8_t b[80];
	struct pkt_info pi;
	size_t n;

	n = build6(b, 44, later, sizeof(later));
	CHECK_EQ(pkt_parse(b, n, &pi), PKT_OK);
	check6(&pi);
	CHECK_EQ(pi.key.proto, 17);
	CHECK_EQ(pi.key.sport, 0);
	CHECK_EQ(pi.key.dport, 0);
	CHECK_EQ(pi.fragment, 1);
	/* the last one (M clear) is a fragment too */
	b[40 + 3] = 0x68;
	CHECK_EQ(pkt_parse(b, n, &pi), PKT_OK);
	CHECK_EQ(pi.fragment, 1);
}

/*
 * The chain cut at every byte, each copy placed right before a page the
 * process may not read: a read past caplen crashes the test.  Below the
 * bytes the key needs the verdict is PKT_TRUNCATED; from there on the key
 * is the full packet's.
 */
static void
test_ipv6_truncated(void)
{
	uint8_t full[160], *page, *p;
	struct pkt_info pi, want;
	long pg = sysconf(_SC_PAGESIZE);
	size_t n, cut;
	enum pkt_result r;

	n = build6(full, 0, chain, sizeof(chain));
	CHECK_EQ(pkt_parse(full, n, &want), PKT_OK);
	page = mmap(NULL, (size_t)pg * 2, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(page != MAP_FAILED);
	if (page == MAP_FAILED)
		return;
	CHECK(mprotect(page + pg, (size_t)pg, PROT_NONE) == 0);
	for (cut = 0; cut <= n; cut++) {
		p = page + pg - cut;
		memcpy(p, full, cut);
		r = pkt_parse(p, cut, &pi);
		if (cut < CHAIN_PORTS) {
			if (r != PKT_TRUNCATED) {
				fprintf(stderr, "  cut at %zu: %d\n", cut, r);
				CHECK_EQ(r, PKT_TRUNCATED);
			}
			continue;
		}
		CHECK_EQ(r, PKT_OK);
		CHECK(memcmp(&pi.key, &want.key, sizeof(pi.key)) == 0);
		CHECK_EQ(pi.ip_len, want.ip_len);
		/* the flags byte is the 14th of TCP's header */
		CHECK_EQ(pi.tcp_flags, cut >= CHAIN_PORTS - 4 + 14 ? 0x12 : 0);
	}
	munmap(page, (size_t)pg * 2);
}

static void
test_fragments(void)
{
	uint8_t b[128];
	struct pkt_info pi;
	size_t n;

	/* First fragment: MF, offset 0, parsed normally. */
	n = build(b, 5, 17, 0x2000, udp_dns, sizeof(udp_dns));
	CHECK_EQ(pkt_parse(b, n, &pi), PKT_OK);
	CHECK_EQ(pi.fragment, 1);
	CHECK_EQ(pi.key.sport, 0xc000);
	CHECK_EQ(pi.key.dport, 53);

	/* DF only is not a fragment. */
	n = build(b, 5, 17, 0x4000, udp_dns, sizeof(udp_dns));
	CHECK_EQ(pkt_parse(b, n, &pi), PKT_OK);
	CHECK_EQ(pi.fragment, 0);

	/* Middle fragment: MF and offset: ports 0, flags 0. */
	n = build(b, 5, 6, 0x2000 | 185, tcp_syn_ack, sizeof(tcp_syn_ack));
	CHECK_EQ(pkt_parse(b, n, &pi), PKT_OK);
	CHECK_EQ(pi.fragment, 1);
	CHECK_EQ(pi.key.sport, 0);
	CHECK_EQ(pi.key.dport, 0);
	CHECK_EQ(pi.tcp_flags, 0);
	CHECK_EQ(pi.key.proto, 6);
	check_addrs(&pi);

	/* Last fragment: offset only, and no L4 bytes needed at all. */
	n = build(b, 5, 17, 370, udp_dns, 0);
	CHECK_EQ(pkt_parse(b, n, &pi), PKT_OK);
	CHECK_EQ(pi.fragment, 1);
	CHECK_EQ(pi.key.sport, 0);
	CHECK_EQ(pi.key.dport, 0);
	CHECK_EQ(pi.ip_len, 20);

	/* ICMP non-first fragment: no type/code. */
	n = build(b, 5, 1, 370, udp_dns, 8);
	CHECK_EQ(pkt_parse(b, n, &pi), PKT_OK);
	CHECK_EQ(pi.key.dport, 0);
}

static void
test_other_proto(void)
{
	uint8_t b[128];
	uint8_t gre[4] = { 0, 0, 0x08, 0x00 };
	struct pkt_info pi;
	size_t n = build(b, 5, 47, 0, gre, sizeof(gre));

	CHECK_EQ(pkt_parse(b, n, &pi), PKT_OK);
	CHECK_EQ(pi.key.proto, 47);
	CHECK_EQ(pi.key.sport, 0);
	CHECK_EQ(pi.key.dport, 0);
	CHECK_EQ(pi.tcp_flags, 0);
	/* No L4 needed for GRE: the bare header is enough. */
	CHECK_EQ(pkt_parse(b, 20, &pi), PKT_OK);
}

/* Keys of the same flow compare equal as raw bytes (padding zeroed). */
static void
test_key_bytes(void)
{
	uint8_t b[128];
	struct pkt_info a, c;
	size_t n = build(b, 5, 6, 0, tcp_syn_ack, sizeof(tcp_syn_ack));

	memset(&a, 0x55, sizeof(a));
	memset(&c, 0xaa, sizeof(c));
	CHECK_EQ(pkt_parse(b, n, &a), PKT_OK);
	CHECK_EQ(pkt_parse(b, n, &c), PKT_OK);
	CHECK(memcmp(&a.key, &c.key, sizeof(a.key)) == 0);
}

/* Header lengths for the wire-packet count, and IPv4 BIG TCP (tot_len 0). */
static void
test_hlens_big(void)
{
	uint8_t b[128], tcp[32];
	struct pkt_info pi;
	size_t n;

	n = build(b, 5, 6, 0, tcp_syn_ack, sizeof(tcp_syn_ack));
	CHECK_EQ(pkt_parse(b, n, &pi), PKT_OK);
	CHECK_EQ(pi.ip_hlen, 20);
	CHECK_EQ(pi.l4_hlen, 20);
	CHECK_EQ(pi.big, 0);
	/* TCP with timestamps (doff 8) behind IP options (ihl 6) */
	memset(tcp, 0, sizeof(tcp));
	memcpy(tcp, tcp_syn_ack, sizeof(tcp_syn_ack));
	tcp[12] = 0x80;
	n = build(b, 6, 6, 0, tcp, sizeof(tcp));
	CHECK_EQ(pkt_parse(b, n, &pi), PKT_OK);
	CHECK_EQ(pi.ip_hlen, 24);
	CHECK_EQ(pi.l4_hlen, 32);
	/* UDP: 8; ICMP: not known */
	n = build(b, 5, 17, 0, udp_dns, sizeof(udp_dns));
	CHECK_EQ(pkt_parse(b, n, &pi), PKT_OK);
	CHECK_EQ(pi.l4_hlen, 8);
	n = build(b, 5, 1, 0, udp_dns, sizeof(udp_dns));
	CHECK_EQ(pkt_parse(b, n, &pi), PKT_OK);
	CHECK_EQ(pi.l4_hlen, 0);

	/* BIG TCP: tot_len 0 is keyed from the bytes there are */
	n = build(b, 5, 6, 0, tcp, sizeof(tcp));
	b[2] = 0;
	b[3] = 0;
	CHECK_EQ(pkt_parse(b, n, &pi), PKT_OK);
	CHECK_EQ(pi.big, 1);
	CHECK_EQ(pi.ip_len, n);
	CHECK_EQ(pi.key.dport, 80);
	CHECK_EQ(pi.l4_hlen, 32);
	/* ...but tot_len 0 on UDP stays malformed */
	n = build(b, 5, 17, 0, udp_dns, sizeof(udp_dns));
	b[2] = 0;
	b[3] = 0;
	CHECK_EQ(pkt_parse(b, n, &pi), PKT_MALFORMED);
}

int
main(void)
{
	test_tcp();
	test_udp_sctp_udplite();
	test_icmp();
	test_options();
	test_truncated();
	test_malformed();
	test_ipv6();
	test_ipv6_fragments();
	test_ipv6_truncated();
	test_fragments();
	test_other_proto();
	test_key_bytes();
	test_hlens_big();
	return check_done();
}
