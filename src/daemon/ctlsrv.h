/*
 * ctlsrv: the control socket's server side, driven by the event loop.
 *
 * Every connection is non-blocking and has its own state: the request is
 * read as its bytes arrive, the answer written as the client takes it (a
 * flows listing produced in steps, stats.h, only when the socket has room
 * for more), and a reload or "set destination" answered when its job ends
 * (confjob.h).  Nothing here ever waits for a client, so a slow, stuck or
 * hostile one cannot hold the loop and NFLOG is read meanwhile.
 *
 * Bounds: at most CTLSRV_CLIENTS connections at once (one more is told so
 * in one line and closed); each request, from accept() to the last byte
 * of its answer, has CTLSRV_DEADLINE_MS, after which the client is dropped
 * and counted.  Both are counted in the statistics.
 */
#ifndef NFN_CTLSRV_H
#define NFN_CTLSRV_H

#include <stdint.h>
#include <stdio.h>

#define CTLSRV_CLIENTS		8
#define CTLSRV_DEADLINE_MS	10000

struct daemon;
struct ctlsrv;

struct ctlsrv_stats {
	uint64_t accepted;	/* connections taken */
	uint64_t answered;	/* answers written whole */
	uint64_t timed_out;	/* dropped at the deadline */
	uint64_t busy;		/* refused: CTLSRV_CLIENTS already open */
	uint64_t failed;	/* dropped on a socket error or a bad request */
	uint32_t open;		/* connections now */
};

/* Serve the listening socket d->ctlfd through d->epfd.  NULL with errno. */
struct ctlsrv *ctlsrv_new(struct daemon *d);
/* Closes every connection.  Accepts NULL. */
void	ctlsrv_free(struct ctlsrv *s);

/* d->ctlfd is readable: take what waits (bounded). */
void	ctlsrv_accept(struct daemon *d);
/* An epoll event on fd: 1 if it is a connection (and was served). */
int	ctlsrv_event(struct daemon *d, int fd, uint32_t events);
/* Drop the connections past their deadline. */
void	ctlsrv_tick(struct daemon *d, uint32_t now);
/* ms from now to the next deadline (UINT32_MAX: no connection). */
uint32_t ctlsrv_next(const struct ctlsrv *s, uint32_t now);

/*
 * The answer to the request of connection id (a job's), malloc'd; taken
 * over (freed) whether or not that connection is still there.
 */
void	ctlsrv_answer(struct daemon *d, uint64_t id, char *text);

const struct ctlsrv_stats *ctlsrv_stats(const struct ctlsrv *s);

#endif
