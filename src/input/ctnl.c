/*
 * ctnl: the conntrack netlink sockets.  See ctnl.h.
 *
 * Every message, from the event socket or in answer to a request, goes
 * through on_msg: filtered and parsed the same way (ctmsg_parse, into a
 * ctconn_info on the stack: nothing is allocated per message), then handed
 * to what the caller asked for (an event handler, a dump handler, or one
 * GET's answer).  Events are read CT_BATCH datagrams per system call.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <linux/netlink.h>

#include <libmnl/libmnl.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack.h>

#include "input/ctmsg.h"
#include "input/ctnl.h"
#include "util/log.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK	270
#endif

#define CT_READ_BUDGET	4096		/* datagrams per ctnl_read() */
#define CT_BUF		(64u << 10)	/* answers to requests */
/*
 * Events: up to CT_BATCH datagrams per system call (recvmmsg), each into
 * its own CT_SLOT bytes.  One event is one datagram of a few hundred
 * bytes; a longer one is cut (MSG_TRUNC) and counted as a parse error.
 */
#define CT_BATCH	64
#define CT_SLOT		(8u << 10)
/*
 * Parsed events of one recvmmsg() batch wait here until the whole batch
 * is parsed: the prefetch hook then sees all of them before the first is
 * handled, so their table lookups' cache misses overlap.
 */
#define CT_PENDING	(2 * CT_BATCH)

struct ct_pending {
	struct ctconn_info ci;
	enum ctnl_event ev;
	int tcp_state;
};

struct ctnl {
	struct mnl_socket *ev, *req;
	unsigned req_portid;
	uint32_t seq;
	uint32_t groups;		/* NFNLGRP_* joined, as bits */
	char *buf;			/* CT_BUF: answers to requests */
	char *evbuf;			/* CT_BATCH x CT_SLOT: events */
	struct mmsghdr mm[CT_BATCH];
	struct iovec iov[CT_BATCH];

	/* the export sockets: their own datagrams are not metered */
	const struct own_tab *own;

	ctnl_prefetch_fn prefetch;
	void *prefetch_arg;
	struct ct_pending *pend;	/* CT_PENDING */
	unsigned npend;

	struct ctnl_stats st;
};

/* Where parsed messages go: events, a dump, or one GET. */
enum ct_ctx { CTX_EVENT, CTX_DUMP, CTX_GET };

struct ct_cb {
	struct ctnl *nl;
	enum ct_ctx ctx;
	ctnl_event_fn ev_fn;		/* CTX_EVENT */
	ctnl_conn_fn conn_fn;		/* CTX_DUMP */
	void *arg;
	struct ctconn_info *get;	/* CTX_GET: the answer */
	const struct ctconn_key *want;
	int found;
};

/* --- messages ---------------------------------------------------------- */

/*
 * One of the daemon's export connections: from one of its sockets' address
 * and port to that socket's collector.  Another host's connection to a
 * collector is accounted like any other.
 */
static int
is_own(const struct ctnl *nl, const struct ctconn_info *ci)
{
	unsigned i;

	/* (the export sockets are IPv4: flow/own.h) */
	if (ci->key.proto != IPPROTO_UDP || ci->key.v6 || nl->own == NULL)
		return 0;
	for (i = 0; i < nl->own->n; i++)
		if (ci->key.src[0] == nl->own->s[i].laddr &&
		    ci->key.sport == nl->own->s[i].lport &&
		    ci->key.dst[0] == nl->own->s[i].raddr &&
		    ci->key.dport == nl->own->s[i].rport)
			return 1;
	return 0;
}

/* Hand the pending events to fn, in order, after the prefetch passes. */
static void
dispatch_pending(struct ct_cb *cb)
{
	struct ctnl *nl = cb->nl;
	unsigned i, stage;

	if (nl->prefetch != NULL)
		for (stage = 0; stage < CTNL_PREFETCH_STAGES; stage++)
			for (i = 0; i < nl->npend; i++)
				nl->prefetch(nl->prefetch_arg, &nl->pend[i].ci,
				    stage);
	for (i = 0; i < nl->npend; i++)
		cb->ev_fn(cb->arg, nl->pend[i].ev, &nl->pend[i].ci,
		    nl->pend[i].tcp_state);
	nl->npend = 0;
}

