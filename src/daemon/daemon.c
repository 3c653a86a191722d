/*
 * daemon: nft-netflowd's start, event loop, timers and exit.  See
 * daemon_priv.h.  The packet path is in packets.c, live changes in live.c,
 * statistics text in stats.c, the control commands in control.c.
 */
#include <errno.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "util/clock.h"
#include "daemon/control.h"
#include "daemon/ctl.h"
#include "daemon/ctlsrv.h"
#include "daemon/daemon_priv.h"
#include "util/log.h"

/*
 * The loop sleeps until the earliest deadline of the flow table, the
 * exporter's partial datagram and conntrack's periodic work.  The rates
 * (pps/bps now, 1 and 5 min) are sampled every RATE_MS, as ipt_NETFLOW's
 * are, so an idle daemon wakes once a second and no more.
 */
#define RATE_MS		1000
/* NFLOG batches read per loop turn, so signals and control get served. */
#define BATCHES_PER_TURN 64
/* beyond flush_timeout: the kernel's timer and our wake-up */
#define NFLOG_FLUSH_SLACK_MS 20
/*
 * Without conntrack a TCP flow ends this long after its last packet once
 * FIN went both ways or RST was seen (ft_set_tcp_close): the last ACK
 * follows the second FIN within a round trip, a retransmitted FIN within
 * about 1 s, so the flow is whole; later stragglers start a new flow, and
 * the sums stay exact either way.
 */
#define TCP_CLOSE_MS	2000

/* Rates as ipt_NETFLOW shows them: last second, 1 and 5 minute averages. */
static void
update_rates(struct daemon *d)
{
	struct daemon_rates *r = &d->rates;
	uint32_t dt = d->now - r->last_at;
	double sec, a1, a5;

	if (dt < 1000)
		return;
	sec = dt / 1000.0;
	r->pps = (d->ps.pkts - r->last_pkts) / sec;
	r->bps = (d->ps.bytes - r->last_bytes) * 8 / sec;
	a1 = sec / 60.0;
	a5 = sec / 300.0;
	if (a1 > 1)
		a1 = 1;
	if (a5 > 1)
		a5 = 1;
	r->pps1 += (r->pps - r->pps1) * a1;
	r->bps1 += (r->bps - r->bps1) * a1;
	r->pps5 += (r->pps - r->pps5) * a5;
	r->bps5 += (r->bps - r->bps5) * a5;
	r->last_pkts = d->ps.pkts;
	r->last_bytes = d->ps.bytes;
	r->last_at = d->now;
}

