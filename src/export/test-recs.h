/*
 * test-recs: the two sample records, the clock and the settings of the v9
 * and IPFIX known-bytes tests (test-nf9.c, test-ipfix.c).
 */
#ifndef NFN_TEST_RECS_H
#define NFN_TEST_RECS_H

#include <arpa/inet.h>
#include <string.h>

#include "export/fmt.h"

/* uptime 10 s; wall 1700000000.5 s, so uptime 0 = 1699999990500 ms */
static const struct fmt_clock test_clock = { 10000, 1700000000, 500000000 };

static const struct flow_v6 test_v6 = {
	.src = { 0x20, 0x01, 0x00, 0x02, [15] = 1 },	/* 2001:2::1 */
	.dst = { 0x20, 0x01, 0x00, 0x02, [15] = 2 },	/* 2001:2::2 */
};

/* TCP over IPv4 */
static inline void
test_rec4(struct flow_rec *r)
{
	memset(r, 0, sizeof(*r));
	r->key.src = inet_addr("192.0.2.1");
	r->key.dst = inet_addr("198.51.100.7");
	r->key.ifin = 3;
	r->key.sport = 12345;
	r->key.dport = 80;
	r->key.proto = 6;
	r->key.tos = 0xb8;
	r->ifout = 0x0102;
	r->packets = 0x01020304;
	r->bytes = 0x0a0b0c0d;
	r->first = 4000;
	r->last = 9000;
	r->tcp_flags = 0x1b;
	r->src_mask = 24;
	r->dst_mask = 16;
	r->end_reason = REC_END_IDLE;
}

/* ICMPv6 echo request (type 128, code 0) */
static inline void
test_rec6(struct flow_rec *r)
{
	memset(r, 0, sizeof(*r));
	r->v6 = &test_v6;
	r->key.ifin = 5;
	r->key.dport = 128 * 256;
	r->key.proto = 58;
	r->ifout = 6;
	r->packets = 2;
	r->bytes = 208;
	r->first = 4000;
	r->last = 9000;
	r->end_reason = REC_END_ACTIVE;
}

/* The encoders' settings of these tests: engine 42, ipt_NETFLOW's refresh. */
static inline void
test_cfg(struct fmt_cfg *c, unsigned protocol)
{
	memset(c, 0, sizeof(*c));
	c->protocol = protocol;
	c->engine_id = 42;
	c->refresh_rate = 20;
	c->timeout_ms = 30 * 60000;
}

/*
 * One message of the two records (IPv4, then IPv6) from a fresh encoder
 * of protocol: its length, or 0 if either record was refused.
 */
static inline size_t
test_two_records(struct fmt *f, unsigned protocol)
{
	struct fmt_cfg c;
	struct flow_rec r;

	test_cfg(&c, protocol);
	fmt_init(f, &c);
	test_rec4(&r);
	if (fmt_add(f, &r, &test_clock) != 0)
		return 0;
	test_rec6(&r);
	if (fmt_add(f, &r, &test_clock) != 0)
		return 0;
	return fmt_finish(f, &test_clock);
}

#endif
