/*
 * pop3_reply.c -- what a POP3 server's lines mean, without trusting them.
 */

#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pop3_reply.h"

enum pop3_status
pop3_status(const char *line, const char **text_r)
{
	const char	*p;
	enum pop3_status st;

	if (strncmp(line, "+OK", 3) == 0) {
		p = line + 3;
		st = POP3_OK;
	} else if (strncmp(line, "-ERR", 4) == 0) {
		p = line + 4;
		st = POP3_ERR;
	} else if (line[0] == '+' && (line[1] == ' ' || line[1] == '\0')) {
		p = line + 1;
		st = POP3_CONT;
	} else {
		*text_r = line;
		return (POP3_BAD);
	}
	/* "+OKAY" is not "+OK". */
	if (st != POP3_CONT && *p != '\0' && *p != ' ') {
		*text_r = line;
		return (POP3_BAD);
	}
	while (*p == ' ')
		p++;
	*text_r = p;
	return (st);
}

int
pop3_resp_code(const char *text, char *code, size_t size)
{
	const char	*end;
	size_t		 n;

	if (*text != '[' || (end = strchr(text, ']')) == NULL)
		return (-1);
	n = end - text - 1;
	if (n == 0 || n >= size)
		return (-1);
	memcpy(code, text + 1, n);
	code[n] = '\0';
	return (0);
}

/* Split "<number> <rest>"; the number is a message number. */
static const char *
pop3_msgno(const char *line, unsigned int *msgno_r, const char **errstr_r)
{
	char		 num[16];
	const char	*sp, *errstr;
	size_t		 n;

	if ((sp = strchr(line, ' ')) == NULL || (n = sp - line) == 0 ||
	    n >= sizeof(num)) {
		*errstr_r = "malformed line, expected a message number";
		return (NULL);
	}
	memcpy(num, line, n);
	num[n] = '\0';
	*msgno_r = strtonum(num, 1, UINT_MAX, &errstr);
	if (errstr != NULL) {
		*errstr_r = "message number is not a positive number";
		return (NULL);
	}
	while (*sp == ' ')
		sp++;
	return (sp);
}

int
pop3_parse_stat(const char *text, long long max, long long *count_r,
    const char **errstr_r)
{
	char		 num[24];
	const char	*errstr;
	size_t		 n;

	text += strspn(text, " ");
	/* Only the count matters; what follows it is not looked at. */
	if ((n = strspn(text, "0123456789")) >= sizeof(num)) {
		*errstr_r = "too large";
		return (-1);
	}
	memcpy(num, text, n);
	num[n] = '\0';
	*count_r = strtonum(num, 0, max, &errstr);
	if (errstr != NULL) {
		*errstr_r = errstr;
		return (-1);
	}
	return (0);
}

int
pop3_parse_list(const char *line, unsigned int *msgno_r, long long *size_r,
    const char **errstr_r)
{
	const char	*p, *errstr;
	char		 num[24];
	size_t		 n;

	if ((p = pop3_msgno(line, msgno_r, errstr_r)) == NULL)
		return (-1);
	n = strcspn(p, " ");
	if (n == 0 || n >= sizeof(num)) {
		*errstr_r = "malformed LIST size";
		return (-1);
	}
	memcpy(num, p, n);
	num[n] = '\0';
	*size_r = strtonum(num, 0, LLONG_MAX, &errstr);
	if (errstr != NULL) {
		*errstr_r = "LIST size is not a number";
		return (-1);
	}
	return (0);
}

int
pop3_parse_uidl(const char *line, unsigned int *msgno_r, char *uid,
    size_t uidsize, const char **errstr_r)
{
	const char	*p;
	size_t		 n, i;

	if ((p = pop3_msgno(line, msgno_r, errstr_r)) == NULL)
		return (-1);
	n = strcspn(p, " ");
	if (n == 0) {
		*errstr_r = "empty UID";
		return (-1);
	}
	if (n >= uidsize) {
		*errstr_r = "UID too long";
		return (-1);
	}
	for (i = 0; i < n; i++) {
		if (!isgraph((unsigned char)p[i])) {
			*errstr_r = "UID holds a non-printable byte";
			return (-1);
		}
	}
	memcpy(uid, p, n);
	uid[n] = '\0';
	return (0);
}

int
pop3_capa_line(const char *line)
{
	static const struct {
		const char	*name;
		int		 bit;
	} caps[] = {
		{ "STLS",	 POP3_CAP_STLS },
		{ "UIDL",	 POP3_CAP_UIDL },
		{ "PIPELINING",	 POP3_CAP_PIPELINING },
		{ "USER",	 POP3_CAP_USER },
		{ "TOP",	 POP3_CAP_TOP },
		{ "RESP-CODES",	 POP3_CAP_RESP_CODES },
		{ "SASL",	 POP3_CAP_SASL },
	};
	size_t	i, n;

	n = strcspn(line, " ");
	if (n == 4 && strncasecmp(line, "SASL", 4) == 0) {
		const char	*w = line + 4;
		size_t		 wl;

		/* The mechanisms follow; note the one that needs no secret. */
		for (; *w != '\0'; w += wl) {
			w += strspn(w, " ");
			wl = strcspn(w, " ");
			if (wl == 8 && strncasecmp(w, "EXTERNAL", 8) == 0)
				return (POP3_CAP_SASL | POP3_CAP_SASL_EXTERNAL);
		}
		return (POP3_CAP_SASL);
	}
	for (i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		if (strlen(caps[i].name) == n &&
		    strncasecmp(line, caps[i].name, n) == 0)
			return (caps[i].bit);
	}
	return (0);
}
