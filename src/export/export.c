/*
 * export: NetFlow v5, v9 or IPFIX datagrams to every destination.  See
 * export.h.
 *
 * One pending datagram, built by fmt.h.  Records are encoded into it as
 * they are added, so sending is a header write and one send() per
 * destination.  The header is written last, at send time: count,
 * sys_uptime and the wall clock are only known then.  IPFIX records carry
 * wall-clock times: they are converted with the offset between the wall
 * and uptime clocks read when the datagram was started.
 *
 * Sockets.  Each destination has its own UDP socket, non-blocking so a full
 * send buffer costs an EAGAIN and never a wait, and connected so the kernel
 * hands back an ICMP port unreachable as ECONNREFUSED on a later send (an
 * unconnected socket never hears of it).  The errors are counted on the
 * socket they belong to; the other destinations get the datagram anyway.
 *
 * If connect() itself fails (typically no route to the collector yet), the
 * socket is kept and connect() is retried before each send, the failures
 * counted as "fail": a collector that is unreachable when the daemon starts
 * or reloads must not stop the export to the others.
 *
 * Outage.  A collector the kernel has no route to now (ENETUNREACH,
 * EHOSTUNREACH, ENETDOWN at connect or send: its link or address is down)
 * is an outage, not a verdict on the datagram: it waits in the queue like
 * one a full socket could not take, and the head of the queue is tried
 * again every EXPORT_RETRY_MS (each failed try counted as "fail").  When
 * the route is back the queue leaves in order; what did not fit in the
 * queue meanwhile is lost and counted.  Any other error (ECONNREFUSED from
 * an ICMP port unreachable, EPERM from a firewall) loses that datagram,
 * counted in flows, packets and bytes.  What UDP cannot tell (a datagram
 * sent to a port that answers with ICMP later, a host that vanished
 * silently) is beyond any count.
 *
 * One clock for a datagram.  sys_uptime is the "now" of the send, raised
 * to the latest Last of its records and to the previous datagram's
 * sys_uptime: producers hand records over with their own "now" (conntrack
 * mode reads the clock when it flushes, a control request may have read it
 * earlier), and a collector would turn a Last after sys_uptime into a flow
 * that ends in the future, or see time run backwards between datagrams.
 * Every comparison is on the signed 32-bit difference, so the uptime wrap
 * after 49.7 days is v5's modular arithmetic.
 *
 * Queue.  A datagram the socket cannot take now (EAGAIN, ENOBUFS) waits in
 * the destination's bounded queue (sendq.h), and so does every later one,
 * so they leave in order.  The socket is polled for EPOLLOUT while its
 * queue is not empty; a full queue loses the datagram, counted per
 * destination in flows, packets and bytes.  At exit export_drain() waits,
 * bounded, for every queue to empty.
 *
 * Sequence.  flow_sequence is the number of flows in every datagram built
 * before this one, whether or not a destination received it, as collectors
 * use it to count lost flows.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <linux/sockios.h>
#include <sys/socket.h>

#include "util/err.h"
#include "export/export.h"
#include "util/clock.h"
#include "util/log.h"
#include "export/fmt.h"
#include "export/ifnames.h"
#include "export/sendq.h"

/*
 * A partial datagram is sent once its first record is this old.  The daemon
 * ticks at least every 500 ms, so it leaves within 1 s (SPEC 5).
 */
#define EXPORT_MAXAGE_MS	500
/* A destination with no route is tried again this often. */
#define EXPORT_RETRY_MS		1000

struct xsock {
	int fd;
	int connected;
	int polled;			/* registered for EPOLLOUT */
	int down;			/* no route: retried at retry_at */
	uint32_t retry_at;
	struct sockaddr_storage addr;
	socklen_t addrlen;
	struct sendq q;
};

_Static_assert(OWN_MAX >= DEST_MAX, "an own_tab holds every destination");