static uint32_t
min_u32(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

/*
 * The flow table's next expiry, as an uptime.  Finding it walks a wheel
 * slot, so it is taken after each tick and each control request rather
 * than at every wakeup.  Flows created in between expire after the ones
 * already there (same timeouts, later times), and the rate tick wakes the
 * loop at least every second to look again.
 */
static void
note_ft_due(struct daemon *d)
{
	uint32_t left = ft_next_expiry(d->ft, d->now);

	d->ft_due_set = left != UINT32_MAX;
	d->ft_due = d->now + left;
}

/* ms from d->now until tick() has work (0: now). */
static uint32_t
next_wakeup(const struct daemon *d)
{
	int32_t since = (int32_t)(d->now - d->rates.last_at);
	int32_t ft_left = (int32_t)(d->ft_due - d->now);
	uint32_t t;

	t = since >= RATE_MS ? 0 : (uint32_t)(RATE_MS - since);
	if (d->ft_due_set)
		t = min_u32(t, ft_left > 0 ? (uint32_t)ft_left : 0);
	t = min_u32(t, export_next(d->xp, d->now));
	if (d->ct)
		t = min_u32(t, ctin_next(d->ct, d->now));
	if (d->ct_held)
		t = min_u32(t, (int32_t)(d->ct_held_until - d->now) > 0 ?
		    d->ct_held_until - d->now : 0);
	return min_u32(t, ctlsrv_next(d->cs, d->now));
}

/*
 * Conntrack sends one datagram per event and they come a few at a time:
 * read as they come, each wakeup (about 10 us on a busy 2-core machine)
 * carried two or three events.  Once a light read (fewer than
 * CT_HOLD_BELOW datagrams) has emptied the socket, it is left out of the
 * wait for CT_HOLD_MS while events queue up, then read in batches.  A
 * heavy read is a burst (conntrack -F, a flood of new connections): the
 * socket stays armed, so the receive buffer never has to hold a burst
 * and a hold.  Only in capture = conntrack, where events are all the work:
 * in nflog mode, where each DESTROY ends flows in the table and costs
 * more, a hold at the start of a conntrack -F burst of 100,000 overran an
 * 8 MiB buffer.
 */
#define CT_HOLD_MS	1
#define CT_HOLD_BELOW	64

static void
ct_set_armed(struct daemon *d, int on)
{
	struct epoll_event ev = { .events = on ? EPOLLIN : 0,
	    .data.fd = ctin_fd(d->ct) };

	d->ct_held_until = d->now + CT_HOLD_MS;
	if (epoll_ctl(d->epfd, EPOLL_CTL_MOD, ev.data.fd, &ev) < 0) {
		log_warn("conntrack: epoll_ctl");
		return;		/* stays as it was: armed, or held a turn more */
	}
	d->ct_held = !on;
}

static void
ct_on_readable(struct daemon *d)
{
	int n = ctin_read(d->ct, d->now);

	if (n >= 0 && n < CT_HOLD_BELOW &&
	    d->conf.capture == CAPTURE_CONNTRACK)
		ct_set_armed(d, 0);
}

/* The hold is over: armed again (level-triggered: queued events wake). */
static void
ct_release(struct daemon *d)
{
	if (d->ct_held && (int32_t)(d->now - d->ct_held_until) >= 0)
		ct_set_armed(d, 1);
}

/*
 * What the meter did not account, for the v9/IPFIX options data: packets
 * dropped by maxflows or allocation (with their bytes), and those that
 * could not be keyed or are ignored (their bytes are not known).
 */
static void
note_ignored(struct daemon *d)
{
	const struct ft_stats *fs = ft_stats(d->ft);

	export_set_ignored(d->xp, fs->drop_maxflows_pkts +
	    fs->drop_alloc_pkts + d->ps.truncated + d->ps.malformed +
	    d->ps.ignored, fs->drop_maxflows_bytes + fs->drop_alloc_bytes);
}

static void
tick(struct daemon *d)
{
	d->now = clk_uptime_ms();
	if (d->ct)
		ctin_tick(d->ct, d->now);
	note_ignored(d);
	if (d->nlg)
		nlg_tick(d->nlg, d->now);
	ft_expire(d->ft, d->now);
	export_tick(d->xp, d->now);
	ctlsrv_tick(d, d->now);
	update_rates(d);
	note_ft_due(d);
}

/* The signals the loop reads: TERM and INT stop it, HUP reloads. */
static void
loop_sigset(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGHUP);
}

int
daemon_block_signals(void)
{
	sigset_t set;

	loop_sigset(&set);
	signal(SIGPIPE, SIG_IGN);
	return sigprocmask(SIG_BLOCK, &set, NULL);
}

/* The signals daemon_block_signals() holds back, read from a signalfd. */
static int
open_signals(void)
{
	sigset_t set;

	if (daemon_block_signals() < 0)
		return -1;
	loop_sigset(&set);
	return signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

static int
ep_add(int epfd, int fd)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = fd };

	return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev);
}

