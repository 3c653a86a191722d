/* test-own: the daemon's own export traffic, by its headers. */
#include <arpa/inet.h>
#include <stdint.h>
#include <string.h>

#include "flow/own.h"
#include "util/check.h"

/* An IPv4 header of proto from s to d at p, then 4 bytes of ports. */
static size_t
ip_udp(uint8_t *p, const char *s, uint16_t sp, const char *d, uint16_t dp,
    uint8_t proto)
{
	memset(p, 0, 28);
	p[0] = 0x45;
	p[2] = 0;
	p[3] = 28;
	p[8] = 64;
	p[9] = proto;
	inet_pton(AF_INET, s, p + 12);
	inet_pton(AF_INET, d, p + 16);
	p[20] = (uint8_t)(sp >> 8);
	p[21] = (uint8_t)sp;
	p[22] = (uint8_t)(dp >> 8);
	p[23] = (uint8_t)dp;
	return 28;
}

/* An ICMP error of type from s to d quoting the datagram at inner. */
static size_t
icmp_err(uint8_t *p, uint8_t type, const char *s, const char *d,
    const uint8_t *inner, size_t ilen)
{
	ip_udp(p, s, 0, d, 0, 1);
	p[3] = (uint8_t)(28 + ilen);
	memset(p + 20, 0, 8);
	p[20] = type;
	p[21] = 3;
	memcpy(p + 28, inner, ilen);
	return 28 + ilen;
}

int
main(void)
{
	struct own_tab t;
	uint8_t pkt[128], in[64];
	size_t n, il;

	memset(&t, 0, sizeof(t));
	n = ip_udp(pkt, "198.18.1.1", 40000, "198.19.1.9", 2055, 17);
	CHECK_EQ(own_match(&t, pkt, n), 0);	/* empty table */

	t.n = 1;
	inet_pton(AF_INET, "198.18.1.1", &t.s[0].laddr);
	inet_pton(AF_INET, "198.19.1.9", &t.s[0].raddr);
	t.s[0].lport = 40000;
	t.s[0].rport = 2055;

	/* the export datagram itself */
	CHECK_EQ(own_match(&t, pkt, n), 1);
	CHECK_EQ(own_match(&t, pkt, 23), 0);	/* ports cut off */
	/* another host's datagram to the collector's port is not ours */
	n = ip_udp(pkt, "198.18.1.2", 40000, "198.19.1.9", 2055, 17);
	CHECK_EQ(own_match(&t, pkt, n), 0);
	/* nor ours from another port, nor TCP on the same ports */
	n = ip_udp(pkt, "198.18.1.1", 40001, "198.19.1.9", 2055, 17);
	CHECK_EQ(own_match(&t, pkt, n), 0);
	n = ip_udp(pkt, "198.18.1.1", 40000, "198.19.1.9", 2055, 6);
	CHECK_EQ(own_match(&t, pkt, n), 0);

	/* port unreachable from the collector about our datagram */
	il = ip_udp(in, "198.18.1.1", 40000, "198.19.1.9", 2055, 17);
	in[3] = 200;	/* the quoted length is the original's */
	n = icmp_err(pkt, 3, "198.19.1.9", "198.18.1.1", in, il);
	CHECK_EQ(own_match(&t, pkt, n), 1);
	CHECK_EQ(own_match(&t, pkt, n - 5), 0);	/* inner ports cut off */
	/* time exceeded from a router on the way */
	n = icmp_err(pkt, 11, "198.19.1.254", "198.18.1.1", in, il);
	CHECK_EQ(own_match(&t, pkt, n), 1);
	/* an echo request is no error, whatever it carries */
	n = icmp_err(pkt, 8, "198.19.1.9", "198.18.1.1", in, il);
	CHECK_EQ(own_match(&t, pkt, n), 0);
	/* an error about another host's datagram to the collector */
	il = ip_udp(in, "198.18.1.2", 40000, "198.19.1.9", 2055, 17);
	n = icmp_err(pkt, 3, "198.19.1.9", "198.18.1.2", in, il);
	CHECK_EQ(own_match(&t, pkt, n), 0);
	/* a non-first fragment has no ports to compare */
	n = ip_udp(pkt, "198.18.1.1", 40000, "198.19.1.9", 2055, 17);
	pkt[7] = 10;
	CHECK_EQ(own_match(&t, pkt, n), 0);
	/* not IPv4 */
	pkt[0] = 0x60;
	CHECK_EQ(own_match(&t, pkt, n), 0);
	return check_done();
}
