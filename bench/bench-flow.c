/*
 * bench-flow: flow table speed and memory.  Prints, never asserts.
 *
 *	bench-flow [updates [flows batch]]
 *
 * With flows and batch (0 one by one, 1 in batches of 64), only that one
 * speed run: short enough for valgrind --tool=cachegrind.
 *
 * Speed: a hot table of N flows (keys drawn at random beforehand, so the
 * loop measures the table, not the key generator), "updates" updates spread
 * over those keys in random order.  Memory: one million active flows,
 * counted both by ft_memory() and by the growth of the resident set.
 * Expiry: one million flows, half of them refreshed, ft_expire() on a
 * 250 ms tick as the daemon calls it: time per flow exported or re-queued.
 * IPv6: memory of one million IPv6 flows whose addresses come from "hosts"
 * distinct addresses per side (an IPv6 key names its addresses in a shared
 * address table), and update speed.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "flow/flow.h"

static uint64_t exported;

static void
count_fn(void *arg, const struct flow_rec *r, uint32_t now)
{
	exported++;
}

static uint64_t
xorshift(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *s = x;
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static struct flow_key *
random_keys(uint32_t n, uint64_t *rng)
{
	struct flow_key *k;
	uint32_t i;
	uint64_t r;

	if ((k = calloc(n, sizeof(*k))) == NULL) {
		perror("calloc");
		exit(1);
	}
	for (i = 0; i < n; i++) {
		r = xorshift(rng);
		flow_key_clear(&k[i]);
		k[i].src = (uint32_t)r;
		k[i].dst = (uint32_t)(r >> 32);
		r = xorshift(rng);
		k[i].sport = (uint16_t)r;
		k[i].dport = (uint16_t)(r >> 16);
		k[i].proto = (r >> 32) & 1 ? 6 : 17;
		k[i].ifin = 1 + ((r >> 40) & 3);
	}
	return k;
}

/* Packets per ft_update_batch(), as the daemon queues them (packets.c). */
#define BATCH	64

static void
bench_speed(uint32_t nflows, uint64_t updates, int batch)
{
	struct flow_key *keys;
	struct ft_pkt q[BATCH];
	uint32_t *order;
	struct ft *ft;
	uint64_t rng = 0x9e3779b97f4a7c15ULL, u;
	const uint32_t norder = 1u << 20;
	uint32_t i, j, now = 1000;
	double t0, dt;

	keys = random_keys(nflows, &rng);
	/* A random visiting order, precomputed like the keys. */
	if ((order = malloc(norder * sizeof(*order))) == NULL) {
		perror("malloc");
		exit(1);
	}
	for (i = 0; i < norder; i++)
		order[i] = (uint32_t)(xorshift(&rng) % nflows);
	if ((ft = ft_new(0, 0, 1800000, 15000,
	    (struct rec_sink){ count_fn, NULL })) == NULL) {
		perror("ft_new");
		exit(1);
	}
	/* Make it hot: every flow exists before timing starts. */
	for (i = 0; i < nflows; i++)
		ft_update(ft, &keys[i], 3, 1500, 0x10, 0, 0, now);
	memset(q, 0, sizeof(q));
	for (j = 0; j < BATCH; j++) {
		q[j].ifout = 3;
		q[j].pkts = 1;
		q[j].bytes = 1500;
		q[j].tcp_flags = 0x10;
	}
	t0 = now_s();
	if (!batch)
		for (u = 0; u < updates; u++) {
			/* The clock moves once per 64k updates, like a clock. */
			if ((u & 0xffff) == 0)
				now++;
			ft_update(ft, &keys[order[u & (norder - 1)]], 3, 1500,
			    0x10, 0, 0, now);
		}
	else
		for (u = 0; u < updates; u += BATCH) {
			if ((u & 0xffff) == 0)
				now++;
			/* The copy into q is part of the cost, as in the daemon. */
			for (j = 0; j < BATCH; j++) {
				q[j].key = keys[order[(u + j) & (norder - 1)]];
				q[j].now = now;
			}
			ft_update_batch(ft, q, BATCH, NULL);
		}
	dt = now_s() - t0;
	printf("flow-table: %u flows, %s: %.1f M updates/s "
	    "(%llu updates in %.2f s, %.2f entries searched per lookup)\n",
	    nflows, batch ? "batches of 64" : "one by one",
	    updates / dt / 1e6, (unsigned long long)updates, dt,
	    (double)ft_stats(ft)->searched / ft_stats(ft)->lookups);
	ft_flush(ft, 0);
	ft_free(ft);
	free(order);
	free(keys);
}

