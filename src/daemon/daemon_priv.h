/*
 * daemon: nft-netflowd's state and event loop.  Private to src/daemon/:
 * the daemon's own files include it (and the control
 * fuzz target, tests/fuzz/control.c, which builds a daemon's state by
 * hand); the CLI talks to the daemon through the control protocol (ctl.h)
 * and nothing else.
 *
 * One thread, one epoll set: the NFLOG socket, the signalfd (TERM, INT,
 * HUP), the control socket and its connections (ctlsrv.h), the conntrack
 * event socket, the export sockets with a queue, and the eventfd of a
 * configuration job (confjob.h, the only other thread).
 * Every 250 ms (or on the way out of a busy batch) a tick expires flows,
 * sends partial datagrams and updates the rates.
 */
#ifndef NFN_DAEMON_PRIV_H
#define NFN_DAEMON_PRIV_H

#include <stdint.h>
#include <time.h>

#include "conf/conf.h"
#include "daemon/confjob.h"
#include "input/ctin.h"
#include "export/export.h"
#include "flow/flow.h"
#include "input/nlg.h"
#include "input/rtnl.h"

/* Counters of what the packet path saw, before the flow table. */
struct daemon_pstats {
	uint64_t pkts, bytes;		/* IPv4 packets keyed (bytes: IP total length) */
	uint64_t truncated, malformed;	/* dropped: could not be keyed */
	uint64_t ignored;		/* IPv6 under protocol 5 (v5 cannot carry it) */
	uint64_t fragments;
	uint64_t own;			/* the daemon's export traffic (flow/own.h) */
	uint64_t super;			/* GRO/TSO super-packets (flow/wire.h)... */
	uint64_t super_wire;		/* ...and the wire packets they stood for */
	uint64_t big_unknown;		/* IPv4 BIG TCP cut by the copy range */
};

/* Exponentially weighted rates, bits and packets per second. */
struct daemon_rates {
	uint64_t last_pkts, last_bytes;
	uint32_t last_at;
	double pps, bps;		/* last second */
	double pps1, bps1, pps5, bps5;	/* 1 and 5 minute averages */
};

struct daemon {
	struct conf conf;
	char conf_path[CONF_TEXT_MAX];
	struct ft *ft;
	struct exporter *xp;
	struct nlg *nlg;
	struct ctin *ct;			/* conntrack events (NULL if off) */
	uint32_t ct_held_until;		/* uptime the event socket... */
	int ct_held;			/* ...is left unread until */
	struct rtnl *rtnl;		/* interface MTUs (nflog mode) */
	int epfd, sigfd, ctlfd;
	gid_t ctl_group;		/* control_group's gid, or (gid_t)-1 */
	uint32_t now;			/* uptime ms, updated every loop turn */
	uint32_t ft_due;		/* uptime of the next flow expiry... */
	int ft_due_set;			/* ...if the table has flows */
	time_t started_wall;
	int quit;
	struct daemon_pstats ps;
	struct daemon_rates rates;
	uint64_t reloads, reload_errors;
	struct ctlsrv *cs;		/* control connections (NULL: none) */
	struct confjob *job;		/* reload / set destination off the loop */
	uint64_t job_conn;		/* the connection its answer goes to */
	int reload_again;		/* SIGHUP while a job ran */
};

/*
 * Hold TERM, INT and HUP back (and ignore PIPE) from the first instruction
 * on: a signal that arrives during startup (the conntrack dump can take
 * seconds) waits in the signalfd that daemon_init() opens, rather than
 * killing the daemon half-started.  -1 with errno.
 */
int daemon_block_signals(void);

/* Open every socket; returns -1 (logged) on failure. */
int daemon_init(struct daemon *d, const struct conf *c, const char *conf_path);
/* Run until SIGTERM/SIGINT; exports every flow before returning. */
int daemon_run(struct daemon *d);
void daemon_free(struct daemon *d);

/*
 * Apply a new configuration to the running daemon without losing a flow.
 * Returns -1 with a message in err and the running state unchanged when a
 * key cannot be applied.
 */
int daemon_apply(struct daemon *d, const struct conf *nc, char *err,
    size_t errlen);

/* Re-read the config file and apply it, in this thread; -1 with err. */
int daemon_reload(struct daemon *d, char *err, size_t errlen);

/*
 * The same off the loop (SIGHUP): the file is read and its names resolved
 * by a job (confjob.h), applied when it ends.  Without a job object, or
 * while one runs, see live.c.
 */
void daemon_reload_async(struct daemon *d);
/* Start a job on a copy of the running config; -1 with the reason in err. */
int daemon_job_start(struct daemon *d, enum confjob_kind kind,
    const char *key, const char *value, char *err, size_t errlen);
int daemon_job_busy(const struct daemon *d);
/*
 * The job's fd is readable: apply its result whole or refuse it whole,
 * answer the control client that asked (job_conn), if it is still there.
 */
void daemon_job_done(struct daemon *d);

/* live.c: each module's settings for a configuration. */
struct nlg_cfg daemon_nlg_cfg(const struct conf *c);
struct export_format daemon_format(const struct conf *c);

/*
 * packets.c: read up to max_batches NFLOG batches into the flow table
 * (nlg_read's result); apply NFLOG settings live, metering what arrives
 * meanwhile (nlg_reconfig's result).
 */
int daemon_read_nflog(struct daemon *d, unsigned max_batches);
int daemon_nlg_apply(struct daemon *d, const struct nlg_cfg *nc);

#endif
