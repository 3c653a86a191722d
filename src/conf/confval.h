/*
 * confval: the text form of each key's value, both ways.  Parses and
 * validates a value into struct conf, and formats the value back, for
 * every key type of confkeys.h.  No I/O.
 *
 * Errors follow conf.h: one line into err, "key = "value": what is
 * allowed".
 */
#ifndef NFN_CONFVAL_H
#define NFN_CONFVAL_H

#include <stddef.h>

#include "conf/conf.h"
#include "conf/confkeys.h"

/*
 * Set key k of c from value (blanks around it ignored).  0, or -1 with err
 * filled; c may then be left half-changed, so callers work on a copy.
 */
int	confval_set(struct conf *c, const struct confkeys_key *k,
	    const char *value, char *err, size_t errlen);

/* The text form of k's value in c.  0, or -1 if it does not fit len. */
int	confval_get(const struct conf *c, const struct confkeys_key *k,
	    char *buf, size_t len);

#endif