static void
queue_event(struct ct_cb *cb, const struct nlmsghdr *nlh,
    const struct ctconn_info *ci, int tcp_state)
{
	struct ctnl *nl = cb->nl;
	struct ctnl_stats *st = &nl->st;
	struct ct_pending *p;

	if (nl->npend == CT_PENDING)
		dispatch_pending(cb);
	p = &nl->pend[nl->npend++];
	p->ci = *ci;
	p->tcp_state = tcp_state;
	if (NFNL_MSG_TYPE(nlh->nlmsg_type) == IPCTNL_MSG_CT_DELETE) {
		st->ev_destroy++;
		p->ev = CTNL_DESTROY;
	} else if (nlh->nlmsg_flags & (NLM_F_CREATE | NLM_F_EXCL)) {
		st->ev_new++;
		p->ev = CTNL_NEW;
	} else {
		st->ev_update++;
		p->ev = CTNL_UPDATE;
	}
}

static int
on_msg(const struct nlmsghdr *nlh, void *arg)
{
	struct ct_cb *cb = arg;
	struct ctnl_stats *st = &cb->nl->st;
	struct ctconn_info ci;
	uint8_t type = NFNL_MSG_TYPE(nlh->nlmsg_type);
	int tcp_state;

	if ((nlh->nlmsg_type >> 8) != NFNL_SUBSYS_CTNETLINK ||
	    (type != IPCTNL_MSG_CT_NEW && type != IPCTNL_MSG_CT_DELETE)) {
		st->ev_other++;
		return MNL_CB_OK;	/* not ours: skip */
	}
	switch (ctmsg_parse(nlh, &ci, &tcp_state)) {
	case CTMSG_OK:
		break;
	case CTMSG_OTHER:
		st->ev_ignored++;	/* neither IPv4 nor IPv6 */
		return MNL_CB_OK;
	default:
		st->parse_errors++;
		return MNL_CB_OK;
	}
	if (is_own(cb->nl, &ci)) {
		st->ev_own++;
		return MNL_CB_OK;
	}
	switch (cb->ctx) {
	case CTX_DUMP:
		cb->conn_fn(cb->arg, &ci);
		break;
	case CTX_GET:
		if (memcmp(&ci.key, cb->want, sizeof(ci.key)) == 0) {
			*cb->get = ci;
			cb->found = 1;
		}
		break;
	case CTX_EVENT:
		queue_event(cb, nlh, &ci, tcp_state);
		break;
	}
	return MNL_CB_OK;
}

/* --- requests ----------------------------------------------------------- */

/*
 * Send one request on "req" and run every answer through on_msg until the
 * kernel says done (dump) or acks (GET).  -1 with errno on failure.
 */
static int
request(struct ctnl *nl, struct nlmsghdr *nlh, struct ct_cb *cb)
{
	int n, ret;

	nlh->nlmsg_seq = ++nl->seq;
	if (mnl_socket_sendto(nl->req, nlh, nlh->nlmsg_len) < 0)
		return -1;
	for (;;) {
		n = (int)mnl_socket_recvfrom(nl->req, nl->buf, CT_BUF);
		if (n < 0)
			return -1;
		ret = mnl_cb_run(nl->buf, (size_t)n, nl->seq, nl->req_portid,
		    on_msg, cb);
		if (ret <= MNL_CB_STOP)
			return ret;
	}
}

static struct nlmsghdr *
put_get_header(char *buf, uint16_t flags, uint8_t family)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nfgenmsg *nfg;

	nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_GET;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = family;	/* AF_UNSPEC: both */
	nfg->version = NFNETLINK_V0;
	nfg->res_id = 0;
	return nlh;
}

int
ctnl_dump(struct ctnl *nl, ctnl_conn_fn fn, void *arg)
{
	char req[MNL_SOCKET_BUFFER_SIZE];
	struct ct_cb cb = { .nl = nl, .ctx = CTX_DUMP, .conn_fn = fn,
	    .arg = arg };

	return request(nl, put_get_header(req, NLM_F_DUMP, AF_UNSPEC), &cb);
}

int
ctnl_get(struct ctnl *nl, const struct ctconn_key *k, struct ctconn_info *out)
{
	char req[MNL_SOCKET_BUFFER_SIZE];
	struct ct_cb cb = { .nl = nl, .ctx = CTX_GET, .get = out, .want = k };
	struct nf_conntrack *q;
	struct nlmsghdr *nlh;
	int ret;

	if ((q = ctmsg_query(k)) == NULL)
		return -1;
	nlh = put_get_header(req, NLM_F_ACK, k->v6 ? AF_INET6 : AF_INET);
	ret = nfct_nlmsg_build(nlh, q);
	nfct_destroy(q);
	if (ret < 0)
		return -1;
	if (request(nl, nlh, &cb) < 0)
		return -1;
	if (!cb.found) {
		errno = ENOENT;	/* the tuple is now another connection */
		return -1;
	}
	return 0;
}

