/*
 * rtnl: interface MTUs from rtnetlink.  See rtnl.h.
 *
 * Two sockets, as in ctnl: one joined to RTNLGRP_LINK for events, one for
 * the dump, so a dump's answers never interleave with events.  Links are
 * kept in an array sorted by ifindex (binary search): routers have tens or
 * hundreds of links, which change rarely, and the packet path only looks
 * one up for packets larger than the smallest MTU.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include <libmnl/libmnl.h>

#include "input/rtnl.h"
#include "util/log.h"

#define RTNL_BUF	(32u << 10)
#define RTNL_BUDGET	64		/* datagrams per rtnl_read() */

struct rtnl_link {
	uint32_t ifindex, mtu;
};

struct rtnl {
	struct mnl_socket *ev, *req;
	char *buf;
	struct rtnl_link *link;
	unsigned n, cap;
	uint32_t min_mtu;
	struct rtnl_stats st;
};

/* Index of ifindex in r->link, or where it would go. */
static unsigned
find(const struct rtnl *r, uint32_t ifindex)
{
	unsigned lo = 0, hi = r->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (r->link[mid].ifindex < ifindex)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void
update_min(struct rtnl *r)
{
	unsigned i;

	r->min_mtu = UINT32_MAX;
	for (i = 0; i < r->n; i++)
		if (r->link[i].mtu < r->min_mtu)
			r->min_mtu = r->link[i].mtu;
}

static void
set_link(struct rtnl *r, uint32_t ifindex, uint32_t mtu)
{
	struct rtnl_link *nl;
	unsigned i = find(r, ifindex);

	if (i < r->n && r->link[i].ifindex == ifindex) {
		r->link[i].mtu = mtu;
	} else {
		if (r->n == r->cap) {
			/* no memory: the link stays unknown (1 packet each) */
			nl = realloc(r->link, (r->cap ? r->cap * 2 : 16) *
			    sizeof(*nl));
			if (nl == NULL)
				return;
			r->link = nl;
			r->cap = r->cap ? r->cap * 2 : 16;
		}
		memmove(&r->link[i + 1], &r->link[i],
		    (r->n - i) * sizeof(*r->link));
		r->link[i].ifindex = ifindex;
		r->link[i].mtu = mtu;
		r->n++;
	}
	update_min(r);
}

static void
del_link(struct rtnl *r, uint32_t ifindex)
{
	unsigned i = find(r, ifindex);

	if (i < r->n && r->link[i].ifindex == ifindex) {
		memmove(&r->link[i], &r->link[i + 1],
		    (r->n - i - 1) * sizeof(*r->link));
		r->n--;
		update_min(r);
	}
}

static int
on_msg(const struct nlmsghdr *nlh, void *arg)
{
	struct rtnl *r = arg;
	const struct ifinfomsg *ifi;
	const struct nlattr *a;
	uint32_t mtu = 0;

	if (nlh->nlmsg_type != RTM_NEWLINK && nlh->nlmsg_type != RTM_DELLINK)
		return MNL_CB_OK;
	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*ifi)))
		return MNL_CB_OK;
	ifi = mnl_nlmsg_get_payload(nlh);
	r->st.events++;
	if (nlh->nlmsg_type == RTM_DELLINK) {
		del_link(r, (uint32_t)ifi->ifi_index);
		return MNL_CB_OK;
	}
	mnl_attr_for_each(a, nlh, sizeof(*ifi))
		if (mnl_attr_get_type(a) == IFLA_MTU &&
		    mnl_attr_validate(a, MNL_TYPE_U32) >= 0)
			mtu = mnl_attr_get_u32(a);
	if (mtu)
		set_link(r, (uint32_t)ifi->ifi_index, mtu);
	return MNL_CB_OK;
}

/* Every link, on the request socket; replaces what is known. */
static int
dump(struct rtnl *r)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(r->buf);
	struct rtgenmsg *g;
	uint32_t seq = (uint32_t)time(NULL), portid;
	ssize_t n;
	int ret;

	nlh->nlmsg_type = RTM_GETLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->rtgen_family = AF_UNSPEC;
	if (mnl_socket_sendto(r->req, nlh, nlh->nlmsg_len) < 0)
		return -1;
	r->n = 0;
	portid = mnl_socket_get_portid(r->req);
	do {
		if ((n = mnl_socket_recvfrom(r->req, r->buf, RTNL_BUF)) <= 0)
			return -1;
		ret = mnl_cb_run(r->buf, (size_t)n, seq, portid, on_msg, r);
	} while (ret > MNL_CB_STOP);
	update_min(r);
	r->st.links = r->n;
	return ret < 0 ? -1 : 0;
}

struct rtnl *
rtnl_open(void)
{
	struct rtnl *r = calloc(1, sizeof(*r));

	if (r == NULL || (r->buf = malloc(RTNL_BUF)) == NULL)
		goto fail;
	r->min_mtu = UINT32_MAX;
	if ((r->ev = mnl_socket_open2(NETLINK_ROUTE, SOCK_NONBLOCK |
	    SOCK_CLOEXEC)) == NULL ||
	    mnl_socket_bind(r->ev, RTMGRP_LINK, MNL_SOCKET_AUTOPID) < 0 ||
	    (r->req = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC)) == NULL ||
	    mnl_socket_bind(r->req, 0, MNL_SOCKET_AUTOPID) < 0)
		goto fail;
	/* events first: no change falls between them and the dump */
	if (dump(r) < 0)
		goto fail;
	log_debug(1, "rtnl: %u links, smallest MTU %u", r->n, r->min_mtu);
	return r;
fail:
	log_warn("rtnetlink: cannot read the interfaces' MTU");
	rtnl_close(r);
	return NULL;
}

void
rtnl_close(struct rtnl *r)
{
	int e = errno;

	if (r == NULL)
		return;
	if (r->ev)
		mnl_socket_close(r->ev);
	if (r->req)
		mnl_socket_close(r->req);
	free(r->link);
	free(r->buf);
	free(r);
	errno = e;
}

int
rtnl_fd(const struct rtnl *r)
{
	return mnl_socket_get_fd(r->ev);
}

void
rtnl_read(struct rtnl *r)
{
	ssize_t n;
	unsigned i;

	for (i = 0; i < RTNL_BUDGET; i++) {
		n = mnl_socket_recvfrom(r->ev, r->buf, RTNL_BUF);
		if (n < 0 && errno == ENOBUFS) {
			/* events lost: the dump tells what is true now */
			r->st.overruns++;
			if (dump(r) < 0)
				log_warn("rtnetlink: dump after an overrun");
			continue;
		}
		if (n <= 0)
			break;
		mnl_cb_run(r->buf, (size_t)n, 0, 0, on_msg, r);
	}
	r->st.links = r->n;
}

uint32_t
rtnl_mtu(const struct rtnl *r, uint32_t ifindex)
{
	unsigned i = find(r, ifindex);

	return i < r->n && r->link[i].ifindex == ifindex ? r->link[i].mtu : 0;
}

uint32_t
rtnl_min_mtu(const struct rtnl *r)
{
	return r->min_mtu;
}

const struct rtnl_stats *
rtnl_stats(const struct rtnl *r)
{
	return &r->st;
}
