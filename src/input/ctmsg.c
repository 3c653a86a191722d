/*
 * ctmsg: ctnetlink messages to and from ctconn_info.  See ctmsg.h.
 *
 * The message is walked once at the top and once per nest that is used;
 * each walk checks every attribute header against what is left of its
 * container before looking at it, and each used attribute against the
 * size the kernel gives it (as libnetfilter_conntrack's own checks, which
 * end the process instead).
 */
#include <endian.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <linux/netlink.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include <libmnl/libmnl.h>

#include "util/clock.h"
#include "input/ctmsg.h"

/*
 * Index the attributes in [p, p + len) by type (up to max; others are
 * skipped).  -1 if one runs past the end or is shorter than its header.
 */
static int
walk(const void *p, size_t len, const struct nlattr **tb, unsigned max)
{
	const struct nlattr *a;
	size_t step;
	unsigned type;

	memset(tb, 0, (max + 1) * sizeof(*tb));
	while (len >= sizeof(struct nlattr)) {
		a = p;
		if (a->nla_len < sizeof(struct nlattr) || a->nla_len > len)
			return -1;
		type = a->nla_type & NLA_TYPE_MASK;
		if (type <= max)
			tb[type] = a;
		step = MNL_ALIGN(a->nla_len);
		if (step > len)
			step = len;	/* the last one needs no padding */
		p = (const char *)p + step;
		len -= step;
	}
	return len == 0 ? 0 : -1;
}

static int
walk_nest(const struct nlattr *a, const struct nlattr **tb, unsigned max)
{
	return walk(mnl_attr_get_payload(a), mnl_attr_get_payload_len(a), tb,
	    max);
}

/* a is absent (0), or exactly len bytes long (1); -1 otherwise */
static int
has(const struct nlattr *a, size_t len)
{
	if (a == NULL)
		return 0;
	return mnl_attr_get_payload_len(a) == len ? 1 : -1;
}

static uint8_t
get8(const struct nlattr *a)
{
	return *(const uint8_t *)mnl_attr_get_payload(a);
}

static uint16_t
get16(const struct nlattr *a)
{
	uint16_t v;

	memcpy(&v, mnl_attr_get_payload(a), 2);
	return ntohs(v);
}

static uint32_t
get32(const struct nlattr *a)
{
	uint32_t v;

	memcpy(&v, mnl_attr_get_payload(a), 4);
	return ntohl(v);
}

static uint64_t
get64(const struct nlattr *a)
{
	uint64_t v;

	memcpy(&v, mnl_attr_get_payload(a), 8);
	return be64toh(v);
}

struct tuple {
	uint32_t src[4], dst[4];
	uint16_t sport, dport;		/* ICMP: id, type << 8 | code */
	uint8_t proto;
};

/* CTA_TUPLE_IP: the addresses of the family. */
static int
tuple_ip(const struct nlattr *a, int v6, struct tuple *t)
{
	const struct nlattr *tb[CTA_IP_MAX + 1];
	unsigned s = v6 ? CTA_IP_V6_SRC : CTA_IP_V4_SRC;
	unsigned d = v6 ? CTA_IP_V6_DST : CTA_IP_V4_DST;
	size_t len = v6 ? 16 : 4;

	if (walk_nest(a, tb, CTA_IP_MAX) < 0 || has(tb[s], len) != 1 ||
	    has(tb[d], len) != 1)
		return -1;
	memcpy(t->src, mnl_attr_get_payload(tb[s]), len);
	memcpy(t->dst, mnl_attr_get_payload(tb[d]), len);
	return 0;
}

/* CTA_TUPLE_PROTO: the protocol, its ports or ICMP id, type and code. */
static int
tuple_proto(const struct nlattr *a, int v6, struct tuple *t)
{
	const struct nlattr *tb[CTA_PROTO_MAX + 1];
	unsigned id = v6 ? CTA_PROTO_ICMPV6_ID : CTA_PROTO_ICMP_ID;
	unsigned ty = v6 ? CTA_PROTO_ICMPV6_TYPE : CTA_PROTO_ICMP_TYPE;
	unsigned co = v6 ? CTA_PROTO_ICMPV6_CODE : CTA_PROTO_ICMP_CODE;

	if (walk_nest(a, tb, CTA_PROTO_MAX) < 0 ||
	    has(tb[CTA_PROTO_NUM], 1) != 1)
		return -1;
	t->proto = get8(tb[CTA_PROTO_NUM]);
	if (ctconn_has_ports(t->proto)) {
		if (has(tb[CTA_PROTO_SRC_PORT], 2) != 1 ||
		    has(tb[CTA_PROTO_DST_PORT], 2) != 1)
			return -1;
		t->sport = get16(tb[CTA_PROTO_SRC_PORT]);
		t->dport = get16(tb[CTA_PROTO_DST_PORT]);
	} else if (t->proto == (v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP)) {
		if (has(tb[id], 2) != 1 || has(tb[ty], 1) != 1 ||
		    has(tb[co], 1) != 1)
			return -1;
		t->sport = get16(tb[id]);
		t->dport = (uint16_t)(get8(tb[ty]) << 8 | get8(tb[co]));
	}
	return 0;
}

