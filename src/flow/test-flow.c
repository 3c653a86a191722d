/* test-flow: the flow table on a fake clock. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/check.h"
#include "flow/flow.h"

/* Everything the export callback saw. */
struct sink {
	uint64_t n, pkts, bytes;
	uint64_t n_by_key;		/* records matching "watch" */
	struct flow_key watch;
	struct flow_rec last;
};

static void
sink_fn(void *arg, const struct flow_rec *r, uint32_t now)
{
	struct sink *s = arg;

	s->n++;
	s->pkts += r->packets;
	s->bytes += r->bytes;
	if (memcmp(&r->key, &s->watch, sizeof(r->key)) == 0)
		s->n_by_key++;
	s->last = *r;
}

static struct flow_key
mkkey(uint32_t n)
{
	struct flow_key k;

	flow_key_clear(&k);
	k.src = 0x0a000000u | (n & 0xffffff);
	k.dst = 0xc0a80001u;
	k.sport = (uint16_t)(1024 + (n >> 24));
	k.dport = 443;
	k.proto = 6;
	k.ifin = 2;
	return k;
}

/* Sums over a table's life: exported + still active == metered. */
struct walksum {
	uint64_t n, pkts, bytes;
};

static void
walk_fn(void *arg, const struct flow_rec *r, uint32_t now)
{
	struct walksum *w = arg;

	w->n++;
	w->pkts += r->packets;
	w->bytes += r->bytes;
}

static void
check_invariants(struct ft *ft, const struct sink *s)
{
	const struct ft_stats *st = ft_stats(ft);
	struct walksum w = { 0, 0, 0 };
	uint64_t exp = 0;
	int r;

	ft_walk(ft, (struct rec_sink){ walk_fn, &w }, 0);
	for (r = 0; r < FT_EXP_NREASONS; r++)
		exp += st->exported[r];
	CHECK_EQ(w.n, st->active);
	CHECK_EQ(exp, s->n);
	CHECK_EQ(st->new_flows, exp + st->active);
	CHECK_EQ(st->pkts, s->pkts + w.pkts);
	CHECK_EQ(st->bytes, s->bytes + w.bytes);
	CHECK_EQ(st->lookups, st->found + st->new_flows +
	    st->drop_maxflows_pkts + st->drop_alloc_pkts);
}

static void
test_basic(void)
{
	struct sink s;
	struct ft *ft;
	struct flow_key k = mkkey(1);
	const struct ft_stats *st;

	memset(&s, 0, sizeof(s));
	CHECK(ft_new(0, 0, 1000, 1000, (struct rec_sink){ NULL, NULL }) ==
	    NULL);
	ft = ft_new(0, 1024, 60000, 15000, (struct rec_sink){ sink_fn, &s });
	CHECK(ft != NULL);
	CHECK_EQ(ft_hashsize(ft), 1024);
	CHECK_EQ(ft_update(ft, &k, 7, 100, 0x02, 8, 16, 1000), FT_NEW);
	CHECK_EQ(ft_update(ft, &k, 9, 200, 0x10, 0, 0, 1500), FT_FOUND);
	CHECK_EQ(ft_update(ft, &k, 9, 300, 0x01, 0, 0, 2000), FT_FOUND);
	st = ft_stats(ft);
	CHECK_EQ(st->active, 1);
	CHECK_EQ(st->lookups, 3);
	CHECK_EQ(st->found, 2);
	CHECK_EQ(st->new_flows, 1);
	CHECK_EQ(st->pkts, 3);
	CHECK_EQ(st->bytes, 600);
	CHECK_EQ(ft_next_expiry(ft, 2000), 15000);
	CHECK_EQ(ft_next_expiry(ft, 10000), 7000);
	CHECK_EQ(ft_flush(ft, 0), 1);
	CHECK_EQ(s.n, 1);
	CHECK(memcmp(&s.last.key, &k, sizeof(k)) == 0);
	CHECK_EQ(s.last.ifout, 7);
	CHECK_EQ(s.last.packets, 3);
	CHECK_EQ(s.last.bytes, 600);
	CHECK_EQ(s.last.first, 1000);
	CHECK_EQ(s.last.last, 2000);
	CHECK_EQ(s.last.tcp_flags, 0x13);
	CHECK_EQ(s.last.src_mask, 8);
	CHECK_EQ(s.last.dst_mask, 16);
	CHECK_EQ(s.last.nexthop, 0);
	CHECK_EQ(s.last.src_as, 0);
	CHECK_EQ(s.last.dst_as, 0);
	CHECK_EQ(st->exported[FT_EXP_FORCED], 1);
	CHECK_EQ(st->active, 0);
	CHECK_EQ(ft_next_expiry(ft, 3000), UINT32_MAX);
	check_invariants(ft, &s);
	/* The table works again after a flush gave its slabs back. */
	CHECK_EQ(ft_update(ft, &k, 7, 100, 0, 0, 0, 4000), FT_NEW);
	CHECK_EQ(ft_flush(ft, 0), 1);
	ft_free(ft);
}

static void
test_inactive(void)
{
	struct sink s;
	struct ft *ft;
	struct flow_key a = mkkey(1), b = mkkey(2);
	uint32_t t;

	memset(&s, 0, sizeof(s));
	ft = ft_new(0, 0, 1800000, 15000, (struct rec_sink){ sink_fn, &s });
	ft_update(ft, &a, 0, 100, 0, 0, 0, 0);
	ft_update(ft, &b, 0, 100, 0, 0, 0, 0);
	/* a keeps talking, b goes quiet */
	for (t = 1000; t <= 14000; t += 1000)
		ft_update(ft, &a, 0, 100, 0, 0, 0, t);
	CHECK_EQ(ft_expire(ft, 14999), 0);
	CHECK_EQ(ft_next_expiry(ft, 14999), 1);
	CHECK_EQ(ft_expire(ft, 15000), 1);
	CHECK(memcmp(&s.last.key, &b, sizeof(b)) == 0);
	CHECK_EQ(ft_stats(ft)->exported[FT_EXP_INACTIVE], 1);
	CHECK_EQ(ft_next_expiry(ft, 15000), 14000);
	/* a goes quiet; a packet after the timeout splits it even before
	 * ft_expire() ran. */
	CHECK_EQ(ft_update(ft, &a, 0, 100, 0, 0, 0, 29000), FT_NEW);
	CHECK_EQ(s.last.packets, 15);
	CHECK_EQ(s.last.first, 0);
	CHECK_EQ(s.last.last, 14000);
	CHECK_EQ(ft_stats(ft)->exported[FT_EXP_INACTIVE], 2);
	CHECK_EQ(ft_expire(ft, 44000), 1);
	CHECK_EQ(s.last.packets, 1);
	CHECK_EQ(s.last.first, 29000);
	check_invariants(ft, &s);
	CHECK_EQ(s.pkts, 17);
	CHECK_EQ(s.bytes, 1700);
	ft_free(ft);
}

