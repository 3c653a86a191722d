/*
 * ctl: the control socket and the framing of its responses, both ends.
 * See ctl.h for the protocol.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "util/err.h"
#include "daemon/ctl.h"
#include "util/log.h"

static int
ctl_addr(const char *path, struct sockaddr_un *sun)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun->sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(sun->sun_path, path);
	return 0;
}

/*
 * Remove a stale socket left by a daemon that died, and nothing else: a
 * file, a directory or a symlink at path is an error (EEXIST), never
 * deleted.
 */
static int
ctl_unlink_stale(const char *path)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISSOCK(st.st_mode)) {
		errno = EEXIST;
		return -1;
	}
	return unlink(path);
}

int
ctl_listen(const char *path, gid_t group)
{
	struct sockaddr_un sun;
	mode_t old;
	int fd, probe, r;

	if (ctl_addr(path, &sun) < 0)
		return -1;
	/* A daemon that answers owns the socket: do not steal it. */
	if ((probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	if (connect(probe, (struct sockaddr *)&sun, sizeof(sun)) == 0) {
		close(probe);
		errno = EADDRINUSE;
		return -1;
	}
	close(probe);
	if (ctl_unlink_stale(path) < 0)
		return -1;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -1;
	/*
	 * The socket is born with its mode (umask at bind), 0600 or 0660, so
	 * there is no moment when others could connect and no chmod() by
	 * path afterwards, which a symlink swapped in could redirect.  The
	 * group is given with lchown(), which never follows a symlink.
	 */
	old = umask(group == (gid_t)-1 ? 0177 : 0117);
	r = bind(fd, (struct sockaddr *)&sun, sizeof(sun));
	umask(old);
	if (r < 0 || (group != (gid_t)-1 && lchown(path, (uid_t)-1, group) < 0) ||
	    listen(fd, 16) < 0) {
		close_keep_errno(fd);
		return -1;
	}
	return fd;
}

static int
ctl_read_all(int fd, char **resp)
{
	size_t cap = 4096, have = 0;
	char *buf = malloc(cap), *nbuf;
	ssize_t r;

	if (buf == NULL)
		return -1;
	for (;;) {
		if (have + 1 >= cap) {
			if ((nbuf = realloc(buf, cap * 2)) == NULL)
				goto fail;
			buf = nbuf;
			cap *= 2;
		}
		r = read(fd, buf + have, cap - 1 - have);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			goto fail;
		if (r == 0)
			break;
		have += (size_t)r;
	}
	buf[have] = '\0';
	*resp = buf;
	return 0;
fail:
	free(buf);
	return -1;
}

void
ctl_reply_ok(FILE *out)
{
	fputs("OK\n", out);
}

void
ctl_reply_err(FILE *out, const char *fmt, ...)
{
	va_list ap;
	char *reason, *p;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&reason, fmt, ap);
	va_end(ap);
	if (n < 0) {
		fputs("ERR out of memory\n", out);
		return;
	}
	/* the client reads one line: a stray newline would end the reason */
	for (p = reason; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	fprintf(out, "ERR %s\n", *reason ? reason : "unspecified error");
	free(reason);
}

void
ctl_reply_ping(FILE *out, pid_t pid, const char *version, const char *capture)
{
	fprintf(out, "OK pid=%d version=%s capture=%s\n", (int)pid, version,
	    capture);
}

int
ctl_reply_parse(char *text, struct ctl_reply *r)
{
	char *nl;

	memset(r, 0, sizeof(*r));
	r->text = text;
	/* no newline: the daemon was cut off before it finished the line */
	if ((nl = strchr(text, '\n')) == NULL)
		goto malformed;
	*nl = '\0';
	r->body = nl + 1;
	if (strncmp(text, "OK", 2) == 0 &&
	    (text[2] == '\0' || text[2] == ' ')) {
		r->ok = 1;
		r->line = text[2] ? text + 3 : text + 2;
		return 0;
	}
	if (strncmp(text, "ERR ", 4) == 0 && text[4] != '\0') {
		r->line = text + 4;
		return 0;
	}
malformed:
	r->line = r->body = "";
	errno = EPROTO;
	return -1;
}

void
ctl_reply_free(struct ctl_reply *r)
{
	int e = errno;

	if (r == NULL)
		return;
	free(r->text);
	memset(r, 0, sizeof(*r));
	errno = e;
}

/* A ping field's value into dst; -1 when it is empty or does not fit. */
static int
ping_text(const char *val, char *dst, size_t len)
{
	if (*val == '\0' || strlen(val) >= len)
		return -1;
	strcpy(dst, val);
	return 0;
}

int
ctl_ping_parse(const struct ctl_reply *r, struct ctl_ping *p)
{
	char *line, *tok, *save = NULL, *end;
	long pid;
	int bad = 0;

	memset(p, 0, sizeof(*p));
	if (!r->ok || (line = strdup(r->line)) == NULL) {
		errno = r->ok ? ENOMEM : EPROTO;
		return -1;
	}
	for (tok = strtok_r(line, " ", &save); tok && !bad;
	    tok = strtok_r(NULL, " ", &save)) {
		if (strncmp(tok, "pid=", 4) == 0) {
			errno = 0;
			pid = strtol(tok + 4, &end, 10);
			bad = errno || end == tok + 4 || *end || pid <= 0 ||
			    pid > INT_MAX;
			p->pid = bad ? 0 : (pid_t)pid;
		} else if (strncmp(tok, "version=", 8) == 0)
			bad = ping_text(tok + 8, p->version,
			    sizeof(p->version));
		else if (strncmp(tok, "capture=", 8) == 0)
			bad = ping_text(tok + 8, p->capture,
			    sizeof(p->capture));
	}
	free(line);
	if (bad || p->pid <= 0 || !p->version[0] || !p->capture[0]) {
		memset(p, 0, sizeof(*p));
		errno = EPROTO;
		return -1;
	}
	return 0;
}

int
ctl_request(const char *path, const char *req, struct ctl_reply *r)
{
	struct sockaddr_un sun;
	struct timeval tv = { 10, 0 };
	char *resp;
	int fd;

	memset(r, 0, sizeof(*r));
	if (ctl_addr(path, &sun) < 0)
		return -1;
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	/* flush of millions of flows takes time; still never hang forever */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 ||
	    write(fd, req, strlen(req)) < 0 || write(fd, "\n", 1) < 0 ||
	    shutdown(fd, SHUT_WR) < 0 || ctl_read_all(fd, &resp) < 0) {
		close_keep_errno(fd);
		return -1;
	}
	close(fd);
	if (ctl_reply_parse(resp, r) < 0) {
		ctl_reply_free(r);
		return -1;
	}
	return 0;
}

void
ctl_metrics_up(FILE *f, int up)
{
	fprintf(f, "# HELP nft_netflow_up 1 if nft-netflowd answered on its "
	    "control socket\n# TYPE nft_netflow_up gauge\nnft_netflow_up %d\n",
	    up ? 1 : 0);
}
