/*
 * ifnames: the interfaces of this network namespace, by ifindex, with
 * their name and description (ifalias), for the options data that lets a
 * collector label interfaces without SNMP (opts.h).
 */
#ifndef NFN_IFNAMES_H
#define NFN_IFNAMES_H

#include "export/opts.h"

/*
 * A malloc'ed array of every interface (free() it), *n of them.  NULL with
 * errno on failure (*n = 0).
 */
struct opts_ifname *ifnames_list(unsigned *n);

#endif
