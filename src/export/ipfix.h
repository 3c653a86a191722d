/*
 * ipfix: the IPFIX message format (RFC 7011).  Pure functions: no I/O, no
 * clock, so the encoder is tested against known bytes.
 *
 * A message is a 16-byte header followed by Sets, each a 4-byte header (id,
 * length in bytes including the header) and its records: Set id 2 holds
 * template records, an id of 256 or more holds data records of that
 * template.  The templates and records themselves are ie.h.
 */
#ifndef NFN_IPFIX_H
#define NFN_IPFIX_H

#include <stddef.h>
#include <stdint.h>

#define IPFIX_VERSION		10
#define IPFIX_HDR_LEN		16
#define IPFIX_SET_HDR_LEN	4
#define IPFIX_TMPL_SET_ID	2

struct ipfix_hdr {
	uint16_t length;	/* of the whole message, header included */
	uint32_t export_time;	/* s since 1970 */
	uint32_t sequence;	/* data records sent before this message */
	uint32_t domain;	/* observation domain id */
};

/*
 * Header layout (network byte order):
 *	0 version 2, 2 length 2, 4 export time 4, 8 sequence 4,
 *	12 observation domain id 4
 */
void ipfix_put_hdr(uint8_t *buf, const struct ipfix_hdr *h);
/* -1 with errno EMSGSIZE if len is short, EPROTO if the version is not 10. */
int ipfix_get_hdr(const uint8_t *buf, size_t len, struct ipfix_hdr *h);

/* Set header: id, then length (bytes, header included). */
void ipfix_put_set_hdr(uint8_t *p, uint16_t id, uint16_t len);

#endif
