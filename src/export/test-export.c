/*
 * test-export: the exporter against UDP receivers on 127.0.0.1, on ports
 * the test binds itself (port 0, then getsockname).  No privileges needed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "util/check.h"
#include "export/export.h"
#include "export/fmt.h"
#include "export/nf5.h"

/* Wait this long for a datagram that should come; less for one that should not. */
#define RX_WAIT_MS	1000
#define RX_NONE_MS	50

static int
rx_open(uint16_t *port)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int fd;

	if ((fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0)) < 0)
		return -1;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sin, &len) < 0) {
		close(fd);
		return -1;
	}
	*port = ntohs(sin.sin_port);
	return fd;
}

/* A port nobody listens on: bind one, note it, close it. */
static uint16_t
closed_port(void)
{
	uint16_t port = 0;
	int fd;

	if ((fd = rx_open(&port)) >= 0)
		close(fd);
	return port;
}

/* One datagram, or -1 when none comes within ms. */
static ssize_t
rx(int fd, uint8_t *buf, size_t len, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	if (poll(&p, 1, ms) <= 0)
		return -1;
	return recv(fd, buf, len, 0);
}

static void
mkdest(struct dest *d, uint16_t port)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)&d->addr;

	memset(d, 0, sizeof(*d));
	sin->sin_family = AF_INET;
	sin->sin_port = htons(port);
	sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	d->addrlen = sizeof(*sin);
	snprintf(d->text, sizeof(d->text), "127.0.0.1:%u", port);
}

static void
mklist(struct dest_list *dl, const uint16_t *ports, unsigned n)
{
	unsigned i;

	memset(dl, 0, sizeof(*dl));
	for (i = 0; i < n; i++)
		mkdest(&dl->d[i], ports[i]);
	dl->n = n;
}

static void
mkrec(struct flow_rec *r, unsigned i)
{
	memset(r, 0, sizeof(*r));
	flow_key_clear(&r->key);
	r->key.src = htonl(0xc0000200 + (i & 0xff));	/* 192.0.2.x */
	r->key.dst = htonl(0xc6336407);			/* 198.51.100.7 */
	r->key.ifin = 2;
	r->key.sport = (uint16_t)(10000 + i);
	r->key.dport = 443;
	r->key.proto = 6;
	r->ifout = 3;
	r->packets = i + 1;
	r->bytes = 100 * (i + 1);
	/* before every "now" the tests send at: Last <= sys_uptime */
	r->first = i;
	r->last = i + 1;
	r->tcp_flags = 0x12;
}

/*
 * Check a received datagram: version 5, count, sequence, engine, and
 * records first..first+count-1 as mkrec() made them.
 */
static void
check_dgram(const uint8_t *buf, ssize_t len, unsigned count, uint32_t seq,
    uint32_t uptime, unsigned first)
{
	struct nf5_hdr h;
	struct flow_rec r, want;
	struct timespec now;
	uint32_t t;
	unsigned i;

	CHECK_EQ(len, NF5_HDR_LEN + count * NF5_REC_LEN);
	if (len < NF5_HDR_LEN) {
		CHECK(0);
		return;
	}
	CHECK_EQ(nf5_get_hdr(buf, (size_t)len, &h), 0);
	CHECK_EQ(h.count, count);
	CHECK(h.count <= NF5_MAXRECS);
	CHECK_EQ(h.flow_sequence, seq);
	CHECK_EQ(h.sys_uptime, uptime);
	CHECK_EQ(h.engine_type, 7);
	CHECK_EQ(h.engine_id, 9);
	CHECK_EQ(h.sampling, 0);
	/*
	 * Wall time at send, just before this check.  Not time(): glibc reads
	 * a coarse clock for it, which can lag CLOCK_REALTIME by a tick.
	 */
	clock_gettime(CLOCK_REALTIME, &now);
	t = (uint32_t)now.tv_sec;
	CHECK(h.unix_secs <= t && h.unix_secs + 5 >= t);
	CHECK(h.unix_nsecs < 1000000000);
	for (i = 0; i < count; i++) {
		mkrec(&want, first + i);
		CHECK_EQ(nf5_get_rec(buf, (size_t)len, i, &r), 0);
		CHECK(memcmp(&r, &want, sizeof(r)) == 0);
	}
}

