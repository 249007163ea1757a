/*
 * rc_keywords.h -- the words of fetchmail's rcfile language.
 *
 * Which words are keywords, of which class, with which "no" forms; the
 * parser (rc_parse.c) decides what they mean where they appear.
 */

#ifndef PM_RC_KEYWORDS_H
#define PM_RC_KEYWORDS_H

enum kw {
	KW_NONE = 0,
	KW_OPTION,		/* an option with no special handling */
	/* statements */
	KW_SET, KW_POLL, KW_SKIP, KW_DEFAULTS,
	/* clause words */
	KW_NO, KW_HERE, KW_THERE, KW_IS, KW_TO, KW_USER, KW_PASS, KW_AUTH,
	KW_ACCEPT, KW_REJECT,
	/* server options */
	KW_VIA, KW_AKA, KW_LOCALDOMAINS, KW_PROTO, KW_SERVICE, KW_PORT,
	KW_INTERVAL, KW_TIMEOUT, KW_ENVELOPE, KW_QVIRTUAL, KW_PRINCIPAL,
	KW_ESMTPNAME, KW_ESMTPPASSWORD, KW_UIDL, KW_CHECKALIAS, KW_DNS,
	KW_INTERFACE, KW_MONITOR, KW_PLUGIN, KW_PLUGOUT, KW_TRACEPOLLS,
	KW_BADHEADER,
	/* user options */
	KW_FOLDER, KW_SMTPHOST, KW_FETCHDOMAINS, KW_SMTPADDRESS, KW_SMTPNAME,
	KW_ANTISPAM, KW_MDA, KW_BSMTP, KW_LMTP, KW_PRECONNECT, KW_POSTCONNECT,
	KW_KEEP, KW_FLUSH, KW_LIMITFLUSH, KW_FETCHALL, KW_REWRITE, KW_FORCECR,
	KW_STRIPCR, KW_PASS8BITS, KW_DROPSTATUS, KW_DROPDELIVERED,
	KW_MIMEDECODE, KW_IDLE, KW_SSL, KW_SSLKEY, KW_SSLCERT, KW_SSLPROTO,
	KW_SSLCERTCK, KW_SSLCERTFILE, KW_SSLCERTPATH, KW_SSLCOMMONNAME,
	KW_SSLFINGERPRINT, KW_LIMIT, KW_WARNINGS, KW_FETCHLIMIT,
	KW_FETCHSIZELIMIT, KW_FASTUIDL, KW_BATCHLIMIT, KW_EXPUNGE,
	KW_PROPERTIES,
	/* pullmail's own user options */
	KW_SSLCRLFILE, KW_PASSWORDEVAL, KW_MAILDIR, KW_MBOX, KW_MDAUSER,
	KW_POSTDELIVER, KW_POSTPOLL, KW_HOOKTIMEOUT,
	/* global options */
	KW_LOGFILE, KW_IDFILE, KW_PIDFILE, KW_DAEMON, KW_POSTMASTER,
	KW_BOUNCEMAIL, KW_SPAMBOUNCE, KW_SOFTBOUNCE, KW_SYSLOG, KW_INVISIBLE,
	KW_SHOWDOTS, KW_JOBS, KW_CONNLIMIT, KW_DEADLINE, KW_STATEDIR,
	KW_METRICSFILE,
	/* values that fetchmail's lexer turns into their own tokens */
	KW_PROTOVAL, KW_AUTHVAL,
};

enum kw_class {
	KC_STMT,
	KC_SERVER,
	KC_USER,
	KC_SET,
	KC_OTHER,
};

#define KF_NEGATED	0x01	/* a joined "no" form: "nokeep" */
#define KF_NEGATABLE	0x02	/* "no X" is allowed */
#define KF_EXT		0x04	/* pullmail only: a plain word to fetchmail */

struct keyword {
	const char	*name;
	enum kw		 kw;
	enum kw_class	 cls;
	int		 flags;
	int		 value;		/* enum proto / enum auth */
};

/* The keyword spelt word, or NULL for a plain word. */
const struct keyword	*rc_lookup(const char *word);
/* Is word one of fetchmail's ignored noise words (with, and, ...)? */
int			 rc_is_noise(const char *word);

#endif
