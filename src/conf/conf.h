/*
 * conf: every parameter of nft-netflow, its default, its range and its INI
 * form.  Defaults live in conf_defaults() and nowhere else.
 *
 * This header is the entry point.  conf.c holds the INI file I/O and is the
 * only user of iniparser; the key table is confkeys.h and the parsing and
 * formatting of values confval.h, both internal to conf and free of I/O.
 *
 * The file is INI with one section, [netflow], holding the keys of SPEC 3
 * under their ipt_NETFLOW names (destination, active_timeout, ...).
 *
 * Error convention (as everywhere in nft-netflow): functions return 0 on
 * success and -1 on failure; parsers write a one-line message into the
 * caller's err buffer naming the key, the value and what is allowed, and
 * leave the configuration they were given untouched.
 */
#ifndef NFN_CONF_H
#define NFN_CONF_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "flow/agg.h"
#include "export/dest.h"

#define CONF_DEFAULT_PATH	"/etc/nft-netflow/nft-netflow.conf"
#define CONF_DEFAULT_CONTROL	"/run/nft-netflow/control"
#define CONF_DEFAULT_USER	"nft-netflow"
#define CONF_TEXT_MAX		1024

enum capture_mode { CAPTURE_NFLOG = 0, CAPTURE_CONNTRACK = 1 };

/* Which front end carries the metering rules (rules.h, rules/ipt.h). */
enum rules_front { RULES_NFT = 0, RULES_IPTABLES = 1 };

/*
 * sampler (SPEC 4.2, ipt_NETFLOW's syntax "MODE:N"): which 1 packet in N
 * the kernel's rule hands to NFLOG.  SAMPLER_OFF meters every packet.
 */
enum sampler_mode {
	SAMPLER_OFF = 0,
	SAMPLER_DETERMINISTIC,	/* every Nth packet (numgen inc) */
	SAMPLER_RANDOM,		/* each packet with probability 1/N */
	SAMPLER_HASH,		/* all packets of 1 flow in N (hash) */
};

#define SAMPLER_N_MIN	2
#define SAMPLER_N_MAX	16383	/* 14 bits in the v5 header */

struct sampler {
	enum sampler_mode	mode;
	uint32_t		n;	/* 1 in n; 0 when off */
};

/* hooks bitmask */
#define HOOK_INPUT	0x1
#define HOOK_FORWARD	0x2
#define HOOK_OUTPUT	0x4

struct conf {
	/* SPEC 3, ipt_NETFLOW names */
	char destination[CONF_TEXT_MAX];	/* as given */
	struct dest_list dests;			/* parsed */
	uint32_t active_timeout;		/* s, 1..86400, default 1800 */
	uint32_t inactive_timeout;		/* s, 1..86400, default 15 */
	uint32_t maxflows;			/* 0..2^32-1, 0 = unlimited */
	uint32_t hashsize;			/* 0 (auto) or >= 256 */
	uint32_t sndbuf;			/* bytes, 0 = system default */
	char aggregation[CONF_TEXT_MAX];	/* as given */
	struct agg agg;				/* parsed */
	uint32_t debug;
	/* our own */
	uint32_t protocol;			/* 5, 9 or 10 */
	uint32_t refresh_rate;			/* v9/IPFIX templates: datagrams */
	uint32_t timeout_rate;			/* v9/IPFIX templates: minutes */
	uint32_t engine_type, engine_id;	/* 0..255 */
	enum capture_mode capture;		/* nflog | conntrack */
	uint32_t nflog_group;			/* 0..65535 */
	uint32_t copy_range;			/* bytes of each packet, 64..65535 */
	uint32_t queue_threshold;		/* packets per NFLOG batch, 1..65535 */
	uint32_t flush_timeout;			/* NFLOG batch flush, 1/100 s, 1..65535 */
	uint32_t nlbufsiz;			/* NFLOG kernel buffer, 4096..131072 */
	uint32_t netlink_rcvbuf;		/* socket receive buffer, bytes */
	uint32_t hooks;				/* HOOK_* bitmask */
	uint32_t conntrack;			/* 0/1 (off/on): nflog mode uses conntrack */
	uint32_t natevents;			/* 0/1 */
	uint32_t conntrack_rcvbuf;		/* event socket, bytes */
	uint32_t conntrack_rcvbuf_max;		/* grown up to this on overruns */
	uint32_t conntrack_reliable;		/* 0/1: NETLINK_BROADCAST_ERROR */
	uint32_t export_mark;			/* SO_MARK of export sockets; rules skip it */
	uint32_t export_queue;			/* datagrams per destination */
	uint32_t drain_timeout;			/* s, waiting for them at exit */
	char control[CONF_TEXT_MAX];		/* control socket path */
	enum rules_front rules;			/* nft | iptables */
	struct sampler sampler;			/* "" (off) or MODE:N */
	char user[CONF_TEXT_MAX];		/* runs as this user */
	char control_group[CONF_TEXT_MAX];	/* may read; "" = root only */
};

void conf_defaults(struct conf *c);

/*
 * Whether c needs conntrack: capture = conntrack, conntrack = on or
 * natevents = 1.  Otherwise the rules hold no ct expression and the daemon
 * opens no conntrack socket (SPEC 4).
 */
int conf_uses_conntrack(const struct conf *c);

/*
 * Read an INI file over the values already in c (normally defaults).  Unknown
 * sections or keys are errors.  On error c is untouched.
 */
int conf_load(struct conf *c, const char *path, char *err, size_t errlen);

/* Set one key from its text form, with the same validation.  c untouched on error. */
int conf_set(struct conf *c, const char *key, const char *value, char *err,
    size_t errlen);

/* Text form of one key's current value.  Returns -1 for an unknown key. */
int conf_get(const struct conf *c, const char *key, char *buf, size_t len);

/* Key names in file order, NULL-terminated; conf_help() gives a one-line description. */
const char *const *conf_keys(void);
const char *conf_help(const char *key);

/* "deterministic", "random", "hash" or "" (off): the mode's spelling. */
const char *conf_sampler_name(enum sampler_mode m);

/* "nflog" or "conntrack": the one spelling of each capture mode. */
const char *conf_capture_name(enum capture_mode m);

/*
 * 1 when key cannot change while the daemon runs (capture, protocol,
 * export_mark, control): a restart applies it.  0 for every other key and
 * for an unknown one.
 */
int conf_needs_restart(const char *key);

/* The first such key whose value differs between a and b, or NULL. */
const char *conf_restart_changed(const struct conf *a, const struct conf *b);

/* Write c as an INI file (every key, with its help as a comment). */
int conf_write(const struct conf *c, FILE *f);

#endif
