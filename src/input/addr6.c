/*
 * addr6: interned IPv6 addresses.  See addr6.h.
 *
 * Entries sit in one array, named by their index; a free entry is on a
 * free list through next.  Buckets are chain heads, a power of two of
 * them, doubled when the addresses outnumber them.  The hash is a keyed
 * multiply over the two halves of the address (seeded at addr6_new, so
 * nobody outside can aim at one chain).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "input/addr6.h"

#define A6_MIN_BUCKETS	256u
#define A6_MAX		(1u << 31)

struct a6_entry {
	uint8_t addr[16];
	uint32_t refs;
	uint32_t next;		/* hash chain, or free list */
};

struct addr6 {
	struct a6_entry *e;
	uint32_t cap, used;	/* entries allocated, never-used from used on */
	uint32_t freelist;
	uint32_t count;		/* addresses held */
	uint32_t *buckets;
	uint32_t nbuckets;	/* power of two */
	uint64_t seed[2];
};

static uint64_t
load64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

static uint32_t
bucket(const struct addr6 *t, const uint8_t a[16])
{
	uint64_t h = (load64(a) ^ t->seed[0]) * 0x9e3779b97f4a7c15ull;

	h ^= (load64(a + 8) ^ t->seed[1]) * 0xc2b2ae3d27d4eb4full;
	h ^= h >> 29;
	return (uint32_t)(h * 0xff51afd7ed558ccdull >> 32) & (t->nbuckets - 1);
}

static int
rehash(struct addr6 *t, uint32_t n)
{
	uint32_t *b, i, k;

	if ((b = malloc((size_t)n * sizeof(*b))) == NULL)
		return -1;
	memset(b, 0xff, (size_t)n * sizeof(*b));
	free(t->buckets);
	t->buckets = b;
	t->nbuckets = n;
	for (i = 0; i < t->used; i++) {
		if (t->e[i].refs == 0)
			continue;
		k = bucket(t, t->e[i].addr);
		t->e[i].next = b[k];
		b[k] = i;
	}
	return 0;
}

struct addr6 *
addr6_new(void)
{
	struct addr6 *t;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	t->freelist = ADDR6_NONE;
	if (getrandom(t->seed, sizeof(t->seed), GRND_NONBLOCK) !=
	    sizeof(t->seed)) {
		t->seed[0] = (uint64_t)(uintptr_t)t;
		t->seed[1] = ~t->seed[0];
	}
	if (rehash(t, A6_MIN_BUCKETS) < 0) {
		free(t);
		return NULL;
	}
	return t;
}

void
addr6_free(struct addr6 *t)
{
	int e = errno;

	if (t == NULL)
		return;
	free(t->e);
	free(t->buckets);
	free(t);
	errno = e;
}

uint32_t
addr6_find(const struct addr6 *t, const uint8_t a[16])
{
	uint32_t i;

	for (i = t->buckets[bucket(t, a)]; i != ADDR6_NONE; i = t->e[i].next)
		if (memcmp(t->e[i].addr, a, 16) == 0)
			return i;
	return ADDR6_NONE;
}

static uint32_t
entry_new(struct addr6 *t)
{
	struct a6_entry *e;
	uint32_t i, cap;

	if ((i = t->freelist) != ADDR6_NONE) {
		t->freelist = t->e[i].next;
		return i;
	}
	if (t->used == t->cap) {
		if (t->cap >= A6_MAX) {
			errno = ENOSPC;
			return ADDR6_NONE;
		}
		cap = t->cap ? t->cap * 2 : 256;
		if ((e = realloc(t->e, (size_t)cap * sizeof(*e))) == NULL)
			return ADDR6_NONE;
		t->e = e;
		t->cap = cap;
	}
	return t->used++;
}

uint32_t
addr6_hold(struct addr6 *t, const uint8_t a[16])
{
	uint32_t i, k;

	if ((i = addr6_find(t, a)) != ADDR6_NONE) {
		t->e[i].refs++;
		return i;
	}
	/* more addresses than buckets: double them first (chains stay short) */
	if (t->count >= t->nbuckets && t->nbuckets < A6_MAX)
		rehash(t, t->nbuckets * 2);	/* on failure: longer chains */
	if ((i = entry_new(t)) == ADDR6_NONE)
		return ADDR6_NONE;
	memcpy(t->e[i].addr, a, 16);
	t->e[i].refs = 1;
	k = bucket(t, a);
	t->e[i].next = t->buckets[k];
	t->buckets[k] = i;
	t->count++;
	return i;
}

void
addr6_put(struct addr6 *t, uint32_t id)
{
	uint32_t *pp;

	if (--t->e[id].refs > 0)
		return;
	for (pp = &t->buckets[bucket(t, t->e[id].addr)]; *pp != id;
	    pp = &t->e[*pp].next)
		;
	*pp = t->e[id].next;
	t->e[id].next = t->freelist;
	t->freelist = id;
	t->count--;
}

const uint8_t *
addr6_get(const struct addr6 *t, uint32_t id)
{
	return t->e[id].addr;
}

uint32_t
addr6_count(const struct addr6 *t)
{
	return t->count;
}

size_t
addr6_memory(const struct addr6 *t)
{
	return sizeof(*t) + (size_t)t->cap * sizeof(struct a6_entry) +
	    (size_t)t->nbuckets * sizeof(uint32_t);
}
