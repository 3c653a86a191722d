/* test-dest: dest_parse() forms, separators, limits and error messages. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "util/check.h"
#include "export/dest.h"

static unsigned
port_of(const struct dest *d)
{
	if (d->addr.ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)&d->addr)->sin6_port);
	return ntohs(((const struct sockaddr_in *)&d->addr)->sin_port);
}

static void
test_forms(void)
{
	struct dest_list l;
	char err[512];

	CHECK(dest_parse("192.0.2.1:9995", &l, err, sizeof(err)) == 0);
	CHECK_EQ(l.n, 1);
	CHECK(strcmp(l.d[0].text, "192.0.2.1:9995") == 0);
	CHECK_EQ(l.d[0].addr.ss_family, AF_INET);
	CHECK_EQ(l.d[0].addrlen, sizeof(struct sockaddr_in));
	CHECK_EQ(port_of(&l.d[0]), 9995);

	/* bare IPv4: default port */
	CHECK(dest_parse("192.0.2.1", &l, err, sizeof(err)) == 0);
	CHECK_EQ(l.n, 1);
	CHECK(strcmp(l.d[0].text, "192.0.2.1:2055") == 0);
	CHECK_EQ(port_of(&l.d[0]), DEST_DEFAULT_PORT);

	/* bracketed IPv6, with and without a port */
	CHECK(dest_parse("[2001:db8::1]:4739", &l, err, sizeof(err)) == 0);
	CHECK_EQ(l.n, 1);
	CHECK(strcmp(l.d[0].text, "[2001:db8::1]:4739") == 0);
	CHECK_EQ(l.d[0].addr.ss_family, AF_INET6);
	CHECK_EQ(l.d[0].addrlen, sizeof(struct sockaddr_in6));
	CHECK_EQ(port_of(&l.d[0]), 4739);
	CHECK(dest_parse("[::1]", &l, err, sizeof(err)) == 0);
	CHECK(l.n == 1 && strcmp(l.d[0].text, "[::1]:2055") == 0);

	/* bare IPv6 (several ':'): default port */
	CHECK(dest_parse("::1", &l, err, sizeof(err)) == 0);
	CHECK(l.n == 1 && strcmp(l.d[0].text, "[::1]:2055") == 0);
	CHECK(dest_parse("2001:DB8:0:0::7", &l, err, sizeof(err)) == 0);
	CHECK(l.n == 1 && strcmp(l.d[0].text, "[2001:db8::7]:2055") == 0);

	/* names go to the resolver; localhost prefers IPv4 */
	CHECK(dest_parse("localhost:9996", &l, err, sizeof(err)) == 0);
	CHECK_EQ(l.n, 1);
	CHECK(strcmp(l.d[0].text, "127.0.0.1:9996") == 0 ||
	    strcmp(l.d[0].text, "[::1]:9996") == 0);
	CHECK(dest_parse("localhost", &l, err, sizeof(err)) == 0);
	CHECK_EQ(port_of(&l.d[0]), 2055);

	/* port bounds */
	CHECK(dest_parse("192.0.2.1:1", &l, err, sizeof(err)) == 0);
	CHECK_EQ(port_of(&l.d[0]), 1);
	CHECK(dest_parse("192.0.2.1:65535", &l, err, sizeof(err)) == 0);
	CHECK_EQ(port_of(&l.d[0]), 65535);
}

