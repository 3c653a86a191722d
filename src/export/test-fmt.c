/*
 * test-fmt: the datagram builder on a fake clock: v5 unchanged, template
 * refresh by count and by time, live changes, datagram size.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "util/check.h"
#include "export/fmt.h"
#include "export/nf5.h"
#include "export/nf9.h"
#include "test-recs.h"

static void
mkcfg(struct fmt_cfg *c, unsigned protocol, uint32_t refresh,
    uint32_t timeout_ms)
{
	memset(c, 0, sizeof(*c));
	c->protocol = protocol;
	c->engine_type = 7;
	c->engine_id = 9;
	c->refresh_rate = refresh;
	c->timeout_ms = timeout_ms;
}

/* v5 through fmt gives exactly what nf5 writes by itself. */
static void
test_v5(void)
{
	uint8_t want[NF5_MAXLEN];
	struct fmt f;
	struct fmt_cfg c;
	struct flow_rec r;
	struct nf5_hdr h;
	unsigned i;
	size_t len;

	mkcfg(&c, 5, 20, 60000);
	fmt_init(&f, &c);
	test_rec4(&r);
	for (i = 0; i < NF5_MAXRECS; i++) {
		r.packets = i;
		nf5_put_rec(want, i, &r);
		CHECK_EQ(fmt_add(&f, &r, &test_clock), i + 1 == NF5_MAXRECS);
	}
	memset(&h, 0, sizeof(h));
	h.count = NF5_MAXRECS;
	h.sys_uptime = test_clock.uptime;
	h.unix_secs = test_clock.secs;
	h.unix_nsecs = test_clock.nsecs;
	h.engine_type = 7;
	h.engine_id = 9;
	nf5_put_hdr(want, &h);
	len = fmt_finish(&f, &test_clock);
	CHECK_EQ(len, NF5_MAXLEN);
	CHECK(memcmp(f.buf, want, NF5_MAXLEN) == 0);

	/* flow_sequence counts flows */
	fmt_add(&f, &r, &test_clock);
	len = fmt_finish(&f, &test_clock);
	CHECK_EQ(nf5_get_hdr(f.buf, len, &h), 0);
	CHECK_EQ(h.flow_sequence, NF5_MAXRECS);

	/* IPv6 cannot be carried: refused and counted */
	test_rec6(&r);
	errno = 0;
	CHECK_EQ(fmt_add(&f, &r, &test_clock), -1);
	CHECK_EQ(errno, EAFNOSUPPORT);
	CHECK_EQ(f.st.unsupported, 1);
	CHECK_EQ(fmt_pending(&f), 0);
}

/* Does the datagram in f->buf begin with a template set? */
static int
has_templates(const struct fmt *f, size_t len)
{
	size_t hl = f->cfg.protocol == 10 ? 16 : 20;
	uint16_t id;

	if (len < hl + 4)
		return -1;
	id = (uint16_t)(f->buf[hl] << 8 | f->buf[hl + 1]);
	return id == (f->cfg.protocol == 10 ? 2 : 0);
}

/* One record at uptime t, finished at once: did it carry templates? */
static int
one(struct fmt *f, uint32_t t)
{
	struct fmt_clock c = test_clock;
	struct flow_rec r;

	c.uptime = t;
	test_rec4(&r);
	fmt_add(f, &r, &c);
	return has_templates(f, fmt_finish(f, &c));
}

static void
test_refresh_count(void)
{
	struct fmt f;
	struct fmt_cfg c;
	unsigned proto, i;
	int got;

	for (proto = 9; proto <= 10; proto++) {
		mkcfg(&c, proto, 5, 60000);
		fmt_init(&f, &c);
		for (i = 0; i < 23; i++) {
			got = one(&f, 1000 + i);
			if (got != (i % 5 == 0))
				CHECK_EQ(got, i % 5 == 0);
		}
		CHECK_EQ(f.st.templates, 5);	/* 0, 5, 10, 15, 20 */
	}
}

