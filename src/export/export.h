/*
 * export: NetFlow v5, v9 or IPFIX datagrams to every destination, each
 * through its own non-blocking, connected UDP socket.
 *
 * Records are encoded as they arrive into one pending datagram (fmt.h); it
 * is sent at once when full (v5: 30 records), and export_tick() sends a
 * partial one before it is 1 s old.  A destination that is down never
 * blocks or slows the others: sends never block.  What a socket cannot
 * take now waits in its bounded queue (sendq.h) until it is writable;
 * failures and losses are only counted, per socket (ok, failed, refused,
 * sndbuf full, lost), never logged per datagram.
 *
 * A datagram's sys_uptime is at least every record's Last and never below
 * the previous datagram's (modulo 2^32, v5's arithmetic).
 */
#ifndef NFN_EXPORT_H
#define NFN_EXPORT_H

#include <stdint.h>

#include "export/dest.h"
#include "flow/own.h"
#include "export/sendq.h"
#include "flow/record.h"

/* Datagrams that may wait per destination (key export_queue's default). */
#define EXPORT_QUEUE_DEFAULT	4096

struct exporter;

struct export_sock_stats {
	char text[80];		/* destination as configured */
	uint64_t ok;		/* datagrams sent */
	uint64_t fail;		/* other send errors */
	uint64_t refused;	/* ECONNREFUSED (ICMP port unreachable) */
	uint64_t sndbuf_full;	/* EAGAIN / ENOBUFS: buffer full */
	uint64_t bytes;		/* bytes sent ok */
	int sndbuf;		/* SO_SNDBUF in effect (as getsockopt reports) */
	struct sendq_stats q;	/* waiting datagrams, and those lost */
};

struct export_stats {
	uint64_t datagrams;	/* datagrams built */
	uint64_t flows, packets, bytes;	/* totals of the records exported */
	uint64_t templates;	/* v9/IPFIX datagrams that carried templates */
	uint64_t options;	/* v9/IPFIX options datagrams (not in datagrams) */
	uint64_t octets;	/* bytes of every datagram built */
	uint64_t unsupported;	/* records the protocol cannot carry (IPv6 in v5) */
	uint64_t unsupported_packets, unsupported_bytes;
	uint32_t nsocks;
	struct export_sock_stats sock[DEST_MAX];
};

/*
 * engine_type / engine_id go into every header; mark (SO_MARK) 0 = none.
 * The exporter starts with NetFlow v5 (export_set_format() changes it).
 */
struct exporter *export_new(uint8_t engine_type, uint8_t engine_id,
    uint32_t mark);
/* Sends what is pending first.  */
void export_free(struct exporter *x, uint32_t now);

/*
 * Replace the destinations (live change): new sockets are opened first; on
 * failure -1 with errno and the old ones stay.  Counters of a destination
 * present in both lists are kept.
 */
int export_set_dests(struct exporter *x, const struct dest_list *dl,
    uint32_t sndbuf);
void export_set_engine(struct exporter *x, uint8_t engine_type,
    uint8_t engine_id);

/* What goes on the wire (conf keys protocol, refresh_rate, timeout_rate). */
struct export_format {
	unsigned protocol;		/* 5, 9, 10 */
	uint8_t engine_type, engine_id;
	uint32_t refresh_rate;		/* datagrams */
	uint32_t timeout_rate;		/* minutes */
	int masks;			/* aggregation sets prefix lengths */
	int nat;			/* NAT event records come (natevents) */
	uint8_t sampling_mode;		/* FMT_SAMPLING_*; 0 = every packet */
	uint16_t sampling_interval;	/* N of 1 in N; 0 when off */
};

/*
 * Set the format, also live.  A change of protocol first sends what is
 * pending in the old one, so no datagram mixes the two and no record is
 * lost; the new protocol starts with its templates.  So does a change of
 * sampling: the records pending keep the rate they were metered at, the
 * new rate applies from the next datagram.
 */
void export_set_format(struct exporter *x, const struct export_format *f,
    uint32_t now);
unsigned export_protocol(const struct exporter *x);

/*
 * Packets and bytes the meter did not account (drops), reported in the
 * v9/IPFIX options data as ignoredPacketTotalCount/ignoredOctetTotalCount.
 */
void export_set_ignored(struct exporter *x, uint64_t pkts, uint64_t octets);

/* Queue size (datagrams) of every destination opened from now on. */
void export_set_queue(struct exporter *x, uint32_t cap);
/*
 * The daemon's epoll set: a destination whose queue is not empty is in it
 * for EPOLLOUT (data.fd = its socket) until the queue empties.
 */
void export_set_epoll(struct exporter *x, int epfd);
/* fd is writable: send what waits for it.  0 if fd is not ours. */
int export_on_writable(struct exporter *x, int fd);
/* Datagrams waiting, all destinations together. */
uint32_t export_queued(const struct exporter *x);
/*
 * At exit: wait until every queue is empty, at most timeout_ms (clock()
 * gives ms); what is still queued then is counted lost.  Returns it.
 */
uint32_t export_drain(struct exporter *x, uint32_t timeout_ms,
    uint32_t (*clock)(void));

/* Queue one record; sends the datagram when it reaches 30 records. */
void export_add(struct exporter *x, const struct flow_rec *r, uint32_t now);
/* The exporter as a record sink (flow/record.h): put() is export_add(). */
struct rec_sink export_sink(struct exporter *x);
/* Send a partial datagram whose first record is 500 ms old or more. */
void export_tick(struct exporter *x, uint32_t now);
/* ms from now until export_tick() must send (UINT32_MAX: nothing pending). */
uint32_t export_next(const struct exporter *x, uint32_t now);
/* Send a partial datagram now. */
void export_flush(struct exporter *x, uint32_t now);

const struct export_stats *export_stats(const struct exporter *x);

/*
 * The (local, collector) address and port of every connected IPv4 export
 * socket, kept current as sockets change and connect: what own_match()
 * needs to skip the daemon's own traffic.
 */
const struct own_tab *export_own(const struct exporter *x);

#endif
