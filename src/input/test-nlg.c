/*
 * test-nlg: nlg_parse() on NFLOG packet messages built by hand: a good one,
 * unknown attributes skipped, and malformed ones (an attribute running past
 * the message, a too-short used attribute, no payload) rejected without
 * reading past the message.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_log.h>
#include <linux/netlink.h>

#include "util/check.h"
#include "input/nlg.h"

struct msg {
	uint8_t buf[512];
	size_t len;
};

static void
msg_init(struct msg *m)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)m->buf;

	memset(m, 0, sizeof(*m));
	nlh->nlmsg_type = (NFNL_SUBSYS_ULOG << 8) | NFULNL_MSG_PACKET;
	m->len = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(struct nfgenmsg));
	nlh->nlmsg_len = (uint32_t)m->len;
}

/* Append one attribute; nla_len may be forced to a lie with force_len. */
static void
msg_attr(struct msg *m, uint16_t type, const void *v, size_t vlen,
    uint16_t force_len)
{
	struct nlattr *a = (struct nlattr *)(m->buf + m->len);

	a->nla_type = type;
	a->nla_len = force_len ? force_len : (uint16_t)(NLA_HDRLEN + vlen);
	memcpy(m->buf + m->len + NLA_HDRLEN, v, vlen);
	m->len += NLA_ALIGN(NLA_HDRLEN + vlen);
	((struct nlmsghdr *)m->buf)->nlmsg_len = (uint32_t)m->len;
}

static void
msg_u32(struct msg *m, uint16_t type, uint32_t host)
{
	uint32_t be = htonl(host);

	msg_attr(m, type, &be, sizeof(be), 0);
}

static int
parse(struct msg *m, struct nlg_pkt *p, uint32_t *seq, int *has_seq)
{
	memset(p, 0, sizeof(*p));
	*seq = 0;
	*has_seq = 0;
	return nlg_parse((struct nlmsghdr *)m->buf, p, seq, has_seq);
}

static void
good_message(void)
{
	struct nfulnl_msg_packet_hdr ph = { .hw_protocol = htons(0x0800) };
	uint8_t ip[40] = { 0x45 }, junk[3] = { 1, 2, 3 };
	uint64_t ts[2] = { htobe64(1700000000), htobe64(250000) };
	struct msg m;
	struct nlg_pkt p;
	uint32_t seq;
	int has;

	msg_init(&m);
	msg_attr(&m, NFULA_PACKET_HDR, &ph, sizeof(ph), 0);
	msg_attr(&m, 200, junk, sizeof(junk), 0);	/* unknown: skipped */
	msg_u32(&m, NFULA_IFINDEX_INDEV, 7);
	msg_u32(&m, NFULA_IFINDEX_OUTDEV, 9);
	msg_attr(&m, NFULA_TIMESTAMP, ts, sizeof(ts), 0);
	msg_u32(&m, NFULA_SEQ, 41);
	msg_attr(&m, NFULA_PAYLOAD, ip, sizeof(ip), 0);
	CHECK_EQ(parse(&m, &p, &seq, &has), 0);
	CHECK_EQ(p.hw_protocol, 0x0800);
	CHECK_EQ(p.ifin, 7);
	CHECK_EQ(p.ifout, 9);
	CHECK_EQ(p.caplen, sizeof(ip));
	CHECK(p.payload != NULL && p.payload[0] == 0x45);
	CHECK_EQ(p.has_ts, 1);
	CHECK_EQ(p.ts.tv_sec, 1700000000);
	CHECK_EQ(p.ts.tv_nsec, 250000000);
	CHECK_EQ(has, 1);
	CHECK_EQ(seq, 41);
}

static void
malformed_messages(void)
{
	uint8_t ip[20] = { 0x45 };
	uint16_t two = 5;
	struct msg m;
	struct nlg_pkt p;
	uint32_t seq;
	int has;

	/* no payload at all */
	msg_init(&m);
	msg_u32(&m, NFULA_IFINDEX_INDEV, 3);
	CHECK_EQ(parse(&m, &p, &seq, &has), -1);

	/* an attribute claiming more bytes than the message holds */
	msg_init(&m);
	msg_attr(&m, NFULA_PAYLOAD, ip, sizeof(ip), 200);
	CHECK_EQ(parse(&m, &p, &seq, &has), -1);

	/* an attribute length below the attribute header */
	msg_init(&m);
	msg_attr(&m, NFULA_PAYLOAD, ip, sizeof(ip), 2);
	CHECK_EQ(parse(&m, &p, &seq, &has), -1);

	/* a used attribute that is too short: ifindex of 2 bytes */
	msg_init(&m);
	msg_attr(&m, NFULA_IFINDEX_INDEV, &two, sizeof(two), 0);
	msg_attr(&m, NFULA_PAYLOAD, ip, sizeof(ip), 0);
	CHECK_EQ(parse(&m, &p, &seq, &has), -1);

	/* a timestamp of 8 bytes instead of 16 */
	msg_init(&m);
	msg_attr(&m, NFULA_TIMESTAMP, ip, 8, 0);
	msg_attr(&m, NFULA_PAYLOAD, ip, sizeof(ip), 0);
	CHECK_EQ(parse(&m, &p, &seq, &has), -1);

	/* a message shorter than its nfgenmsg */
	msg_init(&m);
	((struct nlmsghdr *)m.buf)->nlmsg_len = NLMSG_HDRLEN + 2;
	CHECK_EQ(parse(&m, &p, &seq, &has), -1);

	/* trailing bytes too few for an attribute header are ignored */
	msg_init(&m);
	msg_attr(&m, NFULA_PAYLOAD, ip, sizeof(ip), 0);
	((struct nlmsghdr *)m.buf)->nlmsg_len += 2;
	CHECK_EQ(parse(&m, &p, &seq, &has), 0);
	CHECK_EQ(p.caplen, sizeof(ip));
}

int
main(void)
{
	good_message();
	malformed_messages();
	return check_done();
}