static void
test_active(void)
{
	struct sink s;
	struct ft *ft;
	struct flow_key a = mkkey(1);
	uint32_t t, n = 0;

	memset(&s, 0, sizeof(s));
	ft = ft_new(0, 0, 60000, 15000, (struct rec_sink){ sink_fn, &s });
	/* A packet every second for 200 s: split every 60 s. */
	for (t = 0; t < 200000; t += 1000) {
		ft_update(ft, &a, 0, 1500, 0x10, 0, 0, t);
		n++;
		ft_expire(ft, t);
	}
	CHECK_EQ(ft_stats(ft)->exported[FT_EXP_ACTIVE], 3);
	CHECK_EQ(ft_stats(ft)->exported[FT_EXP_INACTIVE], 0);
	CHECK_EQ(s.last.first, 120000);
	CHECK_EQ(s.last.last, 179000);
	CHECK_EQ(s.last.packets, 60);
	CHECK_EQ(ft_flush(ft, 0), 1);
	CHECK_EQ(s.pkts, n);
	CHECK_EQ(s.bytes, (uint64_t)n * 1500);
	check_invariants(ft, &s);
	ft_free(ft);
}

/* Uptime wraps after 49.7 days: flows across the wrap behave. */
static void
test_wrap(void)
{
	struct sink s;
	struct ft *ft;
	struct flow_key a = mkkey(1);
	uint32_t t0 = UINT32_MAX - 5000;

	memset(&s, 0, sizeof(s));
	ft = ft_new(0, 0, 60000, 15000, (struct rec_sink){ sink_fn, &s });
	ft_update(ft, &a, 0, 100, 0, 0, 0, t0);
	CHECK_EQ(ft_update(ft, &a, 0, 100, 0, 0, 0, t0 + 10000), FT_FOUND);
	CHECK_EQ(ft_expire(ft, t0 + 20000), 0);
	CHECK_EQ(ft_next_expiry(ft, t0 + 20000), 5000);
	CHECK_EQ(ft_expire(ft, t0 + 25000), 1);
	CHECK_EQ(s.last.packets, 2);
	CHECK_EQ(s.last.last, t0 + 10000);
	/* A packet stamped a little in the past never makes a negative age. */
	ft_update(ft, &a, 0, 100, 0, 0, 0, 1000);
	CHECK_EQ(ft_update(ft, &a, 0, 100, 0, 0, 0, 900), FT_FOUND);
	CHECK_EQ(ft_next_expiry(ft, 1000), 15000);
	ft_flush(ft, 0);
	CHECK_EQ(s.last.first, 900);
	CHECK_EQ(s.last.last, 1000);
	ft_free(ft);
}

static void
test_maxflows(void)
{
	struct sink s;
	struct ft *ft;
	struct flow_key k;
	const struct ft_stats *st;
	uint32_t i;

	memset(&s, 0, sizeof(s));
	ft = ft_new(100, 0, 1800000, 15000, (struct rec_sink){ sink_fn, &s });
	st = ft_stats(ft);
	for (i = 0; i < 150; i++) {
		k = mkkey(i);
		CHECK_EQ(ft_update(ft, &k, 0, 40 + i, 0, 0, 0, 10),
		    i < 100 ? FT_NEW : FT_DROP_MAX);
	}
	/* Existing flows still count at the cap. */
	k = mkkey(5);
	CHECK_EQ(ft_update(ft, &k, 0, 1000, 0, 0, 0, 20), FT_FOUND);
	CHECK_EQ(st->active, 100);
	CHECK_EQ(st->drop_maxflows_pkts, 50);
	/* sum of 40+i for i in 100..149 */
	CHECK_EQ(st->drop_maxflows_bytes, 50 * 40 + (100 + 149) * 50 / 2);

	/* Lowering the cap keeps every flow; new ones wait for room. */
	ft_set_maxflows(ft, 10);
	CHECK_EQ(st->active, 100);
	k = mkkey(500);
	CHECK_EQ(ft_update(ft, &k, 0, 1, 0, 0, 0, 30), FT_DROP_MAX);
	for (i = 0; i < 91; i++) {
		k = mkkey(i);
		CHECK_EQ(ft_export_key(ft, &k, 0), 1);
	}
	CHECK_EQ(st->active, 9);
	k = mkkey(500);
	CHECK_EQ(ft_update(ft, &k, 0, 1, 0, 0, 0, 40), FT_NEW);
	k = mkkey(501);
	CHECK_EQ(ft_update(ft, &k, 0, 1, 0, 0, 0, 40), FT_DROP_MAX);
	/* 0 = unlimited */
	ft_set_maxflows(ft, 0);
	CHECK_EQ(ft_update(ft, &k, 0, 1, 0, 0, 0, 40), FT_NEW);
	CHECK_EQ(st->drop_maxflows_pkts, 52);
	CHECK_EQ(st->peak, 100);
	CHECK_EQ(st->peak_at, 10);
	check_invariants(ft, &s);
	ft_flush(ft, 0);
	check_invariants(ft, &s);
	ft_free(ft);
}

static void
test_overflow(void)
{
	struct sink s;
	struct ft *ft;
	struct flow_key a = mkkey(1);
	uint64_t total = 0;
	uint32_t n = 0;
	int r, restarts = 0;

	memset(&s, 0, sizeof(s));
	ft = ft_new(0, 0, 1800000, 15000, (struct rec_sink){ sink_fn, &s });
	/* 65535-byte packets: 65537 of them pass 2^32 bytes. */
	while (n < 70000) {
		r = ft_update(ft, &a, 0, 65535, 0, 0, 0, 100);
		if (r == FT_NEW && n > 0)
			restarts++;
		n++;
		total += 65535;
	}
	CHECK_EQ(restarts, 1);
	CHECK_EQ(ft_stats(ft)->exported[FT_EXP_OVERFLOW], 1);
	/* 65537 * 65535 = 2^32 - 1: fits exactly; the next one does not. */
	CHECK_EQ(s.last.packets, 65537);
	CHECK_EQ(s.last.bytes, UINT32_MAX);
	ft_flush(ft, 0);
	CHECK_EQ(s.last.packets, 70000 - 65537);
	CHECK_EQ(s.pkts, n);
	CHECK_EQ(s.bytes, total);
	check_invariants(ft, &s);
	ft_free(ft);
}

static void
test_rehash(void)
{
	struct sink s;
	struct ft *ft;
	struct flow_key k;
	struct walksum w;
	const struct ft_stats *st;
	uint32_t i, sizes[] = { 1, 256, 1000, 65536, 0, 7 };
	size_t z;

	memset(&s, 0, sizeof(s));
	ft = ft_new(0, 300, 1800000, 15000, (struct rec_sink){ sink_fn, &s });
	st = ft_stats(ft);
	for (i = 0; i < 5000; i++) {
		k = mkkey(i);
		ft_update(ft, &k, 0, 100, 0, 0, 0, 1);
	}
	CHECK_EQ(ft_hashsize(ft), 300);		/* set size never grows */
	for (z = 0; z < sizeof(sizes) / sizeof(sizes[0]); z++) {
		CHECK_EQ(ft_rehash(ft, sizes[z]), 0);
		if (sizes[z])
			CHECK_EQ(ft_hashsize(ft), sizes[z]);
		else
			CHECK(ft_hashsize(ft) >= 5000);
		/* every flow is still found, with its counts */
		for (i = 0; i < 5000; i++) {
			k = mkkey(i);
			CHECK_EQ(ft_update(ft, &k, 0, 100, 0, 0, 0, 2),
			    FT_FOUND);
		}
		memset(&w, 0, sizeof(w));
		ft_walk(ft, (struct rec_sink){ walk_fn, &w }, 0);
		CHECK_EQ(w.n, 5000);
		CHECK_EQ(w.pkts, 5000 * (z + 2));
	}
	CHECK_EQ(st->rehashes, 6);
	CHECK_EQ(st->new_flows, 5000);
	CHECK_EQ(ft_flush(ft, 0), 5000);
	CHECK_EQ(s.pkts, 5000 * 7);
	check_invariants(ft, &s);
	ft_free(ft);

	/* Automatic size grows by itself as flows arrive. */
	ft = ft_new(0, 0, 1800000, 15000, (struct rec_sink){ sink_fn, &s });
	i = ft_hashsize(ft);
	CHECK(i >= 4096 && (i & (i - 1)) == 0);
	for (i = 0; i < 600000; i++) {
		k = mkkey(i);
		ft_update(ft, &k, 0, 100, 0, 0, 0, 1);
	}
	CHECK(ft_hashsize(ft) >= 600000);
	st = ft_stats(ft);
	/* Chains stay short: about one comparison per lookup. */
	for (i = 0; i < 600000; i++) {
		k = mkkey(i);
		ft_update(ft, &k, 0, 100, 0, 0, 0, 1);
	}
	CHECK(st->searched < 2 * st->lookups);
	CHECK_EQ(st->found, 600000);
	CHECK_EQ(ft_flush(ft, 0), 600000);
	ft_free(ft);
}

