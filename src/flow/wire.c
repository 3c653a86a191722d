/*
 * wire: wire packets of a super-packet.  See wire.h.
 */
#include "flow/wire.h"

struct wire_count
wire_count(uint32_t ip_len, uint32_t ip_hlen, uint32_t l4_hlen, uint32_t mtu)
{
	struct wire_count w = { 1, ip_len };
	uint32_t hdrs = ip_hlen + l4_hlen, payload, seg;
	uint64_t bytes;

	if (mtu == 0 || ip_len <= mtu || l4_hlen == 0 || hdrs >= mtu ||
	    ip_len <= hdrs)
		return w;
	payload = ip_len - hdrs;
	seg = mtu - hdrs;
	w.pkts = payload / seg + (payload % seg != 0);
	bytes = (uint64_t)ip_len + (uint64_t)(w.pkts - 1) * hdrs;
	w.bytes = bytes > UINT32_MAX ? UINT32_MAX : (uint32_t)bytes;
	return w;
}
