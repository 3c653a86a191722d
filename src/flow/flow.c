/*
 * flow: the flow table.  See flow.h.
 *
 * Layout.  Entries live in slabs of FT_SLAB = 4096 entries (allocated
 * when the previous ones are full, never per packet) and are named by a
 * 32-bit index: bit 31 picks the pool (0 IPv4, 1 IPv6), then slab =
 * idx >> FT_SLAB_SHIFT, slot = idx & (FT_SLAB - 1).  Indices instead of
 * pointers keep an IPv4 entry at 64 bytes, one cache line:
 *
 *	key 20, ifout 4, packets 4, bytes 4, first 4, last 4,
 *	hash chain next 4, wheel slot prev/next 8, active list prev/next 8,
 *	tcp_flags, src_mask, dst_mask, closing: 4	= 64 bytes
 *
 * An IPv6 entry is the same 64 bytes with 24 more in front: its key's src
 * and dst hold the last 4 bytes of each address, the 24 bytes in front the
 * first 12 of each (struct ft_entry6, 88 bytes, in slabs of its own, so an
 * IPv4 entry pays nothing for IPv6).  The addresses used to be interned in
 * a shared table (24 bytes per distinct address plus its buckets, named by
 * ids in the key): 69 bytes per flow when a few hosts talk, but 127 when
 * every flow has its own pair.  Inline, every IPv6 flow costs 88 + bucket,
 * whatever its addresses, and a lookup has no address lookups in front.
 *
 * Huge pages were tried and left out: slabs of 2 MiB mapped at a 2 MiB
 * boundary with MADV_HUGEPAGE (THP "madvise"), buckets likewise, measured
 * 10.4-11.1 M updates/s at 1,000,000 flows in batches against 9.8-11.2
 * without, interleaved runs on this (virtual) machine: no gain above the
 * noise, while the first slab of even a small table would have cost a
 * 2 MiB page and the coarser slabs more unused tail.
 *
 * Buckets are 6 bytes: the chain head and two 8-bit filters (struct
 * ft_bucket).  With the automatic hash size there are between one half
 * and one bucket per flow once past 4096 flows.  A million flows cost:
 * IPv4 64.2 (entries, the last slab's tail included) + 6.3 (buckets) =
 * 70.5 bytes each; IPv6 88.3 + 6.3 = 94.6; plus the wheel (a few hundred
 * bytes at usual timeouts).
 *
 * Lookup.  A keyed hash over the whole key (see ft_hash: the 5-tuple picks
 * a window of FT_TWIN = 16 buckets, ifin and tos a bucket in it), seeded
 * from getrandom() at ft_new, so nobody outside can aim at one chain.  It
 * is reduced with the multiply-shift trick, which works for any bucket
 * count, not only powers of two: the administrator's hashsize is used as
 * given.  Each bucket keeps one filter bit per entry of its chain from the
 * whole-key hash (kfp): a lookup whose bit is clear knows the chain does
 * not hold its flow without touching a foreign entry (a new flow in an
 * occupied bucket, 7 times in 8 with a one-entry chain).  The other filter
 * (tfp) does the same per 5-tuple for ft_export_tuple() and the TCP
 * reverse lookup, which scan the window.  Removing an entry rebuilds its
 * bucket's filters from the rest of the chain (a chain is about one entry).
 *
 * Per packet, an update touches the bucket and the entry and nothing
 * else: at 100,000 flows and more every other line it touched (list
 * neighbours) was one more cache miss, and those misses were most of the
 * cost of a packet.  ft_update_batch() takes the daemon's packets 32 at a
 * time: it hashes them all and prefetches their buckets, then prefetches
 * the head entries the filters let through, then updates them one by one
 * as ft_update_n() does, so the misses of 32 packets overlap instead of
 * following each other.  Cachegrind ignores prefetches, so it counts the
 * same misses per update either way (about 3.6 D1 misses, the benchmark's
 * own key read included); what the overlap buys is time: bench-flow
 * measured 3-4 M updates/s one by one at 1,000,000 flows and about 10 M
 * in batches (a busy shared machine; README).
 *
 * Active timeout.  An intrusive doubly-linked list threads every live entry
 * in order of first packet: new flows are appended, a flow restarted by a
 * split goes to the tail, nothing moves per packet.  ft_expire() stops at
 * the first head that has not timed out.
 *
 * Inactive timeout: a lazy timer wheel.  A ring of W slots (W a power of
 * two) of FT_WGRAN = 256 ms each; slot s holds the entries whose queued due
 * time (last + inactive, when they were queued) falls in it, on a
 * doubly-linked list (so any flow can leave in O(1)).  A packet only moves
 * e->last forward; the entry stays where it is, so its queued due time is a
 * lower bound of its real one.  ft_expire() visits the slots from wcur (the
 * first slot not yet fully passed) up to the one holding "now"; for each
 * entry there it either exports it (real last + inactive <= now) or
 * re-queues it at its real due time.  An entry is thus looked at about once
 * per inactive period in which it saw packets, plus once when it expires:
 * work proportional to what expires or was active, never per packet, and
 * never a walk of the table.  The slot holding "now" is visited partially
 * (only its entries already due leave; the others stay for the next call),
 * so the export is exact to the ms of the ft_expire() call, not to the
 * slot: a flow leaves at the first ft_expire() at or after last + inactive.
 * Visiting that slot again on each tick costs at most FT_WGRAN / tick + 1
 * looks per entry.
 *
 * W covers the inactive timeout plus a little (W = 2^k >= timeout / 256 ms
 * + 3, at least 16, at most 65536 slots = 16777 s).  A due time beyond the
 * last slot is queued there (a lower bound still) and re-queued when that
 * slot comes: with timeouts above 4.6 hours an idle entry is looked at once
 * per 4.6 hours, and the ring stays at most 256 KiB.  A due time already
 * passed (a packet stamped before the last ft_expire()) is queued in the
 * current slot, which the next ft_expire() always visits.
 *
 * Slot heads live in ft->wheel[]; an entry's wheel prev names either the
 * previous entry or, for the first entry of a list, the slot itself, as
 * FT_WREF + slot (indices from FT_WREF up are never given to entries).
 * wheel[W] is a scratch list used while a slot is visited, so the table
 * stays consistent while export callbacks run.
 *
 * Live timeout changes: a shorter inactive timeout or a different ring size
 * re-queues every flow at once (O(flows), on a reload only), so no flow
 * waits longer than the new timeout; a longer one needs nothing, as queued
 * due times stay lower bounds.  If ft_expire() was not called for about a
 * ring's span (or the clock jumped), it re-queues every flow relative to
 * "now" instead of stepping through each slot.
 *
 * Time.  Uptime ms wraps after 49.7 days; every comparison is on the
 * difference of two uint32_t times, read as signed, so wrapping is harmless
 * as long as timeouts stay below 2^31 ms (the maximum, 86400 s, is 8.6e7).
 * A time a little in the past (a batched packet) never counts as negative
 * age and never moves first later or last earlier.
 *
 * TCP ends (ft_set_tcp_close).  An entry whose connection closed by its
 * flags is marked (e->closing) and re-queued at its shorter due time; its
 * idle limit is then close_ms.  Only the flag moves: the lazy wheel stays
 * a lower bound as before.  Finding the reverse direction costs one bucket
 * walk, only for a FIN or RST that marks a flow, never per packet.
 *
 * Automatic hash size.  The table starts at FT_AUTO_MIN = 4096 buckets
 * (16 KiB, which stays in cache for a table of a few thousand flows; the
 * former start at memory / 64 KiB gave 1 MiB of mostly empty buckets, and a
 * cache miss on the bucket was most of the cost of a packet).  While
 * hashsize is automatic, the table doubles its buckets (rehash) whenever the
 * active flows outnumber them, up to 2^30 buckets, so chains stay about one
 * entry long.  A size set by the administrator is used as given and never
 * changed by the table.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "flow/flow.h"

#define FT_SLAB_SHIFT	12
#define FT_SLAB		(1u << FT_SLAB_SHIFT)
#define FT_NIL		UINT32_MAX
/* Indices with this bit set name IPv6 entries (pool 1). */
#define FT_V6BIT	0x80000000u

