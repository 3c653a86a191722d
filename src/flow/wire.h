/*
 * wire: the wire packets a GRO/TSO super-packet stands for (SPEC 4).
 *
 * Real NICs merge received TCP segments (GRO/LRO) and local senders hand
 * the stack super-packets (TSO/GSO), so one NFLOG message may stand for
 * many packets that crossed the wire.  A message whose IP length exceeds
 * the MTU of its interface is such a super-packet; it stands for
 *
 *	n = ceil(payload / (MTU - IP header - transport header))
 *
 * wire packets, payload being its IP length less both headers, and for the
 * IP bytes of those n packets: its own IP length plus (n - 1) times both
 * headers, since each segment carried its own.  This is exact when GRO
 * merged full-sized segments (the sender's MSS matching this MTU), which
 * is what bulk transfers produce; segments cut smaller by the sender
 * (a smaller path MTU or MSS) are undercounted.  A transport header of
 * unknown length (not TCP or UDP, or cut off by the copy range) gives 1.
 * No I/O.
 */
#ifndef NFN_WIRE_H
#define NFN_WIRE_H

#include <stdint.h>

struct wire_count {
	uint32_t pkts;		/* wire packets, >= 1 */
	uint32_t bytes;		/* their IP bytes */
};

/*
 * ip_len, ip_hlen, l4_hlen as pkt.h gives them; mtu of the interface the
 * packet was merged on (0: unknown, counts as 1 packet).  The byte count
 * saturates at UINT32_MAX.
 */
struct wire_count wire_count(uint32_t ip_len, uint32_t ip_hlen,
    uint32_t l4_hlen, uint32_t mtu);

#endif
