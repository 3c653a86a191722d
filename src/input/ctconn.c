/*
 * ctconn: the connection table of capture = conntrack.  See ctconn.h.
 *
 * Entries are malloc'd one per connection (a connection costs one event
 * round trip in the kernel and in the daemon; one malloc is small beside
 * that) and chained in a power-of-two bucket array that doubles when the
 * entries outnumber the buckets.  A doubly-linked list keeps the entries
 * in the order they were listed (inserted or last exported), so the
 * active-timeout scan looks at the head only.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <netinet/in.h>

#include "input/ctconn.h"

#define CTCONN_MINBUCKETS	1024u
#define CTCONN_MAXBUCKETS	(1u << 26)

struct ctconn_entry {
	struct ctconn_key key;
	uint32_t rsrc;
	uint16_t rsport, rdport;
	uint32_t pstart;		/* uptime ms: start of the current period */
	uint32_t listed;		/* uptime ms: put at the list's tail */
	uint32_t gen;			/* last resync generation that saw it */
	uint64_t cur_pkts[2], cur_bytes[2];	/* last known counters */
	uint64_t done_pkts[2], done_bytes[2];	/* already exported */
	struct ctconn_entry *hnext;
	struct ctconn_entry *prev, *next;	/* period list */
};

struct ctconn {
	struct ctconn_entry **buckets;
	uint32_t nbuckets;
	uint32_t maxconns;
	uint64_t seed;
	struct ctconn_entry *head, *tail;
	struct rec_sink sink;
	struct ctconn_stats st;
};

_Static_assert(sizeof(struct ctconn_key) == 20, "conntrack key is 20 bytes");

static uint32_t
key_hash(const struct ctconn *t, const struct ctconn_key *k)
{
	uint64_t h = t->seed, v;
	const uint8_t *b = (const uint8_t *)k;
	size_t i;

	for (i = 0; i + 4 <= sizeof(*k); i += 4) {
		memcpy(&v, b + i, 4);
		v &= 0xffffffffu;
		h = (h ^ v) * 0x9e3779b185ebca87ULL;
		h ^= h >> 29;
	}
	h *= 0xc2b2ae3d27d4eb4fULL;
	h ^= h >> 32;
	return (uint32_t)h;
}

static inline uint32_t
bucket(const struct ctconn *t, const struct ctconn_key *k)
{
	return key_hash(t, k) & (t->nbuckets - 1);
}

static int
resize(struct ctconn *t, uint32_t n)
{
	struct ctconn_entry **b, *e;
	uint32_t h;

	if ((b = calloc(n, sizeof(*b))) == NULL)
		return -1;
	free(t->buckets);
	t->buckets = b;
	t->nbuckets = n;
	/* Every entry is on the period list. */
	for (e = t->head; e != NULL; e = e->next) {
		h = bucket(t, &e->key);
		e->hnext = b[h];
		b[h] = e;
	}
	return 0;
}

struct ctconn *
ctconn_new(uint32_t maxconns, struct rec_sink sink)
{
	struct ctconn *t;

	if (sink.put == NULL) {
		errno = EINVAL;
		return NULL;
	}
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	if (getrandom(&t->seed, sizeof(t->seed), GRND_NONBLOCK) !=
	    (ssize_t)sizeof(t->seed))
		t->seed = (uint64_t)(uintptr_t)t * 0x9e3779b185ebca87ULL;
	t->maxconns = maxconns;
	t->sink = sink;
	if (resize(t, CTCONN_MINBUCKETS) < 0) {
		free(t);
		return NULL;
	}
	return t;
}

void
ctconn_free(struct ctconn *t)
{
	struct ctconn_entry *e, *n;

	if (t == NULL)
		return;
	for (e = t->head; e != NULL; e = n) {
		n = e->next;
		free(e);
	}
	free(t->buckets);
	free(t);
}

void
ctconn_set_max(struct ctconn *t, uint32_t maxconns)
{
	/* Tracked connections stay; new ones are refused until below. */
	t->maxconns = maxconns;
}

static struct ctconn_entry *
lookup(const struct ctconn *t, const struct ctconn_key *k,
    struct ctconn_entry ***pp_out)
{
	struct ctconn_entry **pp = &t->buckets[bucket(t, k)];

	for (; *pp != NULL; pp = &(*pp)->hnext)
		if (memcmp(&(*pp)->key, k, sizeof(*k)) == 0) {
			if (pp_out)
				*pp_out = pp;
			return *pp;
		}
	return NULL;
}

static void
list_unlink(struct ctconn *t, struct ctconn_entry *e)
{
	if (e->prev)
		e->prev->next = e->next;
	else
		t->head = e->next;
	if (e->next)
		e->next->prev = e->prev;
	else
		t->tail = e->prev;
}