/* Timer wheel: slot granularity (a power of two, so slots follow the wrap). */
#define FT_WSHIFT	8
#define FT_WGRAN	(1u << FT_WSHIFT)
#define FT_WMIN		16u
#define FT_WMAX		(1u << 16)
/* Wheel links from FT_WREF up name a slot head (slot W is the scratch list). */
#define FT_WREF		(FT_NIL - FT_WMAX - 1)
/* Entries per pool: IPv6 indices (FT_V6BIT + n) stay below FT_WREF. */
#define FT_POOLMAX	(FT_WREF - FT_V6BIT - FT_SLAB)
/* aprev of an entry on a free list: no index, so ft_walk_from skips it. */
#define FT_FREE		(FT_NIL - 1)

#define FT_AUTO_MIN	4096u
#define FT_AUTO_MAX	(1u << 30)

/* The flows of one 5-tuple sit in a window of FT_TWIN buckets. */
#define FT_TWIN_SHIFT	4
#define FT_TWIN		(1u << FT_TWIN_SHIFT)

/* Packets per round of ft_update_batch() (its arrays are on the stack). */
#define FT_BATCH	32

struct ft_entry {
	struct flow_key key;
	uint32_t ifout;
	uint32_t packets;
	uint32_t bytes;
	uint32_t first;
	uint32_t last;
	uint32_t hnext;			/* hash chain, or free list */
	uint32_t wprev, wnext;		/* wheel slot list */
	uint32_t aprev, anext;		/* active list, by first */
	uint8_t tcp_flags;
	uint8_t src_mask;
	uint8_t dst_mask;
	uint8_t closing;		/* TCP closed by its flags */
};

/*
 * An IPv6 entry: the first 12 bytes of its source and destination in
 * front of an ordinary entry, whose key.src and key.dst hold the last 4
 * of each.  The table only ever points at the ordinary part.
 */
#define FT_HI	24
struct ft_entry6 {
	uint8_t hi[FT_HI];		/* src[0..12), dst[0..12) */
	struct ft_entry e;
};

_Static_assert(sizeof(struct ft_entry) == 64, "flow entry is one cache line");
_Static_assert(sizeof(struct ft_entry6) == 88, "IPv6 entry is 88 bytes");
_Static_assert(sizeof(struct flow_key) == 20, "flow key is 20 bytes");

/*
 * A bucket: the chain head and two 8-bit Bloom filters over the chain,
 * one bit per entry from its whole-key hash (kfp: a lookup whose bit is
 * clear skips the chain) and one from its 5-tuple hash (tfp: for
 * ft_export_tuple and the TCP reverse lookup).  Packed: 6 bytes.
 */
struct ft_bucket {
	uint32_t head;
	uint8_t kfp;
	uint8_t tfp;
} __attribute__((packed));

_Static_assert(sizeof(struct ft_bucket) == 6, "bucket is 6 bytes");

/* Entries of one size: pool 0 IPv4 (64 bytes), pool 1 IPv6 (88). */
struct ft_pool {
	uint8_t **slabs;
	uint32_t nslabs, slabcap;	/* slabs allocated, room in slabs[] */
	uint32_t used;			/* entries ever handed out (bump) */
	uint32_t freelist;
	uint32_t esize;			/* bytes per entry */
};

/* What is looked up: a key, and for IPv6 the rest of its addresses. */
struct ft_lkey {
	struct flow_key k;
	uint8_t hi[FT_HI];		/* IPv6 only, as in struct ft_entry6 */
};

/* The hash of a key: win from the 5-tuple, full from the whole key. */
struct ft_hv {
	uint32_t win, full;
};

struct ft_list {
	uint32_t head, tail;
};

struct ft {
	struct ft_bucket *buckets;
	uint32_t nbuckets;
	int autosize;			/* hashsize 0: grow as the table fills */
	uint32_t grow_at;		/* auto: try to grow above this many flows */

	struct ft_pool pool[2];

	struct ft_list act;		/* by first: active timeout */

	uint32_t *wheel;		/* wslots slot heads + a scratch head */
	uint32_t wslots;		/* W, a power of two */
	uint32_t wcur;			/* start (ms) of the first slot not passed */

	uint32_t maxflows;
	uint32_t active_ms, inactive_ms;
	uint32_t close_ms;		/* TCP ends from the flags; 0 = off */
	uint64_t seed[4];

	struct rec_sink sink;

	struct ft_stats st;
};

/* --- hashing ------------------------------------------------------------ */

#define P1 0x9e3779b185ebca87ULL
#define P2 0xc2b2ae3d27d4eb4fULL
#define P3 0x165667b19e3779f9ULL

static inline uint64_t
rotl64(uint64_t x, int r)
{
	return (x << r) | (x >> (64 - r));
}

static inline uint64_t
load64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline uint32_t
load32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline uint64_t
avalanche(uint64_t h)
{
	h ^= h >> 33;
	h *= P2;
	h ^= h >> 29;
	h *= P3;
	h ^= h >> 32;
	return h;
}

/*
 * A keyed hash of the whole key, in two steps.  First the 5-tuple (src,
 * dst, sport, dport, proto; an IPv6 key's full addresses): three keyed
 * lanes of multiply/rotate mixing folded together, then a full
 * avalanche.  That gives win.  Then ifin and tos are mixed into it, with
 * the fourth seed and one multiply (h is already keyed and mixed; the
 * high half of the product, which is all that is used, depends on every
 * bit of ifin and tos): that gives full.
 *
 * The bucket of a key is the window that win picks (FT_TWIN consecutive
 * buckets) plus an offset in it taken from full.  So the flows that
 * differ only in ifin or tos (256 ToS values of one 5-tuple) spread over
 * FT_TWIN chains instead of sharing one, while ft_export_tuple(), which
 * knows only the 5-tuple (conntrack knows a connection by nothing else),
 * still finds every one of them in one window: FT_TWIN bucket heads, a
 * few cache lines side by side, whose tuple filters (tfp) leave out
 * almost every chain that holds none.  That costs no byte per flow,
 * which a second index by 5-tuple would (a link in every entry).
 * All seeds come from getrandom() at ft_new, so nobody outside can aim
 * at one chain.
 */