struct exporter {
	struct fmt fmt;			/* the pending datagram */
	struct fmt_cfg cfg;
	uint32_t first_at;		/* uptime ms of its first record */
	int64_t wall_minus_up;		/* ms, read when it was started */
	uint64_t pend_packets;		/* totals of the records in it */
	uint64_t pend_bytes;
	uint64_t ignored_pkts, ignored_octets;	/* for the options data */
	uint32_t pend_last;		/* latest Last of the records pending */
	uint32_t sent_uptime;		/* sys_uptime of the last datagram... */
	int sent_any;			/* ...if there was one */
	uint32_t mark;
	int mark_warned;
	struct xsock xs[DEST_MAX];
	struct export_stats st;		/* st.nsocks sockets in xs */
	struct own_tab own;		/* the connected IPv4 sockets' pairs */
	int epfd;			/* the daemon's, for EPOLLOUT; -1 none */
	uint32_t qcap;			/* queue size of sockets opened next */
};

/*
 * The address pairs of the connected IPv4 sockets, for own_match(): taken
 * after every change of the sockets and every late connect, never per
 * datagram.
 */
static void
own_refresh(struct exporter *x)
{
	struct sockaddr_in l;
	const struct sockaddr_in *r;
	socklen_t len;
	unsigned i;

	x->own.n = 0;
	for (i = 0; i < x->st.nsocks && x->own.n < OWN_MAX; i++) {
		r = (const struct sockaddr_in *)(const void *)&x->xs[i].addr;
		len = sizeof(l);
		if (!x->xs[i].connected || r->sin_family != AF_INET ||
		    getsockname(x->xs[i].fd, (struct sockaddr *)&l, &len) < 0 ||
		    l.sin_family != AF_INET)
			continue;
		x->own.s[x->own.n].laddr = l.sin_addr.s_addr;
		x->own.s[x->own.n].lport = ntohs(l.sin_port);
		x->own.s[x->own.n].raddr = r->sin_addr.s_addr;
		x->own.s[x->own.n].rport = ntohs(r->sin_port);
		x->own.n++;
	}
}

struct exporter *
export_new(uint8_t engine_type, uint8_t engine_id, uint32_t mark)
{
	struct exporter *x;

	if ((x = calloc(1, sizeof(*x))) == NULL)
		return NULL;
	x->cfg.protocol = 5;
	x->cfg.engine_type = engine_type;
	x->cfg.engine_id = engine_id;
	x->cfg.refresh_rate = 20;
	x->cfg.timeout_ms = 30 * 60000;
	fmt_init(&x->fmt, &x->cfg);
	x->mark = mark;
	x->epfd = -1;
	x->qcap = EXPORT_QUEUE_DEFAULT;
	return x;
}

/*
 * Poll s for EPOLLOUT exactly while its queue holds something and waits
 * for the socket, not for a route (a socket with no route is writable).
 */
static void
arm(struct exporter *x, struct xsock *s)
{
	struct epoll_event ev = { .events = EPOLLOUT, .data.fd = s->fd };
	int want = s->q.len > 0 && !s->down;

	if (x->epfd < 0 || s->fd < 0 || want == s->polled)
		return;
	if (epoll_ctl(x->epfd, want ? EPOLL_CTL_ADD : EPOLL_CTL_DEL, s->fd,
	    &ev) == 0)
		s->polled = want;
}

/* The queue's counters into the destination's, after each change. */
static void
sync_q(struct exporter *x, unsigned i)
{
	x->st.sock[i].q = x->xs[i].q.st;
	arm(x, &x->xs[i]);
}

static void
close_socks(struct xsock *xs, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		close_keep_errno(xs[i].fd);	/* leaves the epoll set too */
		xs[i].fd = -1;
		xs[i].polled = 0;
		xs[i].down = 0;
		if (xs[i].q.slot)
			sendq_free(&xs[i].q);
	}
}

void
export_set_queue(struct exporter *x, uint32_t cap)
{
	x->qcap = cap ? cap : 1;
}

void
export_set_epoll(struct exporter *x, int epfd)
{
	unsigned i;

	x->epfd = epfd;
	for (i = 0; i < x->st.nsocks; i++)
		arm(x, &x->xs[i]);
}