/* Resident set in bytes, from /proc/self/statm. */
static long
rss_bytes(void)
{
	FILE *f;
	long size, res = 0;

	if ((f = fopen("/proc/self/statm", "r")) == NULL)
		return 0;
	if (fscanf(f, "%ld %ld", &size, &res) != 2)
		res = 0;
	fclose(f);
	return res * sysconf(_SC_PAGESIZE);
}

static void
bench_memory(uint32_t nflows)
{
	struct flow_key *keys;
	struct ft *ft;
	uint64_t rng = 0x2545f4914f6cdd1dULL;
	uint32_t i;
	long rss0, rss1;
	size_t mem;

	keys = random_keys(nflows, &rng);
	rss0 = rss_bytes();
	if ((ft = ft_new(0, 0, 1800000, 15000,
	    (struct rec_sink){ count_fn, NULL })) == NULL) {
		perror("ft_new");
		exit(1);
	}
	for (i = 0; i < nflows; i++)
		ft_update(ft, &keys[i], 3, 1500, 0x10, 0, 0, 1000);
	rss1 = rss_bytes();
	mem = ft_memory(ft);
	printf("flow-table: entry size %zu bytes (IPv6 %zu)\n",
	    ft_entry_size(0), ft_entry_size(1));
	printf("flow-table: %u active flows: hashsize %u, %u rehashes\n",
	    ft_stats(ft)->active, ft_hashsize(ft), ft_stats(ft)->rehashes);
	printf("flow-table: %u IPv4 flows: %.1f bytes/flow (ft_memory %zu bytes), "
	    "%.1f bytes/flow RSS growth\n", nflows,
	    (double)mem / ft_stats(ft)->active, mem,
	    (double)(rss1 - rss0) / ft_stats(ft)->active);
	ft_flush(ft, 0);
	ft_free(ft);
	free(keys);
}

/* IPv6 flows i of n: addresses from "hosts" per side, ports from i. */
static void
key6(uint32_t i, uint32_t hosts, uint64_t r, struct flow_key *k,
    struct flow_v6 *a)
{
	uint32_t s = (uint32_t)(r % hosts), d = (uint32_t)((r >> 32) % hosts);

	flow_key_clear(k);
	k->v6 = 1;
	k->proto = 6;
	k->sport = (uint16_t)i;
	k->dport = (uint16_t)(i >> 16);
	k->ifin = 1;
	memset(a, 0, sizeof(*a));
	a->src[0] = a->dst[0] = 0x20;
	a->src[1] = a->dst[1] = 0x01;
	a->src[3] = 0x02;
	a->dst[3] = 0x03;
	memcpy(a->src + 12, &s, 4);
	memcpy(a->dst + 12, &d, 4);
}

static void
bench_memory6(uint32_t nflows, uint32_t hosts)
{
	struct flow_key k;
	struct flow_v6 a;
	struct ft *ft;
	uint64_t rng = 0x2545f4914f6cdd1dULL;
	uint32_t i;
	long rss0, rss1;
	size_t mem;

	rss0 = rss_bytes();
	if ((ft = ft_new(0, 0, 1800000, 15000,
	    (struct rec_sink){ count_fn, NULL })) == NULL) {
		perror("ft_new");
		exit(1);
	}
	for (i = 0; i < nflows; i++) {
		key6(i, hosts, xorshift(&rng), &k, &a);
		ft_update6(ft, &k, &a, 3, 1500, 0x10, 0, 0, 1000);
	}
	rss1 = rss_bytes();
	mem = ft_memory(ft);
	printf("flow-table: %u IPv6 flows between %u x %u addresses: %.1f "
	    "bytes/flow (ft_memory), %.1f bytes/flow RSS growth\n",
	    ft_stats(ft)->active, hosts, hosts,
	    (double)mem / ft_stats(ft)->active,
	    (double)(rss1 - rss0) / ft_stats(ft)->active);
	ft_flush(ft, 0);
	ft_free(ft);
}