static int
tuple(const struct nlattr *a, int v6, struct tuple *t)
{
	const struct nlattr *tb[CTA_TUPLE_MAX + 1];

	memset(t, 0, sizeof(*t));
	if (walk_nest(a, tb, CTA_TUPLE_MAX) < 0 || tb[CTA_TUPLE_IP] == NULL ||
	    tb[CTA_TUPLE_PROTO] == NULL)
		return -1;
	if (tuple_ip(tb[CTA_TUPLE_IP], v6, t) < 0)
		return -1;
	return tuple_proto(tb[CTA_TUPLE_PROTO], v6, t);
}

/* CTA_COUNTERS_*: 1 with both counters, 0 without, -1 malformed. */
static int
counters(const struct nlattr *a, uint64_t *pkts, uint64_t *bytes)
{
	const struct nlattr *tb[CTA_COUNTERS_MAX + 1];
	int p, b;

	if (a == NULL)
		return 0;
	if (walk_nest(a, tb, CTA_COUNTERS_MAX) < 0)
		return -1;
	p = has(tb[CTA_COUNTERS_PACKETS], 8);
	b = has(tb[CTA_COUNTERS_BYTES], 8);
	if (p < 0 || b < 0)
		return -1;
	if (p && b) {
		*pkts = get64(tb[CTA_COUNTERS_PACKETS]);
		*bytes = get64(tb[CTA_COUNTERS_BYTES]);
		return 1;
	}
	/* kernels before 2.6.27 sent 32-bit counters */
	p = has(tb[CTA_COUNTERS32_PACKETS], 4);
	b = has(tb[CTA_COUNTERS32_BYTES], 4);
	if (p < 0 || b < 0)
		return -1;
	if (!p || !b)
		return 0;
	*pkts = get32(tb[CTA_COUNTERS32_PACKETS]);
	*bytes = get32(tb[CTA_COUNTERS32_BYTES]);
	return 1;
}

static uint32_t
ns_to_uptime(uint64_t ns)
{
	struct timespec ts;

	ts.tv_sec = (time_t)(ns / 1000000000u);
	ts.tv_nsec = (long)(ns % 1000000000u);
	return clk_wall_to_uptime(&ts);
}

static int
timestamps(const struct nlattr *a, struct ctconn_info *ci)
{
	const struct nlattr *tb[CTA_TIMESTAMP_MAX + 1];
	int s, e;

	if (a == NULL)
		return 0;
	if (walk_nest(a, tb, CTA_TIMESTAMP_MAX) < 0 ||
	    (s = has(tb[CTA_TIMESTAMP_START], 8)) < 0 ||
	    (e = has(tb[CTA_TIMESTAMP_STOP], 8)) < 0)
		return -1;
	if ((ci->has_start = s))
		ci->start = ns_to_uptime(get64(tb[CTA_TIMESTAMP_START]));
	if ((ci->has_stop = e))
		ci->stop = ns_to_uptime(get64(tb[CTA_TIMESTAMP_STOP]));
	return 0;
}

/* CTA_PROTOINFO > CTA_PROTOINFO_TCP > CTA_PROTOINFO_TCP_STATE */
static int
tcp_info(const struct nlattr *a, int *state)
{
	const struct nlattr *tb[CTA_PROTOINFO_MAX + 1];
	const struct nlattr *tcp[CTA_PROTOINFO_TCP_MAX + 1];
	int r;

	if (a == NULL)
		return 0;
	if (walk_nest(a, tb, CTA_PROTOINFO_MAX) < 0)
		return -1;
	if (tb[CTA_PROTOINFO_TCP] == NULL)
		return 0;
	if (walk_nest(tb[CTA_PROTOINFO_TCP], tcp, CTA_PROTOINFO_TCP_MAX) < 0 ||
	    (r = has(tcp[CTA_PROTOINFO_TCP_STATE], 1)) < 0)
		return -1;
	if (r)
		*state = get8(tcp[CTA_PROTOINFO_TCP_STATE]);
	return 0;
}

