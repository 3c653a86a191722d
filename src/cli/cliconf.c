/*
 * cliconf: edit the config file in place.  See cliconf.h.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli/cliconf.h"

int
cliconf_differs(const struct conf *a, const struct conf *b, const char *key)
{
	char va[CONF_TEXT_MAX], vb[CONF_TEXT_MAX];

	if (conf_get(a, key, va, sizeof(va)) < 0 ||
	    conf_get(b, key, vb, sizeof(vb)) < 0)
		return 0;
	return strcmp(va, vb) != 0;
}

unsigned
cliconf_diff(const struct conf *a, const struct conf *b,
    const char **changed, unsigned max)
{
	const char *const *k;
	unsigned n = 0;

	for (k = conf_keys(); *k && n < max; k++)
		if (cliconf_differs(a, b, *k))
			changed[n++] = *k;
	return n;
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

/* Blanks as iniparser strips them around keys, values and sections. */
static const char *
skip_blanks(const char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	return s;
}

/* "key" when line is "key = ..." (blanks allowed), else "". */
static void
line_key(const char *line, char *key, size_t len)
{
	size_t n = 0;

	line = skip_blanks(line);
	while (line[n] && line[n] != '=' && !isspace((unsigned char)line[n]))
		n++;
	key[0] = '\0';
	if (n == 0 || n >= len || line[0] == '#' || line[0] == ';' ||
	    line[0] == '[' || *skip_blanks(line + n) != '=')
		return;
	memcpy(key, line, n);
	key[n] = '\0';
}

/*
 * Which section line t (blanks skipped, starting with '[') opens, as
 * iniparser reads it: the name up to the first ']', blanks around it
 * removed, any case.  1 for [netflow], 0 for another, -1 for "[]...",
 * which iniparser takes as no new section at all (the last one goes on).
 */
static int
section_kind(const char *t)
{
	const char *end = strchr(t, ']');
	size_t n;

	if (end == NULL || end == t + 1)
		return end == NULL ? 0 : -1;
	t = skip_blanks(t + 1);
	n = t < end ? (size_t)(end - t) : 0;
	while (n > 0 && isspace((unsigned char)t[n - 1]))
		n--;
	return n == 7 && strncasecmp(t, "netflow", 7) == 0;
}

/*
 * 1 when the next line continues this one: iniparser joins a line whose
 * last character (blanks stripped) is a backslash with the next, so the
 * next line is never a key or a section of its own.
 */
static int
continues(const char *line)
{
	size_t n = strlen(line);

	while (n > 0 && isspace((unsigned char)line[n - 1]))
		n--;
	return n > 0 && line[n - 1] == '\\';
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
 * The text plus a [netflow] section holding the changed keys, at its end,
 * or at "at" when the text ends inside a continued line: iniparser joins
 * whatever follows a trailing backslash to it and ignores such a line left
 * open at the end of the file, so the section goes in front of it and the
 * line stays as dead as it was.  Frees text; NULL with errno.
 */
static char *
add_section(char *text, long at, const struct conf *want,
    const char *const *changed, unsigned n)
{
	size_t tlen = strlen(text), cut, len = 0;
	char *buf = NULL;
	unsigned i;
	FILE *m;

	cut = at >= 0 && (size_t)at <= tlen ? (size_t)at : tlen;
	if ((m = open_memstream(&buf, &len)) == NULL) {
		free(text);
		return NULL;
	}
	fwrite(text, 1, cut, m);
	fprintf(m, "\n[netflow]\n");
	for (i = 0; i < n; i++)
		put_key(m, want, changed[i]);
	fputs(text + cut, m);
	free(text);
	if (fclose(m) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

char *
cliconf_edit(const char *old, const struct conf *want,
    const char *const *changed, unsigned n)
{
	char *copy, *line, *rest, *buf = NULL, key[CLI_KEY_MAX];
	const char *const *k;
	int in_sec = 0, seen_sec = 0, done[CLICONF_CHANGED_MAX] = { 0 };
	int cont = 0, was_cont, dropping = 0;
	size_t len = 0;
	long chain_at = -1;	/* where the last continued line began */
	unsigned i;
	FILE *m;

	if ((copy = strdup(old)) == NULL)
		return NULL;
	/* pass 1: which changed keys already have a line */
	for (rest = copy; (line = strsep(&rest, "\n")) != NULL; ) {
		const char *t = skip_blanks(line);

		was_cont = cont;
		cont = continues(line);
		if (was_cont)
			continue;
		/*
		 * A section line continued onto the next is a section or not
		 * depending on what iniparser joins to it: too subtle to edit
		 * around.  Refused; the operator edits it by hand.
		 */
		if (*t == '[' && cont) {
			free(copy);
			errno = EINVAL;
			return NULL;
		}
		if (*t == '[' && section_kind(t) >= 0)
			in_sec = section_kind(t);
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
	cont = 0;
	for (rest = copy; (line = strsep(&rest, "\n")) != NULL; ) {
		const char *t = skip_blanks(line);

		if (rest == NULL && *line == '\0')
			break;	/* the text's final newline */
		was_cont = cont;
		cont = continues(line);
		if (!was_cont && cont && fflush(m) == 0)
			chain_at = ftell(m);
		if (was_cont) {
			/* part of the line before: kept, or gone with it */
			if (!dropping)
				fprintf(m, rest == NULL ? "%s" : "%s\n", line);
			continue;
		}
		dropping = 0;
		if (*t == '[') {
			if (section_kind(t) >= 0)
				in_sec = section_kind(t);
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
			dropping = 1;	/* its continuation lines go too */
			continue;
		}
		/*
		 * A last line without a newline keeps it: iniparser skips a
		 * one-character last line only when no newline ends it.
		 */
		fprintf(m, rest == NULL ? "%s" : "%s\n", line);
	}
	fclose(m);
	free(copy);
	if (!seen_sec)
		buf = add_section(buf, cont ? chain_at : -1, want, changed, n);
	return buf;
}

char *
cliconf_fresh(const struct conf *want)
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

int
cliconf_verify(const char *text, const struct conf *want, char *err,
    size_t errlen)
{
	char tmp[] = "/tmp/nft-netflow.conf.XXXXXX", cerr[512];
	const char *const *k;
	struct conf *c;
	int fd, r = -1;

	if ((c = malloc(sizeof(*c))) == NULL || (fd = mkstemp(tmp)) < 0) {
		free(c);
		snprintf(err, errlen, "config check: %s", strerror(errno));
		return -1;
	}
	if (write(fd, text, strlen(text)) == (ssize_t)strlen(text)) {
		conf_defaults(c);
		if (conf_load(c, tmp, cerr, sizeof(cerr)) < 0)
			snprintf(err, errlen, "config would not load back: %s",
			    cerr);
		else
			r = 0;
		for (k = conf_keys(); r == 0 && *k; k++)
			if (cliconf_differs(c, want, *k)) {
				snprintf(err, errlen, "config: %s does not "
				    "read back as written", *k);
				r = -1;
			}
	} else
		snprintf(err, errlen, "config check: %s", strerror(errno));
	close(fd);
	unlink(tmp);
	free(c);
	return r;
}
