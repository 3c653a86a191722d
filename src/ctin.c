/*
 * ctin: conntrack input.  See ctin.h for what it does and the decisions.
 *
 * Two netlink sockets: "ev" joins the conntrack event groups and is read
 * from the event loop; "req" sends dumps and single GETs and waits for the
 * answers (only in capture = conntrack, and for resyncs).  Messages are
 * taken apart by libnetfilter_conntrack's nfct_nlmsg_parse over libmnl.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <linux/netlink.h>

#include <libmnl/libmnl.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack_tcp.h>

#include "clock.h"
#include "ctconn.h"
#include "ctin.h"
#include "log.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK	270
#endif
#ifndef IPPROTO_SCTP
#define IPPROTO_SCTP	132
#endif
#ifndef IPPROTO_UDPLITE
#define IPPROTO_UDPLITE	136
#endif

#define CT_READ_BUDGET	1024		/* datagrams per ctin_read() */
#define CT_GET_BUDGET	4096		/* active-timeout GETs per tick */
#define CT_END_GRACE	400		/* ms: see ctin.h, "when a connection ends" */
#define CT_ENDQ_MAX	(1u << 16)
#define CT_BUF		(64u << 10)

#define NAT_FLAGS_CREATE	0x12	/* SYN|ACK, as ipt_NETFLOW */
#define NAT_FLAGS_DESTROY	0x05	/* FIN|RST */

/* A connection that ended in nflog mode: its two flows, exported at due. */
struct ct_end {
	struct flow_key k[2];
	uint32_t due;
};

struct ctin {
	struct ft *ft;
	struct exporter *xp;
	enum capture_mode capture;
	uint32_t natevents;
	uint32_t active_ms;
	int reliable;

	struct mnl_socket *ev, *req;
	unsigned req_portid;
	uint32_t seq;
	uint32_t groups;		/* NFNLGRP_* joined, as bits */
	int rcvbuf_set, rcvbuf_max;	/* asked for, cap (bytes) */
	int rcvbuf;			/* in effect, as the kernel reports */
	char *buf;

	struct ctconn *tab;		/* capture = conntrack */
	uint32_t now;
	uint32_t gen;			/* resync generation */
	int resync_due;			/* events were lost: dump */
	int sweep_due;			/* dumped: sweep once caught up */
	int caught_up;			/* ev read to EAGAIN since the dump */
	uint64_t drops_live;		/* maxflows drops still in the kernel */

	/* the export destinations: their own datagrams are not metered */
	uint32_t own_addr[DEST_MAX];
	uint16_t own_port[DEST_MAX];
	unsigned nown;
	uint64_t ev_own;

	/* nflog mode: ring of ended connections */
	struct ct_end *endq;
	uint32_t endq_cap, endq_head, endq_len;

	/* statistics */
	uint64_t ev_new, ev_update, ev_destroy, ev_other, ev_ignored;
	uint64_t parse_errors, overruns, resyncs, dumps, get_errors;
	uint64_t ended_conns, ended_flows, nat_events;
	uint64_t drop_pkts, drop_bytes;
	uint64_t no_acct;		/* DESTROY without counters */
};

/* Where parsed messages go: events, a dump, or one GET. */
enum ct_ctx { CTX_EVENT, CTX_DUMP, CTX_GET };

struct ct_cb {
	struct ctin *ct;
	enum ct_ctx ctx;
	struct ctconn_info *get;	/* CTX_GET: the answer */
	const struct ctconn_key *want;
	int found;
};

/* --- small helpers ------------------------------------------------------ */

static int
has_ports(uint8_t proto)
{
	return proto == IPPROTO_TCP || proto == IPPROTO_UDP ||
	    proto == IPPROTO_SCTP || proto == IPPROTO_UDPLITE;
}

/*
 * The ICMP type of the answers to a query type, as conntrack inverts it
 * (nf_conntrack_proto_icmp.c): libnetfilter_conntrack keeps only the
 * original tuple's type.
 */
static uint8_t
icmp_reply_type(uint8_t type)
{
	switch (type) {
	case 8:		return 0;	/* echo */
	case 13:	return 14;	/* timestamp */
	case 15:	return 16;	/* information */
	case 17:	return 18;	/* address mask */
	default:	return type;
	}
}

static uint32_t
ns_to_uptime(uint64_t ns)
{
	struct timespec ts;

	ts.tv_sec = (time_t)(ns / 1000000000u);
	ts.tv_nsec = (long)(ns % 1000000000u);
	return clk_wall_to_uptime(&ts);
}

