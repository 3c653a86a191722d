/*
 * nlg: the NFLOG group reader.  See nlg.h.
 *
 * Why it looks the way it does (measured on this kernel):
 *  - The kernel batches log messages up to the queue threshold, and one
 *    batch can be about twice nlbufsiz, so the receive buffer is sized for
 *    the largest batch and MSG_TRUNC is checked and counted.
 *  - nlbufsiz above 131072 is accepted but silently ignored by the kernel
 *    (batches fall back to ~3.7 KiB), so it is capped at 131072.
 *  - NFLOG sequence numbers make every message lost to a socket overrun
 *    visible: lost = gaps in the sequence.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_log.h>
#include <libnetfilter_log/libnetfilter_log.h>

#include "util/log.h"
#include "input/nlg.h"

#define NLG_NLBUFSIZ_MAX	131072
/* A batch can be ~2x nlbufsiz; leave room beyond that to detect the rest. */
#define NLG_RXBUF		(4 * NLG_NLBUFSIZ_MAX)

/* NFLOG sequence numbers of one group instance. */
struct nlg_seq {
	int known;
	uint32_t next;
};

/*
 * After a change of group the previous one stays bound until it has been
 * quiet this long: the rules still log to it until they are reloaded
 * (nft-netflow pushes the change to the daemon first, then loads them), and
 * a group nobody reads drops packets without a trace.
 */
#define NLG_OLD_QUIET_MS	2000
/* A config message's answer: waited for this long, then sent again. */
#define NLG_ACK_WAIT_MS		1000
#define NLG_ACK_TRIES		3

struct nlg {
	struct mnl_socket *nl;
	uint16_t group;
	struct nlg_seq seq;
	uint16_t old_group;		/* the previous group... */
	int old_bound;			/* ...while still bound */
	struct nlg_seq old_seq;
	uint64_t old_seen;		/* st.old_msgs at the last tick */
	uint32_t old_quiet_since;
	uint32_t cfg_seq;		/* of the last config message */
	struct nlg_stats st;
	uint8_t *buf;
};

static int nlg_batch(struct nlg *g, size_t len, nlg_pkt_fn fn, void *arg,
    uint32_t ack_seq, int *ack_err);

/*
 * Send one config message for group and wait for its answer on the packet
 * socket (the kernel only takes config for an instance from the socket
 * bound to it).  Packets that arrive meanwhile are not thrown away: they
 * go to fn like any others (without fn, at open, they are counted as
 * lost).  An overrun while waiting is counted; an answer that does not
 * come (lost in an overrun) makes the message go again, which is
 * harmless for parameters; a bind is not sent twice (a second bind of the
 * same group is refused), it fails with ETIMEDOUT.  Returns 0, or -1 with
 * errno (the kernel's refusal, e.g. EBUSY or EPERM).
 */
static int
nlg_config(struct nlg *g, uint16_t group,
    void (*fill)(struct nlmsghdr *, const void *), const void *arg,
    int once, nlg_pkt_fn fn, void *farg)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct pollfd pfd = { .fd = mnl_socket_get_fd(g->nl), .events = POLLIN };
	int tries, err, r;
	ssize_t n;

	for (tries = 0; tries < (once ? 1 : NLG_ACK_TRIES); tries++) {
		nlh = nflog_nlmsg_put_header(buf, NFULNL_MSG_CONFIG, AF_UNSPEC,
		    group);
		nlh->nlmsg_flags |= NLM_F_ACK;
		nlh->nlmsg_seq = ++g->cfg_seq;
		fill(nlh, arg);
		if (mnl_socket_sendto(g->nl, nlh, nlh->nlmsg_len) < 0)
			return -1;
		for (;;) {
			if ((r = poll(&pfd, 1, NLG_ACK_WAIT_MS)) < 0 &&
			    errno != EINTR)
				return -1;
			if (r == 0)
				break;		/* no answer: again */
			n = recv(pfd.fd, g->buf, NLG_RXBUF, MSG_DONTWAIT);
			if (n < 0) {
				if (errno == ENOBUFS)
					g->st.overruns++;
				else if (errno != EAGAIN && errno != EINTR)
					return -1;
				continue;
			}
			g->st.batches++;
			err = 1;
			nlg_batch(g, (size_t)n, fn, farg, g->cfg_seq, &err);
			if (err <= 0) {
				if (err == 0)
					return 0;
				errno = -err;
				return -1;
			}
		}
	}
	errno = ETIMEDOUT;
	return -1;
}