void
export_free(struct exporter *x, uint32_t now)
{
	if (x == NULL)
		return;
	export_flush(x, now);
	close_socks(x->xs, x->st.nsocks);
	free(x);
}

static void send_pending(struct exporter *x, uint32_t now);
static void send_options(struct exporter *x, const struct fmt_clock *c);

static void
reconf(struct exporter *x, const struct fmt_cfg *c, uint32_t now)
{
	struct fmt_clock fc;
	struct timespec ts;

	if (fmt_reconf_flushes(&x->fmt, c))
		send_pending(x, now);
	fmt_reconf(&x->fmt, c);
	x->cfg = *c;
	/* a new sampler (v9/IPFIX): announced before any record of it */
	if (x->fmt.opts_due && fmt_pending(&x->fmt) == 0) {
		clock_gettime(CLOCK_REALTIME, &ts);
		fc.uptime = now;
		fc.secs = (uint32_t)ts.tv_sec;
		fc.nsecs = (uint32_t)ts.tv_nsec;
		send_options(x, &fc);
	}
}

void
export_set_engine(struct exporter *x, uint8_t engine_type, uint8_t engine_id)
{
	struct fmt_cfg c = x->cfg;

	/* v5: applies from the next datagram, headers are written at send. */
	c.engine_type = engine_type;
	c.engine_id = engine_id;
	reconf(x, &c, clk_uptime_ms());
}

void
export_set_format(struct exporter *x, const struct export_format *f,
    uint32_t now)
{
	struct fmt_cfg c;

	memset(&c, 0, sizeof(c));
	c.protocol = f->protocol;
	c.engine_type = f->engine_type;
	c.engine_id = f->engine_id;
	c.refresh_rate = f->refresh_rate;
	c.timeout_ms = f->timeout_rate * 60000;
	c.masks = f->masks;
	c.nat = f->nat;
	c.sampling_mode = f->sampling_mode;
	c.sampling_interval = f->sampling_interval;
	reconf(x, &c, now);
}

unsigned
export_protocol(const struct exporter *x)
{
	return x->cfg.protocol;
}

void
export_set_ignored(struct exporter *x, uint64_t pkts, uint64_t octets)
{
	x->ignored_pkts = pkts;
	x->ignored_octets = octets;
}

/*
 * Ask for sndbuf bytes.  SO_SNDBUFFORCE (CAP_NET_ADMIN, which the daemon
 * has) is not capped by net.core.wmem_max, so the operator's value holds as
 * with ipt_NETFLOW; without the capability fall back to the capped option.
 */
static int
set_sndbuf(int fd, uint32_t sndbuf)
{
	int v = sndbuf > INT_MAX / 2 ? INT_MAX / 2 : (int)sndbuf;

	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &v, sizeof(v)) == 0)
		return 0;
	return setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v, sizeof(v));
}

/*
 * SO_MARK lets the rules skip the daemon's own export traffic.  Without
 * CAP_NET_ADMIN (tests, a misconfigured unit) export still works, the
 * traffic is only metered too: say so once, go on.
 */
static int
set_mark(struct exporter *x, int fd)
{
	if (setsockopt(fd, SOL_SOCKET, SO_MARK, &x->mark, sizeof(x->mark)) == 0)
		return 0;
	if (errno != EPERM)
		return -1;
	if (!x->mark_warned) {
		log_warn("export: cannot set SO_MARK 0x%x on export sockets, "
		    "the daemon's own export traffic may be metered", x->mark);
		x->mark_warned = 1;
	}
	return 0;
}

static int
try_connect(struct xsock *s)
{
	if (connect(s->fd, (const struct sockaddr *)&s->addr, s->addrlen) < 0)
		return -1;
	s->connected = 1;
	return 0;
}

/* Open the socket of one destination; its stats get the effective sndbuf. */
static int
open_sock(struct exporter *x, const struct dest *d, uint32_t sndbuf,
    struct xsock *s, struct export_sock_stats *ss)
{
	int family = d->addr.ss_family, v;
	socklen_t vlen = sizeof(v);

