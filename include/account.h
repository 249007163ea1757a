/*
 * account.h -- one thing to poll: a server, a login, and where mail goes.
 *
 * Built by rc_parse.c (and the command line), completed by
 * account_finish(), then never changed while a poll runs.
 */

#ifndef PM_ACCOUNT_H
#define PM_ACCOUNT_H

#include <stddef.h>

#include "tls.h"

enum proto {
	PROTO_UNSET = 0,
	PROTO_AUTO,		/* try IMAP, then POP3 (fetchmail's default) */
	PROTO_POP3,
	PROTO_IMAP,
};

struct strlist {
	char	**v;
	size_t	  n;
};

#define TRI_UNSET	-1	/* a boolean or number the user did not set */

struct account {
	char		*name;		/* poll name */
	char		*via;		/* host to connect to, if not name */
	enum proto	 proto;
	int		 port;		/* TRI_UNSET: the protocol's default */
	int		 timeout;	/* seconds */
	int		 active;	/* 0 for "skip" entries */

	char		*user;		/* remote login */
	char		*password;	/* NULL: look elsewhere */
	struct strlist	 locals;	/* local recipients ("is ... here") */

	int		 ssl;		/* implicit TLS */
	char		*sslproto;	/* NULL unset, "" plain text */
	int		 sslcertck;
	char		*sslcertfile;
	char		*sslcertpath;
	char		*sslcommonname;
	struct tls_policy tls;		/* built by account_finish() */

	struct strlist	 smtphosts;	/* "host", "host/port", "/socket" */
	char		*mda;
	int		 keep;
	int		 fetchall;
	struct strlist	 folders;

	char		*rcfile;	/* where it was defined, for messages */
	int		 line;
};

struct account_list {
	struct account	**v;
	size_t		  n;
};

struct account	*account_new(const char *name);
void		 account_free(struct account *);
void		 account_list_free(struct account_list *);
/* Fill a's unset fields from d (a "defaults" entry). */
void		 account_merge(struct account *a, const struct account *d);
/*
 * Apply built-in defaults and derive the TLS policy.  Returns -1 with
 * *cause set (naming rcfile:line) when the combination is invalid.
 */
int		 account_finish(struct account *, char **cause);
/* The host to connect to and the port to use. */
const char	*account_host(const struct account *);
int		 account_port(const struct account *, enum proto);

void		 strlist_add(struct strlist *, const char *);
void		 strlist_free(struct strlist *);

#endif
