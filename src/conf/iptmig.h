/*
 * iptmig: migration from ipt_NETFLOW.  Reads the module's options, as
 * written in /etc/modprobe.d/ipt_netflow.conf ("options ipt_NETFLOW
 * destination=... active_timeout=..."), and its live sysctls
 * (/proc/sys/net/netflow/NAME), into our configuration, each value through
 * conf_set(), so a bad one is refused with the same message as on the
 * command line or in the config file.
 *
 * Options with a key of ours (iptmig_key()) are set; the others are not
 * dropped silently: their names are listed in the caller's unknown buffer
 * (", " separated) to be reported.
 */
#ifndef NFN_IPTMIG_H
#define NFN_IPTMIG_H

#include <stddef.h>

#include "conf/conf.h"

#define IPTMIG_MODPROBE	"/etc/modprobe.d/ipt_netflow.conf"
#define IPTMIG_SYSCTL	"/proc/sys/net/netflow"

/* Our key for an ipt_NETFLOW option name, NULL if we have none. */
const char *iptmig_key(const char *option);

/*
 * Apply the ipt_NETFLOW options of text (modprobe.d syntax; name is the
 * file's name, for messages) to c.  0, or -1 with "name:LINE: message" in
 * err and c untouched.
 */
int	iptmig_modprobe(struct conf *c, const char *text, const char *name,
	    char *unknown, size_t ulen, char *err, size_t errlen);

/* The same from the live sysctl files in dir (IPTMIG_SYSCTL). */
int	iptmig_sysctl(struct conf *c, const char *dir, char *unknown,
	    size_t ulen, char *err, size_t errlen);

#endif