/* --- the event socket --------------------------------------------------- */

int
ctnl_set_rcvbuf(struct ctnl *nl, int size)
{
	int fd = mnl_socket_get_fd(nl->ev);
	socklen_t len = sizeof(nl->st.rcvbuf);

	nl->st.rcvbuf_set = size;
	/* FORCE passes net.core.rmem_max (we have CAP_NET_ADMIN) */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size,
	    sizeof(size)) < 0 &&
	    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size)) < 0)
		return -1;
	if (getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &nl->st.rcvbuf, &len) < 0)
		nl->st.rcvbuf = size;
	return 0;
}

void
ctnl_set_rcvbuf_max(struct ctnl *nl, int max)
{
	nl->st.rcvbuf_max = max;
}

static int
group_of(int g)
{
	switch (g) {
	case CTNL_NEW:		return NFNLGRP_CONNTRACK_NEW;
	case CTNL_UPDATE:	return NFNLGRP_CONNTRACK_UPDATE;
	default:		return NFNLGRP_CONNTRACK_DESTROY;
	}
}

/* Join and leave groups so that exactly the events asked for are joined. */
int
ctnl_set_events(struct ctnl *nl, uint32_t events)
{
	int e, g, opt;

	for (e = CTNL_NEW; e <= CTNL_DESTROY; e++) {
		g = group_of(e);
		if (!!(events & CTNL_EVENTS(e)) == !!(nl->groups & (1u << g)))
			continue;
		opt = events & CTNL_EVENTS(e) ? NETLINK_ADD_MEMBERSHIP :
		    NETLINK_DROP_MEMBERSHIP;
		if (mnl_socket_setsockopt(nl->ev, opt, &g, sizeof(g)) < 0)
			return -1;
		nl->groups ^= 1u << g;
	}
	return 0;
}

int
ctnl_set_reliable(struct ctnl *nl, int on)
{
	int fd = mnl_socket_get_fd(nl->ev);

	if (setsockopt(fd, SOL_NETLINK, NETLINK_BROADCAST_ERROR, &on,
	    sizeof(on)) < 0 ||
	    setsockopt(fd, SOL_NETLINK, NETLINK_NO_ENOBUFS, &on,
	    sizeof(on)) < 0)
		return -1;
	nl->st.reliable = on;
	return 0;
}

void
ctnl_set_own(struct ctnl *nl, const struct own_tab *own)
{
	nl->own = own;
}

void
ctnl_set_prefetch(struct ctnl *nl, ctnl_prefetch_fn fn, void *arg)
{
	nl->prefetch = fn;
	nl->prefetch_arg = arg;
}

/* Events were lost: count it and make the next loss less likely. */
static void
overrun(struct ctnl *nl)
{
	struct ctnl_stats *st = &nl->st;
	int want;

	st->overruns++;
	if (st->rcvbuf_set < st->rcvbuf_max) {
		want = st->rcvbuf_set > st->rcvbuf_max / 2 ? st->rcvbuf_max :
		    st->rcvbuf_set * 2;
		ctnl_set_rcvbuf(nl, want);
	}
}

static void
on_event_msg(const struct nlmsghdr *nlh, void *arg)
{
	struct ct_cb *cb = arg;

	if (nlh->nlmsg_type < NLMSG_MIN_TYPE)
		cb->nl->st.ev_other++;	/* noop, error, done */
	else
		on_msg(nlh, cb);
}

/*
 * The messages of one event datagram.  A datagram that ends inside a
 * message, or a message longer than what is left, counts as a parse error
 * and the rest of it is not read.
 */
static void
read_datagram(struct ct_cb *cb, const char *buf, size_t n)
{
	if (ctmsg_walk(buf, n, on_event_msg, cb) < 0)
		cb->nl->st.parse_errors++;
}

