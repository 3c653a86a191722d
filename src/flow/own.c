/*
 * own: the daemon's own export traffic.  See own.h.
 *
 * The inner header of an ICMP error is the start of the datagram that
 * caused it, as sent: its source is our socket, its destination the
 * collector.  RFC 792 guarantees the IP header and 8 bytes after it, which
 * hold the UDP ports.
 */
#include <string.h>

#include "flow/own.h"

#define OWN_ICMP	1
#define OWN_UDP		17

static inline uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

/* An ICMP type that carries the offending datagram's header. */
static int
icmp_is_error(uint8_t type)
{
	switch (type) {
	case 3:		/* destination unreachable */
	case 4:		/* source quench */
	case 5:		/* redirect */
	case 11:	/* time exceeded */
	case 12:	/* parameter problem */
		return 1;
	default:
		return 0;
	}
}

/*
 * The IPv4 header at p (len bytes available) is UDP from a socket of t to
 * its collector.  With inner set, p is the header quoted by an ICMP error,
 * whose length fields describe the original datagram, not this copy.
 */
static int
udp_is_ours(const struct own_tab *t, const uint8_t *p, size_t len)
{
	size_t hlen;
	uint32_t src, dst;
	uint16_t sport, dport;
	unsigned i;

	if (len < 20 || (p[0] >> 4) != 4 || p[9] != OWN_UDP)
		return 0;
	hlen = (size_t)(p[0] & 0x0f) * 4;
	/* a fragment past the first has no ports */
	if (hlen < 20 || len < hlen + 4 || (get16(p + 6) & 0x1fff) != 0)
		return 0;
	memcpy(&src, p + 12, 4);
	memcpy(&dst, p + 16, 4);
	sport = get16(p + hlen);
	dport = get16(p + hlen + 2);
	for (i = 0; i < t->n; i++)
		if (t->s[i].laddr == src && t->s[i].lport == sport &&
		    t->s[i].raddr == dst && t->s[i].rport == dport)
			return 1;
	return 0;
}

int
own_match(const struct own_tab *t, const uint8_t *p, size_t caplen)
{
	size_t hlen;

	if (t->n == 0 || caplen < 20 || (p[0] >> 4) != 4)
		return 0;
	if (p[9] == OWN_UDP)
		return udp_is_ours(t, p, caplen);
	if (p[9] != OWN_ICMP)
		return 0;
	hlen = (size_t)(p[0] & 0x0f) * 4;
	if (hlen < 20 || caplen < hlen + 8 || (get16(p + 6) & 0x1fff) != 0 ||
	    !icmp_is_error(p[hlen]))
		return 0;
	return udp_is_ours(t, p + hlen + 8, caplen - hlen - 8);
}
