/*
 * ctmsg: conntrack objects to and from ctconn_info.  See ctmsg.h.
 */
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <linux/netlink.h>
#include <linux/netfilter/nfnetlink.h>

#include "util/clock.h"
#include "input/ctmsg.h"

/*
 * The ICMP type of the answers to a query type, as conntrack inverts it
 * (nf_conntrack_proto_icmp.c): libnetfilter_conntrack keeps only the
 * original tuple's type.
 */
static uint8_t
icmp_reply_type(uint8_t type)
{
	switch (type) {
	case 8:		return 0;	/* echo */
	case 13:	return 14;	/* timestamp */
	case 15:	return 16;	/* information */
	case 17:	return 18;	/* address mask */
	default:	return type;
	}
}

static uint32_t
ns_to_uptime(uint64_t ns)
{
	struct timespec ts;

	ts.tv_sec = (time_t)(ns / 1000000000u);
	ts.tv_nsec = (long)(ns % 1000000000u);
	return clk_wall_to_uptime(&ts);
}

int
ctmsg_parse(const struct nlmsghdr *nlh, struct nf_conntrack *o)
{
	if (nlh->nlmsg_len < NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(struct nfgenmsg)))
		return -1;
	return nfct_nlmsg_parse(nlh, o) < 0 ? -1 : 0;
}

int
ctmsg_info(const struct nf_conntrack *o, struct ctconn_info *ci)
{
	uint8_t type, code;

	memset(ci, 0, sizeof(*ci));
	if (!nfct_attr_is_set(o, ATTR_ORIG_L3PROTO) ||
	    nfct_get_attr_u8(o, ATTR_ORIG_L3PROTO) != AF_INET ||
	    !nfct_attr_is_set(o, ATTR_ORIG_IPV4_SRC) ||
	    !nfct_attr_is_set(o, ATTR_REPL_IPV4_SRC))
		return -1;
	ci->key.src = nfct_get_attr_u32(o, ATTR_ORIG_IPV4_SRC);
	ci->key.dst = nfct_get_attr_u32(o, ATTR_ORIG_IPV4_DST);
	ci->key.proto = nfct_get_attr_u8(o, ATTR_ORIG_L4PROTO);
	ci->key.id = nfct_get_attr_u32(o, ATTR_ID);
	ci->rsrc = nfct_get_attr_u32(o, ATTR_REPL_IPV4_SRC);
	ci->rdst = nfct_get_attr_u32(o, ATTR_REPL_IPV4_DST);
	if (ctconn_has_ports(ci->key.proto)) {
		ci->key.sport = ntohs(nfct_get_attr_u16(o, ATTR_ORIG_PORT_SRC));
		ci->key.dport = ntohs(nfct_get_attr_u16(o, ATTR_ORIG_PORT_DST));
		ci->rsport = ntohs(nfct_get_attr_u16(o, ATTR_REPL_PORT_SRC));
		ci->rdport = ntohs(nfct_get_attr_u16(o, ATTR_REPL_PORT_DST));
	} else if (ci->key.proto == IPPROTO_ICMP) {
		type = nfct_get_attr_u8(o, ATTR_ICMP_TYPE);
		code = nfct_get_attr_u8(o, ATTR_ICMP_CODE);
		ci->key.sport = ntohs(nfct_get_attr_u16(o, ATTR_ICMP_ID));
		ci->key.dport = (uint16_t)(type << 8 | code);
		ci->rdport = (uint16_t)(icmp_reply_type(type) << 8 | code);
	}
	if (nfct_attr_is_set(o, ATTR_STATUS))
		ci->status = nfct_get_attr_u32(o, ATTR_STATUS);
	if (nfct_attr_is_set(o, ATTR_ORIG_COUNTER_PACKETS) &&
	    nfct_attr_is_set(o, ATTR_REPL_COUNTER_PACKETS)) {
		ci->has_counters = 1;
		ci->pkts[0] = nfct_get_attr_u64(o, ATTR_ORIG_COUNTER_PACKETS);
		ci->bytes[0] = nfct_get_attr_u64(o, ATTR_ORIG_COUNTER_BYTES);
		ci->pkts[1] = nfct_get_attr_u64(o, ATTR_REPL_COUNTER_PACKETS);
		ci->bytes[1] = nfct_get_attr_u64(o, ATTR_REPL_COUNTER_BYTES);
	}
	if (nfct_attr_is_set(o, ATTR_TIMESTAMP_START)) {
		ci->has_start = 1;
		ci->start = ns_to_uptime(nfct_get_attr_u64(o,
		    ATTR_TIMESTAMP_START));
	}
	if (nfct_attr_is_set(o, ATTR_TIMESTAMP_STOP)) {
		ci->has_stop = 1;
		ci->stop = ns_to_uptime(nfct_get_attr_u64(o,
		    ATTR_TIMESTAMP_STOP));
	}
	return 0;
}

struct nf_conntrack *
ctmsg_query(const struct ctconn_key *k)
{
	struct nf_conntrack *q;

	if ((q = nfct_new()) == NULL)
		return NULL;
	nfct_set_attr_u8(q, ATTR_L3PROTO, AF_INET);
	nfct_set_attr_u32(q, ATTR_IPV4_SRC, k->src);
	nfct_set_attr_u32(q, ATTR_IPV4_DST, k->dst);
	nfct_set_attr_u8(q, ATTR_L4PROTO, k->proto);
	if (ctconn_has_ports(k->proto)) {
		nfct_set_attr_u16(q, ATTR_PORT_SRC, htons(k->sport));
		nfct_set_attr_u16(q, ATTR_PORT_DST, htons(k->dport));
	} else if (k->proto == IPPROTO_ICMP) {
		nfct_set_attr_u8(q, ATTR_ICMP_TYPE, (uint8_t)(k->dport >> 8));
		nfct_set_attr_u8(q, ATTR_ICMP_CODE, (uint8_t)k->dport);
		nfct_set_attr_u16(q, ATTR_ICMP_ID, htons(k->sport));
	}
	return q;
}
