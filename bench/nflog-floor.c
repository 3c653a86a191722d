/*
 * nflog-floor: the cheapest possible NFLOG reader, as the benchmark's floor.
 *
 *	nflog-floor [-g group] [-r copy_range] [-q qthresh] [-t timeout]
 *	            [-n nlbufsiz] [-R rcvbuf]
 *
 * It binds the group with exactly nft-netflowd's settings (copy-packet
 * mode, copy range, queue threshold, flush timeout, nlbufsiz, sequence
 * numbers, SO_RCVBUFFORCE) and a receive buffer sized for the largest
 * batch the kernel sends (about twice nlbufsiz), then receives batches,
 * counts the messages in them and throws them away.  Whatever a real
 * exporter costs above this is its own work: keying, the flow table,
 * export.  The kernel's side (building and queueing the messages) is
 * paid by the forwarding CPUs in softirq, not here, and shows up in the
 * whole-machine figure instead.
 *
 * It does walk each message's attributes to find NFULA_SEQ: counting the
 * messages lost to overruns is part of any design that claims no silent
 * loss, so the floor pays for it too.
 *
 * SIGUSR1 prints the counters; SIGINT/SIGTERM print them and exit.  Line:
 *	messages=N batches=B lost=L overruns=O truncated=T bad=X
 */
#include <arpa/inet.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_log.h>
#include <libnetfilter_log/libnetfilter_log.h>

#include "floor-signals.h"

/* The kernel ignores nlbufsiz above this (batches fall back to ~3.7 KiB). */
#define NLBUFSIZ_MAX	131072

static struct {
	uint64_t msgs, batches, lost, overruns, truncated, bad;
	int seq_known;
	uint32_t next_seq;
} st;

static void
print_stats(void)
{
	printf("messages=%llu batches=%llu lost=%llu overruns=%llu "
	    "truncated=%llu bad=%llu\n", (unsigned long long)st.msgs,
	    (unsigned long long)st.batches, (unsigned long long)st.lost,
	    (unsigned long long)st.overruns, (unsigned long long)st.truncated,
	    (unsigned long long)st.bad);
	fflush(stdout);
}

static unsigned long
number(const char *s, unsigned long max)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || *s == '\0' || *end != '\0' || v > max) {
		fprintf(stderr, "nflog-floor: bad number %s (max %lu)\n", s,
		    max);
		exit(2);
	}
	return v;
}

/* Send one config message and wait for its ack. */
static int
config(struct mnl_socket *nl, struct nlmsghdr *nlh)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	uint32_t portid = mnl_socket_get_portid(nl);
	int n;

	nlh->nlmsg_flags |= NLM_F_ACK;
	nlh->nlmsg_seq = 1;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -1;
	for (;;) {
		n = (int)mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (n < 0)
			return -1;
		n = mnl_cb_run(buf, (size_t)n, 1, portid, NULL, NULL);
		if (n <= MNL_CB_STOP)
			return n < 0 ? -1 : 0;
	}
}

static void
seq_seen(uint32_t seq)
{
	if (st.seq_known && seq != st.next_seq)
		st.lost += (uint32_t)(seq - st.next_seq);
	st.seq_known = 1;
	st.next_seq = seq + 1;
}

static void
batch(const void *buf, size_t len)
{
	const struct nlmsghdr *nlh = buf;
	const struct nlattr *a;
	int rem = (int)len;

	for (; mnl_nlmsg_ok(nlh, rem); nlh = mnl_nlmsg_next(nlh, &rem)) {
		if (NFNL_SUBSYS_ID(nlh->nlmsg_type) != NFNL_SUBSYS_ULOG ||
		    NFNL_MSG_TYPE(nlh->nlmsg_type) != NFULNL_MSG_PACKET) {
			if (nlh->nlmsg_type != NLMSG_DONE &&
			    nlh->nlmsg_type != NLMSG_NOOP)
				st.bad++;
			continue;
		}
		st.msgs++;
		mnl_attr_for_each(a, nlh, sizeof(struct nfgenmsg)) {
			if (mnl_attr_get_type(a) == NFULA_SEQ &&
			    mnl_attr_get_payload_len(a) >= sizeof(uint32_t)) {
				seq_seen(ntohl(mnl_attr_get_u32(a)));
				break;
			}
		}
	}
}

