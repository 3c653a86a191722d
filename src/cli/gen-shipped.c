/*
 * gen-shipped: writes the files the project ships for the default
 * configuration, from the same code the CLI uses when it installs them:
 *
 *   gen-shipped nft    the ruleset include (nft/nft-netflow.nft)
 *   gen-shipped conf   the configuration file (conf/nft-netflow.conf)
 *
 * key=value arguments after the word change the configuration first (the
 * integration tests load the include of the configuration they test).
 *
 * The build installs what this prints, and the unit suite compares it
 * with the copies in the tree, so neither can drift from the CLI's table
 * or key list.  Built, never installed.
 */
#include <stdio.h>
#include <string.h>

#include "conf/conf.h"
#include "rules/rules.h"

int
main(int argc, char **argv)
{
	struct conf c;
	char err[512], *eq;
	int i, r;

	conf_defaults(&c);
	for (i = 2; i < argc; i++) {
		if ((eq = strchr(argv[i], '=')) == NULL)
			break;
		*eq = '\0';
		if (conf_set(&c, argv[i], eq + 1, err, sizeof(err)) < 0) {
			fprintf(stderr, "gen-shipped: %s\n", err);
			return 2;
		}
	}
	if (argc >= 2 && i == argc && strcmp(argv[1], "nft") == 0)
		r = rules_write_nft(&c, argc > 2 ? "the test's keys" : NULL,
		    stdout);
	else if (argc >= 2 && i == argc && strcmp(argv[1], "conf") == 0)
		r = conf_write(&c, stdout);
	else {
		fprintf(stderr, "usage: gen-shipped nft|conf [key=value...]\n");
		return 2;
	}
	if (r < 0 || fflush(stdout) == EOF) {
		perror("gen-shipped");
		return 1;
	}
	return 0;
}