static inline struct ft_hv
ft_hash(const struct ft *ft, const struct flow_key *k, const uint8_t *hi)
{
	const uint8_t *b = (const uint8_t *)k;
	uint64_t a, c, d, h, f;
	struct ft_hv hv;

	a = (load64(b + offsetof(struct flow_key, src)) ^ ft->seed[0]) * P1;
	c = ((uint64_t)load32(b + offsetof(struct flow_key, sport)) ^
	    ft->seed[1]) * P2;
	d = ((uint64_t)(k->proto | k->v6 << 8) ^ ft->seed[2]) * P3;
	if (k->v6) {
		a ^= rotl64((load64(hi) ^ ft->seed[1]) * P3, 23);
		c ^= rotl64((load64(hi + 8) ^ ft->seed[2]) * P1, 41);
		d ^= rotl64((load64(hi + 16) ^ ft->seed[0]) * P2, 7);
	}
	h = avalanche(rotl64(a, 31) ^ rotl64(c, 17) ^ d);
	f = ((h ^ ft->seed[3]) + ((uint64_t)k->ifin << 8 | k->tos) * P1) * P2;
	hv.win = (uint32_t)(h >> 32);
	hv.full = (uint32_t)(f >> 32);
	return hv;
}

/* Map a 32-bit hash onto [0, n) without a division. */
static inline uint32_t
ft_bucket(uint32_t h, uint32_t n)
{
	return (uint32_t)(((uint64_t)h * n) >> 32);
}

/* Bucket w of the window starting at bucket g, of n (wrapping round). */
static inline uint32_t
win_at(uint32_t g, uint32_t w, uint32_t n)
{
	uint32_t b = g + w;

	return b < n ? b : (b - n) % n;
}

/* The bucket of a key among n. */
static inline uint32_t
ft_bidx(struct ft_hv hv, uint32_t n)
{
	return win_at(ft_bucket(hv.win, n), hv.full >> (32 - FT_TWIN_SHIFT), n);
}

/* Its bits in the bucket filters (from bits the bucket index leaves). */
static inline uint8_t
kbit(struct ft_hv hv)
{
	return (uint8_t)(1u << (hv.full & 7));
}

static inline uint8_t
tbit(struct ft_hv hv)
{
	return (uint8_t)(1u << (hv.win & 7));
}

static inline int
key_eq(const struct flow_key *a, const struct flow_key *b)
{
	const uint8_t *x = (const uint8_t *)a, *y = (const uint8_t *)b;

	return ((load64(x) ^ load64(y)) | (load64(x + 8) ^ load64(y + 8)) |
	    (uint64_t)(load32(x + 16) ^ load32(y + 16))) == 0;
}

static void
ft_seed(struct ft *ft)
{
	struct timespec ts;

	if (getrandom(ft->seed, sizeof(ft->seed), GRND_NONBLOCK) ==
	    (ssize_t)sizeof(ft->seed))
		return;
	/* No entropy yet (early boot): weaker, but still not predictable. */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	ft->seed[0] = (uint64_t)ts.tv_nsec * P1 ^ (uint64_t)getpid();
	ft->seed[1] = (uint64_t)ts.tv_sec * P2 ^ (uint64_t)(uintptr_t)ft;
	ft->seed[2] = rotl64(ft->seed[0] ^ ft->seed[1], 29) * P3;
	ft->seed[3] = rotl64(ft->seed[2] ^ ft->seed[0], 43) * P1;
}

/* --- time ------------------------------------------------------------- */

/* ms elapsed from t to now; a t in the future counts as 0. */
static inline uint32_t
age(uint32_t now, uint32_t t)
{
	int32_t d = (int32_t)(now - t);

	return d > 0 ? (uint32_t)d : 0;
}

static inline int
before(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}

/* --- entries and lists ------------------------------------------------ */

/* IPv4 first: no multiply by an entry size read from memory. */
static inline struct ft_entry *
E(const struct ft *ft, uint32_t i)
{
	uint32_t j = i & ~FT_V6BIT;

	if (!(i & FT_V6BIT))
		return (struct ft_entry *)ft->pool[0].slabs[j >> FT_SLAB_SHIFT]
		    + (j & (FT_SLAB - 1));
	return &((struct ft_entry6 *)ft->pool[1].slabs[j >> FT_SLAB_SHIFT] +
	    (j & (FT_SLAB - 1)))->e;
}

/* The address bytes in front of IPv6 entry e. */
static inline const uint8_t *
entry_hi(const struct ft_entry *e)
{
	return (const uint8_t *)e - FT_HI;
}

static inline struct ft_hv
entry_hv(const struct ft *ft, const struct ft_entry *e)
{
	return ft_hash(ft, &e->key, e->key.v6 ? entry_hi(e) : NULL);
}

/* Is e the flow of lk? */
static inline int
entry_is(const struct ft_entry *e, const struct ft_lkey *lk)
{
	return key_eq(&e->key, &lk->k) &&
	    (!lk->k.v6 || memcmp(entry_hi(e), lk->hi, FT_HI) == 0);
}

/* Is e a flow of lk's 5-tuple (whatever its ifin and tos)? */
static inline int
entry_tuple_is(const struct ft_entry *e, const struct ft_lkey *lk)
{
	const struct flow_key *a = &e->key, *b = &lk->k;

	return a->src == b->src && a->dst == b->dst && a->sport == b->sport &&
	    a->dport == b->dport && a->proto == b->proto && a->v6 == b->v6 &&
	    (!b->v6 || memcmp(entry_hi(e), lk->hi, FT_HI) == 0);
}

/* How long entry e may stay without packets. */
static inline uint32_t
idle_ms(const struct ft *ft, const struct ft_entry *e)
{
	return e->closing && ft->close_ms && ft->close_ms < ft->inactive_ms ?
	    ft->close_ms : ft->inactive_ms;
}

/* The active list (by first packet). */
static inline void
list_append(struct ft *ft, struct ft_list *l, uint32_t i)
{
	struct ft_entry *e = E(ft, i);

	e->aprev = l->tail;
	e->anext = FT_NIL;
	if (l->tail != FT_NIL)
		E(ft, l->tail)->anext = i;
	else
		l->head = i;
	l->tail = i;
}

static inline void
list_unlink(struct ft *ft, struct ft_list *l, uint32_t i)
{
	struct ft_entry *e = E(ft, i);
	uint32_t p = e->aprev, n = e->anext;

	if (p != FT_NIL)
		E(ft, p)->anext = n;
	else
		l->head = n;
	if (n != FT_NIL)
		E(ft, n)->aprev = p;
	else
		l->tail = p;
}

static inline void
list_to_tail(struct ft *ft, struct ft_list *l, uint32_t i)
{
	if (l->tail == i)
		return;
	list_unlink(ft, l, i);
	list_append(ft, l, i);
}

/* --- timer wheel (inactive timeout) ------------------------------------ */

/* Slots for an inactive timeout: see the top of the file. */
static uint32_t
wheel_size(uint32_t inactive_ms)
{
	uint32_t want = inactive_ms / FT_WGRAN + 3, n = FT_WMIN;

	while (n < want && n < FT_WMAX)
		n *= 2;
	return n;
}

/* Ring index of the slot holding time t. */
static inline uint32_t
wslot(const struct ft *ft, uint32_t t)
{
	return (t >> FT_WSHIFT) & (ft->wslots - 1);
}

/*
 * Where a due time is queued: itself if the ring covers it, else the
 * nearest end of the ring (the current slot for a time already passed,
 * which the next ft_expire() visits; the last slot for one beyond the
 * ring, a lower bound that is re-queued when reached).
 */
