/*
 * nlg: the NFLOG group reader (libmnl + libnetfilter_log's mnl helpers).
 *
 * Binds one group in copy-packet mode with a bounded copy range, queue
 * threshold, flush timeout and buffer size; turns NFLOG sequence numbers on so
 * the exact number of messages lost to overruns is known; receives whole
 * batches into a buffer sized for the largest batch and counts truncation.
 */
#ifndef NFN_NLG_H
#define NFN_NLG_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct nlg;

struct nlg_cfg {
	uint16_t group;
	uint32_t copy_range;
	uint32_t queue_threshold;
	uint32_t flush_timeout;		/* 1/100 s */
	uint32_t nlbufsiz;		/* <= 131072 */
	uint32_t rcvbuf;		/* SO_RCVBUFFORCE */
};

struct nlg_pkt {
	const uint8_t *payload;		/* starts at the IP header */
	size_t caplen;
	uint16_t hw_protocol;		/* ethertype, host order (0 if absent) */
	uint32_t ifin, ifout;		/* 0 if absent */
	int has_ts;
	struct timespec ts;		/* wall clock, if has_ts */
};

struct nlg_stats {
	uint64_t batches;		/* recv() calls that returned data */
	uint64_t msgs;			/* packet messages received */
	uint64_t lost;			/* messages lost (sequence gaps) */
	uint64_t overruns;		/* ENOBUFS from recv() */
	uint64_t truncated;		/* batches cut (MSG_TRUNC) */
	uint64_t bad;			/* malformed netlink messages skipped */
	uint64_t old_msgs;		/* from the previous group after a change */
	int rcvbuf;			/* SO_RCVBUF in effect */
};

typedef void (*nlg_pkt_fn)(void *arg, const struct nlg_pkt *p);

/* Returns NULL with errno set (and a log line saying what failed). */
struct nlg *nlg_open(const struct nlg_cfg *cfg);
void nlg_close(struct nlg *g);
/*
 * Apply new settings on the same socket (live change).  A new group is
 * bound first and the previous one stays bound until it has been quiet for
 * 2 s (nlg_tick), so packets the rules log to either are metered.  Packets
 * that arrive while the kernel answers go to fn, as in nlg_read().
 * Returns -1 with errno (the kernel's refusal) on failure.
 */
int nlg_reconfig(struct nlg *g, const struct nlg_cfg *cfg, nlg_pkt_fn fn,
    void *arg);
/* Periodic: let a previous group go once it has been quiet (uptime ms). */
void nlg_tick(struct nlg *g, uint32_t now);
int nlg_fd(const struct nlg *g);
/*
 * Read what is queued (at most max_batches recv() calls) and call fn for each
 * packet.  Returns the number of packets, or -1 on a fatal socket error.
 */
int nlg_read(struct nlg *g, unsigned max_batches, nlg_pkt_fn fn, void *arg);
const struct nlg_stats *nlg_stats(const struct nlg *g);

/*
 * Parse one NFULNL_MSG_PACKET message (nlmsg_len already checked against the
 * batch) into p (zeroed by the caller); *seq / *has_seq get NFULA_SEQ.
 * Returns -1 for a malformed message (an attribute running past the
 * message, a used attribute too short, no payload).  Exposed for tests.
 */
struct nlmsghdr;
int nlg_parse(const struct nlmsghdr *nlh, struct nlg_pkt *p, uint32_t *seq,
    int *has_seq);

#endif
