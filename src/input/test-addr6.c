/*
 * test-addr6: interned IPv6 addresses: ids are stable while held, freed
 * and reused after the last put, found again after the table grows.
 */
#include <stdint.h>
#include <string.h>

#include "util/check.h"
#include "input/addr6.h"

static void
mkaddr(uint8_t a[16], uint32_t i)
{
	memset(a, 0, 16);
	a[0] = 0x20;
	a[1] = 0x01;
	a[3] = 0x02;
	a[12] = (uint8_t)(i >> 24);
	a[13] = (uint8_t)(i >> 16);
	a[14] = (uint8_t)(i >> 8);
	a[15] = (uint8_t)i;
}

static void
test_refs(void)
{
	struct addr6 *t = addr6_new();
	uint8_t a[16], b[16];
	uint32_t ia, ib;

	CHECK(t != NULL);
	mkaddr(a, 1);
	mkaddr(b, 2);
	CHECK_EQ(addr6_find(t, a), ADDR6_NONE);
	ia = addr6_hold(t, a);
	CHECK(ia != ADDR6_NONE);
	CHECK_EQ(addr6_hold(t, a), ia);		/* same address, same id */
	ib = addr6_hold(t, b);
	CHECK(ib != ia && ib != ADDR6_NONE);
	CHECK_EQ(addr6_count(t), 2);
	CHECK(memcmp(addr6_get(t, ia), a, 16) == 0);
	CHECK_EQ(addr6_find(t, b), ib);
	addr6_put(t, ia);			/* one reference left */
	CHECK_EQ(addr6_find(t, a), ia);
	addr6_put(t, ia);			/* gone */
	CHECK_EQ(addr6_find(t, a), ADDR6_NONE);
	CHECK_EQ(addr6_count(t), 1);
	CHECK_EQ(addr6_find(t, b), ib);
	/* the freed id is reused */
	mkaddr(a, 3);
	CHECK_EQ(addr6_hold(t, a), ia);
	addr6_free(t);
	addr6_free(NULL);
}

/* 100,000 addresses: the buckets double, every id stays findable. */
static void
test_grow(void)
{
	struct addr6 *t = addr6_new();
	uint8_t a[16];
	uint32_t i, bad = 0, id;
	size_t mem;

	for (i = 0; i < 100000; i++) {
		mkaddr(a, i);
		if (addr6_hold(t, a) != i)	/* fresh table: ids in order */
			bad++;
	}
	CHECK_EQ(bad, 0);
	CHECK_EQ(addr6_count(t), 100000);
	mem = addr6_memory(t);
	/* 24 bytes an entry (room up to twice), 4 a bucket (up to 2 each) */
	CHECK(mem >= 100000 * 24 && mem <= 100000 * (48 + 8) + 4096);
	for (i = 0; i < 100000; i++) {
		mkaddr(a, i);
		id = addr6_find(t, a);
		if (id != i || memcmp(addr6_get(t, id), a, 16) != 0)
			bad++;
		if (i % 2)
			addr6_put(t, id);
	}
	CHECK_EQ(bad, 0);
	CHECK_EQ(addr6_count(t), 50000);
	for (i = 0; i < 100000; i++) {
		mkaddr(a, i);
		if ((addr6_find(t, a) == ADDR6_NONE) != (i % 2 == 1))
			bad++;
	}
	CHECK_EQ(bad, 0);
	addr6_free(t);
}

int
main(void)
{
	test_refs();
	test_grow();
	return check_done();
}
