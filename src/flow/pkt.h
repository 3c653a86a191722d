/*
 * pkt: parse the start of an IPv4 or IPv6 packet (as NFLOG copied it) into
 * a flow key.
 *
 * No I/O, no allocation, never reads past caplen.  ip_len is the IP total
 * length from the header (what NetFlow counts as bytes; IPv6: 40 + payload
 * length), which is larger than caplen whenever the copy range cut the
 * packet.  IPv6 extension headers are walked to the transport header.
 * ip_hlen and l4_hlen tell how many header bytes each wire packet of a
 * GRO/TSO super-packet carries (flow/wire.h; IPv6: ip_hlen counts the
 * extension headers).
 *
 * An IPv4 BIG TCP packet (GRO/TSO above 64 KiB) has tot_len 0; it is keyed
 * with ip_len = caplen and big set: its real length is caplen only when the
 * copy range did not cut it, which the caller knows.
 */
#ifndef NFN_PKT_H
#define NFN_PKT_H

#include <stddef.h>
#include <stdint.h>

#include "flow/record.h"

enum pkt_result {
	PKT_OK = 0,		/* key filled in; meter it */
	PKT_TRUNCATED,		/* too short to key (IP header or needed L4 bytes missing) */
	PKT_MALFORMED,		/* not a sane IP header (ihl < 5, tot_len < ihl*4, ...) */
};

struct pkt_info {
	struct flow_key key;	/* ifin left 0: the caller sets it; IPv6: v6 = 1,
				   src and dst 0 (the addresses are in v6) */
	struct flow_v6 v6;	/* IPv6 only */
	uint32_t ip_len;	/* IP total length, host order */
	uint8_t tcp_flags;	/* TCP only, else 0 */
	uint8_t fragment;	/* 1 if MF set or offset != 0 (non-first: ports 0) */
	uint8_t big;		/* IPv4 BIG TCP: tot_len 0, ip_len = caplen */
	uint16_t ip_hlen;	/* IP header length */
	uint16_t l4_hlen;	/* TCP (data offset) or UDP header length; 0 if
				   not known (other protocols, cut off) */
};

enum pkt_result pkt_parse(const uint8_t *p, size_t caplen, struct pkt_info *out);

#endif