int
main(int argc, char **argv)
{
	char cbuf[MNL_SOCKET_BUFFER_SIZE];
	struct mnl_socket *nl;
	struct nlmsghdr *nlh;
	struct iovec iov;
	struct msghdr msg;
	unsigned long group = 2055, copy = 128, qthresh = 256, timeout = 10;
	unsigned long nlbufsiz = 131072, rcvbuf = 8388608;
	size_t rxlen;
	uint8_t *rx;
	ssize_t r;
	int c, fd, v;

	while ((c = getopt(argc, argv, "g:n:q:r:R:t:")) != -1) {
		switch (c) {
		case 'g': group = number(optarg, 65535); break;
		case 'n': nlbufsiz = number(optarg, 1UL << 30); break;
		case 'q': qthresh = number(optarg, 1UL << 30); break;
		case 'r': copy = number(optarg, 65535); break;
		case 'R': rcvbuf = number(optarg, 1UL << 30); break;
		case 't': timeout = number(optarg, 1UL << 30); break;
		default:
			fprintf(stderr, "usage: nflog-floor [-g group] "
			    "[-r copy_range] [-q qthresh] [-t timeout] "
			    "[-n nlbufsiz] [-R rcvbuf]\n");
			return 2;
		}
	}
	if (nlbufsiz > NLBUFSIZ_MAX)
		nlbufsiz = NLBUFSIZ_MAX;
	/* Room for a batch of ~2x nlbufsiz and then some, as the daemon. */
	rxlen = 4 * NLBUFSIZ_MAX;
	if ((rx = malloc(rxlen)) == NULL) {
		perror("nflog-floor: malloc");
		return 1;
	}

	if ((nl = mnl_socket_open(NETLINK_NETFILTER)) == NULL ||
	    mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		perror("nflog-floor: netlink");
		return 1;
	}
	fd = mnl_socket_get_fd(nl);
	v = (int)rcvbuf;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &v, sizeof(v)) < 0 &&
	    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v)) < 0)
		perror("nflog-floor: receive buffer");
	{
		/*
		 * Wake up now and then even when idle, so a SIGUSR1 that
		 * slips in just before recvmsg is answered within 0.1 s.
		 */
		struct timeval tv = { 0, 100000 };

		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	}

	nlh = nflog_nlmsg_put_header(cbuf, NFULNL_MSG_CONFIG, AF_UNSPEC,
	    (uint16_t)group);
	nflog_attr_put_cfg_cmd(nlh, NFULNL_CFG_CMD_BIND);
	if (config(nl, nlh) < 0) {
		fprintf(stderr, "nflog-floor: cannot bind group %lu: %s\n",
		    group, strerror(errno));
		return 1;
	}
	nlh = nflog_nlmsg_put_header(cbuf, NFULNL_MSG_CONFIG, AF_UNSPEC,
	    (uint16_t)group);
	nflog_attr_put_cfg_mode(nlh, NFULNL_COPY_PACKET, (uint32_t)copy);
	mnl_attr_put_u32(nlh, NFULA_CFG_NLBUFSIZ, htonl((uint32_t)nlbufsiz));
	mnl_attr_put_u32(nlh, NFULA_CFG_QTHRESH, htonl((uint32_t)qthresh));
	mnl_attr_put_u32(nlh, NFULA_CFG_TIMEOUT, htonl((uint32_t)timeout));
	mnl_attr_put_u16(nlh, NFULA_CFG_FLAGS, htons(NFULNL_CFG_F_SEQ));
	if (config(nl, nlh) < 0) {
		fprintf(stderr, "nflog-floor: cannot configure group %lu: "
		    "%s\n", group, strerror(errno));
		return 1;
	}

	floor_signals();		/* interrupts the blocking recvmsg */

	fprintf(stderr, "nflog-floor: group %lu ready\n", group);
	iov.iov_base = rx;
	iov.iov_len = rxlen;
	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	while (!want_stop) {
		if (want_print) {
			want_print = 0;
			print_stats();
		}
		r = recvmsg(fd, &msg, 0);
		if (r < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			if (errno == ENOBUFS) {
				/* the sequence numbers say how many */
				st.overruns++;
				continue;
			}
			perror("nflog-floor: recvmsg");
			break;
		}
		st.batches++;
		if (msg.msg_flags & MSG_TRUNC)
			st.truncated++;
		batch(rx, (size_t)r);
	}
	print_stats();
	/* Unbind so the group is free for the next reader at once. */
	nlh = nflog_nlmsg_put_header(cbuf, NFULNL_MSG_CONFIG, AF_UNSPEC,
	    (uint16_t)group);
	nflog_attr_put_cfg_cmd(nlh, NFULNL_CFG_CMD_UNBIND);
	config(nl, nlh);
	mnl_socket_close(nl);
	return 0;
}
