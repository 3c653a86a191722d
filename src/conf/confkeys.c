/*
 * confkeys: the one description of every configuration key.  See
 * confkeys.h.
 */
#include <ctype.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "conf/conf.h"
#include "conf/confkeys.h"

#define U32(f)	offsetof(struct conf, f)

/*
 * File order: SPEC 3's keys first, then ours.  CONFKEYS_RESTART marks the
 * keys the daemon refuses to change live: the capture mode decides which
 * sockets exist, the export mark is what the loaded nft rules skip, and
 * the control socket is how it is reached.  A new protocol is applied
 * live: every flow leaves in the old one first.
 */
static const struct confkeys_key confkeys_tab[] = {
	{ "destination", T_DEST, U32(destination), 0, 0,
	    "collectors that receive every export datagram", 0 },
	{ "active_timeout", T_UINT, U32(active_timeout), 1, 86400,
	    "seconds after which a long-lived flow is exported and restarted",
	    0 },
	{ "inactive_timeout", T_UINT, U32(inactive_timeout), 1, 86400,
	    "seconds of silence after which a flow is exported", 0 },
	{ "maxflows", T_UINT, U32(maxflows), 0, UINT32_MAX,
	    "most flows tracked at once, 0 = unlimited; packets past the cap "
	    "are counted as dropped", 0 },
	{ "hashsize", T_HASH, U32(hashsize), 256, CONFKEYS_HASH_MAX,
	    "flow hash buckets, 0 = automatic (starts at 4096, doubles as flows grow)",
	    0 },
	{ "sndbuf", T_UINT, U32(sndbuf), 0, 2147483647u,
	    "send buffer of each export socket in bytes, 0 = system default",
	    0 },
	{ "aggregation", T_AGG, U32(aggregation), 0, 0,
	    "aggregation rules applied to the flow key, empty = none", 0 },
	{ "debug", T_UINT, U32(debug), 0, 255,
	    "log verbosity, 0 = quiet", 0 },
	{ "protocol", T_PROTO, U32(protocol), 5, 10,
	    "export protocol: 5 NetFlow v5, 9 NetFlow v9, 10 IPFIX", 0 },
	{ "refresh_rate", T_UINT, U32(refresh_rate), 1, 65535,
	    "v9/IPFIX: templates are sent again at least every N datagrams",
	    0 },
	{ "timeout_rate", T_UINT, U32(timeout_rate), 1, 3600,
	    "v9/IPFIX: templates are sent again at least every N minutes", 0 },
	{ "engine_type", T_UINT, U32(engine_type), 0, 255,
	    "engine_type field of every export header", 0 },
	{ "engine_id", T_UINT, U32(engine_id), 0, 255,
	    "engine_id field of every export header", 0 },
	{ "capture", T_CAPTURE, U32(capture), 0, 0,
	    "nflog meters every packet; conntrack uses connection events only",
	    CONFKEYS_RESTART },
	{ "nflog_group", T_UINT, U32(nflog_group), 0, 65535,
	    "NFLOG group the nft rules send packets to", 0 },
	{ "copy_range", T_UINT, U32(copy_range), 64, 65535,
	    "bytes of each packet copied to the daemon", 0 },
	{ "queue_threshold", T_UINT, U32(queue_threshold), 1, 65535,
	    "packets the kernel batches into one NFLOG message", 0 },
	{ "flush_timeout", T_UINT, U32(flush_timeout), 1, 65535,
	    "longest wait before a partial NFLOG batch is sent, in 1/100 s",
	    0 },
	{ "nlbufsiz", T_UINT, U32(nlbufsiz), 4096, 131072,
	    "NFLOG kernel buffer in bytes (the kernel ignores larger values)",
	    0 },
	{ "netlink_rcvbuf", T_UINT, U32(netlink_rcvbuf), 65536, 1073741824,
	    "receive buffer of the netlink sockets in bytes", 0 },
	{ "hooks", T_HOOKS, U32(hooks), 0, 0,
	    "netfilter hooks whose packets are metered (capture = nflog)", 0 },
	{ "conntrack", T_ONOFF, U32(conntrack), 0, 1,
	    "capture = nflog: on = conntrack ends flows with their "
	    "connection; off = no conntrack, TCP flows end by their flags", 0 },
	{ "natevents", T_UINT, U32(natevents), 0, 1,
	    "1 = also export NAT translation events", 0 },
	{ "conntrack_rcvbuf", T_UINT, U32(conntrack_rcvbuf), 4096, 1073741824,
	    "initial receive buffer of the conntrack event socket in bytes",
	    0 },
	{ "conntrack_rcvbuf_max", T_UINT, U32(conntrack_rcvbuf_max), 4096,
	    1073741824, "the conntrack event socket's receive buffer grows "
	    "up to this on overruns", 0 },
	{ "conntrack_reliable", T_UINT, U32(conntrack_reliable), 0, 1,
	    "1 = reliable conntrack events: the kernel keeps a connection "
	    "until its destroy event is delivered (0: a burst that overruns "
	    "the event socket loses the counters of connections that end in "
	    "it)", 0 },
	{ "export_mark", T_MARK, U32(export_mark), 0, UINT32_MAX,
	    "mark of the export packets, which the rules never meter; "
	    "0 = no mark", CONFKEYS_RESTART },
	{ "control", T_PATH, U32(control), 0, 0,
	    "control socket of the daemon", CONFKEYS_RESTART },
	{ "rules", T_RULES, U32(rules), 0, 0,
	    "front end of the metering rules: the nft table, or an "
	    "iptables chain NETFLOW for rulesets that jump to it", 0 },
	{ "sampler", T_SAMPLER, U32(sampler), SAMPLER_N_MIN, SAMPLER_N_MAX,
	    "1-in-N sampling in the kernel's rule, before NFLOG; "
	    "empty = every packet", 0 },
	{ "export_queue", T_UINT, U32(export_queue), 1, 65536,
	    "datagrams that may wait per destination while its socket is "
	    "full; more are lost and counted", CONFKEYS_RESTART },
	{ "drain_timeout", T_UINT, U32(drain_timeout), 0, 3600,
	    "seconds the daemon waits at exit for the export queues to "
	    "empty; what is left is counted lost", 0 },
	{ "user", T_NAME, U32(user), 1, 0,
	    "user the daemon runs as once its sockets are open, keeping "
	    "CAP_NET_ADMIN only; root = stay root", CONFKEYS_RESTART },
	{ "control_group", T_NAME, U32(control_group), 0, 0,
	    "members of this group may read stats, metrics, flows and config on the "
	    "control socket; empty = root only", CONFKEYS_RESTART },
};