static void
test_refresh_time(void)
{
	static const uint32_t starts[] = { 1000, UINT32_MAX - 30000 + 1 };
	struct fmt f;
	struct fmt_cfg c;
	uint32_t t0;
	unsigned i;

	/* count never reached; every 60 s of uptime, also across the wrap */
	for (i = 0; i < 2; i++) {
		t0 = starts[i];
		mkcfg(&c, 9, 1000, 60000);
		fmt_init(&f, &c);
		CHECK_EQ(one(&f, t0), 1);
		CHECK_EQ(one(&f, t0 + 30000), 0);
		CHECK_EQ(one(&f, t0 + 59999), 0);
		CHECK_EQ(one(&f, t0 + 60000), 1);
		CHECK_EQ(one(&f, t0 + 60001), 0);
		CHECK_EQ(one(&f, t0 + 119999), 0);
		CHECK_EQ(one(&f, t0 + 120005), 1);
	}
	/* the wrap pass ran too */
	CHECK_EQ(f.tmpl_at, 90005);
}

static void
test_reconf(void)
{
	struct fmt f;
	struct fmt_cfg c;

	mkcfg(&c, 9, 1000, 60000);
	fmt_init(&f, &c);
	CHECK_EQ(one(&f, 0), 1);
	CHECK_EQ(one(&f, 1), 0);
	/* same stream, new refresh: sequence kept, no template yet */
	c.refresh_rate = 500;
	fmt_reconf(&f, &c);
	CHECK_EQ(f.sequence, 2);
	CHECK_EQ(one(&f, 2), 0);
	/* masks change the templates: sent at once */
	c.masks = 1;
	fmt_reconf(&f, &c);
	CHECK_EQ(one(&f, 3), 1);
	CHECK_EQ(f.sequence, 4);
	/* a new source id is a new stream */
	c.engine_id = 10;
	fmt_reconf(&f, &c);
	CHECK_EQ(f.sequence, 0);
	CHECK_EQ(one(&f, 4), 1);
	CHECK_EQ(f.st.templates, 3);
	/* and a new protocol too */
	c.protocol = 10;
	CHECK_EQ(fmt_reconf_flushes(&f, &c), 1);
	fmt_reconf(&f, &c);
	CHECK_EQ(one(&f, 5), 1);
	CHECK_EQ(f.buf[1], 10);
	/* new refresh rates alone need no flush */
	c.refresh_rate = 7;
	CHECK_EQ(fmt_reconf_flushes(&f, &c), 0);
}

/*
 * v5 as before: a new engine_id goes into the next header written, pending
 * records stay, the flow sequence goes on.
 */
static void
test_reconf_v5(void)
{
	struct fmt f;
	struct fmt_cfg c;
	struct flow_rec r;
	struct nf5_hdr h;
	size_t len;

	mkcfg(&c, 5, 20, 60000);
	fmt_init(&f, &c);
	test_rec4(&r);
	fmt_add(&f, &r, &test_clock);
	fmt_finish(&f, &test_clock);
	fmt_add(&f, &r, &test_clock);
	c.engine_id = 77;
	CHECK_EQ(fmt_reconf_flushes(&f, &c), 0);
	fmt_reconf(&f, &c);
	CHECK_EQ(fmt_pending(&f), 1);
	len = fmt_finish(&f, &test_clock);
	CHECK_EQ(nf5_get_hdr(f.buf, len, &h), 0);
	CHECK_EQ(h.engine_id, 77);
	CHECK_EQ(h.flow_sequence, 1);
	CHECK_EQ(h.count, 1);
}

/*
 * Fill datagrams with a mix of families, so sets open and close: each
 * stays within FMT_MAXLEN and is reported full before the worst next
 * record would not fit.
 */
static void
test_size(void)
{
	struct fmt f;
	struct fmt_cfg c;
	struct flow_rec r4, r6;
	unsigned proto, i, n, masks;
	size_t len;
	int full;

	test_rec4(&r4);
	test_rec6(&r6);
	for (proto = 9; proto <= 10; proto++) {
		for (masks = 0; masks <= 1; masks++) {
			mkcfg(&c, proto, 2, 60000);
			c.masks = (int)masks;
			fmt_init(&f, &c);
			for (i = 0; i < 6; i++) {
				n = 0;
				do {
					full = fmt_add(&f, (n + i) % 3 ? &r4 :
					    &r6, &test_clock);
					n++;
				} while (!full && n < 100);
				CHECK_EQ(full, 1);
				len = fmt_finish(&f, &test_clock);
				CHECK(len <= FMT_MAXLEN);
				/* and not far from it: fewer than 2 records short */
				CHECK(len > FMT_MAXLEN - 2 * 90 - 8);
				CHECK(n >= 12);
			}
		}
	}
}

int
main(void)
{
	test_v5();
	test_refresh_count();
	test_refresh_time();
	test_reconf();
	test_reconf_v5();
	test_size();
	return check_done();
}
