/*
 * rulestext: a ruleset description (rulesdesc.h) as nft text, the form of
 * the include file rules_write_nft() writes.
 */
#ifndef NFN_RULESTEXT_H
#define NFN_RULESTEXT_H

#include <stdio.h>

#include "rules/rulesdesc.h"

/* Write d to f; src names the config it came from.  0, or -1 on ferror. */
int	rulestext_write(const struct rulesdesc *d, const char *src, FILE *f);

#endif