/* Fill ci from a parsed conntrack object; -1 if it is not IPv4. */
static int
info_from_ct(const struct nf_conntrack *o, struct ctconn_info *ci)
{
	uint8_t type, code;

	memset(ci, 0, sizeof(*ci));
	if (!nfct_attr_is_set(o, ATTR_ORIG_L3PROTO) ||
	    nfct_get_attr_u8(o, ATTR_ORIG_L3PROTO) != AF_INET ||
	    !nfct_attr_is_set(o, ATTR_ORIG_IPV4_SRC) ||
	    !nfct_attr_is_set(o, ATTR_REPL_IPV4_SRC))
		return -1;
	ci->key.src = nfct_get_attr_u32(o, ATTR_ORIG_IPV4_SRC);
	ci->key.dst = nfct_get_attr_u32(o, ATTR_ORIG_IPV4_DST);
	ci->key.proto = nfct_get_attr_u8(o, ATTR_ORIG_L4PROTO);
	ci->key.id = nfct_get_attr_u32(o, ATTR_ID);
	ci->rsrc = nfct_get_attr_u32(o, ATTR_REPL_IPV4_SRC);
	ci->rdst = nfct_get_attr_u32(o, ATTR_REPL_IPV4_DST);
	if (has_ports(ci->key.proto)) {
		ci->key.sport = ntohs(nfct_get_attr_u16(o, ATTR_ORIG_PORT_SRC));
		ci->key.dport = ntohs(nfct_get_attr_u16(o, ATTR_ORIG_PORT_DST));
		ci->rsport = ntohs(nfct_get_attr_u16(o, ATTR_REPL_PORT_SRC));
		ci->rdport = ntohs(nfct_get_attr_u16(o, ATTR_REPL_PORT_DST));
	} else if (ci->key.proto == IPPROTO_ICMP) {
		type = nfct_get_attr_u8(o, ATTR_ICMP_TYPE);
		code = nfct_get_attr_u8(o, ATTR_ICMP_CODE);
		ci->key.sport = ntohs(nfct_get_attr_u16(o, ATTR_ICMP_ID));
		ci->key.dport = (uint16_t)(type << 8 | code);
		ci->rdport = (uint16_t)(icmp_reply_type(type) << 8 | code);
	}
	if (nfct_attr_is_set(o, ATTR_STATUS))
		ci->status = nfct_get_attr_u32(o, ATTR_STATUS);
	if (nfct_attr_is_set(o, ATTR_ORIG_COUNTER_PACKETS) &&
	    nfct_attr_is_set(o, ATTR_REPL_COUNTER_PACKETS)) {
		ci->has_counters = 1;
		ci->pkts[0] = nfct_get_attr_u64(o, ATTR_ORIG_COUNTER_PACKETS);
		ci->bytes[0] = nfct_get_attr_u64(o, ATTR_ORIG_COUNTER_BYTES);
		ci->pkts[1] = nfct_get_attr_u64(o, ATTR_REPL_COUNTER_PACKETS);
		ci->bytes[1] = nfct_get_attr_u64(o, ATTR_REPL_COUNTER_BYTES);
	}
	if (nfct_attr_is_set(o, ATTR_TIMESTAMP_START)) {
		ci->has_start = 1;
		ci->start = ns_to_uptime(nfct_get_attr_u64(o,
		    ATTR_TIMESTAMP_START));
	}
	if (nfct_attr_is_set(o, ATTR_TIMESTAMP_STOP)) {
		ci->has_stop = 1;
		ci->stop = ns_to_uptime(nfct_get_attr_u64(o,
		    ATTR_TIMESTAMP_STOP));
	}
	return 0;
}

/*
 * The daemon's own export datagrams are UDP connections too: metering them
 * would export records about exporting records.  (In nflog mode the rules
 * skip them by export_mark; conntrack has no such filter.)
 */
static void
set_own(struct ctin *ct, const struct dest_list *dl)
{
	const struct sockaddr_in *sin;
	unsigned i;

	ct->nown = 0;
	for (i = 0; i < dl->n && i < DEST_MAX; i++) {
		if (dl->d[i].addr.ss_family != AF_INET)
			continue;
		sin = (const struct sockaddr_in *)&dl->d[i].addr;
		ct->own_addr[ct->nown] = sin->sin_addr.s_addr;
		ct->own_port[ct->nown] = ntohs(sin->sin_port);
		ct->nown++;
	}
}