static inline uint32_t
wheel_when(const struct ft *ft, uint32_t due)
{
	uint32_t span = (ft->wslots - 1) << FT_WSHIFT;

	if (before(due, ft->wcur))
		return ft->wcur;
	if (due - ft->wcur > span)
		return ft->wcur + span;
	return due;
}

static inline void
wheel_insert(struct ft *ft, uint32_t r, uint32_t i)
{
	struct ft_entry *e = E(ft, i);
	uint32_t h = ft->wheel[r];

	e->wprev = FT_WREF + r;
	e->wnext = h;
	if (h != FT_NIL)
		E(ft, h)->wprev = i;
	ft->wheel[r] = i;
}

static inline void
wheel_unlink(struct ft *ft, uint32_t i)
{
	struct ft_entry *e = E(ft, i);
	uint32_t p = e->wprev, n = e->wnext;

	if (p >= FT_WREF)
		ft->wheel[p - FT_WREF] = n;
	else
		E(ft, p)->wnext = n;
	if (n != FT_NIL)
		E(ft, n)->wprev = p;
}

/* Queue entry i (on no wheel list) at its real due time. */
static inline void
wheel_queue(struct ft *ft, uint32_t i)
{
	uint32_t due = E(ft, i)->last + idle_ms(ft, E(ft, i));

	wheel_insert(ft, wslot(ft, wheel_when(ft, due)), i);
}

/*
 * Re-queue every flow at its real due time, with the ring starting at the
 * slot of t.  Every live flow is on the active list, so the wheel lists
 * themselves need not be walked.
 */
static void
wheel_rebuild(struct ft *ft, uint32_t t)
{
	uint32_t i;

	memset(ft->wheel, 0xff, ((size_t)ft->wslots + 1) * sizeof(*ft->wheel));
	ft->wcur = t & ~(FT_WGRAN - 1);
	for (i = ft->act.head; i != FT_NIL; i = E(ft, i)->anext)
		wheel_queue(ft, i);
}

/*
 * A free entry of pool v6: reuse one from the free list, else the next
 * never-used slot, else a new slab.  Only the last case allocates.
 */
static uint32_t
entry_alloc(struct ft *ft, int v6)
{
	struct ft_pool *p = &ft->pool[v6 ? 1 : 0];
	uint32_t tag = v6 ? FT_V6BIT : 0, i, cap;
	uint8_t **s;

	if ((i = p->freelist) != FT_NIL) {
		p->freelist = E(ft, i)->hnext;
		return i;
	}
	if (p->used < p->nslabs * FT_SLAB)
		return tag | p->used++;
	if (p->used >= FT_POOLMAX)
		return FT_NIL;
	if (p->nslabs == p->slabcap) {
		cap = p->slabcap ? p->slabcap * 2 : 16;
		if ((s = realloc(p->slabs, cap * sizeof(*s))) == NULL)
			return FT_NIL;
		p->slabs = s;
		p->slabcap = cap;
	}
	/* Cache-line aligned, so a 64-byte entry never straddles two lines. */
	s = &p->slabs[p->nslabs];
	if ((*s = aligned_alloc(64, (size_t)FT_SLAB * p->esize)) == NULL)
		return FT_NIL;
	p->nslabs++;
	return tag | p->used++;
}

static inline void
entry_free(struct ft *ft, uint32_t i)
{
	struct ft_pool *p = &ft->pool[i >> 31];

	E(ft, i)->hnext = p->freelist;
	E(ft, i)->aprev = FT_FREE;
	p->freelist = i;
}

/* Give every slab back; only valid when no flow is live. */
static void
slabs_release(struct ft *ft)
{
	struct ft_pool *p;
	uint32_t n, k;

	for (k = 0; k < 2; k++) {
		p = &ft->pool[k];
		for (n = 0; n < p->nslabs; n++)
			free(p->slabs[n]);
		p->nslabs = 0;
		p->used = 0;
		p->freelist = FT_NIL;
	}
}

/* Rebuild the filters of bucket b from what its chain holds now. */
static void
bucket_refilter(const struct ft *ft, struct ft_bucket *b)
{
	const struct ft_entry *e;
	struct ft_hv hv;
	uint8_t kf = 0, tf = 0;
	uint32_t i;

	for (i = b->head; i != FT_NIL; i = e->hnext) {
		e = E(ft, i);
		hv = entry_hv(ft, e);
		kf |= kbit(hv);
		tf |= tbit(hv);
	}
	b->kfp = kf;
	b->tfp = tf;
}

/* Link entry i into its bucket among b[0..n). */
static inline void
bucket_link(const struct ft *ft, struct ft_bucket *b, uint32_t n,
    uint32_t i)
{
	struct ft_entry *e = E(ft, i);
	struct ft_hv hv = entry_hv(ft, e);
	struct ft_bucket *bk = &b[ft_bidx(hv, n)];

	e->hnext = bk->head;
	bk->head = i;
	bk->kfp |= kbit(hv);
	bk->tfp |= tbit(hv);
}

static void
hash_unlink(struct ft *ft, uint32_t i)
{
	struct ft_entry *e = E(ft, i);
	struct ft_bucket *b = &ft->buckets[ft_bidx(entry_hv(ft, e),
	    ft->nbuckets)];
	uint32_t p;

	if (b->head == i)
		b->head = e->hnext;
	else {
		for (p = b->head; E(ft, p)->hnext != i; p = E(ft, p)->hnext)
			;
		E(ft, p)->hnext = e->hnext;
	}
	/* Removals only (expiry, exports), never per packet. */
	bucket_refilter(ft, b);
}

/* --- export ----------------------------------------------------------- */

/*
 * The flowEndReason of an export (IPFIX, IE 136).  A connection's end seen
 * by conntrack comes through ft_export_key/tuple as FT_EXP_FORCED too, and
 * is told apart by the caller (end_eof).
 */
static uint8_t
end_reason(enum ft_reason why, int end_eof)
{
	if (end_eof)
		return REC_END_EOF;
	switch (why) {
	case FT_EXP_INACTIVE:
		return REC_END_IDLE;
	case FT_EXP_ACTIVE:
	case FT_EXP_OVERFLOW:
		return REC_END_ACTIVE;
	default:
		return REC_END_FORCED;
	}
}

/* The record of entry e; an IPv6 one gets its addresses in *v6. */
static void
entry_to_rec(const struct ft_entry *e, struct flow_rec *r,
    struct flow_v6 *v6)
{
	memset(r, 0, sizeof(*r));
	r->key = e->key;
	if (e->key.v6) {
		memcpy(v6->src, entry_hi(e), 12);
		memcpy(v6->src + 12, &e->key.src, 4);
		memcpy(v6->dst, entry_hi(e) + 12, 12);
		memcpy(v6->dst + 12, &e->key.dst, 4);
		r->key.src = r->key.dst = 0;
		r->v6 = v6;
	}
	r->ifout = e->ifout;
	r->packets = e->packets;
	r->bytes = e->bytes;
	r->first = e->first;
	r->last = e->last;
	r->tcp_flags = e->tcp_flags;
	r->src_mask = e->src_mask;
	r->dst_mask = e->dst_mask;
}

/*
 * Take flow i out of the table and hand it over.  The entry is unlinked and
 * freed before the callback runs, so the table is consistent whatever the
 * callback does.
 */
