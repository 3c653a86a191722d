/*
 * nf9: the NetFlow v9 message format (RFC 3954).  Pure functions: no I/O,
 * no clock, so the encoder is tested against known bytes.
 *
 * A message is a 20-byte header followed by FlowSets, each a 4-byte header
 * (id, length in bytes including the header and padding) and its records:
 * FlowSet id 0 holds template records, an id of 256 or more holds data
 * records of that template.  The templates and records themselves are ie.h.
 */
#ifndef NFN_NF9_H
#define NFN_NF9_H

#include <stddef.h>
#include <stdint.h>

#define NF9_VERSION		9
#define NF9_HDR_LEN		20
#define NF9_SET_HDR_LEN		4
#define NF9_TMPL_SET_ID		0

struct nf9_hdr {
	uint16_t count;		/* records in the message, templates included */
	uint32_t sys_uptime;	/* ms */
	uint32_t unix_secs;
	uint32_t sequence;	/* export packets sent before this one */
	uint32_t source_id;
};

/*
 * Header layout (network byte order):
 *	0 version 2, 2 count 2, 4 sysUpTime 4, 8 unix_secs 4,
 *	12 sequence 4, 16 source id 4
 */
void nf9_put_hdr(uint8_t *buf, const struct nf9_hdr *h);
/* -1 with errno EMSGSIZE if len is short, EPROTO if the version is not 9. */
int nf9_get_hdr(const uint8_t *buf, size_t len, struct nf9_hdr *h);

/* FlowSet header: id, then length (bytes, header and padding included). */
void nf9_put_set_hdr(uint8_t *p, uint16_t id, uint16_t len);

#endif