/* 65 records: 30 and 30 at once, 5 when the tick finds them 500 ms old. */
static void
test_batches(void)
{
	uint8_t a[2048], b[2048];
	uint16_t ports[2];
	struct dest_list dl;
	struct flow_rec r;
	const struct export_stats *st;
	struct exporter *x;
	ssize_t na, nb;
	int fa, fb;
	unsigned i, d;
	uint64_t pk = 0, by = 0;

	fa = rx_open(&ports[0]);
	fb = rx_open(&ports[1]);
	CHECK(fa >= 0 && fb >= 0);
	mklist(&dl, ports, 2);
	x = export_new(7, 9, 0);
	CHECK(x != NULL);
	CHECK_EQ(export_set_dests(x, &dl, 0), 0);
	st = export_stats(x);
	CHECK_EQ(st->nsocks, 2);
	CHECK(strcmp(st->sock[0].text, dl.d[0].text) == 0);
	CHECK(strcmp(st->sock[1].text, dl.d[1].text) == 0);
	CHECK(st->sock[0].sndbuf > 0);

	for (i = 0; i < 65; i++) {
		mkrec(&r, i);
		pk += r.packets;
		by += r.bytes;
		export_add(x, &r, 1000 + i);
		/* Full datagrams leave at once, partial ones do not. */
		CHECK_EQ(st->datagrams, (i + 1) / NF5_MAXRECS);
	}

	for (d = 0; d < 2; d++) {
		na = rx(fa, a, sizeof(a), RX_WAIT_MS);
		nb = rx(fb, b, sizeof(b), RX_WAIT_MS);
		CHECK_EQ(na, NF5_MAXLEN);
		CHECK(na == nb && na > 0 && memcmp(a, b, (size_t)na) == 0);
		check_dgram(a, na, 30, 30 * d, 1000 + 30 * d + 29, 30 * d);
	}

	/* The last 5 came at 1060..1064: not yet at 1559, at 1560 yes. */
	export_tick(x, 1060);
	export_tick(x, 1060 + 499);
	CHECK_EQ(st->datagrams, 2);
	CHECK_EQ(rx(fa, a, sizeof(a), RX_NONE_MS), -1);
	export_tick(x, 1060 + 500);
	CHECK_EQ(st->datagrams, 3);
	na = rx(fa, a, sizeof(a), RX_WAIT_MS);
	nb = rx(fb, b, sizeof(b), RX_WAIT_MS);
	CHECK(na == nb && na > 0 && memcmp(a, b, (size_t)na) == 0);
	check_dgram(a, na, 5, 60, 1560, 60);

	/* Nothing pending: ticks and flushes send nothing. */
	export_tick(x, 5000);
	export_flush(x, 5000);
	CHECK_EQ(st->datagrams, 3);
	CHECK_EQ(rx(fa, a, sizeof(a), RX_NONE_MS), -1);

	CHECK_EQ(st->flows, 65);
	CHECK_EQ(st->packets, pk);
	CHECK_EQ(st->bytes, by);
	for (d = 0; d < 2; d++) {
		CHECK_EQ(st->sock[d].ok, 3);
		CHECK_EQ(st->sock[d].bytes, 2 * NF5_MAXLEN + NF5_HDR_LEN +
		    5 * NF5_REC_LEN);
		CHECK_EQ(st->sock[d].fail, 0);
		CHECK_EQ(st->sock[d].refused, 0);
		CHECK_EQ(st->sock[d].sndbuf_full, 0);
	}

	/* export_flush sends a partial datagram at once; free sends the rest. */
	mkrec(&r, 65);
	export_add(x, &r, 6000);
	export_flush(x, 6001);
	na = rx(fa, a, sizeof(a), RX_WAIT_MS);
	check_dgram(a, na, 1, 65, 6001, 65);
	CHECK_EQ(rx(fb, b, sizeof(b), RX_WAIT_MS), na);
	mkrec(&r, 66);
	export_add(x, &r, 7000);
	export_free(x, 7002);
	na = rx(fa, a, sizeof(a), RX_WAIT_MS);
	check_dgram(a, na, 1, 66, 7002, 66);
	CHECK_EQ(rx(fb, b, sizeof(b), RX_WAIT_MS), na);
	close(fa);
	close(fb);
}