static void
list_append(struct ctconn *t, struct ctconn_entry *e)
{
	e->next = NULL;
	e->prev = t->tail;
	if (t->tail)
		t->tail->next = e;
	else
		t->head = e;
	t->tail = e;
}

static void
remove_entry(struct ctconn *t, struct ctconn_entry *e)
{
	struct ctconn_entry **pp;

	if (lookup(t, &e->key, &pp) == e)
		*pp = e->hnext;
	list_unlink(t, e);
	t->st.tracked--;
	free(e);
}

void
ctconn_flow_keys(const struct ctconn_info *ci, struct flow_key *orig,
    struct flow_key *reply)
{
	const struct ctconn_key *k = &ci->key;

	flow_key_clear(orig);
	flow_key_clear(reply);
	orig->proto = reply->proto = k->proto;
	orig->src = k->src;
	orig->dst = ci->rsrc;
	reply->src = ci->rsrc;
	reply->dst = k->src;
	if (k->proto == IPPROTO_ICMP) {
		/* v5 ICMP: no source port, type and code in dport */
		orig->dport = k->dport;
		reply->dport = ci->rdport;
		return;
	}
	orig->sport = k->sport;
	orig->dport = ci->rsport;
	reply->sport = ci->rsport;
	reply->dport = k->sport;
}

/*
 * Hand over one direction's delta, split if it would not fit 32 bits: into
 * n records, n enough for both counters, each taking an even share of the
 * packets and of the bytes (the first ones one more of each remainder), so
 * no record carries bytes without packets.
 */
static void
emit(struct ctconn *t, const struct flow_key *key, uint64_t pkts,
    uint64_t bytes, uint32_t first, uint32_t last, uint32_t now)
{
	struct flow_rec r;
	uint64_t n, np, nb, i;

	if (pkts == 0 && bytes == 0)
		return;
	np = pkts / UINT32_MAX + (pkts % UINT32_MAX != 0);
	nb = bytes / UINT32_MAX + (bytes % UINT32_MAX != 0);
	n = np > nb ? np : nb;
	if (n == 0)
		n = 1;
	for (i = 0; i < n; i++) {
		memset(&r, 0, sizeof(r));
		r.key = *key;
		r.packets = (uint32_t)(pkts / n + (i < pkts % n));
		r.bytes = (uint32_t)(bytes / n + (i < bytes % n));
		r.first = first;
		r.last = last;
		t->st.records++;
		rec_sink_put(&t->sink, &r, now);
	}
}

static void
info_from_entry(const struct ctconn_entry *e, struct ctconn_info *ci)
{
	memset(ci, 0, sizeof(*ci));
	ci->key = e->key;
	ci->rsrc = e->rsrc;
	ci->rsport = e->rsport;
	ci->rdport = e->rdport;
}

/*
 * Export e's deltas up to its current counters for the period that began
 * at e->pstart and ends at last.  Counters only go backwards when someone
 * zeroed them (conntrack -L -z): the direction is then re-based on zero,
 * so what it counted since the reset is exported (what it counted between
 * the last export and the reset went to whoever zeroed it), instead of
 * exporting nothing until the counters pass their old values again.
 */
static void
export_deltas(struct ctconn *t, struct ctconn_entry *e, uint32_t last,
    uint32_t now)
{
	struct ctconn_info ci;
	struct flow_key k[2];
	uint64_t dp, db;
	int d;

	info_from_entry(e, &ci);
	ctconn_flow_keys(&ci, &k[0], &k[1]);
	if ((int32_t)(last - e->pstart) < 0)
		last = e->pstart;
	for (d = 0; d < 2; d++) {
		if (e->cur_pkts[d] < e->done_pkts[d] ||
		    e->cur_bytes[d] < e->done_bytes[d]) {
			t->st.rebased++;
			e->done_pkts[d] = 0;
			e->done_bytes[d] = 0;
		}
		dp = e->cur_pkts[d] - e->done_pkts[d];
		db = e->cur_bytes[d] - e->done_bytes[d];
		emit(t, &k[d], dp, db, e->pstart, last, now);
		e->done_pkts[d] = e->cur_pkts[d];
		e->done_bytes[d] = e->cur_bytes[d];
	}
}

static void
take_counters(struct ctconn_entry *e, const struct ctconn_info *ci)
{
	int d;

	if (!ci->has_counters)
		return;
	for (d = 0; d < 2; d++) {
		e->cur_pkts[d] = ci->pkts[d];
		e->cur_bytes[d] = ci->bytes[d];
	}
}