static void
ft_remove_export(struct ft *ft, uint32_t i, enum ft_reason why, int end_eof,
    uint32_t now)
{
	struct flow_rec r;
	struct flow_v6 v6;

	entry_to_rec(E(ft, i), &r, &v6);
	r.end_reason = end_reason(why, end_eof);
	hash_unlink(ft, i);
	wheel_unlink(ft, i);
	list_unlink(ft, &ft->act, i);
	entry_free(ft, i);
	ft->st.active--;
	ft->st.exported[why]++;
	rec_sink_put(&ft->sink, &r, now);
}

/* Export flow i but keep its entry, to be restarted by the caller. */
static void
ft_export_keep(struct ft *ft, uint32_t i, enum ft_reason why,
    uint32_t now)
{
	struct flow_rec r;
	struct flow_v6 v6;

	entry_to_rec(E(ft, i), &r, &v6);
	r.end_reason = end_reason(why, 0);
	ft->st.exported[why]++;
	rec_sink_put(&ft->sink, &r, now);
}

/* --- buckets ---------------------------------------------------------- */

/* Move every flow into a new bucket array of n buckets. */
static int
ft_resize(struct ft *ft, uint32_t n)
{
	struct ft_bucket *b;
	uint32_t i, k;

	if (n == 0) {
		errno = EINVAL;
		return -1;
	}
	if ((b = malloc((size_t)n * sizeof(*b))) == NULL)
		return -1;
	for (k = 0; k < n; k++) {
		b[k].head = FT_NIL;
		b[k].kfp = b[k].tfp = 0;
	}
	/* Every live flow is on the active list. */
	for (i = ft->act.head; i != FT_NIL; i = E(ft, i)->anext)
		bucket_link(ft, b, n, i);
	free(ft->buckets);
	ft->buckets = b;
	ft->nbuckets = n;
	ft->grow_at = n;
	return 0;
}

/* Automatic size: one more doubling once flows outnumber buckets. */
static void
ft_maybe_grow(struct ft *ft)
{
	if (!ft->autosize || ft->st.active <= ft->grow_at ||
	    ft->nbuckets >= FT_AUTO_MAX)
		return;
	if (ft_resize(ft, ft->nbuckets * 2) == 0) {
		ft->st.rehashes++;
		return;
	}
	/* No memory now: try again only when the table has grown further. */
	ft->grow_at = ft->st.active + ft->st.active / 2;
}

/* --- public ----------------------------------------------------------- */

struct ft *
ft_new(uint32_t maxflows, uint32_t hashsize, uint32_t active_ms,
    uint32_t inactive_ms, struct rec_sink sink)
{
	struct ft *ft;
	uint32_t k;

	if (sink.put == NULL) {
		errno = EINVAL;
		return NULL;
	}
	if ((ft = calloc(1, sizeof(*ft))) == NULL)
		return NULL;
	for (k = 0; k < 2; k++)
		ft->pool[k].freelist = FT_NIL;
	ft->pool[0].esize = sizeof(struct ft_entry);
	ft->pool[1].esize = sizeof(struct ft_entry6);
	ft->maxflows = maxflows;
	ft->active_ms = active_ms;
	ft->inactive_ms = inactive_ms;
	ft->sink = sink;
	ft->act.head = ft->act.tail = FT_NIL;
	ft->autosize = hashsize == 0;
	ft_seed(ft);
	ft->wslots = wheel_size(inactive_ms);
	if ((ft->wheel = malloc(((size_t)ft->wslots + 1) *
	    sizeof(*ft->wheel))) == NULL) {
		free(ft);
		return NULL;
	}
	memset(ft->wheel, 0xff, ((size_t)ft->wslots + 1) * sizeof(*ft->wheel));
	if (ft_resize(ft, hashsize ? hashsize : FT_AUTO_MIN) < 0) {
		free(ft->wheel);
		free(ft);
		return NULL;
	}
	return ft;
}

void
ft_free(struct ft *ft)
{
	if (ft == NULL)
		return;
	slabs_release(ft);
	free(ft->pool[0].slabs);
	free(ft->pool[1].slabs);
	free(ft->buckets);
	free(ft->wheel);
	free(ft);
}

/* (Re)start entry e with one packet. */
static inline void
entry_start(struct ft_entry *e, uint32_t ifout, uint32_t ip_len,
    uint8_t tcp_flags, uint8_t src_mask, uint8_t dst_mask, uint32_t now)
{
	e->ifout = ifout;
	e->packets = 1;
	e->bytes = ip_len;
	e->first = e->last = now;
	e->tcp_flags = tcp_flags;
	e->src_mask = src_mask;
	e->dst_mask = dst_mask;
	e->closing = 0;
}

/*
 * Why flow e cannot take this packet as it is (a timeout that ft_expire()
 * has not seen yet, or a counter that would wrap), or -1 if it can.
 */
static inline int
entry_must_split(const struct ft *ft, const struct ft_entry *e,
    uint32_t pkts, uint32_t ip_len, uint32_t now)
{
	if (age(now, e->last) >= idle_ms(ft, e))
		return FT_EXP_INACTIVE;
	if (age(now, e->first) >= ft->active_ms)
		return FT_EXP_ACTIVE;
	if (e->packets > UINT32_MAX - pkts || e->bytes > UINT32_MAX - ip_len)
		return FT_EXP_OVERFLOW;
	return -1;
}

#define FT_TCP_FIN	0x01
#define FT_TCP_RST	0x04
#define FT_IPPROTO_TCP	6

/* Entry i's connection closed: it ends after close_ms of silence. */
static void
mark_closing(struct ft *ft, uint32_t i)
{
	if (E(ft, i)->closing)
		return;
	E(ft, i)->closing = 1;
	ft->st.tcp_closing++;
	wheel_unlink(ft, i);
	wheel_queue(ft, i);
}

/*
 * Entry i just took a packet with FIN or RST.  A RST ends the connection:
 * entry i and the reverse flows close.  A FIN closes both once one of the
 * reverse flows saw a FIN too.  The reverse flows, whatever their ifin and
 * tos, are in the window of the reverse 5-tuple.
 */
static void
tcp_close_check(struct ft *ft, uint32_t i)
{
	struct ft_entry *e = E(ft, i), *r;
	struct ft_lkey rev;
	struct ft_hv hv;
	struct ft_bucket *b;
	uint32_t j, w, g, nw;
	int rst = (e->tcp_flags & FT_TCP_RST) != 0, both = rst;

	flow_key_clear(&rev.k);
	rev.k.src = e->key.dst;
	rev.k.dst = e->key.src;
	rev.k.sport = e->key.dport;
	rev.k.dport = e->key.sport;
	rev.k.proto = e->key.proto;
	rev.k.v6 = e->key.v6;
	if (e->key.v6) {
		memcpy(rev.hi, entry_hi(e) + 12, 12);
		memcpy(rev.hi + 12, entry_hi(e), 12);
	}
	hv = ft_hash(ft, &rev.k, rev.hi);
	g = ft_bucket(hv.win, ft->nbuckets);
	nw = ft->nbuckets < FT_TWIN ? ft->nbuckets : FT_TWIN;
	for (w = 0; w < nw; w++) {
		b = &ft->buckets[win_at(g, w, ft->nbuckets)];
		if (!(b->tfp & tbit(hv)))
			continue;
		for (j = b->head; j != FT_NIL; j = r->hnext) {
			r = E(ft, j);
			if (entry_tuple_is(r, &rev) &&
			    (rst || (r->tcp_flags & FT_TCP_FIN))) {
				mark_closing(ft, j);
				both = 1;
			}
		}
	}
	if (both)
		mark_closing(ft, i);
}

