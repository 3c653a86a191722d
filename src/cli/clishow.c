/*
 * clishow: the modes that only report: show (files, parameters, table,
 * statistics, as text or JSON), status, flows, and the long help.
 */
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/clishow.h"
#include "cli/offload.h"
#include "util/file.h"
#include "util/log.h"
#include "rules/ipt.h"
#include "rules/rules.h"
#include "cli/svc.h"
#include "daemon/ctl.h"

/* Our table is there and holds the capture rule c's mode needs. */
static int
rules_loaded(const struct conf *c, struct rules_state *st, char *err,
    size_t errlen)
{
	if (rules_state(st, err, errlen) < 0)
		return -1;
	return st->table && (c->capture == CAPTURE_CONNTRACK ?
	    st->ct_rules > 0 : st->log_rules > 0);
}

/* What rules = iptables holds, per family (only those c meters). */
struct ipt_report {
	struct ipt_state	 st[IPTCMD_NFAMILIES];
	const char		*be[IPTCMD_NFAMILIES];
	int			 asked[IPTCMD_NFAMILIES];
	int			 loaded[IPTCMD_NFAMILIES];
};

/*
 * The same for rules = iptables: NETFLOW filled and reached (ipt.h) in
 * every family c meters.  1, 0, or -1 with err.
 */
static int
ipt_rules_loaded(const struct conf *c, struct ipt_report *r, char *err,
    size_t errlen)
{
	int fam, all = 1;

	memset(r, 0, sizeof(*r));
	for (fam = 0; fam < IPTCMD_NFAMILIES; fam++) {
		r->be[fam] = "?";
		if (!ipt_wanted(c, fam))
			continue;
		r->asked[fam] = 1;
		if (ipt_state(fam, &r->st[fam], &r->be[fam], err, errlen) < 0)
			return -1;
		r->loaded[fam] = ipt_loaded(c, fam, &r->st[fam]);
		all &= r->loaded[fam];
	}
	return all;
}

/*
 * ipt_NETFLOW still loaded would meter every packet a second time, and a
 * "-j NETFLOW" that reaches its kernel target rather than our chain does
 * too, and fails to load once the module is gone: say so (show; status
 * with -v).  The number of warnings.
 */
static unsigned
warn_ipt_netflow(const struct clictx *x, int json, int status)
{
	static const char *const marks[] = { "/proc/net/stat/ipt_netflow",
	    "/sys/module/ipt_NETFLOW" };
	char where[PATH_MAX];
	unsigned n, warned = 0;
	size_t i;

	for (i = 0; i < sizeof(marks) / sizeof(marks[0]); i++)
		if (access(marks[i], F_OK) == 0)
			break;
	if (i < sizeof(marks) / sizeof(marks[0])) {
		warned++;
		if (status)
			clictx_say(x, "warning: the ipt_NETFLOW kernel module "
			    "is loaded (%s): it meters every packet a second "
			    "time", marks[i]);
		else if (json)
			printf("    \"the ipt_NETFLOW kernel module is loaded "
			    "(%s)\"", marks[i]);
		else
			printf("\nWARNING: the ipt_NETFLOW kernel module is "
			    "loaded (%s): its \"-j NETFLOW\"\nrules meter every "
			    "packet a second time.  Remove them and the module"
			    "\n(rmmod ipt_NETFLOW), then run \"nft-netflow -m "
			    "enable --rules iptables\":\nthe same jumps then "
			    "reach nft-netflow's chain NETFLOW.\n", marks[i]);
	}
	if ((n = ipt_kernel_jumps(where, sizeof(where))) == 0)
		return warned;
	if (status)
		clictx_say(x, "warning: %u \"-j NETFLOW\" rule%s in %s reach%s "
		    "the ipt_NETFLOW kernel target, not a chain NETFLOW", n,
		    n == 1 ? "" : "s", where, n == 1 ? "es" : "");
	else if (json)
		printf("%s    \"%u -j NETFLOW rules reach the ipt_NETFLOW "
		    "kernel target (first in %s)\"", warned ? ",\n" : "", n,
		    where);
	else
		printf("\nWARNING: %u \"-j NETFLOW\" rule%s (the first in %s) "
		    "reach%s ipt_NETFLOW's kernel\ntarget, not a chain "
		    "NETFLOW (none is declared in that table, or the rule\n"
		    "has target options).  With the module loaded it meters "
		    "every packet a\nsecond time; without it the ruleset "
		    "fails to load.  Declare \":NETFLOW - [0:0]\"\nin that "
		    "table's section and drop the options, or let \"nft-"
		    "netflow -m enable\n--rules iptables\" create the "
		    "chain.\n", n, n == 1 ? "" : "s", where, n == 1 ? "es" :
		    "");
	return warned + 1;
}

