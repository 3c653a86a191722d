/*
 * ctconn: the connection table of capture = conntrack.  See ctconn.h.
 *
 * Entries are 96 bytes, in slabs of CTCONN_SLAB entries that the table
 * keeps once made (a freed entry goes on a free list), named by 32-bit
 * indices: the hash chain and the period list link by index, not pointer.
 * Buckets are a power of two, doubled when the entries outnumber them
 * twice.  A doubly-linked list keeps the entries in the order they were
 * listed (inserted or last exported), so the active-timeout scan looks at
 * the head only.
 *
 * Counters: what was exported (done, 64-bit: conntrack's counters are)
 * and what is known beyond it (new, 32-bit: a flow record's counters are
 * 32-bit, so a delta that would not fit is exported at once, as the flow
 * table does with a counter that would wrap).  A DESTROY or a GET's
 * counters are exported straight from the message.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <netinet/in.h>

#include "input/addr6.h"
#include "input/ctconn.h"

#define CTCONN_SLAB_SHIFT	8	/* 256 entries, 24 KiB: little unused tail */
#define CTCONN_SLAB		(1u << CTCONN_SLAB_SHIFT)
#define CTCONN_MINBUCKETS	1024u
#define CTCONN_MAXBUCKETS	(1u << 26)
#define NIL			UINT32_MAX

struct ctconn_entry {
	/*
	 * What a lookup reads first, in the first 32 bytes: entries start
	 * at a multiple of 32 in 64-byte aligned slabs, so a hash chain
	 * step touches one cache line, not two.
	 */
	uint32_t src, dst;		/* IPv4 (network order) or addr6 ids */
	uint32_t id;			/* conntrack id */
	uint32_t hnext;			/* hash chain, or free list */
	uint16_t sport, dport;
	uint8_t proto, v6;
	uint16_t gen;			/* last resync generation that saw it */
	uint32_t rsrc;
	uint16_t rsport, rdport;
	uint64_t done_pkts[2], done_bytes[2];	/* exported; [0] original */
	uint32_t new_pkts[2], new_bytes[2];	/* known beyond done */
	uint32_t pstart;		/* uptime ms: start of the current period */
	uint32_t listed;		/* uptime ms: put at the list's tail */
	uint32_t prev, next;		/* period list */
};

_Static_assert(sizeof(struct ctconn_entry) == 96,
    "a connection entry is 96 bytes");

/* An entry's identity, as the table compares it. */
struct ckey {
	uint32_t src, dst, id;
	uint16_t sport, dport;
	uint8_t proto, v6;
};

struct ctconn {
	struct ctconn_entry **slab;
	uint32_t nslabs, slabcap;
	uint32_t used;			/* entries ever handed out */
	uint32_t freelist;
	uint32_t *buckets;
	uint32_t nbuckets;
	uint32_t maxconns;
	uint64_t seed;
	uint32_t head, tail;
	struct addr6 *a6;		/* addresses of IPv6 connections */
	struct rec_sink sink;
	struct ctconn_stats st;
};

static inline struct ctconn_entry *
E(const struct ctconn *t, uint32_t i)
{
	return &t->slab[i >> CTCONN_SLAB_SHIFT][i & (CTCONN_SLAB - 1)];
}

static uint32_t
key_hash(const struct ctconn *t, const struct ckey *k)
{
	uint64_t h = t->seed;

	h = (h ^ k->src) * 0x9e3779b185ebca87ULL;
	h = (h ^ (h >> 29) ^ k->dst) * 0x9e3779b185ebca87ULL;
	h = (h ^ (h >> 29) ^ ((uint64_t)k->sport << 16 | k->dport) ^
	    ((uint64_t)k->proto << 32) ^ ((uint64_t)k->v6 << 40)) *
	    0x9e3779b185ebca87ULL;
	h = (h ^ (h >> 29) ^ k->id) * 0xc2b2ae3d27d4eb4fULL;
	h ^= h >> 32;
	return (uint32_t)h;
}

static inline uint32_t *
bucket(const struct ctconn *t, const struct ckey *k)
{
	return &t->buckets[key_hash(t, k) & (t->nbuckets - 1)];
}

