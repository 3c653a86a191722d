/*
 * clock: the daemon's uptime clock (SPEC 5).
 *
 * NetFlow v5 carries sys_uptime and each flow's First/Last in ms since the
 * exporter started, so every time stored in a flow is on this one monotonic
 * clock.  Wall time is only read when a datagram is sent.
 */
#ifndef NFN_CLOCK_H
#define NFN_CLOCK_H

#include <stdint.h>
#include <time.h>

/* Remember "now" as the daemon's start.  Call once, early in main(). */
void clk_start(void);
/* ms since clk_start() on CLOCK_MONOTONIC (wraps after 49.7 days, as v5 does) */
uint32_t clk_uptime_ms(void);
/*
 * Convert a wall-clock timestamp (from an NFLOG message) to uptime ms,
 * never later than now.
 */
uint32_t clk_wall_to_uptime(const struct timespec *wall);

#endif