static void
refresh(struct ctconn_entry *e, const struct ctconn_info *ci)
{
	take_counters(e, ci);
	/*
	 * A NEW event carries no timestamp: a dump that does tells when the
	 * first period really began (if nothing was exported yet).
	 */
	if (ci->has_start && e->done_pkts[0] == 0 && e->done_pkts[1] == 0 &&
	    (int32_t)(ci->start - e->pstart) < 0)
		e->pstart = ci->start;
}

int
ctconn_seen(struct ctconn *t, const struct ctconn_info *ci, uint32_t gen,
    uint32_t now)
{
	struct ctconn_entry *e;
	uint32_t h;

	if ((e = lookup(t, &ci->key, NULL)) != NULL) {
		refresh(e, ci);
		e->gen = gen;
		return CTCONN_FOUND;
	}
	if (t->maxconns != 0 && t->st.tracked >= t->maxconns) {
		t->st.dropped++;
		return CTCONN_DROP;
	}
	if ((e = calloc(1, sizeof(*e))) == NULL) {
		t->st.dropped++;
		return CTCONN_DROP;
	}
	e->key = ci->key;
	e->rsrc = ci->rsrc;
	e->rsport = ci->rsport;
	e->rdport = ci->rdport;
	e->pstart = ci->has_start ? ci->start : now;
	e->gen = gen;
	take_counters(e, ci);
	h = bucket(t, &e->key);
	e->hnext = t->buckets[h];
	t->buckets[h] = e;
	/*
	 * The list is ordered by when an entry was listed, not by pstart: a
	 * dump hands over old connections in hash order, and appending keeps
	 * insertion O(1).  An old connection found by a dump thus gets its
	 * first active-timeout export active_timeout after it was found.
	 */
	e->listed = now;
	list_append(t, e);
	t->st.inserted++;
	if (++t->st.tracked > t->st.peak)
		t->st.peak = t->st.tracked;
	if (t->st.tracked > t->nbuckets && t->nbuckets < CTCONN_MAXBUCKETS)
		resize(t, t->nbuckets * 2);	/* on failure: longer chains */
	return CTCONN_NEW;
}

int
ctconn_update(struct ctconn *t, const struct ctconn_info *ci)
{
	struct ctconn_entry *e;

	if ((e = lookup(t, &ci->key, NULL)) == NULL)
		return 0;
	refresh(e, ci);
	return 1;
}

int
ctconn_destroy(struct ctconn *t, const struct ctconn_info *ci, uint32_t now)
{
	struct ctconn_entry *e;

	if ((e = lookup(t, &ci->key, NULL)) == NULL)
		return 0;
	take_counters(e, ci);
	export_deltas(t, e, ci->has_stop ? ci->stop : now, now);
	remove_entry(t, e);
	t->st.destroyed++;
	return 1;
}

void
ctconn_export_whole(struct ctconn *t, const struct ctconn_info *ci,
    uint32_t now)
{
	struct flow_key k[2];
	uint32_t first = ci->has_start ? ci->start : now;
	uint32_t last = ci->has_stop ? ci->stop : now;
	int d;

	if (!ci->has_counters)
		return;
	if ((int32_t)(last - first) < 0)
		last = first;
	ctconn_flow_keys(ci, &k[0], &k[1]);
	for (d = 0; d < 2; d++)
		emit(t, &k[d], ci->pkts[d], ci->bytes[d], first, last, now);
	t->st.untracked++;
}

int
ctconn_due(const struct ctconn *t, uint32_t now, uint32_t active_ms,
    struct ctconn_key *key)
{
	const struct ctconn_entry *e = t->head;

	if (e == NULL || (int32_t)(now - e->listed) < (int32_t)active_ms)
		return 0;
	*key = e->key;
	return 1;
}

uint32_t
ctconn_next_due(const struct ctconn *t, uint32_t now, uint32_t active_ms)
{
	int32_t age;

	if (t->head == NULL)
		return UINT32_MAX;
	age = (int32_t)(now - t->head->listed);
	return age >= (int32_t)active_ms ? 0 : (uint32_t)((int32_t)active_ms - age);
}

static void
restart_period(struct ctconn *t, struct ctconn_entry *e, uint32_t now)
{
	e->pstart = e->listed = now;
	list_unlink(t, e);
	list_append(t, e);
}

int
ctconn_export_period(struct ctconn *t, const struct ctconn_info *ci,
    uint32_t now)
{
	struct ctconn_entry *e;

	if ((e = lookup(t, &ci->key, NULL)) == NULL)
		return 0;
	take_counters(e, ci);
	export_deltas(t, e, now, now);
	restart_period(t, e, now);
	t->st.periodic++;
	return 1;
}