static void
entry_key(const struct ctconn_entry *e, struct ckey *k)
{
	k->src = e->src;
	k->dst = e->dst;
	k->id = e->id;
	k->sport = e->sport;
	k->dport = e->dport;
	k->proto = e->proto;
	k->v6 = e->v6;
}

static int
key_eq(const struct ctconn_entry *e, const struct ckey *k)
{
	return e->src == k->src && e->dst == k->dst && e->id == k->id &&
	    e->sport == k->sport && e->dport == k->dport &&
	    e->proto == k->proto && e->v6 == k->v6;
}

static int
resize(struct ctconn *t, uint32_t n)
{
	struct ctconn_entry *e;
	struct ckey k;
	uint32_t *b, i, *head;

	if ((b = malloc((size_t)n * sizeof(*b))) == NULL)
		return -1;
	for (i = 0; i < n; i++)
		b[i] = NIL;
	free(t->buckets);
	t->buckets = b;
	t->nbuckets = n;
	/* Every entry is on the period list. */
	for (i = t->head; i != NIL; i = e->next) {
		e = E(t, i);
		entry_key(e, &k);
		head = bucket(t, &k);
		e->hnext = *head;
		*head = i;
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
	t->head = t->tail = t->freelist = NIL;
	if ((t->a6 = addr6_new()) == NULL ||
	    resize(t, CTCONN_MINBUCKETS) < 0) {
		ctconn_free(t);
		return NULL;
	}
	return t;
}

void
ctconn_free(struct ctconn *t)
{
	uint32_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->nslabs; i++)
		free(t->slab[i]);
	free(t->slab);
	free(t->buckets);
	addr6_free(t->a6);
	free(t);
}

void
ctconn_set_max(struct ctconn *t, uint32_t maxconns)
{
	/* Tracked connections stay; new ones are refused until below. */
	t->maxconns = maxconns;
}

/* A free entry's index, or NIL (no memory). */
static uint32_t
entry_alloc(struct ctconn *t)
{
	struct ctconn_entry **s;
	uint32_t i;

	if ((i = t->freelist) != NIL) {
		t->freelist = E(t, i)->hnext;
		return i;
	}
	if (t->used == t->nslabs * CTCONN_SLAB) {
		if (t->nslabs == (NIL >> CTCONN_SLAB_SHIFT))
			return NIL;
		if (t->nslabs == t->slabcap) {
			if ((s = realloc(t->slab, (size_t)(t->slabcap ?
			    t->slabcap * 2 : 16) * sizeof(*s))) == NULL)
				return NIL;
			t->slab = s;
			t->slabcap = t->slabcap ? t->slabcap * 2 : 16;
		}
		if ((t->slab[t->nslabs] = aligned_alloc(64, CTCONN_SLAB *
		    sizeof(struct ctconn_entry))) == NULL)
			return NIL;
		t->nslabs++;
	}
	return t->used++;
}

/*
 * The table's key for k: IPv6 addresses become their ids.  0, or -1 when
 * an address is not in the table (then no connection has it).
 */
static int
find_key(const struct ctconn *t, const struct ctconn_key *k, struct ckey *o)
{
	o->id = k->id;
	o->sport = k->sport;
	o->dport = k->dport;
	o->proto = k->proto;
	o->v6 = k->v6;
	if (!k->v6) {
		o->src = k->src[0];
		o->dst = k->dst[0];
		return 0;
	}
	o->src = addr6_find(t->a6, (const uint8_t *)k->src);
	o->dst = addr6_find(t->a6, (const uint8_t *)k->dst);
	return o->src == ADDR6_NONE || o->dst == ADDR6_NONE ? -1 : 0;
}

static uint32_t
lookup(const struct ctconn *t, const struct ctconn_key *key)
{
	struct ckey k;
	uint32_t i;

	if (find_key(t, key, &k) < 0)
		return NIL;
	for (i = *bucket(t, &k); i != NIL; i = E(t, i)->hnext)
		if (key_eq(E(t, i), &k))
			return i;
	return NIL;
}

void
ctconn_prefetch(const struct ctconn *t, const struct ctconn_info *ci,
    unsigned stage)
{
	struct ckey k;
	uint32_t *b, i;

	if (ci->key.v6 || find_key(t, &ci->key, &k) < 0)
		return;
	b = bucket(t, &k);
	if (stage == 0)
		__builtin_prefetch(b);
	else if ((i = *b) != NIL)
		__builtin_prefetch(E(t, i));
}

