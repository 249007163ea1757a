/*
 * mda_argv.h -- turn an "mda" command (fetchmail's keyword) into the
 * argument vector to exec, with %T (the recipients), %F (the sender) and
 * fetchmail's legacy %s (as %T).
 *
 * Pure: no I/O.  The sender and the recipients come from the message, so
 * from whoever sent it: whatever bytes they hold, each reaches the MDA
 * as exactly one argument and is never read by a shell.  A command
 * without shell syntax is split on blanks and run directly (a word
 * holding %T once per recipient, as with -d%T).  One that
 * needs a shell runs as  /bin/sh -c SCRIPT sh SENDER RCPT...  where the
 * script names the values only as "$1", "$2"...: the values themselves
 * are never part of the shell's input.
 */

#ifndef PM_MDA_ARGV_H
#define PM_MDA_ARGV_H

#include <stddef.h>

struct mda_args {
	char	**v;		/* NULL-terminated */
	size_t	  n;
};

/*
 * 0 if cmd can be used; -1 with *cause set when, in a command run by a
 * shell, a %T, %F or %s stands inside quotes or after a backslash, where
 * the shell would take the value apart (fetchmail refuses '%T' for the
 * same reason), or shares the command with $(...), `...`, ${...}, $'...'
 * or a here-document, inside which that cannot be told.  The message
 * shows the safe spelling.
 */
int	mda_check(const char *cmd, char **cause);

/* Does running cmd need /bin/sh (pipes, redirection, quoting...)? */
int	mda_needs_shell(const char *cmd);

/* The vector for one message; free it with mda_args_free. */
void	mda_args_build(struct mda_args *, const char *cmd, const char *from,
	    char *const *rcpts, size_t nrcpts);
void	mda_args_free(struct mda_args *);

#endif
