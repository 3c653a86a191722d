/*
 * flow (prefix ft_): the flow table.  No I/O, no clock of its own: every call
 * that needs time takes "now" in uptime ms, so unit tests use a fake clock.
 *
 * Storage is preallocated in slabs, so metering a packet never calls malloc
 * once the slab holding the flow exists.  Metering a packet touches only
 * its hash bucket and its flow entry.  Expiry walks a list in order of
 * first packet (active timeout) and a lazy timer wheel of 256 ms slots
 * (inactive timeout), so its cost is proportional to what expires or saw
 * packets, not to the table size; a flow is exported by the first
 * ft_expire() at or after its timeout.
 *
 * Finished flows leave through the record sink given to ft_new(); the
 * table never keeps a flow it has handed over.
 */
#ifndef NFN_FLOW_H
#define NFN_FLOW_H

#include <stddef.h>
#include <stdint.h>

#include "flow/record.h"

struct ft;

/* Why a flow was exported. */
enum ft_reason {
	FT_EXP_INACTIVE,
	FT_EXP_ACTIVE,
	FT_EXP_OVERFLOW,	/* 32-bit packet or byte counter would wrap */
	FT_EXP_FORCED,		/* flush, shutdown, connection end */
	FT_EXP_NREASONS
};

struct ft_stats {
	uint64_t lookups;		/* packets looked up */
	uint64_t searched;		/* chain entries compared (metric = searched/lookups) */
	uint64_t found, new_flows;
	uint64_t pkts, bytes;		/* metered into flows */
	uint64_t drop_maxflows_pkts, drop_maxflows_bytes;
	uint64_t drop_alloc_pkts, drop_alloc_bytes;
	uint64_t exported[FT_EXP_NREASONS];
	uint32_t active, peak;
	uint32_t peak_at;		/* uptime ms when peak was reached */
	uint32_t rehashes;
	uint64_t requeued;		/* wheel: flows re-queued as they saw packets */
	uint64_t tcp_closing;		/* flows ended by FIN (both ways) or RST */
};

/* Update results. */
#define FT_FOUND	0
#define FT_NEW		1
#define FT_DROP_MAX	(-1)	/* maxflows reached: counted as dropped */
#define FT_DROP_ALLOC	(-2)	/* no memory for a new slab: counted as dropped */

/*
 * maxflows 0 = unlimited; hashsize 0 = automatic (4096 buckets to start,
 * doubled whenever the flows outnumber the buckets).  Timeouts in ms.
 * Returns NULL with errno set on failure.
 */
struct ft *ft_new(uint32_t maxflows, uint32_t hashsize, uint32_t active_ms,
    uint32_t inactive_ms, struct rec_sink sink);
/* Frees without exporting: call ft_flush() first to keep every flow. */
void ft_free(struct ft *ft);

/*
 * Meter one packet of ip_len bytes.  masks come from aggregation (0 if none).
 * Returns FT_FOUND, FT_NEW, FT_DROP_MAX or FT_DROP_ALLOC.
 */
int ft_update(struct ft *ft, const struct flow_key *key, uint32_t ifout,
    uint32_t ip_len, uint8_t tcp_flags, uint8_t src_mask, uint8_t dst_mask,
    uint32_t now);
/*
 * The same for pkts wire packets of ip_len bytes in all, which one
 * GRO/TSO super-packet stood for (flow/wire.h); pkts >= 1.
 */
int ft_update_n(struct ft *ft, const struct flow_key *key, uint32_t ifout,
    uint32_t pkts, uint32_t ip_len, uint8_t tcp_flags, uint8_t src_mask,
    uint8_t dst_mask, uint32_t now);

/*
 * The same for an IPv6 packet: key as pkt_parse() made it (v6 set, src and
 * dst 0), its addresses in a.
 */
int ft_update6(struct ft *ft, const struct flow_key *key,
    const struct flow_v6 *a, uint32_t ifout, uint32_t ip_len,
    uint8_t tcp_flags, uint8_t src_mask, uint8_t dst_mask, uint32_t now);