static void
list_unlink(struct ctconn *t, struct ctconn_entry *e)
{
	if (e->prev != NIL)
		E(t, e->prev)->next = e->next;
	else
		t->head = e->next;
	if (e->next != NIL)
		E(t, e->next)->prev = e->prev;
	else
		t->tail = e->prev;
}

static void
list_append(struct ctconn *t, uint32_t i)
{
	struct ctconn_entry *e = E(t, i);

	e->next = NIL;
	e->prev = t->tail;
	if (t->tail != NIL)
		E(t, t->tail)->next = i;
	else
		t->head = i;
	t->tail = i;
}

static void
put_addrs(struct ctconn *t, const struct ctconn_entry *e)
{
	if (!e->v6)
		return;
	addr6_put(t->a6, e->src);
	addr6_put(t->a6, e->dst);
	addr6_put(t->a6, e->rsrc);
}

static void
remove_entry(struct ctconn *t, uint32_t i)
{
	struct ctconn_entry *e = E(t, i);
	struct ckey k;
	uint32_t *pp;

	entry_key(e, &k);
	for (pp = bucket(t, &k); *pp != NIL; pp = &E(t, *pp)->hnext)
		if (*pp == i) {
			*pp = e->hnext;
			break;
		}
	list_unlink(t, e);
	put_addrs(t, e);
	e->hnext = t->freelist;
	t->freelist = i;
	t->st.tracked--;
}

void
ctconn_flow_keys(const struct ctconn_info *ci, struct flow_key *orig,
    struct flow_key *reply, struct flow_v6 a[2])
{
	const struct ctconn_key *k = &ci->key;

	flow_key_clear(orig);
	flow_key_clear(reply);
	orig->proto = reply->proto = k->proto;
	if (k->v6) {
		orig->v6 = reply->v6 = 1;
		if (a != NULL) {
			memcpy(a[0].src, k->src, 16);
			memcpy(a[0].dst, ci->rsrc, 16);
			memcpy(a[1].src, ci->rsrc, 16);
			memcpy(a[1].dst, k->src, 16);
		}
	} else {
		orig->src = k->src[0];
		orig->dst = ci->rsrc[0];
		reply->src = ci->rsrc[0];
		reply->dst = k->src[0];
	}
	if (ctconn_is_icmp(k)) {
		/* as v5 has ICMP: no source port, type and code in dport */
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
emit(struct ctconn *t, const struct flow_key *key, const struct flow_v6 *a,
    uint64_t pkts, uint64_t bytes, uint32_t first, uint32_t last,
    uint32_t now)
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
		r.v6 = a;
		r.packets = (uint32_t)(pkts / n + (i < pkts % n));
		r.bytes = (uint32_t)(bytes / n + (i < bytes % n));
		r.first = first;
		r.last = last;
		t->st.records++;
		rec_sink_put(&t->sink, &r, now);
	}
}

/* The tuple of entry e, as an event would carry it. */
static void
info_from_entry(const struct ctconn *t, const struct ctconn_entry *e,
    struct ctconn_info *ci)
{
	memset(ci, 0, sizeof(*ci));
	ci->key.proto = e->proto;
	ci->key.v6 = e->v6;
	ci->key.id = e->id;
	ci->key.sport = e->sport;
	ci->key.dport = e->dport;
	ci->rsport = e->rsport;
	ci->rdport = e->rdport;
	if (e->v6) {
		memcpy(ci->key.src, addr6_get(t->a6, e->src), 16);
		memcpy(ci->key.dst, addr6_get(t->a6, e->dst), 16);
		memcpy(ci->rsrc, addr6_get(t->a6, e->rsrc), 16);
	} else {
		ci->key.src[0] = e->src;
		ci->key.dst[0] = e->dst;
		ci->rsrc[0] = e->rsrc;
	}
}

/*
 * The delta of direction d from counters (pkts, bytes) beyond what was
 * exported.  Counters only go backwards when someone zeroed them
 * (conntrack -L -z): the direction is then re-based on zero, so what it
 * counted since the reset is exported (what it counted between the last
 * export and the reset went to whoever zeroed it), instead of exporting
 * nothing until the counters pass their old values again.
 */
