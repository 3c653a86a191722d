/* clock: uptime in ms on CLOCK_MONOTONIC.  See clock.h. */
#include <time.h>

#include "util/clock.h"

static struct timespec clk_origin;

void
clk_start(void)
{
	clock_gettime(CLOCK_MONOTONIC, &clk_origin);
}

static int64_t
ts_ms(const struct timespec *ts)
{
	return (int64_t)ts->tv_sec * 1000 + ts->tv_nsec / 1000000;
}

uint32_t
clk_uptime_ms(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (uint32_t)(ts_ms(&now) - ts_ms(&clk_origin));
}

uint32_t
clk_wall_to_uptime(const struct timespec *wall)
{
	struct timespec now_wall;
	uint32_t now = clk_uptime_ms();
	int64_t age;

	clock_gettime(CLOCK_REALTIME, &now_wall);
	age = ts_ms(&now_wall) - ts_ms(wall);
	if (age <= 0)
		return now;
	if (age > now)
		return 0;
	return now - (uint32_t)age;
}
