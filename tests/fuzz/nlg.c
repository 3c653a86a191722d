/*
 * fuzz-nlg: one received NFLOG batch (any bytes), walked message by
 * message as the reader does (NLMSG_OK checks each header against what is
 * left), each packet message through the attribute parser (nlg_parse())
 * and each packet it yields through the packet parser, as the daemon does.
 */
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_log.h>
#include <linux/netlink.h>

#include "fuzz.h"
#include "flow/pkt.h"
#include "input/nlg.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_isolate();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct nlmsghdr *nlh;
	struct nlg_pkt p;
	struct pkt_info pi;
	uint32_t seq;
	int rem, has_seq;
	void *buf;

	if (size > 1 << 20)
		return 0;
	/* the receive buffer is aligned for netlink headers; keep that */
	if ((buf = aligned_alloc(8, (size + 8) & ~(size_t)7)) == NULL)
		return 0;
	memcpy(buf, data, size);
	rem = (int)size;
	for (nlh = buf; NLMSG_OK(nlh, rem); nlh = NLMSG_NEXT(nlh, rem)) {
		if (NFNL_SUBSYS_ID(nlh->nlmsg_type) != NFNL_SUBSYS_ULOG ||
		    NFNL_MSG_TYPE(nlh->nlmsg_type) != NFULNL_MSG_PACKET)
			continue;
		memset(&p, 0, sizeof(p));
		if (nlg_parse(nlh, &p, &seq, &has_seq) < 0)
			continue;
		/* what it hands on lies inside this message */
		if ((const uint8_t *)p.payload < (const uint8_t *)nlh ||
		    (const uint8_t *)p.payload + p.caplen >
		    (const uint8_t *)nlh + nlh->nlmsg_len)
			abort();
		pkt_parse(p.payload, p.caplen, &pi);
	}
	free(buf);
	return 0;
}
