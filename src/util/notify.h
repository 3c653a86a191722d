/*
 * notify: systemd readiness notification without libsystemd.  The protocol
 * is one datagram on $NOTIFY_SOCKET; without that variable this does nothing,
 * so the daemon runs the same under any supervisor.
 */
#ifndef NFN_NOTIFY_H
#define NFN_NOTIFY_H

/* Send state (e.g. "READY=1", "RELOADING=1", "STOPPING=1"); 0 or -1. */
int notify_send(const char *state);

#endif
