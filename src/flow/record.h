/*
 * record: the two value types every module shares.
 *
 * struct flow_key is the NetFlow v5 flow key (SPEC 4).  Keys are hashed and
 * compared as raw bytes, so every key must be zeroed before it is filled in
 * (padding included): use flow_key_clear().
 *
 * struct flow_rec is one finished flow as the exporter encodes it.  Times are
 * milliseconds on the daemon's uptime clock (util/clock.h), the clock NetFlow
 * v5 calls sys_uptime.
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
	uint32_t src;		/* IPv4 source, network byte order */
	uint32_t dst;		/* IPv4 destination, network byte order */
	uint32_t ifin;		/* input ifindex (0 = unknown / local) */
	uint16_t sport;		/* host byte order; 0 when the protocol has none */
	uint16_t dport;		/* host byte order; ICMP: type * 256 + code */
	uint8_t proto;		/* IP protocol number */
	uint8_t tos;		/* IP ToS byte */
	uint8_t pad[2];		/* always zero */
};

static inline void
flow_key_clear(struct flow_key *k)
{
	memset(k, 0, sizeof(*k));
}

struct flow_rec {
	struct flow_key key;
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