static int
is_own(const struct ctin *ct, const struct ctconn_info *ci)
{
	unsigned i;

	if (ci->key.proto != IPPROTO_UDP)
		return 0;
	for (i = 0; i < ct->nown; i++)
		if (ci->key.dst == ct->own_addr[i] &&
		    ci->key.dport == ct->own_port[i])
			return 1;
	return 0;
}

/* --- export paths ------------------------------------------------------- */

static void
on_conn_export(void *arg, const struct flow_rec *r)
{
	struct ctin *ct = arg;

	export_add(ct->xp, r, ct->now);
}

/*
 * ipt_NETFLOW's v5 NAT event: src = pre-NAT source, dst = post-NAT
 * destination; SNAT puts the post-NAT source in nexthop and its port in
 * src_as, DNAT the pre-NAT destination in nexthop and its port in dst_as.
 */
static void
nat_event(struct ctin *ct, const struct ctconn_info *ci, int create)
{
	struct flow_rec r;
	struct flow_key ko, kr;
	uint32_t t;
	int nat[2] = { IPS_SRC_NAT, IPS_DST_NAT }, i;

	if (!(ci->status & IPS_NAT_MASK))
		return;
	if (create)
		t = ci->has_start ? ci->start : ct->now;
	else
		t = ci->has_stop ? ci->stop : ct->now;
	ctconn_flow_keys(ci, &ko, &kr);
	for (i = 0; i < 2; i++) {
		if (!(ci->status & (uint32_t)nat[i]))
			continue;
		memset(&r, 0, sizeof(r));
		r.key = ko;
		r.first = r.last = t;
		r.tcp_flags = create ? NAT_FLAGS_CREATE : NAT_FLAGS_DESTROY;
		if (nat[i] == IPS_SRC_NAT) {
			r.nexthop = ci->rdst;
			r.src_as = has_ports(ci->key.proto) ? ci->rdport : 0;
		} else {
			r.nexthop = ci->key.dst;
			r.dst_as = has_ports(ci->key.proto) ? ci->key.dport : 0;
		}
		export_add(ct->xp, &r, ct->now);
		ct->nat_events++;
	}
}

/* --- nflog mode: ended connections -------------------------------------- */

static void
endq_pop_export(struct ctin *ct)
{
	struct ct_end *e = &ct->endq[ct->endq_head];

	ct->ended_flows += ft_export_tuple(ct->ft, &e->k[0]);
	ct->ended_flows += ft_export_tuple(ct->ft, &e->k[1]);
	ct->endq_head = (ct->endq_head + 1) % ct->endq_cap;
	ct->endq_len--;
}

static int
endq_grow(struct ctin *ct)
{
	struct ct_end *n;
	uint32_t cap = ct->endq_cap ? ct->endq_cap * 2 : 1024, i;

	if (cap > CT_ENDQ_MAX || (n = calloc(cap, sizeof(*n))) == NULL)
		return -1;
	for (i = 0; i < ct->endq_len; i++)
		n[i] = ct->endq[(ct->endq_head + i) % ct->endq_cap];
	free(ct->endq);
	ct->endq = n;
	ct->endq_cap = cap;
	ct->endq_head = 0;
	return 0;
}

static void
conn_ended(struct ctin *ct, const struct ctconn_info *ci)
{
	struct ct_end *e;

	ct->ended_conns++;
	/* Full and cannot grow: export the oldest early rather than lose it. */
	if (ct->endq_len == ct->endq_cap && endq_grow(ct) < 0)
		endq_pop_export(ct);
	e = &ct->endq[(ct->endq_head + ct->endq_len) % ct->endq_cap];
	ctconn_flow_keys(ci, &e->k[0], &e->k[1]);
	e->due = ct->now + CT_END_GRACE;
	ct->endq_len++;
}

static void
endq_run(struct ctin *ct, uint32_t now, int all)
{
	while (ct->endq_len > 0 && (all ||
	    (int32_t)(now - ct->endq[ct->endq_head].due) >= 0))
		endq_pop_export(ct);
}

/* --- events ------------------------------------------------------------- */

static void
on_new(struct ctin *ct, const struct ctconn_info *ci)
{
	if (ct->tab != NULL &&
	    ctconn_seen(ct->tab, ci, ct->gen, ct->now) == CTCONN_DROP)
		ct->drops_live++;
	if (ct->natevents)
		nat_event(ct, ci, 1);
}

