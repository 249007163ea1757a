/*
 * sasl.h -- SASL client mechanisms, shared by POP3, IMAP and SMTP.
 *
 * Pure: no I/O.  The protocol code sends the initial response, feeds each
 * server challenge (already base64-decoded) to sasl_step(), and sends
 * back what it returns (to be base64-encoded).  SCRAM checks the
 * server's signature in its last step, so a server that does not know
 * the password cannot pretend to have accepted it.
 */

#ifndef PM_SASL_H
#define PM_SASL_H

#include <stddef.h>

enum sasl_mech {
	SASL_NONE = -1,
	SASL_EXTERNAL,
	SASL_SCRAM_SHA_256_PLUS,
	SASL_SCRAM_SHA_1_PLUS,
	SASL_SCRAM_SHA_256,
	SASL_SCRAM_SHA_1,
	SASL_CRAM_MD5,
	SASL_PLAIN,
	SASL_LOGIN,
	SASL_XOAUTH2,
	SASL_OAUTHBEARER,
};

struct sasl;

/* The mechanism's IANA name ("SCRAM-SHA-256"); NULL for SASL_NONE. */
const char	*sasl_name(enum sasl_mech);
/* Does it send the secret itself (so it needs TLS)? */
int		 sasl_plaintext(enum sasl_mech);
/*
 * The strongest password mechanism in offered (space-separated names,
 * any case), or SASL_NONE; SCRAM-*-PLUS only when can_bind (TLS).  OAuth
 * and EXTERNAL are never picked here: they need a token or a certificate
 * the user must ask for.
 */
enum sasl_mech	 sasl_choose(const char *offered, int can_bind);
/* SCRAM-SHA-256 -> SCRAM-SHA-256-PLUS and so on; others unchanged. */
enum sasl_mech	 sasl_plus(enum sasl_mech);
int		 sasl_offers(const char *offered, enum sasl_mech);

/*
 * host/port feed OAUTHBEARER; secret is the password or the OAuth token.
 * nonce (SCRAM's client nonce) is NULL except in tests.
 */
struct sasl	*sasl_new(enum sasl_mech, const char *user,
		    const char *secret, const char *host, int port,
		    const char *nonce);
void		 sasl_free(struct sasl *);
/*
 * The TLS channel binding (type as in RFC 5056 names).  SCRAM-*-PLUS
 * binds to it; plain SCRAM then tells the server "y": we could have
 * bound, so a server that supports binding detects a stripped -PLUS.
 */
void		 sasl_channel_binding(struct sasl *, const char *type,
		    const unsigned char *data, size_t len);
/*
 * The initial response, sent with the command; *out NULL when the
 * mechanism has none.  Returns -1 with *cause on failure.
 */
int		 sasl_start(struct sasl *, unsigned char **out, size_t *outlen,
		    char **cause);
/*
 * Answer one challenge.  Returns 0 with a response in *out (possibly
 * empty), or -1 with *cause (a bad challenge, or a server signature that
 * does not verify).
 */
int		 sasl_step(struct sasl *, const unsigned char *in, size_t inlen,
		    unsigned char **out, size_t *outlen, char **cause);
/*
 * After the server's success: 0 if the exchange is complete (SCRAM: the
 * server's signature was checked), -1 with *cause otherwise.
 */
int		 sasl_finished(struct sasl *, char **cause);

/*
 * The same two steps as protocols carry them, in base64.  sasl_start_b64
 * gives NULL when there is no initial response and "" for an empty one
 * (an inline protocol sends that as "=").  sasl_answer returns 0 with the
 * response in *b64, SASL_BAD_CHALLENGE for a challenge that is not
 * base64, or SASL_REFUSED when the mechanism will not go on (the caller
 * cancels the exchange).  Results hold secrets: free them with freezero.
 */
#define SASL_BAD_CHALLENGE	-2
#define SASL_REFUSED		-1
int		 sasl_start_b64(struct sasl *, char **b64, char **cause);
int		 sasl_answer(struct sasl *, const char *challenge, char **b64,
		    char **cause);

/* Base64 helpers: allocated results; decode returns -1 on bad input. */
char		*sasl_b64_encode(const unsigned char *, size_t);
int		 sasl_b64_decode(const char *, unsigned char **out,
		    size_t *outlen);

#endif