static void
delta(struct ctconn *t, struct ctconn_entry *e, int d, uint64_t pkts,
    uint64_t bytes, uint64_t *dp, uint64_t *db)
{
	if (pkts < e->done_pkts[d] || bytes < e->done_bytes[d]) {
		t->st.rebased++;
		e->done_pkts[d] = 0;
		e->done_bytes[d] = 0;
	}
	*dp = pkts - e->done_pkts[d];
	*db = bytes - e->done_bytes[d];
}

/*
 * Export e's deltas for the period that began at e->pstart and ends at
 * last: up to ci's counters if it has them, else up to the last known.
 */
static void
export_deltas(struct ctconn *t, struct ctconn_entry *e,
    const struct ctconn_info *ci, uint32_t last, uint32_t now)
{
	struct ctconn_info ei;
	struct flow_key k[2];
	struct flow_v6 a[2];
	uint64_t dp, db;
	int d;

	info_from_entry(t, e, &ei);
	ctconn_flow_keys(&ei, &k[0], &k[1], a);
	if ((int32_t)(last - e->pstart) < 0)
		last = e->pstart;
	for (d = 0; d < 2; d++) {
		if (ci != NULL && ci->has_counters)
			delta(t, e, d, ci->pkts[d], ci->bytes[d], &dp, &db);
		else {
			dp = e->new_pkts[d];
			db = e->new_bytes[d];
		}
		emit(t, &k[d], e->v6 ? &a[d] : NULL, dp, db, e->pstart, last,
		    now);
		e->done_pkts[d] += dp;
		e->done_bytes[d] += db;
		e->new_pkts[d] = e->new_bytes[d] = 0;
	}
}

static void
restart_period(struct ctconn *t, uint32_t i, uint32_t now)
{
	struct ctconn_entry *e = E(t, i);

	e->pstart = e->listed = now;
	list_unlink(t, e);
	list_append(t, i);
}

/*
 * Take ci's counters as the last known ones.  A delta that does not fit
 * 32 bits is exported at once (its period ends now).
 */
static void
take_counters(struct ctconn *t, uint32_t i, const struct ctconn_info *ci,
    uint32_t now)
{
	struct ctconn_entry *e = E(t, i);
	uint64_t dp[2], db[2];
	int d;

	if (!ci->has_counters)
		return;
	for (d = 0; d < 2; d++) {
		delta(t, e, d, ci->pkts[d], ci->bytes[d], &dp[d], &db[d]);
		if (dp[d] > UINT32_MAX || db[d] > UINT32_MAX) {
			export_deltas(t, e, ci, now, now);
			t->st.periodic++;
			restart_period(t, i, now);
			return;
		}
	}
	for (d = 0; d < 2; d++) {
		e->new_pkts[d] = (uint32_t)dp[d];
		e->new_bytes[d] = (uint32_t)db[d];
	}
}

static void
refresh(struct ctconn *t, uint32_t i, const struct ctconn_info *ci,
    uint32_t now)
{
	struct ctconn_entry *e = E(t, i);

	/*
	 * A NEW event carries no timestamp: a dump that does tells when the
	 * first period really began (if nothing was exported yet).
	 */
	if (ci->has_start && e->done_pkts[0] == 0 && e->done_pkts[1] == 0 &&
	    (int32_t)(ci->start - e->pstart) < 0)
		e->pstart = ci->start;
	take_counters(t, i, ci, now);
}