static void
on_destroy(struct ctin *ct, const struct ctconn_info *ci)
{
	if (ct->natevents)
		nat_event(ct, ci, 0);
	if (ct->tab == NULL) {
		conn_ended(ct, ci);
		return;
	}
	if (!ci->has_counters)
		ct->no_acct++;
	if (ctconn_destroy(ct->tab, ci, ct->now))
		return;
	/*
	 * Unknown: either maxflows refused it (then it is a counted drop),
	 * or its NEW event was lost (then this is all we will ever hear of
	 * it, and it carries everything).  See ctin.h.
	 */
	if (ct->drops_live > 0) {
		ct->drops_live--;
		ct->drop_pkts += ci->pkts[0] + ci->pkts[1];
		ct->drop_bytes += ci->bytes[0] + ci->bytes[1];
		return;
	}
	ctconn_export_whole(ct->tab, ci, ct->now);
}

static void
on_update(struct ctin *ct, const struct nf_conntrack *o,
    const struct ctconn_info *ci)
{
	uint8_t st;

	if (ct->tab != NULL || ci->key.proto != IPPROTO_TCP ||
	    !nfct_attr_is_set(o, ATTR_TCP_STATE))
		return;
	st = nfct_get_attr_u8(o, ATTR_TCP_STATE);
	if (st == TCP_CONNTRACK_TIME_WAIT || st == TCP_CONNTRACK_CLOSE)
		conn_ended(ct, ci);
}

static int
on_msg(const struct nlmsghdr *nlh, void *arg)
{
	struct ct_cb *cb = arg;
	struct ctin *ct = cb->ct;
	struct nf_conntrack *o;
	struct ctconn_info ci;
	uint8_t type = NFNL_MSG_TYPE(nlh->nlmsg_type);

	if ((nlh->nlmsg_type >> 8) != NFNL_SUBSYS_CTNETLINK ||
	    (type != IPCTNL_MSG_CT_NEW && type != IPCTNL_MSG_CT_DELETE)) {
		ct->ev_other++;
		return MNL_CB_OK;	/* not ours: skip */
	}
	if ((o = nfct_new()) == NULL)
		return MNL_CB_ERROR;
	if (nfct_nlmsg_parse(nlh, o) < 0) {
		ct->parse_errors++;
		nfct_destroy(o);
		return MNL_CB_OK;
	}
	if (info_from_ct(o, &ci) < 0) {
		ct->ev_ignored++;	/* IPv6: NetFlow v5 cannot carry it */
		nfct_destroy(o);
		return MNL_CB_OK;
	}
	if (is_own(ct, &ci)) {
		ct->ev_own++;
		nfct_destroy(o);
		return MNL_CB_OK;
	}
	switch (cb->ctx) {
	case CTX_DUMP:
		if (ctconn_seen(ct->tab, &ci, ct->gen, ct->now) == CTCONN_DROP)
			ct->drops_live++;
		break;
	case CTX_GET:
		if (memcmp(&ci.key, cb->want, sizeof(ci.key)) == 0) {
			*cb->get = ci;
			cb->found = 1;
		}
		break;
	case CTX_EVENT:
		if (type == IPCTNL_MSG_CT_DELETE) {
			ct->ev_destroy++;
			on_destroy(ct, &ci);
		} else if (nlh->nlmsg_flags & (NLM_F_CREATE | NLM_F_EXCL)) {
			ct->ev_new++;
			on_new(ct, &ci);
		} else {
			ct->ev_update++;
			on_update(ct, o, &ci);
		}
		break;
	}
	nfct_destroy(o);
	return MNL_CB_OK;
}

/* --- sockets ------------------------------------------------------------ */

static int
set_rcvbuf(struct ctin *ct, int size)
{
	int fd = mnl_socket_get_fd(ct->ev);
	socklen_t len = sizeof(ct->rcvbuf);

	ct->rcvbuf_set = size;
	/* FORCE passes net.core.rmem_max (we have CAP_NET_ADMIN) */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size,
	    sizeof(size)) < 0 &&
	    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size)) < 0)
		return -1;
	if (getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &ct->rcvbuf, &len) < 0)
		ct->rcvbuf = size;
	return 0;
}

static uint32_t
wanted_groups(const struct ctin *ct)
{
	uint32_t g = 1u << NFNLGRP_CONNTRACK_DESTROY;

	if (ct->capture == CAPTURE_CONNTRACK || ct->natevents)
		g |= 1u << NFNLGRP_CONNTRACK_NEW;
	if (ct->capture == CAPTURE_NFLOG)
		g |= 1u << NFNLGRP_CONNTRACK_UPDATE;
	return g;
}

