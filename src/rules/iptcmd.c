/*
 * iptcmd: pick the iptables backend and run its save and restore
 * commands.  See iptcmd.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rules/iptcmd.h"

#define IPTCMD_OUT_MAX	(16u << 20)	/* a saved ruleset larger is absurd */

/*
 * Run argv[0] (found in PATH, else in /usr/sbin or /sbin, where Debian
 * puts it even when root's PATH lacks them) with in on stdin; stdout and
 * stderr together into *out (malloc'd).  Its exit status, or -1 (errno).
 */
static int
iptcmd_run(char *const argv[], const char *in, char **out)
{
	FILE *fin = NULL, *fout = NULL;
	char path[256];
	size_t n = 0, cap = 0;
	char *buf = NULL, *nb;
	pid_t pid;
	int st, c, r = -1;

	*out = NULL;
	if ((fin = tmpfile()) == NULL || (fout = tmpfile()) == NULL)
		goto out;
	if (in && (fputs(in, fin) == EOF || fflush(fin) == EOF))
		goto out;
	rewind(fin);
	if ((pid = fork()) < 0)
		goto out;
	if (pid == 0) {
		dup2(fileno(fin), 0);
		dup2(fileno(fout), 1);
		dup2(fileno(fout), 2);
		execvp(argv[0], argv);
		snprintf(path, sizeof(path), "/usr/sbin/%s", argv[0]);
		execv(path, argv);
		snprintf(path, sizeof(path), "/sbin/%s", argv[0]);
		execv(path, argv);
		fprintf(stderr, "%s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			goto out;
	rewind(fout);
	while ((c = getc(fout)) != EOF && n < IPTCMD_OUT_MAX) {
		if (n + 1 >= cap) {
			cap = cap ? 2 * cap : 4096;
			if ((nb = realloc(buf, cap)) == NULL)
				goto out;
			buf = nb;
		}
		buf[n++] = (char)c;
	}
	if (buf == NULL && (buf = malloc(1)) == NULL)
		goto out;
	buf[n] = '\0';
	*out = buf;
	buf = NULL;
	r = WIFEXITED(st) ? WEXITSTATUS(st) : 128;
out:
	free(buf);
	if (fin)
		fclose(fin);
	if (fout)
		fclose(fout);
	return r;
}

const char *
iptcmd_backend_name(enum iptcmd_backend b)
{
	return b == IPTCMD_LEGACY ? "legacy" : "nft";
}

const char *
iptcmd_family_name(enum iptcmd_family fam)
{
	return fam == IPTCMD_V6 ? "ip6tables" : "iptables";
}

static void
iptcmd_cmd(enum iptcmd_family fam, enum iptcmd_backend b, const char *what,
    char *buf, size_t len)
{
	snprintf(buf, len, "%s-%s-%s", iptcmd_family_name(fam),
	    iptcmd_backend_name(b), what);
}

/* Legacy x_tables tables of fam exist in this network namespace. */
static int
iptcmd_legacy_used(enum iptcmd_family fam)
{
	FILE *f = fopen(fam == IPTCMD_V6 ? "/proc/net/ip6_tables_names" :
	    "/proc/net/ip_tables_names", "r");
	int c = EOF;

	if (f) {
		c = getc(f);
		fclose(f);
	}
	return c != EOF;
}

/* iptables-nft (ip6tables-nft) knows a table here ("*filter" or another). */
static int
iptcmd_nft_used(enum iptcmd_family fam)
{
	char cmd[64];
	char *argv[] = { cmd, NULL }, *out;
	int used;

	iptcmd_cmd(fam, IPTCMD_NFT, "save", cmd, sizeof(cmd));
	if (iptcmd_run(argv, NULL, &out) != 0) {
		free(out);
		return 0;
	}
	used = out[0] == '*' || strstr(out, "\n*") != NULL;
	free(out);
	return used;
}

int
iptcmd_backend_used(enum iptcmd_family fam, enum iptcmd_backend b)
{
	return b == IPTCMD_LEGACY ? iptcmd_legacy_used(fam) :
	    iptcmd_nft_used(fam);
}

enum iptcmd_backend
iptcmd_backend(enum iptcmd_family fam, int *both)
{
	char cmd[32];
	char *argv[] = { cmd, "-V", NULL }, *out = NULL;
	int legacy = iptcmd_legacy_used(fam), nft = iptcmd_nft_used(fam);
	enum iptcmd_backend b;

	*both = legacy && nft;
	if (legacy != nft)
		return legacy ? IPTCMD_LEGACY : IPTCMD_NFT;
	/* "iptables v1.8.9 (legacy)" or "... (nf_tables)" */
	snprintf(cmd, sizeof(cmd), "%s", iptcmd_family_name(fam));
	b = iptcmd_run(argv, NULL, &out) == 0 && strstr(out, "(legacy)") ?
	    IPTCMD_LEGACY : IPTCMD_NFT;
	free(out);
	return b;
}

/* The first line of a command's output, for a one-line message. */
static void
iptcmd_err(char *err, size_t errlen, const char *cmd, int r, const char *out)
{
	size_t len = out ? strcspn(out, "\n") : 0;

	if (r < 0)
		snprintf(err, errlen, "%s: %s", cmd, strerror(errno));
	else if (r == 127 && len == 0)
		snprintf(err, errlen, "%s: not found (Debian package "
		    "iptables)", cmd);
	else
		snprintf(err, errlen, "%s failed (exit %d)%s%.*s", cmd, r,
		    len ? ": " : "", (int)len, out ? out : "");
}

int
iptcmd_save(enum iptcmd_family fam, enum iptcmd_backend b, char **out,
    int *missing, char *err, size_t errlen)
{
	char cmd[64];
	char *argv[] = { cmd, NULL };
	int r;

	iptcmd_cmd(fam, b, "save", cmd, sizeof(cmd));
	r = iptcmd_run(argv, NULL, out);
	if (missing)
		*missing = r == 127;
	if (r != 0) {
		iptcmd_err(err, errlen, cmd, r, *out);
		free(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

int
iptcmd_restore(enum iptcmd_family fam, enum iptcmd_backend b,
    const char *text, char *err, size_t errlen)
{
	char cmd[64];
	char *argv[] = { cmd, "--noflush", NULL }, *out;
	int r;

	iptcmd_cmd(fam, b, "restore", cmd, sizeof(cmd));
	r = iptcmd_run(argv, text, &out);
	if (r != 0)
		iptcmd_err(err, errlen, cmd, r, out);
	free(out);
	return r == 0 ? 0 : -1;
}
