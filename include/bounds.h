/*
 * bounds.h -- every size and time limit pullmail applies, in one place.
 *
 * Anything read from the network or a file is bounded by one of these;
 * message bodies are never held whole, they stream through fixed buffers.
 */

#ifndef PM_BOUNDS_H
#define PM_BOUNDS_H

#define PM_LINE_MAX		65536	/* one protocol line, CR LF included */
#define PM_UID_MAX		256	/* a POP3 UIDL or IMAP UID string */
#define PM_LITERAL_MAX		65536	/* an IMAP literal that is not a body */
/* A message body: a literal announcing more is a lie or an attack. */
#define PM_MESSAGE_MAX		(2LL * 1024 * 1024 * 1024)
#define PM_HEADER_MAX		(1024 * 1024)	/* a message's header block */
#define PM_IO_BUF		65536	/* socket read buffer */
#define PM_WBUF_MAX		65536	/* output buffered before a flush */
#define PM_MULTILINE_MAX	1000000	/* lines in one CAPA/UIDL/LIST reply */
/* Messages in one folder or maildrop, as STAT or UID SEARCH list them. */
#define PM_MESSAGES_MAX		1000000
/*
 * Messages one IMAP UID SEARCH or UID FETCH covers: the answer lists at
 * most this many UIDs of up to 10 digits, and the UID set we send has as
 * many, both well inside one PM_LINE_MAX line (and Dovecot's 64 KiB
 * command limit) whatever the mailbox's size.
 */
#define PM_IMAP_SLICE		4096
/* The UIDLs of one maildrop: that many UIDs of RFC 1939's 70 octets. */
#define PM_UIDL_BYTES_MAX	((size_t)PM_MESSAGES_MAX * 71)
#define PM_RC_TOKEN_MAX		8192	/* one rcfile word or string */
#define PM_RC_SIZE_MAX		(4 * 1024 * 1024)	/* a whole rcfile */
#define PM_TIMEOUT_DEFAULT	300	/* seconds, fetchmail's default */
/* Connections to one server at once: Gmail allows 15 per user, many
 * providers fewer per address; parallel polls wait for a free one. */
#define PM_CONNLIMIT_DEFAULT	4
/* -V warns about certificates and CRLs that expire within this. */
#define PM_EXPIRY_WARN_DAYS	14
/* A server silent this long may want TLS first: a side connection asks. */
#define PM_GREETING_QUIET_MS	3000
/* Bytes from a server that renew its timeout without a new command. */
#define PM_PROGRESS_BYTES	(64 * 1024)
#define PM_SMTP_TIMEOUT_MIN	300	/* RFC 5321 4.5.3.2 minimum waits */
/* Seconds from a worker's SIGTERM (its deadline) to SIGKILL. */
#define PM_KILL_GRACE		10
#define PM_PASSWORD_MAX		1024	/* a password, however obtained */
#define PM_JOURNAL_MAX		(64 * 1024 * 1024)	/* one UID journal */
#define PM_FETCHIDS_LINE	512	/* fetchmail's own limit */
#define PM_CAPS_MAX		256	/* capabilities remembered per server */

/* Pipelines: requests in flight. */
#define PM_IMAP_BATCH		32	/* bodies asked for in one UID FETCH */
#define PM_POP3_WINDOW		16	/* RETRs in flight */
/* Waits. */
#define PM_STOP_GRACE_MS	1000	/* waits left after SIGTERM */
#define PM_QUIT_WAIT		10	/* seconds --quit waits for the daemon */
#define PM_MBOX_LOCK_TRIES	60	/* half-seconds for an mbox lock: 30 s */
#define PM_MBOX_STALE_LOCK	300	/* seconds: an older dot-lock is stale */
/* A failing account waits at most this long, unless its interval is. */
#define PM_BACKOFF_MAX		3600	/* seconds */
/* Sizes. */
#define PM_LOG_LINE_MAX		4096	/* bytes in one log line */
#define PM_MD_VALUE_MAX		8192	/* a multidrop header field, unfolded */
#define PM_SAFEDIR_LINKS	40	/* symbolic links followed, as the kernel */
/*
 * SCRAM iterations.  More is a server trying to stall us.  RFC 5802
 * section 5.1 and RFC 7677 section 4: at least 4096; fewer makes a fake
 * server's offline guessing of the password cheap.
 */
#define PM_SCRAM_ITER_MAX	1000000
#define PM_SCRAM_ITER_MIN	4096

#endif