static void
bench_speed6(uint32_t nflows, uint64_t updates)
{
	struct flow_key *k;
	struct flow_v6 *a;
	struct ft *ft;
	uint64_t rng = 0x9e3779b97f4a7c15ULL, u;
	uint32_t i, j, now = 1000;
	double t0, dt;

	k = calloc(nflows, sizeof(*k));
	a = calloc(nflows, sizeof(*a));
	if (k == NULL || a == NULL) {
		perror("calloc");
		exit(1);
	}
	for (i = 0; i < nflows; i++)
		key6(i, 1000, xorshift(&rng), &k[i], &a[i]);
	if ((ft = ft_new(0, 0, 1800000, 15000,
	    (struct rec_sink){ count_fn, NULL })) == NULL) {
		perror("ft_new");
		exit(1);
	}
	for (i = 0; i < nflows; i++)
		ft_update6(ft, &k[i], &a[i], 3, 1500, 0x10, 0, 0, now);
	t0 = now_s();
	for (u = 0; u < updates; u++) {
		if ((u & 0xffff) == 0)
			now++;
		j = (uint32_t)(xorshift(&rng) % nflows);
		ft_update6(ft, &k[j], &a[j], 3, 1500, 0x10, 0, 0, now);
	}
	dt = now_s() - t0;
	printf("flow-table: %u IPv6 flows: %.1f M updates/s\n", nflows,
	    updates / dt / 1e6);
	ft_flush(ft, 0);
	ft_free(ft);
	free(k);
	free(a);
}

static void
bench_expire(uint32_t nflows)
{
	struct flow_key *keys;
	struct ft *ft;
	uint64_t rng = 0x5851f42d4c957f2dULL;
	uint32_t i, t;
	double t0, dt = 0;

	keys = random_keys(nflows, &rng);
	if ((ft = ft_new(0, 0, 1800000, 15000,
	    (struct rec_sink){ count_fn, NULL })) == NULL) {
		perror("ft_new");
		exit(1);
	}
	exported = 0;
	for (i = 0; i < nflows; i++)
		ft_update(ft, &keys[i], 3, 1500, 0x10, 0, 0, i % 10000);
	for (t = 250; t <= 40000; t += 250) {
		if (t == 12000)
			for (i = 0; i < nflows; i += 2)
				ft_update(ft, &keys[i], 3, 1500, 0x10, 0, 0, t);
		t0 = now_s();
		ft_expire(ft, t);
		dt += now_s() - t0;
	}
	printf("flow-table: expiry of %u flows (%llu re-queued): %.0f ns per "
	    "flow exported or re-queued, %.1f ms in ft_expire in all\n",
	    nflows, (unsigned long long)ft_stats(ft)->requeued,
	    dt * 1e9 / (exported + ft_stats(ft)->requeued), dt * 1e3);
	ft_free(ft);
	free(keys);
}

int
main(int argc, char **argv)
{
	uint64_t updates = 50000000;

	if (argc > 1)
		updates = strtoull(argv[1], NULL, 10);
	if (argc > 3) {
		bench_speed((uint32_t)strtoul(argv[2], NULL, 10), updates,
		    atoi(argv[3]));
		return 0;
	}
	/*
	 * Memory first: freed slabs stay in malloc's heap, and a later
	 * table reusing those pages would not grow the RSS.
	 */
	bench_memory(1000000);
	bench_memory6(1000000, 1000);
	bench_memory6(1000000, 1000000);
	bench_speed(1000, updates, 0);
	bench_speed(1000, updates, 1);
	bench_speed(100000, updates, 0);
	bench_speed(100000, updates, 1);
	bench_speed(1000000, updates / 2, 0);
	bench_speed(1000000, updates / 2, 1);
	bench_speed6(1000, updates / 5);
	bench_speed6(100000, updates / 5);
	bench_expire(1000000);
	return 0;
}
