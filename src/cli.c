/*
 * cli: nft-netflow, the ipt_netflow-compatible command line.  See cli.h.
 *
 * The parser validates every value through conf_set(), so the command line
 * accepts exactly what the config file accepts.  The modes are built from
 * small steps (write the config, write the include file, load the table,
 * start, push, stop the daemon), each idempotent, so every mode is too.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <libgen.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "ctl.h"
#include "log.h"
#include "rules.h"

#define SERVICE			"nft-netflow.service"
#define INCLUDE_NAME		"nft-netflow.nft"
#define PIDFILE_NAME		"nft-netflowd.pid"
#define DAEMON_NAME		"nft-netflowd"
/* How long the daemon may take to answer after it was started. */
#define START_TIMEOUT_MS	10000
/* How long it may take to export every flow and exit: never SIGKILL it. */
#define STOP_TIMEOUT_MS		120000

/* ---- options ----------------------------------------------------------- */

enum opt_kind { OPT_MODE, OPT_PARAM, OPT_BOOL, OPT_CONFIG, OPT_KV };
enum bool_id { B_HELP, B_HELP_LONG, B_VERBOSE, B_VERSION, B_JSON };

struct opt {
	char		 sname;		/* short name, 0 if none */
	const char	*lname;
	enum opt_kind	 kind;
	const char	*key;		/* OPT_PARAM: its conf key */
	enum bool_id	 flag;		/* OPT_BOOL */
	const char	*arg;
	const char	*help;
};

static const struct opt opts[] = {
	{ 'm', "mode", OPT_MODE, NULL, 0, "MODE",
	  "show status install enable disable remove flows" },
	{ 'd', "destination", OPT_PARAM, "destination", 0, "LIST",
	  "collectors host:port,... (127.0.0.1:2055)" },
	{ 0, "active-timeout", OPT_PARAM, "active_timeout", 0, "N",
	  "export flows older than N s, 1..86400 (1800)" },
	{ 0, "inactive-timeout", OPT_PARAM, "inactive_timeout", 0, "N",
	  "export flows idle for N s, 1..86400 (15)" },
	{ 0, "debug", OPT_PARAM, "debug", 0, "N",
	  "log verbosity, 0..255 (0)" },
	{ 0, "hashsize", OPT_PARAM, "hashsize", 0, "N",
	  "hash buckets, 0 = auto or >= 256 (0)" },
	{ 0, "sndbuf", OPT_PARAM, "sndbuf", 0, "N",
	  "export socket buffer, bytes, 0 = default (0)" },
	{ 0, "maxflows", OPT_PARAM, "maxflows", 0, "N",
	  "most flows tracked, 0 = unlimited (2000000)" },
	{ 0, "aggregation", OPT_PARAM, "aggregation", 0, "RULES",
	  "A.B.C.D/M=N,P1-P2=Q,... (none)" },
	{ 'h', "help", OPT_BOOL, NULL, B_HELP, "[true|false]",
	  "print this help and exit" },
	{ 'H', "help-long", OPT_BOOL, NULL, B_HELP_LONG, "[true|false]",
	  "show nft-netflow(8) (TEXTBROWSER or man)" },
	{ 'v', "verbose", OPT_BOOL, NULL, B_VERBOSE, "[true|false]",
	  "say what is done (modes are silent otherwise)" },
	{ 0, "version", OPT_BOOL, NULL, B_VERSION, "[true|false]",
	  "print the version and exit" },
	{ 'c', "config", OPT_CONFIG, NULL, 0, "FILE",
	  "config file (/etc/nft-netflow/...)" },
	{ 0, "capture", OPT_PARAM, "capture", 0, "nflog|conntrack",
	  "per packet (default) or connection events" },
	{ 0, "json", OPT_BOOL, NULL, B_JSON, "[true|false]",
	  "show and flows print JSON" },
	{ 'o', "option", OPT_KV, NULL, 0, "KEY=VALUE",
	  "any key of nft-netflow.conf(5)" },
};
#define NOPTS	(sizeof(opts) / sizeof(opts[0]))

static const char *const mode_names[] = {
	[CLI_SHOW] = "show", [CLI_STATUS] = "status",
	[CLI_INSTALL] = "install", [CLI_ENABLE] = "enable",
	[CLI_DISABLE] = "disable", [CLI_REMOVE] = "remove",
	[CLI_FLOWS] = "flows",
};
#define NMODES	(sizeof(mode_names) / sizeof(mode_names[0]))