int
daemon_init(struct daemon *d, const struct conf *c, const char *conf_path)
{
	struct export_format xf = daemon_format(c);
	struct nlg_cfg nc = daemon_nlg_cfg(c);

	memset(d, 0, sizeof(*d));
	d->epfd = d->sigfd = d->ctlfd = -1;
	d->conf = *c;
	snprintf(d->conf_path, sizeof(d->conf_path), "%s", conf_path);
	d->started_wall = time(NULL);
	d->now = clk_uptime_ms();
	d->rates.last_at = d->now;

	d->xp = export_new((uint8_t)c->engine_type, (uint8_t)c->engine_id,
	    c->export_mark);
	if (d->xp != NULL)
		export_set_queue(d->xp, c->export_queue);
	if (d->xp == NULL || export_set_dests(d->xp, &c->dests, c->sndbuf) < 0) {
		log_warn("export: cannot open destination sockets");
		return -1;
	}
	export_set_format(d->xp, &xf, d->now);
	d->ft = ft_new(c->maxflows, c->hashsize, c->active_timeout * 1000,
	    c->inactive_timeout * 1000, export_sink(d->xp));
	if (d->ft == NULL) {
		log_warn("flow table");
		return -1;
	}
	if (c->capture == CAPTURE_NFLOG && (d->nlg = nlg_open(&nc)) == NULL)
		return -1;
	/* Without the MTUs every message counts as one packet: go on. */
	if (c->capture == CAPTURE_NFLOG && (d->rtnl = rtnl_open()) == NULL)
		log_warnx("GRO/TSO super-packets will count as one packet each");
	/*
	 * Conntrack events end flows with their connection in nflog mode and
	 * are the only input in conntrack mode.  Without conntrack (SPEC 4)
	 * no conntrack socket is opened: TCP flows end from their flags.
	 */
	if (conf_uses_conntrack(c)) {
		d->ct = ctin_open(c, d->ft, export_sink(d->xp),
		    export_own(d->xp), d->now);
		if (d->ct == NULL)
			return -1;
	} else
		ft_set_tcp_close(d->ft, TCP_CLOSE_MS);
	if ((d->sigfd = open_signals()) < 0) {
		log_warn("signalfd");
		return -1;
	}
	d->ctl_group = (gid_t)-1;
	if (c->control_group[0] != '\0') {
		struct group *gr = getgrnam(c->control_group);

		if (gr == NULL) {
			log_warnx("control_group = \"%s\": no such group; "
			    "create it (groupadd --system %s) or leave "
			    "control_group empty (root only)",
			    c->control_group, c->control_group);
			return -1;
		}
		d->ctl_group = gr->gr_gid;
	}
	if ((d->ctlfd = ctl_listen(c->control, d->ctl_group)) < 0) {
		log_warn("control socket %s", c->control);
		return -1;
	}
	if ((d->cs = ctlsrv_new(d)) == NULL ||
	    (d->job = confjob_new()) == NULL) {
		log_warn("control");
		return -1;
	}
	if ((d->epfd = epoll_create1(EPOLL_CLOEXEC)) < 0 ||
	    ep_add(d->epfd, d->sigfd) < 0 || ep_add(d->epfd, d->ctlfd) < 0 ||
	    ep_add(d->epfd, confjob_fd(d->job)) < 0 ||
	    (d->nlg && ep_add(d->epfd, nlg_fd(d->nlg)) < 0) ||
	    (d->ct && ep_add(d->epfd, ctin_fd(d->ct)) < 0) ||
	    (d->rtnl && ep_add(d->epfd, rtnl_fd(d->rtnl)) < 0)) {
		log_warn("epoll");
		return -1;
	}
	export_set_epoll(d->xp, d->epfd);
	return 0;
}

static void
on_signal(struct daemon *d)
{
	struct signalfd_siginfo si;

	while (read(d->sigfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGHUP)
			daemon_reload_async(d);
		else
			d->quit = 1;
	}
}

/*
 * Packets already logged by the kernel belong in the final export.  The
 * kernel holds a partial batch (below queue_threshold) for up to
 * flush_timeout before it sends it, and frees it when the socket closes:
 * so go on reading until that time has passed since the signal (bounded
 * by drain_timeout), then take what is left.  The kernel's timer wheel
 * fires a timer of some seconds up to an eighth of it late (measured: a
 * 3 s flush_timeout needed more than 3.07 s): wait a quarter more.
 */
