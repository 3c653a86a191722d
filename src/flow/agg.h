/*
 * agg: aggregation rules with ipt_NETFLOW's syntax and semantics (SPEC 3.1).
 *
 *   "A.B.C.D/M=N"  network rule: an address inside A.B.C.D/M is masked to /N
 *                  and the record's mask is set to M
 *   "X:Y::/M=N"    the same for IPv6 (M, N 0..128), applied to IPv6 flows
 *   "P1-P2=Q", "P=Q"  port rule (TCP, UDP, SCTP, UDP-Lite): a port in
 *                  [P1, P2] becomes Q
 *
 * Comma separated; the first matching rule wins, for source and destination
 * separately.  A malformed rule rejects the whole value.
 */
#ifndef NFN_AGG_H
#define NFN_AGG_H

#include <stddef.h>
#include <stdint.h>

#include "flow/record.h"

#define AGG_MAX 64

struct agg_net {
	uint32_t net, mask;	/* host byte order; net already masked to /M */
	uint32_t to_mask;	/* host byte order mask for /N */
	uint8_t m, n;
};

struct agg_net6 {
	uint8_t net[16];	/* already masked to /M */
	uint8_t m, n;
};

struct agg_port {
	uint16_t lo, hi, to;
};

struct agg {
	unsigned nnet, nport, nnet6;
	struct agg_net net[AGG_MAX];
	struct agg_net6 net6[AGG_MAX];
	struct agg_port port[AGG_MAX];
};

/* Returns 0, or -1 with a message in err (out untouched).  "" = no rules. */
int agg_parse(const char *s, struct agg *out, char *err, size_t errlen);
/* Rewrite key in place; set *src_mask / *dst_mask (0 when no net rule matched). */
void agg_apply(const struct agg *a, struct flow_key *key, uint8_t *src_mask,
    uint8_t *dst_mask);
/* The same for an IPv6 flow: the IPv6 network rules rewrite v6's addresses. */
void agg_apply6(const struct agg *a, struct flow_key *key,
    struct flow_v6 *v6, uint8_t *src_mask, uint8_t *dst_mask);

#endif
