/*
 * offload: GRO, LRO, TSO and GSO of the interfaces.  See offload.h.
 *
 * The legacy ethtool commands (one flag each) are enough and work on
 * every driver the kernel still carries; an interface that refuses one
 * (EOPNOTSUPP) simply has that offload off.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>

#include "cli/offload.h"

static int
eth_get(int fd, const char *name, uint32_t cmd)
{
	struct ethtool_value ev = { .cmd = cmd };
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	ifr.ifr_data = (char *)&ev;
	if (ioctl(fd, SIOCETHTOOL, &ifr) < 0)
		return 0;
	return (int)ev.data;
}

static int
is_loopback(int fd, const char *name)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	return ioctl(fd, SIOCGIFFLAGS, &ifr) == 0 &&
	    (ifr.ifr_flags & IFF_LOOPBACK);
}

int
offload_scan(struct offload_if *v, int max)
{
	struct if_nameindex *ifs, *i;
	struct offload_if o;
	int fd, n = 0;

	if ((fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	if ((ifs = if_nameindex()) == NULL) {
		close(fd);
		return -1;
	}
	for (i = ifs; i->if_index != 0 && n < max; i++) {
		if (is_loopback(fd, i->if_name))
			continue;
		memset(&o, 0, sizeof(o));
		snprintf(o.name, sizeof(o.name), "%s", i->if_name);
		o.gro = eth_get(fd, i->if_name, ETHTOOL_GGRO) != 0;
		o.tso = eth_get(fd, i->if_name, ETHTOOL_GTSO) != 0;
		o.gso = eth_get(fd, i->if_name, ETHTOOL_GGSO) != 0;
		o.lro = (eth_get(fd, i->if_name, ETHTOOL_GFLAGS) &
		    ETH_FLAG_LRO) != 0;
		if (o.gro || o.lro || o.tso || o.gso)
			v[n++] = o;
	}
	if_freenameindex(ifs);
	close(fd);
	return n;
}

static void
names(FILE *f, const struct offload_if *o)
{
	const char *sep = "";

	if (o->gro) {
		fprintf(f, "GRO");
		sep = " ";
	}
	if (o->lro) {
		fprintf(f, "%sLRO", sep);
		sep = " ";
	}
	if (o->tso) {
		fprintf(f, "%sTSO", sep);
		sep = " ";
	}
	if (o->gso)
		fprintf(f, "%sGSO", sep);
}

void
offload_report(FILE *f, const struct offload_if *v, int n,
    const struct conf *c, int json)
{
	int i;

	if (json) {
		fprintf(f, "  \"offloads\": [");
		for (i = 0; i < n; i++)
			fprintf(f, "%s{\"interface\": \"%s\", \"gro\": %s, "
			    "\"lro\": %s, \"tso\": %s, \"gso\": %s}",
			    i ? ", " : "", v[i].name,
			    v[i].gro ? "true" : "false",
			    v[i].lro ? "true" : "false",
			    v[i].tso ? "true" : "false",
			    v[i].gso ? "true" : "false");
		fprintf(f, "],\n");
		return;
	}
	if (n == 0)
		return;
	fprintf(f, "\nOffloads on metered interfaces:");
	for (i = 0; i < n; i++) {
		fprintf(f, "%s %s (", i ? "," : "", v[i].name);
		names(f, &v[i]);
		fprintf(f, ")");
	}
	if (c->capture == CAPTURE_CONNTRACK)
		fprintf(f, ".\nA merged (GRO/LRO) or not yet cut (TSO/GSO) "
		    "packet is one packet to conntrack:\ncapture = conntrack "
		    "exports fewer packets than crossed the wire, and\ncounts "
		    "their headers once.  capture = nflog counts the wire "
		    "packets.\n");
	else
		fprintf(f, ".\nOne NFLOG message may then stand for several "
		    "wire packets; nft-netflowd\ncounts them from the "
		    "interface's MTU (exact when the segments were\n"
		    "full-sized) and shows how many in \"Super-packets\".\n");
}
