/*
 * dest: parse the destination list (SPEC 3): "host:port", "[v6addr]:port" or
 * "host" (port 2055), separated by ',' ';' space or tab.  Hosts are resolved
 * once, at parse time, with getaddrinfo().
 */
#ifndef NFN_DEST_H
#define NFN_DEST_H

#include <stddef.h>
#include <sys/socket.h>

#define DEST_MAX		16
#define DEST_DEFAULT_PORT	2055

struct dest {
	struct sockaddr_storage addr;
	socklen_t addrlen;
	char text[80];		/* normalized "1.2.3.4:2055" / "[::1]:2055" */
};

struct dest_list {
	unsigned n;
	struct dest d[DEST_MAX];
};

/*
 * Returns 0, or -1 with a message in err naming the bad entry and what is
 * allowed; out is untouched on error.  An empty string gives an empty list.
 */
int dest_parse(const char *s, struct dest_list *out, char *err, size_t errlen);

#endif