static void
fill_bind(struct nlmsghdr *nlh, const void *arg)
{
	nflog_attr_put_cfg_cmd(nlh, NFULNL_CFG_CMD_BIND);
}

static void
fill_unbind(struct nlmsghdr *nlh, const void *arg)
{
	nflog_attr_put_cfg_cmd(nlh, NFULNL_CFG_CMD_UNBIND);
}

static void
fill_params(struct nlmsghdr *nlh, const void *arg)
{
	const struct nlg_cfg *c = arg;
	uint32_t nlbufsiz = c->nlbufsiz;

	if (nlbufsiz > NLG_NLBUFSIZ_MAX)
		nlbufsiz = NLG_NLBUFSIZ_MAX;
	nflog_attr_put_cfg_mode(nlh, NFULNL_COPY_PACKET, c->copy_range);
	mnl_attr_put_u32(nlh, NFULA_CFG_NLBUFSIZ, htonl(nlbufsiz));
	mnl_attr_put_u32(nlh, NFULA_CFG_QTHRESH, htonl(c->queue_threshold));
	mnl_attr_put_u32(nlh, NFULA_CFG_TIMEOUT, htonl(c->flush_timeout));
	mnl_attr_put_u16(nlh, NFULA_CFG_FLAGS, htons(NFULNL_CFG_F_SEQ));
}

