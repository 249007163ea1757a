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

struct config {
	struct account_list	 accounts;	/* "defaults" already merged */
	int			 daemon;	/* set daemon N; 0 = one-shot */
	char			*logfile;
	char			*idfile;
	char			*postmaster;
	int			 syslog;
	int			 softbounce;
	int			 bouncemail;
};

void	config_init(struct config *);
void	config_free(struct config *);
/*
 * Parse buf (len bytes) read from file into cfg.  Returns -1 with *cause
 * set to "file:line:col: message" on the first error.
 */
int	rc_parse(const char *file, const char *buf, size_t len,
	    struct config *cfg, char **cause);

#endif
