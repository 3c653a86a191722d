/*
 * offload: which interfaces merge packets (GRO, LRO) or hand the stack
 * super-packets (TSO, GSO), read with the ethtool ioctl, so that show and
 * enable can say what that means for the counts (SPEC 4): in nflog mode
 * the daemon counts the wire packets a super-packet stood for from the
 * interface's MTU; in conntrack capture mode conntrack counts the merged
 * packets, fewer than crossed the wire.  Every interface but loopback is
 * looked at: the rules meter all of them on the configured hooks.
 */
#ifndef NFN_OFFLOAD_H
#define NFN_OFFLOAD_H

#include <net/if.h>
#include <stdio.h>

#include "conf/conf.h"

#define OFFLOAD_MAX	64

struct offload_if {
	char name[IF_NAMESIZE];
	int gro, lro, tso, gso;
};

/*
 * The interfaces of this network namespace with at least one of them on,
 * at most max into v.  Returns how many, or -1 with errno.
 */
int	offload_scan(struct offload_if *v, int max);

/* What it means, for capture mode c: text lines, or a JSON member. */
void	offload_report(FILE *f, const struct offload_if *v, int n,
	    const struct conf *c, int json);

#endif
