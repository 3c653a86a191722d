/*
 * opts: v9/IPFIX options data, sent with the templates' rhythm: the
 * exporter's statistics and the names of the interfaces whose ifindex the
 * flows carry (so a collector labels them without SNMP).  Pure functions:
 * no I/O, no clock.
 *
 *	template 261, exporter statistics, one record
 *	  scope: v9 System (1) / IPFIX observationDomainId (149)  4
 *	  41 exportedMessageTotalCount				  8
 *	  42 exportedFlowRecordTotalCount			  8
 *	  40 exportedOctetTotalCount				  8
 *	  164 ignoredPacketTotalCount				  8
 *	  165 ignoredOctetTotalCount				  8
 *	  166 notSentFlowTotalCount				  8
 *	  167 notSentPacketTotalCount				  8
 *	  168 notSentOctetTotalCount				  8
 *	template 262, one record per interface
 *	  scope: v9 Interface (2) / IPFIX ingressInterface (10)	  4
 *	  82 interfaceName (NUL padded)				 16
 *	  83 interfaceDescription (NUL padded)			 32
 *	template 263, the sampler, one record, only while one is set
 *	  scope: as template 261					  4
 *	  34 samplingInterval (N of 1 in N)			  4
 *	  35 samplingAlgorithm (1 deterministic, 2 random)	  1
 *
 * 34/35 are the v9 fields (RFC 3954 8) that IPFIX keeps (RFC 7012,
 * deprecated there in favour of RFC 5477's, which nfdump and most
 * collectors read less widely); hash sampling goes as random (2), as in
 * the v5 header.  With the sampler the options template set grows to 84
 * bytes (82 and 2 bytes of padding), and its data set is padded to 16.
 *
 * 40-42 count what the exporter built (every destination got it or had
 * it counted lost); 164/165 what the meter could not account (drops:
 * maxflows, allocation, packets it could not key); 166-168 the flow
 * records, and the packets and octets they held, that did not reach this
 * collector because its send queue was full (export/sendq.h): each
 * destination gets its own figures in the record sent to it.
 */
#ifndef NFN_OPTS_H
#define NFN_OPTS_H

#include <stddef.h>
#include <stdint.h>

#include "export/ie.h"

#define OPTS_TMPL_STATS		261
#define OPTS_TMPL_IFNAME	262
#define OPTS_TMPL_SAMPLER	263
#define OPTS_NAME_LEN		16
#define OPTS_DESCR_LEN		32
#define OPTS_STATS_LEN		68	/* one statistics record */
#define OPTS_STATS_NOTSENT	44	/* offset of 166-168 in it */
#define OPTS_IFNAME_LEN		52	/* one interface record */
#define OPTS_TMPL_SET_LEN	64	/* the options template set */
#define OPTS_TMPL_SET_LEN_S	84	/* the same with the sampler's */
#define OPTS_SAMPLER_LEN	9	/* one sampler record */
#define OPTS_SAMPLER_SET_LEN	16	/* its data set, padded */

struct opts_stats {
	uint32_t domain;		/* engine_id */
	uint64_t messages, flows, octets;	/* exported so far */
	uint64_t ignored_pkts, ignored_octets;	/* not metered (drops) */
	struct opts_notsent {
		uint64_t flows, pkts, octets;	/* lost in a send queue */
	} notsent;
};

struct opts_ifname {
	uint32_t ifindex;
	char name[OPTS_NAME_LEN];	/* need not be NUL terminated */
	char descr[OPTS_DESCR_LEN];
};

struct opts_sampler {
	uint32_t domain;		/* engine_id */
	uint32_t interval;		/* N; 0: no sampler, no template 263 */
	uint8_t algorithm;		/* 1 deterministic, 2 random */
};

/*
 * The options template set, header included: OPTS_TMPL_SET_LEN bytes, or
 * OPTS_TMPL_SET_LEN_S with the sampler's template (sampler != 0).  Returns
 * the length written.
 */
size_t opts_put_tmpl_set(uint8_t *p, enum ie_dialect d, int sampler);
void opts_put_stats(uint8_t *p, const struct opts_stats *s);
/* Rewrite 166-168 of a statistics record written at p (per destination). */
void opts_put_notsent(uint8_t *p, const struct opts_notsent *n);
void opts_put_ifname(uint8_t *p, const struct opts_ifname *i);
/* The sampler's data set, header included (OPTS_SAMPLER_SET_LEN bytes). */
void opts_put_sampler_set(uint8_t *p, const struct opts_sampler *s);

#endif
