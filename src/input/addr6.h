/*
 * addr6: the IPv6 addresses of the conntrack-mode connection table, each
 * stored once and named by a 32-bit id, so an IPv6 connection entry is as
 * small as an IPv4 one (see ctconn.c).  An address lives while connections
 * hold it (a reference count).
 * No I/O; allocation only when the table grows.
 *
 * Memory: 24 bytes per distinct address plus 4 to 8 bytes of buckets.
 */
#ifndef NFN_ADDR6_H
#define NFN_ADDR6_H

#include <stddef.h>
#include <stdint.h>

#define ADDR6_NONE	UINT32_MAX

struct addr6;

struct addr6 *addr6_new(void);
void addr6_free(struct addr6 *t);

/* The id of address a, or ADDR6_NONE if no connection holds it. */
uint32_t addr6_find(const struct addr6 *t, const uint8_t a[16]);
/*
 * Take one reference on a, adding it if needed.  Returns its id, or
 * ADDR6_NONE (errno ENOMEM, or ENOSPC past 2^31 addresses).
 */
uint32_t addr6_hold(struct addr6 *t, const uint8_t a[16]);
/* Drop one reference; the last one frees the address (its id is reused). */
void addr6_put(struct addr6 *t, uint32_t id);
/* The 16 bytes of id (valid while it is held). */
const uint8_t *addr6_get(const struct addr6 *t, uint32_t id);

/* Addresses held, and bytes used. */
uint32_t addr6_count(const struct addr6 *t);
size_t addr6_memory(const struct addr6 *t);

#endif
