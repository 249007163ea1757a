/*
 * mimedecode.h -- fetchmail's "mimedecode": quoted-printable text turned
 * back into 8-bit text on the way through, streaming.
 */

#ifndef PM_MIMEDECODE_H
#define PM_MIMEDECODE_H

#include <stddef.h>

#define MIME_DEPTH	8	/* nested multiparts followed */
#define MIME_LINE	1024	/* longest line looked at for a boundary */
#define MIME_HEADER_MAX	65536	/* longest part header decoded */

/* Where decoded bytes go: 0 to go on, -1 to stop. */
typedef int (*mime_emit)(void *arg, const char *, size_t);

struct mimedec {
	int		 qp;		/* the current part is QP text */
	int		 qpstate;	/* 0, after "=", after "=X", "=\r" */
	char		 qphex;
	char		*bounds[MIME_DEPTH];
	size_t		 nbounds;
	int		 in_header;	/* collecting a part's header */
	char		*hdr;
	size_t		 hdrlen;
	char		 line[MIME_LINE];
	size_t		 linelen;
	int		 midline;	/* line[] continues a longer line */
	mime_emit	 emit;
	void		*arg;
};

/*
 * Look at the message's header block hdr[0..*len): a quoted-printable
 * text body or a multipart body is decoded (returns 1); anything else is
 * left alone (returns 0).  The Content-Transfer-Encoding field is
 * changed to 8bit in place and *len updated.
 */
int	mime_begin(struct mimedec *, char *hdr, size_t *len, mime_emit,
	    void *arg);
/* Body bytes in; decoded bytes go to emit.  -1 when emit stopped. */
int	mime_feed(struct mimedec *, const char *, size_t);
int	mime_end(struct mimedec *);
void	mime_free(struct mimedec *);

#endif