static void
nlg_set_rcvbuf(struct nlg *g, uint32_t rcvbuf)
{
	int fd = mnl_socket_get_fd(g->nl);
	int v = (int)rcvbuf;
	socklen_t len = sizeof(v);

	/* FORCE goes past rmem_max (we are root); fall back if not allowed. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &v, sizeof(v)) < 0 &&
	    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v)) < 0)
		log_warn("nflog: cannot set receive buffer to %u", rcvbuf);
	if (getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, &len) == 0)
		g->st.rcvbuf = v;
}

struct nlg *
nlg_open(const struct nlg_cfg *cfg)
{
	struct nlg *g;

	if ((g = calloc(1, sizeof(*g))) == NULL)
		return NULL;
	g->group = cfg->group;
	g->cfg_seq = (uint32_t)time(NULL);
	if ((g->buf = malloc(NLG_RXBUF)) == NULL)
		goto fail;
	if ((g->nl = mnl_socket_open(NETLINK_NETFILTER)) == NULL) {
		log_warn("nflog: netlink socket");
		goto fail;
	}
	if (mnl_socket_bind(g->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		log_warn("nflog: netlink bind");
		goto fail;
	}
	nlg_set_rcvbuf(g, cfg->rcvbuf);
	if (nlg_config(g, g->group, fill_bind, NULL, 1, NULL, NULL) < 0) {
		log_warn("nflog: cannot bind group %u (another reader on it?)",
		    g->group);
		goto fail;
	}
	if (nlg_config(g, g->group, fill_params, cfg, 0, NULL, NULL) < 0) {
		log_warn("nflog: cannot configure group %u", g->group);
		goto fail;
	}
	log_debug(1, "nflog: group %u bound, copy %u, qthresh %u, rcvbuf %d",
	    g->group, cfg->copy_range, cfg->queue_threshold, g->st.rcvbuf);
	return g;
fail:
	nlg_close(g);
	return NULL;
}

/*
 * A new group is bound before anything else changes; the one it replaces
 * stays bound (nlg_tick() lets it go once quiet), so a packet the rules
 * still log there is metered.  Going back to that group swaps the two.
 */
int
nlg_reconfig(struct nlg *g, const struct nlg_cfg *cfg, nlg_pkt_fn fn,
    void *arg)
{
	struct nlg_seq s;
	uint16_t grp;

	if (cfg->group != g->group && g->old_bound &&
	    cfg->group == g->old_group) {
		grp = g->group;
		g->group = g->old_group;
		g->old_group = grp;
		s = g->seq;
		g->seq = g->old_seq;
		g->old_seq = s;
	} else if (cfg->group != g->group) {
		if (nlg_config(g, cfg->group, fill_bind, NULL, 1, fn, arg) < 0)
			return -1;
		/* only one previous group is kept */
		if (g->old_bound)
			nlg_config(g, g->old_group, fill_unbind, NULL, 0, fn,
			    arg);
		g->old_group = g->group;
		g->old_seq = g->seq;
		g->old_bound = 1;
		g->old_quiet_since = 0;
		g->old_seen = UINT64_MAX;
		g->group = cfg->group;
		g->seq.known = 0;	/* a new instance numbers from 0 */
	}
	nlg_set_rcvbuf(g, cfg->rcvbuf);
	return nlg_config(g, g->group, fill_params, cfg, 0, fn, arg);
}

void
nlg_tick(struct nlg *g, uint32_t now)
{
	if (!g->old_bound)
		return;
	if (g->st.old_msgs != g->old_seen) {
		g->old_seen = g->st.old_msgs;
		g->old_quiet_since = now;
		return;
	}
	if ((int32_t)(now - g->old_quiet_since) < NLG_OLD_QUIET_MS)
		return;
	nlg_config(g, g->old_group, fill_unbind, NULL, 0, NULL, NULL);
	g->old_bound = 0;
	log_debug(1, "nflog: group %u quiet, unbound", g->old_group);
}

void
nlg_close(struct nlg *g)
{
	int e = errno;

	if (g == NULL)
		return;
	if (g->nl) {
		nlg_config(g, g->group, fill_unbind, NULL, 0, NULL, NULL);
		if (g->old_bound)
			nlg_config(g, g->old_group, fill_unbind, NULL, 0, NULL,
			    NULL);
		mnl_socket_close(g->nl);
	}
	free(g->buf);
	free(g);
	errno = e;
}

int
nlg_fd(const struct nlg *g)
{
	return mnl_socket_get_fd(g->nl);
}

const struct nlg_stats *
nlg_stats(const struct nlg *g)
{
	return &g->st;
}

/* Count messages the kernel logged that never reached us. */
static void
nlg_track_seq(struct nlg *g, struct nlg_seq *q, uint32_t seq)
{
	if (q->known && seq != q->next)
		g->st.lost += (uint32_t)(seq - q->next);
	q->known = 1;
	q->next = seq + 1;
}

/* Read a big-endian u32 / u64 that may sit unaligned in the batch. */
static uint32_t
get_be32(const uint8_t *v)
{
	uint32_t x;

	memcpy(&x, v, sizeof(x));
	return ntohl(x);
}

static uint64_t
get_be64(const uint8_t *v)
{
	uint64_t x;

	memcpy(&x, v, sizeof(x));
	return be64toh(x);
}

/*
 * A timestamp outside what a clock can hold (microseconds past a second,
 * seconds that overflow milliseconds) is left out: the packet still counts,
 * at its arrival time.
 */
static void
nlg_timestamp(struct nlg_pkt *p, uint64_t sec, uint64_t usec)
{
	if (usec >= 1000000 || sec > (uint64_t)INT64_MAX / 1000 / 2)
		return;
	p->has_ts = 1;
	p->ts.tv_sec = (time_t)sec;
	p->ts.tv_nsec = (long)usec * 1000;
}

/*
 * Take the attributes of one packet message into p.  Returns 0, or -1 when
 * the message is malformed.  Walked here rather than by nflog_nlmsg_parse():
 * its per-attribute callbacks through libmnl were a fifth of the daemon's
 * CPU in a perf profile at 50 kpps, and only six types matter.  The rules
 * are libmnl's: each attribute's length is checked against what is left of
 * the message before anything is read, unknown types are skipped, and a
 * type we use with a short value makes the message bad.
 */
int
nlg_parse(const struct nlmsghdr *nlh, struct nlg_pkt *p, uint32_t *seq,
    int *has_seq)
{
	const uint8_t *pos = (const uint8_t *)nlh + NLMSG_HDRLEN +
	    NLMSG_ALIGN(sizeof(struct nfgenmsg));
	const uint8_t *end = (const uint8_t *)nlh + nlh->nlmsg_len;
	const struct nfulnl_msg_packet_hdr *ph;
	const struct nlattr *a;
	const uint8_t *v;
	size_t vlen;

	if (nlh->nlmsg_len < NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(struct nfgenmsg)))
		return -1;
	while (end - pos >= NLA_HDRLEN) {
		a = (const struct nlattr *)pos;
		if (a->nla_len < NLA_HDRLEN || a->nla_len > end - pos)
			return -1;
		v = pos + NLA_HDRLEN;
		vlen = a->nla_len - NLA_HDRLEN;
		switch (a->nla_type & NLA_TYPE_MASK) {
		case NFULA_PAYLOAD:
			p->payload = v;
			p->caplen = vlen;
			break;
		case NFULA_PACKET_HDR:
			if (vlen < sizeof(*ph))
				return -1;
			ph = (const struct nfulnl_msg_packet_hdr *)v;
			p->hw_protocol = ntohs(ph->hw_protocol);
			break;
		case NFULA_IFINDEX_INDEV:
		case NFULA_IFINDEX_OUTDEV:
		case NFULA_SEQ:
			if (vlen < sizeof(uint32_t))
				return -1;
			if ((a->nla_type & NLA_TYPE_MASK) == NFULA_SEQ) {
				*seq = get_be32(v);
				*has_seq = 1;
			} else if ((a->nla_type & NLA_TYPE_MASK) ==
			    NFULA_IFINDEX_INDEV)
				p->ifin = get_be32(v);
			else
				p->ifout = get_be32(v);
			break;
		case NFULA_TIMESTAMP:
			if (vlen < 2 * sizeof(uint64_t))
				return -1;
			nlg_timestamp(p, get_be64(v), get_be64(v + 8));
			break;
		default:
			break;		/* not ours: skip */
		}
		pos += NLA_ALIGN(a->nla_len);
	}
	return p->payload ? 0 : -1;
}