static void
test_export_key(void)
{
	struct sink s;
	struct ft *ft;
	struct flow_key a = mkkey(1), b = mkkey(2), c = mkkey(3);

	memset(&s, 0, sizeof(s));
	/* one chain */
	ft = ft_new(0, 1, 1800000, 15000, (struct rec_sink){ sink_fn, &s });
	ft_update(ft, &a, 0, 10, 0, 0, 0, 1);
	ft_update(ft, &b, 0, 20, 0, 0, 0, 1);
	ft_update(ft, &c, 0, 30, 0, 0, 0, 1);
	CHECK_EQ(ft_export_key(ft, &b, 0), 1);
	CHECK_EQ(s.last.bytes, 20);
	CHECK_EQ(ft_export_key(ft, &b, 0), 0);
	CHECK_EQ(ft_stats(ft)->active, 2);
	CHECK_EQ(ft_update(ft, &a, 0, 10, 0, 0, 0, 2), FT_FOUND);
	CHECK_EQ(ft_update(ft, &c, 0, 30, 0, 0, 0, 2), FT_FOUND);
	CHECK_EQ(ft_export_key(ft, &c, 0), 1);
	CHECK_EQ(ft_export_key(ft, &a, 0), 1);
	CHECK_EQ(ft_stats(ft)->active, 0);
	CHECK_EQ(ft_next_expiry(ft, 2), UINT32_MAX);
	check_invariants(ft, &s);
	ft_free(ft);
}

/* ft_expire() touches only what expires: count callbacks. */
static void
test_expiry_work(void)
{
	struct sink s;
	struct ft *ft;
	struct flow_key k;
	uint32_t i;

	memset(&s, 0, sizeof(s));
	ft = ft_new(0, 0, 600000, 15000, (struct rec_sink){ sink_fn, &s });
	for (i = 0; i < 100000; i++) {
		k = mkkey(i);
		ft_update(ft, &k, 0, 100, 0, 0, 0, i / 10);	/* 0..9999 ms */
	}
	CHECK_EQ(ft_expire(ft, 14999), 0);
	CHECK_EQ(s.n, 0);
	/* At 15000 + x, exactly the flows last seen at <= x expire. */
	CHECK_EQ(ft_expire(ft, 15000), 10);
	CHECK_EQ(s.n, 10);
	/* Refreshing an old flow moves it to the back of the queue. */
	k = mkkey(1000);
	CHECK_EQ(ft_update(ft, &k, 0, 100, 0, 0, 0, 15050), FT_FOUND);
	CHECK_EQ(ft_expire(ft, 15099), 990);
	CHECK_EQ(ft_next_expiry(ft, 15099), 1);
	CHECK_EQ(ft_expire(ft, 15100), 9);
	CHECK_EQ(ft_expire(ft, 25000), 98990);
	CHECK_EQ(ft_stats(ft)->active, 1);
	CHECK_EQ(ft_expire(ft, 30049), 0);
	CHECK_EQ(ft_expire(ft, 30050), 1);
	CHECK_EQ(s.n, 100000);
	check_invariants(ft, &s);
	ft_free(ft);
}

static void
test_peak_timeouts(void)
{
	struct sink s;
	struct ft *ft;
	struct flow_key k;
	const struct ft_stats *st;
	uint32_t i;

	memset(&s, 0, sizeof(s));
	ft = ft_new(0, 0, 600000, 15000, (struct rec_sink){ sink_fn, &s });
	st = ft_stats(ft);
	for (i = 0; i < 10; i++) {
		k = mkkey(i);
		ft_update(ft, &k, 0, 100, 0, 0, 0, 100 + i);
	}
	ft_expire(ft, 20000);
	CHECK_EQ(st->active, 0);
	for (i = 0; i < 5; i++) {
		k = mkkey(i);
		ft_update(ft, &k, 0, 100, 0, 0, 0, 21000);
	}
	CHECK_EQ(st->peak, 10);
	CHECK_EQ(st->peak_at, 109);
	/* Shorter timeouts apply to existing flows at once. */
	ft_set_timeouts(ft, 600000, 1000);
	CHECK_EQ(ft_next_expiry(ft, 21500), 500);
	CHECK_EQ(ft_expire(ft, 22000), 5);
	CHECK(ft_memory(ft) > 0);
	CHECK_EQ(ft_entry_size(0), 64);
	CHECK_EQ(ft_entry_size(1), 88);
	ft_free(ft);
}

/*
 * The inactive timer wheel.  A clock shared with the callback measures how
 * late each inactive export comes after last + inactive.
 */
struct late {
	uint32_t now, inactive;
	int32_t min, max;		/* lateness of inactive exports, ms */
	uint64_t n, pkts;
};

static void
late_fn(void *arg, const struct flow_rec *r, uint32_t now)
{
	struct late *l = arg;
	int32_t d = (int32_t)(l->now - (r->last + l->inactive));

	/* Only inactive exports are measured: the active timeout is long. */
	if (d < l->min)
		l->min = d;
	if (d > l->max)
		l->max = d;
	l->n++;
	l->pkts += r->packets;
}

static uint32_t
lcg(uint32_t *s)
{
	return *s = *s * 1664525u + 1013904223u;
}

/*
 * 2000 flows, packets at random 10 ms steps for 60 s, ft_expire() every
 * 250 ms as the daemon ticks: every flow leaves at the first tick at or
 * after last + inactive, never before, and every packet is in a record.
 */
