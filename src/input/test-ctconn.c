/*
 * test-ctconn: the conntrack-mode connection table with a fake clock:
 * flow keys of both directions (NAT included), delta exports that sum to
 * the final counters, maxconns, resync sweep, flush.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "util/check.h"
#include "input/ctconn.h"

#define MAXREC 64

static struct flow_rec recs[MAXREC];
static struct flow_v6 recs6[MAXREC];	/* IPv6 records' addresses */
static unsigned nrec;

static void
collect(void *arg, const struct flow_rec *r, uint32_t now)
{
	(void)arg;
	if (nrec < MAXREC) {
		recs[nrec] = *r;
		memset(&recs6[nrec], 0, sizeof(recs6[nrec]));
		if (r->v6 != NULL)
			recs6[nrec] = *r->v6;
	}
	nrec++;
}

/* A NATed TCP connection: 10.0.0.2:1234 -> 198.51.100.1:80 via SNAT 192.0.2.1:30000 */
static struct ctconn_info
mkconn(uint32_t id, uint16_t sport)
{
	struct ctconn_info ci;

	memset(&ci, 0, sizeof(ci));
	ci.key.src[0] = inet_addr("10.0.0.2");
	ci.key.dst[0] = inet_addr("198.51.100.1");
	ci.key.sport = sport;
	ci.key.dport = 80;
	ci.key.proto = IPPROTO_TCP;
	ci.key.id = id;
	ci.rsrc[0] = inet_addr("198.51.100.1");
	ci.rdst[0] = inet_addr("192.0.2.1");
	ci.rsport = 80;
	ci.rdport = 30000;
	return ci;
}

static void
counters(struct ctconn_info *ci, uint64_t p0, uint64_t b0, uint64_t p1,
    uint64_t b1)
{
	ci->has_counters = 1;
	ci->pkts[0] = p0;
	ci->bytes[0] = b0;
	ci->pkts[1] = p1;
	ci->bytes[1] = b1;
}

static void
test_keys(void)
{
	struct ctconn_info ci = mkconn(1, 1234);
	struct flow_key o, r;

	ctconn_flow_keys(&ci, &o, &r, NULL);
	/* forward hook: pre-SNAT source, post-DNAT destination */
	CHECK(o.src == inet_addr("10.0.0.2") && o.sport == 1234);
	CHECK(o.dst == inet_addr("198.51.100.1") && o.dport == 80);
	CHECK(r.src == inet_addr("198.51.100.1") && r.sport == 80);
	CHECK(r.dst == inet_addr("10.0.0.2") && r.dport == 1234);
	CHECK(o.ifin == 0 && o.tos == 0 && r.ifin == 0);

	ci.key.proto = IPPROTO_ICMP;
	ci.key.sport = 77;		/* echo id */
	ci.key.dport = 8 << 8;
	ci.rdport = 0;
	ctconn_flow_keys(&ci, &o, &r, NULL);
	CHECK(o.sport == 0 && o.dport == 0x800 && r.sport == 0 && r.dport == 0);
}

static void
test_lifecycle(void)
{
	struct ctconn *t = ctconn_new(0, (struct rec_sink){ collect, NULL });
	struct ctconn_info ci = mkconn(7, 1234);
	struct ctconn_key k;
	uint64_t p0 = 0, b0 = 0;
	unsigned i;

	nrec = 0;
	CHECK_EQ(ctconn_seen(t, &ci, 1, 1000), CTCONN_NEW);
	CHECK_EQ(ctconn_seen(t, &ci, 1, 1000), CTCONN_FOUND);	/* dump dup */
	CHECK_EQ(ctconn_stats(t)->tracked, 1);
	CHECK(!ctconn_due(t, 2999, 2000, &k));
	CHECK(ctconn_due(t, 3000, 2000, &k));
	CHECK(memcmp(&k, &ci.key, sizeof(k)) == 0);

	counters(&ci, 10, 1000, 5, 300);
	CHECK_EQ(ctconn_export_period(t, &ci, 3000), 1);
	CHECK_EQ(nrec, 2);
	CHECK_EQ(recs[0].packets, 10);
	CHECK_EQ(recs[0].bytes, 1000);
	CHECK_EQ(recs[0].first, 1000);
	CHECK_EQ(recs[0].last, 3000);
	CHECK_EQ(recs[1].packets, 5);
	CHECK(!ctconn_due(t, 4999, 2000, &k));

	/* period with no traffic in one direction: only one record */
	counters(&ci, 12, 1100, 5, 300);
	CHECK_EQ(ctconn_export_period(t, &ci, 5000), 1);
	CHECK_EQ(nrec, 3);
	CHECK_EQ(recs[2].packets, 2);
	CHECK_EQ(recs[2].bytes, 100);
	CHECK_EQ(recs[2].first, 3000);

	counters(&ci, 20, 2000, 9, 500);
	ci.has_stop = 1;
	ci.stop = 5500;
	CHECK_EQ(ctconn_destroy(t, &ci, 6000), 1);
	CHECK_EQ(nrec, 5);
	CHECK_EQ(recs[4].last, 5500);
	/* the records sum to the final counters */
	for (i = 0; i < nrec; i++)
		if (recs[i].key.src == ci.key.src[0]) {
			p0 += recs[i].packets;
			b0 += recs[i].bytes;
		}
	CHECK_EQ(p0, 20);
	CHECK_EQ(b0, 2000);
	CHECK_EQ(ctconn_stats(t)->tracked, 0);
	CHECK_EQ(ctconn_destroy(t, &ci, 6000), 0);	/* nothing twice */
	CHECK_EQ(nrec, 5);
	ctconn_free(t);
}