	s->fd = -1;
	s->connected = 0;
	s->polled = 0;
	s->down = 0;
	if (sendq_init(&s->q, x->qcap) < 0)
		return -1;
	if ((family != AF_INET && family != AF_INET6) ||
	    d->addrlen > sizeof(s->addr)) {
		errno = EAFNOSUPPORT;
		return -1;
	}
	memcpy(&s->addr, &d->addr, d->addrlen);
	s->addrlen = d->addrlen;
	s->fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->fd < 0)
		return -1;
	if (sndbuf && set_sndbuf(s->fd, sndbuf) < 0)
		return -1;
	if (x->mark && set_mark(x, s->fd) < 0)
		return -1;
	if (getsockopt(s->fd, SOL_SOCKET, SO_SNDBUF, &v, &vlen) < 0)
		return -1;
	ss->sndbuf = v;
	if (try_connect(s) < 0)
		log_debug(1, "export: %s: connect: %s (retried at each send)",
		    d->text, strerror(errno));
	return 0;
}

/* The old counters of a destination configured again, if any. */
static const struct export_sock_stats *
find_old(const struct export_stats *st, const char *text, int *used)
{
	unsigned i;

	for (i = 0; i < st->nsocks; i++) {
		if (!used[i] && strcmp(st->sock[i].text, text) == 0) {
			used[i] = 1;
			return &st->sock[i];
		}
	}
	return NULL;
}

int
export_set_dests(struct exporter *x, const struct dest_list *dl,
    uint32_t sndbuf)
{
	struct xsock nxs[DEST_MAX];
	struct export_sock_stats nss[DEST_MAX];
	const struct export_sock_stats *old;
	int used[DEST_MAX] = { 0 };
	struct sendq q;
	unsigned i, j;

	if (dl->n > DEST_MAX) {
		errno = EINVAL;
		return -1;
	}
	memset(nss, 0, sizeof(nss));
	memset(nxs, 0, sizeof(nxs));
	for (i = 0; i < dl->n; i++) {
		if (open_sock(x, &dl->d[i], sndbuf, &nxs[i], &nss[i]) < 0) {
			close_socks(nxs, i + 1);
			return -1;
		}
	}

	/* All open: nothing can fail from here on. */
	for (i = 0; i < dl->n; i++) {
		snprintf(nss[i].text, sizeof(nss[i].text), "%s", dl->d[i].text);
		if ((old = find_old(&x->st, nss[i].text, used)) != NULL) {
			nss[i].ok = old->ok;
			nss[i].fail = old->fail;
			nss[i].refused = old->refused;
			nss[i].sndbuf_full = old->sndbuf_full;
			nss[i].bytes = old->bytes;
			/* what waits for it waits on, on the new socket */
			j = (unsigned)(old - x->st.sock);
			q = nxs[i].q;
			nxs[i].q = x->xs[j].q;
			x->xs[j].q = q;
			nss[i].q = nxs[i].q.st;
		}
	}
	close_socks(x->xs, x->st.nsocks);
	memcpy(x->xs, nxs, dl->n * sizeof(nxs[0]));
	memcpy(x->st.sock, nss, sizeof(nss));
	x->st.nsocks = dl->n;
	own_refresh(x);
	for (i = 0; i < dl->n; i++)
		arm(x, &x->xs[i]);
	log_debug(1, "export: %u destination(s)", dl->n);
	return 0;
}

/* Count the outcome of one send() on the socket it belongs to. */
static void
count_error(struct export_sock_stats *ss, int err)
{
	switch (err) {
	case ECONNREFUSED:
		ss->refused++;
		break;
	case EAGAIN:
#if EWOULDBLOCK != EAGAIN
	case EWOULDBLOCK:
#endif
	case ENOBUFS:
		ss->sndbuf_full++;
		break;
	default:
		ss->fail++;
		break;
	}
}

/* The kernel has no route to the collector now: an outage. */
static int
unreachable(int err)
{
	return err == ENETUNREACH || err == EHOSTUNREACH || err == ENETDOWN;
}

