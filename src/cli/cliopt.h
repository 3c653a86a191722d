/*
 * cliopt: what one nft-netflow command line asks for (struct cli, filled
 * by cli_parse() in cli.c) and how its parameters apply to a
 * configuration.  The modes and the context they work on (clictx) read
 * it without depending on the parser.
 */
#ifndef NFN_CLIOPT_H
#define NFN_CLIOPT_H

#include <stddef.h>

#include "conf/conf.h"

enum cli_mode {
	CLI_SHOW = 0,	/* the default */
	CLI_STATUS,
	CLI_INSTALL,
	CLI_ENABLE,
	CLI_DISABLE,
	CLI_REMOVE,
	CLI_FLOWS,
};

/* Exit codes. */
#define CLI_EXIT_OK	0
#define CLI_EXIT_FAIL	1	/* something could not be done; status: not on */
#define CLI_EXIT_USAGE	2	/* bad option or value: nothing was changed */

#define CLI_SET_MAX	64
#define CLI_KEY_MAX	64

struct cli_set {
	char		 key[CLI_KEY_MAX];	/* conf key */
	const char	*opt;			/* the option as given, for messages */
	const char	*value;			/* points into argv */
};

struct cli {
	enum cli_mode	 mode;
	const char	*config;		/* -c, default CONF_DEFAULT_PATH */
	const char	*from_ipt;		/* --from-ipt-netflow FILE, or NULL */
	int		 help, help_long, verbose, version, json;
	int		 prometheus;		/* --format prometheus (show) */
	const char	*output;		/* --output: replaced atomically */
	unsigned	 nset;
	struct cli_set	 set[CLI_SET_MAX];	/* parameters, validated, in order */
};

/*
 * Apply o's parameters to c with conf_set(), in order.  0, or -1 with the
 * option as given and conf_set()'s message in err (c partly changed).
 */
int		 cli_apply(const struct cli *o, struct conf *c, char *err,
		    size_t errlen);

#endif
