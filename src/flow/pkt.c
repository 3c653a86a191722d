/*
 * pkt: key an IPv4 packet as NFLOG copied it.  See pkt.h.
 *
 * Decisions (the header leaves them to us):
 *
 * - IP version 6 is PKT_NOT_IPV4 (ignored under v5).  Any other version
 *   that is not 4 is PKT_MALFORMED: NFLOG on an inet hook only hands over
 *   IPv4 and IPv6, so anything else is garbage, not "another protocol".
 * - Checks run in the order the bytes arrive, so the verdict only depends
 *   on bytes we have: version and ihl (byte 0), then caplen >= 20, then
 *   tot_len against ihl, then caplen against ihl.
 * - Only min(caplen, tot_len) bytes are packet: bytes past tot_len are not
 *   parsed as L4 header.
 * - L4 bytes the key needs (4 for ports, 2 for ICMP type/code): missing
 *   because the copy range cut them (caplen) is PKT_TRUNCATED; missing from
 *   the packet itself (tot_len too small) is PKT_MALFORMED.
 * - TCP flags (byte 13) are not part of the key: if the ports are there but
 *   the flags are not, the packet is still metered, with flags 0.  Packets
 *   and bytes stay exact; only the OR of flags can miss bits, and only with
 *   a copy range below 74 bytes (60 bytes of IP header + 14).
 * - Non-first fragments (offset != 0) carry no L4 header: ports 0, flags 0.
 *   The first fragment (MF set, offset 0) is parsed normally.
 */
#include <netinet/in.h>

#include "flow/pkt.h"

#define IP_MF		0x2000
#define IP_OFFMASK	0x1fff

#ifndef IPPROTO_UDPLITE
#define IPPROTO_UDPLITE	136
#endif
#ifndef IPPROTO_SCTP
#define IPPROTO_SCTP	132
#endif

static inline uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static int
has_ports(uint8_t proto)
{
	switch (proto) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
	case IPPROTO_SCTP:
	case IPPROTO_UDPLITE:
		return 1;
	default:
		return 0;
	}
}

/*
 * How many L4 bytes the key needs for this protocol (0: none).  The
 * verdict for a short L4 header depends on whether the packet (tot_len)
 * or only our copy of it (caplen) is short.
 */
static enum pkt_result
need_l4(size_t need, size_t l4len_pkt, size_t l4len_cap)
{
	if (l4len_pkt < need)
		return PKT_MALFORMED;
	if (l4len_cap < need)
		return PKT_TRUNCATED;
	return PKT_OK;
}

enum pkt_result
pkt_parse(const uint8_t *p, size_t caplen, struct pkt_info *out)
{
	const uint8_t *l4;
	size_t hlen, totlen, l4pkt, l4cap;
	uint16_t frag;
	enum pkt_result r;
	uint8_t proto;

	if (caplen < 1)
		return PKT_TRUNCATED;
	switch (p[0] >> 4) {
	case 4:
		break;
	case 6:
		return PKT_NOT_IPV4;
	default:
		return PKT_MALFORMED;
	}
	hlen = (size_t)(p[0] & 0x0f) * 4;
	if (hlen < 20)
		return PKT_MALFORMED;
	if (caplen < 20)
		return PKT_TRUNCATED;
	totlen = get16(p + 2);
	if (totlen < hlen)
		return PKT_MALFORMED;
	if (caplen < hlen)
		return PKT_TRUNCATED;

	flow_key_clear(&out->key);
	out->ip_len = (uint32_t)totlen;
	out->tcp_flags = 0;
	frag = get16(p + 6);
	out->fragment = (frag & (IP_MF | IP_OFFMASK)) != 0;
	proto = p[9];
	out->key.proto = proto;
	out->key.tos = p[1];
	/* Addresses stay in network byte order: copy the bytes as they are. */
	memcpy(&out->key.src, p + 12, 4);
	memcpy(&out->key.dst, p + 16, 4);

	/* A non-first fragment starts in the middle of the L4 payload. */
	if (frag & IP_OFFMASK)
		return PKT_OK;

	l4 = p + hlen;
	l4pkt = totlen - hlen;
	l4cap = (caplen < totlen ? caplen : totlen) - hlen;
	if (has_ports(proto)) {
		if ((r = need_l4(4, l4pkt, l4cap)) != PKT_OK)
			return r;
		out->key.sport = get16(l4);
		out->key.dport = get16(l4 + 2);
		if (proto == IPPROTO_TCP && l4cap >= 14)
			out->tcp_flags = l4[13];
	} else if (proto == IPPROTO_ICMP) {
		if ((r = need_l4(2, l4pkt, l4cap)) != PKT_OK)
			return r;
		out->key.dport = (uint16_t)(l4[0] << 8 | l4[1]);
	}
	return PKT_OK;
}