/* No route: the datagram waits, tried again in EXPORT_RETRY_MS. */
static int
went_down(struct xsock *s, struct export_sock_stats *ss)
{
	ss->fail++;
	s->down = 1;
	s->retry_at = clk_uptime_ms() + EXPORT_RETRY_MS;
	return 1;
}

/*
 * One send(): 0 sent, 1 must wait (socket full, or no route), 2 failed
 * for good (counted here, its flows by the caller).
 */
static int
try_send(struct exporter *x, unsigned i, const uint8_t *buf, size_t len)
{
	struct xsock *s = &x->xs[i];
	struct export_sock_stats *ss = &x->st.sock[i];
	ssize_t n;

	if (!s->connected) {
		if (try_connect(s) < 0) {
			if (unreachable(errno))
				return went_down(s, ss);
			ss->fail++;
			return 2;
		}
		own_refresh(x);
	}
	n = send(s->fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);
	if (n < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK ||
		    errno == ENOBUFS)
			return 1;
		if (unreachable(errno))
			return went_down(s, ss);
		count_error(ss, errno);
		return 2;
	}
	s->down = 0;
	ss->ok++;
	ss->bytes += (uint64_t)n;
	return 0;
}

struct q_ctx {
	struct exporter *x;
	unsigned i;
};

static int
q_send(void *arg, const void *buf, size_t len)
{
	struct q_ctx *c = arg;

	return try_send(c->x, c->i, buf, len);
}

/*
 * Behind a queue that is not empty, when the socket is full or there is
 * no route, the datagram waits its turn (a full queue counts it lost).
 */
static void
send_one(struct exporter *x, unsigned i, const uint8_t *buf, size_t len,
    const struct sendq_load *load)
{
	struct xsock *s = &x->xs[i];
	struct export_sock_stats *ss = &x->st.sock[i];

	int r = s->q.len == 0 ? try_send(x, i, buf, len) : 1;

	if (r == 0)
		return;
	if (r == 2) {
		sendq_lost(&s->q, load);
		sync_q(x, i);
		return;
	}
	if (s->q.len == 0 && !s->down)
		ss->sndbuf_full++;	/* the moment it started to wait */
	sendq_push(&s->q, buf, len, load);
	sync_q(x, i);
}

/* The datagram in fmt.buf to every destination; load: what it carries. */
static void
send_all(struct exporter *x, size_t len, const struct sendq_load *load)
{
	unsigned i;

	for (i = 0; i < x->st.nsocks; i++)
		send_one(x, i, x->fmt.buf, len, load);
	x->st.octets += len;
}

/*
 * The datagram holding the statistics record: each destination reads in
 * it what it did not get (flows lost in its own queue, with their packets
 * and octets), so the record is patched before each send.
 */
static void
send_stats(struct exporter *x, size_t len, const struct sendq_load *load)
{
	uint8_t *rec = x->fmt.buf + x->fmt.opts_stats_at;
	struct opts_notsent ns;
	unsigned i;

	for (i = 0; i < x->st.nsocks; i++) {
		ns.flows = x->xs[i].q.st.lost_flows;
		ns.pkts = x->xs[i].q.st.lost_packets;
		ns.octets = x->xs[i].q.st.lost_bytes;
		opts_put_notsent(rec, &ns);
		send_one(x, i, x->fmt.buf, len, load);
	}
	x->st.octets += len;
}

/*
 * v9/IPFIX options data after the templates: exporter statistics, then
 * the interface names, in as many datagrams as they need.
 */
static void
send_options(struct exporter *x, const struct fmt_clock *c)
{
	static const struct sendq_load none;	/* options carry no flow */
	struct opts_stats os;
	struct opts_ifname *ifs;
	unsigned nifs, next = 0;
	size_t len;

	x->fmt.opts_due = 0;
	memset(&os, 0, sizeof(os));
	os.domain = x->cfg.engine_id;
	os.messages = x->st.datagrams + x->st.options;
	os.flows = x->st.flows;
	os.octets = x->st.octets;
	os.ignored_pkts = x->ignored_pkts;
	os.ignored_octets = x->ignored_octets;
	ifs = ifnames_list(&nifs);	/* none if it fails: statistics only */
	while ((len = fmt_options(&x->fmt, &os, ifs, nifs, &next, c)) > 0) {
		if (x->fmt.opts_stats_at == 0)
			send_all(x, len, &none);
		else
			send_stats(x, len, &none);
		x->st.options++;
	}
	free(ifs);
}

