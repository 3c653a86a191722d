/* sendq: a destination's bounded queue of datagrams.  See sendq.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "export/sendq.h"

struct sendq_item {
	struct sendq_load load;
	uint16_t len;
	uint8_t data[];
};

int
sendq_init(struct sendq *q, uint32_t cap)
{
	memset(q, 0, sizeof(*q));
	if (cap == 0) {
		errno = EINVAL;
		return -1;
	}
	if ((q->slot = calloc(cap, sizeof(*q->slot))) == NULL)
		return -1;
	q->cap = cap;
	return 0;
}

void
sendq_free(struct sendq *q)
{
	uint32_t i;

	for (i = 0; i < q->len; i++)
		free(q->slot[(q->head + i) % q->cap]);
	free(q->slot);
	q->slot = NULL;
	q->len = q->st.len = 0;
}

void
sendq_lost(struct sendq *q, const struct sendq_load *load)
{
	q->st.lost_dgrams++;
	q->st.lost_flows += load->flows;
	q->st.lost_packets += load->packets;
	q->st.lost_bytes += load->bytes;
}

int
sendq_push(struct sendq *q, const void *buf, size_t len,
    const struct sendq_load *load)
{
	struct sendq_item *it;

	if (q->len == q->cap || len > UINT16_MAX ||
	    (it = malloc(sizeof(*it) + len)) == NULL) {
		sendq_lost(q, load);
		return -1;
	}
	it->load = *load;
	it->len = (uint16_t)len;
	memcpy(it->data, buf, len);
	q->slot[(q->head + q->len) % q->cap] = it;
	q->len++;
	q->st.queued++;
	q->st.len = q->len;
	if (q->len > q->st.peak)
		q->st.peak = q->len;
	return 0;
}

uint32_t
sendq_drain(struct sendq *q, sendq_send_fn send, void *arg)
{
	struct sendq_item *it;
	int r;

	while (q->len > 0) {
		it = q->slot[q->head];
		if ((r = send(arg, it->data, it->len)) == 1)
			break;
		if (r == 2)
			sendq_lost(q, &it->load);
		free(it);
		q->head = (q->head + 1) % q->cap;
		q->len--;
	}
	q->st.len = q->len;
	return q->len;
}

void
sendq_drop_all(struct sendq *q)
{
	struct sendq_item *it;

	while (q->len > 0) {
		it = q->slot[q->head];
		sendq_lost(q, &it->load);
		free(it);
		q->head = (q->head + 1) % q->cap;
		q->len--;
	}
	q->st.len = 0;
}
