/*
 * nf5: the NetFlow v5 wire format.  Pure functions: no I/O, no clock, so the
 * encoder is tested against known bytes.
 *
 * Layout (all fields network byte order): 24-byte header, then up to 30
 * records of 48 bytes.
 */
#ifndef NFN_NF5_H
#define NFN_NF5_H

#include <stddef.h>
#include <stdint.h>

#include "flow/record.h"

#define NF5_HDR_LEN	24
#define NF5_REC_LEN	48
#define NF5_MAXRECS	30
#define NF5_MAXLEN	(NF5_HDR_LEN + NF5_MAXRECS * NF5_REC_LEN)

/*
 * input/output are 16 bits in v5.  An ifindex above 65535 is written as
 * 65535 (saturated, not truncated: its low 16 bits could name another, real
 * interface).  nf5_get_rec() therefore gives back 65535 for such a record.
 */
#define NF5_IFINDEX_MAX	65535

struct nf5_hdr {
	uint16_t count;
	uint32_t sys_uptime;	/* ms */
	uint32_t unix_secs, unix_nsecs;
	uint32_t flow_sequence;	/* flows exported before this datagram */
	uint8_t engine_type, engine_id;
	uint16_t sampling;	/* 2-bit mode + 14-bit interval; 0 = none */
};

/*
 * sampling_interval: the top 2 bits say how packets were selected, the low
 * 14 bits are N of "1 packet in N" (Cisco's v5 format; 0 = no sampling).
 */
#define NF5_SAMPLING_DETERMINISTIC	1	/* every Nth packet */
#define NF5_SAMPLING_RANDOM		2	/* 1 in N at random */
#define NF5_SAMPLING_INTERVAL_MAX	0x3fff

/* The field for mode (NF5_SAMPLING_*) and interval; interval is masked. */
uint16_t nf5_sampling(unsigned mode, uint32_t interval);

/* Write the 24-byte header at buf. */
void nf5_put_hdr(uint8_t *buf, const struct nf5_hdr *h);
/* Write record number idx (0-based) of a datagram starting at buf. */
void nf5_put_rec(uint8_t *buf, unsigned idx, const struct flow_rec *r);
/*
 * Parse back (tests, tools).  Return -1 if len is too short (errno
 * EMSGSIZE; also for idx >= NF5_MAXRECS), or if the version is not 5
 * (nf5_get_hdr, errno EPROTO).  nf5_get_rec() does not look at count.
 */
int nf5_get_hdr(const uint8_t *buf, size_t len, struct nf5_hdr *h);
int nf5_get_rec(const uint8_t *buf, size_t len, unsigned idx, struct flow_rec *r);

#endif