int
ctconn_postpone(struct ctconn *t, const struct ctconn_key *key, uint32_t now)
{
	struct ctconn_entry *e;

	if ((e = lookup(t, key, NULL)) == NULL)
		return 0;
	/* Its DESTROY (or the next period) will carry the counters. */
	e->listed = now;
	list_unlink(t, e);
	list_append(t, e);
	return 1;
}

uint32_t
ctconn_sweep(struct ctconn *t, uint32_t gen, uint32_t now)
{
	struct ctconn_entry *e, *n;
	uint32_t cnt = 0;

	for (e = t->head; e != NULL; e = n) {
		n = e->next;
		if (e->gen == gen)
			continue;
		export_deltas(t, e, now, now);
		remove_entry(t, e);
		t->st.swept++;
		cnt++;
	}
	return cnt;
}

uint32_t
ctconn_flush(struct ctconn *t, uint32_t now)
{
	struct ctconn_entry *e, *n, *last = t->tail;
	uint32_t cnt = 0;

	/* restart_period moves entries to the tail: stop after the old tail */
	for (e = t->head; e != NULL; e = n) {
		n = e->next;
		export_deltas(t, e, now, now);
		restart_period(t, e, now);
		cnt++;
		if (e == last)
			break;
	}
	return cnt;
}

static uint32_t
delta32(uint64_t cur, uint64_t done)
{
	if (cur < done)
		return 0;	/* as export_deltas: nothing rather than bogus */
	return cur - done > UINT32_MAX ? UINT32_MAX : (uint32_t)(cur - done);
}

static void walk_entry(const struct ctconn_entry *e, uint32_t now,
    struct rec_sink *sink);

void
ctconn_walk(const struct ctconn *t, uint32_t now, struct rec_sink sink)
{
	const struct ctconn_entry *e;

	for (e = t->head; e != NULL; e = e->next)
		walk_entry(e, now, &sink);
}

/* The two flows of one connection, as ctconn_walk() lists them. */
static void
walk_entry(const struct ctconn_entry *e, uint32_t now, struct rec_sink *sink)
{
	struct ctconn_info ci;
	struct flow_key k[2];
	struct flow_rec r;
	int d;

	info_from_entry(e, &ci);
	ctconn_flow_keys(&ci, &k[0], &k[1]);
	for (d = 0; d < 2; d++) {
		memset(&r, 0, sizeof(r));
		r.key = k[d];
		r.packets = delta32(e->cur_pkts[d], e->done_pkts[d]);
		r.bytes = delta32(e->cur_bytes[d], e->done_bytes[d]);
		r.first = e->pstart;
		r.last = (int32_t)(now - e->pstart) < 0 ? e->pstart : now;
		rec_sink_put(sink, &r, now);
	}
}

static uint32_t
rev32(uint32_t v)
{
	v = ((v >> 1) & 0x55555555u) | ((v & 0x55555555u) << 1);
	v = ((v >> 2) & 0x33333333u) | ((v & 0x33333333u) << 2);
	v = ((v >> 4) & 0x0f0f0f0fu) | ((v & 0x0f0f0f0fu) << 4);
	v = ((v >> 8) & 0x00ff00ffu) | ((v & 0x00ff00ffu) << 8);
	return (v >> 16) | (v << 16);
}

/*
 * Buckets in bit-reversed order: when the bucket array doubles between two
 * calls, bucket b splits into b and b + n, and every bucket still to visit
 * in the old order maps onto buckets still to visit in the new one, so no
 * connection is listed twice or skipped because of the resize.  A bucket
 * is always visited whole, so max is exceeded by at most one chain.
 */
int
ctconn_walk_from(struct ctconn *t, uint32_t *cursor, uint32_t max,
    uint32_t now, ctconn_get_fn get, void *garg, struct rec_sink sink)
{
	uint32_t mask = t->nbuckets - 1, v = *cursor, n = 0;
	struct ctconn_entry *e;
	struct ctconn_info ci;

	while (n < max) {
		for (e = t->buckets[v & mask]; e != NULL; e = e->hnext, n++) {
			/* counters only: the entry stays where it is */
			if (get != NULL && get(garg, &e->key, &ci) == 0)
				refresh(e, &ci);
			walk_entry(e, now, &sink);
		}
		v |= ~mask;
		v = rev32(rev32(v) + 1);
		if (v == 0)
			return 1;
		n++;	/* an empty bucket costs a little too */
	}
	*cursor = v;
	return 0;
}

const struct ctconn_stats *
ctconn_stats(const struct ctconn *t)
{
	return &t->st;
}

size_t
ctconn_entry_size(void)
{
	return sizeof(struct ctconn_entry);
}