/*
 * One packet message: to fn, its sequence number checked against its
 * group's (the current one, or the previous one still bound).  Without fn
 * (while the group is being set up) the packet is counted as lost.
 */
static int
nlg_one(struct nlg *g, const struct nlmsghdr *nlh, nlg_pkt_fn fn, void *arg)
{
	const struct nfgenmsg *nfg = mnl_nlmsg_get_payload(nlh);
	struct nlg_pkt p;
	uint32_t seq = 0;
	int has_seq = 0, old;

	memset(&p, 0, sizeof(p));
	if (nlg_parse(nlh, &p, &seq, &has_seq) < 0) {
		g->st.bad++;
		return 0;
	}
	old = g->old_bound && ntohs(nfg->res_id) == g->old_group &&
	    g->old_group != g->group;
	if (has_seq)
		nlg_track_seq(g, old ? &g->old_seq : &g->seq, seq);
	if (fn == NULL) {
		g->st.lost++;
		return 0;
	}
	g->st.msgs++;
	if (old)
		g->st.old_msgs++;
	fn(arg, &p);
	return 1;
}

/*
 * Walk one received batch; returns the number of packets delivered.  The
 * answer to config message ack_seq (if any) goes to *ack_err: 0 or
 * -errno.
 */
static int
nlg_batch(struct nlg *g, size_t len, nlg_pkt_fn fn, void *arg,
    uint32_t ack_seq, int *ack_err)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)g->buf;
	const struct nlmsgerr *e;
	int n = 0, rem = (int)len;

	/* NLMSG_OK checks each header's length against what was received. */
	for (; NLMSG_OK(nlh, rem); nlh = NLMSG_NEXT(nlh, rem)) {
		if (nlh->nlmsg_type == NLMSG_DONE || nlh->nlmsg_type == NLMSG_NOOP)
			continue;
		if (nlh->nlmsg_type == NLMSG_ERROR) {
			e = mnl_nlmsg_get_payload(nlh);
			if (ack_err && ack_seq && nlh->nlmsg_seq == ack_seq &&
			    nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(*e)))
				*ack_err = e->error;
			else if (!(nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(*e)) &&
			    e->error == 0))
				g->st.bad++;	/* late answers (acks) are fine */
			continue;
		}
		if (NFNL_SUBSYS_ID(nlh->nlmsg_type) != NFNL_SUBSYS_ULOG ||
		    NFNL_MSG_TYPE(nlh->nlmsg_type) != NFULNL_MSG_PACKET) {
			g->st.bad++;
			continue;
		}
		n += nlg_one(g, nlh, fn, arg);
	}
	return n;
}

int
nlg_read(struct nlg *g, unsigned max_batches, nlg_pkt_fn fn, void *arg)
{
	struct iovec iov = { g->buf, NLG_RXBUF };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	int fd = nlg_fd(g), total = 0;
	ssize_t r;
	unsigned i;

	for (i = 0; i < max_batches; i++) {
		r = recvmsg(fd, &msg, MSG_DONTWAIT);
		if (r < 0) {
			if (errno == EAGAIN || errno == EINTR)
				break;
			if (errno == ENOBUFS) {
				/* counted; the sequence numbers tell how many */
				g->st.overruns++;
				continue;
			}
			return -1;
		}
		g->st.batches++;
		if (msg.msg_flags & MSG_TRUNC)
			g->st.truncated++;
		total += nlg_batch(g, (size_t)r, fn, arg, 0, NULL);
	}
	return total;
}
