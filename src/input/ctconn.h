/*
 * ctconn: the connection table of capture = conntrack.  No I/O, no clock:
 * every call takes "now" in uptime ms, so the unit test drives it alone.
 *
 * A connection is known by its original tuple and its conntrack id (the id
 * tells a new connection from an old one that had the same tuple).  For
 * each one the table remembers the counters last exported per direction,
 * so every record carries the delta since the previous one and the records
 * of a connection always sum to its final counters: exported at DESTROY,
 * and every active_timeout while it lives (the caller refreshes counters
 * first, conntrack events carry them only at DESTROY).
 *
 * Each connection yields two unidirectional flows, keyed as the packets
 * look on the forward hook (pre-SNAT source, post-DNAT destination):
 *	original:  orig.src:orig.sport -> reply.src:reply.sport
 *	reply:     reply.src:reply.sport -> orig.src:orig.sport
 * ICMP and ICMPv6: sport 0, dport type * 256 + code of that direction's
 * messages.  Conntrack has no ToS, TCP flags or interfaces: those fields
 * are 0.  IPv6 connections give IPv6 records (rec->v6).
 *
 * Memory: one 96-byte entry per tracked connection (ctconn_entry_size()),
 * taken from slabs the table keeps (no malloc per connection once a slab
 * holds it), bounded by maxconns, plus 2 to 4 bytes of hash buckets per
 * connection.  An IPv6 connection's three addresses (original source and
 * destination, reply source) are interned (flow/addr6.h: 24 bytes per
 * distinct address), so its entry is the size of an IPv4 one.
 * ctconn_memory() says what the table holds.
 */
#ifndef NFN_CTCONN_H
#define NFN_CTCONN_H

#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#include "flow/record.h"

#ifndef IPPROTO_SCTP
#define IPPROTO_SCTP	132
#endif
#ifndef IPPROTO_ICMPV6
#define IPPROTO_ICMPV6	58
#endif
#ifndef IPPROTO_UDPLITE
#define IPPROTO_UDPLITE	136
#endif

struct ctconn;

/*
 * A connection: its original tuple and conntrack id.  Addresses in network
 * byte order, IPv4 in [0] and the rest zero; compared as raw bytes, so
 * zero the whole key before filling it in.
 */
struct ctconn_key {
	uint32_t src[4], dst[4];
	uint16_t sport, dport;		/* host order; ICMP(v6): id, type<<8|code */
	uint8_t proto;
	uint8_t v6;			/* 0: IPv4, 1: IPv6 */
	uint8_t pad[2];			/* always zero */
	uint32_t id;			/* conntrack id */
};

/* What an event or a dump says about one connection. */
struct ctconn_info {
	struct ctconn_key key;
	uint32_t rsrc[4], rdst[4];	/* reply tuple, as key's */
	uint16_t rsport, rdport;	/* host order; ICMP: rdport = type<<8|code */
	uint32_t status;		/* IPS_* bits */
	int has_counters;
	uint64_t pkts[2], bytes[2];	/* [0] original, [1] reply direction */
	int has_start, has_stop;
	uint32_t start, stop;		/* uptime ms */
};

/* Protocols whose conntrack tuple has ports (the others: ICMP, or none). */
static inline int
ctconn_has_ports(uint8_t proto)
{
	return proto == IPPROTO_TCP || proto == IPPROTO_UDP ||
	    proto == IPPROTO_SCTP || proto == IPPROTO_UDPLITE;
}

/* ICMP for IPv4, ICMPv6 for IPv6: an id, a type and a code. */
static inline int
ctconn_is_icmp(const struct ctconn_key *k)
{
	return k->proto == (k->v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP);
}

struct ctconn_stats {
	uint32_t tracked, peak;
	uint64_t inserted;
	uint64_t dropped;		/* not tracked: maxconns reached, no memory */
	uint64_t destroyed;		/* exported at DESTROY */
	uint64_t periodic;		/* delta exports while alive */
	uint64_t swept;			/* vanished, exported at a resync */
	uint64_t untracked;		/* DESTROY of an unknown connection, exported whole */
	uint64_t records;		/* flow records handed to the sink */
	uint64_t rebased;		/* counters found zeroed: re-based */
};

#define CTCONN_FOUND	0
#define CTCONN_NEW	1
#define CTCONN_DROP	(-1)

/* maxconns 0 = unlimited.  NULL with errno on failure. */
struct ctconn *ctconn_new(uint32_t maxconns, struct rec_sink sink);
void ctconn_free(struct ctconn *t);
void ctconn_set_max(struct ctconn *t, uint32_t maxconns);