static void
test_max_sweep_flush(void)
{
	struct ctconn *t = ctconn_new(2, (struct rec_sink){ collect, NULL });
	struct ctconn_info a = mkconn(1, 1000), b = mkconn(2, 1001),
	    c = mkconn(3, 1002);

	nrec = 0;
	CHECK_EQ(ctconn_seen(t, &a, 1, 0), CTCONN_NEW);
	CHECK_EQ(ctconn_seen(t, &b, 1, 0), CTCONN_NEW);
	CHECK_EQ(ctconn_seen(t, &c, 1, 0), CTCONN_DROP);
	CHECK_EQ(ctconn_stats(t)->dropped, 1);

	/* unknown at DESTROY: exported whole from the event */
	counters(&c, 3, 300, 0, 0);
	CHECK_EQ(ctconn_destroy(t, &c, 10), 0);
	ctconn_export_whole(t, &c, 10);
	CHECK_EQ(nrec, 1);
	CHECK_EQ(recs[0].packets, 3);

	/* resync: the dump sees b with counters, a has vanished */
	counters(&a, 4, 400, 0, 0);		/* a's last known counters */
	CHECK_EQ(ctconn_seen(t, &a, 1, 20), CTCONN_FOUND);
	counters(&b, 1, 100, 1, 60);
	CHECK_EQ(ctconn_seen(t, &b, 2, 30), CTCONN_FOUND);
	CHECK_EQ(ctconn_sweep(t, 2, 40), 1);
	CHECK_EQ(nrec, 2);
	CHECK_EQ(recs[1].packets, 4);
	CHECK_EQ(ctconn_stats(t)->swept, 1);
	CHECK_EQ(ctconn_stats(t)->tracked, 1);

	/* flush exports b's deltas and keeps it */
	CHECK_EQ(ctconn_flush(t, 50), 1);
	CHECK_EQ(nrec, 4);
	CHECK_EQ(ctconn_flush(t, 60), 1);
	CHECK_EQ(nrec, 4);			/* no new counts: nothing */
	CHECK_EQ(ctconn_stats(t)->tracked, 1);
	ctconn_free(t);
}

static void
test_big_counters(void)
{
	struct ctconn *t = ctconn_new(0, (struct rec_sink){ collect, NULL });
	struct ctconn_info a = mkconn(1, 1000);
	uint64_t b = 0, p = 0;
	unsigned i;

	nrec = 0;
	CHECK_EQ(ctconn_seen(t, &a, 1, 0), CTCONN_NEW);
	counters(&a, 5000000, 10000000000ULL, 0, 0);
	CHECK_EQ(ctconn_destroy(t, &a, 10), 1);
	CHECK_EQ(nrec, 3);		/* 10e9 bytes do not fit in 32 bits */
	for (i = 0; i < nrec; i++) {
		b += recs[i].bytes;
		p += recs[i].packets;
		/* the packets are split too: no record without packets */
		CHECK(recs[i].packets > 0);
	}
	CHECK_EQ(b, 10000000000ULL);
	CHECK_EQ(p, 5000000);
	CHECK_EQ(recs[0].packets, 1666667);
	CHECK_EQ(recs[2].packets, 1666666);
	ctconn_free(t);
}

/* Counters zeroed behind our back (conntrack -L -z) re-base on zero. */
static void
test_rebase(void)
{
	struct ctconn *t = ctconn_new(0, (struct rec_sink){ collect, NULL });
	struct ctconn_info a = mkconn(2, 2000);

	nrec = 0;
	CHECK_EQ(ctconn_seen(t, &a, 1, 0), CTCONN_NEW);
	counters(&a, 100, 10000, 50, 5000);
	CHECK_EQ(ctconn_export_period(t, &a, 1000), 1);
	CHECK_EQ(nrec, 2);
	/* zeroed, then 7 and 3 more packets */
	counters(&a, 7, 700, 3, 300);
	CHECK_EQ(ctconn_export_period(t, &a, 2000), 1);
	CHECK_EQ(nrec, 4);
	CHECK_EQ(recs[2].packets, 7);
	CHECK_EQ(recs[2].bytes, 700);
	CHECK_EQ(recs[3].packets, 3);
	CHECK_EQ(ctconn_stats(t)->rebased, 2);
	/* and counts on from there */
	counters(&a, 9, 900, 3, 300);
	CHECK_EQ(ctconn_destroy(t, &a, 3000), 1);
	CHECK_EQ(nrec, 5);
	CHECK_EQ(recs[4].packets, 2);
	CHECK_EQ(recs[4].bytes, 200);
	ctconn_free(t);
}

