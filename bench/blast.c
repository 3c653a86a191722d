/*
 * blast: a bounded UDP traffic generator for the forwarding benchmark.
 *
 *	blast [-6] -a SRC[,SRC...] -d DST [-p dport] [-D ndports] [-s sport]
 *	      [-n flows] [-r pps] [-t seconds] [-c count] [-b batch]
 *
 * Sends fixed-size UDP packets (18 bytes of payload: a 60-byte Ethernet
 * frame, the minimum, so the per-packet cost dominates) from N concurrent
 * flows, round robin: consecutive packets belong to different flows and
 * every flow is visited once before any is visited again, so with 100,000
 * flows each packet touches a cold flow-table entry (the hard case).
 *
 * Flow i goes from socket i / D to destination port dport + i % D.
 * Socket j is bound to source address SRC[j % nsrc], port sport + j / nsrc.
 * Only the addresses given on the command line are used: the script assigns
 * them to the sender's namespace.
 *
 * -6: UDP over IPv6, every address an IPv6 one; the flows are spread over
 * sockets and destination ports exactly as over IPv4, so a flow count means
 * the same 5-tuples but for the addresses.  The payload stays 18 bytes
 * (an 80-byte frame: IPv6's header is 20 bytes longer).
 *
 * -r 0 (the default) sends as fast as it can; otherwise a token bucket
 * holds the offered rate.  It always stops after -t seconds or -c packets,
 * whichever comes first, and prints one line:
 *	sent=N seconds=S pps=R errors=E cpu_ns=C
 * cpu_ns is its own CPU time (getrusage), which on this path includes the
 * softirq work its sends trigger: the veth hands each packet to the
 * router's stack on the same CPU, so forwarding, conntrack, the building
 * of NFLOG messages and B's receive are mostly paid inside these calls.
 * Drops inside the stack (a full backlog on the veth) are not seen here:
 * UDP hides ENOBUFS unless IP_RECVERR is set, which is why the benchmark
 * counts forwarded packets on the router, never "sent".
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PAYLOAD		18	/* 14 eth + 20 ip + 8 udp + 18 = 60 */
#define MAXSRC		64
#define MAXBATCH	1024
#define MAXDPORTS	65536

/* One socket address of either family, so both share every code path. */
union addr {
	struct sockaddr sa;
	struct sockaddr_in v4;
	struct sockaddr_in6 v6;
};

static int family = AF_INET;

static void
usage(void)
{
	fprintf(stderr, "usage: blast [-6] -a src[,src...] -d dst [-p dport] "
	    "[-D ndports] [-s sport] [-n flows] [-r pps] [-t seconds] "
	    "[-c count] [-b batch]\n");
	exit(2);
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
sleep_until(double t)
{
	struct timespec ts;

	ts.tv_sec = (time_t)t;
	ts.tv_nsec = (long)((t - (double)ts.tv_sec) * 1e9);
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) ==
	    EINTR)
		;
}

/* parse: S as an address of the family, port 0 */
static int
parse(const char *s, union addr *a)
{
	memset(a, 0, sizeof(*a));
	a->sa.sa_family = (sa_family_t)family;
	if (family == AF_INET6)
		return inet_pton(AF_INET6, s, &a->v6.sin6_addr) == 1;
	return inet_pton(AF_INET, s, &a->v4.sin_addr) == 1;
}

static void
set_port(union addr *a, unsigned long port)
{
	if (family == AF_INET6)
		a->v6.sin6_port = htons((uint16_t)port);
	else
		a->v4.sin_port = htons((uint16_t)port);
}

static unsigned long
number(const char *s, unsigned long max)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *s == '\0' || *end != '\0' || v > max) {
		fprintf(stderr, "blast: bad number %s (max %lu)\n", s, max);
		exit(2);
	}
	return v;
}

