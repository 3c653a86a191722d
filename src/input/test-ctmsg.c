/*
 * test-ctmsg: ctmsg_parse() on ctnetlink messages built by hand, as the
 * kernel lays them out: IPv4 and IPv6 connections, ICMP and ICMPv6,
 * counters, timestamps and the TCP state; malformed ones (cut at every
 * byte, a used attribute of the wrong size) refused without reading past
 * the message (each copy is malloc'd to its exact length, so the sanitizer
 * build sees any read past it); and the datagram walk.
 */
#include <arpa/inet.h>
#include <endian.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <linux/netlink.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack_tcp.h>

#include "util/check.h"
#include "input/ctmsg.h"

struct msg {
	uint8_t buf[1024];
	size_t len;
	size_t nest[8];
	int depth;
};

static void
put(struct msg *m, const void *p, size_t n)
{
	memcpy(m->buf + m->len, p, n);
	m->len += n;
	while (m->len % 4)
		m->buf[m->len++] = 0;
}

static void
attr(struct msg *m, uint16_t type, const void *p, uint16_t n)
{
	struct nlattr a = { .nla_len = (uint16_t)(4 + n), .nla_type = type };

	memcpy(m->buf + m->len, &a, sizeof(a));
	m->len += sizeof(a);
	if (n > 0)
		memcpy(m->buf + m->len, p, n);
	m->len += n;
	while (m->len % 4)
		m->buf[m->len++] = 0;
}

static void
u8(struct msg *m, uint16_t type, uint8_t v)
{
	attr(m, type, &v, 1);
}

static void
be16(struct msg *m, uint16_t type, uint16_t v)
{
	v = htons(v);
	attr(m, type, &v, 2);
}

static void
be32(struct msg *m, uint16_t type, uint32_t v)
{
	v = htonl(v);
	attr(m, type, &v, 4);
}

static void
be64(struct msg *m, uint16_t type, uint64_t v)
{
	v = htobe64(v);
	attr(m, type, &v, 8);
}

static void
open_nest(struct msg *m, uint16_t type)
{
	m->nest[m->depth++] = m->len;
	attr(m, type | NLA_F_NESTED, NULL, 0);
}

static void
close_nest(struct msg *m)
{
	struct nlattr *a = (struct nlattr *)(m->buf + m->nest[--m->depth]);

	a->nla_len = (uint16_t)(m->buf + m->len - (uint8_t *)a);
}

static void
begin(struct msg *m, uint8_t family, uint8_t type, uint16_t flags)
{
	struct nlmsghdr h = { .nlmsg_type = NFNL_SUBSYS_CTNETLINK << 8 | type,
	    .nlmsg_flags = flags };
	struct nfgenmsg g = { .nfgen_family = family, .version = NFNETLINK_V0 };

	memset(m, 0, sizeof(*m));
	put(m, &h, sizeof(h));
	put(m, &g, sizeof(g));
}

static void
end(struct msg *m)
{
	((struct nlmsghdr *)m->buf)->nlmsg_len = (uint32_t)m->len;
}

/* one tuple: family's addresses, then ports or ICMP(v6) id/type/code */
static void
tuple(struct msg *m, uint16_t which, int v6, const void *src,
    const void *dst, uint8_t proto, uint16_t a, uint16_t b, uint8_t type)
{
	open_nest(m, which);
	open_nest(m, CTA_TUPLE_IP);
	attr(m, v6 ? CTA_IP_V6_SRC : CTA_IP_V4_SRC, src, v6 ? 16 : 4);
	attr(m, v6 ? CTA_IP_V6_DST : CTA_IP_V4_DST, dst, v6 ? 16 : 4);
	close_nest(m);
	open_nest(m, CTA_TUPLE_PROTO);
	u8(m, CTA_PROTO_NUM, proto);
	if (proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6) {
		be16(m, v6 ? CTA_PROTO_ICMPV6_ID : CTA_PROTO_ICMP_ID, a);
		u8(m, v6 ? CTA_PROTO_ICMPV6_TYPE : CTA_PROTO_ICMP_TYPE, type);
		u8(m, v6 ? CTA_PROTO_ICMPV6_CODE : CTA_PROTO_ICMP_CODE, 0);
	} else {
		be16(m, CTA_PROTO_SRC_PORT, a);
		be16(m, CTA_PROTO_DST_PORT, b);
	}
	close_nest(m);
	close_nest(m);
}

