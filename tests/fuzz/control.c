/*
 * fuzz-control: any request line through the daemon's control handler
 * (daemon_control(), what the control socket calls), against a daemon with
 * a flow table, an exporter and a few flows, but no NFLOG, conntrack or
 * control socket.  State carries over from one input to the next, as in a
 * running daemon: a "set" that was accepted stays.
 */
#include "fuzz.h"
/* it builds the daemon's state itself, so it sees it as daemon.c does */
#include "daemon/control.h"
#include "daemon/daemon_priv.h"
#include "util/clock.h"

#include <arpa/inet.h>

static struct daemon d;

static void
add_flows(void)
{
	struct flow_key k;
	unsigned i;

	for (i = 0; i < 4; i++) {
		flow_key_clear(&k);
		k.src = htonl(0xc6120001);	/* 198.18.0.1 */
		k.dst = htonl(0xc6130001 + i);	/* 198.19.0.x */
		k.sport = (uint16_t)(1000 + i);
		k.dport = 53;
		k.proto = 17;
		ft_update(d.ft, &k, 2, 100, 0, 0, 0, d.now);
	}
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_isolate();
	conf_defaults(&d.conf);
	snprintf(d.conf_path, sizeof(d.conf_path), "/nonexistent/fuzz.conf");
	d.epfd = d.sigfd = d.ctlfd = -1;
	d.now = clk_uptime_ms();
	d.rates.last_at = d.now;
	d.xp = export_new(0, 0, d.conf.export_mark);
	if (d.xp == NULL ||
	    export_set_dests(d.xp, &d.conf.dests, d.conf.sndbuf) < 0)
		abort();
	d.ft = ft_new(d.conf.maxflows, d.conf.hashsize,
	    d.conf.active_timeout * 1000, d.conf.inactive_timeout * 1000,
	    export_sink(d.xp));
	if (d.ft == NULL)
		abort();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *req, *resp;

	if (ft_stats(d.ft)->active == 0)
		add_flows();
	req = fuzz_str(data, size);
	if ((resp = daemon_control(&d, req)) == NULL)
		abort();
	/* every answer starts with OK or ERR */
	if (strncmp(resp, "OK", 2) != 0 && strncmp(resp, "ERR ", 4) != 0)
		abort();
	free(resp);
	free(req);
	return 0;
}