/* Join and leave groups so that exactly "want" is joined. */
static int
set_groups(struct ctin *ct, uint32_t want)
{
	int g, opt;

	for (g = NFNLGRP_CONNTRACK_NEW; g <= NFNLGRP_CONNTRACK_DESTROY; g++) {
		if (!!(want & (1u << g)) == !!(ct->groups & (1u << g)))
			continue;
		opt = want & (1u << g) ? NETLINK_ADD_MEMBERSHIP :
		    NETLINK_DROP_MEMBERSHIP;
		if (mnl_socket_setsockopt(ct->ev, opt, &g, sizeof(g)) < 0)
			return -1;
		ct->groups ^= 1u << g;
	}
	return 0;
}

static int
set_reliable(struct ctin *ct, int on)
{
	int fd = mnl_socket_get_fd(ct->ev);

	if (setsockopt(fd, SOL_NETLINK, NETLINK_BROADCAST_ERROR, &on,
	    sizeof(on)) < 0 ||
	    setsockopt(fd, SOL_NETLINK, NETLINK_NO_ENOBUFS, &on,
	    sizeof(on)) < 0)
		return -1;
	ct->reliable = on;
	return 0;
}

/*
 * Send one request on "req" and run every answer through on_msg until the
 * kernel says done (dump) or acks (GET).  -1 with errno on failure.
 */
static int
request(struct ctin *ct, struct nlmsghdr *nlh, struct ct_cb *cb)
{
	int n, ret;

	nlh->nlmsg_seq = ++ct->seq;
	if (mnl_socket_sendto(ct->req, nlh, nlh->nlmsg_len) < 0)
		return -1;
	for (;;) {
		n = (int)mnl_socket_recvfrom(ct->req, ct->buf, CT_BUF);
		if (n < 0)
			return -1;
		ret = mnl_cb_run(ct->buf, (size_t)n, ct->seq, ct->req_portid,
		    on_msg, cb);
		if (ret <= MNL_CB_STOP)
			return ret;
	}
}

static struct nlmsghdr *
put_get_header(char *buf, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nfgenmsg *nfg;

	nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_GET;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = AF_INET;
	nfg->version = NFNETLINK_V0;
	nfg->res_id = 0;
	return nlh;
}

/* Dump the whole IPv4 table into ct->tab under a new generation. */
static int
dump_table(struct ctin *ct)
{
	char req[MNL_SOCKET_BUFFER_SIZE];
	struct ct_cb cb = { .ct = ct, .ctx = CTX_DUMP };

	ct->gen++;
	ct->drops_live = 0;	/* the dump recounts the live drops */
	ct->dumps++;
	ct->now = clk_uptime_ms();
	return request(ct, put_get_header(req, NLM_F_DUMP), &cb);
}

/* Read one connection's current counters.  0, or -1 with errno (ENOENT). */
static int
get_conn(struct ctin *ct, const struct ctconn_key *k, struct ctconn_info *out)
{
	char req[MNL_SOCKET_BUFFER_SIZE];
	struct ct_cb cb = { .ct = ct, .ctx = CTX_GET, .get = out, .want = k };
	struct nf_conntrack *q;
	struct nlmsghdr *nlh;
	int ret;

	if ((q = nfct_new()) == NULL)
		return -1;
	nfct_set_attr_u8(q, ATTR_L3PROTO, AF_INET);
	nfct_set_attr_u32(q, ATTR_IPV4_SRC, k->src);
	nfct_set_attr_u32(q, ATTR_IPV4_DST, k->dst);
	nfct_set_attr_u8(q, ATTR_L4PROTO, k->proto);
	if (has_ports(k->proto)) {
		nfct_set_attr_u16(q, ATTR_PORT_SRC, htons(k->sport));
		nfct_set_attr_u16(q, ATTR_PORT_DST, htons(k->dport));
	} else if (k->proto == IPPROTO_ICMP) {
		nfct_set_attr_u8(q, ATTR_ICMP_TYPE, (uint8_t)(k->dport >> 8));
		nfct_set_attr_u8(q, ATTR_ICMP_CODE, (uint8_t)k->dport);
		nfct_set_attr_u16(q, ATTR_ICMP_ID, htons(k->sport));
	}
	nlh = put_get_header(req, NLM_F_ACK);
	ret = nfct_nlmsg_build(nlh, q);
	nfct_destroy(q);
	if (ret < 0)
		return -1;
	if (request(ct, nlh, &cb) < 0)
		return -1;
	if (!cb.found) {
		errno = ENOENT;	/* the tuple is now another connection */
		return -1;
	}
	return 0;
}

