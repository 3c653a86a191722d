/*
 * flood-gen: UDP from random source addresses, for the flood test and the
 * soak benchmark.  Root (a raw socket).
 *
 *	flood-gen -S NET/LEN -d DST [-p dport] [-P sports] [-r pps]
 *	          [-t seconds] [-c count] [-x seed]
 *
 * Every packet gets a source address drawn at random from NET/LEN and a
 * source port drawn at random from 1024..1024+sports-1 (default: every
 * port up to 65535), so nearly every packet of a flood starts a new flow;
 * a small -S and -P make the same flows come back (churn in the soak).
 * The packets are built here (IP_HDRINCL) because no socket can be bound
 * to an address nobody owns: the sources are spoofed.  The caller must
 * pick NET/LEN inside the addresses its test routes only within its own
 * namespaces, and route it back to the sender so that reverse path
 * filters let it through.
 *
 * 18 bytes of UDP payload (IP length 46, a 60-byte frame), UDP checksum 0
 * (none, allowed over IPv4).  -r 0 (default) sends as fast as it can.  It
 * stops after -t seconds (default 5, at most 3600) or -c packets and
 * prints one line:
 *	sent=N seconds=S pps=R errors=E
 * sent counts what the kernel took; what R forwarded is counted there.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <sys/socket.h>

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PAYLOAD		18
#define PKTLEN		(sizeof(struct iphdr) + sizeof(struct udphdr) + PAYLOAD)
#define BATCH		64
/* one row per packet, rounded up so every IP header is 4-byte aligned */
#define ROW		((PKTLEN + 7) & ~(size_t)7)

static void
usage(void)
{
	fprintf(stderr, "usage: flood-gen -S net/len -d dst [-p dport] "
	    "[-P sports] [-r pps] [-t seconds] [-c count] [-x seed]\n");
	exit(2);
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static unsigned long
number(const char *what, const char *s, unsigned long min, unsigned long max)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *s == '\0' || *end != '\0' || v < min || v > max) {
		fprintf(stderr, "flood-gen: bad %s '%s' (allowed %lu..%lu)\n",
		    what, s, min, max);
		exit(2);
	}
	return v;
}

/* xorshift64*: fast, and good enough to spread sources and ports */
static uint64_t
rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dULL;
}

/* IPv4 header checksum (the kernel fills it too, but only when it is 0) */
static uint16_t
ipsum(const void *p, size_t n)
{
	const uint16_t *w = p;
	uint32_t s = 0;

	for (; n > 1; n -= 2)
		s += *w++;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

int
main(int argc, char **argv)
{
	static uint8_t pkt[BATCH][ROW] __attribute__((aligned(8)));
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	struct sockaddr_in to = { .sin_family = AF_INET };
	struct in_addr net = { 0 };
	unsigned long dport = 5000, sports = 65536 - 1024, rate = 0, secs = 5;
	unsigned long long count = ULLONG_MAX, sent = 0, errors = 0;
	uint64_t seed = 0, rs;
	uint32_t base = 0, span = 0;
	double start, deadline, t, tokens, last;
	char *slash;
	int c, fd, one = 1, have_net = 0, have_dst = 0;
	unsigned j, len;

	while ((c = getopt(argc, argv, "S:d:p:P:r:t:c:x:")) != -1) {
		switch (c) {
		case 'S':
			if ((slash = strchr(optarg, '/')) == NULL)
				usage();
			*slash = '\0';
			if (inet_pton(AF_INET, optarg, &net) != 1)
				usage();
			len = (unsigned)number("prefix length", slash + 1, 8, 32);
			span = len == 32 ? 1 : 1u << (32 - len);
			base = ntohl(net.s_addr) & ~(span - 1);
			have_net = 1;
			break;
		case 'd':
			if (inet_pton(AF_INET, optarg, &to.sin_addr) != 1)
				usage();
			have_dst = 1;
			break;
		case 'p': dport = number("port", optarg, 1, 65535); break;
		case 'P': sports = number("source ports", optarg, 1, 64512); break;
		case 'r': rate = number("rate", optarg, 0, 100000000); break;
		case 't': secs = number("seconds", optarg, 1, 3600); break;
		case 'c': count = number("count", optarg, 1, ULONG_MAX); break;
		case 'x': seed = number("seed", optarg, 0, ULONG_MAX); break;
		default: usage();
		}
	}
	if (!have_net || !have_dst || optind != argc)
		usage();
	if ((fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW)) < 0 ||
	    setsockopt(fd, IPPROTO_IP, IP_HDRINCL, &one, sizeof(one)) < 0) {
		perror("flood-gen: raw socket (root needed)");
		return 1;
	}
	if (seed == 0)
		seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	rs = seed | 1;

	memset(msgs, 0, sizeof(msgs));
	for (j = 0; j < BATCH; j++) {
		struct iphdr *ip = (struct iphdr *)pkt[j];
		struct udphdr *u = (struct udphdr *)(ip + 1);

		ip->version = 4;
		ip->ihl = 5;
		ip->tot_len = htons(PKTLEN);
		ip->ttl = 64;
		ip->protocol = IPPROTO_UDP;
		ip->daddr = to.sin_addr.s_addr;
		u->dest = htons((uint16_t)dport);
		u->len = htons(sizeof(*u) + PAYLOAD);
		memset(u + 1, 'f', PAYLOAD);
		iov[j].iov_base = pkt[j];
		iov[j].iov_len = PKTLEN;
		msgs[j].msg_hdr.msg_iov = &iov[j];
		msgs[j].msg_hdr.msg_iovlen = 1;
		msgs[j].msg_hdr.msg_name = &to;
		msgs[j].msg_hdr.msg_namelen = sizeof(to);
	}

	start = last = now();
	deadline = start + (double)secs;
	tokens = BATCH;
	while (sent < count && (t = now()) < deadline) {
		unsigned n = BATCH;
		int r;

		if (count - sent < n)
			n = (unsigned)(count - sent);
		if (rate) {
			tokens += (t - last) * (double)rate;
			last = t;
			if (tokens > (double)rate / 100 + BATCH)
				tokens = (double)rate / 100 + BATCH;
			if (tokens < n) {
				struct timespec ts = { 0, 200000 };

				nanosleep(&ts, NULL);
				continue;
			}
		}
		for (j = 0; j < n; j++) {
			struct iphdr *ip = (struct iphdr *)pkt[j];
			struct udphdr *u = (struct udphdr *)(ip + 1);
			uint64_t r64 = rnd(&rs);

			ip->saddr = htonl(base + (uint32_t)(r64 % span));
			u->source = htons((uint16_t)(1024 + (r64 >> 32) % sports));
			ip->id = (uint16_t)(r64 >> 48);
			ip->check = 0;
			ip->check = ipsum(ip, sizeof(*ip));
		}
		r = sendmmsg(fd, msgs, n, 0);
		if (r < 0) {
			if (errno != EINTR && errno != ENOBUFS)
				errors++;
			if (errors > 1000000)
				break;
			continue;
		}
		sent += (unsigned)r;
		if (rate)
			tokens -= r;
	}
	t = now() - start;
	printf("sent=%llu seconds=%.3f pps=%.0f errors=%llu\n", sent, t,
	    t > 0 ? (double)sent / t : 0.0, errors);
	return 0;
}
