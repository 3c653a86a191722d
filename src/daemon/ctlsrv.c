/*
 * ctlsrv: control connections as state machines on the event loop.  See
 * ctlsrv.h.
 *
 *	READ   the request line arrives (EPOLLIN); at its newline, or when
 *	       the client shuts down its side, it is checked (ctlauth.h) and
 *	       run (control.h)
 *	WAIT   its job runs (no events); ctlsrv_answer() moves it on
 *	WRITE  the answer leaves as the socket takes it (EPOLLOUT); a flows
 *	       listing is produced a few steps at a time, only once what was
 *	       produced before has left, so at most one step's text waits here
 *
 * A connection is named by an id as well as its slot, so the answer of a
 * job whose client was dropped cannot reach a later client in that slot.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "daemon/control.h"
#include "daemon/ctl.h"
#include "daemon/ctlauth.h"
#include "daemon/ctlsrv.h"
#include "daemon/daemon_priv.h"
#include "util/err.h"
#include "util/log.h"

/* Connections taken per wakeup, so a flood of connects cannot hold us. */
#define ACCEPT_BURST	16
/* Listing steps per writable event while the socket takes all of them. */
#define STEPS_PER_EVENT	8

enum cc_state { CC_FREE, CC_READ, CC_WAIT, CC_WRITE };

struct ctlconn {
	int fd;
	enum cc_state state;
	uint64_t id;
	uint32_t deadline;		/* uptime ms */
	uint32_t mask;			/* epoll events registered */
	size_t have;
	char req[CTL_REQ_MAX];
	char *out;			/* what is still to write, from outoff */
	size_t outlen, outoff;
	struct control_req cr;
	struct ctlauth_peer peer;
};

struct ctlsrv {
	struct ctlconn c[CTLSRV_CLIENTS];
	uint64_t last_id;
	struct ctlsrv_stats st;
};

struct ctlsrv *
ctlsrv_new(struct daemon *d)
{
	struct ctlsrv *s = calloc(1, sizeof(*s));
	unsigned i;

	if (s == NULL)
		return NULL;
	for (i = 0; i < CTLSRV_CLIENTS; i++)
		s->c[i].fd = -1;
	return s;
}

static void
conn_close(struct ctlsrv *s, struct ctlconn *c)
{
	close_keep_errno(c->fd);	/* leaves the epoll set too */
	free(c->out);
	memset(c, 0, sizeof(*c));
	c->fd = -1;
	s->st.open--;
}

void
ctlsrv_free(struct ctlsrv *s)
{
	unsigned i;

	if (s == NULL)
		return;
	for (i = 0; i < CTLSRV_CLIENTS; i++)
		if (s->c[i].state != CC_FREE)
			conn_close(s, &s->c[i]);
	free(s);
}

static void
set_mask(struct daemon *d, struct ctlconn *c, uint32_t ev)
{
	struct epoll_event e = { .events = ev, .data.fd = c->fd };

	if (c->mask != ev && epoll_ctl(d->epfd, EPOLL_CTL_MOD, c->fd, &e) == 0)
		c->mask = ev;
}

static struct ctlconn *
free_slot(struct ctlsrv *s)
{
	unsigned i;

	for (i = 0; i < CTLSRV_CLIENTS; i++)
		if (s->c[i].state == CC_FREE)
			return &s->c[i];
	return NULL;
}

/*
 * One line to a client we will not serve; never waits.  What it already
 * sent is read first: closing a Unix socket with unread data resets the
 * peer, which would then see ECONNRESET instead of the line.
 */
static void
refuse(int fd, const char *why)
{
	char sink[CTL_REQ_MAX];
	ssize_t r = send(fd, why, strlen(why), MSG_DONTWAIT | MSG_NOSIGNAL);
	int i;

	shutdown(fd, SHUT_WR);
	for (i = 0; i < 4 && r >= 0; i++)
		if ((r = recv(fd, sink, sizeof(sink), MSG_DONTWAIT)) <= 0)
			break;
	close(fd);
}

