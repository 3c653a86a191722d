/*
 * cliconf: the CLI's edits of the operator's config file.  A changed key's
 * line is rewritten where it stands and every other line, comments
 * included, stays as it was; the result is read back as the daemon will
 * read it before anything is written.
 */
#ifndef NFN_CLICONF_H
#define NFN_CLICONF_H

#include <stddef.h>

#include "cli/cliopt.h"
#include "conf/conf.h"

/* Most keys one edit changes: every key of conf_keys() fits. */
#define CLICONF_CHANGED_MAX	(CLI_SET_MAX + 64)

/* 1 when key reads differently in a and b (as conf_get() prints it). */
int	 cliconf_differs(const struct conf *a, const struct conf *b,
	    const char *key);

/*
 * The keys of conf_keys() that differ between a and b, in that order, into
 * changed (at most max); returns how many.
 */
unsigned cliconf_diff(const struct conf *a, const struct conf *b,
	    const char **changed, unsigned max);

/*
 * old edited so that the n keys in changed hold want's values: in place in
 * [netflow], a missing key right after the section line, a missing section
 * at the end (before a continued line left open there).  malloc'd; NULL
 * with errno, EINVAL when a section line is continued onto the next (the
 * operator edits such a file by hand).
 */
char	*cliconf_edit(const char *old, const struct conf *want,
	    const char *const *changed, unsigned n);

/* A whole new file for want (conf_write()); malloc'd, NULL with errno. */
char	*cliconf_fresh(const struct conf *want);

/*
 * Load text as the daemon will and check that every key means what want
 * says.  0, or -1 with one line in err.
 */
int	 cliconf_verify(const char *text, const struct conf *want, char *err,
	    size_t errlen);

#endif
