/*
 * opts: v9/IPFIX options templates and records.  See opts.h.
 *
 * v9 (RFC 3954 6.1): FlowSet id 1; a record is template id, scope length
 * and option length in bytes, then the scope fields and the option fields
 * as (type, length).  IPFIX (RFC 7011 3.4.2.2): Set id 3; a record is
 * template id, field count, scope field count, then the field specifiers,
 * scope first.  Both sets come to 64 bytes, a multiple of 4: no padding;
 * with the sampler's template 82, padded to 84.
 */
#include <string.h>

#include "export/opts.h"
#include "export/wire.h"

#define V9_OPTS_SET_ID		1
#define IPFIX_OPTS_SET_ID	3
#define V9_SCOPE_SYSTEM		1
#define V9_SCOPE_INTERFACE	2
#define IE_OD_ID		149	/* observationDomainId */
#define IE_MSGS			41
#define IE_FLOWS		42
#define IE_OCTETS_EXP		40
#define IE_IGN_PKTS		164
#define IE_IGN_OCTETS		165
#define IE_NOTSENT_FLOWS	166
#define IE_NOTSENT_PKTS		167
#define IE_NOTSENT_OCTETS	168
#define IE_IF_NAME		82
#define IE_IF_DESCR		83
#define IE_SAMPLING_INTERVAL	34
#define IE_SAMPLING_ALGORITHM	35

static const struct ie_field stats_fields[] = {
	{ IE_MSGS, 8 }, { IE_FLOWS, 8 }, { IE_OCTETS_EXP, 8 },
	{ IE_IGN_PKTS, 8 }, { IE_IGN_OCTETS, 8 },
	{ IE_NOTSENT_FLOWS, 8 }, { IE_NOTSENT_PKTS, 8 },
	{ IE_NOTSENT_OCTETS, 8 },
};
static const struct ie_field ifname_fields[] = {
	{ IE_IF_NAME, OPTS_NAME_LEN }, { IE_IF_DESCR, OPTS_DESCR_LEN },
};
static const struct ie_field sampler_fields[] = {
	{ IE_SAMPLING_INTERVAL, 4 }, { IE_SAMPLING_ALGORITHM, 1 },
};

/* One options template record; returns its length. */
static size_t
put_one(uint8_t *p, enum ie_dialect d, uint16_t id, uint16_t scope_v9,
    uint16_t scope_ipfix, const struct ie_field *f, unsigned n)
{
	size_t off;
	unsigned i;

	wire_put16(p, id);
	if (d == IE_V9) {
		wire_put16(p + 2, 4);			/* scope: 1 field */
		wire_put16(p + 4, (uint16_t)(4 * n));
		wire_put16(p + 6, scope_v9);
	} else {
		wire_put16(p + 2, (uint16_t)(n + 1));	/* scope included */
		wire_put16(p + 4, 1);
		wire_put16(p + 6, scope_ipfix);
	}
	wire_put16(p + 8, 4);
	off = 10;
	for (i = 0; i < n; i++, off += 4) {
		wire_put16(p + off, f[i].id);
		wire_put16(p + off + 2, f[i].len);
	}
	return off;
}

size_t
opts_put_tmpl_set(uint8_t *p, enum ie_dialect d, int sampler)
{
	size_t len = 4;

	len += put_one(p + len, d, OPTS_TMPL_STATS, V9_SCOPE_SYSTEM, IE_OD_ID,
	    stats_fields, sizeof(stats_fields) / sizeof(stats_fields[0]));
	len += put_one(p + len, d, OPTS_TMPL_IFNAME, V9_SCOPE_INTERFACE,
	    IE_IFIN, ifname_fields,
	    sizeof(ifname_fields) / sizeof(ifname_fields[0]));
	if (sampler) {
		len += put_one(p + len, d, OPTS_TMPL_SAMPLER, V9_SCOPE_SYSTEM,
		    IE_OD_ID, sampler_fields,
		    sizeof(sampler_fields) / sizeof(sampler_fields[0]));
		while (len % 4 != 0)
			p[len++] = 0;
	}
	wire_put16(p, d == IE_V9 ? V9_OPTS_SET_ID : IPFIX_OPTS_SET_ID);
	wire_put16(p + 2, (uint16_t)len);
	return len;
}

void
opts_put_stats(uint8_t *p, const struct opts_stats *s)
{
	wire_put32(p, s->domain);
	wire_put64(p + 4, s->messages);
	wire_put64(p + 12, s->flows);
	wire_put64(p + 20, s->octets);
	wire_put64(p + 28, s->ignored_pkts);
	wire_put64(p + 36, s->ignored_octets);
	opts_put_notsent(p, &s->notsent);
}

void
opts_put_notsent(uint8_t *p, const struct opts_notsent *n)
{
	wire_put64(p + OPTS_STATS_NOTSENT, n->flows);
	wire_put64(p + OPTS_STATS_NOTSENT + 8, n->pkts);
	wire_put64(p + OPTS_STATS_NOTSENT + 16, n->octets);
}

/* Copy at most len bytes of a name, NUL padded (not terminated if full). */
static void
put_text(uint8_t *p, const char *s, size_t len)
{
	size_t n = strnlen(s, len);

	memcpy(p, s, n);
	memset(p + n, 0, len - n);
}

void
opts_put_ifname(uint8_t *p, const struct opts_ifname *i)
{
	wire_put32(p, i->ifindex);
	put_text(p + 4, i->name, OPTS_NAME_LEN);
	put_text(p + 4 + OPTS_NAME_LEN, i->descr, OPTS_DESCR_LEN);
}

void
opts_put_sampler_set(uint8_t *p, const struct opts_sampler *s)
{
	/* a data set's header is the same in v9 and IPFIX */
	memset(p, 0, OPTS_SAMPLER_SET_LEN);
	wire_put16(p, OPTS_TMPL_SAMPLER);
	wire_put16(p + 2, OPTS_SAMPLER_SET_LEN);
	wire_put32(p + 4, s->domain);
	wire_put32(p + 8, s->interval);
	p[12] = s->algorithm;
}