/* The same for pkts wire packets (ft_update_n). */
int ft_update6_n(struct ft *ft, const struct flow_key *key,
    const struct flow_v6 *a, uint32_t ifout, uint32_t pkts, uint32_t ip_len,
    uint8_t tcp_flags, uint8_t src_mask, uint8_t dst_mask, uint32_t now);

/*
 * One packet of a batch for ft_update_batch(): the arguments of
 * ft_update_n() (key.v6 set: those of ft_update6_n(), addresses in v6).
 */
struct ft_pkt {
	struct flow_key key;
	struct flow_v6 v6;		/* IPv6 only */
	uint32_t ifout, pkts, bytes, now;
	uint8_t tcp_flags, src_mask, dst_mask;
};

/*
 * Meter n packets, in order, exactly as n calls of ft_update_n() /
 * ft_update6_n() would (same table, same records, same stats), but with
 * the cache misses of their lookups overlapped.  res (NULL or n ints)
 * gets each packet's result.
 */
void ft_update_batch(struct ft *ft, const struct ft_pkt *p, uint32_t n,
    int *res);

/* Export every flow whose timeout has passed at "now".  Returns how many. */
uint32_t ft_expire(struct ft *ft, uint32_t now);
/* ms from now until the next flow times out (UINT32_MAX if the table is empty). */
uint32_t ft_next_expiry(const struct ft *ft, uint32_t now);
/* Export every flow (flush, shutdown).  Returns how many. */
uint32_t ft_flush(struct ft *ft, uint32_t now);
/*
 * Export the flow with this IPv4 key now, if it exists.  Returns 1 if it
 * did.
 */
int ft_export_key(struct ft *ft, const struct flow_key *key, uint32_t now);

/*
 * Export now every flow of key's 5-tuple (src, dst, sport, dport, proto),
 * whatever its ifin and tos: a connection ended (conntrack knows neither).
 * IPv4 only (conntrack events are).  Returns how many.
 */
uint32_t ft_export_tuple(struct ft *ft, const struct flow_key *key,
    uint32_t now);

/* Live changes.  ft_rehash() returns -1 with errno (table unchanged) on failure. */
void ft_set_timeouts(struct ft *ft, uint32_t active_ms, uint32_t inactive_ms);
void ft_set_maxflows(struct ft *ft, uint32_t maxflows);
/*
 * TCP ends from the flags (nflog mode without conntrack; 0 = off, the
 * default).  A TCP flow that saw RST (and the flows of the reverse 5-tuple),
 * or that saw FIN while a flow of the reverse 5-tuple saw FIN too (both
 * sides closed), then ends after close_ms
 * without packets instead of inactive_timeout (the smaller of the two):
 * the last ACK still joins it, a packet after that starts a new flow.
 */
void ft_set_tcp_close(struct ft *ft, uint32_t close_ms);
int ft_rehash(struct ft *ft, uint32_t hashsize);

/*
 * Hand every active flow to sink, oldest first, without removing it
 * (listing only: the sink must not modify the table).
 */
void ft_walk(const struct ft *ft, struct rec_sink sink, uint32_t now);

/*
 * The same in bounded steps, for a listing that must not hold the caller:
 * visit at most max entry slots from pos (start at 0), hand the live ones
 * to sink, return the position to go on from, or FT_WALK_END.  The table
 * may change between calls.  A flow that lives through the whole walk is
 * listed exactly once; one created or ended during it may be listed or
 * not (a new flow that takes a freed slot behind pos is not).
 */
#define FT_WALK_END	UINT32_MAX
uint32_t ft_walk_from(const struct ft *ft, uint32_t pos, uint32_t max,
    struct rec_sink sink, uint32_t now);

const struct ft_stats *ft_stats(const struct ft *ft);
uint32_t ft_hashsize(const struct ft *ft);
/* Bytes held by the table: slabs plus buckets. */
size_t ft_memory(const struct ft *ft);
/* Bytes of one IPv4 (v6 0) or IPv6 flow entry (documentation, benchmark). */
size_t ft_entry_size(int v6);
/* The longest hash chain (tests and debugging: walks every bucket). */
uint32_t ft_longest_chain(const struct ft *ft);

#endif
