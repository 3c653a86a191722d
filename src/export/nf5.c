/*
 * nf5: the NetFlow v5 wire format.  See nf5.h.
 *
 * Every field is written and read a byte at a time in network order, so the
 * code needs no alignment of buf and does not depend on the host's byte
 * order.  Addresses (src, dst, nexthop) are kept in network order in struct
 * flow_rec and are copied as they are.
 *
 * Header (24 bytes)			Record (48 bytes)
 *	 0 version	2		 0 srcaddr	4	32 srcport	2
 *	 2 count	2		 4 dstaddr	4	34 dstport	2
 *	 4 sys_uptime	4		 8 nexthop	4	36 pad1		1
 *	 8 unix_secs	4		12 input	2	37 tcp_flags	1
 *	12 unix_nsecs	4		14 output	2	38 prot		1
 *	16 flow_sequence 4		16 dPkts	4	39 tos		1
 *	20 engine_type	1		20 dOctets	4	40 src_as	2
 *	21 engine_id	1		24 First	4	42 dst_as	2
 *	22 sampling	2		28 Last		4	44 src_mask	1
 *							45 dst_mask	1
 *							46 pad2		2
 */
#include <errno.h>
#include <string.h>

#include "export/nf5.h"

#define NF5_VERSION	5

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

/*
 * v5 has 16-bit interface fields.  Saturate rather than truncate: the low
 * 16 bits of a large ifindex could name another, real interface, while
 * 65535 is an obvious "does not fit" to whoever reads the collector.
 */
static uint16_t
ifidx16(uint32_t ifindex)
{
	return ifindex > NF5_IFINDEX_MAX ? NF5_IFINDEX_MAX : (uint16_t)ifindex;
}

uint16_t
nf5_sampling(unsigned mode, uint32_t interval)
{
	return (uint16_t)((mode & 0x3) << 14 |
	    (interval & NF5_SAMPLING_INTERVAL_MAX));
}

void
nf5_put_hdr(uint8_t *buf, const struct nf5_hdr *h)
{
	put16(buf + 0, NF5_VERSION);
	put16(buf + 2, h->count);
	put32(buf + 4, h->sys_uptime);
	put32(buf + 8, h->unix_secs);
	put32(buf + 12, h->unix_nsecs);
	put32(buf + 16, h->flow_sequence);
	buf[20] = h->engine_type;
	buf[21] = h->engine_id;
	put16(buf + 22, h->sampling);
}

void
nf5_put_rec(uint8_t *buf, unsigned idx, const struct flow_rec *r)
{
	uint8_t *p = buf + NF5_HDR_LEN + (size_t)idx * NF5_REC_LEN;

	/* Already in network order: copy the bytes. */
	memcpy(p + 0, &r->key.src, 4);
	memcpy(p + 4, &r->key.dst, 4);
	memcpy(p + 8, &r->nexthop, 4);
	put16(p + 12, ifidx16(r->key.ifin));
	put16(p + 14, ifidx16(r->ifout));
	put32(p + 16, r->packets);
	put32(p + 20, r->bytes);
	put32(p + 24, r->first);
	put32(p + 28, r->last);
	put16(p + 32, r->key.sport);
	put16(p + 34, r->key.dport);
	p[36] = 0;
	p[37] = r->tcp_flags;
	p[38] = r->key.proto;
	p[39] = r->key.tos;
	put16(p + 40, r->src_as);
	put16(p + 42, r->dst_as);
	p[44] = r->src_mask;
	p[45] = r->dst_mask;
	p[46] = 0;
	p[47] = 0;
}

int
nf5_get_hdr(const uint8_t *buf, size_t len, struct nf5_hdr *h)
{
	if (len < NF5_HDR_LEN) {
		errno = EMSGSIZE;
		return -1;
	}
	if (get16(buf) != NF5_VERSION) {
		errno = EPROTO;
		return -1;
	}
	memset(h, 0, sizeof(*h));
	h->count = get16(buf + 2);
	h->sys_uptime = get32(buf + 4);
	h->unix_secs = get32(buf + 8);
	h->unix_nsecs = get32(buf + 12);
	h->flow_sequence = get32(buf + 16);
	h->engine_type = buf[20];
	h->engine_id = buf[21];
	h->sampling = get16(buf + 22);
	return 0;
}

int
nf5_get_rec(const uint8_t *buf, size_t len, unsigned idx, struct flow_rec *r)
{
	const uint8_t *p;

	if (idx >= NF5_MAXRECS ||
	    len < NF5_HDR_LEN + ((size_t)idx + 1) * NF5_REC_LEN) {
		errno = EMSGSIZE;
		return -1;
	}
	p = buf + NF5_HDR_LEN + (size_t)idx * NF5_REC_LEN;
	/* Zero everything, key padding included: keys compare as bytes. */
	memset(r, 0, sizeof(*r));
	memcpy(&r->key.src, p + 0, 4);
	memcpy(&r->key.dst, p + 4, 4);
	memcpy(&r->nexthop, p + 8, 4);
	r->key.ifin = get16(p + 12);
	r->ifout = get16(p + 14);
	r->packets = get32(p + 16);
	r->bytes = get32(p + 20);
	r->first = get32(p + 24);
	r->last = get32(p + 28);
	r->key.sport = get16(p + 32);
	r->key.dport = get16(p + 34);
	r->tcp_flags = p[37];
	r->key.proto = p[38];
	r->key.tos = p[39];
	r->src_as = get16(p + 40);
	r->dst_as = get16(p + 42);
	r->src_mask = p[44];
	r->dst_mask = p[45];
	return 0;
}
