/*
 * nlg: the NFLOG group reader.  See nlg.h.
 *
 * Why it looks the way it does (measured on this kernel, see issue 2):
 *  - The kernel batches log messages up to the queue threshold, and one
 *    batch can be about twice nlbufsiz, so the receive buffer is sized for
 *    the largest batch and MSG_TRUNC is checked and counted.
 *  - nlbufsiz above 131072 is accepted but silently ignored by the kernel
 *    (batches fall back to ~3.7 KiB), so it is capped at 131072.
 *  - NFLOG sequence numbers make every message lost to a socket overrun
 *    visible: lost = gaps in the sequence.
 */
#include <errno.h>
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

struct nlg {
	struct mnl_socket *nl;
	uint16_t group;
	int seq_known;
	uint32_t next_seq;
	struct nlg_stats st;
	uint8_t *buf;
};

static int
nlg_config(struct nlg *g, void (*fill)(struct nlmsghdr *, const void *),
    const void *arg)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	uint32_t portid = mnl_socket_get_portid(g->nl);
	int n;

	nlh = nflog_nlmsg_put_header(buf, NFULNL_MSG_CONFIG, AF_UNSPEC,
	    g->group);
	nlh->nlmsg_flags |= NLM_F_ACK;
	nlh->nlmsg_seq = 1;
	fill(nlh, arg);
	if (mnl_socket_sendto(g->nl, nlh, nlh->nlmsg_len) < 0)
		return -1;
	/* The ack (or error) comes back before any packet of this group. */
	for (;;) {
		n = mnl_socket_recvfrom(g->nl, buf, sizeof(buf));
		if (n < 0)
			return -1;
		n = mnl_cb_run(buf, n, 1, portid, NULL, NULL);
		if (n <= MNL_CB_STOP)
			return n < 0 ? -1 : 0;
	}
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
	if (nlg_config(g, fill_bind, NULL) < 0) {
		log_warn("nflog: cannot bind group %u (another reader on it?)",
		    g->group);
		goto fail;
	}
	if (nlg_config(g, fill_params, cfg) < 0) {
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

int
nlg_reconfig(struct nlg *g, const struct nlg_cfg *cfg)
{
	uint16_t old = g->group;

	if (cfg->group != old) {
		g->group = cfg->group;
		if (nlg_config(g, fill_bind, NULL) < 0) {
			g->group = old;
			return -1;
		}
		g->group = old;
		nlg_config(g, fill_unbind, NULL);
		g->group = cfg->group;
		g->seq_known = 0;	/* a new instance numbers from 0 */
	}
	nlg_set_rcvbuf(g, cfg->rcvbuf);
	return nlg_config(g, fill_params, cfg);
}

void
nlg_close(struct nlg *g)
{
	int e = errno;

	if (g == NULL)
		return;
	if (g->nl) {
		nlg_config(g, fill_unbind, NULL);
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
nlg_track_seq(struct nlg *g, uint32_t seq)
{
	if (g->seq_known && seq != g->next_seq)
		g->st.lost += (uint32_t)(seq - g->next_seq);
	g->seq_known = 1;
	g->next_seq = seq + 1;
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
			p->has_ts = 1;
			p->ts.tv_sec = (time_t)get_be64(v);
			p->ts.tv_nsec = (long)get_be64(v + 8) * 1000;
			break;
		default:
			break;		/* not ours: skip */
		}
		pos += NLA_ALIGN(a->nla_len);
	}
	return p->payload ? 0 : -1;
}

static int
nlg_one(struct nlg *g, const struct nlmsghdr *nlh, nlg_pkt_fn fn, void *arg)
{
	struct nlg_pkt p;
	uint32_t seq = 0;
	int has_seq = 0;

	memset(&p, 0, sizeof(p));
	if (nlg_parse(nlh, &p, &seq, &has_seq) < 0) {
		g->st.bad++;
		return 0;
	}
	if (has_seq)
		nlg_track_seq(g, seq);
	g->st.msgs++;
	fn(arg, &p);
	return 1;
}

/* Walk one received batch; returns the number of packets delivered. */
static int
nlg_batch(struct nlg *g, size_t len, nlg_pkt_fn fn, void *arg)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)g->buf;
	int n = 0, rem = (int)len;

	/* NLMSG_OK checks each header's length against what was received. */
	for (; NLMSG_OK(nlh, rem); nlh = NLMSG_NEXT(nlh, rem)) {
		if (nlh->nlmsg_type == NLMSG_DONE || nlh->nlmsg_type == NLMSG_NOOP)
			continue;
		if (nlh->nlmsg_type == NLMSG_ERROR) {
			g->st.bad++;
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
		total += nlg_batch(g, (size_t)r, fn, arg);
	}
	return total;
}
