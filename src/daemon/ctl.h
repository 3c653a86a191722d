/*
 * ctl: the control socket protocol, shared by the daemon (server) and the
 * CLI and tests (client).
 *
 * A Unix stream socket (default /run/nft-netflow/control, mode 0600).  The
 * client connects, writes one request line and shuts down its write side; the
 * server writes one response and closes.  The first response line is "OK" or
 * "ERR <one-line reason>"; the body follows.
 *
 * Requests:
 *   ping                 OK pid=<pid> version=<v>
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

#define CTL_REQ_MAX	4096

/* Server side: create the listening socket (detects a live daemon first). */
int ctl_listen(const char *path);
/* Read one request line from an accepted connection (blocking, bounded). */
int ctl_read_request(int fd, char *buf, size_t len);

/* Write all of buf (bounded by a timeout, like reads). */
int ctl_write_all(int fd, const char *buf, size_t len);

/*
 * Client side: send req, return the whole response (malloc'd, NUL-terminated)
 * in *resp.  Returns 0, or -1 with errno (ENOENT / ECONNREFUSED: no daemon).
 */
int ctl_request(const char *path, const char *req, char **resp);

#endif
