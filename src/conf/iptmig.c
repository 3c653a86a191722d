/*
 * iptmig: ipt_NETFLOW's module options and sysctls into our keys.  See
 * iptmig.h.
 */
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/iptmig.h"

/*
 * ipt_NETFLOW option -> our key.  The eight of the ipt_netflow manual keep
 * their names; the 2.x options below are those we have a key for.
 */
static const struct {
	const char *opt, *key;
} iptmig_map[] = {
	{ "destination", "destination" },
	{ "active_timeout", "active_timeout" },
	{ "inactive_timeout", "inactive_timeout" },
	{ "debug", "debug" },
	{ "hashsize", "hashsize" },
	{ "sndbuf", "sndbuf" },
	{ "maxflows", "maxflows" },
	{ "aggregation", "aggregation" },
	{ "protocol", "protocol" },
	{ "refresh_rate", "refresh_rate" },
	{ "timeout_rate", "timeout_rate" },
	{ "engine_id", "engine_id" },
	{ "natevents", "natevents" },
	{ "sampler", "sampler" },
};

const char *
iptmig_key(const char *option)
{
	size_t i;

	for (i = 0; i < sizeof(iptmig_map) / sizeof(iptmig_map[0]); i++)
		if (strcmp(option, iptmig_map[i].opt) == 0)
			return iptmig_map[i].key;
	return NULL;
}

static void
iptmig_note(char *unknown, size_t ulen, const char *name)
{
	size_t n = strlen(unknown);

	if (n < ulen)
		snprintf(unknown + n, ulen - n, "%s%s", n ? ", " : "", name);
}

/* One "name=value" (value unquoted) into nc, or its name into unknown. */
static int
iptmig_one(struct conf *nc, const char *name, const char *value,
    char *unknown, size_t ulen, char *err, size_t errlen)
{
	const char *key = iptmig_key(name);

	if (key == NULL) {
		iptmig_note(unknown, ulen, name);
		return 0;
	}
	return conf_set(nc, key, value, err, errlen);
}

/* The next word of *p, with modprobe's double quotes taken off. */
static char *
iptmig_word(char **p)
{
	char *s = *p, *w, *o;
	int q = 0;

	s += strspn(s, " \t");
	if (*s == '\0')
		return NULL;
	for (w = o = s; *s && (q || !isspace((unsigned char)*s)); s++) {
		if (*s == '"')
			q = !q;
		else
			*o++ = *s;
	}
	if (*s)
		s++;
	*o = '\0';
	*p = s;
	return w;
}

/* modprobe takes '-' and '_' alike in module names. */
static int
iptmig_is_module(const char *w)
{
	const char *m = "ipt_NETFLOW";

	for (; *w && *m; w++, m++)
		if (*w != *m && !(*w == '-' && *m == '_'))
			return 0;
	return *w == '\0' && *m == '\0';
}

int
iptmig_modprobe(struct conf *c, const char *text, const char *name,
    char *unknown, size_t ulen, char *err, size_t errlen)
{
	struct conf *nc;
	char *buf, *line, *next, *p, *w, *eq, msg[512];
	unsigned lineno = 0, first;
	int r = -1;

	if ((nc = malloc(sizeof(*nc))) == NULL || (buf = strdup(text)) ==
	    NULL) {
		free(nc);
		snprintf(err, errlen, "%s: out of memory", name);
		return -1;
	}
	*nc = *c;
	for (line = buf; line && *line; line = next) {
		first = ++lineno;
		/* a backslash at the end of a line continues it */
		for (next = line; (next = strchr(next, '\n')) != NULL;) {
			if (next > line && next[-1] == '\\') {
				next[-1] = ' ';
				*next = ' ';
				lineno++;
				continue;
			}
			*next++ = '\0';
			break;
		}
		if ((p = strchr(line, '#')) != NULL)
			*p = '\0';
		p = line;
		if ((w = iptmig_word(&p)) == NULL || strcmp(w, "options") ||
		    (w = iptmig_word(&p)) == NULL || !iptmig_is_module(w))
			continue;
		while ((w = iptmig_word(&p)) != NULL) {
			if ((eq = strchr(w, '=')) == NULL) {
				snprintf(err, errlen, "%s:%u: \"%s\" is not "
				    "name=value", name, first, w);
				goto out;
			}
			*eq = '\0';
			if (iptmig_one(nc, w, eq + 1, unknown, ulen, msg,
			    sizeof(msg)) < 0) {
				snprintf(err, errlen, "%s:%u: %s", name, first,
				    msg);
				goto out;
			}
		}
	}
	*c = *nc;
	r = 0;
out:
	free(buf);
	free(nc);
	return r;
}

int
iptmig_sysctl(struct conf *c, const char *dir, char *unknown, size_t ulen,
    char *err, size_t errlen)
{
	char path[1024], value[CONF_TEXT_MAX], msg[512];
	struct conf *nc;
	struct dirent *e;
	DIR *d;
	FILE *f;
	size_t n;
	int r = -1;

	if ((d = opendir(dir)) == NULL)
		return 0;	/* the module is not loaded: nothing live */
	if ((nc = malloc(sizeof(*nc))) == NULL) {
		closedir(d);
		snprintf(err, errlen, "%s: out of memory", dir);
		return -1;
	}
	*nc = *c;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (iptmig_key(e->d_name) == NULL) {
			iptmig_note(unknown, ulen, e->d_name);
			continue;
		}
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if ((f = fopen(path, "r")) == NULL)
			continue;	/* write-only: nothing to migrate */
		n = fread(value, 1, sizeof(value) - 1, f);
		fclose(f);
		value[n] = '\0';
		value[strcspn(value, "\n")] = '\0';
		if (iptmig_one(nc, e->d_name, value, unknown, ulen, msg,
		    sizeof(msg)) < 0) {
			snprintf(err, errlen, "%s: %s", path, msg);
			goto out;
		}
	}
	*c = *nc;
	r = 0;
out:
	closedir(d);
	free(nc);
	return r;
}
