/*
 * test-ctnat: NAT event records handed to a record sink, without sockets:
 * which records a connection yields (none without NAT, one per kind of
 * NAT), and every field ipt_NETFLOW's v5 layout puts them in.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include <libnetfilter_conntrack/libnetfilter_conntrack.h>

#include "input/ctnat.h"
#include "util/check.h"

#define MAXREC 8

struct got {
	struct flow_rec rec[MAXREC];
	uint32_t now[MAXREC];
	unsigned n;
};

static void
collect(void *arg, const struct flow_rec *r, uint32_t now)
{
	struct got *g = arg;

	if (g->n < MAXREC) {
		g->rec[g->n] = *r;
		g->now[g->n] = now;
	}
	g->n++;
}

/*
 * 10.0.0.2:1234 -> 198.51.100.1:80 (UDP), SNAT to 192.0.2.1:30000 and,
 * with dnat, DNAT of 198.51.100.1:80 to 198.51.100.9:8080.
 */
static struct ctconn_info
mkconn(int snat, int dnat)
{
	struct ctconn_info ci;

	memset(&ci, 0, sizeof(ci));
	ci.key.src[0] = inet_addr("10.0.0.2");
	ci.key.dst[0] = inet_addr("198.51.100.1");
	ci.key.sport = 1234;
	ci.key.dport = 80;
	ci.key.proto = IPPROTO_UDP;
	ci.rsrc[0] = dnat ? inet_addr("198.51.100.9") : ci.key.dst[0];
	ci.rsport = dnat ? 8080 : 80;
	ci.rdst[0] = snat ? inet_addr("192.0.2.1") : ci.key.src[0];
	ci.rdport = snat ? 30000 : 1234;
	ci.status = (snat ? IPS_SRC_NAT : 0) | (dnat ? IPS_DST_NAT : 0);
	return ci;
}

static void
test_no_nat(void)
{
	struct got g = { .n = 0 };
	struct ctconn_info ci = mkconn(0, 0);

	CHECK_EQ(ctnat_event((struct rec_sink){ collect, &g }, &ci, 1, 500),
	    0);
	CHECK_EQ(g.n, 0);
}

static void
test_snat(void)
{
	struct got g = { .n = 0 };
	struct ctconn_info ci = mkconn(1, 0);
	struct rec_sink s = { collect, &g };
	const struct flow_rec *r = &g.rec[0];

	/* create: the event time when conntrack gave no timestamp */
	CHECK_EQ(ctnat_event(s, &ci, 1, 500), 1);
	CHECK_EQ(g.n, 1);
	CHECK_EQ(g.now[0], 500);
	CHECK(r->key.src == inet_addr("10.0.0.2") && r->key.sport == 1234);
	CHECK(r->key.dst == inet_addr("198.51.100.1") && r->key.dport == 80);
	CHECK_EQ(r->key.proto, IPPROTO_UDP);
	CHECK(r->nexthop == inet_addr("192.0.2.1"));
	CHECK_EQ(r->src_as, 30000);
	CHECK_EQ(r->dst_as, 0);
	CHECK_EQ(r->tcp_flags, 0x12);
	CHECK(r->packets == 0 && r->bytes == 0);
	CHECK(r->first == 500 && r->last == 500);

	/* destroy: conntrack's stop timestamp wins over the arrival time */
	ci.has_stop = 1;
	ci.stop = 900;
	g.n = 0;
	CHECK_EQ(ctnat_event(s, &ci, 0, 1000), 1);
	CHECK_EQ(r->tcp_flags, 0x05);
	CHECK(r->first == 900 && r->last == 900);
	CHECK_EQ(g.now[0], 1000);
}

static void
test_both(void)
{
	struct got g = { .n = 0 };
	struct ctconn_info ci = mkconn(1, 1);

	ci.has_start = 1;
	ci.start = 42;
	CHECK_EQ(ctnat_event((struct rec_sink){ collect, &g }, &ci, 1, 100),
	    2);
	CHECK_EQ(g.n, 2);
	/* SNAT first, then DNAT; the key's destination is the post-DNAT one */
	CHECK(g.rec[0].nexthop == inet_addr("192.0.2.1") &&
	    g.rec[0].src_as == 30000 && g.rec[0].dst_as == 0);
	CHECK(g.rec[1].nexthop == inet_addr("198.51.100.1") &&
	    g.rec[1].dst_as == 80 && g.rec[1].src_as == 0);
	CHECK(g.rec[1].key.dst == inet_addr("198.51.100.9") &&
	    g.rec[1].key.dport == 8080);
	CHECK(g.rec[0].first == 42 && g.rec[1].last == 42);

	/* ICMP has no ports: the NAT ports stay 0 */
	ci.key.proto = IPPROTO_ICMP;
	g.n = 0;
	CHECK_EQ(ctnat_event((struct rec_sink){ collect, &g }, &ci, 0, 100),
	    2);
	CHECK(g.rec[0].src_as == 0 && g.rec[1].dst_as == 0);
}

int
main(void)
{
	test_no_nat();
	test_snat();
	test_both();
	return check_done();
}
