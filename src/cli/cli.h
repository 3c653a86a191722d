/*
 * cli: the nft-netflow command line, ipt_netflow compatible, as a library
 * so the parser can be tested with a table of invocations.
 *
 *   nft-netflow [-m|--mode MODE] [-d|--destination LIST]
 *       [--active-timeout N] [--inactive-timeout N] [--debug N]
 *       [--hashsize N] [--sndbuf N] [--maxflows N] [--aggregation RULES]
 *       [-h|--help [true|false]] [-H|--help-long [true|false]]
 *       [-v|--verbose [true|false]] [--version [true|false]]
 *   and our own: [-c|--config FILE] [--capture nflog|conntrack] [--json]
 *       [--format text|json|prometheus] [--output FILE]
 *       [-o|--option KEY=VALUE] [--rules nft|iptables]
 *       [--from-ipt-netflow [FILE]]
 *
 * Long options also work with one dash ("-destination X", as in the
 * ipt_netflow manual's own example) and as "--opt=value".  A boolean takes
 * an optional true or false, as the next word or after "=".
 */
#ifndef NFN_CLI_H
#define NFN_CLI_H

#include <stddef.h>
#include <stdio.h>

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
 * Parse argv into o.  Every parameter is validated with conf_set() against
 * the same ranges as the config file.  Returns 0, or -1 with one line in err
 * naming the option, the value and what is allowed (exit CLI_EXIT_USAGE).
 */
int		 cli_parse(struct cli *o, int argc, char **argv, char *err,
		    size_t errlen);

/*
 * Apply o's parameters to c with conf_set(), in order.  0, or -1 with the
 * option as given and conf_set()'s message in err (c partly changed).
 */
int		 cli_apply(const struct cli *o, struct conf *c, char *err,
		    size_t errlen);

/* The -h text: one line of description, then one line per option. */
void		 cli_usage(FILE *f);

const char	*cli_mode_name(enum cli_mode m);

/* Do what o asks (the modes: clisetup.c, clishow.c); the exit code. */
int		 cli_run(const struct cli *o);

/* parse + run, for main(). */
int		 cli_main(int argc, char **argv);

#endif
