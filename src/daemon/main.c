/*
 * nft-netflowd: the NetFlow v5 probe daemon.  A thin main: options, config,
 * daemonizing and the pidfile; the work is in daemon.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/clock.h"
#include "util/file.h"
#include "conf/conf.h"
#include "daemon/daemon_priv.h"
#include "util/log.h"
#include "util/notify.h"
#include "util/priv.h"

#define DEFAULT_PIDFILE "/run/nft-netflow/nft-netflowd.pid"

static void
usage(FILE *f)
{
	fprintf(f, "usage: nft-netflowd [-fnhV] [-c config] [-p pidfile]\n"
	    "  -c FILE  configuration file (default %s)\n"
	    "  -f       stay in the foreground, log to stderr\n"
	    "  -n       check the configuration, print \"configuration OK\" "
	    "and exit\n"
	    "  -p FILE  pidfile (default %s; \"-\" for none)\n"
	    "  -V       print the version\n", CONF_DEFAULT_PATH,
	    DEFAULT_PIDFILE);
}

/* mkdir -p of the directory holding path (the /run/nft-netflow case). */
static void
make_parent(const char *path)
{
	char buf[CONF_TEXT_MAX], *p;

	snprintf(buf, sizeof(buf), "%s", path);
	for (p = buf + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		mkdir(buf, 0755);
		*p = '/';
	}
}

static void
daemonize(void)
{
	pid_t pid;
	int fd;

	if ((pid = fork()) < 0)
		fatal("fork");
	if (pid > 0)
		_exit(0);
	if (setsid() < 0)
		fatal("setsid");
	if ((pid = fork()) < 0)
		fatal("fork");
	if (pid > 0)
		_exit(0);
	if (chdir("/") < 0)
		fatal("chdir /");
	if ((fd = open("/dev/null", O_RDWR)) >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
}

/*
 * One daemon per control socket (so per config: the socket is one of its
 * keys) and per pidfile.  Two daemons on one config would both export
 * every flow, or in conntrack mode every connection.  The locks are taken
 * before daemonizing, so the refusal reaches the terminal, and held by
 * the open descriptors for the daemon's life.  Exits on failure.
 */
static int
take_lock(const char *path, const char *what)
{
	pid_t holder;
	int fd;

	make_parent(path);
	if ((fd = file_lock(path, &holder)) >= 0)
		return fd;
	if (errno != EWOULDBLOCK)
		fatal("lock %s", path);
	if (holder > 0)
		fatalx("another nft-netflowd (pid %d) already runs with %s; "
		    "stop it first (lock %s)", (int)holder, what, path);
	fatalx("another nft-netflowd already runs with %s; stop it first "
	    "(lock %s)", what, path);
}

int
main(int argc, char **argv)
{
	const char *conf_path = CONF_DEFAULT_PATH, *pidfile = DEFAULT_PIDFILE;
	int foreground = 0, check = 0, ch, rc;
	struct daemon d;
	struct conf c;
	char err[512], lockpath[CONF_TEXT_MAX + 8], what[CONF_TEXT_MAX + 32];
	int ctl_lock, pid_lock = -1;

	if (daemon_block_signals() < 0) {
		perror("nft-netflowd: sigprocmask");
		return 1;
	}
	while ((ch = getopt(argc, argv, "c:fnp:hV")) != -1) {
		switch (ch) {
		case 'c':
			conf_path = optarg;
			break;
		case 'f':
			foreground = 1;
			break;
		case 'n':
			check = 1;
			break;
		case 'p':
			pidfile = optarg;
			break;
		case 'V':
			printf("nft-netflowd %s\n", NFN_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	log_init("nft-netflowd", 1, 0);
	conf_defaults(&c);
	if (conf_load(&c, conf_path, err, sizeof(err)) < 0)
		fatalx("%s", err);
	if (check) {
		printf("configuration OK\n");
		return 0;
	}
	log_set_debug(c.debug);
	clk_start();
	make_parent(c.control);
	if (snprintf(lockpath, sizeof(lockpath), "%s.lock", c.control) >=
	    (int)sizeof(lockpath))
		fatalx("control = \"%s\": path too long", c.control);
	snprintf(what, sizeof(what), "control socket %s", c.control);
	ctl_lock = take_lock(lockpath, what);
	if (strcmp(pidfile, "-") != 0) {
		snprintf(what, sizeof(what), "pidfile %s", pidfile);
		pid_lock = take_lock(pidfile, what);
	}
	if (!foreground) {
		daemonize();
		log_init("nft-netflowd", 0, c.debug);
	}
	/* the pid after daemonizing; the locks came through the forks */
	file_lock_pid(ctl_lock);
	if (pid_lock >= 0 && file_lock_pid(pid_lock) < 0)
		log_warn("pidfile %s", pidfile);
	if (daemon_init(&d, &c, conf_path) < 0)
		fatalx("startup failed");
	/* everything that needs more than CAP_NET_ADMIN is done by now */
	if (priv_switch(c.user, err, sizeof(err)) < 0)
		fatalx("%s", err);
	log_info("started: capture %s, %u destination(s), control %s",
	    conf_capture_name(c.capture), c.dests.n,
	    c.control);
	notify_send("READY=1");
	rc = daemon_run(&d);
	notify_send("STOPPING=1");
	daemon_free(&d);
	if (strcmp(pidfile, "-") != 0)
		unlink(pidfile);
	log_info("exited");
	return rc == 0 ? 0 : 1;
}