static void
test_separators(void)
{
	struct dest_list l;
	char err[512];

	CHECK(dest_parse("192.0.2.1:1,192.0.2.2:2;192.0.2.3:3 192.0.2.4:4"
	    "\t[::1]:5", &l, err, sizeof(err)) == 0);
	CHECK_EQ(l.n, 5);
	CHECK(strcmp(l.d[0].text, "192.0.2.1:1") == 0);
	CHECK(strcmp(l.d[1].text, "192.0.2.2:2") == 0);
	CHECK(strcmp(l.d[2].text, "192.0.2.3:3") == 0);
	CHECK(strcmp(l.d[3].text, "192.0.2.4:4") == 0);
	CHECK(strcmp(l.d[4].text, "[::1]:5") == 0);

	/* runs of separators and blanks around entries are not entries */
	CHECK(dest_parse(" ,;192.0.2.1 , ; 192.0.2.2\t, ", &l, err,
	    sizeof(err)) == 0);
	CHECK_EQ(l.n, 2);

	/* the ipt_netflow manual's example */
	CHECK(dest_parse("192.168.1.136:2055,192.168.1.10:5055", &l, err,
	    sizeof(err)) == 0);
	CHECK_EQ(l.n, 2);
	CHECK(strcmp(l.d[1].text, "192.168.1.10:5055") == 0);

	/* empty: an empty list */
	l.n = 3;
	CHECK(dest_parse("", &l, err, sizeof(err)) == 0);
	CHECK_EQ(l.n, 0);
	l.n = 3;
	CHECK(dest_parse(" ,;\t", &l, err, sizeof(err)) == 0);
	CHECK_EQ(l.n, 0);
}

/* A failed parse returns -1, leaves the list as it was and says why. */
static void
bad(const char *s, const char *msg)
{
	struct dest_list l;
	char err[512] = "";

	CHECK(dest_parse("192.0.2.9:7", &l, err, sizeof(err)) == 0);
	CHECK(dest_parse(s, &l, err, sizeof(err)) == -1);
	CHECK(l.n == 1 && strcmp(l.d[0].text, "192.0.2.9:7") == 0);
	CHECK(err[0] != '\0');
	if (msg && strcmp(err, msg) != 0) {
		fprintf(stderr, "  %s: got '%s'\n  want '%s'\n", s, err, msg);
		CHECK(0);
	}
}

static void
test_errors(void)
{
	char many[2048], err[512];
	struct dest_list l;
	size_t n;
	int i;

	bad("1.2.3.4:99999", "destination \"1.2.3.4:99999\": port must be "
	    "1..65535");
	bad("1.2.3.4:0", "destination \"1.2.3.4:0\": port must be 1..65535");
	bad("1.2.3.4:65536", NULL);
	bad("1.2.3.4:", NULL);
	bad("1.2.3.4:abc", NULL);
	bad("1.2.3.4:+5", NULL);
	bad("1.2.3.4:-1", NULL);
	bad("1.2.3.4:12x", NULL);
	bad("[::1]:99999", NULL);
	/* a bad entry anywhere rejects the list */
	bad("192.0.2.1,1.2.3.4:99999", "destination \"1.2.3.4:99999\": port "
	    "must be 1..65535");

	/* hosts */
	bad(":2055", "destination \":2055\": missing host");
	bad("[]:2055", NULL);
	bad("[::1", NULL);
	bad("[::1]2055", NULL);
	bad("[192.0.2.1]:2055", NULL);	/* brackets are for IPv6 */
	bad("1:2:3", NULL);		/* several ':' but not IPv6 */
	bad("[fe80::zz]:1", NULL);
	bad("no-such-host.invalid:2055", NULL);

	/* duplicates, however spelled */
	bad("192.0.2.1,192.0.2.1:2055", NULL);
	bad("[::1]:2055 ::1", NULL);

	/* at most DEST_MAX */
	for (i = 0, n = 0; i < DEST_MAX; i++)
		n += (size_t)snprintf(many + n, sizeof(many) - n,
		    "192.0.2.%d:%d,", i + 1, 2000 + i);
	CHECK(dest_parse(many, &l, err, sizeof(err)) == 0);
	CHECK_EQ(l.n, DEST_MAX);
	snprintf(many + n, sizeof(many) - n, "198.51.100.1");
	bad(many, NULL);

	/* one over-long entry */
	memset(many, 'a', 600);
	many[600] = '\0';
	bad(many, NULL);
}

int
main(void)
{
	test_forms();
	test_separators();
	test_errors();
	return check_done();
}
