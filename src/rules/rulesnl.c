/*
 * rulesnl: batches and queries on an nf_tables netlink socket.  See
 * rulesnl.h.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <libnftnl/common.h>

#include "rules/rulesnl.h"

#define BATCH_BUF	(64 * 1024)

int
rulesnl_batch_open(struct rulesnl_batch *bt)
{
	memset(bt, 0, sizeof(*bt));
	if ((bt->buf = malloc(BATCH_BUF)) == NULL)
		return -1;
	if ((bt->b = mnl_nlmsg_batch_start(bt->buf, BATCH_BUF)) == NULL) {
		free(bt->buf);
		return -1;
	}
	bt->seq = (uint32_t)time(NULL);
	nftnl_batch_begin(mnl_nlmsg_batch_current(bt->b), bt->seq++);
	mnl_nlmsg_batch_next(bt->b);
	return 0;
}

static void
rulesnl_batch_close(struct rulesnl_batch *bt)
{
	int e = errno;

	if (bt->b)
		mnl_nlmsg_batch_stop(bt->b);
	free(bt->buf);
	errno = e;
}

/* mnl_socket_close() that keeps errno (util/err.h), for error paths. */
static void
sock_close(struct mnl_socket *nl)
{
	int e = errno;

	mnl_socket_close(nl);
	errno = e;
}

struct nlmsghdr *
rulesnl_batch_msg(struct rulesnl_batch *bt, uint16_t type, uint16_t flags)
{
	return nftnl_nlmsg_build_hdr(mnl_nlmsg_batch_current(bt->b), type,
	    NFPROTO_INET, flags | NLM_F_ACK, bt->seq++);
}

void
rulesnl_batch_next(struct rulesnl_batch *bt)
{
	mnl_nlmsg_batch_next(bt->b);
}

/*
 * A bound netfilter socket that has sent buf, or NULL with errno (the
 * socket closed again).  Batches and queries differ only in how they read
 * the answers.
 */
static struct mnl_socket *
rulesnl_send(const void *buf, size_t len)
{
	struct mnl_socket *nl;

	if ((nl = mnl_socket_open(NETLINK_NETFILTER)) == NULL)
		return NULL;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0 ||
	    mnl_socket_sendto(nl, buf, len) < 0) {
		sock_close(nl);
		return NULL;
	}
	return nl;
}

/*
 * Send the batch and collect the answers.  nfnetlink processes a batch
 * synchronously inside sendmsg(), so every ack or error is already queued
 * on our socket when sendto() returns: read until the queue is empty.
 */
static int
rulesnl_batch_send(struct rulesnl_batch *bt)
{
	struct mnl_socket *nl;
	char buf[MNL_SOCKET_BUFFER_SIZE];
	ssize_t n;
	int first_err = 0;

	nftnl_batch_end(mnl_nlmsg_batch_current(bt->b), bt->seq++);
	mnl_nlmsg_batch_next(bt->b);
	if ((nl = rulesnl_send(mnl_nlmsg_batch_head(bt->b),
	    mnl_nlmsg_batch_size(bt->b))) == NULL)
		return -1;
	for (;;) {
		n = recv(mnl_socket_get_fd(nl), buf, sizeof(buf),
		    MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		/* seq 0 and portid 0: accept every answer to this batch */
		if (mnl_cb_run(buf, (size_t)n, 0, 0, NULL, NULL) < 0 &&
		    first_err == 0)
			first_err = errno ? errno : EPROTO;
	}
	mnl_socket_close(nl);
	if (first_err) {
		errno = first_err;
		return -1;
	}
	return 0;
}

int
rulesnl_batch_commit(struct rulesnl_batch *bt)
{
	int r;

	r = rulesnl_batch_send(bt);
	rulesnl_batch_close(bt);
	return r;
}

int
rulesnl_query(struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	struct mnl_socket *nl;
	char buf[MNL_SOCKET_BUFFER_SIZE];
	uint32_t portid;
	ssize_t n;
	int r = -1;

	if ((nl = rulesnl_send(nlh, nlh->nlmsg_len)) == NULL)
		return -1;
	portid = mnl_socket_get_portid(nl);
	while ((n = mnl_socket_recvfrom(nl, buf, sizeof(buf))) > 0) {
		r = mnl_cb_run(buf, (size_t)n, nlh->nlmsg_seq, portid, cb,
		    data);
		if (r <= 0)
			break;
	}
	if (n < 0)
		r = -1;
	sock_close(nl);
	return r < 0 ? -1 : 0;
}
