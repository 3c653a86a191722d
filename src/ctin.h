/*
 * ctin: conntrack input (libnetfilter_conntrack's nfct_nlmsg_parse over
 * libmnl).
 *
 * capture = nflog: conntrack events end flows promptly.  When a connection
 * is destroyed, or a TCP connection reaches TIME_WAIT or CLOSE (UPDATE
 * event), the flows of both its directions are exported from the flow
 * table about 400 ms later (CT_END_GRACE, so the packet that caused the
 * event, which NFLOG delivers on another socket, still joins its flow;
 * well within 1 s).  Packets that arrive after that start a new flow, so
 * counts stay exact.
 *
 *   How a flow is tied to its connection: by tuple.  The forward and input
 *   hooks (priority -150) see the pre-SNAT source and the post-DNAT
 *   destination, which are the original tuple's source and the reply
 *   tuple's source, so:
 *	original-direction flow = orig.src:orig.sport -> reply.src:reply.sport
 *	reply-direction flow    = reply.src:reply.sport -> orig.src:orig.sport
 *   ICMP: dport = type*256+code of each direction (echo 8 -> reply 0).
 *   NFLOG's ifin and tos are not known to conntrack: every flow of the
 *   5-tuple is exported (ft_export_tuple).  Verified with masquerade and a
 *   port range (tests/integration/ct-natevents.sh).  Not covered: the
 *   output hook sees locally generated packets before output DNAT, so such
 *   flows end by their timeouts instead.
 *   Lost events (overrun) cost nothing in this mode: the flows still end
 *   by their timeouts; overruns are counted, no resync is needed.
 *
 * capture = conntrack (the lightweight mode): no NFLOG.  ctin_open turns on
 * net.netfilter.nf_conntrack_acct and nf_conntrack_timestamp in the
 * daemon's network namespace (or fails, saying so), subscribes to NEW and
 * DESTROY events, then dumps the table (socket first, so no connection
 * falls between them; the table de-duplicates by original tuple + id).
 * Each connection gives two unidirectional flows (ctconn.h) with the
 * per-direction CTA_COUNTERS; First/Last come from CTA_TIMESTAMP (wall
 * clock ns, converted to uptime ms; a NEW event has none, so the event's
 * arrival stands in until a dump or the DESTROY tells).  Exported at
 * DESTROY; a connection tracked for active_timeout is read back with a GET
 * and exported as the delta since its last export, so the records sum to
 * the final counters.  Conntrack cannot tell ToS, TCP flags or the input
 * and output ifindex: those fields are 0.  maxflows bounds the tracked
 * connections: past it a connection is counted as dropped, and its packets
 * and bytes are counted as dropped at its DESTROY.  The daemon's own export
 * datagrams (UDP to a destination) are skipped.
 *
 * Overruns (ENOBUFS): counted; the receive buffer doubles up to
 * conntrack_rcvbuf_max; in conntrack mode a resync follows at the next
 * tick: a dump refreshes every connection's counters, and once the event
 * socket has been read empty (every DESTROY queued before the dump is
 * handled) the connections the dump did not see are exported from their
 * last known counters and counted as resynced.  A DESTROY of a connection
 * never seen (its NEW was lost) is exported whole from the event.  Nothing
 * is exported twice.  What cannot be recovered: traffic a connection had
 * between its last known counters and a lost DESTROY.
 *
 * conntrack_reliable = 1 sets NETLINK_BROADCAST_ERROR and NETLINK_NO_ENOBUFS
 * (conntrackd's NetlinkEventsReliable): the kernel keeps a destroyed
 * connection on its dying list and redelivers its DESTROY until the socket
 * takes it, so final counters are never lost.  Cost: while the daemon
 * lags, dead connections keep occupying the conntrack table (new
 * connections can be refused when it is full), and overruns are no longer
 * reported (NEW events are still lost silently; their DESTROY carries
 * everything).
 *
 * natevents = 1: for connections with NAT, a pseudo-record at NEW and at
 * DESTROY as ipt_NETFLOW sends to v5 collectors: src = pre-NAT source,
 * dst = post-NAT destination, SNAT: nexthop = post-NAT source, src_as its
 * port; DNAT: nexthop = pre-NAT destination, dst_as its port (two records
 * if both); tcp_flags 0x12 at create, 0x05 at destroy; packets, bytes,
 * ifindex 0; First = Last = the event time (conntrack timestamps if on).
 */
#ifndef NFN_CTIN_H
#define NFN_CTIN_H

#include <stdint.h>
#include <stdio.h>

#include "conf.h"
#include "export.h"
#include "flow.h"

struct ctin;

/* Returns NULL (logged, errno set) on failure. */
struct ctin *ctin_open(const struct conf *c, struct ft *ft,
    struct exporter *xp, uint32_t now);
void ctin_close(struct ctin *ct);
int ctin_fd(const struct ctin *ct);
/* Handle what is queued on the event socket. */
void ctin_read(struct ctin *ct, uint32_t now);
/* Periodic work (active-timeout deltas, scheduled resyncs). */
void ctin_tick(struct ctin *ct, uint32_t now);
/* Export everything still tracked (flush, shutdown). */
void ctin_flush(struct ctin *ct, uint32_t now);
/* Live change; -1 with a message in err, state unchanged. */
int ctin_reconfig(struct ctin *ct, const struct conf *c, char *err,
    size_t errlen);
/* Statistics lines (text) and a JSON object member "conntrack":{...}. */
void ctin_stats_text(const struct ctin *ct, FILE *f);
void ctin_stats_json(const struct ctin *ct, FILE *f);

#endif