/*
 * capture = conntrack needs accounting and timestamps; both are per
 * network namespace and apply to connections created after they are on.
 */
static int
sysctl_on(const char *name)
{
	char path[128], v = 0;
	int fd, ok;

	snprintf(path, sizeof(path), "/proc/sys/net/netfilter/%s", name);
	if ((fd = open(path, O_RDWR | O_CLOEXEC)) < 0)
		return -1;
	ok = read(fd, &v, 1) == 1 && v == '1';
	if (!ok && (lseek(fd, 0, SEEK_SET) < 0 || write(fd, "1\n", 2) != 2)) {
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

static int
open_ev(struct ctin *ct, int rcvbuf)
{
	if ((ct->ev = mnl_socket_open2(NETLINK_NETFILTER,
	    SOCK_NONBLOCK | SOCK_CLOEXEC)) == NULL ||
	    mnl_socket_bind(ct->ev, 0, MNL_SOCKET_AUTOPID) < 0) {
		log_warn("conntrack: event socket");
		return -1;
	}
	if (set_rcvbuf(ct, rcvbuf) < 0) {
		log_warn("conntrack: receive buffer %d", rcvbuf);
		return -1;
	}
	if (ct->reliable && set_reliable(ct, 1) < 0) {
		log_warn("conntrack: reliable event delivery");
		return -1;
	}
	if (set_groups(ct, wanted_groups(ct)) < 0) {
		log_warn("conntrack: cannot join the event groups");
		return -1;
	}
	return 0;
}

static int
open_req(struct ctin *ct)
{
	if ((ct->req = mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC)) ==
	    NULL || mnl_socket_bind(ct->req, 0, MNL_SOCKET_AUTOPID) < 0) {
		log_warn("conntrack: request socket");
		return -1;
	}
	ct->req_portid = mnl_socket_get_portid(ct->req);
	return 0;
}

/* --- public ------------------------------------------------------------- */

struct ctin *
ctin_open(const struct conf *c, struct ft *ft, struct exporter *xp,
    uint32_t now)
{
	struct ctin *ct;
	int save;

	if ((ct = calloc(1, sizeof(*ct))) == NULL ||
	    (ct->buf = malloc(CT_BUF)) == NULL) {
		free(ct);
		log_warn("conntrack");
		return NULL;
	}
	ct->ft = ft;
	ct->xp = xp;
	ct->now = now;
	ct->capture = c->capture;
	ct->natevents = c->natevents;
	ct->active_ms = c->active_timeout * 1000;
	ct->reliable = c->conntrack_reliable != 0;
	set_own(ct, &c->dests);
	ct->rcvbuf_max = (int)c->conntrack_rcvbuf_max;
	/* The event socket first, so no connection falls between it and the dump. */
	if (open_ev(ct, (int)c->conntrack_rcvbuf) < 0 ||
	    open_req(ct) < 0)
		goto fail;
	if (ct->capture == CAPTURE_CONNTRACK) {
		if (sysctl_on("nf_conntrack_acct") < 0 ||
		    sysctl_on("nf_conntrack_timestamp") < 0) {
			log_warn("capture = conntrack needs "
			    "net.netfilter.nf_conntrack_acct and "
			    "nf_conntrack_timestamp set to 1 in this network "
			    "namespace, and cannot set them");
			goto fail;
		}
		if ((ct->tab = ctconn_new(c->maxflows, on_conn_export, ct)) ==
		    NULL) {
			log_warn("conntrack: connection table");
			goto fail;
		}
		if (dump_table(ct) < 0) {
			log_warn("conntrack: initial dump of the table");
			goto fail;
		}
	}
	log_debug(1, "conntrack: events on, %s mode, receive buffer %d",
	    ct->capture == CAPTURE_CONNTRACK ? "conntrack" : "nflog",
	    ct->rcvbuf);
	return ct;
fail:
	save = errno;
	ctin_close(ct);
	errno = save;
	return NULL;
}

void
ctin_close(struct ctin *ct)
{
	if (ct == NULL)
		return;
	if (ct->ev)
		mnl_socket_close(ct->ev);
	if (ct->req)
		mnl_socket_close(ct->req);
	ctconn_free(ct->tab);
	free(ct->endq);
	free(ct->buf);
	free(ct);
}

int
ctin_fd(const struct ctin *ct)
{
	return mnl_socket_get_fd(ct->ev);
}

/*
 * Events were lost: count it, make the next loss less likely, and (with a
 * connection table) resync it with the kernel's.  In nflog mode nothing
 * needs resyncing: the packets are metered from NFLOG, a lost end event
 * only means the flows wait for their timeouts.
 */
static void
overrun(struct ctin *ct)
{
	int want;

	ct->overruns++;
	if (ct->rcvbuf_set < ct->rcvbuf_max) {
		want = ct->rcvbuf_set > ct->rcvbuf_max / 2 ? ct->rcvbuf_max :
		    ct->rcvbuf_set * 2;
		set_rcvbuf(ct, want);
	}
	if (ct->tab != NULL)
		ct->resync_due = 1;
}

void
ctin_read(struct ctin *ct, uint32_t now)
{
	struct ct_cb cb = { .ct = ct, .ctx = CTX_EVENT };
	ssize_t n;
	int i;

	ct->now = now;
	for (i = 0; i < CT_READ_BUDGET; i++) {
		n = recv(mnl_socket_get_fd(ct->ev), ct->buf, CT_BUF, 0);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				ct->caught_up = 1;
				break;
			}
			if (errno == ENOBUFS)
				overrun(ct);
			else if (errno != EINTR)
				break;
			continue;
		}
		/* events have seq 0 and port 0: no sequence checks */
		if (mnl_cb_run(ct->buf, (size_t)n, 0, 0, on_msg, &cb) < 0)
			ct->parse_errors++;
	}
}

