/*
 * confkeys: the table of every configuration key (conf.h): its name, its
 * type, where it lives in struct conf, its range and its help, and the
 * words that tell an operator what a key accepts.  Parsing (confval.h),
 * the INI file and the messages are all driven by this table, so a key
 * cannot be settable in one place and unknown in another.  No I/O.
 */
#ifndef NFN_CONFKEYS_H
#define NFN_CONFKEYS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/un.h>

/*
 * Largest explicit hashsize: 2^24 buckets (64 MiB of bucket heads), so a
 * typing error cannot make one live change allocate gigabytes inside the
 * event loop.  Sixteen million buckets keep chains short up to as many
 * flows; the automatic size grows past it only with the flows themselves.
 */
#define CONFKEYS_HASH_MAX	(1u << 24)

#define CONF_SUN_PATH	sizeof(((struct sockaddr_un *)0)->sun_path)

enum confkeys_type {
	T_UINT,		/* decimal, min..max */
	T_HASH,		/* 0, or decimal min..max */
	T_MARK,		/* decimal or 0x hex, 0..0xffffffff */
	T_PROTO,	/* export protocol: 5, 9 or 10 */
	T_DEST,		/* destination list, text + parsed */
	T_AGG,		/* aggregation rules, text + parsed */
	T_CAPTURE,	/* nflog | conntrack */
	T_HOOKS,	/* comma list of hook names */
	T_PATH,		/* absolute path of a unix socket */
	T_RULES,	/* nft | iptables */
	T_ONOFF,	/* on | off, kept as 1 | 0 */
	T_SAMPLER,	/* "" or deterministic|random|hash:N */
	T_NAME,		/* a user or group name; empty allowed if min is 0 */
};

/* flags */
#define CONFKEYS_RESTART	0x1	/* the running daemon cannot change it */

/* Longest user or group name (useradd's limit). */
#define CONF_NAME_MAX	32

struct confkeys_key {
	const char		*name;
	enum confkeys_type	 type;
	size_t			 off;		/* of the field in struct conf */
	uint32_t		 min, max;	/* T_UINT, T_HASH */
	const char		*help;
	unsigned		 flags;		/* CONFKEYS_* */
};

/*
 * The key called name, without regard to case and with '-' for '_'; NULL
 * if there is none.
 */
const struct confkeys_key *confkeys_find(const char *name);

/* The i-th key in file order; NULL past the last. */
const struct confkeys_key *confkeys_at(size_t i);

/* Key names in file order, NULL-terminated (conf_keys()). */
const char *const *confkeys_names(void);

/* What k accepts, in the words the file comments use. */
void	confkeys_allowed(const struct confkeys_key *k, char *buf, size_t len);

/* "<prefix>unknown key "name"; keys are: ..." into err. */
void	confkeys_unknown(const char *prefix, const char *name, char *err,
	    size_t errlen);

#endif