/* A new entry for ci, with its addresses held; NIL when out of memory. */
static uint32_t
insert(struct ctconn *t, const struct ctconn_info *ci, uint32_t now)
{
	const struct ctconn_key *k = &ci->key;
	struct ctconn_entry *e;
	uint32_t i, s = 0, d = 0, r = 0;

	if (k->v6) {
		s = addr6_hold(t->a6, (const uint8_t *)k->src);
		d = addr6_hold(t->a6, (const uint8_t *)k->dst);
		r = addr6_hold(t->a6, (const uint8_t *)ci->rsrc);
		if (s == ADDR6_NONE || d == ADDR6_NONE || r == ADDR6_NONE)
			goto fail;
	}
	if ((i = entry_alloc(t)) == NIL)
		goto fail;
	e = E(t, i);
	memset(e, 0, sizeof(*e));
	e->v6 = k->v6;
	e->src = k->v6 ? s : k->src[0];
	e->dst = k->v6 ? d : k->dst[0];
	e->rsrc = k->v6 ? r : ci->rsrc[0];
	e->id = k->id;
	e->sport = k->sport;
	e->dport = k->dport;
	e->proto = k->proto;
	e->rsport = ci->rsport;
	e->rdport = ctconn_is_icmp(k) ? ci->rdport : 0;
	e->pstart = ci->has_start ? ci->start : now;
	return i;
fail:
	if (k->v6) {
		if (s != ADDR6_NONE)
			addr6_put(t->a6, s);
		if (d != ADDR6_NONE)
			addr6_put(t->a6, d);
		if (r != ADDR6_NONE)
			addr6_put(t->a6, r);
	}
	return NIL;
}

int
ctconn_seen(struct ctconn *t, const struct ctconn_info *ci, uint32_t gen,
    uint32_t now)
{
	struct ctconn_entry *e;
	struct ckey k;
	uint32_t i, *head;

	if ((i = lookup(t, &ci->key)) != NIL) {
		E(t, i)->gen = (uint16_t)gen;
		refresh(t, i, ci, now);
		return CTCONN_FOUND;
	}
	if ((t->maxconns != 0 && t->st.tracked >= t->maxconns) ||
	    (i = insert(t, ci, now)) == NIL) {
		t->st.dropped++;
		return CTCONN_DROP;
	}
	e = E(t, i);
	e->gen = (uint16_t)gen;
	entry_key(e, &k);
	head = bucket(t, &k);
	e->hnext = *head;
	*head = i;
	/*
	 * The list is ordered by when an entry was listed, not by pstart: a
	 * dump hands over old connections in hash order, and appending keeps
	 * insertion O(1).  An old connection found by a dump thus gets its
	 * first active-timeout export active_timeout after it was found.
	 */
	e->listed = now;
	list_append(t, i);
	t->st.inserted++;
	if (++t->st.tracked > t->st.peak)
		t->st.peak = t->st.tracked;
	take_counters(t, i, ci, now);
	if (t->st.tracked > 2 * t->nbuckets && t->nbuckets < CTCONN_MAXBUCKETS)
		resize(t, t->nbuckets * 2);	/* on failure: longer chains */
	return CTCONN_NEW;
}

int
ctconn_update(struct ctconn *t, const struct ctconn_info *ci, uint32_t now)
{
	uint32_t i;

	if ((i = lookup(t, &ci->key)) == NIL)
		return 0;
	refresh(t, i, ci, now);
	return 1;
}

int
ctconn_destroy(struct ctconn *t, const struct ctconn_info *ci, uint32_t now)
{
	uint32_t i;

	if ((i = lookup(t, &ci->key)) == NIL)
		return 0;
	export_deltas(t, E(t, i), ci, ci->has_stop ? ci->stop : now, now);
	remove_entry(t, i);
	t->st.destroyed++;
	return 1;
}

void
ctconn_export_whole(struct ctconn *t, const struct ctconn_info *ci,
    uint32_t now)
{
	struct flow_key k[2];
	struct flow_v6 a[2];
	uint32_t first = ci->has_start ? ci->start : now;
	uint32_t last = ci->has_stop ? ci->stop : now;
	int d;

	if (!ci->has_counters)
		return;
	if ((int32_t)(last - first) < 0)
		last = first;
	ctconn_flow_keys(ci, &k[0], &k[1], a);
	for (d = 0; d < 2; d++)
		emit(t, &k[d], ci->key.v6 ? &a[d] : NULL, ci->pkts[d],
		    ci->bytes[d], first, last, now);
	t->st.untracked++;
}

int
ctconn_due(const struct ctconn *t, uint32_t now, uint32_t active_ms,
    struct ctconn_key *key)
{
	struct ctconn_info ci;
	const struct ctconn_entry *e;

	if (t->head == NIL)
		return 0;
	e = E(t, t->head);
	if ((int32_t)(now - e->listed) < (int32_t)active_ms)
		return 0;
	info_from_entry(t, e, &ci);
	*key = ci.key;
	return 1;
}

