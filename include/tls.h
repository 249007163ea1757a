/*
 * tls.h -- the TLS layer: policy in, verified session out.
 *
 * tls.c is the only file that includes <openssl/ssl.h>.  Everything the
 * rest of pullmail needs to know about TLS goes through this header.
 */

#ifndef PM_TLS_H
#define PM_TLS_H

#include <stddef.h>

#include "pin.h"

enum tls_version {
	TLS_V_ANY = 0,		/* no bound */
	TLS_V_1_0,
	TLS_V_1_1,
	TLS_V_1_2,
	TLS_V_1_3,
};

enum tls_mode {
	TLS_MODE_STARTTLS = 0,	/* default: STLS/STARTTLS, required */
	TLS_MODE_IMPLICIT,	/* "ssl": TLS from the first byte */
	TLS_MODE_PLAIN,		/* sslproto '': the user chose plain text */
};

/* What the user asked for, per account; built by account.c. */
struct tls_policy {
	enum tls_mode	 mode;
	enum tls_version min_version;	/* default TLS 1.2 */
	enum tls_version max_version;	/* TLS_V_ANY: newest available */
	int		 verify;	/* sslcertck (default on) */
	char		*cafile;	/* sslcertfile, else the system store */
	char		*capath;	/* sslcertpath */
	char		*servername;	/* name to verify and send as SNI */
	char		*crlfile;	/* sslcrlfile: CRLs for the chain */
	char		*certfile;	/* sslcert: client certificate */
	char		*keyfile;	/* sslkey, else the key in certfile */
	struct pin	*pins;		/* sslfingerprint: any one matches */
	size_t		 npins;
	/*
	 * The ALPN protocol id to offer ("imap", "pop3"), or NULL for none.
	 * A static string, not owned; set per connection by the protocol
	 * driver, since "proto auto" decides the protocol late.
	 */
	const char	*alpn;
};

enum tls_io {
	TLS_IO_OK,
	TLS_IO_WANT_READ,
	TLS_IO_WANT_WRITE,
	TLS_IO_EOF,
	TLS_IO_ERROR,
};

struct tls;

/*
 * Parse an sslproto value ("auto", "tls1.2+", "tls1.3", ...) into the
 * policy's bounds.  "" selects plain text.  Returns -1 with *cause set for
 * a value pullmail refuses (SSLv2/3, unknown words).
 */
int		 tls_policy_set_proto(struct tls_policy *, const char *,
		    char **cause);
void		 tls_policy_init(struct tls_policy *);
void		 tls_policy_free(struct tls_policy *);

/*
 * Start a client session on the connected, non-blocking socket fd.
 * Returns NULL with *cause set if the context cannot be built (an
 * unreadable CA file is named) or if verification is on and there is
 * no server name to verify against.  The handshake is driven by
 * tls_handshake() until it stops asking to wait; it fails if the
 * server selects an ALPN protocol other than the one offered.
 * Renegotiation is refused.
 */
struct tls	*tls_client(int fd, const struct tls_policy *, char **cause);
enum tls_io	 tls_handshake(struct tls *, char **cause);
enum tls_io	 tls_read(struct tls *, void *, size_t, size_t *n_r,
		    char **cause);
enum tls_io	 tls_write(struct tls *, const void *, size_t, size_t *n_r,
		    char **cause);
/* True if OpenSSL holds decrypted bytes not yet returned by tls_read. */
int		 tls_pending(struct tls *);
/* "TLSv1.3 TLS_AES_256_GCM_SHA384"; owned by the session. */
const char	*tls_summary(struct tls *);
/* Warnings for verbose mode and for "no sslcertck": allocated, or NULL. */
char		*tls_verify_report(struct tls *);
/* Did a pin match (so an unverified chain is what the user asked)? */
int		 tls_pinned(struct tls *);
/*
 * The peer's chain in words (subject, issuer, validity of each
 * certificate) and the server certificate's three fingerprints as
 * rcfile lines; allocated.
 */
char		*tls_describe(struct tls *);
/*
 * Our client certificate as the server saw it: whether it asked for one,
 * and the subject, issuer and expiry of the one sent.  Allocated, or
 * NULL without a client certificate.
 */
char		*tls_client_cert_report(struct tls *);
/* Did the server ask for a client certificate in the handshake? */
int		 tls_client_cert_asked(struct tls *);
/* The chain's verification result (X509_V_OK or an X509_V_ERR_*). */
long		 tls_verify_result(struct tls *);
/* Is vr only "the issuer is not trusted here" (a pin could stand in)? */
int		 tls_untrusted_only(long vr);
/* The server key's pin, "sha256//BASE64"; allocated, or NULL. */
char		*tls_spki_pin(struct tls *);
/*
 * -V: load the files p names (trust anchors, CRLs, client certificate
 * and key) without connecting, as a connection would.  *report gets one
 * line per certificate or CRL with its expiry, "WARNING" before those
 * that expire within PM_EXPIRY_WARN_DAYS or have; allocated, or NULL.
 * 0, or -1 with *cause set when a file cannot be used.
 */
int		 tls_policy_check(const struct tls_policy *, char **report,
		    char **cause);
/*
 * Weak spots of the peer's chain below its root: RSA/DSA keys under 2048
 * bits, SHA-1 or MD5 signatures.  Allocated, or NULL when none.
 */
char		*tls_weaknesses(struct tls *);
/* The negotiated protocol version, e.g. "TLSv1.3". */
const char	*tls_version_name(struct tls *);
/* Days until the server certificate expires (negative: expired). */
int		 tls_days_left(struct tls *);
/*
 * Channel binding for SCRAM-PLUS: "tls-exporter" (RFC 9266) on TLS 1.3,
 * "tls-unique" (RFC 5929) on TLS 1.2 only when Extended Master Secret
 * (RFC 7627) was negotiated.  0, or -1 when there is no safe binding.
 */
int		 tls_channel_binding(struct tls *, const char **type,
		    unsigned char *buf, size_t size, size_t *len);
void		 tls_free(struct tls **);

#endif
