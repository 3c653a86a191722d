/* Unit tests of sendq.c: order, bound, exact loss counts. */
#include <string.h>

#include "export/sendq.h"
#include "util/check.h"

struct sink {
	unsigned room;		/* datagrams the "socket" takes before EAGAIN */
	unsigned got;
	unsigned char last;
	int in_order;
};

static int
fake_send(void *arg, const void *buf, size_t len)
{
	struct sink *s = arg;
	const unsigned char *b = buf;

	if (s->room == 0)
		return 1;
	s->room--;
	if (s->got > 0 && b[0] != (unsigned char)(s->last + 1))
		s->in_order = 0;
	s->last = b[0];
	s->got++;
	CHECK_EQ(len, 100);
	return 0;
}

int
main(void)
{
	struct sendq q;
	struct sink s = { .in_order = 1 };
	struct sendq_load load = { .flows = 30, .packets = 300, .bytes = 30000 };
	unsigned char buf[100];
	unsigned i, pushed = 0;

	CHECK(sendq_init(&q, 0) == -1);
	CHECK(sendq_init(&q, 8) == 0);
	/* 12 into 8 slots: 4 lost, counted in every unit */
	for (i = 0; i < 12; i++) {
		memset(buf, (int)i, sizeof(buf));
		pushed += sendq_push(&q, buf, sizeof(buf), &load) == 0;
	}
	CHECK_EQ(pushed, 8);
	CHECK_EQ(q.st.len, 8);
	CHECK_EQ(q.st.peak, 8);
	CHECK_EQ(q.st.lost_dgrams, 4);
	CHECK_EQ(q.st.lost_flows, 120);
	CHECK_EQ(q.st.lost_packets, 1200);
	CHECK_EQ(q.st.lost_bytes, 120000);
	/* the socket takes 3, then would block: 5 wait, first still first */
	s.room = 3;
	CHECK_EQ(sendq_drain(&q, fake_send, &s), 5);
	CHECK_EQ(s.got, 3);
	/* room again: the rest, in order, wrapping around the ring */
	for (i = 12; i < 15; i++) {
		memset(buf, (int)(i - 4), sizeof(buf));	/* 8, 9, 10 */
		CHECK(sendq_push(&q, buf, sizeof(buf), &load) == 0);
	}
	s.room = 100;
	CHECK_EQ(sendq_drain(&q, fake_send, &s), 0);
	CHECK_EQ(s.got, 11);
	CHECK(s.in_order);
	CHECK_EQ(q.st.queued, 11);
	/* shutdown with datagrams waiting: they count as lost */
	CHECK(sendq_push(&q, buf, sizeof(buf), &load) == 0);
	sendq_drop_all(&q);
	CHECK_EQ(q.st.len, 0);
	CHECK_EQ(q.st.lost_dgrams, 5);
	CHECK_EQ(q.st.lost_flows, 150);
	sendq_free(&q);
	return check_done();
}