/*
 * Resync: dump, then wait until the event socket has been read empty
 * once, so every DESTROY that the kernel queued before the dump has been
 * handled; only then are the connections the dump did not see gone.
 */
static void
resync(struct ctin *ct, uint32_t now)
{
	if (ct->resync_due) {
		ct->resync_due = 0;
		if (dump_table(ct) < 0) {
			ct->resync_due = 1;	/* try again next tick */
			return;
		}
		ct->resyncs++;
		ct->sweep_due = 1;
		ct->caught_up = 0;
		return;
	}
	if (!ct->sweep_due)
		return;
	/* Quiet socket: nothing woke the loop, so read it empty here. */
	if (!ct->caught_up)
		ctin_read(ct, now);
	if (ct->caught_up && !ct->resync_due) {
		ct->now = now;
		ctconn_sweep(ct->tab, ct->gen, now);
		ct->sweep_due = 0;
	}
}

static void
active_exports(struct ctin *ct, uint32_t now)
{
	struct ctconn_key k;
	struct ctconn_info ci;
	int i;

	for (i = 0; i < CT_GET_BUDGET &&
	    ctconn_due(ct->tab, now, ct->active_ms, &k); i++) {
		ct->now = now;
		if (get_conn(ct, &k, &ci) == 0)
			ctconn_export_period(ct->tab, &ci, now);
		else {
			/* gone: its DESTROY event carries the counters */
			if (errno != ENOENT)
				ct->get_errors++;
			ctconn_postpone(ct->tab, &k, now);
		}
	}
}

void
ctin_tick(struct ctin *ct, uint32_t now)
{
	ct->now = now;
	if (ct->tab == NULL) {
		endq_run(ct, now, 0);
		return;
	}
	resync(ct, now);
	active_exports(ct, now);
}

void
ctin_flush(struct ctin *ct, uint32_t now)
{
	ct->now = now;
	if (ct->tab == NULL) {
		endq_run(ct, now, 1);
		return;
	}
	/* Handle what is queued, then take fresh counters for every connection. */
	ctin_read(ct, now);
	if (dump_table(ct) < 0)
		log_warn("conntrack: dump before flush (last known counters "
		    "exported)");
	ct->now = now = clk_uptime_ms();
	ctconn_flush(ct->tab, now);
}

int
ctin_reconfig(struct ctin *ct, const struct conf *c, char *err,
    size_t errlen)
{
	uint32_t old_nat = ct->natevents;
	int old_rel = ct->reliable;

	ct->natevents = c->natevents;
	if (set_groups(ct, wanted_groups(ct)) < 0) {
		snprintf(err, errlen, "natevents %u: cannot change the conntrack "
		    "event groups: %s (nothing was changed)", c->natevents,
		    strerror(errno));
		ct->natevents = old_nat;
		set_groups(ct, wanted_groups(ct));
		return -1;
	}
	if ((c->conntrack_reliable != 0) != old_rel &&
	    set_reliable(ct, c->conntrack_reliable != 0) < 0) {
		snprintf(err, errlen, "ct_reliable %u: %s (nothing was changed)",
		    c->conntrack_reliable, strerror(errno));
		ct->natevents = old_nat;
		set_groups(ct, wanted_groups(ct));
		return -1;
	}
	set_own(ct, &c->dests);
	ct->active_ms = c->active_timeout * 1000;
	ct->rcvbuf_max = (int)c->conntrack_rcvbuf_max;
	if ((int)c->conntrack_rcvbuf > ct->rcvbuf_set)
		set_rcvbuf(ct, (int)c->conntrack_rcvbuf);
	if (ct->tab)
		ctconn_set_max(ct->tab, c->maxflows);
	return 0;
}

