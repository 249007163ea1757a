/*
 * hook.h -- the account's own commands run after a poll: "postdeliver"
 * after a poll or IDLE pass that delivered mail, "postpoll" after every
 * poll, whatever its result.
 *
 * They run in the worker, after its report went to the parent, under the
 * MDA's rules (mdauser when root, fds 0-2 only), in a process group of
 * their own that is stopped at "set hooktimeout".  What the poll came to
 * reaches them in PULLMAIL_* environment variables, never in the command
 * or its arguments, and nothing a server sent is among them.  A hook's
 * failure is logged; it never changes the poll's result.
 */

#ifndef PM_HOOK_H
#define PM_HOOK_H

#include "account.h"
#include "report.h"

/*
 * The hooks due after rp (postdeliver if it delivered, postpoll if it is
 * the final report), one after the other, each stopped after timeout
 * seconds.  None starts once *stop is set, and one running then is
 * stopped.
 */
void	hook_report(const struct account *, const struct poll_report *rp,
	    int timeout, volatile int *stop);

#endif
