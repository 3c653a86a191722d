/*
 * record: the two value types every module shares.
 *
 * struct flow_key is the flow key (SPEC 4).  Keys are hashed and compared
 * as raw bytes, so every key must be zeroed before it is filled in
 * (padding included): use flow_key_clear().  An IPv6 key (v6 = 1) keeps
 * the 20 bytes of an IPv4 one, its addresses travel beside it (struct
 * flow_v6); in the flow table its src and dst hold the last 4 bytes of
 * each address and the other 24 sit in front of the entry (flow.c), so
 * IPv4 entries pay nothing for IPv6.
 *
 * struct flow_rec is one finished flow as the exporter encodes it.  Times are
 * milliseconds on the daemon's uptime clock (util/clock.h), the clock NetFlow
 * v5 calls sys_uptime.  An IPv6 flow carries its addresses in a struct
 * flow_v6 that rec->v6 points to (v5 cannot carry it; v9 and IPFIX use their
 * IPv6 template); rec->v6 is NULL for IPv4 flows, whose addresses are in the
 * key.
 *
 * struct rec_sink is where finished records go.  Every producer (the flow
 * table, conntrack mode, NAT events) hands its records to a sink and knows
 * nothing of what is behind it: the exporter in the daemon (export_sink()),
 * a listing, or a unit test's array.
 */
#ifndef NFN_RECORD_H
#define NFN_RECORD_H

#include <stdint.h>
#include <string.h>

struct flow_key {
	uint32_t src;		/* IPv4 source, network byte order (IPv6: above) */
	uint32_t dst;		/* IPv4 destination, network byte order */
	uint32_t ifin;		/* input ifindex (0 = unknown / local) */
	uint16_t sport;		/* host byte order; 0 when the protocol has none */
	uint16_t dport;		/* host byte order; ICMP(v6): type * 256 + code */
	uint8_t proto;		/* IP protocol number (IPv6: the transport's) */
	uint8_t tos;		/* IP ToS byte; IPv6 traffic class */
	uint8_t v6;		/* 0: IPv4, 1: IPv6 */
	uint8_t pad;		/* always zero */
};

static inline void
flow_key_clear(struct flow_key *k)
{
	memset(k, 0, sizeof(*k));
}

/* The IPv6 part of a record: what the IPv4 key has no room for. */
struct flow_v6 {
	uint8_t src[16];	/* network byte order */
	uint8_t dst[16];
};

/*
 * A NAT event (natevents = 1), as v9/IPFIX carry it: the connection's
 * tuple before and after translation (addresses in network byte order,
 * ports in host order, 0 without ports; ICMP: type and code in dport).
 * An IPv6 connection (NAT66; the record's v6 is set too) has its addresses
 * in pre6 and post6 instead.
 */
struct rec_nat {
	uint32_t pre_src, pre_dst, post_src, post_dst;
	uint16_t pre_sport, pre_dport, post_sport, post_dport;
	uint8_t event;		/* REC_NAT_CREATE or REC_NAT_DELETE */
	struct flow_v6 pre6, post6;	/* IPv6 only */
};

/* natEvent (IE 230) values: NAT44 session create and delete. */
#define REC_NAT_CREATE	1
#define REC_NAT_DELETE	2

/* Why a flow ended, as IPFIX flowEndReason (IE 136) numbers it. */
enum rec_end {
	REC_END_UNKNOWN = 0,	/* not said by the producer */
	REC_END_IDLE = 1,	/* inactive timeout */
	REC_END_ACTIVE = 2,	/* active timeout (also: counter would wrap) */
	REC_END_EOF = 3,	/* end of flow detected (FIN/RST, conntrack) */
	REC_END_FORCED = 4,	/* flush, shutdown */
	REC_END_RESOURCES = 5,	/* lack of resources */
};

struct flow_rec {
	struct flow_key key;	/* src/dst unused (zero) when v6 is set */
	const struct flow_v6 *v6;	/* NULL: IPv4 flow */
	const struct rec_nat *nat;	/* NULL: a flow, not a NAT event */
	uint32_t ifout;		/* output ifindex of the first packet */
	uint32_t packets;
	uint32_t bytes;		/* sum of IP total length */
	uint32_t first;		/* uptime ms of the first packet */
	uint32_t last;		/* uptime ms of the last packet */
	uint32_t nexthop;	/* network byte order; 0 unless known */
	uint16_t src_as;	/* 0, or NAT port for natevents records */
	uint16_t dst_as;
	uint8_t tcp_flags;	/* OR of the flags of every packet */
	uint8_t src_mask;	/* set by aggregation, else 0 */
	uint8_t dst_mask;
	uint8_t end_reason;	/* enum rec_end */
};

/*
 * put() receives each record with "now", the uptime ms at which it leaves
 * its producer; the record is only valid during the call.
 */
struct rec_sink {
	void (*put)(void *arg, const struct flow_rec *rec, uint32_t now);
	void *arg;
};

static inline void
rec_sink_put(const struct rec_sink *s, const struct flow_rec *r, uint32_t now)
{
	s->put(s->arg, r, now);
}

#endif
