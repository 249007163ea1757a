/*
 * bounce.c -- build a multipart/report delivery status notification
 * (RFC 3462, 3464): a human part, the machine-readable status, and the
 * refused message's header (never its body: it may be large or the
 * reason it was refused).
 */

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bounce.h"
#include "xmalloc.h"

/* The reply without CR/LF, so it cannot break the notice's structure. */
static void
put_oneline(FILE *f, const char *s)
{
	for (; *s != '\0'; s++)
		fputc(*s == '\r' || *s == '\n' ? ' ' : *s, f);
}

/* Where the SMTP reply starts in text ("... 550 5.7.1 no"), or NULL. */
static const char *
reply_start(const char *text)
{
	const char	*p;

	for (p = text; p[0] != '\0'; p++) {
		if ((p == text || p[-1] == ' ') && isdigit((unsigned char)p[0]) &&
		    isdigit((unsigned char)p[1]) && isdigit((unsigned char)p[2]) &&
		    (p[3] == ' ' || p[3] == '-') && (p[0] == '4' || p[0] == '5'))
			return (p);
	}
	return (NULL);
}

char *
bounce_build(const struct bounce_info *b, size_t *len)
{
	FILE		*f;
	char		*out;
	const char	*diag, *p;
	size_t		 i;

	diag = (p = reply_start(b->reply)) != NULL ? p : b->reply;
	if ((f = open_memstream(&out, len)) == NULL)
		return (NULL);
	fprintf(f, "From: Mail Delivery System <MAILER-DAEMON@%s>\r\n"
	    "To: <%s>\r\nSubject: Undelivered Mail Returned to Sender\r\n"
	    "Date: %s\r\nAuto-Submitted: auto-replied\r\n"
	    "MIME-Version: 1.0\r\n"
	    "Content-Type: multipart/report; report-type=delivery-status;\r\n"
	    "\tboundary=\"%s\"\r\n\r\n"
	    "This is a MIME-encapsulated delivery status notification.\r\n\r\n"
	    "--%s\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n"
	    "pullmail fetched a message for you from %s and handed it to\r\n"
	    "its mail server, which refused it for good:\r\n\r\n    ",
	    b->me, b->to, b->date, b->boundary, b->boundary, b->account);
	put_oneline(f, b->reply);
	fprintf(f, "\r\n\r\nThe message was removed from %s. Its header "
	    "follows.\r\n\r\n--%s\r\nContent-Type: message/delivery-status"
	    "\r\n\r\nReporting-MTA: dns; %s\r\n\r\nFinal-Recipient: rfc822; "
	    "%s%s%s\r\nAction: failed\r\nStatus: ", b->account, b->boundary,
	    b->me, b->rcpt, strchr(b->rcpt, '@') != NULL ? "" : "@",
	    strchr(b->rcpt, '@') != NULL ? "" : b->me);
	/* "550 5.7.1 ..." carries its enhanced status code (RFC 3463). */
	if (p != NULL && p[4] == p[0] && p[5] == '.') {
		for (i = 4; p[i] != '\0' && p[i] != ' ' && i < 16; i++)
			fputc(p[i], f);
	} else
		fputs("5.0.0", f);
	fputs("\r\nDiagnostic-Code: smtp; ", f);
	put_oneline(f, diag);
	fprintf(f, "\r\n\r\n--%s\r\nContent-Type: text/rfc822-headers\r\n\r\n",
	    b->boundary);
	/* The header as it came, each line CR LF ended. */
	for (i = 0; i < b->hdrlen; i++) {
		if (b->hdr[i] == '\n' && (i == 0 || b->hdr[i - 1] != '\r'))
			fputc('\r', f);
		fputc(b->hdr[i], f);
	}
	if (b->hdrlen == 0 || b->hdr[b->hdrlen - 1] != '\n')
		fputs("\r\n", f);
	fprintf(f, "\r\n--%s--\r\n", b->boundary);
	fclose(f);
	return (out);
}
