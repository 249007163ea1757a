/*
 * tap.h -- a minimal TAP producer for unit tests (automake's tap-driver
 * reads it).  plan() first, then ok()/is_int()/is_str(), then
 * return done_testing().
 */

#ifndef PM_TAP_H
#define PM_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int	tap_planned, tap_run, tap_failed;

static void
plan(int n)
{
	tap_planned = n;
	printf("1..%d\n", n);
}

static int __attribute__((format(printf, 2, 3)))
ok(int cond, const char *fmt, ...)
{
	va_list	ap;

	tap_run++;
	if (!cond)
		tap_failed++;
	printf("%sok %d - ", cond ? "" : "not ", tap_run);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	return (cond);
}

#define is_int(got, want, ...) do {					\
	long long g_ = (got), w_ = (want);				\
	if (!ok(g_ == w_, __VA_ARGS__))					\
		printf("#   got: %lld\n#  want: %lld\n", g_, w_);	\
} while (0)

#define is_str(got, want, ...) do {					\
	const char *g_ = (got), *w_ = (want);				\
	if (!ok(g_ != NULL && w_ != NULL && strcmp(g_, w_) == 0,	\
	    __VA_ARGS__))						\
		printf("#   got: '%s'\n#  want: '%s'\n",		\
		    g_ ? g_ : "(null)", w_ ? w_ : "(null)");		\
} while (0)

static int
done_testing(void)
{
	if (tap_run != tap_planned)
		printf("# planned %d tests but ran %d\n", tap_planned, tap_run);
	return (tap_failed != 0 || tap_run != tap_planned);
}

#endif
