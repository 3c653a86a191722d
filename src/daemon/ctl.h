/*
 * ctl: the control socket protocol, shared by the daemon (server) and the
 * CLI and tests (client).
 *
 * A Unix stream socket (default /run/nft-netflow/control, mode 0600).  The
 * client connects, writes one request line and shuts down its write side; the
 * server writes one response and closes.  The first response line is "OK" or
 * "ERR <one-line reason>"; the body follows.  The daemon gives each request
 * 10 s from connect to the last byte of its answer (a client that sends or
 * reads too slowly is dropped) and serves 8 clients at once (a ninth gets
 * "ERR busy: ..."): ctlsrv.h.
 *
 * Requests:
 *   ping                 OK pid=<pid> version=<v> capture=<mode>
 *   stats [json]         statistics (text like /proc/net/stat/ipt_netflow, or JSON)
 *   flows [json]         the active flows
 *   config               every parameter, "key = value" per line
 *   set <key> <value>    live change, validated like the config file
 *   flush                export every flow now
 *   reload               re-read the config file (as SIGHUP)
 */
#ifndef NFN_CTL_H
#define NFN_CTL_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#define CTL_REQ_MAX	4096

/*
 * Server side: create the listening socket (detects a live daemon first),
 * mode 0600, or 0660 owned by group when group is not (gid_t)-1.
 */
int ctl_listen(const char *path, gid_t group);
/* The daemon serves its connections without blocking: see ctlsrv.h. */

/*
 * Server side, the framing of a response written to out (a memstream the
 * caller sends): "OK\n" followed by the body the caller writes, or one
 * "ERR <reason>\n" line (a newline inside the reason becomes a space, so
 * a reason is always one line), or the ping line.
 */
void	ctl_reply_ok(FILE *out);
void	ctl_reply_err(FILE *out, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	ctl_reply_ping(FILE *out, pid_t pid, const char *version,
	    const char *capture);

/*
 * Client side.  A response split in place: ok is 1 for "OK", 0 for "ERR";
 * line is the rest of the first line (the ERR reason, the ping fields);
 * body is everything after the first newline.  Both point into text.
 */
struct ctl_reply {
	int		 ok;
	const char	*line;
	const char	*body;
	char		*text;		/* the response, malloc'd */
};

/*
 * Split text (malloc'd; the reply owns it from now on, also on error).
 * -1 with EPROTO when the first line is neither "OK[ ...]" nor "ERR ...".
 */
int	ctl_reply_parse(char *text, struct ctl_reply *r);
/* Accepts NULL, keeps errno (util/err.h). */
void	ctl_reply_free(struct ctl_reply *r);

/*
 * Send req, read and split the whole response into *r (free it with
 * ctl_reply_free()).  0, or -1 with errno: ENOENT / ECONNREFUSED when no
 * daemon listens, EPROTO when the response is malformed.
 */
int	ctl_request(const char *path, const char *req, struct ctl_reply *r);

/* What "ping" answers. */
struct ctl_ping {
	pid_t	pid;
	char	version[32];
	char	capture[16];
};

/*
 * The ping fields of an OK reply, in any order (unknown fields are
 * skipped).  -1 with EPROTO unless the reply is OK with a pid > 0, a
 * version and a capture mode.
 */
int	ctl_ping_parse(const struct ctl_reply *r, struct ctl_ping *p);

/*
 * The nft_netflow_up metric (Prometheus text format): 1 in the daemon's
 * "metrics" reply, 0 from a client whose request got no answer, so a
 * scraper sees the daemon down rather than stale figures.  Both ends
 * write it here, so its name and help cannot differ.
 */
void ctl_metrics_up(FILE *f, int up);

#endif