uint32_t
ctconn_next_due(const struct ctconn *t, uint32_t now, uint32_t active_ms)
{
	int32_t age;

	if (t->head == NIL)
		return UINT32_MAX;
	age = (int32_t)(now - E(t, t->head)->listed);
	return age >= (int32_t)active_ms ? 0 : (uint32_t)((int32_t)active_ms - age);
}

int
ctconn_export_period(struct ctconn *t, const struct ctconn_info *ci,
    uint32_t now)
{
	uint32_t i;

	if ((i = lookup(t, &ci->key)) == NIL)
		return 0;
	export_deltas(t, E(t, i), ci, now, now);
	restart_period(t, i, now);
	t->st.periodic++;
	return 1;
}

int
ctconn_postpone(struct ctconn *t, const struct ctconn_key *key, uint32_t now)
{
	uint32_t i;

	if ((i = lookup(t, key)) == NIL)
		return 0;
	/* Its DESTROY (or the next period) will carry the counters. */
	E(t, i)->listed = now;
	list_unlink(t, E(t, i));
	list_append(t, i);
	return 1;
}

uint32_t
ctconn_sweep(struct ctconn *t, uint32_t gen, uint32_t now)
{
	struct ctconn_entry *e;
	uint32_t i, n, cnt = 0;

	for (i = t->head; i != NIL; i = n) {
		e = E(t, i);
		n = e->next;
		if (e->gen == (uint16_t)gen)
			continue;
		export_deltas(t, e, NULL, now, now);
		remove_entry(t, i);
		t->st.swept++;
		cnt++;
	}
	return cnt;
}

uint32_t
ctconn_flush(struct ctconn *t, uint32_t now)
{
	uint32_t i, n, last = t->tail, cnt = 0;

	/* restart_period moves entries to the tail: stop after the old tail */
	for (i = t->head; i != NIL; i = n) {
		n = E(t, i)->next;
		export_deltas(t, E(t, i), NULL, now, now);
		restart_period(t, i, now);
		cnt++;
		if (i == last)
			break;
	}
	return cnt;
}

static void walk_entry(const struct ctconn *t, const struct ctconn_entry *e,
    uint32_t now, struct rec_sink *sink);

void
ctconn_walk(const struct ctconn *t, uint32_t now, struct rec_sink sink)
{
	uint32_t i;

	for (i = t->head; i != NIL; i = E(t, i)->next)
		walk_entry(t, E(t, i), now, &sink);
}

/* The two flows of one connection, as ctconn_walk() lists them. */
static void
walk_entry(const struct ctconn *t, const struct ctconn_entry *e,
    uint32_t now, struct rec_sink *sink)
{
	struct ctconn_info ci;
	struct flow_key k[2];
	struct flow_v6 a[2];
	struct flow_rec r;
	int d;

	info_from_entry(t, e, &ci);
	ctconn_flow_keys(&ci, &k[0], &k[1], a);
	for (d = 0; d < 2; d++) {
		memset(&r, 0, sizeof(r));
		r.key = k[d];
		r.v6 = e->v6 ? &a[d] : NULL;
		r.packets = e->new_pkts[d];
		r.bytes = e->new_bytes[d];
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
	uint32_t mask = t->nbuckets - 1, v = *cursor, n = 0, i;
	struct ctconn_info ei, ci;

	while (n < max) {
		for (i = t->buckets[v & mask]; i != NIL; i = E(t, i)->hnext,
		    n++) {
			/*
			 * New counters keep the entry in its hash chain (a
			 * delta too wide for 32 bits is exported and moves it
			 * on the period list only).
			 */
			info_from_entry(t, E(t, i), &ei);
			if (get != NULL && get(garg, &ei.key, &ci) == 0)
				refresh(t, i, &ci, now);
			walk_entry(t, E(t, i), now, &sink);
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

size_t
ctconn_memory(const struct ctconn *t)
{
	return (size_t)t->nslabs * CTCONN_SLAB * sizeof(struct ctconn_entry) +
	    (size_t)t->slabcap * sizeof(*t->slab) +
	    (size_t)t->nbuckets * sizeof(*t->buckets) + addr6_memory(t->a6);
}
