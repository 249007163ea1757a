/*
 * report.h -- what a poll of one account came to, sent by the worker
 * that polled it to the parent, which keeps --status, the metrics file
 * and the hooks' view of it.
 *
 * A worker sends one report at the end of its poll (final set) and, when
 * it stays in IMAP IDLE, one after every pass that found new mail.  The
 * counts are those since the worker's previous report, so the parent
 * adds them up.
 */

#ifndef PM_REPORT_H
#define PM_REPORT_H

#include <stdint.h>

#define REPORT_WHY	256

struct poll_report {
	int64_t		start;		/* time(3) the poll (or pass) began */
	int64_t		end;
	uint64_t	msec;		/* how long it took (monotonic) */
	uint64_t	octets;		/* delivered, as the server sized them */
	uint32_t	delivered;
	uint32_t	left;		/* found but left on the server */
	int32_t		result;		/* a pm_result */
	int32_t		final;		/* 0: an IDLE pass; the worker goes on */
	char		why[REPORT_WHY];	/* why it stopped early: */
						/* printable, may be empty */
};

#endif