/* show's report of the iptables front end (rules = iptables). */
static void
show_ipt(const struct conf *c, int json)
{
	struct ipt_report r;
	char err[256] = "";
	int loaded = ipt_rules_loaded(c, &r, err, sizeof(err));
	int fam;

	if (loaded < 0 && !json) {
		printf("\nThe iptables chain %s: %s\n", IPT_CHAIN, err);
		return;
	}
	for (fam = 0; fam < IPTCMD_NFAMILIES; fam++) {
		const struct ipt_state *st = &r.st[fam];
		const char *cmd = iptcmd_family_name(fam);

		if (!r.asked[fam])
			continue;
		if (json) {
			printf("  \"%s\": {\"backend\": \"%s\", \"loaded\": "
			    "%s, \"chain_rules\": %u, \"our_jumps\": %u, "
			    "\"user_jumps\": %u, \"kernel_jumps\": %u},\n",
			    cmd, r.be[fam], r.loaded[fam] ? "true" : "false",
			    st->chain_rules, st->our_jumps, st->user_jumps,
			    st->kernel_jumps);
			continue;
		}
		printf("\nThe %s chain %s (%s-%s) is %s (%u rules); "
		    "jumps to it:\n%u added by nft-netflow, %u of your own.\n",
		    cmd, IPT_CHAIN, cmd, r.be[fam], r.loaded[fam] ? "loaded" :
		    st->chain ? "present but incomplete for this config" :
		    "not loaded", st->chain_rules, st->our_jumps,
		    st->user_jumps);
	}
}

static void
json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\u%04x", *s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

static int
all_digits(const char *s)
{
	if (*s == '\0' || (s[0] == '0' && s[1] != '\0'))
		return 0;
	return strspn(s, "0123456789") == strlen(s);
}

static void
show_file(const char *path, int json, int *first)
{
	struct stat st;
	struct passwd *pw;
	struct group *gr;
	char mode[11] = "----------", when[32];
	static const char bits[] = "rwxrwxrwx";
	int i, ok = lstat(path, &st) == 0;

	if (json) {
		fprintf(stdout, "%s\n    {\"path\": ", *first ? "" : ",");
		json_str(stdout, path);
		if (ok)
			fprintf(stdout, ", \"present\": true, \"size\": %lld, "
			    "\"mtime\": %lld}", (long long)st.st_size,
			    (long long)st.st_mtime);
		else
			fprintf(stdout, ", \"present\": false}");
		*first = 0;
		return;
	}
	if (!ok) {
		printf("%-43s %s\n", "(not present)", path);
		return;
	}
	mode[0] = S_ISDIR(st.st_mode) ? 'd' : S_ISSOCK(st.st_mode) ? 's' :
	    S_ISLNK(st.st_mode) ? 'l' : '-';
	for (i = 0; i < 9; i++)
		if (st.st_mode & (1 << (8 - i)))
			mode[i + 1] = bits[i];
	strftime(when, sizeof(when), "%b %e %H:%M", localtime(&st.st_mtime));
	pw = getpwuid(st.st_uid);
	gr = getgrgid(st.st_gid);
	printf("%s %lu %s %s %6lld %s %s\n", mode, (unsigned long)st.st_nlink,
	    pw ? pw->pw_name : "?", gr ? gr->gr_name : "?",
	    (long long)st.st_size, when, path);
}

static void
show_files(struct clictx *x, int json)
{
	const char *files[] = { x->conf_path, x->include, x->file.control,
	    x->pidfile, NULL, NULL };
	static const char *const units[] = {
	    "/etc/systemd/system/" SVC_SERVICE,
	    "/lib/systemd/system/" SVC_SERVICE,
	    "/usr/lib/systemd/system/" SVC_SERVICE,
	    "/usr/local/lib/systemd/system/" SVC_SERVICE };
	size_t i;
	int first = 1;

	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (access(units[i], F_OK) == 0) {
			files[4] = units[i];
			break;
		}
	if (!json)
		printf("The following lists the files nft-netflow "
		    "manages:\n\n");
	else
		printf("  \"files\": [");
	for (i = 0; files[i]; i++)
		show_file(files[i], json, &first);
	if (json)
		printf("\n  ],\n");
}