/* The 500 ms age survives the wrap of the 32-bit uptime. */
static void
test_tick_wrap(void)
{
	struct exporter *x = export_new(7, 9, 0);
	struct flow_rec r;

	CHECK(x != NULL);
	mkrec(&r, 0);
	export_add(x, &r, UINT32_MAX - 100);
	export_tick(x, 398);
	CHECK_EQ(export_stats(x)->datagrams, 0);
	export_tick(x, 399);
	CHECK_EQ(export_stats(x)->datagrams, 1);
	CHECK_EQ(export_stats(x)->flows, 1);
	export_free(x, 400);
}

/*
 * A collector that is down (port unreachable) is counted as refused on its
 * own socket; the two live ones still get every datagram, byte for byte.
 */
static void
test_refused(void)
{
	uint8_t a[2048], b[2048];
	uint16_t ports[3];
	struct dest_list dl;
	struct flow_rec r;
	const struct export_stats *st;
	struct exporter *x;
	int fa, fb, i, got = 0;
	ssize_t na, nb;
	const int n = 8;

	fa = rx_open(&ports[0]);
	fb = rx_open(&ports[1]);
	ports[2] = closed_port();
	CHECK(fa >= 0 && fb >= 0 && ports[2] != 0);
	mklist(&dl, ports, 3);
	x = export_new(7, 9, 0);
	CHECK_EQ(export_set_dests(x, &dl, 0), 0);
	st = export_stats(x);
	for (i = 0; i < n; i++) {
		mkrec(&r, (unsigned)i);
		export_add(x, &r, 100);
		export_flush(x, 100);
		/* Let the ICMP error come back before the next send. */
		usleep(10000);
	}
	while ((na = rx(fa, a, sizeof(a), RX_NONE_MS)) > 0) {
		nb = rx(fb, b, sizeof(b), RX_WAIT_MS);
		CHECK(na == nb && memcmp(a, b, (size_t)na) == 0);
		check_dgram(a, na, 1, (uint32_t)got, 100, (unsigned)got);
		got++;
	}
	CHECK_EQ(got, n);
	CHECK_EQ(rx(fb, b, sizeof(b), RX_NONE_MS), -1);
	for (i = 0; i < 2; i++) {
		CHECK_EQ(st->sock[i].ok, n);
		CHECK_EQ(st->sock[i].refused, 0);
		CHECK_EQ(st->sock[i].fail, 0);
	}
	CHECK(st->sock[2].refused > 0);
	CHECK_EQ(st->sock[2].ok + st->sock[2].refused, n);
	CHECK_EQ(st->sock[2].fail, 0);
	CHECK_EQ(st->sock[2].sndbuf_full, 0);
	CHECK_EQ(st->datagrams, n);
	export_free(x, 200);
	close(fa);
	close(fb);
}

/*
 * A live change: pending records are not lost, a destination kept keeps its
 * counters, a new one starts at zero, a failed change keeps the old set.
 */