void
ctlsrv_accept(struct daemon *d)
{
	struct ctlsrv *s = d->cs;
	struct epoll_event ev = { .events = EPOLLIN };
	struct ctlconn *c;
	char msg[128];
	unsigned n;
	int fd;

	for (n = 0; n < ACCEPT_BURST; n++) {
		fd = accept4(d->ctlfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (fd < 0)
			return;
		if ((c = free_slot(s)) == NULL) {
			s->st.busy++;
			snprintf(msg, sizeof(msg), "ERR busy: %d control clients "
			    "already connected (the most served at once); try "
			    "again\n", CTLSRV_CLIENTS);
			refuse(fd, msg);
			continue;
		}
		memset(c, 0, sizeof(*c));
		c->fd = fd;
		ev.data.fd = fd;
		if (ctlauth_peer(fd, &c->peer) < 0 ||
		    epoll_ctl(d->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
			s->st.failed++;
			close(fd);
			c->fd = -1;
			continue;
		}
		c->mask = EPOLLIN;
		c->state = CC_READ;
		c->id = ++s->last_id;
		c->deadline = d->now + CTLSRV_DEADLINE_MS;
		s->st.accepted++;
		s->st.open++;
	}
}

static void on_write(struct daemon *d, struct ctlconn *c);

/* The answer so far is text (malloc'd, may be NULL: out of memory). */
static void
start_write(struct daemon *d, struct ctlconn *c, char *text)
{
	if (text == NULL) {
		d->cs->st.failed++;
		conn_close(d->cs, c);
		return;
	}
	free(c->out);
	c->out = text;
	c->outlen = strlen(text);
	c->outoff = 0;
	c->state = CC_WRITE;
	on_write(d, c);
}

static char *
err_text(const char *fmt, const char *arg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out;

	if ((out = open_memstream(&buf, &len)) == NULL)
		return NULL;
	ctl_reply_err(out, fmt, arg);
	fclose(out);
	return buf;
}

/* The whole request is in c->req: check it, run it. */
static void
dispatch(struct daemon *d, struct ctlconn *c)
{
	char err[512], *text, *nl;

	if ((nl = memchr(c->req, '\n', c->have)) != NULL)
		*nl = '\0';
	if (ctlauth_check(&c->peer, d->ctl_group, d->conf.control_group,
	    c->req, err, sizeof(err)) < 0) {
		log_info("control: %s (pid %d)", err, (int)c->peer.pid);
		start_write(d, c, err_text("%s", err));
		return;
	}
	c->cr.async = d->job != NULL;
	text = daemon_control_start(d, c->req, &c->cr);
	if (text != NULL && c->cr.wait) {
		free(text);
		d->job_conn = c->id;
		c->state = CC_WAIT;
		set_mask(d, c, 0);
		return;
	}
	start_write(d, c, text);
}

static void
on_read(struct daemon *d, struct ctlconn *c)
{
	ssize_t n;

	for (;;) {
		if (c->have + 1 >= sizeof(c->req)) {
			start_write(d, c, err_text("request longer than %s "
			    "bytes", "4095"));
			return;
		}
		n = read(c->fd, c->req + c->have, sizeof(c->req) - 1 - c->have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;		/* more to come */
		if (n < 0) {
			d->cs->st.failed++;
			conn_close(d->cs, c);
			return;
		}
		if (n == 0)
			break;		/* the client shut down: that is all */
		c->have += (size_t)n;
		c->req[c->have] = '\0';
		if (memchr(c->req + c->have - (size_t)n, '\n', (size_t)n))
			break;
	}
	c->req[c->have] = '\0';
	dispatch(d, c);
}

/* The next steps of a listing into c->out; 0, or -1 out of memory. */
static int
next_steps(struct daemon *d, struct ctlconn *c)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out;

	if ((out = open_memstream(&buf, &len)) == NULL)
		return -1;
	if (stats_flows_step(d, &c->cr.cur, out, STATS_FLOWS_STEP))
		c->cr.stream = 0;
	if (fclose(out) != 0) {
		free(buf);
		return -1;
	}
	free(c->out);
	c->out = buf;
	c->outlen = len;
	c->outoff = 0;
	return 0;
}

static void
on_write(struct daemon *d, struct ctlconn *c)
{
	unsigned steps = 0;
	ssize_t n;

	for (;;) {
		while (c->outoff < c->outlen) {
			n = send(c->fd, c->out + c->outoff,
			    c->outlen - c->outoff, MSG_DONTWAIT | MSG_NOSIGNAL);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
				set_mask(d, c, EPOLLOUT);
				return;
			}
			if (n < 0) {
				d->cs->st.failed++;
				conn_close(d->cs, c);
				return;
			}
			c->outoff += (size_t)n;
		}
		if (!c->cr.stream)
			break;
		/* more of the listing, but not all of it in one turn */
		if (steps++ == STEPS_PER_EVENT) {
			set_mask(d, c, EPOLLOUT);
			return;
		}
		if (next_steps(d, c) < 0) {
			d->cs->st.failed++;
			conn_close(d->cs, c);
			return;
		}
	}
	d->cs->st.answered++;
	conn_close(d->cs, c);
}

int
ctlsrv_event(struct daemon *d, int fd, uint32_t events)
{
	struct ctlsrv *s = d->cs;
	struct ctlconn *c = NULL;
	unsigned i;

	if (s == NULL)
		return 0;
	for (i = 0; i < CTLSRV_CLIENTS && c == NULL; i++)
		if (s->c[i].state != CC_FREE && s->c[i].fd == fd)
			c = &s->c[i];
	if (c == NULL)
		return 0;
	switch (c->state) {
	case CC_READ:
		on_read(d, c);
		break;
	case CC_WRITE:
		on_write(d, c);
		break;
	case CC_WAIT:
		/* no events asked: only a hangup or an error comes here */
		if (events & (EPOLLHUP | EPOLLERR)) {
			s->st.failed++;
			conn_close(s, c);
		}
		break;
	case CC_FREE:
		break;
	}
	return 1;
}

void
ctlsrv_tick(struct daemon *d, uint32_t now)
{
	struct ctlsrv *s = d->cs;
	unsigned i;

	for (i = 0; s != NULL && i < CTLSRV_CLIENTS; i++) {
		struct ctlconn *c = &s->c[i];

		if (c->state == CC_FREE || (int32_t)(now - c->deadline) < 0)
			continue;
		log_info("control: client (pid %d) dropped: its request took "
		    "longer than %u s", (int)c->peer.pid,
		    CTLSRV_DEADLINE_MS / 1000);
		s->st.timed_out++;
		conn_close(s, c);
	}
}

uint32_t
ctlsrv_next(const struct ctlsrv *s, uint32_t now)
{
	uint32_t t = UINT32_MAX;
	int32_t left;
	unsigned i;

	for (i = 0; s != NULL && i < CTLSRV_CLIENTS; i++) {
		if (s->c[i].state == CC_FREE)
			continue;
		left = (int32_t)(s->c[i].deadline - now);
		if (left <= 0)
			return 0;
		if ((uint32_t)left < t)
			t = (uint32_t)left;
	}
	return t;
}

void
ctlsrv_answer(struct daemon *d, uint64_t id, char *text)
{
	struct ctlsrv *s = d->cs;
	unsigned i;

	for (i = 0; s != NULL && i < CTLSRV_CLIENTS; i++) {
		if (s->c[i].state == CC_WAIT && s->c[i].id == id) {
			start_write(d, &s->c[i], text);
			return;
		}
	}
	free(text);
}

const struct ctlsrv_stats *
ctlsrv_stats(const struct ctlsrv *s)
{
	return &s->st;
}