static void
counters(struct msg *m, uint16_t which, uint64_t p, uint64_t b)
{
	open_nest(m, which);
	be64(m, CTA_COUNTERS_PACKETS, p);
	be64(m, CTA_COUNTERS_BYTES, b);
	close_nest(m);
}

static uint8_t A6[16], B6[16], R6[16];

/* DESTROY of a NATed IPv6 TCP connection, counters, stamps, TCP state */
static void
mk_v6(struct msg *m)
{
	begin(m, AF_INET6, IPCTNL_MSG_CT_DELETE, 0);
	tuple(m, CTA_TUPLE_ORIG, 1, A6, B6, IPPROTO_TCP, 40000, 6000, 0);
	tuple(m, CTA_TUPLE_REPLY, 1, B6, R6, IPPROTO_TCP, 6000, 30000, 0);
	be32(m, CTA_STATUS, 0x1b8);
	open_nest(m, CTA_PROTOINFO);
	open_nest(m, CTA_PROTOINFO_TCP);
	u8(m, CTA_PROTOINFO_TCP_STATE, TCP_CONNTRACK_TIME_WAIT);
	close_nest(m);
	close_nest(m);
	counters(m, CTA_COUNTERS_ORIG, 12, 3400);
	counters(m, CTA_COUNTERS_REPLY, 10, 600);
	be32(m, CTA_ID, 0xabcdef);
	open_nest(m, CTA_TIMESTAMP);
	be64(m, CTA_TIMESTAMP_START, 1700000000ull * 1000000000);
	be64(m, CTA_TIMESTAMP_STOP, 1700000001ull * 1000000000);
	close_nest(m);
	end(m);
}

/* parse a copy of exactly len bytes, its nlmsg_len set to len */
static int
parse_cut(const struct msg *m, size_t len, struct ctconn_info *ci, int *st)
{
	struct nlmsghdr *h = malloc(len > 0 ? len : 1);
	int r;

	CHECK(h != NULL);
	memcpy(h, m->buf, len);
	if (len >= sizeof(h->nlmsg_len))
		h->nlmsg_len = (uint32_t)len;
	r = len >= sizeof(*h) ? ctmsg_parse(h, ci, st) : CTMSG_BAD;
	free(h);
	return r;
}

static void
test_v4(void)
{
	struct msg m;
	struct ctconn_info ci;
	uint32_t a = inet_addr("198.18.1.2"), b = inet_addr("198.19.1.2");
	uint32_t r = inet_addr("198.19.1.1");
	int st;

	begin(&m, AF_INET, IPCTNL_MSG_CT_NEW, NLM_F_CREATE | NLM_F_EXCL);
	tuple(&m, CTA_TUPLE_ORIG, 0, &a, &b, IPPROTO_UDP, 41000, 7000, 0);
	tuple(&m, CTA_TUPLE_REPLY, 0, &b, &r, IPPROTO_UDP, 7000, 30001, 0);
	be32(&m, CTA_STATUS, 0x188);
	be32(&m, CTA_ID, 77);
	end(&m);
	CHECK_EQ(parse_cut(&m, m.len, &ci, &st), CTMSG_OK);
	CHECK(ci.key.src[0] == a && ci.key.dst[0] == b && ci.rsrc[0] == b &&
	    ci.rdst[0] == r);
	CHECK(ci.key.src[1] == 0 && ci.rsrc[3] == 0 && ci.key.v6 == 0);
	CHECK(ci.key.sport == 41000 && ci.key.dport == 7000 &&
	    ci.rsport == 7000 && ci.rdport == 30001);
	CHECK(ci.key.proto == IPPROTO_UDP && ci.key.id == 77 &&
	    ci.status == 0x188);
	CHECK(!ci.has_counters && !ci.has_start && !ci.has_stop && st == -1);
}

