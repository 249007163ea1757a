/*
 * rc_parse.h -- fetchmail's rcfile grammar into account records.
 *
 * No I/O: the caller reads the file and passes its bytes.  Every error
 * names file:line:col, the token found and what was expected.
 */

#ifndef PM_RC_PARSE_H
#define PM_RC_PARSE_H

#include <stddef.h>

#include "account.h"

/* Global ("set") options; ints are TRI_UNSET until something sets them. */
struct config {
	struct account_list	 accounts;	/* "defaults" already merged */
	int			 daemon;	/* set daemon N; 0 = one-shot */
	char			*logfile;
	char			*idfile;
	char			*pidfile;
	char			*postmaster;
	char			*properties;
	int			 bouncemail;
	int			 spambounce;
	int			 softbounce;
	int			 syslog;
	int			 invisible;
	int			 showdots;
	int			 jobs;		/* pullmail: parallel polls */
	int			 connlimit;	/* pullmail: per server, at once */
	int			 deadline;	/* pullmail: seconds a poll may take */
	char			*statedir;	/* pullmail: UID journals */
	char			*metricsfile;	/* pullmail: Prometheus text */
	int			 hooktimeout;	/* pullmail: seconds a hook may run */
	struct strlist		 warnings;	/* "file:line:col: ..." */
};

void	config_init(struct config *);
void	config_free(struct config *);
/* Set every global that o sets (the command line) in cfg. */
void	config_override(struct config *cfg, const struct config *o);
/* Built-in defaults for every global still unset. */
void	config_finish(struct config *);

/*
 * Parse buf (len bytes) read from file into cfg.  Relative paths are made
 * absolute against dir (the rcfile's directory; NULL leaves them).
 * Returns -1 with *cause set to "file:line:col: message" on the first
 * error.  Warnings that do not stop the parse go to cfg->warnings.
 */
int	rc_parse(const char *file, const char *dir, const char *buf,
	    size_t len, struct config *cfg, char **cause);

#endif