int
ctnl_read(struct ctnl *nl, ctnl_event_fn fn, void *arg)
{
	struct ct_cb cb = { .nl = nl, .ctx = CTX_EVENT, .ev_fn = fn,
	    .arg = arg };
	int fd = mnl_socket_get_fd(nl->ev), n, i, got = 0, ret = 0;

	/* events have seq 0 and port 0: no sequence checks */
	while (got < CT_READ_BUDGET) {
		for (i = 0; i < CT_BATCH; i++)
			nl->mm[i].msg_hdr.msg_flags = 0;
		n = recvmmsg(fd, nl->mm, CT_BATCH, MSG_DONTWAIT, NULL);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				ret |= CTNL_DRAINED;
				break;
			}
			if (errno == ENOBUFS) {
				overrun(nl);
				ret |= CTNL_LOST;
			} else if (errno != EINTR)
				break;
			continue;
		}
		if (n == 0)
			break;
		nl->st.reads++;
		nl->st.datagrams += (uint64_t)n;
		for (i = 0; i < n; i++) {
			if (nl->mm[i].msg_hdr.msg_flags & MSG_TRUNC) {
				nl->st.parse_errors++;
				continue;
			}
			read_datagram(&cb, nl->evbuf + (size_t)i * CT_SLOT,
			    nl->mm[i].msg_len);
		}
		dispatch_pending(&cb);
		got += n;
		/*
		 * Fewer than asked for: empty, or an error is pending; the
		 * next call tells which (drained only on EAGAIN).
		 */
	}
	return ret;
}

/* --- open and close ----------------------------------------------------- */

static int
open_ev(struct ctnl *nl, int rcvbuf, int reliable, uint32_t events)
{
	if ((nl->ev = mnl_socket_open2(NETLINK_NETFILTER,
	    SOCK_NONBLOCK | SOCK_CLOEXEC)) == NULL ||
	    mnl_socket_bind(nl->ev, 0, MNL_SOCKET_AUTOPID) < 0) {
		log_warn("conntrack: event socket");
		return -1;
	}
	if (ctnl_set_rcvbuf(nl, rcvbuf) < 0) {
		log_warn("conntrack: receive buffer %d", rcvbuf);
		return -1;
	}
	if (reliable && ctnl_set_reliable(nl, 1) < 0) {
		log_warn("conntrack: reliable event delivery");
		return -1;
	}
	if (ctnl_set_events(nl, events) < 0) {
		log_warn("conntrack: cannot join the event groups");
		return -1;
	}
	return 0;
}

static int
open_req(struct ctnl *nl)
{
	if ((nl->req = mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC)) ==
	    NULL || mnl_socket_bind(nl->req, 0, MNL_SOCKET_AUTOPID) < 0) {
		log_warn("conntrack: request socket");
		return -1;
	}
	nl->req_portid = mnl_socket_get_portid(nl->req);
	return 0;
}

struct ctnl *
ctnl_open(int rcvbuf, int rcvbuf_max, int reliable, uint32_t events)
{
	struct ctnl *nl;

	unsigned i;

	if ((nl = calloc(1, sizeof(*nl))) == NULL ||
	    (nl->buf = malloc(CT_BUF)) == NULL ||
	    (nl->evbuf = malloc((size_t)CT_BATCH * CT_SLOT)) == NULL ||
	    (nl->pend = malloc(CT_PENDING * sizeof(*nl->pend))) == NULL) {
		if (nl != NULL) {
			free(nl->buf);
			free(nl->evbuf);
		}
		free(nl);
		log_warn("conntrack");
		return NULL;
	}
	for (i = 0; i < CT_BATCH; i++) {
		nl->iov[i].iov_base = nl->evbuf + (size_t)i * CT_SLOT;
		nl->iov[i].iov_len = CT_SLOT;
		nl->mm[i].msg_hdr.msg_iov = &nl->iov[i];
		nl->mm[i].msg_hdr.msg_iovlen = 1;
	}
	nl->st.rcvbuf_max = rcvbuf_max;
	if (open_ev(nl, rcvbuf, reliable, events) < 0 || open_req(nl) < 0) {
		ctnl_close(nl);
		return NULL;
	}
	return nl;
}

void
ctnl_close(struct ctnl *nl)
{
	int e = errno;

	if (nl == NULL)
		return;
	if (nl->ev)
		mnl_socket_close(nl->ev);
	if (nl->req)
		mnl_socket_close(nl->req);
	free(nl->buf);
	free(nl->evbuf);
	free(nl->pend);
	free(nl);
	errno = e;
}

int
ctnl_fd(const struct ctnl *nl)
{
	return mnl_socket_get_fd(nl->ev);
}

const struct ctnl_stats *
ctnl_stats(const struct ctnl *nl)
{
	return &nl->st;
}