static void
test_swap(void)
{
	uint8_t a[2048];
	uint16_t ports[3], p2[2];
	struct dest_list dl, dl2, bad;
	struct flow_rec r;
	const struct export_stats *st;
	struct exporter *x;
	int fa, fb, fc;
	unsigned i;

	fa = rx_open(&ports[0]);
	fb = rx_open(&ports[1]);
	fc = rx_open(&ports[2]);
	CHECK(fa >= 0 && fb >= 0 && fc >= 0);
	mklist(&dl, ports, 2);			/* A, B */
	x = export_new(7, 9, 0);
	CHECK_EQ(export_set_dests(x, &dl, 0), 0);
	st = export_stats(x);

	mkrec(&r, 0);
	export_add(x, &r, 10);
	export_flush(x, 10);
	CHECK(rx(fa, a, sizeof(a), RX_WAIT_MS) > 0);
	CHECK(rx(fb, a, sizeof(a), RX_WAIT_MS) > 0);

	for (i = 1; i <= 10; i++) {
		mkrec(&r, i);
		export_add(x, &r, 20);
	}
	p2[0] = ports[1];
	p2[1] = ports[2];
	mklist(&dl2, p2, 2);			/* B, C */
	CHECK_EQ(export_set_dests(x, &dl2, 0), 0);
	CHECK_EQ(st->nsocks, 2);
	CHECK(strcmp(st->sock[0].text, dl2.d[0].text) == 0);
	CHECK(strcmp(st->sock[1].text, dl2.d[1].text) == 0);
	CHECK_EQ(st->sock[0].ok, 1);		/* B carried over */
	CHECK_EQ(st->sock[0].bytes, NF5_HDR_LEN + NF5_REC_LEN);
	CHECK_EQ(st->sock[1].ok, 0);		/* C is new */
	CHECK_EQ(st->datagrams, 1);		/* nothing sent by the swap */

	export_flush(x, 30);
	CHECK_EQ(rx(fa, a, sizeof(a), RX_NONE_MS), -1);	/* A is gone */
	check_dgram(a, rx(fb, a, sizeof(a), RX_WAIT_MS), 10, 1, 30, 1);
	check_dgram(a, rx(fc, a, sizeof(a), RX_WAIT_MS), 10, 1, 30, 1);
	CHECK_EQ(st->sock[0].ok, 2);
	CHECK_EQ(st->sock[1].ok, 1);

	/* A bad entry (no such address family) fails the whole change. */
	mklist(&bad, ports, 2);
	bad.d[1].addr.ss_family = AF_UNSPEC;
	errno = 0;
	CHECK_EQ(export_set_dests(x, &bad, 0), -1);
	CHECK_EQ(errno, EAFNOSUPPORT);
	bad.n = DEST_MAX + 1;
	errno = 0;
	CHECK_EQ(export_set_dests(x, &bad, 0), -1);
	CHECK_EQ(errno, EINVAL);
	CHECK_EQ(st->nsocks, 2);
	CHECK(strcmp(st->sock[0].text, dl2.d[0].text) == 0);
	CHECK_EQ(st->sock[0].ok, 2);
	mkrec(&r, 11);
	export_add(x, &r, 40);
	export_flush(x, 40);
	check_dgram(a, rx(fb, a, sizeof(a), RX_WAIT_MS), 1, 11, 40, 11);
	check_dgram(a, rx(fc, a, sizeof(a), RX_WAIT_MS), 1, 11, 40, 11);
	CHECK_EQ(rx(fa, a, sizeof(a), RX_NONE_MS), -1);

	/* An empty list: datagrams are still built and numbered. */
	memset(&dl, 0, sizeof(dl));
	CHECK_EQ(export_set_dests(x, &dl, 0), 0);
	CHECK_EQ(st->nsocks, 0);
	export_add(x, &r, 50);
	export_flush(x, 50);
	CHECK_EQ(st->datagrams, 4);
	CHECK_EQ(st->flows, 13);

	export_free(x, 60);
	close(fa);
	close(fb);
	close(fc);
}

/*
 * sndbuf is applied and reported; a mark that needs a privilege the test
 * lacks only costs a warning.  Engine changes show in the next header.
 */