static void
wheel_precision(uint32_t t0)
{
	struct late l = { 0, 15000, INT32_MAX, INT32_MIN, 0, 0 };
	struct ft *ft;
	struct flow_key k;
	uint32_t rng = 12345, t, npkts = 0, r;

	ft = ft_new(0, 0, 1800000, l.inactive,
	    (struct rec_sink){ late_fn, &l });
	for (t = 0; t <= 120000; t += 10) {
		l.now = t0 + t;
		/* some packets, fewer and fewer, so flows idle at all times */
		while (t < 60000 && (lcg(&rng) >> 16) % 60000 > t) {
			r = lcg(&rng) >> 8;
			k = mkkey(r % 2000);
			CHECK(ft_update(ft, &k, 0, 100, 0, 0, 0, l.now) >= 0);
			npkts++;
		}
		if (t % 250 == 0)
			ft_expire(ft, l.now);
	}
	CHECK(npkts > 10000);
	CHECK_EQ(ft_stats(ft)->active, 0);
	CHECK_EQ(l.pkts, npkts);
	CHECK_EQ(l.n, ft_stats(ft)->exported[FT_EXP_INACTIVE]);
	CHECK(l.n > 2000);		/* some flows were split by idling */
	CHECK(l.min >= 0);
	CHECK(l.max < 250);
	/* Re-queues: at most one per flow per inactive period, not per packet. */
	CHECK(ft_stats(ft)->requeued < npkts / 4);
	CHECK(ft_stats(ft)->requeued <= 2000 * (60000 / 15000 + 1));
	ft_free(ft);
}

static void
test_wheel_precision(void)
{
	wheel_precision(0);
	wheel_precision(UINT32_MAX - 30000);	/* across the uptime wrap */
	wheel_precision(UINT32_MAX - 100);
}

/* A flow that keeps talking is never inactive-expired; re-queues are rare. */
static void
test_wheel_busy(void)
{
	struct sink s;
	struct ft *ft;
	struct flow_key a = mkkey(1);
	const struct ft_stats *st;
	uint32_t t;

	memset(&s, 0, sizeof(s));
	ft = ft_new(0, 0, 60000, 1000, (struct rec_sink){ sink_fn, &s });
	st = ft_stats(ft);
	/* A packet every 100 ms for 200 s, a tick every 250 ms. */
	for (t = 0; t < 200000; t += 50) {
		if (t % 100 == 0)
			ft_update(ft, &a, 0, 100, 0, 0, 0, t);
		if (t % 250 == 0)
			ft_expire(ft, t);
	}
	CHECK_EQ(st->exported[FT_EXP_INACTIVE], 0);
	CHECK_EQ(st->exported[FT_EXP_ACTIVE], 3);
	/*
	 * 2000 packets, about one re-queue per inactive period: each one
	 * happens when the queued due time has passed, so 1000 ms apart at
	 * least minus the 100 ms between packets, at most plus a slot and a
	 * tick.
	 */
	CHECK(st->requeued >= 200000 / (1000 + 256 + 250) - 2);
	CHECK(st->requeued <= 200000 / (1000 - 100) + 2);
	CHECK_EQ(ft_flush(ft, 0), 1);
	CHECK_EQ(s.pkts, 2000);
	check_invariants(ft, &s);
	ft_free(ft);
}

/* Exactly the flows that saw packets are re-queued, once. */
static void
test_wheel_requeue(void)
{
	struct sink s;
	struct ft *ft;
	struct flow_key k;
	const struct ft_stats *st;
	uint32_t i, t;

	memset(&s, 0, sizeof(s));
	ft = ft_new(0, 0, 1800000, 15000, (struct rec_sink){ sink_fn, &s });
	st = ft_stats(ft);
	CHECK_EQ(ft_hashsize(ft), 4096);	/* automatic: starts small */
	for (i = 0; i < 1000; i++) {
		k = mkkey(i);
		ft_update(ft, &k, 0, 100, 0, 0, 0, 0);
	}
	for (t = 250; t < 15000; t += 250) {
		if (t == 5000)
			for (i = 0; i < 1000; i += 2) {
				k = mkkey(i);
				CHECK_EQ(ft_update(ft, &k, 0, 100, 0, 0, 0, t),
				    FT_FOUND);
			}
		CHECK_EQ(ft_expire(ft, t), 0);
	}
	CHECK_EQ(st->requeued, 0);
	CHECK_EQ(ft_next_expiry(ft, 14750), 250);
	CHECK_EQ(ft_expire(ft, 15000), 500);
	CHECK_EQ(st->requeued, 500);
	CHECK_EQ(ft_next_expiry(ft, 15000), 5000);
	for (t = 15250; t < 20000; t += 250)
		CHECK_EQ(ft_expire(ft, t), 0);
	CHECK_EQ(ft_expire(ft, 20000), 500);
	CHECK_EQ(st->requeued, 500);
	CHECK_EQ(st->exported[FT_EXP_INACTIVE], 1000);
	CHECK_EQ(s.pkts, 1500);
	check_invariants(ft, &s);
	ft_free(ft);
}

/* 100 flows last seen at 1000..1099 ms, inactive 15 s, clock at 2000. */
static struct ft *
wheel_hundred(struct sink *s)
{
	struct ft *ft;
	struct flow_key k;
	uint32_t i;

	memset(s, 0, sizeof(*s));
	ft = ft_new(0, 0, 1800000, 15000, (struct rec_sink){ sink_fn, s });
	for (i = 0; i < 100; i++) {
		k = mkkey(i);
		ft_update(ft, &k, 0, 100, 0, 0, 0, 1000 + i);
	}
	CHECK_EQ(ft_expire(ft, 2000), 0);
	return ft;
}

static void
test_wheel_timeouts(void)
{
	struct sink s;
	struct late l = { 0, 86400000, INT32_MAX, INT32_MIN, 0, 0 };
	struct ft *ft;
	struct flow_key a = mkkey(1);
	const struct ft_stats *st;
	uint64_t t;

	/* Shorter (and a smaller ring): every flow follows at once. */
	ft = wheel_hundred(&s);
	ft_set_timeouts(ft, 1800000, 2000);
	CHECK_EQ(ft_next_expiry(ft, 2000), 1000);
	CHECK_EQ(ft_expire(ft, 2999), 0);
	CHECK_EQ(ft_expire(ft, 3000), 1);
	CHECK_EQ(ft_expire(ft, 3098), 98);
	CHECK_EQ(ft_expire(ft, 3099), 1);
	check_invariants(ft, &s);
	ft_free(ft);

	/* Shorter than what has already passed: out at the next call. */
	ft = wheel_hundred(&s);
	ft_set_timeouts(ft, 1800000, 500);
	CHECK_EQ(ft_next_expiry(ft, 2000), 0);
	CHECK_EQ(ft_expire(ft, 2000), 100);
	ft_free(ft);

	/* Longer, same ring: queued times are early, so re-queued once. */
	ft = wheel_hundred(&s);
	ft_set_timeouts(ft, 1800000, 15100);
	CHECK_EQ(ft_expire(ft, 16099), 0);
	CHECK_EQ(ft_expire(ft, 16100), 1);
	CHECK_EQ(ft_expire(ft, 16199), 99);
	/*
	 * All were queued in the slot [15872, 16128); the 28 whose new due
	 * time (16100..16127) is still in it stay there, the 72 others move.
	 */
	CHECK_EQ(ft_stats(ft)->requeued, 72);
	ft_free(ft);

	/* Longer, larger ring. */
	ft = wheel_hundred(&s);
	ft_set_timeouts(ft, 1800000, 30000);
	CHECK_EQ(ft_next_expiry(ft, 2000), 29000);
	for (t = 2250; t < 31000; t += 250)
		CHECK_EQ(ft_expire(ft, (uint32_t)t), 0);
	CHECK_EQ(ft_expire(ft, 31000), 1);
	CHECK_EQ(ft_expire(ft, 31099), 99);
	CHECK_EQ(ft_stats(ft)->requeued, 0);
	check_invariants(ft, &s);
	ft_free(ft);

	/*
	 * The longest timeout (one day) is past the ring (4.66 h): an idle
	 * flow is re-queued once per ring, still exported on time.
	 */
	ft = ft_new(0, 0, 86400000, 15000, (struct rec_sink){ late_fn, &l });
	st = ft_stats(ft);
	ft_set_timeouts(ft, 86400000, l.inactive);
	ft_update(ft, &a, 0, 100, 0, 0, 0, 1000);
	for (t = 1000; t <= 86500000; t += 1000) {
		l.now = (uint32_t)t;
		ft_expire(ft, l.now);
		if (l.n)
			break;
	}
	CHECK_EQ(l.n, 1);
	CHECK_EQ(l.min, 0);
	CHECK_EQ(st->exported[FT_EXP_INACTIVE], 1);
	CHECK(st->requeued >= 5 && st->requeued <= 6);
	ft_free(ft);
}