int
main(int argc, char **argv)
{
	union addr src[MAXSRC], dst, *dsts;
	char *srcarg = NULL, *dstarg = NULL;
	struct mmsghdr msgs[MAXBATCH];
	struct iovec iov;
	static char payload[PAYLOAD];
	char *list, *tok;
	unsigned long dport = 5000, ndports = 1000, sport = 10000, flows = 1000;
	unsigned long rate = 0, batch = 64, secs = 5;
	unsigned long long count = ULLONG_MAX, sent = 0, errors = 0;
	unsigned nsrc = 0, nsock, j;
	unsigned long long flow = 0;
	double start, deadline, t, tokens = 0, last, cap;
	struct rusage ru;
	socklen_t salen;
	int *fds, c;

	while ((c = getopt(argc, argv, "6a:b:c:d:D:n:p:r:s:t:")) != -1) {
		switch (c) {
		case '6': family = AF_INET6; break;
		case 'a': srcarg = optarg; break;
		case 'b': batch = number(optarg, MAXBATCH); break;
		case 'c': count = number(optarg, ULONG_MAX); break;
		case 'd': dstarg = optarg; break;
		case 'D': ndports = number(optarg, MAXDPORTS); break;
		case 'n': flows = number(optarg, 10000000); break;
		case 'p': dport = number(optarg, 65535); break;
		case 'r': rate = number(optarg, 100000000); break;
		case 's': sport = number(optarg, 65535); break;
		case 't': secs = number(optarg, 3600); break;
		default: usage();
		}
	}
	/* the addresses are parsed once the family is known */
	for (list = srcarg; list && (tok = strsep(&list, ",")) != NULL;
	    nsrc++)
		if (nsrc == MAXSRC || !parse(tok, &src[nsrc]))
			usage();
	if (nsrc == 0 || !dstarg || !parse(dstarg, &dst) || batch == 0 ||
	    flows == 0 || ndports == 0)
		usage();
	salen = family == AF_INET6 ? sizeof(struct sockaddr_in6) :
	    sizeof(struct sockaddr_in);
	if (ndports > flows)
		ndports = flows;
	if (dport + ndports - 1 > 65535) {
		fprintf(stderr, "blast: destination ports beyond 65535\n");
		return 2;
	}
	nsock = (unsigned)((flows + ndports - 1) / ndports);
	if (sport + (nsock + nsrc - 1) / nsrc - 1 > 65535) {
		fprintf(stderr, "blast: %u sockets do not fit in the source "
		    "ports from %lu on %u addresses\n", nsock, sport, nsrc);
		return 2;
	}

	if ((fds = calloc(nsock, sizeof(*fds))) == NULL ||
	    (dsts = calloc(ndports, sizeof(*dsts))) == NULL) {
		perror("blast: calloc");
		return 1;
	}
	for (j = 0; j < nsock; j++) {
		union addr sa = src[j % nsrc];

		set_port(&sa, sport + j / nsrc);
		if ((fds[j] = socket(family, SOCK_DGRAM, 0)) < 0 ||
		    bind(fds[j], &sa.sa, salen) < 0) {
			fprintf(stderr, "blast: socket %u (source address "
			    "%u of -a, port %lu): %s\n", j, j % nsrc + 1,
			    sport + j / nsrc, strerror(errno));
			return 1;
		}
	}
	for (j = 0; j < ndports; j++) {
		dsts[j] = dst;
		set_port(&dsts[j], dport + j);
	}
	/* Every message shares one payload; only the destination changes. */
	iov.iov_base = payload;
	iov.iov_len = sizeof(payload);
	memset(msgs, 0, sizeof(msgs));
	for (j = 0; j < MAXBATCH; j++) {
		msgs[j].msg_hdr.msg_iov = &iov;
		msgs[j].msg_hdr.msg_iovlen = 1;
		msgs[j].msg_hdr.msg_namelen = salen;
	}

	cap = (double)rate / 100;
	if (cap < (double)batch)
		cap = (double)batch;
	/* Ask for precise wakeups: the default slack is 50 us. */
	prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);

	start = last = now();
	deadline = start + (double)secs;
	/* Start with one batch of credit so the first send is immediate. */
	tokens = (double)batch;
	while (sent < count) {
		unsigned long long i = flow % flows;
		unsigned long d = (unsigned long)(i % ndports);
		unsigned s = (unsigned)(i / ndports);
		unsigned long n = batch;
		int r;

		t = now();
		if (t >= deadline)
			break;
		/* A batch stays on one socket (one source port). */
		if (n > ndports - d)
			n = ndports - d;
		if (n > flows - i)
			n = flows - i;
		if (n > count - sent)
			n = (unsigned long)(count - sent);
		if (rate) {
			tokens += (t - last) * (double)rate;
			last = t;
			/*
			 * The bucket holds 10 ms of traffic (at least one
			 * batch): enough to absorb late wakeups (a VM's
			 * timers can be hundreds of microseconds late, and
			 * a smaller bucket then silently lowers the rate),
			 * small enough that a stall never turns into a
			 * burst that overflows a 1000-packet backlog.
			 */
			if (tokens > cap)
				tokens = cap;
			if (tokens < (double)n) {
				double wake = t + ((double)n - tokens) /
				    (double)rate;

				if (wake > deadline)
					wake = deadline;
				sleep_until(wake);
				continue;
			}
		}
		for (j = 0; j < n; j++)
			msgs[j].msg_hdr.msg_name = &dsts[d + j];
		r = sendmmsg(fds[s], msgs, (unsigned)n, 0);
		if (r < 0) {
			if (errno != EINTR)
				errors++;
			/* Do not spin on a persistent error; stay bounded. */
			if (errors > 1000000)
				break;
			continue;
		}
		sent += (unsigned)r;
		flow += (unsigned)r;
		if (rate)
			tokens -= r;
	}
	t = now() - start;
	getrusage(RUSAGE_SELF, &ru);
	printf("sent=%llu seconds=%.3f pps=%.0f errors=%llu cpu_ns=%.0f\n",
	    sent, t, t > 0 ? (double)sent / t : 0.0, errors,
	    (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e9 +
	    (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e3);
	return 0;
}
