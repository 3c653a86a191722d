/*
 * svc: the CLI's side of the daemon: is it running (its control socket
 * answers), start it (systemd for the default config in the host's
 * network namespace, else fork/exec), stop it (SIGTERM, then wait for it
 * to export every flow, never kill harder), and change it live.
 */
#ifndef NFN_SVC_H
#define NFN_SVC_H

#include <stddef.h>
#include <sys/types.h>

#include "cli/clictx.h"
#include "conf/conf.h"

#define SVC_SERVICE	"nft-netflow.service"
#define SVC_DAEMON	"nft-netflowd"

/* The daemon's pid if it answers on c's control socket, else 0. */
pid_t	svc_ping(const struct conf *c);

/*
 * One control request on c's socket; the body after "OK\n" in *body
 * (malloc'd).  0, or -1 with the daemon's or the socket's error in err.
 */
int	svc_ask(const struct conf *c, const char *req, char **body,
	    char *err, size_t errlen);

/* The running daemon's parameters, read back through conf_set(). */
int	svc_conf(const struct conf *c, struct conf *out, char *err,
	    size_t errlen);

/* 1 when systemd runs the daemon for x (NFT_NETFLOW_SYSTEMD overrides). */
int	svc_systemd(const struct clictx *x);

/* systemctl VERB nft-netflow.service, quiet unless -v; its exit status. */
/*
 * The daemon's user exists: created with useradd --system (no home, no
 * login shell) when missing.  0, or -1 with one line in err.
 */
int	svc_user(const struct clictx *x, const char *user, char *err,
	    size_t errlen);

int	svc_systemctl(const struct clictx *x, const char *verb);

/* Start the daemon for x->want and wait until it answers.  0 or -1. */
int	svc_start(struct clictx *x, char *err, size_t errlen);

/*
 * Stop the daemon listening where c says (or the pidfile's), waiting for
 * it to export every flow.  0 (also when it was not running) or -1.
 */
int	svc_stop(struct clictx *x, const struct conf *c, char *err,
	    size_t errlen);

/* 1 when running and want differ in a key the daemon cannot change live. */
int	svc_needs_restart(const struct conf *running, const struct conf *want);

/*
 * Push every key where x->want differs from running with "set", in conf
 * order; if one is refused, set the pushed ones back.  0 or -1.
 */
int	svc_push(struct clictx *x, const struct conf *running, char *err,
	    size_t errlen);

#endif
