/*
 * runas.h -- who a command pullmail starts (the MDA, passwordeval, the
 * hooks) runs as.  A root pullmail runs them as the account's "mdauser"
 * and refuses to run them as root unless mdauser says root.
 */

#ifndef PM_RUNAS_H
#define PM_RUNAS_H

#include <sys/types.h>

#include "account.h"

struct runas {
	int	 drop;		/* become uid/gid in the child */
	uid_t	 uid;
	gid_t	 gid;
	char	*user;
	char	*home;
};

/* what names the command in errors ("mda", "passwordeval"). */
int	runas_resolve(struct runas *, const struct account *,
	    const char *what, char **cause);
/* In the child: become the user for good, or _exit(71) (EX_OSERR). */
void	runas_become(const struct runas *, const char *what);
void	runas_free(struct runas *);

#endif