static void
test_many(void)
{
	struct ctconn *t = ctconn_new(0, (struct rec_sink){ collect, NULL });
	struct ctconn_info ci;
	uint32_t i;

	for (i = 0; i < 20000; i++) {
		ci = mkconn(i, (uint16_t)i);
		CHECK_EQ(ctconn_seen(t, &ci, 1, i), CTCONN_NEW);
	}
	CHECK_EQ(ctconn_stats(t)->tracked, 20000);
	for (i = 0; i < 20000; i += 2) {
		ci = mkconn(i, (uint16_t)i);
		CHECK_EQ(ctconn_destroy(t, &ci, 30000), 1);
	}
	CHECK_EQ(ctconn_stats(t)->tracked, 10000);
	CHECK_EQ(ctconn_sweep(t, 1, 30000), 0);
	CHECK_EQ(ctconn_sweep(t, 2, 30000), 10000);
	CHECK_EQ(ctconn_stats(t)->tracked, 0);
	ctconn_free(t);
}

/* An IPv6 connection: IPv6 records, addresses back from the interning. */
static void
test_v6(void)
{
	struct ctconn *t = ctconn_new(0, (struct rec_sink){ collect, NULL });
	struct ctconn_info ci, other;
	struct ctconn_key k;
	uint8_t a[16], b[16];

	memset(&ci, 0, sizeof(ci));
	inet_pton(AF_INET6, "2001:2:0:1::2", a);
	inet_pton(AF_INET6, "2001:2:0:2::2", b);
	memcpy(ci.key.src, a, 16);
	memcpy(ci.key.dst, b, 16);
	memcpy(ci.rsrc, b, 16);
	memcpy(ci.rdst, a, 16);
	ci.key.v6 = 1;
	ci.key.proto = IPPROTO_ICMPV6;
	ci.key.sport = 5;		/* echo id */
	ci.key.dport = 128 << 8;
	ci.rdport = 129 << 8;
	ci.key.id = 3;
	nrec = 0;
	CHECK_EQ(ctconn_seen(t, &ci, 1, 1000), CTCONN_NEW);
	/* the same tuple with another id, or in IPv4, is another connection */
	other = ci;
	other.key.id = 4;
	CHECK_EQ(ctconn_update(t, &other, 1000), 0);
	CHECK(ctconn_due(t, 5000, 2000, &k));
	CHECK(memcmp(&k, &ci.key, sizeof(k)) == 0);
	CHECK(ctconn_memory(t) > 0);
	counters(&ci, 4, 416, 4, 416);
	CHECK_EQ(ctconn_destroy(t, &ci, 6000), 1);
	CHECK_EQ(nrec, 2);
	CHECK(recs[0].v6 != NULL && recs[1].v6 != NULL);
	CHECK(memcmp(recs6[0].src, a, 16) == 0 &&
	    memcmp(recs6[0].dst, b, 16) == 0);
	CHECK(memcmp(recs6[1].src, b, 16) == 0 &&
	    memcmp(recs6[1].dst, a, 16) == 0);
	CHECK(recs[0].key.v6 == 1 && recs[0].key.src == 0 &&
	    recs[0].key.dst == 0);
	CHECK(recs[0].key.dport == 128 << 8 && recs[1].key.dport == 129 << 8);
	CHECK(recs[0].packets == 4 && recs[1].bytes == 416);
	CHECK_EQ(ctconn_stats(t)->tracked, 0);
	ctconn_free(t);
}

/* The 32-bit deltas: one that would not fit is exported at once. */
static void
test_wide_refresh(void)
{
	struct ctconn *t = ctconn_new(0, (struct rec_sink){ collect, NULL });
	struct ctconn_info ci = mkconn(9, 2000);

	nrec = 0;
	CHECK_EQ(ctconn_seen(t, &ci, 1, 1000), CTCONN_NEW);
	counters(&ci, 100, 5000000000ull, 0, 0);	/* a dump sees 5 GB */
	CHECK_EQ(ctconn_seen(t, &ci, 2, 2000), CTCONN_FOUND);
	CHECK_EQ(nrec, 2);		/* split in two 32-bit records */
	CHECK_EQ((uint64_t)recs[0].bytes + recs[1].bytes, 5000000000ull);
	CHECK_EQ(recs[0].packets + recs[1].packets, 100);
	counters(&ci, 101, 5000000100ull, 0, 0);
	CHECK_EQ(ctconn_destroy(t, &ci, 3000), 1);
	CHECK_EQ(nrec, 3);
	CHECK_EQ(recs[2].packets, 1);
	CHECK_EQ(recs[2].bytes, 100);
	ctconn_free(t);
}