static void
send_pending(struct exporter *x, uint32_t now)
{
	struct fmt_clock c;
	struct sendq_load load;
	struct timespec ts;
	unsigned n = fmt_pending(&x->fmt);
	size_t len;

	if (n == 0)
		return;
	if ((int32_t)(x->pend_last - now) > 0)
		now = x->pend_last;
	if (x->sent_any && (int32_t)(x->sent_uptime - now) > 0)
		now = x->sent_uptime;
	x->sent_uptime = now;
	x->sent_any = 1;
	clock_gettime(CLOCK_REALTIME, &ts);
	c.uptime = now;
	c.secs = (uint32_t)ts.tv_sec;
	c.nsecs = (uint32_t)ts.tv_nsec;
	len = fmt_finish(&x->fmt, &c);
	load.flows = n;
	load.packets = x->pend_packets;
	load.bytes = x->pend_bytes;
	send_all(x, len, &load);

	x->st.datagrams++;
	x->st.flows += n;
	x->st.packets += x->pend_packets;
	x->st.bytes += x->pend_bytes;
	x->st.templates = x->fmt.st.templates;
	x->pend_packets = 0;
	x->pend_bytes = 0;
	if (x->fmt.opts_due)
		send_options(x, &c);
}

/* The wall clock at uptime now, from the offset read at datagram start. */
static void
add_clock(const struct exporter *x, uint32_t now, struct fmt_clock *c)
{
	int64_t ms = x->wall_minus_up + now;

	c->uptime = now;
	c->secs = (uint32_t)(ms / 1000);
	c->nsecs = (uint32_t)(ms % 1000) * 1000000;
}

void
export_add(struct exporter *x, const struct flow_rec *r, uint32_t now)
{
	struct fmt_clock c;
	struct timespec ts;

	if (fmt_pending(&x->fmt) == 0) {
		x->first_at = now;
		x->pend_last = r->last;
		clock_gettime(CLOCK_REALTIME, &ts);
		x->wall_minus_up = (int64_t)ts.tv_sec * 1000 +
		    ts.tv_nsec / 1000000 - now;
	} else if ((int32_t)(r->last - x->pend_last) > 0)
		x->pend_last = r->last;
	add_clock(x, now, &c);
	switch (fmt_add(&x->fmt, r, &c)) {
	case -1:
		/* IPv6 under v5: counted, as the SPEC asks */
		x->st.unsupported++;
		x->st.unsupported_packets += r->packets;
		x->st.unsupported_bytes += r->bytes;
		return;
	case 0:
		x->pend_packets += r->packets;
		x->pend_bytes += r->bytes;
		return;
	default:
		x->pend_packets += r->packets;
		x->pend_bytes += r->bytes;
		send_pending(x, now);
		return;
	}
}

/* Destinations without a route whose retry is due: their queue again. */
static void
retry_down(struct exporter *x, uint32_t now)
{
	unsigned i;

	for (i = 0; i < x->st.nsocks; i++) {
		if (!x->xs[i].down || (int32_t)(now - x->xs[i].retry_at) < 0)
			continue;
		x->xs[i].down = 0;
		export_on_writable(x, x->xs[i].fd);
	}
}

void
export_tick(struct exporter *x, uint32_t now)
{
	retry_down(x, now);
	/* Signed difference: correct across the 49.7-day wrap of uptime. */
	if (fmt_pending(&x->fmt) > 0 &&
	    (int32_t)(now - x->first_at) >= EXPORT_MAXAGE_MS)
		send_pending(x, now);
}

