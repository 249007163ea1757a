/*
 * runas.c -- drop root for the commands pullmail runs.
 *
 * fetchmail runs the MDA and passwordeval as whoever runs fetchmail; as
 * root that puts hostile mail (and whatever a password helper does) one
 * bug away from the machine.  So a root pullmail needs "mdauser NAME",
 * and "mdauser root" if root is really meant.
 */

#include <sys/types.h>

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runas.h"
#include "xmalloc.h"

int
runas_resolve(struct runas *ra, const struct account *a, const char *what,
    char **cause)
{
	struct passwd	*pw;

	memset(ra, 0, sizeof(*ra));
	if (a->mdauser == NULL) {
		if (geteuid() != 0)
			return (0);
		xasprintf(cause, "%s: pullmail runs as root and will not run "
		    "the %s command as root; add \"mdauser NAME\" to run it "
		    "as that user (\"mdauser root\" if root is really meant)",
		    what, what);
		return (-1);
	}
	if ((pw = getpwnam(a->mdauser)) == NULL) {
		xasprintf(cause, "%s: mdauser %s: no such user", what,
		    a->mdauser);
		return (-1);
	}
	if (pw->pw_uid == geteuid())
		return (0);
	if (geteuid() != 0) {
		xasprintf(cause, "%s: mdauser %s: only root can run the %s "
		    "command as another user", what, a->mdauser, what);
		return (-1);
	}
	ra->drop = 1;
	ra->uid = pw->pw_uid;
	ra->gid = pw->pw_gid;
	ra->user = xstrdup(pw->pw_name);
	ra->home = xstrdup(pw->pw_dir);
	return (0);
}

void
runas_become(const struct runas *ra, const char *what)
{
	if (!ra->drop)
		return;
	/* setuid(0) must fail afterwards: the drop is for good. */
	if (initgroups(ra->user, ra->gid) == -1 || setgid(ra->gid) == -1 ||
	    setuid(ra->uid) == -1 || setuid(0) != -1) {
		fprintf(stderr, "pullmail: %s: cannot become %s: %s\n", what,
		    ra->user, strerror(errno));
		_exit(71);
	}
	setenv("HOME", ra->home, 1);
	setenv("USER", ra->user, 1);
	setenv("LOGNAME", ra->user, 1);
	if (chdir(ra->home) == -1 && chdir("/") == -1)
		_exit(71);
}

void
runas_free(struct runas *ra)
{
	free(ra->user);
	free(ra->home);
	memset(ra, 0, sizeof(*ra));
}
