/*
 * dest: the destination list of SPEC 3.
 *
 * Each entry is "host:port", "[v6addr]:port", "host" or a bare IPv6 address
 * (port DEST_DEFAULT_PORT).  Entries are resolved here, once, so the exporter
 * only ever sees socket addresses and a resolver failure is reported while
 * the operator is still looking at the command or the file.
 */
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "export/dest.h"

#define DEST_SEPS	", ;\t\r\n"
#define DEST_ENTRY_MAX	256

/* "host" and "port" pointers into a writable copy of one entry. */
struct dest_split {
	char *host;
	const char *port;	/* NULL: default port */
	int v6only;		/* the host was in brackets or had several ':' */
};

static int
dest_err(char *err, size_t errlen, const char *entry, const char *why)
{
	snprintf(err, errlen, "destination \"%s\": %s", entry, why);
	return -1;
}

/*
 * Split an entry in place.  A single ':' separates host and port; more than
 * one means a bare IPv6 address, which can only carry the default port (use
 * brackets to give another one).
 */
static int
dest_split(char *s, struct dest_split *sp, const char **why)
{
	char *p;

	memset(sp, 0, sizeof(*sp));
	if (*s == '[') {
		if ((p = strchr(s, ']')) == NULL) {
			*why = "missing ']' after the IPv6 address";
			return -1;
		}
		*p++ = '\0';
		sp->host = s + 1;
		sp->v6only = 1;
		if (*p == ':')
			sp->port = p + 1;
		else if (*p != '\0') {
			*why = "expected ':port' after ']'";
			return -1;
		}
	} else if ((p = strchr(s, ':')) != NULL && strchr(p + 1, ':') == NULL) {
		*p = '\0';
		sp->host = s;
		sp->port = p + 1;
	} else {
		sp->host = s;
		sp->v6only = p != NULL;
	}
	if (*sp->host == '\0') {
		*why = "missing host";
		return -1;
	}
	return 0;
}

/* Strict decimal 1..65535: no sign, no spaces, no junk. */
static int
dest_port(const char *s, unsigned *port)
{
	unsigned long v = 0;

	if (s == NULL) {
		*port = DEST_DEFAULT_PORT;
		return 0;
	}
	if (*s == '\0' || strlen(s) > 5)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (unsigned long)(*s - '0');
	}
	if (v < 1 || v > 65535)
		return -1;
	*port = (unsigned)v;
	return 0;
}

/*
 * Numeric addresses first, so an address never goes to the resolver.  A name
 * with several addresses takes the first IPv4 one: NetFlow v5 collectors
 * mostly listen on IPv4, and "localhost" often lists ::1 first.
 */
static int
dest_resolve(const struct dest_split *sp, unsigned port, struct dest *d,
    char *why, size_t whylen)
{
	struct addrinfo hints, *res, *ai, *pick;
	char portstr[8];
	int rc;

	snprintf(portstr, sizeof(portstr), "%u", port);
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = sp->v6only ? AF_INET6 : AF_UNSPEC;
	hints.ai_socktype = SOCK_DGRAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
	rc = getaddrinfo(sp->host, portstr, &hints, &res);
	if (rc == EAI_NONAME && !sp->v6only) {
		hints.ai_flags = AI_NUMERICSERV;
		rc = getaddrinfo(sp->host, portstr, &hints, &res);
	}
	if (rc != 0) {
		if (sp->v6only)
			snprintf(why, whylen, "\"%s\" is not an IPv6 address",
			    sp->host);
		else
			snprintf(why, whylen, "cannot resolve host \"%s\": %s",
			    sp->host, gai_strerror(rc));
		return -1;
	}
	pick = NULL;
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if (ai->ai_family != AF_INET && ai->ai_family != AF_INET6)
			continue;
		if (pick == NULL || (pick->ai_family != AF_INET &&
		    ai->ai_family == AF_INET))
			pick = ai;
	}
	if (pick == NULL || pick->ai_addrlen > sizeof(d->addr)) {
		freeaddrinfo(res);
		snprintf(why, whylen, "host \"%s\" has no IPv4 or IPv6 address",
		    sp->host);
		return -1;
	}
	memset(d, 0, sizeof(*d));
	memcpy(&d->addr, pick->ai_addr, pick->ai_addrlen);
	d->addrlen = pick->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

/* "1.2.3.4:2055" or "[2001:db8::1]:2055" (scope id kept, if any). */
static int
dest_text(struct dest *d, unsigned port)
{
	/* Address, '%' and an interface name: always fits d->text. */
	char host[INET6_ADDRSTRLEN + IF_NAMESIZE + 2];

	if (getnameinfo((struct sockaddr *)&d->addr, d->addrlen, host,
	    sizeof(host), NULL, 0, NI_NUMERICHOST) != 0)
		return -1;
	if (d->addr.ss_family == AF_INET6)
		snprintf(d->text, sizeof(d->text), "[%s]:%u", host, port);
	else
		snprintf(d->text, sizeof(d->text), "%s:%u", host, port);
	return 0;
}

static int
dest_one(const char *entry, struct dest_list *l, char *err, size_t errlen)
{
	char buf[DEST_ENTRY_MAX], why[DEST_ENTRY_MAX + 256];
	const char *reason;
	struct dest_split sp;
	struct dest d;
	unsigned port, i;

	if (strlen(entry) >= sizeof(buf))
		return dest_err(err, errlen, entry, "entry too long");
	strcpy(buf, entry);
	if (dest_split(buf, &sp, &reason) < 0)
		return dest_err(err, errlen, entry, reason);
	if (dest_port(sp.port, &port) < 0)
		return dest_err(err, errlen, entry, "port must be 1..65535");
	if (dest_resolve(&sp, port, &d, why, sizeof(why)) < 0)
		return dest_err(err, errlen, entry, why);
	if (dest_text(&d, port) < 0)
		return dest_err(err, errlen, entry, "cannot format the address");
	for (i = 0; i < l->n; i++) {
		if (strcmp(l->d[i].text, d.text) == 0) {
			snprintf(why, sizeof(why), "duplicate of %s", d.text);
			return dest_err(err, errlen, entry, why);
		}
	}
	if (l->n >= DEST_MAX) {
		snprintf(why, sizeof(why), "too many destinations (at most %d)",
		    DEST_MAX);
		return dest_err(err, errlen, entry, why);
	}
	l->d[l->n++] = d;
	return 0;
}

int
dest_parse(const char *s, struct dest_list *out, char *err, size_t errlen)
{
	struct dest_list l;
	char entry[DEST_ENTRY_MAX + 1];
	size_t len;

	/* Zeroed whole: a conf holding it may be compared byte for byte. */
	memset(&l, 0, sizeof(l));
	for (;;) {
		s += strspn(s, DEST_SEPS);
		if (*s == '\0')
			break;
		len = strcspn(s, DEST_SEPS);
		/* Cut over-long entries; dest_one() rejects them whole. */
		snprintf(entry, sizeof(entry), "%.*s",
		    (int)(len < DEST_ENTRY_MAX ? len : DEST_ENTRY_MAX), s);
		if (dest_one(entry, &l, err, errlen) < 0)
			return -1;
		s += len;
	}
	memcpy(out, &l, sizeof(l));
	return 0;
}