/* Memory per connection with many of them: entries, slabs, buckets. */
static void
test_memory(void)
{
	struct ctconn *t = ctconn_new(0, (struct rec_sink){ collect, NULL });
	struct ctconn_info ci = mkconn(0, 0);
	uint32_t i, n = 100000;

	CHECK_EQ(ctconn_entry_size(), 96);
	for (i = 0; i < n; i++) {
		ci.key.id = i;
		CHECK_EQ(ctconn_seen(t, &ci, 1, 1000), CTCONN_NEW);
	}
	CHECK(ctconn_memory(t) / n <= 100);
	/* freed entries are reused: no growth */
	for (i = 0; i < n; i++) {
		ci.key.id = i;
		ctconn_destroy(t, &ci, 2000);
	}
	i = (uint32_t)ctconn_memory(t);
	ci.key.id = 7;
	ctconn_seen(t, &ci, 1, 3000);
	CHECK_EQ(ctconn_memory(t), i);
	ctconn_free(t);
}

/* Original-direction records listed, per source port (= connection). */
static uint8_t walk_seen[8192];
static uint32_t walk_bad_pkts;

static void
seen_fn(void *arg, const struct flow_rec *r, uint32_t now)
{
	(void)arg;
	if (r->key.src != inet_addr("10.0.0.2"))
		return;
	if (r->key.sport < 8192 && walk_seen[r->key.sport] < 255)
		walk_seen[r->key.sport]++;
	/*
	 * As many packets as the port: fresh from fake_get, or known since
	 * the insert (the first 2000; the later ones came without counters)
	 */
	if (r->packets != r->key.sport &&
	    (r->key.sport < 2000 || r->key.sport % 7 != 0))
		walk_bad_pkts++;
}

static int
fake_get(void *arg, const struct ctconn_key *k, struct ctconn_info *out)
{
	unsigned *gets = arg;

	(*gets)++;
	*out = mkconn(k->id, k->sport);
	counters(out, k->sport, k->sport * 100u, 1, 100);
	return k->sport % 7 == 0 ? -1 : 0;	/* some fail: last known */
}

/*
 * The listing in steps while connections come (the buckets double twice
 * under the cursor) and go: a connection there throughout is listed
 * exactly once, none twice; every listed one asked for fresh counters.
 */
static void
test_walk_from(void)
{
	struct ctconn *t = ctconn_new(0, (struct rec_sink){ collect, NULL });
	struct rec_sink seen = { seen_fn, NULL };
	struct ctconn_info ci;
	uint32_t i, cur = 0, steps = 0;
	unsigned gets = 0;

	memset(walk_seen, 0, sizeof(walk_seen));
	for (i = 1; i < 2000; i++) {
		ci = mkconn(i, (uint16_t)i);
		/* the last known counters equal the fresh ones for sport % 7 */
		counters(&ci, i, i * 100u, 1, 100);
		CHECK_EQ(ctconn_seen(t, &ci, 1, 0), CTCONN_NEW);
	}
	while (!ctconn_walk_from(t, &cur, 40, 5, fake_get, &gets, seen)) {
		for (i = 0; i < 40; i++) {	/* 2000..7999 arrive */
			ci = mkconn(2000 + steps * 40 + i,
			    (uint16_t)(2000 + steps * 40 + i));
			if (2000 + steps * 40 + i < 8000)
				ctconn_seen(t, &ci, 1, 5);
		}
		ci = mkconn(1000 + steps, (uint16_t)(1000 + steps));
		ctconn_destroy(t, &ci, 5);	/* some of the first go */
		steps++;
		CHECK(steps < 100000);
	}
	CHECK(steps > 10);
	for (i = 1; i < 2000; i++) {
		CHECK(walk_seen[i] <= 1);
		if (i < 1000 || i >= 1000 + steps)
			CHECK_EQ(walk_seen[i], 1);
	}
	for (i = 2000; i < 8000; i++)
		CHECK(walk_seen[i] <= 1);
	CHECK_EQ(walk_bad_pkts, 0);
	CHECK(gets >= 1000);
	ctconn_free(t);
}

int
main(void)
{
	test_v6();
	test_wide_refresh();
	test_memory();
	test_keys();
	test_lifecycle();
	test_max_sweep_flush();
	test_big_counters();
	test_rebase();
	test_many();
	test_walk_from();
	return check_done();
}