static void
drain_nflog(struct daemon *d)
{
	uint64_t wait = (uint64_t)d->conf.flush_timeout * 10 * 5 / 4 +
	    NFLOG_FLUSH_SLACK_MS;
	uint32_t start = clk_uptime_ms(), now;
	struct pollfd p;
	unsigned i;

	if (!d->nlg)
		return;
	if (wait > (uint64_t)d->conf.drain_timeout * 1000)
		wait = (uint64_t)d->conf.drain_timeout * 1000;
	p.fd = nlg_fd(d->nlg);
	p.events = POLLIN;
	while ((now = clk_uptime_ms()) - start < wait) {
		if (poll(&p, 1, (int)(wait - (now - start))) <= 0)
			break;		/* time is up (or poll failed) */
		if (daemon_read_nflog(d, BATCHES_PER_TURN) < 0)
			return;
	}
	for (i = 0; i < 1000; i++)
		if (daemon_read_nflog(d, BATCHES_PER_TURN) <= 0)
			break;
}

int
daemon_run(struct daemon *d)
{
	struct epoll_event ev[8];
	int i, n, timeout;
	uint32_t lost;

	while (!d->quit) {
		d->now = clk_uptime_ms();
		timeout = (int)next_wakeup(d);
		n = epoll_wait(d->epfd, ev, 8, timeout);
		if (n < 0 && errno != EINTR) {
			log_warn("epoll_wait");
			return -1;
		}
		/*
		 * The wait may have lasted until the next expiry: events are
		 * stamped with the time they arrived, not the time we slept
		 * (a connection's end would otherwise be due at once, before
		 * NFLOG delivered its last packets).
		 */
		d->now = clk_uptime_ms();
		for (i = 0; i < n; i++) {
			if (ev[i].data.fd == d->sigfd) {
				on_signal(d);
				note_ft_due(d);	/* reload: new timeouts */
			} else if (ev[i].data.fd == d->ctlfd) {
				ctlsrv_accept(d);
			} else if (ctlsrv_event(d, ev[i].data.fd,
			    ev[i].events)) {
				note_ft_due(d);	/* set, flush */
			} else if (ev[i].data.fd == confjob_fd(d->job)) {
				daemon_job_done(d);
				note_ft_due(d);	/* reload: new timeouts */
			} else if (d->ct && ev[i].data.fd == ctin_fd(d->ct))
				ct_on_readable(d);
			else if (d->rtnl && ev[i].data.fd == rtnl_fd(d->rtnl))
				rtnl_read(d->rtnl);
			else if (d->nlg && ev[i].data.fd == nlg_fd(d->nlg)) {
				if (daemon_read_nflog(d, BATCHES_PER_TURN) < 0)
					log_warn("nflog: recv");
			} else
				export_on_writable(d->xp, ev[i].data.fd);
		}
		d->now = clk_uptime_ms();
		ct_release(d);
		if (next_wakeup(d) == 0)
			tick(d);
	}
	drain_nflog(d);
	d->now = clk_uptime_ms();
	log_info("exporting %u flows before exit", ft_stats(d->ft)->active);
	if (d->ct)
		ctin_flush(d->ct, d->now);
	ft_flush(d->ft, d->now);
	export_flush(d->xp, d->now);
	if (export_queued(d->xp) > 0)
		log_info("waiting up to %u s for %u queued datagrams",
		    d->conf.drain_timeout, export_queued(d->xp));
	lost = export_drain(d->xp, d->conf.drain_timeout * 1000, clk_uptime_ms);
	if (lost)
		log_warnx("export: %u datagrams still queued after %u s were "
		    "lost (counted)", lost, d->conf.drain_timeout);
	return 0;
}

void
daemon_free(struct daemon *d)
{
	ctlsrv_free(d->cs);
	confjob_free(d->job);
	if (d->nlg)
		nlg_close(d->nlg);
	if (d->ct)
		ctin_close(d->ct);
	rtnl_close(d->rtnl);
	if (d->ft)
		ft_free(d->ft);
	if (d->xp)
		export_free(d->xp, clk_uptime_ms());
	if (d->ctlfd >= 0) {
		close(d->ctlfd);
		unlink(d->conf.control);
	}
	if (d->sigfd >= 0)
		close(d->sigfd);
	if (d->epfd >= 0)
		close(d->epfd);
}