/* ft_expire() not called for a long time, and clock jumps. */
static void
test_wheel_jump(void)
{
	struct sink s;
	struct ft *ft;
	struct flow_key k;
	uint32_t i;

	memset(&s, 0, sizeof(s));
	ft = ft_new(0, 0, 1800000000, 15000,
	    (struct rec_sink){ sink_fn, &s });
	for (i = 0; i < 1000; i++) {
		k = mkkey(i);
		ft_update(ft, &k, 0, 100, 0, 0, 0, i);
	}
	for (i = 0; i < 10; i++) {
		k = mkkey(i);
		ft_update(ft, &k, 0, 100, 0, 0, 0, 9990000);
	}
	CHECK_EQ(ft_expire(ft, 10000000), 990);
	CHECK_EQ(ft_next_expiry(ft, 10000000), 5000);
	CHECK_EQ(ft_expire(ft, 10004999), 0);
	CHECK_EQ(ft_expire(ft, 10005000), 10);

	/* A packet stamped before the last tick, already past its timeout. */
	k = mkkey(1);
	ft_update(ft, &k, 0, 100, 0, 0, 0, 10005000);
	k = mkkey(2);
	ft_update(ft, &k, 0, 100, 0, 0, 0, 9000000);
	CHECK_EQ(ft_next_expiry(ft, 10005000), 0);
	CHECK_EQ(ft_expire(ft, 10005001), 1);
	CHECK_EQ(s.last.first, 9000000);
	CHECK_EQ(ft_stats(ft)->active, 1);
	check_invariants(ft, &s);
	ft_free(ft);
}

/* An export callback may remove other flows, even of the slot visited. */
static struct ft *reenter_ft;

static void
reenter_fn(void *arg, const struct flow_rec *r, uint32_t now)
{
	struct sink *s = arg;
	struct flow_key k;
	uint32_t i;

	sink_fn(arg, r, now);
	if (s->n != 1)
		return;
	for (i = 0; i < 20; i += 2) {
		k = mkkey(i);
		ft_export_key(reenter_ft, &k, now);
	}
}

static void
test_wheel_reenter(void)
{
	struct sink s;
	struct ft *ft;
	struct flow_key k;
	uint32_t i;

	memset(&s, 0, sizeof(s));
	ft = reenter_ft = ft_new(0, 0, 1800000, 1000,
	    (struct rec_sink){ reenter_fn, &s });
	for (i = 0; i < 20; i++) {
		k = mkkey(i);
		ft_update(ft, &k, 0, 100, 0, 0, 0, i < 10 ? 0 : 100);
	}
	k = mkkey(15);
	ft_update(ft, &k, 0, 100, 0, 0, 0, 500);
	/* 1 inactive, then 10 forced (or fewer: i may be the first) ... */
	ft_expire(ft, 1050);
	CHECK_EQ(s.n + ft_stats(ft)->active, 20);
	CHECK_EQ(ft_stats(ft)->exported[FT_EXP_FORCED] +
	    ft_stats(ft)->exported[FT_EXP_INACTIVE], s.n);
	CHECK_EQ(ft_expire(ft, 1100), 4);	/* odd 11..19 but 15 */
	CHECK_EQ(ft_stats(ft)->active, 1);
	CHECK_EQ(ft_expire(ft, 1500), 1);
	CHECK_EQ(s.pkts, 21);
	check_invariants(ft, &s);
	ft_free(ft);
}

/* IPv6 records as the sink saw them, addresses copied (valid in put only). */
struct sink6 {
	unsigned n;
	struct flow_rec r[8];
	struct flow_v6 a[8];
};

static void
sink6_fn(void *arg, const struct flow_rec *r, uint32_t now)
{
	struct sink6 *s = arg;

	if (s->n >= 8)
		return;
	s->r[s->n] = *r;
	if (r->v6 != NULL) {
		s->a[s->n] = *r->v6;
		s->r[s->n].v6 = &s->a[s->n];
	}
	s->n++;
}

static void
mkaddr6(uint8_t a[16], uint8_t host)
{
	memset(a, 0, 16);
	a[0] = 0x20;
	a[1] = 0x01;
	a[3] = 0x02;
	a[15] = host;
}

/* The record of s whose source port is sport. */
static const struct flow_rec *
by_sport(const struct sink6 *s, uint16_t sport)
{
	unsigned i;

	for (i = 0; i < s->n; i++)
		if (s->r[i].key.sport == sport)
			return &s->r[i];
	return NULL;
}

/*
 * IPv6 flows in the same table as IPv4 ones: keyed by their addresses,
 * exported with them, never mixed with an IPv4 key whose numbers equal
 * the address ids; the addresses are given back when flows leave.
 */