#define CONFKEYS_N	(sizeof(confkeys_tab) / sizeof(confkeys_tab[0]))

static const char *const confkeys_namelist[CONFKEYS_N + 1] = {
	"destination", "active_timeout", "inactive_timeout", "maxflows",
	"hashsize", "sndbuf", "aggregation", "debug", "protocol",
	"refresh_rate", "timeout_rate", "engine_type", "engine_id", "capture",
	"nflog_group", "copy_range", "queue_threshold", "flush_timeout",
	"nlbufsiz", "netlink_rcvbuf", "hooks", "conntrack", "natevents",
	"conntrack_rcvbuf", "conntrack_rcvbuf_max", "conntrack_reliable",
	"export_mark", "control", "rules", "sampler", "export_queue",
	"drain_timeout", "user", "control_group", NULL
};

_Static_assert(sizeof(confkeys_namelist) / sizeof(confkeys_namelist[0]) ==
    CONFKEYS_N + 1, "confkeys_namelist[] must list every key of "
    "confkeys_tab[]");

/*
 * Keys are matched without regard to case (iniparser lowercases them
 * anyway) and with '-' standing for '_', so the CLI's --active-timeout
 * spelling works on the control socket too.
 */
/* The one spelling of each capture mode (config, CLI, control, stats). */
const char *
conf_capture_name(enum capture_mode m)
{
	return m == CAPTURE_CONNTRACK ? "conntrack" : "nflog";
}

