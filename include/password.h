/*
 * password.h -- where a password comes from when the rcfile has none.
 *
 * In order: the rcfile, "passwordeval" (a command printing it), ~/.netrc
 * (machine = poll name, then via; login = remote user), and a prompt when
 * standard input is a terminal.
 */

#ifndef PM_PASSWORD_H
#define PM_PASSWORD_H

#include <stddef.h>

#include "account.h"

/*
 * The password for machine/login in a .netrc text, or NULL.  Pure: the
 * caller reads the file.  Understands machine, default, login, password,
 * account and macdef, and double-quoted tokens with backslash escapes.
 */
char	*netrc_lookup(const char *buf, size_t len, const char *machine,
	    const char *login);

/* Fill a->password from ~/.netrc if it has none; quiet when absent. */
void	 password_from_netrc(struct account *a);

/*
 * Make sure a has a password: passwordeval, .netrc, then a prompt.
 * Returns 0, or -1 with *cause saying which sources were tried.
 */
int	 password_resolve(struct account *a, char **cause);

#endif
