/*
 * rc_keywords.h -- the words of fetchmail's rcfile language.
 *
 * Which words are keywords, of which class, with which "no" forms (the
 * options' words come from the option table, optable.h); the parser
 * (rc_parse.c) decides what they mean where they appear.
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
	/* options the parser handles itself (the rest are KW_OPTION) */
	KW_VIA, KW_PROTO, KW_SERVICE, KW_PORT, KW_ENVELOPE, KW_INTERFACE,
	KW_BADHEADER, KW_MDA, KW_BSMTP, KW_SMTPHOST, KW_ANTISPAM, KW_SSLPROTO,
	KW_SSLCOMMONNAME, KW_SSLFINGERPRINT, KW_SSLCRLFILE, KW_PROPERTIES,
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
	const struct opt *opt;		/* an option's row, or NULL */
};

struct opt;

/*
 * The keyword spelt word, or NULL for a plain word.  An option's keyword
 * is built in buf (its name is word).
 */
const struct keyword	*rc_lookup(const char *word, struct keyword *buf);
/* Is word one of fetchmail's ignored noise words (with, and, ...)? */
int			 rc_is_noise(const char *word);

#endif
