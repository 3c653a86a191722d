/*
 * sendq: the bounded queue of datagrams waiting for one destination's
 * socket.  No I/O of its own.
 *
 * A flush or shutdown builds thousands of datagrams at once, far more than
 * a socket's send buffer holds.  What the socket cannot take now waits
 * here, in order, and leaves when the socket is writable again (the daemon
 * polls it for EPOLLOUT while the queue is not empty).  A datagram that
 * finds the queue full is lost, and counted in datagrams, flows, packets
 * and bytes, so the loss is known exactly.  Memory: the slots are
 * allocated as the queue grows, up to cap.
 */
#ifndef NFN_SENDQ_H
#define NFN_SENDQ_H

#include <stddef.h>
#include <stdint.h>

/* What one datagram carries, for counting it if it is lost. */
struct sendq_load {
	uint32_t flows;
	uint64_t packets, bytes;
};

struct sendq_stats {
	uint64_t queued;		/* datagrams that ever waited here */
	uint64_t lost_dgrams;		/* found the queue full */
	uint64_t lost_flows, lost_packets, lost_bytes;
	uint32_t len, peak;		/* datagrams waiting now, most ever */
};

struct sendq_item;

struct sendq {
	struct sendq_item **slot;	/* ring of cap pointers */
	uint32_t cap, head, len;
	struct sendq_stats st;
};

/* An empty queue of at most cap datagrams (cap >= 1).  -1 with errno. */
int	sendq_init(struct sendq *q, uint32_t cap);
/* Frees what is queued (not counted as lost: see sendq_drop_all()). */
void	sendq_free(struct sendq *q);

/*
 * Queue a copy of buf (len <= 65535).  0, or -1 when full (or out of
 * memory): then it is counted lost with load.
 */
int	sendq_push(struct sendq *q, const void *buf, size_t len,
	    const struct sendq_load *load);

/*
 * Send what is queued, oldest first: send() returns 0 when the datagram
 * left, 1 when it must wait (the socket would block, or there is no route
 * now: it stays first in line), 2 when it failed for good (counted lost
 * with its load).  Returns how many are left.
 */
typedef int (*sendq_send_fn)(void *arg, const void *buf, size_t len);
uint32_t sendq_drain(struct sendq *q, sendq_send_fn send, void *arg);

/* Count one datagram that never reached the socket as lost. */
void	sendq_lost(struct sendq *q, const struct sendq_load *load);

/* Give up on everything queued (shutdown timeout): counted as lost. */
void	sendq_drop_all(struct sendq *q);

#endif