static void
test_ipv6(void)
{
	struct sink6 s6 = { 0 };
	struct ft *ft;
	struct flow_key k, k4;
	struct flow_v6 ab, ac, ba;
	const struct flow_rec *r;
	size_t mem;
	unsigned round;

	mkaddr6(ab.src, 1);
	mkaddr6(ab.dst, 2);
	mkaddr6(ac.src, 1);
	mkaddr6(ac.dst, 3);
	mkaddr6(ba.src, 2);
	mkaddr6(ba.dst, 1);
	ft = ft_new(0, 0, 1800000, 15000, (struct rec_sink){ sink6_fn, &s6 });
	CHECK(ft != NULL);
	for (round = 0; round < 2; round++) {
		s6.n = 0;
		flow_key_clear(&k);
		k.v6 = 1;
		k.proto = 6;
		k.dport = 443;
		k.ifin = 2;
		k.sport = 1001;
		CHECK_EQ(ft_update6(ft, &k, &ab, 3, 100, 0x02, 0, 0, 10), FT_NEW);
		CHECK_EQ(ft_update6(ft, &k, &ab, 3, 100, 0x10, 0, 0, 11),
		    FT_FOUND);
		CHECK_EQ(ft_update6(ft, &k, &ab, 3, 100, 0x01, 0, 0, 12),
		    FT_FOUND);
		k.sport = 1002;
		CHECK_EQ(ft_update6(ft, &k, &ac, 3, 60, 0, 0, 0, 13), FT_NEW);
		CHECK_EQ(ft_update6(ft, &k, &ac, 3, 60, 0, 0, 0, 14), FT_FOUND);
		k.sport = 1003;
		CHECK_EQ(ft_update6(ft, &k, &ba, 3, 80, 0, 0, 0, 15), FT_NEW);
		/* IPv4 with the numbers an IPv6 key may hold: its own flow */
		flow_key_clear(&k4);
		k4.src = 0;
		k4.dst = 1;
		k4.sport = 1004;
		k4.dport = 443;
		k4.proto = 6;
		k4.ifin = 2;
		CHECK_EQ(ft_update(ft, &k4, 3, 40, 0, 0, 0, 16), FT_NEW);
		CHECK_EQ(ft_stats(ft)->active, 4);
		if (round == 0)
			mem = ft_memory(ft);
		else	/* the addresses of round 0 were given back, reused */
			CHECK_EQ(ft_memory(ft), mem);

		CHECK_EQ(ft_flush(ft, 20), 4);
		CHECK_EQ(s6.n, 4);
		r = by_sport(&s6, 1001);
		CHECK(r != NULL && r->v6 != NULL);
		if (r != NULL && r->v6 != NULL) {
			CHECK(memcmp(r->v6->src, ab.src, 16) == 0);
			CHECK(memcmp(r->v6->dst, ab.dst, 16) == 0);
			CHECK_EQ(r->packets, 3);
			CHECK_EQ(r->bytes, 300);
			CHECK_EQ(r->tcp_flags, 0x13);
			CHECK_EQ(r->key.src, 0);
			CHECK_EQ(r->key.dst, 0);
			CHECK_EQ(r->key.v6, 1);
			CHECK_EQ(r->end_reason, REC_END_FORCED);
		}
		r = by_sport(&s6, 1002);
		CHECK(r != NULL && r->v6 != NULL && r->packets == 2 &&
		    memcmp(r->v6->dst, ac.dst, 16) == 0);
		r = by_sport(&s6, 1003);
		CHECK(r != NULL && r->v6 != NULL && r->packets == 1 &&
		    memcmp(r->v6->src, ba.src, 16) == 0);
		r = by_sport(&s6, 1004);
		CHECK(r != NULL && r->v6 == NULL && r->packets == 1 &&
		    r->key.v6 == 0 && r->key.dst == 1);
	}
	ft_free(ft);
}

/* maxflows drops an IPv6 packet like any other, holding no address. */
static void
test_ipv6_maxflows(void)
{
	struct sink6 s6 = { 0 };
	struct sink s = { 0 };
	struct ft *ft;
	struct flow_key k;
	struct flow_v6 a;
	unsigned i;

	ft = ft_new(1, 0, 1800000, 15000, (struct rec_sink){ sink6_fn, &s6 });
	flow_key_clear(&k);
	k.v6 = 1;
	k.proto = 17;
	mkaddr6(a.src, 1);
	for (i = 0; i < 100; i++) {
		mkaddr6(a.dst, (uint8_t)(i + 2));
		CHECK_EQ(ft_update6(ft, &k, &a, 0, 50, 0, 0, 0, 1),
		    i == 0 ? FT_NEW : FT_DROP_MAX);
	}
	CHECK_EQ(ft_stats(ft)->drop_maxflows_pkts, 99);
	CHECK_EQ(ft_stats(ft)->drop_maxflows_bytes, 99 * 50);
	s.pkts = 0;
	check_invariants(ft, &s);
	ft_free(ft);
}

/* The reverse direction of k. */
static struct flow_key
revkey(const struct flow_key *k)
{
	struct flow_key r = *k;

	r.src = k->dst;
	r.dst = k->src;
	r.sport = k->dport;
	r.dport = k->sport;
	r.ifin = 3;
	return r;
}

/*
 * TCP ends from the flags: FIN both ways, then the last ACK, ends both
 * flows close_ms after the last packet; a lone FIN or a FIN from one side
 * does not; RST does; off (0) changes nothing.
 */
static void
test_tcp_close(void)
{
	struct sink s;
	struct ft *ft;
	struct flow_key a = mkkey(7), b = revkey(&a), c = mkkey(8), rc;

	memset(&s, 0, sizeof(s));
	ft = ft_new(0, 0, 1800000, 15000, (struct rec_sink){ sink_fn, &s });
	ft_set_tcp_close(ft, 1000);
	ft_update(ft, &a, 3, 60, 0x02, 0, 0, 0);	/* SYN */
	ft_update(ft, &b, 2, 60, 0x12, 0, 0, 1);	/* SYN ACK */
	ft_update(ft, &a, 3, 52, 0x10, 0, 0, 2);
	ft_update(ft, &a, 3, 52, 0x11, 0, 0, 100);	/* FIN from a */
	CHECK_EQ(ft_stats(ft)->tcp_closing, 0);
	CHECK_EQ(ft_next_expiry(ft, 100), 15000 - 99);	/* b's idle limit */
	ft_update(ft, &b, 2, 52, 0x11, 0, 0, 200);	/* FIN from b */
	CHECK_EQ(ft_stats(ft)->tcp_closing, 2);
	ft_update(ft, &a, 3, 52, 0x10, 0, 0, 300);	/* the last ACK joins */
	CHECK_EQ(ft_next_expiry(ft, 300), 900);		/* b: 200 + 1000 */
	CHECK_EQ(ft_expire(ft, 1199), 0);
	CHECK_EQ(ft_expire(ft, 1200), 1);
	CHECK_EQ(s.last.packets, 2);
	CHECK_EQ(ft_expire(ft, 1299), 0);
	CHECK_EQ(ft_expire(ft, 1300), 1);
	CHECK_EQ(s.last.packets, 4);
	CHECK_EQ(s.last.bytes, 60 + 52 * 3);
	CHECK_EQ(s.last.tcp_flags, 0x13);
	check_invariants(ft, &s);

	/* RST ends both directions; a packet after the end starts a new flow */
	rc = revkey(&c);
	ft_update(ft, &rc, 0, 40, 0x10, 0, 0, 1900);
	ft_update(ft, &c, 0, 40, 0x04, 0, 0, 2000);
	CHECK_EQ(ft_stats(ft)->tcp_closing, 4);
	CHECK_EQ(ft_expire(ft, 2999), 1);
	CHECK_EQ(ft_expire(ft, 3000), 1);
	CHECK_EQ(ft_update(ft, &c, 0, 40, 0x10, 0, 0, 3100), FT_NEW);
	CHECK_EQ(ft_next_expiry(ft, 3100), 15000);
	CHECK_EQ(ft_flush(ft, 3200), 1);
	CHECK_EQ(s.pkts, 9);
	check_invariants(ft, &s);

	/* off: FIN both ways waits for the inactive timeout */
	ft_set_tcp_close(ft, 0);
	ft_update(ft, &a, 3, 52, 0x11, 0, 0, 5000);
	ft_update(ft, &b, 2, 52, 0x11, 0, 0, 5001);
	CHECK_EQ(ft_stats(ft)->tcp_closing, 4);
	CHECK_EQ(ft_expire(ft, 19999), 0);
	CHECK_EQ(ft_expire(ft, 20001), 2);
	/* UDP is never closed by its bytes */
	ft_set_tcp_close(ft, 1000);
	c.proto = 17;
	ft_update(ft, &c, 0, 40, 0x05, 0, 0, 30000);
	CHECK_EQ(ft_stats(ft)->tcp_closing, 4);
	ft_free(ft);
}