static void seterr(char *err, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * The one-line message of a failure.  Truncating a long path in it is
 * fine: it is a message, not a name anything opens.
 */
static void
seterr(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
}

/* dir/name into buf; -1 (ENAMETOOLONG) rather than a truncated path. */
static int
path_join(char *buf, size_t len, const char *dir, const char *name)
{
	int n = snprintf(buf, len, "%s/%s", dir, name);

	if (n < 0 || (size_t)n >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

const char *
cli_mode_name(enum cli_mode m)
{
	return (size_t)m < NMODES ? mode_names[m] : "?";
}

void
cli_usage(FILE *f)
{
	char left[64];
	size_t i;

	fprintf(f, "nft-netflow %s: make this host a NetFlow v5 source with "
	    "nftables\n", NFN_VERSION);
	for (i = 0; i < NOPTS; i++) {
		if (opts[i].sname)
			snprintf(left, sizeof(left), "-%c, --%s %s",
			    opts[i].sname, opts[i].lname, opts[i].arg);
		else
			snprintf(left, sizeof(left), "    --%s %s",
			    opts[i].lname, opts[i].arg);
		fprintf(f, "  %-29s %s\n", left, opts[i].help);
	}
}

static const struct opt *
opt_long(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < NOPTS; i++)
		if (strlen(opts[i].lname) == len &&
		    strncmp(opts[i].lname, name, len) == 0)
			return &opts[i];
	return NULL;
}

static const struct opt *
opt_short(char c)
{
	size_t i;

	for (i = 0; i < NOPTS; i++)
		if (opts[i].sname && opts[i].sname == c)
			return &opts[i];
	return NULL;
}

/* true/false, and the usual spellings of them. */
static int
parse_bool(const char *s, int *v)
{
	static const char *const yes[] = { "true", "yes", "on", "1" };
	static const char *const no[] = { "false", "no", "off", "0" };
	size_t i;

	for (i = 0; i < 4; i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*v = 1;
			return 0;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*v = 0;
			return 0;
		}
	}
	return -1;
}

static int
parse_mode(const char *s, enum cli_mode *m)
{
	size_t i;

	for (i = 0; i < NMODES; i++)
		if (strcmp(s, mode_names[i]) == 0) {
			*m = (enum cli_mode)i;
			return 0;
		}
	return -1;
}

static int
add_set(struct cli *o, const char *key, size_t keylen, const char *opt,
    const char *value, char *err, size_t errlen)
{
	struct cli_set *s;

	if (o->nset == CLI_SET_MAX) {
		seterr(err, errlen, "%s: too many parameters (at most %d)",
		    opt, CLI_SET_MAX);
		return -1;
	}
	if (keylen == 0 || keylen >= CLI_KEY_MAX) {
		seterr(err, errlen, "%s: \"%s\" is not KEY=VALUE with a key "
		    "of nft-netflow.conf(5)", opt, value);
		return -1;
	}
	s = &o->set[o->nset++];
	memcpy(s->key, key, keylen);
	s->key[keylen] = '\0';
	s->opt = opt;
	s->value = value;
	return 0;
}

/* One option with its value (NULL for a boolean given alone). */
static int
apply_opt(struct cli *o, const struct opt *op, const char *as, const char *val,
    char *err, size_t errlen)
{
	int *flags[] = { &o->help, &o->help_long, &o->verbose, &o->version,
	    &o->json };
	const char *eq;
	int b;

	switch (op->kind) {
	case OPT_MODE:
		if (parse_mode(val, &o->mode) < 0) {
			seterr(err, errlen, "%s: unknown mode \"%s\" (allowed:"
			    " show, status, install, enable, disable, remove, "
			    "flows)", as, val);
			return -1;
		}
		return 0;
	case OPT_CONFIG:
		if (*val == '\0') {
			seterr(err, errlen, "%s: empty file name", as);
			return -1;
		}
		o->config = val;
		return 0;
	case OPT_BOOL:
		b = 1;
		if (val && parse_bool(val, &b) < 0) {
			seterr(err, errlen, "%s: \"%s\" is not a boolean "
			    "(allowed: true, false)", as, val);
			return -1;
		}
		*flags[op->flag] = b;
		return 0;
	case OPT_PARAM:
		return add_set(o, op->key, strlen(op->key), as, val, err,
		    errlen);
	case OPT_KV:
		if ((eq = strchr(val, '=')) == NULL || eq == val) {
			seterr(err, errlen, "%s: \"%s\" is not KEY=VALUE with "
			    "a key of nft-netflow.conf(5)", as, val);
			return -1;
		}
		return add_set(o, val, (size_t)(eq - val), as, eq + 1, err,
		    errlen);
	}
	return -1;
}

/*
 * Each parameter goes through conf_set() on a scratch configuration, in
 * order, so a bad one is reported with the file's own rules and message
 * before anything is touched.
 */
static int
validate(const struct cli *o, char *err, size_t errlen)
{
	struct conf *c;
	char cerr[512];
	unsigned i;
	int r = 0;

	if ((c = malloc(sizeof(*c))) == NULL) {
		seterr(err, errlen, "out of memory");
		return -1;
	}
	conf_defaults(c);
	for (i = 0; i < o->nset && r == 0; i++) {
		if (conf_set(c, o->set[i].key, o->set[i].value, cerr,
		    sizeof(cerr)) < 0) {
			seterr(err, errlen, "%s: %s", o->set[i].opt, cerr);
			r = -1;
		}
	}
	free(c);
	if (r == 0 && o->nset > 0 && o->mode != CLI_INSTALL &&
	    o->mode != CLI_ENABLE && !o->help && !o->version &&
	    !o->help_long) {
		seterr(err, errlen, "%s: parameters are only used with "
		    "--mode install or --mode enable (mode is %s)",
		    o->set[0].opt, cli_mode_name(o->mode));
		r = -1;
	}
	return r;
}

int
cli_parse(struct cli *o, int argc, char **argv, char *err, size_t errlen)
{
	const struct opt *op;
	const char *a, *name, *val, *eq;
	size_t nlen;
	int i, b;

	memset(o, 0, sizeof(*o));
	o->mode = CLI_SHOW;
	o->config = CONF_DEFAULT_PATH;
	for (i = 1; i < argc; i++) {
		a = argv[i];
		if (a[0] != '-' || a[1] == '\0' || strcmp(a, "--") == 0) {
			seterr(err, errlen, "unexpected argument \"%s\" (see "
			    "nft-netflow -h)", a);
			return -1;
		}
		val = NULL;
		op = NULL;
		/* --name[=v], or -name[=v] as Getopt::Long (the seed) takes */
		name = a + (a[1] == '-' ? 2 : 1);
		eq = strchr(name, '=');
		nlen = eq ? (size_t)(eq - name) : strlen(name);
		if (a[1] == '-' || nlen > 1)
			op = opt_long(name, nlen);
		if (op != NULL) {
			if (eq)
				val = eq + 1;
		} else if (a[1] != '-') {
			/* -x, -xVALUE */
			op = opt_short(a[1]);
			if (op && a[2] != '\0')
				val = a + 2;
		}
		if (op == NULL) {
			seterr(err, errlen, "unknown option \"%s\" (see "
			    "nft-netflow -h)", a);
			return -1;
		}
		if (op->kind == OPT_BOOL) {
			/* an optional true/false as the next word */
			if (val == NULL && i + 1 < argc &&
			    parse_bool(argv[i + 1], &b) == 0)
				val = argv[++i];
		} else if (val == NULL) {
			if (i + 1 >= argc) {
				seterr(err, errlen, "%s needs a value (%s)",
				    a, op->arg);
				return -1;
			}
			val = argv[++i];
		}
		if (apply_opt(o, op, a, val, err, errlen) < 0)
			return -1;
	}
	return validate(o, err, errlen);
}

/* ---- context and small helpers ----------------------------------------- */

struct ctx {
	const struct cli	*o;
	char			 conf_path[PATH_MAX];	/* absolute */
	char			 include[PATH_MAX];
	char			 pidfile[PATH_MAX];
	int			 file_exists;
	struct conf		 file;	/* as on disk, else the defaults */
	struct conf		 want;	/* file + the command line */
};

static void say(const struct ctx *x, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Modes are silent unless -v, as ipt_netflow's are. */
static void
say(const struct ctx *x, const char *fmt, ...)
{
	va_list ap;

	if (!x->o->verbose)
		return;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* dirname() that neither modifies nor returns static storage. */
static void
dir_of(const char *path, char *buf, size_t len)
{
	char tmp[PATH_MAX];

	snprintf(tmp, sizeof(tmp), "%s", path);
	snprintf(buf, len, "%s", dirname(tmp));
}

static int
mkdir_p(const char *dir, mode_t mode)
{
	char buf[PATH_MAX], *p;

	snprintf(buf, sizeof(buf), "%s", dir);
	for (p = strchr(buf + 1, '/'); p != NULL; p = strchr(p + 1, '/')) {
		*p = '\0';
		if (mkdir(buf, mode) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(buf, mode) < 0 && errno != EEXIST)
		return -1;
	return 0;
}

/* The config path made absolute: the daemon chdirs to / and reloads it. */
static int
abs_path(const char *path, char *buf, size_t len)
{
	char cwd[PATH_MAX];

	if (path[0] == '/') {
		snprintf(buf, len, "%s", path);
		return 0;
	}
	if (getcwd(cwd, sizeof(cwd)) == NULL)
		return -1;
	if ((size_t)snprintf(buf, len, "%s/%s", cwd, path) >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

static char *
read_file(const char *path)
{
	FILE *f;
	char *buf = NULL;
	size_t len = 0, n;
	char chunk[4096];
	FILE *m;

	if ((f = fopen(path, "r")) == NULL)
		return NULL;
	if ((m = open_memstream(&buf, &len)) == NULL) {
		fclose(f);
		return NULL;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		fwrite(chunk, 1, n, m);
	fclose(f);
	fclose(m);
	return buf;
}

/*
 * Replace path with text unless it already holds exactly that: rewriting
 * an unchanged file would only move its mtime.  Written to a temporary
 * file and renamed, so a reader never sees half of it.  Returns 1 when
 * written, 0 when unchanged, -1 on error.
 */
static int
write_if_changed(const char *path, const char *text, mode_t mode)
{
	char tmp[PATH_MAX + 16], dir[PATH_MAX], *old;
	size_t len = strlen(text);
	int fd, save;

	if ((old = read_file(path)) != NULL) {
		int same = strcmp(old, text) == 0;

		free(old);
		if (same)
			return 0;
	}
	dir_of(path, dir, sizeof(dir));
	if (mkdir_p(dir, 0755) < 0)
		return -1;
	snprintf(tmp, sizeof(tmp), "%s.tmp%d", path, (int)getpid());
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    mode)) < 0)
		return -1;
	if (write(fd, text, len) != (ssize_t)len || fchmod(fd, mode) < 0 ||
	    fsync(fd) < 0 || close(fd) < 0 || rename(tmp, path) < 0) {
		save = errno;
		close(fd);
		unlink(tmp);
		errno = save;
		return -1;
	}
	return 1;
}

/* ---- the config file --------------------------------------------------- */

static int
load_file_conf(struct ctx *x, char *err, size_t errlen)
{
	struct stat st;

	conf_defaults(&x->file);
	x->file_exists = stat(x->conf_path, &st) == 0;
	if (x->file_exists &&
	    conf_load(&x->file, x->conf_path, err, errlen) < 0)
		return -1;
	return 0;
}

static int
build_want(struct ctx *x, char *err, size_t errlen)
{
	char cerr[512];
	unsigned i;

	x->want = x->file;
	for (i = 0; i < x->o->nset; i++) {
		if (conf_set(&x->want, x->o->set[i].key, x->o->set[i].value,
		    cerr, sizeof(cerr)) < 0) {
			seterr(err, errlen, "%s: %s", x->o->set[i].opt, cerr);
			return -1;
		}
	}
	return 0;
}

static int
key_differs(const struct conf *a, const struct conf *b, const char *key)
{
	char va[CONF_TEXT_MAX], vb[CONF_TEXT_MAX];

	if (conf_get(a, key, va, sizeof(va)) < 0 ||
	    conf_get(b, key, vb, sizeof(vb)) < 0)
		return 0;
	return strcmp(va, vb) != 0;
}

/* An INI value as iniparser reads it back: quoted when ; # or blanks. */
static void
ini_value(const char *v, char *buf, size_t len)
{
	size_t n = strlen(v);

	if (n == 0 || strpbrk(v, ";#") != NULL || isspace((unsigned char)v[0])
	    || isspace((unsigned char)v[n - 1]))
		snprintf(buf, len, "\"%s\"", v);
	else
		snprintf(buf, len, "%s", v);
}

/* "key" when line is "key = ..." (blanks allowed), else "". */
static void
line_key(const char *line, char *key, size_t len)
{
	size_t n = 0;

	line += strspn(line, " \t");
	while (line[n] && line[n] != '=' && line[n] != ' ' && line[n] != '\t')
		n++;
	key[0] = '\0';
	if (n == 0 || n >= len || line[0] == '#' || line[0] == ';' ||
	    line[0] == '[' || line[n + strspn(line + n, " \t")] != '=')
		return;
	memcpy(key, line, n);
	key[n] = '\0';
}

static int
is_changed(const char *key, const char *const *changed, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++)
		if (strcasecmp(key, changed[i]) == 0)
			return 1;
	return 0;
}

static void
put_key(FILE *m, const struct conf *c, const char *key)
{
	char v[CONF_TEXT_MAX], q[CONF_TEXT_MAX + 3];

	conf_get(c, key, v, sizeof(v));
	ini_value(v, q, sizeof(q));
	fprintf(m, "%s = %s\n", key, q);
}

/*
 * Edit the operator's file in place: a changed key's line is rewritten
 * where it stands, a missing one goes right after [netflow]; comments and
 * every other line stay as they were.
 */
static char *
edit_conf_text(const char *old, const struct conf *want,
    const char *const *changed, unsigned n)
{
	char *copy, *line, *rest, *buf = NULL, key[CLI_KEY_MAX];
	const char *const *k;
	int in_sec = 0, seen_sec = 0, done[CLI_SET_MAX + 64] = { 0 };
	size_t len = 0;
	unsigned i;
	FILE *m;

	if ((copy = strdup(old)) == NULL)
		return NULL;
	/* pass 1: which changed keys already have a line */
	for (rest = copy; (line = strsep(&rest, "\n")) != NULL; ) {
		const char *t = line + strspn(line, " \t");

		if (*t == '[')
			in_sec = strncasecmp(t, "[netflow]", 9) == 0;
		line_key(line, key, sizeof(key));
		for (i = 0; in_sec && key[0] && i < n; i++)
			if (strcasecmp(key, changed[i]) == 0)
				done[i] = 1;
	}
	strcpy(copy, old);
	if ((m = open_memstream(&buf, &len)) == NULL) {
		free(copy);
		return NULL;
	}
	in_sec = 0;
	for (rest = copy; (line = strsep(&rest, "\n")) != NULL; ) {
		const char *t = line + strspn(line, " \t");

		if (rest == NULL && *line == '\0')
			break;	/* the text's final newline */
		if (*t == '[') {
			in_sec = strncasecmp(t, "[netflow]", 9) == 0;
			fprintf(m, "%s\n", line);
			if (in_sec && !seen_sec)
				for (i = 0; i < n; i++)
					if (!done[i])
						put_key(m, want, changed[i]);
			seen_sec |= in_sec;
			continue;
		}
		line_key(line, key, sizeof(key));
		if (in_sec && key[0] && is_changed(key, changed, n)) {
			for (k = conf_keys(); *k; k++)
				if (strcasecmp(*k, key) == 0)
					put_key(m, want, *k);
			continue;
		}
		fprintf(m, "%s\n", line);
	}
	if (!seen_sec) {
		fprintf(m, "\n[netflow]\n");
		for (i = 0; i < n; i++)
			put_key(m, want, changed[i]);
	}
	fclose(m);
	free(copy);
	return buf;
}

static char *
fresh_conf_text(const struct conf *want)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m;

	if ((m = open_memstream(&buf, &len)) == NULL)
		return NULL;
	if (conf_write(want, m) < 0) {
		fclose(m);
		free(buf);
		return NULL;
	}
	fclose(m);
	return buf;
}

/* Read text back as the daemon will, and insist it means what we want. */
static int
verify_conf_text(const char *text, const struct conf *want, char *err,
    size_t errlen)
{
	char tmp[] = "/tmp/nft-netflow.conf.XXXXXX", cerr[512];
	const char *const *k;
	struct conf *c;
	int fd, r = -1;

	if ((c = malloc(sizeof(*c))) == NULL || (fd = mkstemp(tmp)) < 0) {
		free(c);
		seterr(err, errlen, "config check: %s", strerror(errno));
		return -1;
	}
	if (write(fd, text, strlen(text)) == (ssize_t)strlen(text)) {
		conf_defaults(c);
		if (conf_load(c, tmp, cerr, sizeof(cerr)) < 0)
			seterr(err, errlen, "config would not load back: %s",
			    cerr);
		else
			r = 0;
		for (k = conf_keys(); r == 0 && *k; k++)
			if (key_differs(c, want, *k)) {
				seterr(err, errlen, "config: %s does not "
				    "read back as written", *k);
				r = -1;
			}
	} else
		seterr(err, errlen, "config check: %s", strerror(errno));
	close(fd);
	unlink(tmp);
	free(c);
	return r;
}

/*
 * Persist want: a fresh file when there is none, else only the keys that
 * change, so an edited file keeps its comments and an unchanged one its
 * mtime.
 */
static int
write_conf(struct ctx *x, char *err, size_t errlen)
{
	const char *changed[CLI_SET_MAX + 64];
	const char *const *k;
	char *old = NULL, *text;
	unsigned n = 0;
	int r;

	for (k = conf_keys(); *k && n < CLI_SET_MAX + 64; k++)
		if (key_differs(&x->file, &x->want, *k))
			changed[n++] = *k;
	if (x->file_exists && n == 0) {
		say(x, "config %s: unchanged", x->conf_path);
		return 0;
	}
	if (x->file_exists && (old = read_file(x->conf_path)) == NULL) {
		seterr(err, errlen, "%s: %s", x->conf_path, strerror(errno));
		return -1;
	}
	text = old ? edit_conf_text(old, &x->want, changed, n) :
	    fresh_conf_text(&x->want);
	free(old);
	if (text == NULL) {
		seterr(err, errlen, "config: %s", strerror(errno));
		return -1;
	}
	if (verify_conf_text(text, &x->want, err, errlen) < 0) {
		free(text);
		return -1;
	}
	r = write_if_changed(x->conf_path, text, 0644);
	free(text);
	if (r < 0) {
		seterr(err, errlen, "%s: %s", x->conf_path, strerror(errno));
		return -1;
	}
	say(x, "config %s: %s (%u key%s changed)", x->conf_path,
	    x->file_exists ? "updated" : "written", n, n == 1 ? "" : "s");
	x->file_exists = 1;
	return 0;
}

static int
write_include(struct ctx *x, char *err, size_t errlen)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m;
	int r;

	if ((m = open_memstream(&buf, &len)) == NULL)
		goto fail;
	r = rules_write_nft(&x->want, x->conf_path, m);
	fclose(m);
	if (r < 0)
		goto fail;
	r = write_if_changed(x->include, buf, 0644);
	free(buf);
	if (r < 0)
		goto fail;
	say(x, "ruleset %s: %s", x->include, r ? "written" : "unchanged");
	return 0;
fail:
	seterr(err, errlen, "%s: %s", x->include, strerror(errno));
	return -1;
}

/* ---- the daemon -------------------------------------------------------- */

/* The daemon's pid if it answers on its control socket, else 0. */
static pid_t
daemon_ping(const struct conf *c)
{
	char *resp = NULL, *p;
	pid_t pid = 0;

	if (ctl_request(c->control, "ping", &resp) < 0)
		return 0;
	if (strncmp(resp, "OK", 2) == 0 && (p = strstr(resp, "pid=")) != NULL)
		pid = (pid_t)strtol(p + 4, NULL, 10);
	free(resp);
	return pid;
}

/* One control request; the body after "OK\n" in *body (malloc'd). */
static int
daemon_ask(const struct conf *c, const char *req, char **body, char *err,
    size_t errlen)
{
	char *resp = NULL, *nl;

	*body = NULL;
	if (ctl_request(c->control, req, &resp) < 0) {
		seterr(err, errlen, "control socket %s: %s", c->control,
		    strerror(errno));
		return -1;
	}
	if (strncmp(resp, "OK", 2) != 0) {
		nl = strchr(resp, '\n');
		if (nl)
			*nl = '\0';
		seterr(err, errlen, "nft-netflowd: %s",
		    strncmp(resp, "ERR ", 4) == 0 ? resp + 4 : resp);
		free(resp);
		return -1;
	}
	nl = strchr(resp, '\n');
	*body = strdup(nl ? nl + 1 : "");
	free(resp);
	return *body ? 0 : -1;
}

/* systemd runs our unit only for the default config in its own netns. */
static int
use_systemd(const struct ctx *x)
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
run(const struct ctx *x, char *const argv[])
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

static int
systemctl(const struct ctx *x, const char *verb)
{
	char *argv[] = { "systemctl", (char *)verb, SERVICE, NULL };

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
	char self[PATH_MAX], dir[PATH_MAX], *path, *p, *save = NULL;
	const char *e = getenv("NFT_NETFLOWD");
	ssize_t n;
	size_t i;

	if (e && *e) {
		snprintf(buf, len, "%s", e);
		return executable(buf) ? 0 : -1;
	}
	if ((n = readlink("/proc/self/exe", self, sizeof(self) - 1)) > 0) {
		self[n] = '\0';
		dir_of(self, dir, sizeof(dir));
		if (path_join(buf, len, dir, DAEMON_NAME) == 0 &&
		    executable(buf))
			return 0;
	}
	if ((e = getenv("PATH")) != NULL && (path = strdup(e)) != NULL) {
		for (p = strtok_r(path, ":", &save); p;
		    p = strtok_r(NULL, ":", &save)) {
			snprintf(buf, len, "%s/%s", p, DAEMON_NAME);
			if (executable(buf)) {
				free(path);
				return 0;
			}
		}
		free(path);
	}
	for (i = 0; i < sizeof(sbin) / sizeof(sbin[0]); i++) {
		snprintf(buf, len, "%s/%s", sbin[i], DAEMON_NAME);
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
		if ((pid = daemon_ping(c)) > 0)
			return pid;
		sleep_ms(50);
	}
	return 0;
}

static int
daemon_start(struct ctx *x, char *err, size_t errlen)
{
	char bin[PATH_MAX], dir[PATH_MAX], pidfile[PATH_MAX + 32];
	char *argv[] = { DAEMON_NAME, "-c", x->conf_path, "-p", pidfile,
	    NULL };
	pid_t pid;
	int st;

	if (use_systemd(x)) {
		if (systemctl(x, "start") != 0) {
			seterr(err, errlen, "systemctl start %s failed "
			    "(see journalctl -u %s)", SERVICE, SERVICE);
			return -1;
		}
	} else {
		if (find_daemon(bin, sizeof(bin)) < 0) {
			seterr(err, errlen, "%s not found (beside nft-netflow,"
			    " in PATH or sbin; or set NFT_NETFLOWD)",
			    DAEMON_NAME);
			return -1;
		}
		/* beside the control socket the daemon will listen on */
		dir_of(x->want.control, dir, sizeof(dir));
		snprintf(pidfile, sizeof(pidfile), "%s/%s", dir, PIDFILE_NAME);
		mkdir_p(dir, 0755);
		if ((pid = fork()) < 0) {
			seterr(err, errlen, "fork: %s", strerror(errno));
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
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			seterr(err, errlen, "%s -c %s did not start", bin,
			    x->conf_path);
			return -1;
		}
	}
	if ((pid = wait_ping(&x->want, START_TIMEOUT_MS)) == 0) {
		seterr(err, errlen, "%s started but does not answer on %s "
		    "(see its log)", DAEMON_NAME, x->want.control);
		return -1;
	}
	say(x, "%s: started (pid %d)", DAEMON_NAME, (int)pid);
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
	return strcmp(comm, DAEMON_NAME) == 0;
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
 * SIGTERM makes the daemon export every flow before it exits; wait for
 * that, however long it takes within STOP_TIMEOUT_MS, and never kill it
 * harder, which would lose the flows.
 */
static int
daemon_stop(struct ctx *x, const struct conf *c, char *err, size_t errlen)
{
	pid_t pid;
	long ms;

	if (use_systemd(x) && systemctl(x, "is-active") == 0) {
		if (systemctl(x, "stop") != 0) {
			seterr(err, errlen, "systemctl stop %s failed",
			    SERVICE);
			return -1;
		}
		say(x, "%s: stopped by systemd", DAEMON_NAME);
		return 0;
	}
	if ((pid = daemon_ping(c)) <= 0 && (pid = pidfile_pid(x->pidfile)) <= 0) {
		say(x, "%s: not running", DAEMON_NAME);
		return 0;
	}
	if (kill(pid, SIGTERM) < 0 && errno != ESRCH) {
		seterr(err, errlen, "kill %d: %s", (int)pid, strerror(errno));
		return -1;
	}
	for (ms = 0; ms < STOP_TIMEOUT_MS && !is_gone(pid); ms += 20)
		sleep_ms(20);
	if (!is_gone(pid)) {
		seterr(err, errlen, "%s (pid %d) still exporting after %d s;"
		    " left running", DAEMON_NAME, (int)pid,
		    STOP_TIMEOUT_MS / 1000);
		return -1;
	}
	say(x, "%s: stopped (pid %d), every flow exported", DAEMON_NAME,
	    (int)pid);
	return 0;
}

/* restart-only keys: the daemon refuses to change them live */
static int
needs_restart(const struct conf *running, const struct conf *want)
{
	static const char *const keys[] = { "capture", "protocol",
	    "export_mark", "control" };
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (key_differs(running, want, keys[i]))
			return 1;
	return 0;
}

/*
 * The running daemon's parameters, read back into a struct conf through
 * conf_set(), so they compare with want key by key.
 */
static int
daemon_conf(const struct conf *c, struct conf *out, char *err, size_t errlen)
{
	char *body, *line, *rest, *eq, cerr[512];

	if (daemon_ask(c, "config", &body, err, errlen) < 0)
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
static int
daemon_push(struct ctx *x, const struct conf *running, char *err,
    size_t errlen)
{
	const char *done[CLI_SET_MAX + 64];
	const char *const *k;
	char req[CTL_REQ_MAX], v[CONF_TEXT_MAX], *body, e2[256];
	unsigned n = 0;

	for (k = conf_keys(); *k; k++) {
		if (!key_differs(running, &x->want, *k))
			continue;
		conf_get(&x->want, *k, v, sizeof(v));
		snprintf(req, sizeof(req), "set %s %s", *k, v);
		if (daemon_ask(&x->want, req, &body, err, errlen) < 0)
			goto undo;
		free(body);
		say(x, "%s: %s = %s (live)", DAEMON_NAME, *k, v);
		if (n < sizeof(done) / sizeof(done[0]))
			done[n++] = *k;
	}
	return 0;
undo:
	while (n-- > 0) {
		conf_get(running, done[n], v, sizeof(v));
		snprintf(req, sizeof(req), "set %s %s", done[n], v);
		if (daemon_ask(&x->want, req, &body, e2, sizeof(e2)) == 0)
			free(body);
	}
	return -1;
}

/* ---- modes ------------------------------------------------------------- */

static int
mode_install(struct ctx *x, char *err, size_t errlen)
{
	if (write_conf(x, err, errlen) < 0 || write_include(x, err, errlen) < 0)
		return -1;
	if (use_systemd(x) && systemctl(x, "daemon-reload") != 0)
		say(x, "systemctl daemon-reload failed");
	return 0;
}

static int
rules_loaded(const struct conf *c, struct rules_state *st, char *err,
    size_t errlen)
{
	if (rules_state(st, err, errlen) < 0)
		return -1;
	return st->table && (c->capture == CAPTURE_CONNTRACK ?
	    st->ct_rules > 0 : st->log_rules > 0);
}

static int
mode_enable(struct ctx *x, char *err, size_t errlen)
{
	struct conf *running;
	struct rules_state st;
	pid_t pid;
	int had_table, r = -1;

	if ((running = malloc(sizeof(*running))) == NULL) {
		seterr(err, errlen, "out of memory");
		return -1;
	}
	/* the daemon that runs now listens where the file says */
	if ((pid = daemon_ping(&x->file)) > 0) {
		if (daemon_conf(&x->file, running, err, errlen) < 0)
			goto out;
		if (needs_restart(running, &x->want)) {
			say(x, "%s: capture, protocol, export_mark or control "
			    "changes: restarting (every flow is exported first)",
			    DAEMON_NAME);
			if (daemon_stop(x, &x->file, err, errlen) < 0)
				goto out;
			pid = 0;
		} else if (daemon_push(x, running, err, errlen) < 0)
			goto out;	/* nothing persisted: files untouched */
	}
	if (mode_install(x, err, errlen) < 0)
		goto out;
	if (rules_state(&st, err, errlen) < 0)
		goto out;
	had_table = st.table;
	if (rules_load(&x->want, err, errlen) < 0)
		goto out;
	say(x, "table %s %s: loaded", RULES_FAMILY, RULES_TABLE);
	if (pid > 0) {
		say(x, "%s: running (pid %d)", DAEMON_NAME, (int)pid);
		r = 0;
	} else if ((r = daemon_start(x, err, errlen)) < 0 && !had_table) {
		/* rules with no reader only cost: back to where we were */
		char e2[256];

		rules_delete(e2, sizeof(e2));
	}
out:
	free(running);
	return r;
}

static int
mode_disable(struct ctx *x, char *err, size_t errlen)
{
	if (rules_delete(err, errlen) < 0)
		return -1;
	say(x, "table %s %s: deleted (or was not loaded)", RULES_FAMILY,
	    RULES_TABLE);
	/* rules first: no packet is logged that the daemon would not export */
	if (daemon_stop(x, &x->file, err, errlen) < 0)
		return -1;
	unlink(x->pidfile);
	return 0;
}

static void
remove_file(const struct ctx *x, const char *path)
{
	if (unlink(path) == 0)
		say(x, "removed %s", path);
}

static int
mode_remove(struct ctx *x, char *err, size_t errlen)
{
	char dir[PATH_MAX];

	if (mode_disable(x, err, errlen) < 0)
		return -1;
	if (use_systemd(x))
		systemctl(x, "disable");
	remove_file(x, x->include);
	remove_file(x, x->conf_path);
	/* the directories go too, but only when nothing else lives there */
	dir_of(x->conf_path, dir, sizeof(dir));
	if (rmdir(dir) == 0)
		say(x, "removed %s/", dir);
	dir_of(x->pidfile, dir, sizeof(dir));
	rmdir(dir);
	return 0;
}

static int
mode_status(struct ctx *x, char *err, size_t errlen)
{
	struct rules_state st;
	pid_t pid = daemon_ping(&x->file);
	int loaded = rules_loaded(&x->file, &st, err, errlen);

	if (loaded < 0)
		return -1;
	if (pid > 0)
		say(x, "%s is running (pid %d)", DAEMON_NAME, (int)pid);
	else
		say(x, "%s is not running", DAEMON_NAME);
	if (loaded)
		say(x, "table %s %s is loaded (%u chains, %u rules)",
		    RULES_FAMILY, RULES_TABLE, st.chains, st.rules);
	else
		say(x, "table %s %s is %s", RULES_FAMILY, RULES_TABLE,
		    st.table ? "loaded but has no capture rule for this "
		    "config" : "not loaded");
	say(x, "netflow is %s", pid > 0 && loaded ? "enabled" : "not enabled");
	return pid > 0 && loaded ? 0 : 1;
}

static int
mode_flows(struct ctx *x, char *err, size_t errlen)
{
	char *body;

	if (daemon_ping(&x->file) <= 0) {
		seterr(err, errlen, "%s is not running (no answer on %s)",
		    DAEMON_NAME, x->file.control);
		return -1;
	}
	if (daemon_ask(&x->file, x->o->json ? "flows json" : "flows", &body,
	    err, errlen) < 0)
		return -1;
	fputs(body, stdout);
	free(body);
	return 0;
}

/* -- show -- */

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
show_files(struct ctx *x, int json)
{
	const char *files[] = { x->conf_path, x->include, x->file.control,
	    x->pidfile, NULL, NULL };
	static const char *const units[] = {
	    "/etc/systemd/system/" SERVICE, "/lib/systemd/system/" SERVICE,
	    "/usr/lib/systemd/system/" SERVICE,
	    "/usr/local/lib/systemd/system/" SERVICE };
	size_t i;
	int first = 1;

	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (access(units[i], F_OK) == 0) {
			files[4] = units[i];
			break;
		}
	if (!json)
		printf("The following lists the files nft-netflow manages:\n\n");
	else
		printf("  \"files\": [");
	for (i = 0; files[i]; i++)
		show_file(files[i], json, &first);
	if (json)
		printf("\n  ],\n");
}

static void
show_params(struct ctx *x, const struct conf *c, pid_t pid, int json)
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
		    "and reload the daemon (SIGHUP).\n\n", DAEMON_NAME,
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

static int
mode_show(struct ctx *x, char *err, size_t errlen)
{
	struct conf *c;
	struct rules_state st;
	char *stats = NULL, rerr[256] = "";
	pid_t pid = daemon_ping(&x->file);
	int json = x->o->json, loaded;

	if ((c = malloc(sizeof(*c))) == NULL) {
		seterr(err, errlen, "out of memory");
		return -1;
	}
	*c = x->file;
	if (pid > 0 && daemon_conf(&x->file, c, rerr, sizeof(rerr)) < 0)
		*c = x->file;
	if (pid > 0 && daemon_ask(&x->file, json ? "stats json" : "stats",
	    &stats, rerr, sizeof(rerr)) < 0)
		stats = NULL;
	loaded = rules_loaded(c, &st, rerr, sizeof(rerr));
	if (json)
		printf("{\n");
	show_files(x, json);
	show_params(x, c, pid, json);
	if (json) {
		printf("  \"rules\": {\"table\": \"%s %s\", \"loaded\": %s, "
		    "\"chains\": %u, \"rules\": %u},\n", RULES_FAMILY,
		    RULES_TABLE, loaded > 0 ? "true" : "false", st.chains,
		    st.rules);
		printf("  \"daemon\": {\"running\": %s, \"pid\": %d},\n",
		    pid > 0 ? "true" : "false", (int)pid);
		printf("  \"stats\": %s\n}\n", stats && *stats ? stats : "null");
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
			    "\n\n%s\n", DAEMON_NAME, stats);
		else
			printf("\n%s is not running (no answer on %s).\n",
			    DAEMON_NAME, x->file.control);
	}
	free(stats);
	free(c);
	return 0;
}

/* -- help -- */

/* The man page of a build tree beside our binary, if there is one. */
static int
build_tree_page(char *buf, size_t len)
{
	char self[PATH_MAX], dir[PATH_MAX];
	ssize_t n;

	if ((n = readlink("/proc/self/exe", self, sizeof(self) - 1)) <= 0)
		return -1;
	self[n] = '\0';
	dir_of(self, dir, sizeof(dir));
	if (path_join(buf, len, dir, "../man/nft-netflow.8") < 0)
		return -1;
	return access(buf, R_OK);
}

static int
help_long(void)
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

/* ---- entry points ------------------------------------------------------ */

static int
ctx_init(struct ctx *x, const struct cli *o, char *err, size_t errlen)
{
	char dir[PATH_MAX];

	x->o = o;
	if (abs_path(o->config, x->conf_path, sizeof(x->conf_path)) < 0) {
		seterr(err, errlen, "%s: %s", o->config, strerror(errno));
		return -1;
	}
	dir_of(x->conf_path, dir, sizeof(dir));
	if (path_join(x->include, sizeof(x->include), dir, INCLUDE_NAME) < 0) {
		seterr(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	if (load_file_conf(x, err, errlen) < 0) {
		/* disable and remove must work even with a broken file */
		if (o->mode != CLI_DISABLE && o->mode != CLI_REMOVE)
			return -1;
		log_warnx("%s; using the default control socket", err);
		conf_defaults(&x->file);
	}
	dir_of(x->file.control, dir, sizeof(dir));
	if (path_join(x->pidfile, sizeof(x->pidfile), dir, PIDFILE_NAME) < 0) {
		seterr(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	return build_want(x, err, errlen);
}

int
cli_run(const struct cli *o)
{
	struct ctx *x;
	char err[1024] = "";
	int r = -1;

	if (o->help) {
		cli_usage(stdout);
		return CLI_EXIT_OK;
	}
	if (o->version) {
		printf("nft-netflow %s\n", NFN_VERSION);
		return CLI_EXIT_OK;
	}
	if (o->help_long)
		return help_long();
	if ((x = calloc(1, sizeof(*x))) == NULL) {
		log_warn("calloc");
		return CLI_EXIT_FAIL;
	}
	if (ctx_init(x, o, err, sizeof(err)) < 0) {
		log_warnx("%s", err);
		free(x);
		return CLI_EXIT_FAIL;
	}
	/* once enable pushed keys or changed the table, state follows want */
	switch (o->mode) {
	case CLI_SHOW:
		r = mode_show(x, err, sizeof(err));
		break;
	case CLI_STATUS:
		r = mode_status(x, err, sizeof(err));
		if (r == 1) {
			free(x);
			return CLI_EXIT_FAIL;
		}
		break;
	case CLI_INSTALL:
		r = mode_install(x, err, sizeof(err));
		break;
	case CLI_ENABLE:
		r = mode_enable(x, err, sizeof(err));
		break;
	case CLI_DISABLE:
		r = mode_disable(x, err, sizeof(err));
		break;
	case CLI_REMOVE:
		r = mode_remove(x, err, sizeof(err));
		break;
	case CLI_FLOWS:
		r = mode_flows(x, err, sizeof(err));
		break;
	}
	if (r < 0)
		log_warnx("%s", err);
	free(x);
	return r < 0 ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}

int
cli_main(int argc, char **argv)
{
	struct cli *o;
	char err[1024];
	int r;

	log_init("nft-netflow", 1, 0);
	if ((o = calloc(1, sizeof(*o))) == NULL) {
		log_warn("calloc");
		return CLI_EXIT_FAIL;
	}
	if (cli_parse(o, argc, argv, err, sizeof(err)) < 0) {
		log_warnx("%s", err);
		free(o);
		return CLI_EXIT_USAGE;
	}
	r = cli_run(o);
	free(o);
	return r;
}
