/*
 * fuzz-ctmsg: conntrack message translation, as the event reader does it.
 * The input, copied to a buffer of exactly its size (so ASan sees any read
 * past it), is read twice:
 *   - as one message whose length field is set to the input's size,
 *     parsed by ctmsg_parse();
 *   - as a received datagram, walked by ctmsg_walk() with each message
 *     parsed in turn (the lengths are the input's own).
 * Invariants of every parse that succeeds: an IPv4 connection has zeros
 * beyond its 4-byte addresses and in the key's padding, v6 and
 * has_counters are 0 or 1, no counters without has_counters, a TCP state
 * only for TCP; parsing is deterministic; and the connection goes through
 * a connection table (ctconn.h) and comes back as the same tuple from the
 * active-timeout scan (IPv6 addresses interned and read back), then
 * leaves it on its DESTROY.
 */
#include <stdlib.h>
#include <string.h>

#include <linux/netlink.h>

#include "fuzz.h"
#include "input/ctconn.h"
#include "input/ctmsg.h"

static struct ctconn *tab;
static unsigned nrec;

static void
count_rec(void *arg, const struct flow_rec *r, uint32_t now)
{
	/* an IPv6 record has its addresses, an IPv4 one none */
	if ((r->v6 != NULL) != (r->key.v6 != 0))
		abort();
	nrec++;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_isolate();
	if ((tab = ctconn_new(0, (struct rec_sink){ count_rec, NULL })) == NULL)
		abort();
	return 0;
}

static void
check_info(const struct ctconn_info *ci, int st)
{
	static const uint32_t zero[3];
	struct ctconn_info again;
	struct ctconn_key k;

	if (ci->key.v6 > 1 || (ci->has_counters != 0 && ci->has_counters != 1))
		abort();
	if (ci->key.pad[0] || ci->key.pad[1])
		abort();
	if (!ci->key.v6 && (memcmp(&ci->key.src[1], zero, 12) ||
	    memcmp(&ci->key.dst[1], zero, 12) || memcmp(&ci->rsrc[1], zero, 12) ||
	    memcmp(&ci->rdst[1], zero, 12)))
		abort();
	if (!ci->has_counters && (ci->pkts[0] || ci->pkts[1] || ci->bytes[0] ||
	    ci->bytes[1]))
		abort();
	if (st != -1 && (ci->key.proto != IPPROTO_TCP || st < 0 || st > 255))
		abort();
	/*
	 * Through the table and back.  Counters are capped at 2^36: a delta
	 * is split into 32-bit records (ctconn.c's emit), and the 2^64 of
	 * an invented message would take 2^32 of them, which no connection
	 * ever counts in one period.
	 */
	again = *ci;
	again.has_start = 0;
	for (int d = 0; d < 2; d++) {
		again.pkts[d] &= (1ull << 36) - 1;
		again.bytes[d] &= (1ull << 36) - 1;
	}
	if (ctconn_seen(tab, &again, 1, 1000) != CTCONN_NEW ||
	    !ctconn_due(tab, 1000, 0, &k) ||
	    memcmp(&k, &ci->key, sizeof(k)) != 0 ||
	    ctconn_destroy(tab, &again, 2000) != 1 ||
	    ctconn_stats(tab)->tracked != 0)
		abort();
}

static void
one(const struct nlmsghdr *nlh, void *arg)
{
	struct ctconn_info ci, ci2;
	int st, st2, r;

	r = ctmsg_parse(nlh, &ci, &st);
	if (r != CTMSG_OK && r != CTMSG_BAD && r != CTMSG_OTHER)
		abort();
	if (ctmsg_parse(nlh, &ci2, &st2) != r)
		abort();
	if (r != CTMSG_OK)
		return;
	/* timestamps go through the clock: read at another instant */
	ci2.start = ci.start;
	ci2.stop = ci.stop;
	if (memcmp(&ci, &ci2, sizeof(ci)) != 0 || st != st2)
		abort();
	check_info(&ci, st);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nlmsghdr *nlh;
	uint32_t len0;

	if (size < sizeof(*nlh) || size > 65535)
		return 0;
	if ((nlh = malloc(size)) == NULL)
		return 0;
	memcpy(nlh, data, size);
	memcpy(&len0, data, sizeof(len0));
	if (ctmsg_walk(nlh, size, one, NULL) == 0 && len0 > size)
		abort();	/* a message past the datagram was accepted */
	nlh->nlmsg_len = (uint32_t)size;
	one(nlh, NULL);
	free(nlh);
	return 0;
}