static void
test_v6(void)
{
	struct msg m;
	struct ctconn_info ci;
	int st;

	mk_v6(&m);
	CHECK_EQ(parse_cut(&m, m.len, &ci, &st), CTMSG_OK);
	CHECK(ci.key.v6 == 1 && memcmp(ci.key.src, A6, 16) == 0 &&
	    memcmp(ci.key.dst, B6, 16) == 0 && memcmp(ci.rsrc, B6, 16) == 0 &&
	    memcmp(ci.rdst, R6, 16) == 0);
	CHECK(ci.key.sport == 40000 && ci.key.dport == 6000 &&
	    ci.rsport == 6000 && ci.rdport == 30000);
	CHECK(ci.key.id == 0xabcdef && ci.status == 0x1b8);
	CHECK(ci.has_counters && ci.pkts[0] == 12 && ci.bytes[0] == 3400 &&
	    ci.pkts[1] == 10 && ci.bytes[1] == 600);
	CHECK(ci.has_start && ci.has_stop);
	CHECK_EQ(st, TCP_CONNTRACK_TIME_WAIT);
}

static void
test_icmp6(void)
{
	struct msg m;
	struct ctconn_info ci;
	int st;

	begin(&m, AF_INET6, IPCTNL_MSG_CT_NEW, NLM_F_CREATE);
	tuple(&m, CTA_TUPLE_ORIG, 1, A6, B6, IPPROTO_ICMPV6, 99, 0, 128);
	tuple(&m, CTA_TUPLE_REPLY, 1, B6, A6, IPPROTO_ICMPV6, 99, 0, 129);
	end(&m);
	CHECK_EQ(parse_cut(&m, m.len, &ci, &st), CTMSG_OK);
	CHECK(ci.key.proto == IPPROTO_ICMPV6 && ctconn_is_icmp(&ci.key));
	CHECK(ci.key.sport == 99 && ci.key.dport == 128 << 8);
	CHECK(ci.rdport == 129 << 8 && ci.rsport == 0);

	/* protocol 1 in an IPv6 tuple: a protocol without ports or id */
	begin(&m, AF_INET6, IPCTNL_MSG_CT_NEW, NLM_F_CREATE);
	tuple(&m, CTA_TUPLE_ORIG, 1, A6, B6, IPPROTO_ICMP, 99, 0, 8);
	tuple(&m, CTA_TUPLE_REPLY, 1, B6, A6, IPPROTO_ICMP, 99, 0, 0);
	end(&m);
	CHECK_EQ(parse_cut(&m, m.len, &ci, &st), CTMSG_OK);
	CHECK(ci.key.sport == 0 && ci.key.dport == 0);	/* no ports, no id */
}

/* Every cut of a good message: never read past it, never a tuple half read. */
static void
test_cuts(void)
{
	struct msg m;
	struct ctconn_info ci;
	size_t len, tuples_end;
	int st, r, ok = 0;

	mk_v6(&m);
	/* the reply tuple ends where CTA_STATUS begins */
	tuples_end = 0;
	for (len = 20; len + 4 <= m.len; len += 4) {
		struct nlattr *a = (struct nlattr *)(m.buf + len);

		if ((a->nla_type & NLA_TYPE_MASK) == CTA_STATUS) {
			tuples_end = len;
			break;
		}
		len += (a->nla_len + 3u) / 4 * 4 - 4;
	}
	CHECK(tuples_end > 0);
	for (len = 0; len < m.len; len++) {
		r = parse_cut(&m, len, &ci, &st);
		CHECK(r == CTMSG_OK || r == CTMSG_BAD || r == CTMSG_OTHER);
		if (len < tuples_end)
			CHECK(r != CTMSG_OK);
		ok += r == CTMSG_OK;
	}
	/* cut between attributes: fine messages with less in them */
	CHECK(ok > 0);
}

