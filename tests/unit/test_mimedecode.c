/* test_mimedecode.c -- QP text decoded, everything else left, in pieces. */

#include <stdlib.h>
#include <string.h>

#include "mimedecode.h"
#include "tap.h"

struct out {
	char	*p;
	size_t	 len;
};

static int
collect(void *arg, const char *s, size_t n)
{
	struct out	*o = arg;

	o->p = realloc(o->p, o->len + n + 1);
	memcpy(o->p + o->len, s, n);
	o->len += n;
	o->p[o->len] = '\0';
	return (0);
}

/* The whole message (header + body) after mimedecode, fed step bytes
 * at a time. */
static char *
run(const char *msg, size_t step, int *active)
{
	struct mimedec	 d;
	struct out	 o = { NULL, 0 };
	const char	*body = strstr(msg, "\n\n");
	size_t		 hlen = body - msg + 2, i, n, len;
	char		*hdr = strndup(msg, hlen);

	*active = mime_begin(&d, hdr, &hlen, collect, &o);
	collect(&o, hdr, hlen);
	body += 2;
	len = strlen(body);
	for (i = 0; i < len; i += n) {
		n = len - i < step ? len - i : step;
		mime_feed(&d, body + i, n);
	}
	mime_end(&d);
	mime_free(&d);
	free(hdr);
	if (o.p == NULL)
		o.p = strdup("");
	return (o.p);
}

static void
check(const char *in, const char *want, int want_active, const char *what)
{
	size_t	 steps[] = { 1, 2, 3, 7, 1 << 20 }, i, bad = 0;
	char	*got;
	int	 active;

	got = run(in, 1 << 20, &active);
	is_str(got, want, "%s", what);
	is_int(active, want_active, "%s: %s", what, want_active ? "decodes" :
	    "left alone");
	free(got);
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		got = run(in, steps[i], &active);
		if (strcmp(got, want) != 0)
			bad++;
		free(got);
	}
	is_int(bad, 0, "%s: the same in pieces", what);
}

int
main(void)
{
	char	*big, *want;
	size_t	 i;

	plan(27);
	check("Subject: x\nContent-Transfer-Encoding: quoted-printable\n\n"
	    "Caf=C3=A9 =3D ok=\nsoft\n=E2=82=AC\n",
	    "Subject: x\nContent-Transfer-Encoding: 8bit\n\n"
	    "Caf\xc3\xa9 = oksoft\n\xe2\x82\xac\n", 1,
	    "single-part QP text: decoded, CTE 8bit");
	check("Content-Transfer-Encoding: quoted-printable\n\n"
	    "a=\r\nb=ZZ =4 end=", "Content-Transfer-Encoding: 8bit\n\n"
	    "ab=ZZ =4 end=", 1, "CRLF soft breaks; broken escapes kept");
	check("Content-Type: application/octet-stream\n"
	    "Content-Transfer-Encoding: quoted-printable\n\nA=00B\n",
	    "Content-Type: application/octet-stream\n"
	    "Content-Transfer-Encoding: quoted-printable\n\nA=00B\n", 0,
	    "QP that is not text is left");
	check("Subject: plain\n\nx=41\n", "Subject: plain\n\nx=41\n", 0,
	    "no CTE: left");
	check("Content-Type: multipart/alternative; boundary=\"b1\"\n\n"
	    "pre=41\n--b1\nContent-Type: text/plain; charset=utf-8\n"
	    "Content-Transfer-Encoding: quoted-printable\n\nJ=C3=B6rg=\n!\n"
	    "--b1\nContent-Type: text/html\nContent-Transfer-Encoding: "
	    "base64\n\nPGI+\n--b1--\npost=41\n",
	    "Content-Type: multipart/alternative; boundary=\"b1\"\n\n"
	    "pre=41\n--b1\nContent-Type: text/plain; charset=utf-8\n"
	    "Content-Transfer-Encoding: 8bit\n\nJ\xc3\xb6rg!\n"
	    "--b1\nContent-Type: text/html\nContent-Transfer-Encoding: "
	    "base64\n\nPGI+\n--b1--\npost=41\n", 1,
	    "multipart: the QP part decoded, the rest kept");
	check("Content-Type: multipart/mixed; boundary=out\n\n--out\n"
	    "Content-Type: multipart/alternative; boundary=in\n\n--in\n"
	    "Content-Transfer-Encoding: quoted-printable\n\n=41=42\n--in--\n"
	    "--out\nContent-Transfer-Encoding: quoted-printable\n\n=43\n"
	    "--out--\n",
	    "Content-Type: multipart/mixed; boundary=out\n\n--out\n"
	    "Content-Type: multipart/alternative; boundary=in\n\n--in\n"
	    "Content-Transfer-Encoding: 8bit\n\nAB\n--in--\n"
	    "--out\nContent-Transfer-Encoding: 8bit\n\nC\n--out--\n", 1,
	    "nested multiparts");
	check("Content-Type: multipart/mixed; boundary=b\n\n--bx\n"
	    "Content-Transfer-Encoding: quoted-printable\n\n=41\n--b \n"
	    "Content-Transfer-Encoding: quoted-printable\n\n=41\n",
	    "Content-Type: multipart/mixed; boundary=b\n\n--bx\n"
	    "Content-Transfer-Encoding: quoted-printable\n\n=41\n--b \n"
	    "Content-Transfer-Encoding: 8bit\n\nA\n", 1,
	    "a longer word is not the boundary; trailing blanks are allowed");
	check("Content-Type: multipart/mixed; boundary=\"unterminated\n\nx\n",
	    "Content-Type: multipart/mixed; boundary=\"unterminated\n\nx\n",
	    0, "a broken boundary parameter: left alone");

	/* A QP line far longer than the line buffer. */
	big = malloc(30000);
	want = malloc(20000);
	strcpy(big, "Content-Transfer-Encoding: quoted-printable\n\n");
	strcpy(want, "Content-Transfer-Encoding: 8bit\n\n");
	for (i = 0; i < 5000; i++) {
		strcat(big, "=41");
		strcat(want, "A");
	}
	strcat(big, "\n");
	strcat(want, "\n");
	check(big, want, 1, "a 15000-byte QP line");
	free(big);
	free(want);
	return (done_testing());
}
