/*
 * nf9: the NetFlow v9 message header and FlowSet header.  See nf9.h.
 */
#include <errno.h>
#include <string.h>

#include "export/nf9.h"
#include "export/wire.h"

void
nf9_put_hdr(uint8_t *buf, const struct nf9_hdr *h)
{
	wire_put16(buf + 0, NF9_VERSION);
	wire_put16(buf + 2, h->count);
	wire_put32(buf + 4, h->sys_uptime);
	wire_put32(buf + 8, h->unix_secs);
	wire_put32(buf + 12, h->sequence);
	wire_put32(buf + 16, h->source_id);
}

int
nf9_get_hdr(const uint8_t *buf, size_t len, struct nf9_hdr *h)
{
	if (len < NF9_HDR_LEN) {
		errno = EMSGSIZE;
		return -1;
	}
	if (wire_get16(buf) != NF9_VERSION) {
		errno = EPROTO;
		return -1;
	}
	memset(h, 0, sizeof(*h));
	h->count = wire_get16(buf + 2);
	h->sys_uptime = wire_get32(buf + 4);
	h->unix_secs = wire_get32(buf + 8);
	h->sequence = wire_get32(buf + 12);
	h->source_id = wire_get32(buf + 16);
	return 0;
}

void
nf9_put_set_hdr(uint8_t *p, uint16_t id, uint16_t len)
{
	wire_put16(p, id);
	wire_put16(p + 2, len);
}