const struct confkeys_key *
confkeys_find(const char *name)
{
	const char *a, *b;
	size_t i;

	for (i = 0; i < CONFKEYS_N; i++) {
		for (a = name, b = confkeys_tab[i].name; *a && *b; a++, b++) {
			if (tolower((unsigned char)*a) != *b &&
			    !(*a == '-' && *b == '_'))
				break;
		}
		if (*a == '\0' && *b == '\0')
			return &confkeys_tab[i];
	}
	return NULL;
}

const struct confkeys_key *
confkeys_at(size_t i)
{
	return i < CONFKEYS_N ? &confkeys_tab[i] : NULL;
}

const char *const *
confkeys_names(void)
{
	return confkeys_namelist;
}

int
conf_needs_restart(const char *key)
{
	const struct confkeys_key *k = confkeys_find(key);

	return k != NULL && (k->flags & CONFKEYS_RESTART) != 0;
}

void
confkeys_allowed(const struct confkeys_key *k, char *buf, size_t len)
{
	switch (k->type) {
	case T_UINT:
		if (k->min == 0 && k->max == 1)
			snprintf(buf, len, "0 or 1");
		else
			snprintf(buf, len, "%u..%u", k->min, k->max);
		break;
	case T_HASH:
		snprintf(buf, len, "0 or %u..%u", k->min, k->max);
		break;
	case T_MARK:
		snprintf(buf, len, "0..0xffffffff, decimal or 0x hex");
		break;
	case T_PROTO:
		snprintf(buf, len, "5, 9 or 10");
		break;
	case T_DEST:
		snprintf(buf, len, "host:port, [v6addr]:port or host (port %d), "
		    "separated by ',' ';' space or tab; at most %d",
		    DEST_DEFAULT_PORT, DEST_MAX);
		break;
	case T_AGG:
		snprintf(buf, len, "A.B.C.D/M=N and X:Y::/M=N network rules "
		    "and P1-P2=Q or P=Q port rules, comma separated");
		break;
	case T_ONOFF:
		snprintf(buf, len, "on or off");
		break;
	case T_CAPTURE:
		snprintf(buf, len, "%s or %s", conf_capture_name(CAPTURE_NFLOG),
		    conf_capture_name(CAPTURE_CONNTRACK));
		break;
	case T_HOOKS:
		snprintf(buf, len, "comma separated list of input, forward, "
		    "output");
		break;
	case T_PATH:
		snprintf(buf, len, "absolute path shorter than %zu bytes",
		    CONF_SUN_PATH);
		break;
	case T_RULES:
		snprintf(buf, len, "nft or iptables");
		break;
	case T_SAMPLER:
		snprintf(buf, len, "empty (off), or deterministic:N, random:N "
		    "or hash:N with N %u..%u", k->min, k->max);
		break;
	case T_NAME:
		snprintf(buf, len, "a %s name%s", strcmp(k->name, "user") == 0 ?
		    "user" : "group", k->min ? " (root: stay root)" :
		    ", or empty");
		break;
	}
}

void
confkeys_unknown(const char *prefix, const char *name, char *err,
    size_t errlen)
{
	char keys[400], shown[64];
	size_t i, n = 0;

	/* "destination, active_timeout, ...": the operator sees every key */
	keys[0] = '\0';
	for (i = 0; i < CONFKEYS_N && n < sizeof(keys); i++)
		n += (size_t)snprintf(keys + n, sizeof(keys) - n, "%s%s",
		    i ? ", " : "", confkeys_tab[i].name);
	/* the name as typed, but never a control character in a message */
	for (i = 0; name[i] && i + 1 < sizeof(shown); i++)
		shown[i] = iscntrl((unsigned char)name[i]) ? '?' : name[i];
	shown[i] = '\0';
	snprintf(err, errlen, "%sunknown key \"%s%s\"; keys are: %s", prefix,
	    shown, name[i] ? "..." : "", keys);
}
