/*
 * test-ctl: the control protocol's framing without a socket.  Responses
 * built by the server-side functions into a memstream are parsed back by
 * the client-side parsers; malformed responses are rejected with EPROTO.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/check.h"
#include "daemon/ctl.h"

/* A memstream's text, handed to the parser like a socket's response. */
struct built {
	char *text;
	size_t len;
	FILE *f;
};

static FILE *
build_start(struct built *b)
{
	b->text = NULL;
	b->f = open_memstream(&b->text, &b->len);
	return b->f;
}

static int
build_parse(struct built *b, struct ctl_reply *r)
{
	fclose(b->f);
	return ctl_reply_parse(b->text, r);
}

/* Parse a literal response (the parser owns and frees its copy). */
static int
parse_text(const char *s, struct ctl_reply *r)
{
	return ctl_reply_parse(strdup(s), r);
}

static void
test_ok(void)
{
	struct built b;
	struct ctl_reply r;

	ctl_reply_ok(build_start(&b));
	fputs("exported 3 flows\nsecond line\n", b.f);
	CHECK(build_parse(&b, &r) == 0);
	CHECK_EQ(r.ok, 1);
	CHECK(strcmp(r.line, "") == 0);
	CHECK(strcmp(r.body, "exported 3 flows\nsecond line\n") == 0);
	ctl_reply_free(&r);

	/* an OK without a body */
	ctl_reply_ok(build_start(&b));
	CHECK(build_parse(&b, &r) == 0);
	CHECK_EQ(r.ok, 1);
	CHECK(strcmp(r.body, "") == 0);
	ctl_reply_free(&r);
}

static void
test_err(void)
{
	struct built b;
	struct ctl_reply r;

	ctl_reply_err(build_start(&b), "%s = \"%d\": must be %s", "debug", 300,
	    "0..255");
	CHECK(build_parse(&b, &r) == 0);
	CHECK_EQ(r.ok, 0);
	CHECK(strcmp(r.line, "debug = \"300\": must be 0..255") == 0);
	CHECK(strcmp(r.body, "") == 0);
	ctl_reply_free(&r);

	/* a reason spanning lines stays one line: no stray body */
	ctl_reply_err(build_start(&b), "first\nsecond\r\nthird");
	CHECK(build_parse(&b, &r) == 0);
	CHECK_EQ(r.ok, 0);
	CHECK(strcmp(r.line, "first second  third") == 0);
	CHECK(strcmp(r.body, "") == 0);
	ctl_reply_free(&r);

	/* an empty reason would not parse back: it gets one */
	ctl_reply_err(build_start(&b), "%s", "");
	CHECK(build_parse(&b, &r) == 0);
	CHECK_EQ(r.ok, 0);
	CHECK(strlen(r.line) > 0);
	ctl_reply_free(&r);
}

static void
test_ping(void)
{
	struct built b;
	struct ctl_reply r;
	struct ctl_ping p;

	ctl_reply_ping(build_start(&b), 4242, "0.1.0", "conntrack");
	CHECK(build_parse(&b, &r) == 0);
	CHECK_EQ(r.ok, 1);
	CHECK(ctl_ping_parse(&r, &p) == 0);
	CHECK_EQ(p.pid, 4242);
	CHECK(strcmp(p.version, "0.1.0") == 0);
	CHECK(strcmp(p.capture, "conntrack") == 0);
	ctl_reply_free(&r);

	/* any order; a field a later version adds is skipped */
	CHECK(parse_text("OK capture=nflog uptime=5 version=2.0 pid=7\n",
	    &r) == 0);
	CHECK(ctl_ping_parse(&r, &p) == 0);
	CHECK_EQ(p.pid, 7);
	CHECK(strcmp(p.version, "2.0") == 0);
	CHECK(strcmp(p.capture, "nflog") == 0);
	ctl_reply_free(&r);
}

static void
test_malformed(void)
{
	static const char *const bad[] = {
		"",			/* nothing at all */
		"OK",			/* cut off before the newline */
		"OK pid=1 version=1 capture=nflog",
		"HELLO\n",
		"OKAY\n",
		"ok\n",
		"ERR\n",		/* an error without a reason */
		"ERR \n",
		"\nOK\n",
	};
	struct ctl_reply r;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		if (parse_text(bad[i], &r) != -1 || errno != EPROTO) {
			fprintf(stderr, "  accepted: \"%s\"\n", bad[i]);
			CHECK(0);
		} else
			CHECK(r.ok == 0 && strcmp(r.body, "") == 0);
		ctl_reply_free(&r);
	}
}

static void
test_ping_malformed(void)
{
	static const char *const bad[] = {
		"OK\n",					/* no fields */
		"OK version=1 capture=nflog\n",		/* no pid */
		"OK pid=0 version=1 capture=nflog\n",
		"OK pid=-3 version=1 capture=nflog\n",
		"OK pid=12x version=1 capture=nflog\n",
		"OK pid= version=1 capture=nflog\n",
		"OK pid=99999999999 version=1 capture=nflog\n",
		"OK pid=5 capture=nflog\n",		/* no version */
		"OK pid=5 version=1\n",			/* no capture */
		"OK pid=5 version= capture=nflog\n",
		"OK pid=5 version=1 capture=averyveryverylongmode\n",
		"ERR pid=5 version=1 capture=nflog\n",	/* not an OK */
	};
	struct ctl_reply r;
	struct ctl_ping p;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK(parse_text(bad[i], &r) == 0);
		errno = 0;
		if (ctl_ping_parse(&r, &p) != -1 || errno != EPROTO) {
			fprintf(stderr, "  accepted as ping: \"%s\"\n", bad[i]);
			CHECK(0);
		} else
			CHECK_EQ(p.pid, 0);
		ctl_reply_free(&r);
	}
}

int
main(void)
{
	test_ok();
	test_err();
	test_ping();
	test_malformed();
	test_ping_malformed();
	return check_done();
}