/* One super-packet stands for several wire packets. */
static void
test_update_n(void)
{
	struct sink s;
	struct ft *ft;
	struct flow_key a = mkkey(9);

	memset(&s, 0, sizeof(s));
	ft = ft_new(0, 0, 1800000, 15000, (struct rec_sink){ sink_fn, &s });
	CHECK_EQ(ft_update_n(ft, &a, 3, 10, 15000, 0x10, 0, 0, 0), FT_NEW);
	CHECK_EQ(ft_update(ft, &a, 3, 1500, 0x10, 0, 0, 1), FT_FOUND);
	CHECK_EQ(ft_update_n(ft, &a, 3, 4, 6000, 0x18, 0, 0, 2), FT_FOUND);
	CHECK_EQ(ft_stats(ft)->pkts, 15);
	CHECK_EQ(ft_flush(ft, 3), 1);
	CHECK_EQ(s.last.packets, 15);
	CHECK_EQ(s.last.bytes, 22500);
	/* a packet count that would wrap splits the flow first */
	ft_update_n(ft, &a, 3, UINT32_MAX - 5, 1000, 0, 0, 0, 10);
	CHECK_EQ(ft_update_n(ft, &a, 3, 10, 1000, 0, 0, 0, 11), FT_NEW);
	CHECK_EQ(ft_stats(ft)->exported[FT_EXP_OVERFLOW], 1);
	CHECK_EQ(s.last.packets, UINT32_MAX - 5);
	CHECK_EQ(ft_flush(ft, 12), 1);
	CHECK_EQ(s.last.packets, 10);
	check_invariants(ft, &s);
	ft_free(ft);
}

/* How often each key (by mkkey's n, up to WALK_N) was listed. */
#define WALK_N	20000
static uint8_t walk_seen[WALK_N];

static void
seen_fn(void *arg, const struct flow_rec *r, uint32_t now)
{
	uint32_t n = r->key.src & 0xffffff;

	(void)arg;
	if (n < WALK_N && walk_seen[n] < 255)
		walk_seen[n]++;
}

/*
 * A listing in steps while the table changes under it: flows that live
 * through it are listed exactly once, flows gone before it started never,
 * and nothing twice; a flush in the middle ends it.
 */
static void
test_walk_from(void)
{
	struct rec_sink seen = { seen_fn, NULL };
	struct sink s;
	struct ft *ft;
	struct flow_key k;
	uint32_t i, pos, steps = 0, n = 10000;

	memset(&s, 0, sizeof(s));
	memset(walk_seen, 0, sizeof(walk_seen));
	ft = ft_new(0, 0, 1800000, 600000, (struct rec_sink){ sink_fn, &s });
	for (i = 0; i < n; i++) {
		k = mkkey(i);
		ft_update(ft, &k, 0, 100, 0, 0, 0, 1);
	}
	/* gone before the listing: odd keys below 1000 */
	for (i = 1; i < 1000; i += 2) {
		k = mkkey(i);
		CHECK_EQ(ft_export_key(ft, &k, 2), 1);
	}
	for (pos = 0; (pos = ft_walk_from(ft, pos, 97, seen, 3)) !=
	    FT_WALK_END; steps++) {
		/* meanwhile: flows end, new ones take their slots, a rehash */
		k = mkkey(2000 + steps * 2);
		ft_export_key(ft, &k, 3);
		k = mkkey(n + steps);
		ft_update(ft, &k, 0, 100, 0, 0, 0, 3);
		if (steps == 30)
			CHECK_EQ(ft_rehash(ft, 977), 0);
	}
	CHECK(steps >= 100);
	for (i = 0; i < WALK_N; i++) {
		int gone_before = i < 1000 && (i & 1);
		int ended = i >= 2000 && i < 2000 + steps * 2 && !(i & 1);
		int born = i >= n;

		CHECK(walk_seen[i] <= 1);
		if (gone_before)
			CHECK_EQ(walk_seen[i], 0);
		else if (!ended && !born && i < n)
			CHECK_EQ(walk_seen[i], 1);
	}
	/* a flush mid-walk: the position goes past the end */
	pos = ft_walk_from(ft, 0, 50, seen, 4);
	CHECK(pos != FT_WALK_END);
	ft_flush(ft, 4);
	CHECK_EQ(ft_walk_from(ft, pos, 50, seen, 4), FT_WALK_END);
	ft_free(ft);
}

/* Every record a table exported, copied out (addresses included). */
struct logrec {
	struct flow_rec r;		/* v6 and nat cleared */
	struct flow_v6 a;		/* zero for IPv4 */
	uint32_t now;
};

struct reclog {
	struct logrec *v;
	size_t n, cap;
};

static void
log_fn(void *arg, const struct flow_rec *r, uint32_t now)
{
	struct reclog *l = arg;
	struct logrec *x;

	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 1024;
		l->v = realloc(l->v, l->cap * sizeof(*l->v));
		if (l->v == NULL)
			abort();
	}
	x = &l->v[l->n++];
	memset(x, 0, sizeof(*x));
	x->r = *r;
	x->r.v6 = NULL;
	x->r.nat = NULL;
	if (r->v6 != NULL)
		x->a = *r->v6;
	x->now = now;
}

static int
logrec_cmp(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(struct logrec));
}

/* A packet of the mixed traffic below: flow n of a pool, IPv4 or IPv6. */
static void
mixed_pkt(uint32_t n, uint64_t r, struct ft_pkt *p)
{
	memset(p, 0, sizeof(*p));
	p->key.proto = n % 3 ? 6 : 17;
	p->key.sport = (uint16_t)(1000 + n / 8);
	p->key.dport = 80;
	p->key.tos = (uint8_t)(n % 4 == 0 ? r >> 8 & 3 : 0);
	p->key.ifin = 1 + (n % 8 == 1);
	if (n & 4) {		/* the reverse direction of the flow n & ~4 */
		p->key.sport = 80;
		p->key.dport = (uint16_t)(1000 + n / 8);
	}
	if (n % 5 == 0) {
		p->key.v6 = 1;
		p->v6.src[0] = p->v6.dst[0] = 0x20;
		p->v6.src[15] = (uint8_t)(n & 4 ? 2 : 1);
		p->v6.dst[15] = (uint8_t)(n & 4 ? 1 : 2);
		memcpy(p->v6.src + 4, &n, 2);	/* some pairs unique */
		memcpy(p->v6.dst + 4, &n, 2);
	} else {
		p->key.src = n & 4 ? 0x0a000002u : 0x0a000001u;
		p->key.dst = n & 4 ? 0x0a000001u : 0x0a000002u;
	}
	p->ifout = 3;
	p->pkts = 1 + (uint32_t)(r >> 16 & 1);
	p->bytes = 40 + (uint32_t)(r >> 20 & 1023);
	if ((r >> 40) % 997 == 0)	/* now and then a counter that wraps */
		p->bytes = UINT32_MAX - 100;
	if (p->key.proto == 6)
		p->tcp_flags = (r >> 32) % 50 == 0 ? 0x01 :
		    (r >> 32) % 211 == 0 ? 0x04 : 0x10;
}

