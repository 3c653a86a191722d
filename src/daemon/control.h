/*
 * control: the daemon's side of the control protocol (ctl.h): one request
 * line in, one framed response out.
 */
#ifndef NFN_CONTROL_H
#define NFN_CONTROL_H

struct daemon;

/* Control-socket request -> malloc'd response text (NULL: out of memory). */
char *daemon_control(struct daemon *d, const char *req);

#endif
