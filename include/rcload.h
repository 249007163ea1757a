/*
 * rcload.h -- the rcfile and the command line, made into accounts.
 */

#ifndef PM_RCLOAD_H
#define PM_RCLOAD_H

#include "account.h"
#include "cmdline.h"
#include "rc_parse.h"

/* ~/.pullmailrc if it exists, else fetchmail's rcfile. */
char	*rcload_default_path(void);
/* The absolute directory relative paths in the rcfile start from. */
char	*rcload_dir(const char *path);
/*
 * Read path (a missing file is an empty one), check that a file with
 * passwords is private, apply the command line's globals.  Returns 0,
 * or an exit code with the reason logged.
 */
int	rcload_config(const struct cmdline *, const char *path,
	    const char *dir, struct config *);
/*
 * The accounts to poll, into polls (pointers into cfg): every active
 * one, or those named on the command line; each finished with the
 * command line's options.  Returns 0 or PM_SYNTAX, logged.
 */
int	rcload_accounts(const struct cmdline *, struct config *,
	    struct account_list *polls);
/* Does name select a (its poll name, or an "aka" of it)? */
int	rcload_names(const struct account *, const char *name);

#endif
