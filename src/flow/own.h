/*
 * own: recognize the daemon's own export traffic in a packet, so that it is
 * never metered, whatever the rules and conntrack do:
 *
 *   - an export datagram itself: UDP from one of our export sockets'
 *     address and port to its collector (seen on output, and on input too
 *     when the collector is local; normally the rules already skip it by
 *     its SO_MARK, but not with export_mark = 0);
 *   - an ICMP error (destination unreachable, time exceeded, parameter
 *     problem, source quench, redirect) whose inner header is such a
 *     datagram: what a down or unreachable collector answers.  Without
 *     conntrack nothing in the kernel ties it to our socket.
 *
 * Only the exact socket pair counts: another host's traffic to a
 * collector's address and port is metered like any other.  IPv4 only, as
 * the packet path.  No I/O.
 */
#ifndef NFN_OWN_H
#define NFN_OWN_H

#include <stddef.h>
#include <stdint.h>

#define OWN_MAX		16

struct own_sock {
	uint32_t laddr, raddr;		/* network byte order */
	uint16_t lport, rport;		/* host byte order */
};

struct own_tab {
	unsigned n;
	struct own_sock s[OWN_MAX];
};

/*
 * p: the packet from its IPv4 header, caplen bytes of it.  1 if it is one
 * of t's export datagrams or an ICMP error about one, else 0.
 */
int	own_match(const struct own_tab *t, const uint8_t *p, size_t caplen);

#endif
