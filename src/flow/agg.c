/*
 * agg: ipt_NETFLOW's aggregation rules (SPEC 3.1).
 *
 * The rules rewrite the flow key before the flow lookup, so every packet
 * the rules make alike lands in the same flow.  Unlike ipt_NETFLOW, which
 * stops quietly at the first rule it cannot read, a malformed rule rejects
 * the whole value: a half-applied aggregation is worse than none.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "flow/agg.h"

#define AGG_RULE_MAX	64
#define AGG_SYNTAX	"rules are A.B.C.D/M=N (M, N 0..32), X:Y::/M=N (M, " \
			"N 0..128) or P1-P2=Q / P=Q (ports 0..65535), comma " \
			"separated"

/* IP protocols with ports (ipt_NETFLOW's list): TCP, UDP, SCTP, UDP-Lite. */
static int
agg_has_ports(uint8_t proto)
{
	return proto == 6 || proto == 17 || proto == 132 || proto == 136;
}

static uint32_t
agg_prefix(unsigned bits)
{
	/* A shift by 32 is undefined: /0 is spelled out. */
	return bits == 0 ? 0 : 0xffffffffu << (32 - bits);
}

/* Strict decimal of at most max, from a counted string: digits only. */
static int
agg_num(const char *s, size_t len, unsigned long max, unsigned long *v)
{
	size_t i;

	if (len == 0 || len > 10)
		return -1;
	*v = 0;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*v = *v * 10 + (unsigned long)(s[i] - '0');
	}
	return *v <= max ? 0 : -1;
}

/*
 * "ADDR/M" = "N" for address family af: the address into out (4 or 16
 * bytes, network order), M and N checked against the family's length.
 */
static int
agg_net_parse(int af, const char *lhs, const char *rhs, void *out,
    unsigned long *m, unsigned long *n, const char **why)
{
	const char *slash = strchr(lhs, '/');
	int v6 = af == AF_INET6;
	size_t room = v6 ? INET6_ADDRSTRLEN : INET_ADDRSTRLEN;
	unsigned long bits = v6 ? 128 : 32;
	char addr[INET6_ADDRSTRLEN];

	if (slash == NULL) {
		*why = "missing /M after the network address";
		return -1;
	}
	if ((size_t)(slash - lhs) >= room) {
		*why = "bad network address";
		return -1;
	}
	memcpy(addr, lhs, (size_t)(slash - lhs));
	addr[slash - lhs] = '\0';
	if (inet_pton(af, addr, out) != 1) {
		*why = v6 ? "bad IPv6 network address" :
		    "bad network address (expected A.B.C.D)";
		return -1;
	}
	if (agg_num(slash + 1, strlen(slash + 1), bits, m) < 0) {
		*why = v6 ? "IPv6 prefix length M must be 0..128" :
		    "prefix length M must be 0..32";
		return -1;
	}
	if (agg_num(rhs, strlen(rhs), bits, n) < 0) {
		*why = v6 ? "new IPv6 prefix length N must be 0..128" :
		    "new prefix length N must be 0..32";
		return -1;
	}
	return 0;
}

/* "A.B.C.D/M" = "N" */
static int
agg_net_rule(const char *lhs, const char *rhs, struct agg *a,
    const char **why)
{
	struct in_addr in;
	unsigned long m, n;
	struct agg_net *r;

	if (agg_net_parse(AF_INET, lhs, rhs, &in, &m, &n, why) < 0)
		return -1;
	if (a->nnet >= AGG_MAX) {
		*why = "too many network rules";
		return -1;
	}
	r = &a->net[a->nnet++];
	r->mask = agg_prefix((unsigned)m);
	r->net = ntohl(in.s_addr) & r->mask;
	r->to_mask = agg_prefix((unsigned)n);
	r->m = (uint8_t)m;
	r->n = (uint8_t)n;
	return 0;
}

/* Clear the bits of a past the first bits. */
static void
agg_mask6(uint8_t a[16], unsigned bits)
{
	unsigned i;

	for (i = 0; i < 16; i++, bits = bits > 8 ? bits - 8 : 0)
		if (bits < 8)
			a[i] &= (uint8_t)(0xff00 >> bits);
}

/* "X:Y::/M" = "N" */
static int
agg_net6_rule(const char *lhs, const char *rhs, struct agg *a,
    const char **why)
{
	unsigned long m, n;
	struct agg_net6 *r;
	uint8_t in6[16];

	if (agg_net_parse(AF_INET6, lhs, rhs, in6, &m, &n, why) < 0)
		return -1;
	if (a->nnet6 >= AGG_MAX) {
		*why = "too many IPv6 network rules";
		return -1;
	}
	r = &a->net6[a->nnet6++];
	memcpy(r->net, in6, 16);
	agg_mask6(r->net, (unsigned)m);
	r->m = (uint8_t)m;
	r->n = (uint8_t)n;
	return 0;
}