/* A packet with these flags joined entry i (without conntrack). */
static inline void
tcp_flags_seen(struct ft *ft, uint32_t i, const struct flow_key *key,
    uint8_t tcp_flags)
{
	if (ft->close_ms && (tcp_flags & (FT_TCP_FIN | FT_TCP_RST)) &&
	    key->proto == FT_IPPROTO_TCP && !E(ft, i)->closing)
		tcp_close_check(ft, i);
}

/*
 * Meter the packet into the flow of lk in chain b, if there is one:
 * FT_FOUND or FT_NEW (restarted), else -1.
 */
static inline __attribute__((always_inline)) int
update_found(struct ft *ft, const struct ft_lkey *lk, struct ft_bucket *b,
    uint32_t ifout, uint32_t pkts, uint32_t ip_len, uint8_t tcp_flags,
    uint8_t src_mask, uint8_t dst_mask, uint32_t now)
{
	struct ft_entry *e;
	uint32_t i;
	uint64_t searched = 0;
	int why;

	for (i = b->head; i != FT_NIL; i = e->hnext) {
		e = E(ft, i);
		searched++;
		if (!entry_is(e, lk))
			continue;
		ft->st.searched += searched;
		ft->st.pkts += pkts;
		ft->st.bytes += ip_len;
		if ((why = entry_must_split(ft, e, pkts, ip_len, now)) >= 0) {
			/*
			 * Export what the flow had and restart it in place
			 * with this packet: a new flow that keeps its slot.
			 * Its wheel position stays a lower bound of its new
			 * due time, as last only moved forward.
			 */
			ft_export_keep(ft, i, (enum ft_reason)why, now);
			entry_start(e, ifout, ip_len, tcp_flags, src_mask,
			    dst_mask, now);
			e->packets = pkts;
			list_to_tail(ft, &ft->act, i);
			ft->st.new_flows++;
			tcp_flags_seen(ft, i, &lk->k, tcp_flags);
			return FT_NEW;
		}
		e->packets += pkts;
		e->bytes += ip_len;
		e->tcp_flags |= tcp_flags;
		tcp_flags_seen(ft, i, &lk->k, tcp_flags);
		/* Nothing else moves: the wheel catches up in ft_expire(). */
		if (before(e->last, now))
			e->last = now;
		else if (before(now, e->first))
			e->first = now;
		ft->st.found++;
		return FT_FOUND;
	}
	ft->st.searched += searched;
	return -1;
}

/* Room for one more flow?  If not, the packets are counted as dropped. */
static inline int
check_room(struct ft *ft, uint32_t pkts, uint32_t ip_len)
{
	if (ft->maxflows != 0 && ft->st.active >= ft->maxflows) {
		ft->st.drop_maxflows_pkts += pkts;
		ft->st.drop_maxflows_bytes += ip_len;
		return FT_DROP_MAX;
	}
	return 0;
}

/* A new flow of lk (hash hv), with these packets. */
static int
insert_new(struct ft *ft, const struct ft_lkey *lk, struct ft_hv hv,
    uint32_t ifout, uint32_t pkts, uint32_t ip_len, uint8_t tcp_flags,
    uint8_t src_mask, uint8_t dst_mask, uint32_t now)
{
	struct ft_entry *e;
	struct ft_bucket *b;
	uint32_t i;

	if ((i = entry_alloc(ft, lk->k.v6)) == FT_NIL) {
		ft->st.drop_alloc_pkts += pkts;
		ft->st.drop_alloc_bytes += ip_len;
		return FT_DROP_ALLOC;
	}
	e = E(ft, i);
	e->key = lk->k;
	if (lk->k.v6)
		memcpy((uint8_t *)e - FT_HI, lk->hi, FT_HI);
	entry_start(e, ifout, ip_len, tcp_flags, src_mask, dst_mask, now);
	e->packets = pkts;
	b = &ft->buckets[ft_bidx(hv, ft->nbuckets)];
	e->hnext = b->head;
	b->head = i;
	b->kfp |= kbit(hv);
	b->tfp |= tbit(hv);
	/* An empty wheel can start anywhere: start it at this packet. */
	if (ft->st.active == 0)
		ft->wcur = now & ~(FT_WGRAN - 1);
	wheel_queue(ft, i);
	list_append(ft, &ft->act, i);
	ft->st.new_flows++;
	ft->st.pkts += pkts;
	ft->st.bytes += ip_len;
	if (++ft->st.active > ft->st.peak) {
		ft->st.peak = ft->st.active;
		ft->st.peak_at = now;
	}
	ft_maybe_grow(ft);
	tcp_flags_seen(ft, i, &lk->k, tcp_flags);
	return FT_NEW;
}

/* Every update comes here, one packet at a time, with its hash. */
static inline __attribute__((always_inline)) int
update_lk(struct ft *ft, const struct ft_lkey *lk, struct ft_hv hv,
    uint32_t ifout, uint32_t pkts, uint32_t ip_len, uint8_t tcp_flags,
    uint8_t src_mask, uint8_t dst_mask, uint32_t now)
{
	struct ft_bucket *b;
	int r;

	ft->st.lookups++;
	b = &ft->buckets[ft_bidx(hv, ft->nbuckets)];
	/* The filter bit clear: no flow of this key in the chain. */
	if (b->kfp & kbit(hv)) {
		r = update_found(ft, lk, b, ifout, pkts, ip_len, tcp_flags,
		    src_mask, dst_mask, now);
		if (r >= 0)
			return r;
	}
	if ((r = check_room(ft, pkts, ip_len)) != 0)
		return r;
	return insert_new(ft, lk, hv, ifout, pkts, ip_len, tcp_flags,
	    src_mask, dst_mask, now);
}

/*
 * The lookup key of an IPv4 packet.  Its hi is never read (the hash and
 * the compares look at it only for IPv6), but is zeroed so that no path
 * reads undefined bytes: three stores.
 */
static inline void
lkey4(struct ft_lkey *lk, const struct flow_key *key)
{
	lk->k = *key;
	memset(lk->hi, 0, sizeof(lk->hi));
}

/* The lookup key of an IPv6 packet: key as pkt_parse() made it, and a. */
static inline void
lkey6(struct ft_lkey *lk, const struct flow_key *key,
    const struct flow_v6 *a)
{
	lk->k = *key;
	lk->k.v6 = 1;
	memcpy(&lk->k.src, a->src + 12, 4);
	memcpy(&lk->k.dst, a->dst + 12, 4);
	memcpy(lk->hi, a->src, 12);
	memcpy(lk->hi + 12, a->dst, 12);
}

int
ft_update_n(struct ft *ft, const struct flow_key *key, uint32_t ifout,
    uint32_t pkts, uint32_t ip_len, uint8_t tcp_flags, uint8_t src_mask,
    uint8_t dst_mask, uint32_t now)
{
	struct ft_lkey lk;

	lkey4(&lk, key);
	return update_lk(ft, &lk, ft_hash(ft, &lk.k, lk.hi), ifout, pkts,
	    ip_len, tcp_flags, src_mask, dst_mask, now);
}

