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
 *	template 262, one record per interface
 *	  scope: v9 Interface (2) / IPFIX ingressInterface (10)	  4
 *	  82 interfaceName (NUL padded)				 16
 *	  83 interfaceDescription (NUL padded)			 32
 *
 * Sampling options (34/35) are not sent: the daemon has no sampler yet.
 */
#ifndef NFN_OPTS_H
#define NFN_OPTS_H

#include <stddef.h>
#include <stdint.h>

#include "export/ie.h"

#define OPTS_TMPL_STATS		261
#define OPTS_TMPL_IFNAME	262
#define OPTS_NAME_LEN		16
#define OPTS_DESCR_LEN		32
#define OPTS_STATS_LEN		44	/* one statistics record */
#define OPTS_IFNAME_LEN		52	/* one interface record */
#define OPTS_TMPL_SET_LEN	52	/* the options template set */

struct opts_stats {
	uint32_t domain;		/* engine_id */
	uint64_t messages, flows, octets;	/* exported so far */
	uint64_t ignored_pkts, ignored_octets;	/* not metered (drops) */
};

struct opts_ifname {
	uint32_t ifindex;
	char name[OPTS_NAME_LEN];	/* need not be NUL terminated */
	char descr[OPTS_DESCR_LEN];
};

/* The options template set, header included (OPTS_TMPL_SET_LEN bytes). */
void opts_put_tmpl_set(uint8_t *p, enum ie_dialect d);
void opts_put_stats(uint8_t *p, const struct opts_stats *s);
void opts_put_ifname(uint8_t *p, const struct opts_ifname *i);

#endif