/*
 * ft_update_batch() against the same packets one by one: the same results,
 * stats, active flows (in order) and exported records, through splits,
 * drops at maxflows, TCP ends, counter wraps, IPv6 and table growth.  The
 * two tables have different hash seeds, so only what does not depend on
 * chain order is compared in order; the exports, whose order inside one
 * ft_export/expiry step may follow bucket order, are compared sorted.
 */
static void
test_batch_same(void)
{
	enum { NPKT = 60000, POOL = 24000 };
	static struct ft_pkt p[NPKT];
	static int r1[NPKT], r2[NPKT];
	struct reclog l1 = { 0 }, l2 = { 0 }, w1 = { 0 }, w2 = { 0 };
	struct ft *a, *b;
	uint64_t rng = 0x1234567887654321ULL, x;
	uint32_t i, j, m, now = 5, k;
	struct ft_stats s1, s2;

	a = ft_new(5000, 0, 6000, 3000, (struct rec_sink){ log_fn, &l1 });
	b = ft_new(5000, 0, 6000, 3000, (struct rec_sink){ log_fn, &l2 });
	CHECK(a != NULL && b != NULL);
	ft_set_tcp_close(a, 400);
	ft_set_tcp_close(b, 400);
	for (i = 0; i < NPKT; i++) {
		x = rng;
		rng ^= rng << 13;
		rng ^= rng >> 7;
		rng ^= rng << 17;
		/* a hot few and a long tail, so flows both repeat and churn */
		k = (uint32_t)(x % 7 < 3 ? x % 64 : x % POOL);
		mixed_pkt(k, x >> 3, &p[i]);
		now += (x >> 60 & 3) == 0;
		/* a batch may hold packets a little out of time order */
		p[i].now = now - (uint32_t)(x >> 58 & 1);
	}
	for (i = 0; i < NPKT; i += m) {
		m = 1 + (uint32_t)(p[i].bytes % 150);
		if (m > NPKT - i)
			m = NPKT - i;
		for (j = 0; j < m; j++)
			r1[i + j] = p[i + j].key.v6 ?
			    ft_update6_n(a, &p[i + j].key, &p[i + j].v6,
			    p[i + j].ifout, p[i + j].pkts, p[i + j].bytes,
			    p[i + j].tcp_flags, 0, 0, p[i + j].now) :
			    ft_update_n(a, &p[i + j].key, p[i + j].ifout,
			    p[i + j].pkts, p[i + j].bytes, p[i + j].tcp_flags,
			    0, 0, p[i + j].now);
		ft_update_batch(b, p + i, m, r2 + i);
		ft_expire(a, p[i + m - 1].now);
		ft_expire(b, p[i + m - 1].now);
	}
	CHECK(memcmp(r1, r2, sizeof(r1)) == 0);
	s1 = *ft_stats(a);
	s2 = *ft_stats(b);
	/* chain positions follow the seeds: the one figure that may differ */
	s1.searched = s2.searched = 0;
	CHECK(memcmp(&s1, &s2, sizeof(s1)) == 0);
	CHECK(s1.drop_maxflows_pkts > 0);
	CHECK(s1.exported[FT_EXP_INACTIVE] > 0);
	CHECK(s1.exported[FT_EXP_ACTIVE] > 0);
	CHECK(s1.exported[FT_EXP_OVERFLOW] > 0);
	CHECK(s1.tcp_closing > 0);
	CHECK(s1.rehashes > 0);
	ft_walk(a, (struct rec_sink){ log_fn, &w1 }, now);
	ft_walk(b, (struct rec_sink){ log_fn, &w2 }, now);
	CHECK_EQ(w1.n, w2.n);
	CHECK(w1.n > 0);
	CHECK(w1.n == w2.n &&
	    memcmp(w1.v, w2.v, w1.n * sizeof(*w1.v)) == 0);
	CHECK_EQ(l1.n, l2.n);
	qsort(l1.v, l1.n, sizeof(*l1.v), logrec_cmp);
	qsort(l2.v, l2.n, sizeof(*l2.v), logrec_cmp);
	CHECK(l1.n == l2.n && memcmp(l1.v, l2.v, l1.n * sizeof(*l1.v)) == 0);
	ft_free(a);
	ft_free(b);
	free(l1.v);
	free(l2.v);
	free(w1.v);
	free(w2.v);
}

/*
 * 256 ToS values x 4 input interfaces of one 5-tuple: the hash covers the
 * whole key, so they spread over many chains, and ft_export_tuple() (a
 * connection's end) still finds every one of them, and nothing else.
 */
static void
test_tos_ifin_spread(void)
{
	struct sink s;
	struct ft *ft;
	struct flow_key k = mkkey(5), other = mkkey(6);
	uint32_t tos, ifin;

	memset(&s, 0, sizeof(s));
	ft = ft_new(0, 0, 1800000, 15000, (struct rec_sink){ sink_fn, &s });
	for (tos = 0; tos < 256; tos++) {
		k.tos = (uint8_t)tos;
		CHECK_EQ(ft_update(ft, &k, 3, 100, 0, 0, 0, 1), FT_NEW);
	}
	/* 256 keys over 16 chains: about 16 each, far from one chain */
	CHECK(ft_longest_chain(ft) <= 48);
	for (ifin = 3; ifin < 6; ifin++)
		for (tos = 0; tos < 256; tos++) {
			k.ifin = ifin;
			k.tos = (uint8_t)tos;
			CHECK_EQ(ft_update(ft, &k, 3, 100, 0, 0, 0, 1),
			    FT_NEW);
		}
	for (tos = 0; tos < 4; tos++) {
		other.tos = (uint8_t)tos;
		ft_update(ft, &other, 3, 100, 0, 0, 0, 1);
	}
	CHECK_EQ(ft_stats(ft)->active, 1028);
	CHECK(ft_longest_chain(ft) <= 128);
	/* the lookups of these variants find them */
	k.ifin = 4;
	k.tos = 77;
	CHECK_EQ(ft_update(ft, &k, 3, 100, 0, 0, 0, 2), FT_FOUND);
	k.ifin = 99;
	k.tos = 0;
	CHECK_EQ(ft_export_tuple(ft, &k, 3), 1024);
	CHECK_EQ(s.n, 1024);
	CHECK_EQ(s.last.end_reason, REC_END_EOF);
	CHECK_EQ(ft_stats(ft)->active, 4);
	CHECK_EQ(ft_export_tuple(ft, &k, 3), 0);
	/* a small administrator's table: the window wraps round */
	CHECK_EQ(ft_rehash(ft, 7), 0);
	CHECK_EQ(ft_export_tuple(ft, &other, 4), 4);
	CHECK_EQ(ft_stats(ft)->active, 0);
	check_invariants(ft, &s);
	ft_free(ft);
}

int
main(void)
{
	test_basic();
	test_inactive();
	test_active();
	test_wrap();
	test_maxflows();
	test_overflow();
	test_rehash();
	test_export_key();
	test_expiry_work();
	test_peak_timeouts();
	test_wheel_precision();
	test_wheel_busy();
	test_wheel_requeue();
	test_wheel_timeouts();
	test_wheel_jump();
	test_wheel_reenter();
	test_ipv6();
	test_ipv6_maxflows();
	test_tcp_close();
	test_update_n();
	test_walk_from();
	test_batch_same();
	test_tos_ifin_spread();
	return check_done();
}
