/*
 * ctnat: ipt_NETFLOW's NAT event records for NetFlow v5 collectors
 * (natevents = 1).  For a connection with NAT, one pseudo-record at NEW
 * and one at DESTROY per kind of NAT it has:
 *	src = pre-NAT source ip:port, dst = post-NAT destination ip:port;
 *	SNAT: nexthop = post-NAT source, src_as = its port;
 *	DNAT: nexthop = pre-NAT destination, dst_as = its port;
 *	tcp_flags 0x12 (SYN|ACK) at create, 0x05 (FIN|RST) at destroy;
 *	packets, bytes, ifindex 0; First = Last = the event time (conntrack's
 *	timestamps when it has them, else when the event arrived).
 * Ports are 0 for protocols without them.  Each record also points to the
 * whole translation (struct rec_nat: pre- and post-NAT tuple, create or
 * delete), which v9 and IPFIX export in their NAT fields.  IPv6
 * connections (NAT66) give IPv6 records (rec->v6, v9 and IPFIX only),
 * their addresses in rec_nat's pre6 and post6, nexthop 0.
 */
#ifndef NFN_CTNAT_H
#define NFN_CTNAT_H

#include <stdint.h>

#include "flow/record.h"
#include "input/ctconn.h"

/*
 * Hand ci's NAT event records (create or destroy) to sink; now is the
 * uptime when the event arrived.  Returns how many: 0 without NAT, 1 or 2.
 */
unsigned ctnat_event(struct rec_sink sink, const struct ctconn_info *ci,
    int create, uint32_t now);

#endif
