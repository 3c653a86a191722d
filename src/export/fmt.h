/*
 * fmt: one export datagram in the configured protocol (NetFlow v5, v9 or
 * IPFIX): records in, message bytes out.  It decides when templates go
 * (v9/IPFIX) and numbers the messages.  No I/O and no clock of its own:
 * the caller gives the time, so all of it is tested on a fake clock.
 *
 * Use: fmt_add() each record; when it returns 1 the datagram is full and
 * the caller sends it at once: fmt_finish() writes the header and gives
 * the length of f->buf.  The caller also finishes a partial datagram when
 * it has waited long enough (export.c).
 *
 * Templates (v9/IPFIX) are written at the head of a datagram before the
 * first data ever, then again when refresh_rate datagrams have been built
 * since, or timeout_ms have passed, whichever comes first (ipt_NETFLOW's
 * refresh-rate and timeout-rate).  Only the templates in use are sent:
 * IPv4 and IPv6 flows (with masks or not), and NAT events when cfg.nat.
 *
 * Sequence numbers: v5 counts flows before this datagram, v9 datagrams
 * before this one, IPFIX data records before this message (RFC 7011 and
 * its erratum 4396); templates are not data records.
 *
 * Size: v9/IPFIX datagrams stay within FMT_MAXLEN bytes, so with IPv6 and
 * UDP headers (48 bytes) they fit a 1500-byte MTU to a collector of either
 * family.  v5 keeps its own 30-record limit (1464 bytes).
 */
#ifndef NFN_FMT_H
#define NFN_FMT_H

#include <stddef.h>
#include <stdint.h>

#include "export/ie.h"
#include "export/nf5.h"
#include "export/opts.h"
#include "flow/record.h"

#define FMT_MAXLEN	(1500 - 40 - 8)

/*
 * How the kernel's rule selected packets.  v5's 2-bit sampling mode and
 * v9/IPFIX samplingAlgorithm (35) share these codes.
 */
#define FMT_SAMPLING_OFF		0
#define FMT_SAMPLING_DETERMINISTIC	NF5_SAMPLING_DETERMINISTIC
#define FMT_SAMPLING_RANDOM		NF5_SAMPLING_RANDOM
#define FMT_BUFLEN	(NF5_MAXLEN > FMT_MAXLEN ? NF5_MAXLEN : FMT_MAXLEN)

struct fmt_cfg {
	unsigned protocol;		/* 5, 9 or 10 */
	uint8_t engine_type;		/* v5 header only */
	uint8_t engine_id;		/* v5 engine_id; v9 source id; IPFIX domain */
	uint32_t refresh_rate;		/* datagrams, >= 1 */
	uint32_t timeout_ms;		/* template refresh period, >= 1 */
	int masks;			/* templates carry the prefix lengths */
	int nat;			/* NAT event template too (natevents) */
	uint8_t sampling_mode;		/* FMT_SAMPLING_* */
	uint16_t sampling_interval;	/* N of 1 in N; 0 when off */
};

/* The time of an add or a finish: uptime ms and the wall clock then. */
struct fmt_clock {
	uint32_t uptime;
	uint32_t secs, nsecs;		/* CLOCK_REALTIME */
};

struct fmt_stats {
	uint64_t templates;		/* datagrams that carried templates */
	uint64_t options;		/* options datagrams */
	uint64_t unsupported;		/* records the protocol cannot carry */
};

struct fmt {
	struct fmt_cfg cfg;
	struct ie_tmpl tmpl[4];		/* v9/IPFIX: IPv4, IPv6, NAT events
					   of IPv4 and of IPv6 connections */
	unsigned ntmpl_used;		/* 2, or 4 with NAT events */
	size_t hdr_len;
	size_t max_reclen;		/* worst case room one record needs */
	/* the datagram being built */
	uint8_t buf[FMT_BUFLEN];
	size_t len;			/* bytes used in buf */
	unsigned nrecs;			/* data records in it */
	unsigned ntmpl;			/* template records in it */
	size_t set_off;			/* open data set's header, 0 = none */
	uint16_t set_id;
	/* across datagrams */
	uint32_t sequence;
	int tmpl_sent;			/* templates went out at least once */
	uint32_t tmpl_at;		/* uptime ms they last went */
	uint32_t since_tmpl;		/* datagrams built since */
	int opts_due;			/* templates went: options follow */
	size_t opts_stats_at;		/* the statistics record in the last
					   options datagram built; 0: none */
	struct fmt_stats st;
};

/* Start afresh with cfg: nothing pending, sequence 0, templates due. */
void fmt_init(struct fmt *f, const struct fmt_cfg *cfg);

/*
 * A live change.  If fmt_reconf_flushes() says so, the caller finishes the
 * pending datagram first: a new protocol, and under v9/IPFIX a new source
 * id or new templates (masks), must not be mixed with records already
 * encoded.  A new protocol, or a new v9/IPFIX source id, is a new stream:
 * sequence 0, templates at once.  New masks or NAT events make the
 * templates due at once.  v5 takes engine_type/engine_id from the next
 * header written, as it always did; its flow sequence goes on.  A new
 * sampler flushes in every protocol (each record keeps the rate it was
 * metered at) and the stream goes on.  Under v9/IPFIX a new sampler, or a
 * new stream with one, makes the options due at once, so that the caller
 * sends them before the first record of that rate.
 */
int fmt_reconf_flushes(const struct fmt *f, const struct fmt_cfg *cfg);
void fmt_reconf(struct fmt *f, const struct fmt_cfg *cfg);

/*
 * Add one record.  Returns 1 if the datagram is full now (finish and send
 * it before the next add), 0 if not, -1 (errno EAFNOSUPPORT, counted in
 * st.unsupported) for an IPv6 record under v5, which is not added.
 */
int fmt_add(struct fmt *f, const struct flow_rec *r, const struct fmt_clock *c);

/*
 * Write the header of the pending datagram and count it.  Returns its
 * length in f->buf, 0 if no record is pending (nothing is built).  The
 * buffer stays valid until the next fmt_add().
 */
size_t fmt_finish(struct fmt *f, const struct fmt_clock *c);

/*
 * Options data (v9/IPFIX; opts.h), due whenever templates went out or
 * the sampler changed (f->opts_due, which the caller clears).  The
 * sampler's record (template 263, while one is set) goes with the
 * statistics record.  With no datagram pending, build
 * the next options datagram: the options templates, then item *next on:
 * item 0 is the statistics record, item i >= 1 interface ifs[i - 1].
 * Returns its length in f->buf and advances *next; 0 once every item is
 * out (*next > nifs), and always under v5.  f->opts_stats_at is where the
 * statistics record is in f->buf, so that a sender can give each
 * destination its own not-sent counters (opts_put_notsent()).
 */
size_t fmt_options(struct fmt *f, const struct opts_stats *st,
    const struct opts_ifname *ifs, unsigned nifs, unsigned *next,
    const struct fmt_clock *c);

static inline unsigned
fmt_pending(const struct fmt *f)
{
	return f->nrecs;
}

#endif