static void
test_wrong_sizes(void)
{
	struct msg m;
	struct ctconn_info ci;
	uint32_t a = inet_addr("198.18.1.2"), b = inet_addr("198.19.1.2");
	uint16_t short_id = 1;
	int st;

	/* CTA_ID of 2 bytes */
	begin(&m, AF_INET, IPCTNL_MSG_CT_DELETE, 0);
	tuple(&m, CTA_TUPLE_ORIG, 0, &a, &b, IPPROTO_UDP, 1, 2, 0);
	tuple(&m, CTA_TUPLE_REPLY, 0, &b, &a, IPPROTO_UDP, 2, 1, 0);
	attr(&m, CTA_ID, &short_id, 2);
	end(&m);
	CHECK_EQ(parse_cut(&m, m.len, &ci, &st), CTMSG_BAD);

	/* IPv6 addresses in an IPv4 message */
	begin(&m, AF_INET, IPCTNL_MSG_CT_DELETE, 0);
	tuple(&m, CTA_TUPLE_ORIG, 1, A6, B6, IPPROTO_UDP, 1, 2, 0);
	tuple(&m, CTA_TUPLE_REPLY, 1, B6, A6, IPPROTO_UDP, 2, 1, 0);
	end(&m);
	CHECK_EQ(parse_cut(&m, m.len, &ci, &st), CTMSG_BAD);

	/* a counter of 4 bytes where the kernel gives 8 */
	begin(&m, AF_INET, IPCTNL_MSG_CT_DELETE, 0);
	tuple(&m, CTA_TUPLE_ORIG, 0, &a, &b, IPPROTO_UDP, 1, 2, 0);
	tuple(&m, CTA_TUPLE_REPLY, 0, &b, &a, IPPROTO_UDP, 2, 1, 0);
	open_nest(&m, CTA_COUNTERS_ORIG);
	be32(&m, CTA_COUNTERS_PACKETS, 1);
	be64(&m, CTA_COUNTERS_BYTES, 1);
	close_nest(&m);
	end(&m);
	CHECK_EQ(parse_cut(&m, m.len, &ci, &st), CTMSG_BAD);

	/* a nest longer than its container */
	mk_v6(&m);
	((struct nlattr *)(m.buf + 20))->nla_len = 2000;
	CHECK_EQ(parse_cut(&m, m.len, &ci, &st), CTMSG_BAD);

	/* not IPv4 or IPv6; no reply tuple */
	begin(&m, 7, IPCTNL_MSG_CT_DELETE, 0);
	tuple(&m, CTA_TUPLE_ORIG, 0, &a, &b, IPPROTO_UDP, 1, 2, 0);
	tuple(&m, CTA_TUPLE_REPLY, 0, &b, &a, IPPROTO_UDP, 2, 1, 0);
	end(&m);
	CHECK_EQ(parse_cut(&m, m.len, &ci, &st), CTMSG_OTHER);
	begin(&m, AF_INET, IPCTNL_MSG_CT_DELETE, 0);
	tuple(&m, CTA_TUPLE_ORIG, 0, &a, &b, IPPROTO_UDP, 1, 2, 0);
	end(&m);
	CHECK_EQ(parse_cut(&m, m.len, &ci, &st), CTMSG_OTHER);
}

static void
count(const struct nlmsghdr *nlh, void *arg)
{
	(*(unsigned *)arg)++;
}

static void
test_walk(void)
{
	static uint8_t dg[2048];
	struct msg m;
	unsigned n = 0;

	mk_v6(&m);
	memcpy(dg, m.buf, m.len);
	memcpy(dg + m.len, m.buf, m.len);
	CHECK_EQ(ctmsg_walk(dg, 2 * m.len, count, &n), 0);
	CHECK_EQ(n, 2);
	n = 0;
	CHECK_EQ(ctmsg_walk(dg, 2 * m.len - 1, count, &n), -1);
	CHECK_EQ(n, 1);
	n = 0;
	CHECK_EQ(ctmsg_walk(dg, m.len + 3, count, &n), -1);
	CHECK_EQ(n, 1);
}

int
main(void)
{
	inet_pton(AF_INET6, "2001:2:0:1::2", A6);
	inet_pton(AF_INET6, "2001:2:0:2::2", B6);
	inet_pton(AF_INET6, "2001:2:0:2::1", R6);
	test_v4();
	test_v6();
	test_icmp6();
	test_cuts();
	test_wrong_sizes();
	test_walk();
	return check_done();
}
