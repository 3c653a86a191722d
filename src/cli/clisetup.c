/*
 * clisetup: the modes that change the host: install (the config and the
 * include file), enable (plus the table and the daemon, live changes
 * pushed), disable and remove.  Each is built from idempotent steps, so
 * each mode is idempotent too.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cliconf.h"
#include "cli/clisetup.h"
#include "cli/offload.h"
#include "util/file.h"
#include "rules/ipt.h"
#include "rules/rules.h"
#include "cli/svc.h"

/*
 * Persist want: a fresh file when there is none, else only the keys that
 * change, so an edited file keeps its comments and an unchanged one its
 * mtime.
 */
static int
write_conf(struct clictx *x, char *err, size_t errlen)
{
	const char *changed[CLICONF_CHANGED_MAX];
	char *old = NULL, *text;
	unsigned n;
	int r;

	n = cliconf_diff(&x->file, &x->want, changed, CLICONF_CHANGED_MAX);
	if (x->file_exists && n == 0) {
		clictx_say(x, "config %s: unchanged", x->conf_path);
		return 0;
	}
	if (x->file_exists && (old = file_read(x->conf_path)) == NULL) {
		snprintf(err, errlen, "%s: %s", x->conf_path, strerror(errno));
		return -1;
	}
	text = old ? cliconf_edit(old, &x->want, changed, n) :
	    cliconf_fresh(&x->want);
	free(old);
	if (text == NULL && errno == EINVAL) {
		snprintf(err, errlen, "%s: a section line ends in a backslash "
		    "(a continuation); edit the file by hand, nothing was "
		    "changed", x->conf_path);
		return -1;
	}
	if (text == NULL) {
		snprintf(err, errlen, "config: %s", strerror(errno));
		return -1;
	}
	if (cliconf_verify(text, &x->want, err, errlen) < 0) {
		free(text);
		return -1;
	}
	r = file_replace(x->conf_path, text, 0644);
	free(text);
	if (r < 0) {
		snprintf(err, errlen, "%s: %s", x->conf_path, strerror(errno));
		return -1;
	}
	clictx_say(x, "config %s: %s (%u key%s changed)", x->conf_path,
	    x->file_exists ? "updated" : "written", n, n == 1 ? "" : "s");
	x->file_exists = 1;
	return 0;
}

static int
write_include(struct clictx *x, char *err, size_t errlen)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m;
	int r;

	if ((m = open_memstream(&buf, &len)) == NULL)
		goto fail;
	r = rules_write_nft(&x->want, x->conf_path, m);
	fclose(m);
	if (r < 0) {
		free(buf);
		goto fail;
	}
	r = file_replace(x->include, buf, 0644);
	free(buf);
	if (r < 0)
		goto fail;
	clictx_say(x, "ruleset %s: %s", x->include,
	    r ? "written" : "unchanged");
	return 0;
fail:
	snprintf(err, errlen, "%s: %s", x->include, strerror(errno));
	return -1;
}

/*
 * rules = iptables: the restore fragments for rules.v4 and (IPv6 metered)
 * rules.v6, beside the include.  A fragment the config no longer asks for
 * (rules = nft, or IPv6 not metered) goes, so no stale rules are merged at
 * boot.
 */
static int
write_iptfrag(struct clictx *x, enum iptcmd_family fam, char *err,
    size_t errlen)
{
	const char *path = fam == IPTCMD_V6 ? x->iptfrag6 : x->iptfrag;
	char *buf = NULL;
	size_t len = 0;
	FILE *m;
	int r;

	if (x->want.rules != RULES_IPTABLES || !ipt_wanted(&x->want, fam)) {
		if (unlink(path) == 0)
			clictx_say(x, "removed %s (not used by this config)",
			    path);
		return 0;
	}
	if ((m = open_memstream(&buf, &len)) == NULL)
		goto fail;
	r = ipt_write_fragment(&x->want, fam, x->conf_path, m);
	fclose(m);
	if (r < 0) {
		free(buf);
		goto fail;
	}
	r = file_replace(path, buf, 0644);
	free(buf);
	if (r < 0)
		goto fail;
	clictx_say(x, "%s rules %s: %s (merge its *filter lines into "
	    "/etc/iptables/%s to keep them across reboots)",
	    iptcmd_family_name(fam), path, r ? "written" : "unchanged",
	    fam == IPTCMD_V6 ? "rules.v6" : "rules.v4");
	return 0;
fail:
	snprintf(err, errlen, "%s: %s", path, strerror(errno));
	return -1;
}

/*
 * What the chosen front end cannot carry (rules = iptables with sampler =
 * hash) is refused before any file, rule or daemon changes.
 */
static int
check_front(struct clictx *x, char *err, size_t errlen)
{
	return x->want.rules == RULES_IPTABLES ?
	    ipt_check(&x->want, err, errlen) : 0;
}

