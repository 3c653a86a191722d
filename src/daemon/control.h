/*
 * control: the daemon's side of the control protocol (ctl.h): one request
 * line in, one framed response out.
 *
 * Most requests are answered at once.  Two are not, so that none holds the
 * event loop: "flows" answers its first lines and leaves a cursor for the
 * rest (stats.h), which the control server (ctlsrv.h) writes in steps as
 * the client reads; "reload" and "set destination" start a configuration
 * job (confjob.h) when the daemon has one, and their answer comes when it
 * ends (daemon_job_done()).
 */
#ifndef NFN_CONTROL_H
#define NFN_CONTROL_H

#include "daemon/stats.h"

struct daemon;

/* What remains of a request after its first answer. */
struct control_req {
	int async;			/* in: jobs may be started */
	int stream;			/* out: a flows listing goes on (cur) */
	struct stats_cursor cur;
	int wait;			/* out: the answer comes from a job */
};

/*
 * Control-socket request -> malloc'd first part of the response (NULL: out
 * of memory); cr says what follows.
 */
char *daemon_control_start(struct daemon *d, const char *req,
    struct control_req *cr);

/* The whole response at once (no job: reload and set run here). */
char *daemon_control(struct daemon *d, const char *req);

#endif