uint32_t
export_next(const struct exporter *x, uint32_t now)
{
	uint32_t t = UINT32_MAX;
	int32_t age, left;
	unsigned i;

	for (i = 0; i < x->st.nsocks; i++) {
		if (!x->xs[i].down)
			continue;
		left = (int32_t)(x->xs[i].retry_at - now);
		if (left <= 0)
			return 0;
		if ((uint32_t)left < t)
			t = (uint32_t)left;
	}
	if (fmt_pending(&x->fmt) == 0)
		return t;
	age = (int32_t)(now - x->first_at);
	if (age >= EXPORT_MAXAGE_MS)
		return 0;
	return (uint32_t)(EXPORT_MAXAGE_MS - age) < t ?
	    (uint32_t)(EXPORT_MAXAGE_MS - age) : t;
}

void
export_flush(struct exporter *x, uint32_t now)
{
	send_pending(x, now);
}

int
export_on_writable(struct exporter *x, int fd)
{
	struct q_ctx c;
	unsigned i;

	for (i = 0; i < x->st.nsocks; i++) {
		if (x->xs[i].fd != fd)
			continue;
		c.x = x;
		c.i = i;
		sendq_drain(&x->xs[i].q, q_send, &c);
		sync_q(x, i);
		return 1;
	}
	return 0;
}

uint32_t
export_queued(const struct exporter *x)
{
	uint32_t n = 0;
	unsigned i;

	for (i = 0; i < x->st.nsocks; i++)
		n += x->xs[i].q.len;
	return n;
}

/* Bytes the kernel still holds for our sockets (send buffers, qdiscs). */
static int
in_flight(const struct exporter *x)
{
	unsigned i;
	int n;

	for (i = 0; i < x->st.nsocks; i++)
		if (ioctl(x->xs[i].fd, SIOCOUTQ, &n) == 0 && n > 0)
			return 1;
	return 0;
}

/*
 * Wait (poll, bounded by timeout_ms) until the sockets have taken every
 * queued datagram; what is left then is counted lost.  Then, within the
 * same bound, until the kernel has sent what the sockets took: a datagram
 * still in a send buffer or a shaping qdisc when the socket closes has
 * not reached the wire yet.
 */
uint32_t
export_drain(struct exporter *x, uint32_t timeout_ms, uint32_t (*clock)(void))
{
	struct pollfd pfd[DEST_MAX];
	uint32_t start = clock(), left, lost = 0;
	unsigned i, n;
	int wait;

	while ((left = export_queued(x)) > 0 &&
	    clock() - start < timeout_ms) {
		wait = (int)(timeout_ms - (clock() - start));
		retry_down(x, clock());
		for (i = n = 0; i < x->st.nsocks; i++) {
			if (x->xs[i].q.len == 0)
				continue;
			if (x->xs[i].down) {	/* no POLLOUT: its retry */
				if (wait > EXPORT_RETRY_MS / 10)
					wait = EXPORT_RETRY_MS / 10;
				continue;
			}
			pfd[n++] = (struct pollfd){ .fd = x->xs[i].fd,
			    .events = POLLOUT };
		}
		if (poll(pfd, n, wait) < 0 && errno != EINTR)
			break;
		for (i = 0; i < n; i++)
			if (pfd[i].revents)
				export_on_writable(x, pfd[i].fd);
	}
	for (i = 0; i < x->st.nsocks; i++) {
		lost += x->xs[i].q.len;
		sendq_drop_all(&x->xs[i].q);
		sync_q(x, i);
	}
	while (in_flight(x) && clock() - start < timeout_ms)
		poll(NULL, 0, 10);
	return lost;
}

const struct export_stats *
export_stats(const struct exporter *x)
{
	return &x->st;
}

const struct own_tab *
export_own(const struct exporter *x)
{
	return &x->own;
}

static void
export_put(void *arg, const struct flow_rec *r, uint32_t now)
{
	export_add(arg, r, now);
}

struct rec_sink
export_sink(struct exporter *x)
{
	return (struct rec_sink){ .put = export_put, .arg = x };
}
