/*
 * optable.h -- one row per option: rcfile words, command line, storage,
 * default, --configdump key.
 *
 * The rcfile parser, the command line, merging "defaults", forcing the
 * command line, freeing, account_finish()'s and config_finish()'s
 * defaults, --configdump and -V (rows with a label) all walk this table;
 * tests/compat/t_docs.sh reads it to check the manual pages.  What is
 * really special about an option (a value syntax of its own, a default
 * computed from others) is marked OF_OWN_* or OF_NODEFAULT and written
 * out where it is done, by kw.
 */

#ifndef PM_OPTABLE_H
#define PM_OPTABLE_H

#include <stddef.h>

#include "rc_keywords.h"

enum opt_scope {
	OS_SERVER,		/* struct account, shared by an entry's users */
	OS_USER,		/* struct account, per user */
	OS_SET,			/* struct config: "set NAME" */
};

enum opt_kind {
	OK_FLAG,		/* int, TRI_UNSET until set, then 0 or 1 */
	OK_INT,			/* int in [min, max], TRI_UNSET until set */
	OK_ENUM,		/* an enum whose 0 means unset */
	OK_STR,			/* char *, NULL until set */
	OK_PATH,		/* a string; relative names are made absolute */
	OK_SECRET,		/* a string wiped before it is freed */
	OK_LIST,		/* struct strlist; lists append */
};

#define OF_EXT		0x0001	/* pullmail only: a plain word to fetchmail */
#define OF_NEGATABLE	0x0002	/* "no NAME" */
#define OF_JOINED	0x0004	/* "noNAME" is a keyword too */
#define OF_REFUSED	0x0008	/* parsed and dumped, but not polled */
#define OF_VIEW		0x0010	/* another view of a field a row owns */
#define OF_NODEFAULT	0x0020	/* no table default: finish computes it */
#define OF_OWN_RC	0x0040	/* rc_parse.c parses the value itself */
#define OF_OWN_CL	0x0080	/* cmdline.c parses the value itself */
#define OF_OWN_DUMP	0x0100	/* configdump.c prints it itself */
#define OF_DUMP_IFSET	0x0200	/* dumped only when set */

struct opt {
	const char	*name;		/* rcfile keyword; NULL: none */
	const char	*aliases;	/* more spellings, space-separated */
	enum kw		 kw;
	enum opt_scope	 scope;
	enum opt_kind	 kind;
	int		 flags;
	size_t		 off;		/* in struct account or struct config */
	int		 def;		/* OK_FLAG, OK_INT: built-in default */
	int		 min, max;	/* OK_INT */
	const char	*what;		/* "expected WHAT" in rcfile messages */
	const char	*cl;		/* long options, space-separated */
	int		 cl_short;
	const char	*cl_no;		/* long option that turns a flag off */
	int		 cl_noshort;
	const char	*dump;		/* --configdump key, or NULL */
	const char	*label;		/* -V: "label: value" when set */
};

extern const struct opt	optable[];
extern const size_t	optable_n;

/* The row of kw in scope (OS_SET or not), or NULL. */
const struct opt	*opt_by_kw(enum kw, int set);
/* The row spelt word (a name, an alias or a joined "no" form). */
const struct opt	*opt_by_word(const char *word, int *negated);

/* Fields of a record through a row. */
#define OPT_FIELD(rec, o, type)	((type *)(void *)((char *)(rec) + (o)->off))
#define OPT_CFIELD(rec, o, type) ((const type *)(const void *)	\
				    ((const char *)(rec) + (o)->off))

/* Walks over one record's storage (rows of scope set or not). */
void	opt_clear_all(void *rec, int set);
int	opt_is_set(const void *rec, const struct opt *);
void	opt_clear(void *rec, const struct opt *);
/* Copy o's field from from into to, which must be clear. */
void	opt_copy(void *to, const void *from, const struct opt *);
/* Unset flags and numbers take the row's default. */
void	opt_defaults(void *rec, int set);

#endif
