/*
 * utf7.h -- IMAP's modified UTF-7 for mailbox names (RFC 3501 5.1.3).
 */

#ifndef PM_UTF7_H
#define PM_UTF7_H

/*
 * The mailbox name utf8 as IMAP wants it on the wire: printable ASCII as
 * itself, "&" as "&-", everything else as "&" + base64 (with "," for "/")
 * of UTF-16BE + "-".  NULL if utf8 is not valid UTF-8.
 */
char	*utf7_encode(const char *utf8);

#endif