int
ctmsg_parse(const struct nlmsghdr *nlh, struct ctconn_info *ci,
    int *tcp_state)
{
	const struct nlattr *tb[CTA_MAX + 1];
	const struct nfgenmsg *nfg;
	struct tuple o, r;
	size_t off = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(struct nfgenmsg));
	int v6, c0, c1;

	memset(ci, 0, sizeof(*ci));
	*tcp_state = -1;
	if (nlh->nlmsg_len < off)
		return CTMSG_BAD;
	nfg = mnl_nlmsg_get_payload(nlh);
	if (walk((const char *)nlh + off, nlh->nlmsg_len - off, tb,
	    CTA_MAX) < 0)
		return CTMSG_BAD;
	if (nfg->nfgen_family != AF_INET && nfg->nfgen_family != AF_INET6)
		return CTMSG_OTHER;
	if (tb[CTA_TUPLE_ORIG] == NULL || tb[CTA_TUPLE_REPLY] == NULL)
		return CTMSG_OTHER;
	v6 = nfg->nfgen_family == AF_INET6;
	if (tuple(tb[CTA_TUPLE_ORIG], v6, &o) < 0 ||
	    tuple(tb[CTA_TUPLE_REPLY], v6, &r) < 0 ||
	    has(tb[CTA_ID], 4) < 0 || has(tb[CTA_STATUS], 4) < 0)
		return CTMSG_BAD;
	memcpy(ci->key.src, o.src, sizeof(o.src));
	memcpy(ci->key.dst, o.dst, sizeof(o.dst));
	ci->key.sport = o.sport;
	ci->key.dport = o.dport;
	ci->key.proto = o.proto;
	ci->key.v6 = (uint8_t)v6;
	memcpy(ci->rsrc, r.src, sizeof(r.src));
	memcpy(ci->rdst, r.dst, sizeof(r.dst));
	if (ctconn_is_icmp(&ci->key))
		ci->rdport = r.dport;	/* the answers' type and code */
	else {
		ci->rsport = r.sport;
		ci->rdport = r.dport;
	}
	if (tb[CTA_ID] != NULL)
		ci->key.id = get32(tb[CTA_ID]);
	if (tb[CTA_STATUS] != NULL)
		ci->status = get32(tb[CTA_STATUS]);
	if ((c0 = counters(tb[CTA_COUNTERS_ORIG], &ci->pkts[0],
	    &ci->bytes[0])) < 0 ||
	    (c1 = counters(tb[CTA_COUNTERS_REPLY], &ci->pkts[1],
	    &ci->bytes[1])) < 0 ||
	    timestamps(tb[CTA_TIMESTAMP], ci) < 0 ||
	    (o.proto == IPPROTO_TCP && tcp_info(tb[CTA_PROTOINFO],
	    tcp_state) < 0))
		return CTMSG_BAD;
	if (c0 && c1)
		ci->has_counters = 1;
	else
		ci->pkts[0] = ci->pkts[1] = ci->bytes[0] = ci->bytes[1] = 0;
	return CTMSG_OK;
}

int
ctmsg_walk(const void *buf, size_t len,
    void (*fn)(const struct nlmsghdr *nlh, void *arg), void *arg)
{
	const char *p = buf;
	const struct nlmsghdr *nlh;
	size_t step;

	/*
	 * Not mnl_nlmsg_ok(): it compares the length as a signed int, so a
	 * length of 2^31 or more would pass.
	 */
	while (len >= sizeof(*nlh)) {
		nlh = (const struct nlmsghdr *)p;
		if (nlh->nlmsg_len < sizeof(*nlh) || nlh->nlmsg_len > len)
			return -1;
		fn(nlh, arg);
		step = NLMSG_ALIGN(nlh->nlmsg_len);
		if (step > len)
			step = len;	/* the last one needs no padding */
		p += step;
		len -= step;
	}
	return len == 0 ? 0 : -1;
}

struct nf_conntrack *
ctmsg_query(const struct ctconn_key *k)
{
	struct nf_conntrack *q;

	if ((q = nfct_new()) == NULL)
		return NULL;
	if (k->v6) {
		nfct_set_attr_u8(q, ATTR_L3PROTO, AF_INET6);
		nfct_set_attr(q, ATTR_IPV6_SRC, k->src);
		nfct_set_attr(q, ATTR_IPV6_DST, k->dst);
	} else {
		nfct_set_attr_u8(q, ATTR_L3PROTO, AF_INET);
		nfct_set_attr_u32(q, ATTR_IPV4_SRC, k->src[0]);
		nfct_set_attr_u32(q, ATTR_IPV4_DST, k->dst[0]);
	}
	nfct_set_attr_u8(q, ATTR_L4PROTO, k->proto);
	if (ctconn_has_ports(k->proto)) {
		nfct_set_attr_u16(q, ATTR_PORT_SRC, htons(k->sport));
		nfct_set_attr_u16(q, ATTR_PORT_DST, htons(k->dport));
	} else if (ctconn_is_icmp(k)) {
		nfct_set_attr_u8(q, ATTR_ICMP_TYPE, (uint8_t)(k->dport >> 8));
		nfct_set_attr_u8(q, ATTR_ICMP_CODE, (uint8_t)k->dport);
		nfct_set_attr_u16(q, ATTR_ICMP_ID, htons(k->sport));
	}
	return q;
}
