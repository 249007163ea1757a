/*
 * clock.h -- the monotonic clock, for waits and durations (never the
 * wall clock, which an administrator or NTP may step).
 */

#ifndef PM_CLOCK_H
#define PM_CLOCK_H

#include <time.h>

/* Microseconds of CLOCK_MONOTONIC (systemd's MONOTONIC_USEC counts so). */
static inline long long
clock_usec(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000);
}

/* Milliseconds of CLOCK_MONOTONIC. */
static inline long long
clock_ms(void)
{
	return (clock_usec() / 1000);
}

#endif