int
ft_update(struct ft *ft, const struct flow_key *key, uint32_t ifout,
    uint32_t ip_len, uint8_t tcp_flags, uint8_t src_mask, uint8_t dst_mask,
    uint32_t now)
{
	return ft_update_n(ft, key, ifout, 1, ip_len, tcp_flags, src_mask,
	    dst_mask, now);
}

int
ft_update6_n(struct ft *ft, const struct flow_key *key,
    const struct flow_v6 *a, uint32_t ifout, uint32_t pkts, uint32_t ip_len,
    uint8_t tcp_flags, uint8_t src_mask, uint8_t dst_mask, uint32_t now)
{
	struct ft_lkey lk;

	lkey6(&lk, key, a);
	return update_lk(ft, &lk, ft_hash(ft, &lk.k, lk.hi), ifout, pkts,
	    ip_len, tcp_flags, src_mask, dst_mask, now);
}

int
ft_update6(struct ft *ft, const struct flow_key *key,
    const struct flow_v6 *a, uint32_t ifout, uint32_t ip_len,
    uint8_t tcp_flags, uint8_t src_mask, uint8_t dst_mask, uint32_t now)
{
	return ft_update6_n(ft, key, a, ifout, 1, ip_len, tcp_flags, src_mask,
	    dst_mask, now);
}

/*
 * A batch, FT_BATCH packets a round: hash every key and prefetch its
 * bucket; then read each bucket and prefetch the head entry its filter
 * lets through; then meter the packets one by one in order, through the
 * same update_lk() as ft_update_n().  The prefetches are only hints, and
 * each update looks its bucket up again (an earlier packet of the round
 * may have added a flow or grown the table), so the result is exactly
 * that of the packets one by one: only the cache misses overlap.
 */
void
ft_update_batch(struct ft *ft, const struct ft_pkt *p, uint32_t n, int *res)
{
	struct ft_lkey lk[FT_BATCH];
	struct ft_hv hv[FT_BATCH];
	const struct ft_bucket *b;
	const uint8_t *e;
	uint32_t base, m, j, h;
	int r;

	for (base = 0; base < n; base += m) {
		m = n - base < FT_BATCH ? n - base : FT_BATCH;
		for (j = 0; j < m; j++) {
			if (p[base + j].key.v6)
				lkey6(&lk[j], &p[base + j].key,
				    &p[base + j].v6);
			else
				lkey4(&lk[j], &p[base + j].key);
			hv[j] = ft_hash(ft, &lk[j].k, lk[j].hi);
			__builtin_prefetch(&ft->buckets[ft_bidx(hv[j],
			    ft->nbuckets)]);
		}
		for (j = 0; j < m; j++) {
			b = &ft->buckets[ft_bidx(hv[j], ft->nbuckets)];
			if (!(b->kfp & kbit(hv[j])) || (h = b->head) == FT_NIL)
				continue;
			e = (const uint8_t *)E(ft, h);
			if (h & FT_V6BIT) {
				/* 88 bytes from the address part: two lines */
				__builtin_prefetch(e - FT_HI, 1);
				__builtin_prefetch(e + 63, 1);
			} else
				__builtin_prefetch(e, 1);
		}
		for (j = 0; j < m; j++) {
			const struct ft_pkt *q = &p[base + j];

			r = update_lk(ft, &lk[j], hv[j], q->ifout, q->pkts,
			    q->bytes, q->tcp_flags, q->src_mask, q->dst_mask,
			    q->now);
			if (res != NULL)
				res[base + j] = r;
		}
	}
}

/*
 * Visit slot r: export its entries whose inactive timeout has passed at
 * now, re-queue the others at their real due time.  Those whose due time
 * is still in r (only in the slot holding now) wait on the scratch list,
 * so each entry is looked at once, and go back to r at the end.  Every
 * entry is on some wheel list whenever a callback runs.
 */
static uint32_t
wheel_visit(struct ft *ft, uint32_t r, uint32_t now)
{
	struct ft_entry *e;
	uint32_t n = 0, i, to, scratch = ft->wslots;

	while ((i = ft->wheel[r]) != FT_NIL) {
		e = E(ft, i);
		if (age(now, e->last) >= idle_ms(ft, e)) {
			ft_remove_export(ft, i, FT_EXP_INACTIVE, 0, now);
			n++;
			continue;
		}
		wheel_unlink(ft, i);
		to = wslot(ft, wheel_when(ft, e->last + idle_ms(ft, e)));
		if (to == r)
			wheel_insert(ft, scratch, i);
		else {
			wheel_insert(ft, to, i);
			ft->st.requeued++;
		}
	}
	if ((i = ft->wheel[scratch]) != FT_NIL) {
		ft->wheel[r] = i;
		E(ft, i)->wprev = FT_WREF + r;
		ft->wheel[scratch] = FT_NIL;
	}
	return n;
}

uint32_t
ft_expire(struct ft *ft, uint32_t now)
{
	uint32_t n = 0, i, d;

	if (ft->st.active == 0)
		ft->wcur = now & ~(FT_WGRAN - 1);
	else if ((int32_t)(now - ft->wcur) >=
	    (int32_t)((ft->wslots - 1) << FT_WSHIFT))
		/* Far behind: one re-queue of each flow, not each slot. */
		wheel_rebuild(ft, now);
	/*
	 * Each slot wholly passed leaves the wheel empty (a due time in it
	 * is <= now); the slot holding now is visited but stays current.
	 */
	while ((int32_t)(d = now - ft->wcur) >= 0) {
		n += wheel_visit(ft, wslot(ft, ft->wcur), now);
		if (d < FT_WGRAN - 1)
			break;
		ft->wcur += FT_WGRAN;
	}
	while ((i = ft->act.head) != FT_NIL &&
	    age(now, E(ft, i)->first) >= ft->active_ms) {
		ft_remove_export(ft, i, FT_EXP_ACTIVE, 0, now);
		n++;
	}
	return n;
}

static uint32_t
left(uint32_t now, uint32_t t, uint32_t timeout)
{
	uint32_t a = age(now, t);

	return a >= timeout ? 0 : timeout - a;
}

/*
 * Exact: the wheel is scanned slot by slot from the current one, and the
 * scan stops at the first slot starting after the best time found (every
 * entry's real due time is at or after the start of its slot, except in
 * the current slot, which is always scanned).  Cost: the entries of the
 * first occupied slots; not for a per-packet path.
 */
uint32_t
ft_next_expiry(const struct ft *ft, uint32_t now)
{
	const struct ft_entry *e;
	uint32_t best, l, k, t, i;

	if (ft->act.head == FT_NIL)
		return UINT32_MAX;
	best = left(now, E(ft, ft->act.head)->first, ft->active_ms);
	for (k = 0, t = ft->wcur; k < ft->wslots && best > 0;
	    k++, t += FT_WGRAN) {
		if (k > 0 && (int32_t)(t - now) > 0 && t - now >= best)
			break;
		for (i = ft->wheel[wslot(ft, t)]; i != FT_NIL; i = e->wnext) {
			e = E(ft, i);
			if ((l = left(now, e->last, idle_ms(ft, e))) < best)
				best = l;
		}
	}
	return best;
}