/* "P1-P2" or "P" = "Q" */
static int
agg_port_rule(const char *lhs, const char *rhs, struct agg *a,
    const char **why)
{
	const char *dash = strchr(lhs, '-');
	unsigned long lo, hi, to;
	struct agg_port *r;

	if (dash == NULL) {
		if (agg_num(lhs, strlen(lhs), 65535, &lo) < 0) {
			*why = "port P must be 0..65535";
			return -1;
		}
		hi = lo;
	} else if (agg_num(lhs, (size_t)(dash - lhs), 65535, &lo) < 0 ||
	    agg_num(dash + 1, strlen(dash + 1), 65535, &hi) < 0) {
		*why = "ports P1 and P2 must be 0..65535";
		return -1;
	} else if (lo > hi) {
		*why = "P1 must not be greater than P2";
		return -1;
	}
	if (agg_num(rhs, strlen(rhs), 65535, &to) < 0) {
		*why = "new port Q must be 0..65535";
		return -1;
	}
	if (a->nport >= AGG_MAX) {
		*why = "too many port rules";
		return -1;
	}
	r = &a->port[a->nport++];
	r->lo = (uint16_t)lo;
	r->hi = (uint16_t)hi;
	r->to = (uint16_t)to;
	return 0;
}

/* One rule, surrounding blanks already stripped. */
static int
agg_rule(char *rule, struct agg *a, const char **why)
{
	char *eq;

	if (*rule == '\0') {
		*why = "empty rule";
		return -1;
	}
	if ((eq = strchr(rule, '=')) == NULL) {
		*why = "missing '='";
		return -1;
	}
	*eq = '\0';
	if (strchr(eq + 1, '=') != NULL) {
		*why = "more than one '='";
		return -1;
	}
	/* An address has dots, colons or a slash; a port rule has none. */
	if (strchr(rule, ':') != NULL)
		return agg_net6_rule(rule, eq + 1, a, why);
	if (strpbrk(rule, "./") != NULL)
		return agg_net_rule(rule, eq + 1, a, why);
	return agg_port_rule(rule, eq + 1, a, why);
}

int
agg_parse(const char *s, struct agg *out, char *err, size_t errlen)
{
	char rule[AGG_RULE_MAX + 1], *b, *e;
	const char *p = s, *why;
	struct agg a;
	size_t len;

	memset(&a, 0, sizeof(a));
	while (isspace((unsigned char)*p))
		p++;
	if (*p == '\0')
		goto done;
	for (;;) {
		len = strcspn(p, ",");
		snprintf(rule, sizeof(rule), "%.*s", (int)len, p);
		b = rule;
		while (isspace((unsigned char)*b))
			b++;
		e = b + strlen(b);
		while (e > b && isspace((unsigned char)e[-1]))
			*--e = '\0';
		why = NULL;
		if (len > AGG_RULE_MAX)
			why = "rule too long";
		else
			agg_rule(b, &a, &why);
		if (why != NULL) {
			snprintf(err, errlen, "aggregation rule \"%.*s\": %s; "
			    AGG_SYNTAX, (int)len, p, why);
			return -1;
		}
		if (p[len] == '\0')
			break;
		p += len + 1;
	}
done:
	memcpy(out, &a, sizeof(a));
	return 0;
}

/* First network rule containing addr wins; returns its M, or 0. */
static uint8_t
agg_addr(const struct agg *a, uint32_t *addr)
{
	uint32_t h = ntohl(*addr);
	unsigned i;

	for (i = 0; i < a->nnet; i++) {
		if ((h & a->net[i].mask) == a->net[i].net) {
			*addr = htonl(h & a->net[i].to_mask);
			return a->net[i].m;
		}
	}
	return 0;
}

static void
agg_port(const struct agg *a, uint16_t *port)
{
	unsigned i;

	for (i = 0; i < a->nport; i++) {
		if (*port >= a->port[i].lo && *port <= a->port[i].hi) {
			*port = a->port[i].to;
			return;
		}
	}
}

void
agg_apply(const struct agg *a, struct flow_key *key, uint8_t *src_mask,
    uint8_t *dst_mask)
{
	*src_mask = agg_addr(a, &key->src);
	*dst_mask = agg_addr(a, &key->dst);
	/* ICMP's "dport" is type and code: never a port rule's business. */
	if (a->nport > 0 && agg_has_ports(key->proto)) {
		agg_port(a, &key->sport);
		agg_port(a, &key->dport);
	}
}

/* First IPv6 network rule containing addr wins; returns its M, or 0. */
static uint8_t
agg_addr6(const struct agg *a, uint8_t addr[16])
{
	uint8_t t[16];
	unsigned i;

	for (i = 0; i < a->nnet6; i++) {
		memcpy(t, addr, 16);
		agg_mask6(t, a->net6[i].m);
		if (memcmp(t, a->net6[i].net, 16) == 0) {
			agg_mask6(addr, a->net6[i].n);
			return a->net6[i].m;
		}
	}
	return 0;
}

void
agg_apply6(const struct agg *a, struct flow_key *key, struct flow_v6 *v6,
    uint8_t *src_mask, uint8_t *dst_mask)
{
	*src_mask = agg_addr6(a, v6->src);
	*dst_mask = agg_addr6(a, v6->dst);
	/* ICMPv6's "dport" is type and code: never a port rule's business. */
	if (a->nport > 0 && agg_has_ports(key->proto)) {
		agg_port(a, &key->sport);
		agg_port(a, &key->dport);
	}
}