static void
test_options(void)
{
	uint8_t a[2048];
	uint16_t port;
	struct dest_list dl;
	struct flow_rec r;
	struct nf5_hdr h;
	struct export_format xf;
	const struct export_stats *st;
	struct exporter *x;
	ssize_t n;
	int fa;

	fa = rx_open(&port);
	CHECK(fa >= 0);
	mklist(&dl, &port, 1);
	x = export_new(1, 1, 0x1234);
	CHECK(x != NULL);
	CHECK_EQ(export_set_dests(x, &dl, 65536), 0);
	st = export_stats(x);
	/* Linux doubles the value for its bookkeeping. */
	CHECK(st->sock[0].sndbuf >= 65536);

	export_set_engine(x, 7, 9);
	mkrec(&r, 0);
	export_add(x, &r, 1);
	export_flush(x, 1);
	n = rx(fa, a, sizeof(a), RX_WAIT_MS);
	check_dgram(a, n, 1, 0, 1, 0);
	export_set_engine(x, 200, 201);
	export_add(x, &r, 2);
	export_flush(x, 2);
	n = rx(fa, a, sizeof(a), RX_WAIT_MS);
	CHECK(n > 0 && nf5_get_hdr(a, (size_t)n, &h) == 0);
	CHECK_EQ(h.engine_type, 200);
	CHECK_EQ(h.engine_id, 201);
	CHECK_EQ(h.flow_sequence, 1);
	CHECK_EQ(h.sampling, 0);
	/*
	 * A new sampler sends the pending record under the old header first:
	 * each record keeps the rate it was metered at.
	 */
	export_add(x, &r, 3);
	memset(&xf, 0, sizeof(xf));
	xf.protocol = 5;
	xf.engine_type = 200;
	xf.engine_id = 201;
	xf.refresh_rate = 20;
	xf.timeout_rate = 30;
	xf.sampling_mode = FMT_SAMPLING_RANDOM;
	xf.sampling_interval = 100;
	export_set_format(x, &xf, 3);
	n = rx(fa, a, sizeof(a), RX_WAIT_MS);
	CHECK(n > 0 && nf5_get_hdr(a, (size_t)n, &h) == 0);
	CHECK_EQ(h.count, 1);
	CHECK_EQ(h.sampling, 0);
	export_add(x, &r, 4);
	export_flush(x, 4);
	n = rx(fa, a, sizeof(a), RX_WAIT_MS);
	CHECK(n > 0 && nf5_get_hdr(a, (size_t)n, &h) == 0);
	CHECK_EQ(h.sampling, 0x8064);
	CHECK_EQ(h.flow_sequence, 3);
	export_free(x, 5);
	close(fa);
}

/* Version and first set id of a received v9/IPFIX datagram. */
static void
check_v9ipfix(const uint8_t *b, ssize_t n, unsigned version, unsigned set,
    uint32_t seq)
{
	size_t hl = version == 10 ? 16 : 20;

	CHECK(n >= (ssize_t)hl + 4);
	if (n < (ssize_t)hl + 4)
		return;
	CHECK_EQ(b[0] << 8 | b[1], version);
	CHECK_EQ((uint32_t)b[hl - 8] << 24 | (uint32_t)b[hl - 7] << 16 |
	    (uint32_t)b[hl - 6] << 8 | b[hl - 5], seq);
	CHECK_EQ(b[hl] << 8 | b[hl + 1], set);
}

/*
 * A live change of protocol sends what is pending in the old one first;
 * the new one starts with its templates, then its options data.
 */
static void
test_protocol_switch(void)
{
	struct export_format f = { 10, 7, 9, 20, 30, 0, 0, 0, 0 };
	struct dest_list dl;
	struct flow_rec r;
	struct exporter *x;
	uint8_t a[2048];
	uint16_t port;
	ssize_t n;
	unsigned i;
	int fa;

	fa = rx_open(&port);
	CHECK(fa >= 0);
	mklist(&dl, &port, 1);
	x = export_new(7, 9, 0);
	CHECK(x != NULL && export_set_dests(x, &dl, 0) == 0);
	for (i = 0; i < 3; i++) {
		mkrec(&r, i);
		export_add(x, &r, 100);
	}
	CHECK_EQ(rx(fa, a, sizeof(a), RX_NONE_MS), -1);

	/* 5 -> 10: the 3 records leave as v5 at once */
	export_set_format(x, &f, 200);
	CHECK_EQ(export_protocol(x), 10);
	n = rx(fa, a, sizeof(a), RX_WAIT_MS);
	check_dgram(a, n, 3, 0, 200, 0);
	mkrec(&r, 3);
	export_add(x, &r, 300);
	export_flush(x, 301);
	n = rx(fa, a, sizeof(a), RX_WAIT_MS);
	check_v9ipfix(a, n, 10, 2, 0);		/* template set first */
	n = rx(fa, a, sizeof(a), RX_WAIT_MS);
	check_v9ipfix(a, n, 10, 3, 1);		/* then options, after 1 record */
	while (rx(fa, a, sizeof(a), RX_NONE_MS) > 0)
		;				/* more interfaces, if any */
	CHECK_EQ(export_stats(x)->templates, 1);
	CHECK(export_stats(x)->options >= 1);

	/* 10 -> 9 with nothing pending: nothing sent until a record comes */
	f.protocol = 9;
	export_set_format(x, &f, 400);
	CHECK_EQ(rx(fa, a, sizeof(a), RX_NONE_MS), -1);
	mkrec(&r, 4);
	export_add(x, &r, 500);
	export_flush(x, 501);
	n = rx(fa, a, sizeof(a), RX_WAIT_MS);
	check_v9ipfix(a, n, 9, 0, 0);		/* new stream: sequence 0 */
	n = rx(fa, a, sizeof(a), RX_WAIT_MS);
	check_v9ipfix(a, n, 9, 1, 1);		/* options: the next packet */
	CHECK_EQ(export_stats(x)->templates, 2);
	CHECK_EQ(export_stats(x)->flows, 5);
	export_free(x, 600);
	close(fa);
}

