/*
 * ct-floor: the cheapest possible reader of conntrack events, as the
 * conntrack benchmark's floor.
 *
 *	ct-floor [-R rcvbuf] [-r] [-H hold_ms]
 *
 * It joins the NEW and DESTROY groups that nft-netflowd joins in capture
 * = conntrack, with the same receive buffer (SO_RCVBUFFORCE), reliable
 * delivery with -r, and reads the way the daemon does: up to 64 datagrams
 * per recvmmsg() into 8 KiB slots until the socket is empty, and after a
 * light read (fewer than 64) it waits hold_ms (default 1) before it looks
 * again, so events queue up and are read in batches.  It counts the
 * messages by type and throws them away.  Whatever the daemon costs above
 * this per connection is its own work: parsing, its connection table,
 * export.  What this costs is the kernel's receive path for one datagram
 * per event, which no reader of ctnetlink events avoids.
 *
 * SIGUSR1 prints the counters; SIGINT/SIGTERM print them and exit.  Line:
 *	new=N destroy=D other=X datagrams=G reads=R overruns=O truncated=T
 */
#include <sys/socket.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/netlink.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include "floor-signals.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK	270
#endif

#define BATCH		64		/* datagrams per recvmmsg() */
#define SLOT		(8u << 10)	/* bytes per datagram */

static struct {
	uint64_t new, destroy, other, datagrams, reads, overruns, truncated;
} st;

static void
print_counters(void)
{
	printf("new=%llu destroy=%llu other=%llu datagrams=%llu reads=%llu "
	    "overruns=%llu truncated=%llu\n", (unsigned long long)st.new,
	    (unsigned long long)st.destroy, (unsigned long long)st.other,
	    (unsigned long long)st.datagrams, (unsigned long long)st.reads,
	    (unsigned long long)st.overruns, (unsigned long long)st.truncated);
	fflush(stdout);
}

/* Count the messages of one datagram by type; nothing else is looked at. */
static void
count(const char *buf, size_t len)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
	int n = (int)len;

	for (; NLMSG_OK(nlh, n); nlh = NLMSG_NEXT(nlh, n)) {
		switch (nlh->nlmsg_type & 0xff) {	/* NFNL_MSG_TYPE */
		case IPCTNL_MSG_CT_NEW:		st.new++; break;
		case IPCTNL_MSG_CT_DELETE:	st.destroy++; break;
		default:			st.other++; break;
		}
	}
}

/* Read until the socket is empty; returns the datagrams read. */
static int
drain(int fd, struct mmsghdr *mm, char *buf)
{
	int n, i, got = 0;

	for (;;) {
		for (i = 0; i < BATCH; i++)
			mm[i].msg_hdr.msg_flags = 0;
		n = recvmmsg(fd, mm, BATCH, MSG_DONTWAIT, NULL);
		if (n < 0) {
			if (errno == ENOBUFS) {
				st.overruns++;
				continue;
			}
			return got;	/* EAGAIN, or EINTR: look again */
		}
		if (n == 0)
			return got;
		st.reads++;
		st.datagrams += (uint64_t)n;
		for (i = 0; i < n; i++) {
			if (mm[i].msg_hdr.msg_flags & MSG_TRUNC)
				st.truncated++;
			else
				count(buf + (size_t)i * SLOT, mm[i].msg_len);
		}
		got += n;
	}
}

static int
join(int fd, int group)
{
	return setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &group,
	    sizeof(group));
}

int
main(int argc, char **argv)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	static struct mmsghdr mm[BATCH];
	static struct iovec iov[BATCH];
	struct pollfd pfd;
	struct timespec hold;
	int fd, c, i, rcvbuf = 4194304, reliable = 0, hold_ms = 1;
	char *buf;

	while ((c = getopt(argc, argv, "R:rH:")) != -1) {
		switch (c) {
		case 'R':	rcvbuf = atoi(optarg); break;
		case 'r':	reliable = 1; break;
		case 'H':	hold_ms = atoi(optarg); break;
		default:
			fprintf(stderr, "usage: ct-floor [-R rcvbuf] [-r] "
			    "[-H hold_ms]\n");
			return 2;
		}
	}
	if ((buf = malloc((size_t)BATCH * SLOT)) == NULL)
		return 1;
	for (i = 0; i < BATCH; i++) {
		iov[i].iov_base = buf + (size_t)i * SLOT;
		iov[i].iov_len = SLOT;
		mm[i].msg_hdr.msg_iov = &iov[i];
		mm[i].msg_hdr.msg_iovlen = 1;
	}
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    NETLINK_NETFILTER);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("ct-floor: netlink socket");
		return 1;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf,
	    sizeof(rcvbuf)) < 0 &&
	    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf)) < 0)
		perror("ct-floor: receive buffer");
	if (reliable &&
	    (setsockopt(fd, SOL_NETLINK, NETLINK_BROADCAST_ERROR, &reliable,
	    sizeof(reliable)) < 0 ||
	    setsockopt(fd, SOL_NETLINK, NETLINK_NO_ENOBUFS, &reliable,
	    sizeof(reliable)) < 0)) {
		perror("ct-floor: reliable delivery");
		return 1;
	}
	if (join(fd, NFNLGRP_CONNTRACK_NEW) < 0 ||
	    join(fd, NFNLGRP_CONNTRACK_DESTROY) < 0) {
		perror("ct-floor: joining the event groups");
		return 1;
	}
	floor_signals();
	printf("ready\n");
	fflush(stdout);

	hold.tv_sec = 0;
	hold.tv_nsec = (long)hold_ms * 1000000L;
	pfd.fd = fd;
	pfd.events = POLLIN;
	while (!want_stop) {
		if (want_print) {
			want_print = 0;
			print_counters();
		}
		if (poll(&pfd, 1, 1000) <= 0)
			continue;
		/* a light read: let events queue for hold_ms, as the daemon */
		if (drain(fd, mm, buf) < BATCH && hold_ms > 0)
			nanosleep(&hold, NULL);
	}
	print_counters();
	return 0;
}
