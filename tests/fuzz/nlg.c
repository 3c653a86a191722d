/*
 * fuzz-nlg: one received NFLOG batch (any bytes) through the message walk
 * and attribute parser, and each packet it delivers through the packet
 * parser, as the daemon does.
 */
#include <libmnl/libmnl.h>

#include "fuzz.h"
#include "flow/pkt.h"
#include "input/nlg.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_isolate();
	return 0;
}

static void
on_pkt(void *arg, const struct nlg_pkt *p)
{
	struct pkt_info pi;
	unsigned *n = arg;

	(*n)++;
	pkt_parse(p->payload, p->caplen, &pi);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nlg_walk w;
	unsigned n = 0;
	void *buf;
	int r;

	/* the receive buffer is aligned for netlink headers; keep that */
	if ((buf = aligned_alloc(8, (size + 8) & ~(size_t)7)) == NULL)
		return 0;
	memcpy(buf, data, size);
	memset(&w, 0, sizeof(w));
	r = nlg_batch(&w, buf, size, on_pkt, &n);
	if (r < 0 || (unsigned)r != n || w.st.msgs != n)
		abort();
	free(buf);
	return 0;
}
