/*
 * imap_reply.h -- pure parsers for IMAP4rev1 server responses (RFC 3501).
 *
 * A response line is parsed in place; pointers in the result point into
 * the line.  A trailing literal announcement "{N}" is reported, never
 * followed: the caller reads N bytes itself, bounded by its own limit.
 */

#ifndef PM_IMAP_REPLY_H
#define PM_IMAP_REPLY_H

#include <stddef.h>
#include <stdint.h>

enum imap_kind {
	IMAP_TAGGED,
	IMAP_UNTAGGED,
	IMAP_CONTINUE,
};

enum imap_cond {
	IMAP_COND_NONE,		/* untagged data: "* 3 EXISTS", "* SEARCH .." */
	IMAP_COND_OK,
	IMAP_COND_NO,
	IMAP_COND_BAD,
	IMAP_COND_PREAUTH,
	IMAP_COND_BYE,
};

#define IMAP_TAG_MAX	32

struct imap_resp {
	enum imap_kind	 kind;
	char		 tag[IMAP_TAG_MAX];
	enum imap_cond	 cond;
	int		 has_number;	/* "* 23 EXISTS" */
	uint32_t	 number;
	const char	*keyword;	/* "EXISTS", "FETCH", "CAPABILITY" */
	size_t		 keyword_len;
	const char	*text;		/* what follows the keyword/condition */
	long long	 literal;	/* trailing {N}: N; else -1 */
};

int	imap_parse(const char *line, struct imap_resp *, const char **errstr_r);
/* True if r is untagged data with this keyword (case-insensitive). */
int	imap_is(const struct imap_resp *, const char *keyword);

#define IMAP_CAP_IMAP4REV1	0x0001
#define IMAP_CAP_STARTTLS	0x0002
#define IMAP_CAP_LOGINDISABLED	0x0004
#define IMAP_CAP_UIDPLUS	0x0008
#define IMAP_CAP_IDLE		0x0010
#define IMAP_CAP_SASL_IR	0x0020
#define IMAP_CAP_AUTH_PLAIN	0x0040
#define IMAP_CAP_LITERALPLUS	0x0080
#define IMAP_CAP_AUTH_EXTERNAL	0x0100

/* Capability bits from a space-separated list, which may end in "]". */
int	imap_caps(const char *list);
/*
 * If text starts with a response code "[NAME ...]", return a pointer to
 * what follows NAME and set *len_r to its length up to "]"; else NULL.
 */
const char *imap_resp_code(const char *text, const char *name, size_t *len_r);
/* Parse the next unsigned 32-bit number at *pp, skipping spaces. */
int	imap_next_number(const char **pp, uint32_t *n_r);

/* The items of "* n FETCH (...)" that pullmail asks for. */
struct imap_fetch {
	int		has_uid;
	uint32_t	uid;
	int		has_size;
	long long	size;		/* RFC822.SIZE */
	int		has_body;	/* BODY[] follows as the trailing literal */
};

/* text: what follows "FETCH".  Items after a literal are not seen here. */
int	imap_parse_fetch(const char *text, struct imap_fetch *,
	    const char **errstr_r);

#endif