uint32_t
ft_flush(struct ft *ft, uint32_t now)
{
	uint32_t n = 0, i;

	/*
	 * One flow at a time through the normal removal, so the table stays
	 * consistent whatever the callback does; the chains are short, so
	 * this is linear in the number of flows.
	 */
	while ((i = ft->act.head) != FT_NIL) {
		ft_remove_export(ft, i, FT_EXP_FORCED, 0, now);
		n++;
	}
	/* An empty table gives its slabs back (a flush after a flood). */
	if (ft->st.active == 0)
		slabs_release(ft);
	return n;
}

int
ft_export_key(struct ft *ft, const struct flow_key *key, uint32_t now)
{
	struct ft_entry *e;
	struct ft_lkey lk;
	uint32_t i;

	if (key->v6)		/* an IPv6 key carries no addresses */
		return 0;
	lkey4(&lk, key);
	i = ft->buckets[ft_bidx(ft_hash(ft, &lk.k, lk.hi), ft->nbuckets)].head;
	for (; i != FT_NIL; i = e->hnext) {
		e = E(ft, i);
		if (entry_is(e, &lk)) {
			ft_remove_export(ft, i, FT_EXP_FORCED, 1, now);
			return 1;
		}
	}
	return 0;
}

uint32_t
ft_export_tuple(struct ft *ft, const struct flow_key *key, uint32_t now)
{
	struct ft_entry *e;
	struct ft_bucket *b;
	struct ft_lkey lk;
	struct ft_hv hv;
	uint32_t i, n = 0, w, g, nw;

	if (key->v6)
		return 0;
	lkey4(&lk, key);
	hv = ft_hash(ft, &lk.k, lk.hi);
	g = ft_bucket(hv.win, ft->nbuckets);
	nw = ft->nbuckets < FT_TWIN ? ft->nbuckets : FT_TWIN;
	for (w = 0; w < nw; w++) {
		b = &ft->buckets[win_at(g, w, ft->nbuckets)];
		/*
		 * Restart from the bucket head after each removal: the
		 * removal rewrites the chain (and its filters).
		 */
again:
		if (!(b->tfp & tbit(hv)))
			continue;
		for (i = b->head; i != FT_NIL; i = e->hnext) {
			e = E(ft, i);
			if (entry_tuple_is(e, &lk)) {
				ft_remove_export(ft, i, FT_EXP_FORCED, 1, now);
				n++;
				goto again;
			}
		}
	}
	return n;
}

void
ft_set_timeouts(struct ft *ft, uint32_t active_ms, uint32_t inactive_ms)
{
	uint32_t w = wheel_size(inactive_ms), *nw;
	int shorter = inactive_ms < ft->inactive_ms;

	/* The active list is by first: a new active timeout needs nothing. */
	ft->active_ms = active_ms;
	ft->inactive_ms = inactive_ms;
	if (w != ft->wslots &&
	    (nw = malloc(((size_t)w + 1) * sizeof(*nw))) != NULL) {
		free(ft->wheel);
		ft->wheel = nw;
		ft->wslots = w;
		wheel_rebuild(ft, ft->wcur);
	} else if (shorter)
		/*
		 * Queued due times may now be later than the real ones.
		 * (Without memory for a new ring the old one still works,
		 * with more re-queues if it is now short of the timeout.)
		 */
		wheel_rebuild(ft, ft->wcur);
}

void
ft_set_maxflows(struct ft *ft, uint32_t maxflows)
{
	/* Existing flows stay; new ones are refused until below the cap. */
	ft->maxflows = maxflows;
}

void
ft_set_tcp_close(struct ft *ft, uint32_t close_ms)
{
	/* Flows already closing keep their queued (earlier) due time. */
	ft->close_ms = close_ms;
}

int
ft_rehash(struct ft *ft, uint32_t hashsize)
{
	uint32_t n;
	int wasauto = ft->autosize;

	if (hashsize == 0) {
		/* Back to automatic: at least one bucket per flow. */
		n = FT_AUTO_MIN;
		while (n < ft->st.active && n < FT_AUTO_MAX)
			n *= 2;
	} else
		n = hashsize;
	ft->autosize = hashsize == 0;
	if (ft_resize(ft, n) < 0) {
		ft->autosize = wasauto;
		return -1;
	}
	ft->st.rehashes++;
	return 0;
}

void
ft_walk(const struct ft *ft, struct rec_sink sink, uint32_t now)
{
	struct flow_rec r;
	struct flow_v6 v6;
	const struct ft_entry *e;
	uint32_t i;

	for (i = ft->act.head; i != FT_NIL; i = e->anext) {
		e = E(ft, i);
		entry_to_rec(e, &r, &v6);
		rec_sink_put(&sink, &r, now);
	}
}

/*
 * By slab index, not by the active list: an entry never changes its index
 * while it lives (a rehash or a split leaves it where it is), so a position
 * stays meaningful between calls whatever happened to the table meanwhile.
 * Freed entries are marked in aprev; past a pool's used nothing was handed
 * out.  Positions run through the IPv4 pool's indices, then the IPv6
 * pool's (FT_V6BIT + n), so a position is an entry index too.
 */
uint32_t
ft_walk_from(const struct ft *ft, uint32_t pos, uint32_t max,
    struct rec_sink sink, uint32_t now)
{
	struct flow_rec r;
	struct flow_v6 v6;
	const struct ft_pool *p;
	const struct ft_entry *e;
	uint32_t n, left = max;

	for (;;) {
		if (!(pos & FT_V6BIT) && pos >= ft->pool[0].used)
			pos = FT_V6BIT;		/* on to the IPv6 pool */
		p = &ft->pool[pos >> 31];
		n = pos & ~FT_V6BIT;
		if (pos == FT_WALK_END || n >= p->used)
			return FT_WALK_END;
		if (left-- == 0)
			return pos;
		e = E(ft, pos);
		if (e->aprev != FT_FREE) {
			entry_to_rec(e, &r, &v6);
			rec_sink_put(&sink, &r, now);
		}
		pos++;
	}
}

const struct ft_stats *
ft_stats(const struct ft *ft)
{
	return &ft->st;
}

uint32_t
ft_hashsize(const struct ft *ft)
{
	return ft->nbuckets;
}

size_t
ft_memory(const struct ft *ft)
{
	size_t m = sizeof(*ft) +
	    (size_t)ft->nbuckets * sizeof(struct ft_bucket) +
	    ((size_t)ft->wslots + 1) * sizeof(uint32_t);
	uint32_t k;

	for (k = 0; k < 2; k++)
		m += (size_t)ft->pool[k].slabcap * sizeof(uint8_t *) +
		    (size_t)ft->pool[k].nslabs * FT_SLAB * ft->pool[k].esize;
	return m;
}

size_t
ft_entry_size(int v6)
{
	return v6 ? sizeof(struct ft_entry6) : sizeof(struct ft_entry);
}

uint32_t
ft_longest_chain(const struct ft *ft)
{
	uint32_t k, i, n, best = 0;

	for (k = 0; k < ft->nbuckets; k++) {
		for (n = 0, i = ft->buckets[k].head; i != FT_NIL;
		    i = E(ft, i)->hnext)
			n++;
		if (n > best)
			best = n;
	}
	return best;
}