void
ctin_stats_text(const struct ctin *ct, FILE *f)
{
	const struct ctconn_stats *s;

	fprintf(f, "Conntrack: %s mode, events new %" PRIu64 ", update %"
	    PRIu64 ", destroy %" PRIu64 ", ignored %" PRIu64 ", errors %"
	    PRIu64 "\n", ct->capture == CAPTURE_CONNTRACK ? "conntrack" :
	    "nflog", ct->ev_new, ct->ev_update, ct->ev_destroy,
	    ct->ev_ignored + ct->ev_other, ct->parse_errors);
	fprintf(f, "Conntrack events: overruns %" PRIu64 ", resyncs %" PRIu64
	    ", rcvbuf %d (asked %d, max %d), reliable %s\n", ct->overruns,
	    ct->resyncs, ct->rcvbuf, ct->rcvbuf_set, ct->rcvbuf_max,
	    ct->reliable ? "on" : "off");
	fprintf(f, "Conntrack NAT events sent: %" PRIu64 ", own export "
	    "connections skipped %" PRIu64 "\n", ct->nat_events, ct->ev_own);
	if (ct->tab == NULL) {
		fprintf(f, "Conntrack ends: connections %" PRIu64
		    ", flows exported %" PRIu64 ", pending %u\n",
		    ct->ended_conns, ct->ended_flows, ct->endq_len);
		return;
	}
	s = ctconn_stats(ct->tab);
	fprintf(f, "Conntrack connections: tracked %u, peak %u, new %" PRIu64
	    ", destroyed %" PRIu64 ", active-timeout exports %" PRIu64
	    ", resynced %" PRIu64 ", untracked %" PRIu64 ", records %" PRIu64
	    "\n", s->tracked, s->peak, s->inserted, s->destroyed, s->periodic,
	    s->swept, s->untracked, s->records);
	fprintf(f, "Conntrack drops: maxflows %" PRIu64 " (pkts %" PRIu64
	    ", bytes %" PRIu64 "), no accounting %" PRIu64 ", get errors %"
	    PRIu64 "\n", s->dropped, ct->drop_pkts, ct->drop_bytes,
	    ct->no_acct, ct->get_errors);
}

#define J(name, v) fprintf(f, "\"%s\":%" PRIu64 ",", name, (uint64_t)(v))

void
ctin_stats_json(const struct ctin *ct, FILE *f)
{
	const struct ctconn_stats *s = ct->tab ? ctconn_stats(ct->tab) : NULL;

	fprintf(f, "\"conntrack\":{\"mode\":\"%s\",",
	    ct->capture == CAPTURE_CONNTRACK ? "conntrack" : "nflog");
	J("events_new", ct->ev_new);
	J("events_update", ct->ev_update);
	J("events_destroy", ct->ev_destroy);
	J("events_ignored", ct->ev_ignored + ct->ev_other);
	J("parse_errors", ct->parse_errors);
	J("overruns", ct->overruns);
	J("resyncs", ct->resyncs);
	J("rcvbuf", ct->rcvbuf);
	J("rcvbuf_max", ct->rcvbuf_max);
	J("reliable", ct->reliable);
	J("nat_events", ct->nat_events);
	J("own_export_skipped", ct->ev_own);
	J("ended_connections", ct->ended_conns);
	J("ended_flows", ct->ended_flows);
	J("tracked", s ? s->tracked : 0);
	J("peak", s ? s->peak : 0);
	J("new", s ? s->inserted : 0);
	J("destroyed", s ? s->destroyed : 0);
	J("active_exports", s ? s->periodic : 0);
	J("resynced", s ? s->swept : 0);
	J("untracked", s ? s->untracked : 0);
	J("records", s ? s->records : 0);
	J("drop_maxflows", s ? s->dropped : 0);
	J("drop_maxflows_pkts", ct->drop_pkts);
	J("drop_maxflows_bytes", ct->drop_bytes);
	J("no_accounting", ct->no_acct);
	fprintf(f, "\"get_errors\":%" PRIu64 "}", ct->get_errors);
}
