/*
 * ipfix: the IPFIX message header and Set header.  See ipfix.h.
 */
#include <errno.h>
#include <string.h>

#include "export/ipfix.h"
#include "export/wire.h"

void
ipfix_put_hdr(uint8_t *buf, const struct ipfix_hdr *h)
{
	wire_put16(buf + 0, IPFIX_VERSION);
	wire_put16(buf + 2, h->length);
	wire_put32(buf + 4, h->export_time);
	wire_put32(buf + 8, h->sequence);
	wire_put32(buf + 12, h->domain);
}

int
ipfix_get_hdr(const uint8_t *buf, size_t len, struct ipfix_hdr *h)
{
	if (len < IPFIX_HDR_LEN) {
		errno = EMSGSIZE;
		return -1;
	}
	if (wire_get16(buf) != IPFIX_VERSION) {
		errno = EPROTO;
		return -1;
	}
	memset(h, 0, sizeof(*h));
	h->length = wire_get16(buf + 2);
	h->export_time = wire_get32(buf + 4);
	h->sequence = wire_get32(buf + 8);
	h->domain = wire_get32(buf + 12);
	return 0;
}

void
ipfix_put_set_hdr(uint8_t *p, uint16_t id, uint16_t len)
{
	wire_put16(p, id);
	wire_put16(p + 2, len);
}
