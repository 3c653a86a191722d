/*
 * pkt: key an IPv4 packet as NFLOG copied it.  See pkt.h.
 *
 * Decisions (the header leaves them to us):
 *
 * - IP versions 4 and 6 are parsed.  Any other version is PKT_MALFORMED:
 *   NFLOG on an inet hook only hands over IPv4 and IPv6, so anything else
 *   is garbage, not "another protocol".
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
 * - tot_len 0 on TCP is IPv4 BIG TCP (pkt.h), not a malformed header.
 * - Non-first fragments (offset != 0) carry no L4 header: ports 0, flags 0.
 *   The first fragment (MF set, offset 0) is parsed normally.
 *
 * IPv6 (same rules, with the payload length for tot_len):
 * - Extension headers hop-by-hop, routing, destination options, fragment
 *   and AH are walked; each needs its 2 first bytes (next header, length)
 *   to be skipped, and all of it to be inside the packet.  Any other next
 *   header (TCP, UDP, ICMPv6, ESP, no next header, ...) ends the walk and
 *   is the key's protocol.
 * - A fragment header with offset != 0: the key's protocol is its next
 *   header, ports 0; with M set or offset != 0 the packet is a fragment.
 * - A jumbogram (payload length 0) is keyed, its length counted as 40.
 */
#include <netinet/in.h>

#include "flow/pkt.h"

#define IP_MF		0x2000
#define IP_OFFMASK	0x1fff
#define IP6_HLEN	40
#define IP6_OFFMASK	0xfff8		/* fragment offset, in the 16 bits */
#define IP6_MF		0x0001

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

/*
 * Key the transport header at l4: l4pkt bytes of it are in the packet,
 * l4cap in our copy.
 */
static enum pkt_result
parse_l4(const uint8_t *l4, size_t l4pkt, size_t l4cap, uint8_t icmp,
    struct pkt_info *out)
{
	uint8_t proto = out->key.proto;
	enum pkt_result r;

	if (has_ports(proto)) {
		if ((r = need_l4(4, l4pkt, l4cap)) != PKT_OK)
			return r;
		out->key.sport = get16(l4);
		out->key.dport = get16(l4 + 2);
		if (proto == IPPROTO_TCP && l4cap >= 14) {
			out->tcp_flags = l4[13];
			out->l4_hlen = (uint16_t)((l4[12] >> 4) * 4);
		} else if (proto == IPPROTO_UDP || proto == IPPROTO_UDPLITE)
			out->l4_hlen = 8;
	} else if (proto == icmp) {
		if ((r = need_l4(2, l4pkt, l4cap)) != PKT_OK)
			return r;
		out->key.dport = (uint16_t)(l4[0] << 8 | l4[1]);
	}
	return PKT_OK;
}

static int
is_ext_hdr(uint8_t nh)
{
	switch (nh) {
	case IPPROTO_HOPOPTS:
	case IPPROTO_ROUTING:
	case IPPROTO_DSTOPTS:
	case IPPROTO_FRAGMENT:
	case IPPROTO_AH:
		return 1;
	default:
		return 0;
	}
}

static enum pkt_result
parse6(const uint8_t *p, size_t caplen, struct pkt_info *out)
{
	size_t totlen, len, off = IP6_HLEN, end;
	uint16_t frag;
	uint8_t nh;

	if (caplen < IP6_HLEN)
		return PKT_TRUNCATED;
	totlen = IP6_HLEN + get16(p + 4);
	flow_key_clear(&out->key);
	out->key.v6 = 1;
	out->ip_len = (uint32_t)totlen;
	out->tcp_flags = 0;
	out->fragment = 0;
	out->big = 0;
	out->ip_hlen = IP6_HLEN;
	out->l4_hlen = 0;
	out->key.tos = (uint8_t)((p[0] & 0x0f) << 4 | p[1] >> 4);
	memcpy(out->v6.src, p + 8, 16);
	memcpy(out->v6.dst, p + 24, 16);
	/* only min(caplen, totlen) bytes are packet */
	end = caplen < totlen ? caplen : totlen;

	for (nh = p[6]; is_ext_hdr(nh); off += len) {
		if (totlen < off + 2)
			return PKT_MALFORMED;
		if (end < off + 2)
			return PKT_TRUNCATED;
		if (nh == IPPROTO_FRAGMENT)
			len = 8;
		else if (nh == IPPROTO_AH)
			len = ((size_t)p[off + 1] + 2) * 4;
		else
			len = ((size_t)p[off + 1] + 1) * 8;
		if (totlen < off + len)
			return PKT_MALFORMED;
		if (nh == IPPROTO_FRAGMENT) {
			if (end < off + 4)
				return PKT_TRUNCATED;
			frag = get16(p + off + 2);
			out->fragment = (frag & (IP6_OFFMASK | IP6_MF)) != 0;
			if (frag & IP6_OFFMASK) {
				/* not the first: no transport header */
				out->key.proto = p[off];
				return PKT_OK;
			}
		}
		nh = p[off];
	}
	out->key.proto = nh;
	out->ip_hlen = (uint16_t)off;	/* with its extension headers */
	/* off <= totlen here; the copy may end before the transport header */
	return parse_l4(p + off, totlen - off, end > off ? end - off : 0,
	    IPPROTO_ICMPV6, out);
}

enum pkt_result
pkt_parse(const uint8_t *p, size_t caplen, struct pkt_info *out)
{
	const uint8_t *l4;
	size_t hlen, totlen, l4pkt, l4cap;
	uint16_t frag;
	uint8_t proto;

	if (caplen < 1)
		return PKT_TRUNCATED;
	switch (p[0] >> 4) {
	case 4:
		break;
	case 6:
		return parse6(p, caplen, out);
	default:
		return PKT_MALFORMED;
	}
	hlen = (size_t)(p[0] & 0x0f) * 4;
	if (hlen < 20)
		return PKT_MALFORMED;
	if (caplen < 20)
		return PKT_TRUNCATED;
	totlen = get16(p + 2);
	out->big = totlen == 0 && p[9] == IPPROTO_TCP && caplen >= hlen;
	if (out->big)
		totlen = caplen;
	if (totlen < hlen)
		return PKT_MALFORMED;
	if (caplen < hlen)
		return PKT_TRUNCATED;

	flow_key_clear(&out->key);
	out->ip_hlen = (uint16_t)hlen;
	out->l4_hlen = 0;
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
	return parse_l4(l4, l4pkt, l4cap, IPPROTO_ICMP, out);
}