/*
 * A NEW event or a dump entry: insert (CTCONN_NEW), or refresh the last
 * known counters and start of a known one (CTCONN_FOUND), or CTCONN_DROP
 * past maxconns.  Either way the connection is marked as seen in
 * generation gen (see ctconn_sweep).
 */
int ctconn_seen(struct ctconn *t, const struct ctconn_info *ci, uint32_t gen,
    uint32_t now);

/*
 * A hint before ci is looked up: stage 0 prefetches its bucket, stage 1
 * the first entry of that bucket (ctnl_prefetch_fn).  IPv6 connections
 * are not prefetched: their key needs the address store's own lookup.
 */
void ctconn_prefetch(const struct ctconn *t, const struct ctconn_info *ci,
    unsigned stage);

/*
 * DESTROY: export the deltas up to the final counters and forget the
 * connection.  Returns 1 if it was tracked, 0 if not (nothing done).
 */
int ctconn_destroy(struct ctconn *t, const struct ctconn_info *ci,
    uint32_t now);

/* Export a connection that was never tracked, whole, from ci alone. */
void ctconn_export_whole(struct ctconn *t, const struct ctconn_info *ci,
    uint32_t now);

/* ms from now until ctconn_due() has a connection (UINT32_MAX: none). */
uint32_t ctconn_next_due(const struct ctconn *t, uint32_t now,
    uint32_t active_ms);
/*
 * Active timeout: the tracked connection whose current period began
 * longest ago, if that was active_ms or more before now.  Returns 1 and
 * fills key (its tuple, as a GET asks for it), else 0.
 */
int ctconn_due(const struct ctconn *t, uint32_t now, uint32_t active_ms,
    struct ctconn_key *key);
/*
 * Export the deltas of a tracked connection up to ci's counters (or its
 * last known ones if ci has none) and start a new period at now.
 * Returns 1 if it was tracked.
 */
int ctconn_export_period(struct ctconn *t, const struct ctconn_info *ci,
    uint32_t now);
/* Same for a key whose counters could not be read: period restarts. */
int ctconn_postpone(struct ctconn *t, const struct ctconn_key *key,
    uint32_t now);

/*
 * After a resync dump: connections not seen in generation gen vanished
 * while events were lost; export them from their last known counters and
 * forget them.  Returns how many.
 */
uint32_t ctconn_sweep(struct ctconn *t, uint32_t gen, uint32_t now);

/* Export every tracked connection's deltas now (flush); they stay tracked. */
uint32_t ctconn_flush(struct ctconn *t, uint32_t now);

/*
 * Take ci's counters (and start) for a tracked connection, as
 * ctconn_seen does, but never insert and leave its resync generation
 * alone: for a look at the table between exports (a delta past 32 bits
 * is exported at now, as anywhere).  Returns 1 if tracked.
 */
int ctconn_update(struct ctconn *t, const struct ctconn_info *ci,
    uint32_t now);

/*
 * Listing: hand sink both flows of every tracked connection, carrying
 * what the next export of each would (the delta since the last one), first
 * = the start of the current period, last = now (conntrack does not say when
 * it last saw a packet).  The sink must not modify the table.
 */
void ctconn_walk(const struct ctconn *t, uint32_t now, struct rec_sink sink);
/*
 * The same in bounded steps: about max connections (and empty buckets)
 * from *cursor (0 to start), updated to go on from; 1 when the walk is
 * complete.  get, if not NULL, gives a connection's fresh counters (0) or
 * fails (they stay as last known); only counters change.  The table may
 * change between calls: a connection present throughout is listed once,
 * one added or removed during the walk may or may not be.
 */
typedef int (*ctconn_get_fn)(void *arg, const struct ctconn_key *k,
    struct ctconn_info *out);
int ctconn_walk_from(struct ctconn *t, uint32_t *cursor, uint32_t max,
    uint32_t now, ctconn_get_fn get, void *garg, struct rec_sink sink);

/*
 * Build the two flow keys of a connection (see the top of this file).  An
 * IPv6 connection's keys have v6 set and src, dst 0; its addresses go into
 * a[0] (original direction) and a[1] (reply), if a is not NULL.
 */
void ctconn_flow_keys(const struct ctconn_info *ci, struct flow_key *orig,
    struct flow_key *reply, struct flow_v6 a[2]);

const struct ctconn_stats *ctconn_stats(const struct ctconn *t);
size_t ctconn_entry_size(void);
/* Bytes the table holds: slabs, buckets, interned IPv6 addresses. */
size_t ctconn_memory(const struct ctconn *t);

#endif