static void
show_params(struct clictx *x, const struct conf *c, pid_t pid, int json)
{
	const char *const *k;
	char v[CONF_TEXT_MAX];
	int first = 1;

	if (json)
		printf("  \"config\": {");
	else if (pid > 0)
		printf("\nThe following shows the current parameters of %s "
		    "(pid %d).\nChange them on the fly with \"nft-netflow -m "
		    "enable --OPTION VALUE\"\n(kept in %s), or edit that file "
		    "and reload the daemon (SIGHUP).\n\n", SVC_DAEMON,
		    (int)pid, x->conf_path);
	else
		printf("\nThe following shows the parameters in %s%s.\n\n",
		    x->conf_path, x->file_exists ? "" : " (absent: defaults)");
	for (k = conf_keys(); *k; k++) {
		if (conf_get(c, *k, v, sizeof(v)) < 0)
			continue;
		if (!json) {
			printf("%s = %s\n", *k, v);
			continue;
		}
		printf("%s\n    ", first ? "" : ",");
		json_str(stdout, *k);
		printf(": ");
		if (all_digits(v))
			printf("%s", v);
		else
			json_str(stdout, v);
		first = 0;
	}
	if (json)
		printf("\n  },\n");
}

/*
 * --format prometheus: the daemon's metrics alone, for a scraper or
 * node_exporter's textfile collector.  A daemon that does not answer is
 * nft_netflow_up 0 (an alert, not a failed write of the file).  --output
 * replaces the file in one rename, so a reader never sees half of it.
 */
static int
show_metrics(struct clictx *x, char *err, size_t errlen)
{
	char *body = NULL;
	size_t len = 0;
	FILE *f;
	int r = 0;

	if (svc_ping(&x->file) > 0) {
		if (svc_ask(&x->file, "metrics", &body, err, errlen) < 0)
			return -1;
	} else {
		if ((f = open_memstream(&body, &len)) == NULL) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		ctl_metrics_up(f, 0);
		fclose(f);
	}
	if (x->o->output == NULL)
		fputs(body, stdout);
	else if (file_replace(x->o->output, body, 0644) < 0) {
		snprintf(err, errlen, "--output %s: %s", x->o->output,
		    strerror(errno));
		r = -1;
	}
	free(body);
	return r;
}

/* GRO/LRO/TSO/GSO on metered interfaces, and what it means (offload.h). */
static void
show_offloads(const struct conf *c, int json)
{
	struct offload_if v[OFFLOAD_MAX];
	int n = offload_scan(v, OFFLOAD_MAX);

	offload_report(stdout, v, n < 0 ? 0 : n, c, json);
}