/*
 * One clock for a datagram: sys_uptime is raised to the latest Last of its
 * records and never falls below the previous datagram's, across the wrap
 * too.
 */
static void
test_clock(void)
{
	uint8_t a[2048];
	uint16_t port;
	struct dest_list dl;
	struct flow_rec r;
	struct nf5_hdr h;
	struct exporter *x;
	ssize_t n;
	int fa;

	fa = rx_open(&port);
	CHECK(fa >= 0);
	mklist(&dl, &port, 1);
	x = export_new(7, 9, 0);
	CHECK(x != NULL && export_set_dests(x, &dl, 0) == 0);

	/* a record that left its producer with a later clock than the send */
	mkrec(&r, 1);
	r.last = 5000;
	export_add(x, &r, 5000);
	mkrec(&r, 2);
	r.last = 4000;
	export_add(x, &r, 4000);
	export_flush(x, 4500);
	n = rx(fa, a, sizeof(a), RX_WAIT_MS);
	CHECK(n > 0 && nf5_get_hdr(a, (size_t)n, &h) == 0);
	CHECK_EQ(h.sys_uptime, 5000);
	/* a later datagram sent with an earlier "now" keeps the clock */
	mkrec(&r, 3);
	export_add(x, &r, 4600);
	export_flush(x, 4600);
	n = rx(fa, a, sizeof(a), RX_WAIT_MS);
	CHECK(n > 0 && nf5_get_hdr(a, (size_t)n, &h) == 0);
	CHECK_EQ(h.sys_uptime, 5000);
	/* and moves on with it */
	export_add(x, &r, 6000);
	export_flush(x, 6000);
	n = rx(fa, a, sizeof(a), RX_WAIT_MS);
	CHECK(n > 0 && nf5_get_hdr(a, (size_t)n, &h) == 0);
	CHECK_EQ(h.sys_uptime, 6000);
	export_free(x, 6000);

	/* across the wrap: 10 ms after UINT32_MAX - 5 is 4 */
	x = export_new(7, 9, 0);
	CHECK(x != NULL && export_set_dests(x, &dl, 0) == 0);
	r.last = UINT32_MAX - 20;
	export_add(x, &r, UINT32_MAX - 20);
	export_flush(x, UINT32_MAX - 20);
	n = rx(fa, a, sizeof(a), RX_WAIT_MS);
	r.last = 4;
	export_add(x, &r, UINT32_MAX - 5);
	export_flush(x, UINT32_MAX - 5);
	n = rx(fa, a, sizeof(a), RX_WAIT_MS);
	CHECK(n > 0 && nf5_get_hdr(a, (size_t)n, &h) == 0);
	CHECK_EQ(h.sys_uptime, 4);
	/* and a datagram after it, sent with the pre-wrap "now", keeps 4 */
	export_add(x, &r, UINT32_MAX - 1);
	export_flush(x, UINT32_MAX - 1);
	n = rx(fa, a, sizeof(a), RX_WAIT_MS);
	CHECK(n > 0 && nf5_get_hdr(a, (size_t)n, &h) == 0);
	CHECK_EQ(h.sys_uptime, 4);
	export_free(x, 5);
	close(fa);
}

int
main(void)
{
	test_batches();
	test_tick_wrap();
	test_refused();
	test_swap();
	test_options();
	test_protocol_switch();
	test_clock();
	return check_done();
}
