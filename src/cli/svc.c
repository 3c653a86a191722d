/*
 * svc: start, stop, ask and change the daemon.  See svc.h.
 */
#include <errno.h>
#include <pwd.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/cliconf.h"
#include "daemon/ctl.h"
#include "util/file.h"
#include "cli/svc.h"
#include "util/err.h"

/* How long the daemon may take to answer after it was started. */
#define START_TIMEOUT_MS	10000
/* How long it may take to export every flow and exit: never SIGKILL it. */
#define STOP_TIMEOUT_MS		120000

static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* The daemon's pid if it answers on its control socket, else 0. */
pid_t
svc_ping(const struct conf *c)
{
	struct ctl_reply r;
	struct ctl_ping p;

	if (ctl_request(c->control, "ping", &r) < 0)
		return 0;
	if (ctl_ping_parse(&r, &p) < 0)
		p.pid = 0;
	ctl_reply_free(&r);
	return p.pid;
}

/* One control request; the body after "OK\n" in *body (malloc'd). */
int
svc_ask(const struct conf *c, const char *req, char **body, char *err,
    size_t errlen)
{
	struct ctl_reply r;

	*body = NULL;
	if (ctl_request(c->control, req, &r) < 0) {
		snprintf(err, errlen, "control socket %s: %s%s", c->control,
		    errno == EPROTO ? "malformed response" : strerror(errno),
		    errno == EACCES ? " (root only; members of the config's "
		    "control_group may read)" : "");
		return -1;
	}
	if (!r.ok) {
		snprintf(err, errlen, "nft-netflowd: %s", r.line);
		ctl_reply_free(&r);
		return -1;
	}
	*body = strdup(r.body);
	ctl_reply_free(&r);
	return *body ? 0 : -1;
}

/* systemd runs our unit only for the default config in its own netns. */
int
svc_systemd(const struct clictx *x)
{
	const char *e = getenv("NFT_NETFLOW_SYSTEMD");
	struct stat a, b;

	if (e != NULL)
		return strcmp(e, "1") == 0;
	if (access("/run/systemd/system", F_OK) < 0)
		return 0;
	if (strcmp(x->conf_path, CONF_DEFAULT_PATH) != 0)
		return 0;
	if (stat("/proc/self/ns/net", &a) < 0 ||
	    stat("/proc/1/ns/net", &b) < 0 || a.st_ino != b.st_ino)
		return 0;
	return 1;
}