/* Files, parameters, table and statistics, as text or JSON. */
static int
show_report(struct clictx *x, char *err, size_t errlen)
{
	struct conf *c;
	struct rules_state st;
	char *stats = NULL, rerr[256] = "";
	pid_t pid = svc_ping(&x->file);
	int json = x->o->json, loaded;

	if ((c = malloc(sizeof(*c))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	*c = x->file;
	if (pid > 0 && svc_conf(&x->file, c, rerr, sizeof(rerr)) < 0)
		*c = x->file;
	if (pid > 0 && svc_ask(&x->file, json ? "stats json" : "stats",
	    &stats, rerr, sizeof(rerr)) < 0)
		stats = NULL;
	loaded = rules_loaded(c, &st, rerr, sizeof(rerr));
	if (json) {
		printf("{\n  \"warnings\": [\n");
		printf("%s  ],\n", warn_ipt_netflow(x, json, 0) ? "\n" : "");
	} else
		warn_ipt_netflow(x, json, 0);
	show_files(x, json);
	show_params(x, c, pid, json);
	if (c->rules == RULES_IPTABLES)
		show_ipt(c, json);
	show_offloads(c, json);
	if (json) {
		printf("  \"rules\": {\"table\": \"%s %s\", \"loaded\": %s, "
		    "\"chains\": %u, \"rules\": %u},\n", RULES_FAMILY,
		    RULES_TABLE, loaded > 0 ? "true" : "false", st.chains,
		    st.rules);
		printf("  \"daemon\": {\"running\": %s, \"pid\": %d},\n",
		    pid > 0 ? "true" : "false", (int)pid);
		printf("  \"stats\": %s\n}\n",
		    stats && *stats ? stats : "null");
	} else {
		if (loaded < 0)
			printf("\nThe nft table: %s\n", rerr);
		else
			printf("\nThe nft table %s %s is %s (%u chains, %u "
			    "rules).\n", RULES_FAMILY, RULES_TABLE,
			    loaded ? "loaded" : st.table ? "loaded without a "
			    "capture rule" : "not loaded", st.chains, st.rules);
		if (pid > 0 && stats)
			printf("\nThe following shows the statistics of %s:"
			    "\n\n%s\n", SVC_DAEMON, stats);
		else
			printf("\n%s is not running (no answer on %s).\n",
			    SVC_DAEMON, x->file.control);
	}
	free(stats);
	free(c);
	return 0;
}

int
clishow_show(struct clictx *x, char *err, size_t errlen)
{
	if (x->o->prometheus)
		return show_metrics(x, err, errlen);
	return show_report(x, err, errlen);
}

int
clishow_status(struct clictx *x, char *err, size_t errlen)
{
	struct rules_state st;
	struct ipt_report ir;
	pid_t pid = svc_ping(&x->file);
	int ipt = x->file.rules == RULES_IPTABLES, fam;
	int loaded = ipt ? ipt_rules_loaded(&x->file, &ir, err, errlen) :
	    rules_loaded(&x->file, &st, err, errlen);

	if (loaded < 0)
		return -1;
	if (x->o->verbose)
		warn_ipt_netflow(x, 0, 1);
	if (pid > 0)
		clictx_say(x, "%s is running (pid %d)", SVC_DAEMON, (int)pid);
	else
		clictx_say(x, "%s is not running", SVC_DAEMON);
	for (fam = 0; ipt && fam < IPTCMD_NFAMILIES; fam++)
		if (ir.asked[fam])
			clictx_say(x, "%s chain %s (%s-%s) is %s (%u rules, "
			    "%u jumps added, %u of your own)",
			    iptcmd_family_name(fam), IPT_CHAIN,
			    iptcmd_family_name(fam), ir.be[fam],
			    ir.loaded[fam] ? "loaded" : "not loaded or "
			    "incomplete for this config",
			    ir.st[fam].chain_rules, ir.st[fam].our_jumps,
			    ir.st[fam].user_jumps);
	if (!ipt && loaded)
		clictx_say(x, "table %s %s is loaded (%u chains, %u rules)",
		    RULES_FAMILY, RULES_TABLE, st.chains, st.rules);
	else if (!ipt)
		clictx_say(x, "table %s %s is %s", RULES_FAMILY, RULES_TABLE,
		    st.table ? "loaded but has no capture rule for this "
		    "config" : "not loaded");
	clictx_say(x, "netflow is %s",
	    pid > 0 && loaded ? "enabled" : "not enabled");
	return pid > 0 && loaded ? 0 : 1;
}

int
clishow_flows(struct clictx *x, char *err, size_t errlen)
{
	char *body;

	if (svc_ping(&x->file) <= 0) {
		snprintf(err, errlen, "%s is not running (no answer on %s)",
		    SVC_DAEMON, x->file.control);
		return -1;
	}
	if (svc_ask(&x->file, x->o->json ? "flows json" : "flows", &body,
	    err, errlen) < 0)
		return -1;
	fputs(body, stdout);
	free(body);
	return 0;
}

/* The man page of a build tree beside our binary, if there is one. */
static int
build_tree_page(char *buf, size_t len)
{
	if (file_beside_self("../man/nft-netflow.8", buf, len) < 0)
		return -1;
	return access(buf, R_OK);
}

int
clishow_help_long(void)
{
	char page[PATH_MAX], cmd[2 * PATH_MAX + 64];
	const char *tb = getenv("TEXTBROWSER");
	int have = build_tree_page(page, sizeof(page)) == 0;

	fflush(stdout);
	if (tb && *tb && have && strchr(page, '\'') == NULL) {
		/* a text browser reads HTML: mandoc makes it */
		snprintf(cmd, sizeof(cmd), "f=$(mktemp --suffix=.html) && "
		    "mandoc -T html '%s' > \"$f\" && $TEXTBROWSER \"$f\"; "
		    "r=$?; rm -f \"$f\"; exit $r", page);
		return system(cmd) == 0 ? 0 : CLI_EXIT_FAIL;
	}
	if (tb && *tb) {
		snprintf(cmd, sizeof(cmd), "f=$(mktemp --suffix=.html) && "
		    "p=$(man -w 8 nft-netflow) && mandoc -T html \"$p\" > "
		    "\"$f\" && $TEXTBROWSER \"$f\"; r=$?; rm -f \"$f\"; "
		    "exit $r");
		return system(cmd) == 0 ? 0 : CLI_EXIT_FAIL;
	}
	if (have)
		execlp("man", "man", "-l", page, (char *)NULL);
	else
		execlp("man", "man", "8", "nft-netflow", (char *)NULL);
	log_warn("man");
	return CLI_EXIT_FAIL;
}
