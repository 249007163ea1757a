/*
 * cmdline.h -- fetchmail's command line.
 *
 * Options override the rcfile for every account: they are collected in an
 * account and a config whose unset fields stay TRI_UNSET/NULL, and then
 * forced onto each account with account_override().
 */

#ifndef PM_CMDLINE_H
#define PM_CMDLINE_H

#include "account.h"
#include "rc_parse.h"

struct cmdline {
	struct account	*acct;		/* per-account overrides */
	struct config	 globals;	/* "set" overrides */
	const char	*rcfile;	/* -f */
	int		 verbose;
	int		 silent;
	int		 check;		/* -c */
	int		 configdump;
	int		 version;	/* -V */
	int		 quit;		/* -q */
	int		 nodetach;	/* -N */
	int		 status;	/* --status */
	int		 json;		/* --status --json */
	const char	*probe;		/* --probe HOST[:PORT] or poll name */
	char		**servers;	/* server names on the command line */
	int		 nservers;
};

/*
 * Parse argv.  Returns -1 to go on, or the exit code to leave with at
 * once (0 after --help, 5 after a usage error, the message printed).
 */
int	cmdline_parse(struct cmdline *, int argc, char **argv);
void	cmdline_free(struct cmdline *);
void	cmdline_usage(FILE *);

#endif