int
clisetup_install(struct clictx *x, char *err, size_t errlen)
{
	if (check_front(x, err, errlen) < 0 ||
	    write_conf(x, err, errlen) < 0 ||
	    write_include(x, err, errlen) < 0 ||
	    write_iptfrag(x, IPTCMD_V4, err, errlen) < 0 ||
	    write_iptfrag(x, IPTCMD_V6, err, errlen) < 0)
		return -1;
	/*
	 * The daemon's own user, on a real install (the default config path;
	 * another path is a test or a staging tree, which must not add users
	 * to this system).
	 */
	if (strcmp(x->conf_path, CONF_DEFAULT_PATH) == 0 &&
	    strcmp(x->want.user, "root") != 0 &&
	    svc_user(x, x->want.user, err, errlen) < 0)
		return -1;
	if (svc_systemd(x) && svc_systemctl(x, "daemon-reload") != 0)
		clictx_say(x, "systemctl daemon-reload failed");
	return 0;
}

/*
 * Load the front end the config asks for and take the other away, so that
 * a switch of "rules" never leaves both metering.  iptables is asked only
 * when it is or was the front end: an nft-only host needs no iptables.
 */
static int
load_front(struct clictx *x, char *err, size_t errlen)
{
	if (x->want.rules == RULES_IPTABLES) {
		if (ipt_load(&x->want, err, errlen) < 0)
			return -1;
		clictx_say(x, "iptables chain %s: loaded%s", IPT_CHAIN,
		    ipt_wanted(&x->want, IPTCMD_V6) ? " (and ip6tables')" :
		    "");
		if (rules_delete(err, errlen) < 0)
			return -1;
		return 0;
	}
	if (rules_load(&x->want, err, errlen) < 0)
		return -1;
	clictx_say(x, "table %s %s: loaded", RULES_FAMILY, RULES_TABLE);
	if (x->file.rules == RULES_IPTABLES &&
	    ipt_delete(&x->file, err, errlen) < 0)
		return -1;
	return 0;
}

/*
 * Offloads on metered interfaces change what a packet is (offload.h):
 * say so on stderr, so enable stays silent on stdout and where there is
 * nothing to say.
 */
static void
note_offloads(const struct clictx *x)
{
	struct offload_if v[OFFLOAD_MAX];
	int n = offload_scan(v, OFFLOAD_MAX);

	if (n > 0)
		offload_report(stderr, v, n, &x->want, 0);
}

int
clisetup_enable(struct clictx *x, char *err, size_t errlen)
{
	struct conf *running;
	struct rules_state st;
	pid_t pid;
	int had_table, r = -1;

	if (check_front(x, err, errlen) < 0)
		return -1;
	if ((running = malloc(sizeof(*running))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	/* the daemon that runs now listens where the file says */
	if ((pid = svc_ping(&x->file)) > 0) {
		if (svc_conf(&x->file, running, err, errlen) < 0)
			goto out;
		if (svc_needs_restart(running, &x->want)) {
			clictx_say(x, "%s: capture, export_mark, control or "
			    "the use of conntrack changes: restarting (every "
			    "flow is exported first)", SVC_DAEMON);
			if (svc_stop(x, &x->file, err, errlen) < 0)
				goto out;
			pid = 0;
		} else if (svc_push(x, running, err, errlen) < 0)
			goto out;	/* nothing persisted: files untouched */
	}
	if (clisetup_install(x, err, errlen) < 0)
		goto out;
	if (rules_state(&st, err, errlen) < 0)
		goto out;
	had_table = st.table;
	if (load_front(x, err, errlen) < 0)
		goto out;
	note_offloads(x);
	if (pid > 0) {
		clictx_say(x, "%s: running (pid %d)", SVC_DAEMON, (int)pid);
		r = 0;
	} else if ((r = svc_start(x, err, errlen)) < 0 && !had_table) {
		/* rules with no reader only cost: back to where we were */
		char e2[256];

		if (x->want.rules == RULES_IPTABLES)
			ipt_delete(&x->want, e2, sizeof(e2));
		else
			rules_delete(e2, sizeof(e2));
	}
out:
	free(running);
	return r;
}

int
clisetup_disable(struct clictx *x, char *err, size_t errlen)
{
	if (rules_delete(err, errlen) < 0)
		return -1;
	clictx_say(x, "table %s %s: deleted (or was not loaded)",
	    RULES_FAMILY, RULES_TABLE);
	/* ours only: the user's jumps stay, NETFLOW stays (empty) for them */
	if (x->file.rules == RULES_IPTABLES) {
		if (ipt_delete(&x->file, err, errlen) < 0)
			return -1;
		clictx_say(x, "iptables: the rules nft-netflow added are "
		    "deleted");
	}
	/* rules first: no packet is logged that the daemon would not export */
	if (svc_stop(x, &x->file, err, errlen) < 0)
		return -1;
	unlink(x->pidfile);
	return 0;
}

static void
remove_file(const struct clictx *x, const char *path)
{
	if (unlink(path) == 0)
		clictx_say(x, "removed %s", path);
}

int
clisetup_remove(struct clictx *x, char *err, size_t errlen)
{
	char dir[PATH_MAX];

	if (clisetup_disable(x, err, errlen) < 0)
		return -1;
	if (svc_systemd(x))
		svc_systemctl(x, "disable");
	remove_file(x, x->include);
	remove_file(x, x->iptfrag);
	remove_file(x, x->iptfrag6);
	remove_file(x, x->conf_path);
	/* the directories go too, but only when nothing else lives there */
	file_dir(x->conf_path, dir, sizeof(dir));
	if (rmdir(dir) == 0)
		clictx_say(x, "removed %s/", dir);
	file_dir(x->pidfile, dir, sizeof(dir));
	rmdir(dir);
	return 0;
}