/* Run argv, quiet unless -v; returns its exit status or -1. */
static int
run(const struct clictx *x, char *const argv[])
{
	pid_t pid;
	int st, fd;

	if ((pid = fork()) < 0)
		return -1;
	if (pid == 0) {
		unsetenv("NOTIFY_SOCKET");
		if (!x->o->verbose && (fd = open("/dev/null", O_WRONLY)) >= 0)
			dup2(fd, 1);
		execvp(argv[0], argv);
		fprintf(stderr, "nft-netflow: %s: %s\n", argv[0],
		    strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int
svc_user(const struct clictx *x, const char *user, char *err, size_t errlen)
{
	char *argv[] = { "useradd", "--system", "--no-create-home",
	    "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin",
	    (char *)user, NULL };

	if (getpwnam(user) != NULL)
		return 0;
	if (run(x, argv) != 0 || getpwnam(user) == NULL) {
		snprintf(err, errlen, "user = \"%s\": cannot create the system "
		    "user (useradd --system %s failed)", user, user);
		return -1;
	}
	clictx_say(x, "created system user %s", user);
	return 0;
}

int
svc_systemctl(const struct clictx *x, const char *verb)
{
	char *argv[] = { "systemctl", (char *)verb, SVC_SERVICE, NULL };

	if (strcmp(verb, "daemon-reload") == 0)
		argv[2] = NULL;
	return run(x, argv);
}

static int
executable(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	    access(path, X_OK) == 0;
}

/*
 * The daemon beside our own binary first (a build tree, or an unusual
 * prefix), then $PATH and the sbin directories.  NFT_NETFLOWD overrides.
 */
static int
find_daemon(char *buf, size_t len)
{
	static const char *const sbin[] = { "/usr/local/sbin", "/usr/sbin",
	    "/sbin" };
	char *path, *p, *save = NULL;
	const char *e = getenv("NFT_NETFLOWD");
	size_t i;

	if (e && *e) {
		snprintf(buf, len, "%s", e);
		return executable(buf) ? 0 : -1;
	}
	if (file_beside_self(SVC_DAEMON, buf, len) == 0 && executable(buf))
		return 0;
	if ((e = getenv("PATH")) != NULL && (path = strdup(e)) != NULL) {
		for (p = strtok_r(path, ":", &save); p;
		    p = strtok_r(NULL, ":", &save)) {
			snprintf(buf, len, "%s/%s", p, SVC_DAEMON);
			if (executable(buf)) {
				free(path);
				return 0;
			}
		}
		free(path);
	}
	for (i = 0; i < sizeof(sbin) / sizeof(sbin[0]); i++) {
		snprintf(buf, len, "%s/%s", sbin[i], SVC_DAEMON);
		if (executable(buf))
			return 0;
	}
	errno = ENOENT;
	return -1;
}

static pid_t
wait_ping(const struct conf *c, long ms)
{
	pid_t pid;

	for (; ms > 0; ms -= 50) {
		if ((pid = svc_ping(c)) > 0)
			return pid;
		sleep_ms(50);
	}
	return 0;
}

int
svc_start(struct clictx *x, char *err, size_t errlen)
{
	char bin[PATH_MAX], dir[PATH_MAX], pidfile[PATH_MAX + 32];
	char *argv[] = { SVC_DAEMON, "-c", x->conf_path, "-p", pidfile,
	    NULL };
	pid_t pid, r;
	int st;

	if (svc_systemd(x)) {
		if (svc_systemctl(x, "start") != 0) {
			snprintf(err, errlen, "systemctl start %s failed "
			    "(see journalctl -u %s)", SVC_SERVICE, SVC_SERVICE);
			return -1;
		}
	} else {
		if (find_daemon(bin, sizeof(bin)) < 0) {
			snprintf(err, errlen, "%s not found (beside "
			    "nft-netflow, in PATH or sbin; or set "
			    "NFT_NETFLOWD)", SVC_DAEMON);
			return -1;
		}
		/* beside the control socket the daemon will listen on */
		file_dir(x->want.control, dir, sizeof(dir));
		snprintf(pidfile, sizeof(pidfile), "%s/%s", dir,
		    CLICTX_PIDFILE_NAME);
		file_mkdirs(dir, 0755);
		if ((pid = fork()) < 0) {
			snprintf(err, errlen, "fork: %s", strerror(errno));
			return -1;
		}
		if (pid == 0) {
			unsetenv("NOTIFY_SOCKET");
			execv(bin, argv);
			fprintf(stderr, "nft-netflow: %s: %s\n", bin,
			    strerror(errno));
			_exit(127);
		}
		/* it forks into the background once its config is read */
		while ((r = waitpid(pid, &st, 0)) < 0 && errno == EINTR)
			;
		if (r < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			snprintf(err, errlen, "%s -c %s did not start", bin,
			    x->conf_path);
			return -1;
		}
	}
	if ((pid = wait_ping(&x->want, START_TIMEOUT_MS)) == 0) {
		snprintf(err, errlen, "%s started but does not answer on %s "
		    "(see its log)", SVC_DAEMON, x->want.control);
		return -1;
	}
	clictx_say(x, "%s: started (pid %d)", SVC_DAEMON, (int)pid);
	return 0;
}

/* A pid that is really our daemon, not a recycled number. */
static int
is_our_daemon(pid_t pid)
{
	char path[64], comm[64] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	if (fgets(comm, sizeof(comm), f) == NULL)
		comm[0] = '\0';
	fclose(f);
	comm[strcspn(comm, "\n")] = '\0';
	return strcmp(comm, SVC_DAEMON) == 0;
}

/* Gone, or a zombie nobody reaped yet (it has exported and exited). */
static int
is_gone(pid_t pid)
{
	char path[64], buf[256], *p;
	FILE *f;

	if (kill(pid, 0) < 0 && errno == ESRCH)
		return 1;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return 1;
	p = fgets(buf, sizeof(buf), f);
	fclose(f);
	if (p && (p = strrchr(buf, ')')) != NULL && p[1] == ' ' &&
	    (p[2] == 'Z' || p[2] == 'X'))
		return 1;
	return 0;
}

static pid_t
pidfile_pid(const char *path)
{
	char buf[32] = "";
	FILE *f;
	long pid;

	if ((f = fopen(path, "r")) == NULL)
		return 0;
	if (fgets(buf, sizeof(buf), f) == NULL)
		buf[0] = '\0';
	fclose(f);
	pid = strtol(buf, NULL, 10);
	return pid > 0 && is_our_daemon((pid_t)pid) ? (pid_t)pid : 0;
}

/*
 * SIGTERM to our daemon and to nothing else: a pidfd pins the process,
 * then it is checked to be the daemon (its control socket still answers
 * with that pid, or its name), so a pid reused in between is never hit.
 */
static int
signal_daemon(const struct conf *c, pid_t pid)
{
	int fd = (int)syscall(SYS_pidfd_open, pid, 0), r;

	if (fd < 0)
		return errno == ENOSYS ? kill(pid, SIGTERM) : -1;
	if (svc_ping(c) != pid && !is_our_daemon(pid)) {
		close(fd);
		errno = ESRCH;
		return -1;
	}
	r = (int)syscall(SYS_pidfd_send_signal, fd, SIGTERM, NULL, 0);
	close_keep_errno(fd);
	return r;
}

/*
 * SIGTERM makes the daemon export every flow before it exits; wait for
 * that, however long it takes within STOP_TIMEOUT_MS, and never kill it
 * harder, which would lose the flows.
 */
int
svc_stop(struct clictx *x, const struct conf *c, char *err, size_t errlen)
{
	pid_t pid;
	long ms;

	if (svc_systemd(x) && svc_systemctl(x, "is-active") == 0) {
		if (svc_systemctl(x, "stop") != 0) {
			snprintf(err, errlen, "systemctl stop %s failed",
			    SVC_SERVICE);
			return -1;
		}
		clictx_say(x, "%s: stopped by systemd", SVC_DAEMON);
		return 0;
	}
	if ((pid = svc_ping(c)) <= 0 && (pid = pidfile_pid(x->pidfile)) <= 0) {
		clictx_say(x, "%s: not running", SVC_DAEMON);
		return 0;
	}
	if (signal_daemon(c, pid) < 0 && errno != ESRCH) {
		snprintf(err, errlen, "kill %d: %s", (int)pid, strerror(errno));
		return -1;
	}
	for (ms = 0; ms < STOP_TIMEOUT_MS && !is_gone(pid); ms += 20)
		sleep_ms(20);
	if (!is_gone(pid)) {
		snprintf(err, errlen, "%s (pid %d) still exporting after %d s;"
		    " left running", SVC_DAEMON, (int)pid,
		    STOP_TIMEOUT_MS / 1000);
		return -1;
	}
	/*
	 * Whether every flow left is known to the daemon only (a collector
	 * that cannot keep up may leave datagrams queued past drain_timeout):
	 * it logs what it lost; claim nothing here.
	 */
	clictx_say(x, "%s: stopped (pid %d); datagrams it could not send "
	    "at exit, if any, are in its log", SVC_DAEMON, (int)pid);
	return 0;
}

/* restart-only keys: the daemon refuses to change them live */
int
svc_needs_restart(const struct conf *running, const struct conf *want)
{
	return conf_restart_changed(running, want) != NULL;
}

/*
 * The running daemon's parameters, read back into a struct conf through
 * conf_set(), so they compare with want key by key.
 */
int
svc_conf(const struct conf *c, struct conf *out, char *err, size_t errlen)
{
	char *body, *line, *rest, *eq, cerr[512];

	if (svc_ask(c, "config", &body, err, errlen) < 0)
		return -1;
	*out = *c;
	for (rest = body; (line = strsep(&rest, "\n")) != NULL; ) {
		if ((eq = strstr(line, " = ")) == NULL)
			continue;
		*eq = '\0';
		/* a value the CLI cannot read back: it is simply re-pushed */
		conf_set(out, line, eq + 3, cerr, sizeof(cerr));
	}
	free(body);
	return 0;
}

/*
 * The sysctl -w equivalent: push each changed key with "set", in conf
 * order.  If one is refused, the ones already pushed are set back, so
 * the daemon runs as before and nothing was persisted.
 */
int
svc_push(struct clictx *x, const struct conf *running, char *err,
    size_t errlen)
{
	const char *done[CLICONF_CHANGED_MAX];
	const char *const *k;
	char req[CTL_REQ_MAX], v[CONF_TEXT_MAX], *body, e2[256];
	unsigned n = 0;

	for (k = conf_keys(); *k; k++) {
		if (!cliconf_differs(running, &x->want, *k))
			continue;
		conf_get(&x->want, *k, v, sizeof(v));
		snprintf(req, sizeof(req), "set %s %s", *k, v);
		if (svc_ask(&x->want, req, &body, err, errlen) < 0)
			goto undo;
		free(body);
		clictx_say(x, "%s: %s = %s (live)", SVC_DAEMON, *k, v);
		if (n < sizeof(done) / sizeof(done[0]))
			done[n++] = *k;
	}
	return 0;
undo:
	while (n-- > 0) {
		conf_get(running, done[n], v, sizeof(v));
		snprintf(req, sizeof(req), "set %s %s", done[n], v);
		if (svc_ask(&x->want, req, &body, e2, sizeof(e2)) == 0)
			free(body);
	}
	return -1;
}
